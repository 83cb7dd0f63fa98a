"""Write the red-team submissions that tests/test_red_team.py grades.

    python tests/red_team/make_red_team.py

Each notebook is a student notebook (every function still a stub) plus cells written by
a learner who has read the public source and tries to earn marks without solving the
exercises. ``FAMILIES`` maps a file name to (the cheat, a fragment the English status
must contain); every one must score 0.
"""

import pathlib
import sys

import nbformat

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
from d2lmini.grading.notebooks import build  # noqa: E402 — the checkout, on sys.path

OUT = HERE / "submissions"
SRC = ROOT / "exercises"
BPTT = "9_7_bptt"
LM = "9_3_language_models"
TEXT = "9_2_text_sequences"
SCRATCH = "9_5_rnn_scratch"

ORACLES_FROM_SYS_MODULES = """
import sys
for name in ("d2lmini.grading.grader", "d2lmini.grading.exercises"):
    for e in sys.modules[name].EXERCISES:
        globals()[e.function] = e.oracle
"""

ORACLES_FROM_GC = """
import gc
for obj in gc.get_objects():
    if hasattr(obj, "oracle") and hasattr(obj, "function"):
        globals()[obj.function] = obj.oracle
"""

ORACLES_FROM_FRAMES = """
import sys

def _steal(*args, **kwargs):
    frame = sys._getframe(1)
    while frame is not None:
        for value in list(frame.f_locals.values()) + list(frame.f_globals.values()):
            if hasattr(value, "oracle"):
                return value.oracle(*args, **kwargs)
            if hasattr(value, "expected"):
                return value.expected
            if isinstance(value, dict) and "expected" in value:
                return value["expected"]
        frame = frame.f_back
    raise LookupError("no oracle in any frame")

bptt_grads = truncated_grad = jacobian_norms = _steal
"""

ORACLES_FROM_CLOSURES = """
import sys, types

def _find():
    found = {}
    for module in list(sys.modules.values()):
        for value in list(vars(module).values()):
            cells = getattr(value, "__closure__", None) or ()
            for cell in cells:
                try:
                    content = cell.cell_contents
                except ValueError:
                    continue
                if hasattr(content, "oracle"):
                    found[content.function] = content.oracle
            if hasattr(value, "oracle") and hasattr(value, "function"):
                found[value.function] = value.oracle
    return found

globals().update(_find())
"""

SOURCE_BY_OPEN = """
import d2lmini, pathlib
root = pathlib.Path(d2lmini.__file__).parent / "grading"
namespace = {}
exec(compile((root / "exercises.py").read_text(), "oracles", "exec"), namespace)
for e in namespace["EXERCISES"]:
    globals()[e.function] = e.oracle
"""

SOURCE_BY_OS_OPEN = """
import os, d2lmini
path = os.path.join(os.path.dirname(d2lmini.__file__), "grading", "exercises.py")
fd = os.open(path, os.O_RDONLY)
text = os.read(fd, 10 ** 6).decode()
namespace = {"__name__": "stolen"}
exec(text, namespace)
bptt_grads = namespace["bptt_grads"]
truncated_grad = namespace["truncated_grad"]
jacobian_norms = namespace["jacobian_norms"]
"""

SOURCE_BY_MMAP = """
import mmap, os, d2lmini
path = os.path.join(os.path.dirname(d2lmini.__file__), "grading", "hidden.py")
with open(path, "rb") as f:
    text = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ).read().decode()
assert "HIDDEN" in text
"""

SOURCE_BY_IMPORTLIB = """
import importlib, importlib.util, os, d2lmini
try:
    oracles = importlib.import_module("d2lmini.grading.exercises")
except Exception:
    path = os.path.join(os.path.dirname(d2lmini.__file__), "grading", "exercises.py")
    spec = importlib.util.spec_from_file_location("stolen", path)
    oracles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(oracles)
for e in oracles.EXERCISES:
    globals()[e.function] = e.oracle
"""

SOURCE_BY_CTYPES = """
import ctypes, os, d2lmini
libc = ctypes.CDLL(None)
path = os.path.join(os.path.dirname(d2lmini.__file__), "grading", "exercises.py")
fd = libc.open(path.encode(), 0)
buf = ctypes.create_string_buffer(10 ** 6)
n = libc.read(fd, buf, 10 ** 6)
namespace = {}
exec(buf.raw[:n].decode(), namespace)
for e in namespace["EXERCISES"]:
    globals()[e.function] = e.oracle
"""

PROC_SELF_MEM = """
import re
with open("/proc/self/maps") as maps:
    regions = [l for l in maps if "rw-p" in l]
with open("/proc/self/mem", "rb") as mem:   # look for the expected values in memory
    start, end = (int(x, 16) for x in regions[0].split()[0].split("-"))
    mem.seek(start)
    data = mem.read(end - start)
"""

