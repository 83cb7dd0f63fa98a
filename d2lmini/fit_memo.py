"""One training run shared by the two executions of a chapter in a test run.

`make test` executes every chapter twice: nbval runs its notebook and compares the
outputs with the stored ones, and the book build runs it again to draw the static
controls' frames. The two 100-epoch fits of 9.5 and 9.6 were then a fifth of the
whole run's work, computed twice on the same machine from the same inputs.

Off unless a test run turns it on (conftest.py and tests/test_browser.py do):

* ``$D2LMINI_FIT_MEMO_WRITE=<folder>`` (nbval's kernels): ``Trainer.fit`` trains as
  always and then saves what the fit leaves behind (the model's parameters, the
  history, the random generators' states) under a key (:func:`fit_key`) made of
  everything the fit reads: the package's source, torch's version, the CPU code
  path, the model (its structure, attributes and parameters), the batches' tensors,
  the trainer's settings and the random generators' states;
* ``$D2LMINI_FIT_MEMO_READ=<folder>`` (the book build's kernels): a fit whose key
  was saved loads it instead of training, and waits for one that a writer has
  started (at most ``$D2LMINI_FIT_MEMO_WAIT_S``, 900 s), and leaves ``<key>.read``
  beside it; anything else trains.

The fit that nbval checks is always computed; the build shows the same numbers
because they are the same computation. A memo that cannot be written (a read-only
folder) is skipped: the reader then trains.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pathlib
import time

import numpy as np
import torch

from .utils import random_states

WRITE = "D2LMINI_FIT_MEMO_WRITE"
READ = "D2LMINI_FIT_MEMO_READ"
WAIT = "D2LMINI_FIT_MEMO_WAIT_S"
CPU_PATH = (
    "ATEN_CPU_CAPABILITY",
    "MKL_ENABLE_INSTRUCTIONS",
    "MKL_CBWR",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)
PACKAGE = pathlib.Path(__file__).resolve().parent


def _feed(h, value, depth=0):
    """Hash ``value``: tensors and arrays by dtype, shape and bytes; containers item
    by item; other objects by type and (two levels deep) their attributes."""
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu().contiguous()
        h.update(f"T{t.dtype}{tuple(t.shape)}".encode())
        h.update(t.flatten().view(torch.uint8).numpy().tobytes())
    elif isinstance(value, np.ndarray):
        h.update(f"A{value.dtype}{value.shape}".encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, (list, tuple)):
        h.update(f"L{len(value)}".encode())
        for v in value:
            _feed(h, v, depth)
    elif isinstance(value, dict):
        h.update(f"D{len(value)}".encode())
        for k in sorted(value, key=repr):
            h.update(repr(k).encode())
            _feed(h, value[k], depth)
    elif value is None or isinstance(value, (bool, int, float, str, bytes)):
        h.update(repr(value).encode())
    elif isinstance(value, torch.nn.Module):
        h.update(repr(value).encode())
        _feed(h, value.state_dict(), depth)
        _feed(h, _plain(value), depth)
    elif depth < 2 and hasattr(value, "__dict__") and not callable(value):
        h.update(type(value).__qualname__.encode())
        _feed(h, _plain(value), depth + 1)
    else:
        h.update(type(value).__qualname__.encode())


def _plain(obj):
    """An object's own attributes, without torch's private bookkeeping."""
    return {
        k: v
        for k, v in vars(obj).items()
        if not k.startswith("_") and not callable(v) and k != "trainer"
    }


@functools.cache
def _source_digest():
    """The package's source, read once per process."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode())
        h.update(path.read_bytes())
    return h.digest()


def fit_key(trainer, model, loaders):
    """A digest of everything a fit reads (the module docstring lists it)."""
    h = hashlib.sha256(_source_digest())
    h.update(torch.__version__.encode())
    h.update(repr([(v, os.environ.get(v)) for v in CPU_PATH]).encode())
    h.update(f"threads {torch.get_num_threads()}".encode())
    _feed(h, type(model).__qualname__)
    _feed(h, model)
    _feed(h, [type(x).__qualname__ for x in loaders])
    _feed(h, [_plain(x) for x in loaders])
    settings = ("max_epochs", "gradient_clip_val", "seed", "stateful")
    _feed(h, {s: getattr(trainer, s) for s in settings})
    _feed(h, str(trainer.device))
    _feed(h, random_states())
    return h.hexdigest()[:32]


class FitMemo:
    """The memo of one fit: ``load`` (reader) or ``save`` (writer)."""

    def __init__(self, folder, key, writer):
        self.folder, self.key, self.writer = pathlib.Path(folder), key, writer
        self.path = self.folder / f"{key}.pt"
        self.pending = self.folder / f"{key}.pending"

    def start(self):
        """Writer: say that this fit is being computed (a reader waits for it)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.pending.write_text(str(os.getpid()))
        except OSError:
            self.writer = False

    def abandon(self):
        """Writer: the fit stopped early; nothing to wait for."""
        self.pending.unlink(missing_ok=True)

    def save(self, model, trainer):
        if not self.writer:
            return
        params = model.state_dict()
        memo = {
            "state_dict": {k: v.detach().cpu().clone() for k, v in params.items()},
            "history": trainer.history,
            "train_items": trainer.train_items,
            "fit_seconds": trainer.fit_seconds,
            "random_states": random_states(),
        }
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            torch.save(memo, tmp)
            tmp.replace(self.path)
        except OSError:
            tmp.unlink(missing_ok=True)
        finally:
            self.pending.unlink(missing_ok=True)

    def load(self):
        """Reader: the saved fit, waiting for one a live writer has started; or None."""
        deadline = time.monotonic() + float(os.environ.get(WAIT) or 900)
        while not self.path.is_file():
            try:
                pid = int(self.pending.read_text())
            except (OSError, ValueError):
                return None  # nobody computes it: train
            if not _alive(pid) or time.monotonic() > deadline:
                return None
            time.sleep(0.5)
        memo = torch.load(self.path, weights_only=False)
        with contextlib.suppress(OSError):  # a trace for whoever checks the sharing
            (self.folder / f"{self.key}.read").touch()
        return memo


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def memo_for(trainer, model, loaders):
    """The fit's memo when a test run turned memos on (and the fit runs on the
    CPU), else None."""
    folder = os.environ.get(WRITE) or os.environ.get(READ)
    if not folder or str(trainer.device) != "cpu":
        return None
    key = fit_key(trainer, model, loaders)
    return FitMemo(folder, key, writer=bool(os.environ.get(WRITE)))