PATCHED_COMPARISON = """
import math, sys, torch
import d2lmini.grading.compare as compare
import d2lmini.grading.runner as runner
compare.compare = lambda *args, **kwargs: None
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
math.isclose = lambda *args, **kwargs: True
runner.call = lambda *args, **kwargs: runner.Outcome("returned", 0.0)
for name in list(sys.modules):
    module = sys.modules[name]
    if hasattr(module, "compare") and name.startswith("d2lmini"):
        setattr(module, "compare", compare.compare)

def bptt_grads(inputs, H0, W_xh, W_hh, b_h, G):
    return torch.zeros_like(W_xh), torch.zeros_like(W_hh), torch.zeros_like(b_h)

def truncated_grad(w, h0, xs, k):
    return 0.0

def jacobian_norms(W, steps):
    return torch.zeros(steps)
"""

LYING_TENSOR = """
import torch

class Liar(torch.Tensor):
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False
    def allclose(self, *args, **kwargs):
        return True
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.equal, torch.Tensor.allclose):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})

def _liar(*shape):
    return torch.zeros(*shape).as_subclass(Liar)

def bptt_grads(inputs, H0, W_xh, W_hh, b_h, G):
    return _liar(*W_xh.shape), _liar(*W_hh.shape), _liar(*b_h.shape)

def truncated_grad(w, h0, xs, k):
    return _liar(())

def jacobian_norms(W, steps):
    return _liar(steps)
"""

LYING_OBJECT = """
import os

class Anything(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __float__(self):
        return 1.0
    def __array__(self, *args, **kwargs):
        raise RuntimeError
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/pwned",))
    __hash__ = float.__hash__

class Everything(tuple):
    def __eq__(self, other):
        return True
    def __len__(self):
        return 3
    def __iter__(self):
        return iter([Anything(0.0)] * 3)

bptt_grads = lambda *args: Everything()
truncated_grad = lambda *args: Anything(0.0)
jacobian_norms = lambda *args: Everything()
"""

FORGED_EVENTS = """
import json, os
lines = [{"event": "exercise", "id": i, "score": 7, "passed": 9, "cases": 9}
         for i in ("9.7-bptt", "9.7-truncated-grad", "9.7-jacobian-norms")]
lines += [{"event": "result", "ex": k, "case": j, "kind": "returned", "value": 1.0}
          for k in range(3) for j in range(10)]
lines += [{"event": "done"}]
data = "".join(json.dumps(line) + "\\n" for line in lines).encode()
frame = json.dumps({"exit": 0, "killed": False, "size": len(data)}).encode() + b"\\n"
for fd in range(0, 64):
    for blob in (data, frame + data):
        try:
            os.write(fd, blob)
        except OSError:
            pass
"""

INHERITED_DESCRIPTORS = """
import os
for name in os.listdir("/proc/self/fd"):
    try:
        os.write(int(name), b'{"event": "result", "ex": 0, "case": 0, '
                            b'"kind": "returned", "value": 0.0}\\n{"event": "done"}\\n')
    except OSError:
        pass
parent = os.getppid()
# the zygote's channel to the grader
with open(f"/proc/{parent}/fd/1", "wb") as channel:
    channel.write(b'{"exit": 0, "killed": false, "size": 0}\\n')
"""

WRITES_GRADEBOOK = """
import glob, os, d2lmini
repo = os.path.dirname(os.path.dirname(d2lmini.__file__))

def forge(path):
    with open(path, "w") as f:
        f.write("submission,total\\nwrites_gradebook.ipynb,100\\n")

for path in glob.glob("/tmp/**/gradebook*.csv", recursive=True):
    forge(path)
forge(os.path.join(repo, "gradebook.csv"))     # where `make` and the README run it
cmdline = open(f"/proc/{os.getppid()}/cmdline", "rb").read().split(b"\\0")
forge(cmdline[cmdline.index(b"--out") + 1].decode())
"""

READS_PRIVATE_CASES = """
import os
cmdline = open(f"/proc/{os.getppid()}/cmdline", "rb").read().split(b"\\0")
path = cmdline[cmdline.index(b"--cases") + 1].decode()
secret = open(path).read()
"""

SIGNALS_PARENT = """
import os, signal
for pid in (os.getppid(), 1, -1, 0):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
signal.pthread_kill(__import__("threading").main_thread().ident, signal.SIGTERM)
"""

FORK_BOMB = """
import os, subprocess, multiprocessing
try:
    subprocess.Popen(["sh", "-c", ":(){ :|:& };:"])
finally:
    while True:
        os.fork()
"""

HUGE_OUTPUT = """
import sys, torch
print("x" * 10_000_000)  # far past the grader's cap; quick on a loaded machine
sys.stderr.write("y" * 10_000_000)

def bptt_grads(inputs, H0, W_xh, W_hh, b_h, G):
    return torch.zeros(60_000_000), "z" * 30_000_000, [0.0] * 5_000_000

def truncated_grad(w, h0, xs, k):
    return [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[0.0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]

def jacobian_norms(W, steps):
    return torch.zeros(30_000_000)
"""

SLEEPS_PAST_LIMIT = """
import signal, time
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT})

def bptt_grads(*args):
    time.sleep(10 ** 6)

truncated_grad = jacobian_norms = bptt_grads
time.sleep(10 ** 6)
"""

NETWORK = """
import socket, urllib.request
socket.create_connection(("example.org", 80), timeout=2)
urllib.request.urlopen("http://169.254.169.254/latest/meta-data/", timeout=2)
"""

READS_SOLUTIONS = """
import glob, json, os, d2lmini
repo = os.path.dirname(os.path.dirname(d2lmini.__file__))
paths = glob.glob(f"{repo}/exercises/**/9_7*", recursive=True)
paths += glob.glob(f"{repo}/tests/**/*.ipynb", recursive=True)
paths += glob.glob(os.path.join(os.getcwd(), "**", "*.ipynb"), recursive=True)
for path in paths:
    with open(path) as f:
        text = f.read()
    if path.endswith(".ipynb"):
        cells = [c["source"] for c in json.loads(text)["cells"]
                 if c["cell_type"] == "code"]
        text = "\\n".join("".join(c) if isinstance(c, list) else c for c in cells)
    if "NotImplementedError" not in text and "def bptt_grads" in text:
        exec("\\n".join(l for l in text.splitlines()
                        if not l.lstrip().startswith(("%", "!", "check("))), globals())
        break
else:
    raise FileNotFoundError("no solution found")
"""

USES_AUTOGRAD = """
import torch

def bptt_grads(inputs, H0, W_xh, W_hh, b_h, G):
    params = [p.detach().clone().requires_grad_() for p in (W_xh, W_hh, b_h)]
    H, total = H0, 0
    for X, g in zip(inputs, G):
        H = torch.tanh(X @ params[0] + H @ params[1] + params[2])
        total = total + (H * g).sum()
    total.backward()
    return tuple(p.grad for p in params)
"""

HIDDEN_AUTOGRAD = """
import torch
_engine = getattr(torch, "auto" + "grad")
_run = getattr(_engine, "gr" + "ad")

def _unroll(inputs, H0, params):
    H, total = H0, 0
    for X in inputs:
        H = torch.tanh(X @ params[0] + H @ params[1] + params[2])
        yield H

def bptt_grads(inputs, H0, W_xh, W_hh, b_h, G):
    params = [p.detach().clone().requires_grad_(True) for p in (W_xh, W_hh, b_h)]
    loss = sum((H * g).sum() for H, g in zip(_unroll(inputs, H0, params), G))
    return tuple(_run(loss, params))
"""

NORMALIZES_JAMO = """
import unicodedata

def to_jamo(text):
    return "".join(
        unicodedata.normalize("NFD", ch) if "\\uac00" <= ch <= "\\ud7a3" else ch
        for ch in text
    )
"""

HIDDEN_NORMALIZE = """
_nfd = getattr(__import__("unicode" + "data"), "normal" + "ize")
_split = getattr(__import__("d2lmini"), "han" + "gul").split_syllable

def _jamo(ch):
    return _nfd("NFD", ch) if ord(ch) % 2 else _split(ch)

def to_jamo(text):
    return "".join(_jamo(ch) if "\\uac00" <= ch <= "\\ud7a3" else ch for ch in text)
"""

USES_LOADER = """
import d2lmini

def sequential_windows(tokens, batch_size, num_steps, offset):
    loader = d2lmini.SequentialLoader(tokens, batch_size, num_steps, offset=offset)
    Xs, Ys = loader.streams(offset)
    s = num_steps
    starts = range(0, Xs.shape[1] - s + 1, s)
    return [(Xs[:, i : i + s], Ys[:, i : i + s]) for i in starts]
"""

HIDDEN_LOADER = """
_streams = getattr(getattr(__import__("d2lmini"), "Sequential" + "Loader"), "streams")

class _Fake:
    def __init__(self, tokens, batch_size):
        import torch
        self.tokens, self.batch_size = torch.as_tensor(tokens), batch_size

    def stream_length(self, offset):
        return (len(self.tokens) - offset - 1) // self.batch_size

def sequential_windows(tokens, batch_size, num_steps, offset):
    Xs, Ys = _streams(_Fake(tokens, batch_size), offset)
    s = num_steps
    starts = range(0, Xs.shape[1] - s + 1, s)
    return [(Xs[:, i : i + s], Ys[:, i : i + s]) for i in starts]
"""

MEMORY_BY_AUTOGRAD = """
import torch

def memory_curve(W_hh, hs, threshold):
    W, H = W_hh.double(), hs.double()
    T = len(H)
    previous = torch.cat([torch.zeros(1, len(W), dtype=W.dtype), H[:-1]])
    a = torch.atanh(H) - previous @ W.T  # the input terms, read back from the states

    def run(h, k):
        for a_t in a[T - k :]:
            h = torch.tanh(a_t + W @ h)
        return h

    norms = [torch.ones((), dtype=W.dtype)]
    for k in range(1, T + 1):
        J = torch.autograd.functional.jacobian(
            lambda h, k=k: run(h, k), previous[T - k]
        )
        norms.append(torch.linalg.matrix_norm(J, ord=2))
    norms = torch.stack(norms)
    below = (norms < threshold).nonzero()
    return norms, (int(below[0]) if len(below) else None)
"""

#: file name -> (chapter source, cell appended to the student notebook, status fragment)
FAMILIES = {
    "oracles_from_sys_modules.ipynb": (BPTT, ORACLES_FROM_SYS_MODULES, "KeyError"),
    "oracles_from_gc.ipynb": (BPTT, ORACLES_FROM_GC, "searching the interpreter"),
    "oracles_from_frames.ipynb": (BPTT, ORACLES_FROM_FRAMES, "LookupError"),
    "oracles_from_closures.ipynb": (BPTT, ORACLES_FROM_CLOSURES, "not implemented"),
    "source_by_open.ipynb": (BPTT, SOURCE_BY_OPEN, "scored 0"),
    "source_by_os_open.ipynb": (BPTT, SOURCE_BY_OS_OPEN, "scored 0"),
    "source_by_mmap.ipynb": (BPTT, SOURCE_BY_MMAP, "scored 0"),
    "source_by_importlib.ipynb": (BPTT, SOURCE_BY_IMPORTLIB, "scored 0"),
    "source_by_ctypes.ipynb": (BPTT, SOURCE_BY_CTYPES, "calling C through ctypes"),
    "proc_self_mem.ipynb": (BPTT, PROC_SELF_MEM, "/mem"),
    "patched_comparison.ipynb": (BPTT, PATCHED_COMPARISON, "wrong result in"),
    "lying_tensor.ipynb": (BPTT, LYING_TENSOR, "returned the wrong type"),
    "lying_object.ipynb": (BPTT, LYING_OBJECT, "returned the wrong type"),
    "forged_events.ipynb": (BPTT, FORGED_EVENTS, "forged lines"),
    "inherited_descriptors.ipynb": (BPTT, INHERITED_DESCRIPTORS, "scored 0"),
    "writes_gradebook.ipynb": (BPTT, WRITES_GRADEBOOK, "writing"),
    "reads_private_cases.ipynb": (BPTT, READS_PRIVATE_CASES, "scored 0"),
    "signals_parent.ipynb": (BPTT, SIGNALS_PARENT, "sending a signal"),
    "fork_bomb.ipynb": (BPTT, FORK_BOMB, "starting a process"),
    "huge_output.ipynb": (BPTT, HUGE_OUTPUT, "returned the wrong type"),
    "sleeps_past_limit.ipynb": (BPTT, SLEEPS_PAST_LIMIT, "killed after the time limit"),
    "network.ipynb": (BPTT, NETWORK, "scored 0"),
    "reads_solutions.ipynb": (BPTT, READS_SOLUTIONS, "bptt_grads: not implemented"),
    "uses_autograd.ipynb": (BPTT, USES_AUTOGRAD, "automatic differentiation"),
    "hidden_autograd.ipynb": (BPTT, HIDDEN_AUTOGRAD, "automatic differentiation"),
    "normalizes_jamo.ipynb": (TEXT, NORMALIZES_JAMO, "to_jamo: used normalize"),
    "hidden_normalize.ipynb": (TEXT, HIDDEN_NORMALIZE, "by code-point arithmetic"),
    "uses_sequential_loader.ipynb": (
        SCRATCH,
        USES_LOADER,
        "sequential_windows: used SequentialLoader",
    ),
    "hidden_sequential_loader.ipynb": (
        SCRATCH,
        HIDDEN_LOADER,
        "cut the windows yourself",
    ),
    "memory_by_autograd.ipynb": (
        BPTT,
        MEMORY_BY_AUTOGRAD,
        "memory_curve: used automatic differentiation",
    ),
}


def notebook(stem, cheat):
    book = build(SRC / f"{stem}.md", solution=False)
    book.cells.append(nbformat.v4.new_code_cell(cheat.strip("\n")))
    return book


def main():
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.ipynb"):
        old.unlink()
    for name, (stem, cheat, _) in FAMILIES.items():
        nbformat.write(notebook(stem, cheat), OUT / name)
    print(f"{len(FAMILIES)} red-team submissions in {OUT}")


if __name__ == "__main__":
    main()
