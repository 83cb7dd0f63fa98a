"""How a Trainer shows its progress: nothing, a tqdm bar, or a live plot in a notebook.

In a notebook the live plot is one display whose picture is redrawn
at most once per epoch and at most every ``min_interval`` seconds;
its text stays constant, and at the end it holds the final curves and
a timing-free title, so stored notebook outputs are deterministic.

Used by Trainer (9.1).
"""

import base64
import os
import sys
import time

from tqdm import tqdm

from ._checks import choice

DISPLAY_MODES = ("auto", "plot", "bar", "quiet")


def in_notebook():
    """True inside a Jupyter kernel (Jupyter, Colab, nbclient).

    Used by Trainer (9.1).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in shell.config


def summary(history, max_epochs):
    """One timing-free line: the last epoch's figures.

    Used by Trainer (9.1).
    """
    last = {k: v[-1] for k, v in history.items() if v}
    parts = [f"epoch {last.get('epoch', 0)}/{max_epochs}"]
    for key in ("train_loss", "val_loss", "train_ppl", "val_ppl"):
        if key in last:
            parts.append(f"{key.replace('_', ' ')} {last[key]:.3f}")
    return " · ".join(parts)


class QuietProgress:
    """Shows nothing.

    Used by Trainer (9.1).
    """

    def epoch_end(self, history):
        pass

    def close(self, history, note=None):
        """End the display; ``note`` (e.g. ``"stopped"``)
        marks a run that did not finish."""


class BarProgress(QuietProgress):
    """A tqdm bar over epochs on stderr (terminal and scripts).

    Used by Trainer (9.1).
    """

    def __init__(self, max_epochs):
        self.max_epochs = max_epochs
        self.bar = tqdm(
            total=max_epochs, unit="epoch", file=sys.stderr, dynamic_ncols=True
        )

    def epoch_end(self, history):
        self.bar.set_postfix_str(
            summary(history, self.max_epochs).split(" · ", 1)[-1], refresh=False
        )
        self.bar.update(1)

    def close(self, history, note=None):
        if note:
            self.bar.set_description_str(note, refresh=False)
        self.bar.close()


class NotebookProgress(QuietProgress):
    """A live plot of the curves in a notebook, with a
    tqdm-style progress line as its title.

    Used by Trainer (9.1).
    """

    TEXT = "<d2lmini training curves>"

    def __init__(self, max_epochs, min_interval=1.0):
        from IPython.display import display

        self.max_epochs, self.min_interval = max_epochs, min_interval
        self.start = self.last_draw = time.perf_counter()
        # Outside a notebook there is nowhere to show
        # it: draw anyway (benchmarks), send nothing.
        self.handle = (
            display({"text/plain": self.TEXT}, raw=True, display_id=True)
            if in_notebook()
            else None
        )

    def _draw(self, history, title):
        import matplotlib.pyplot as plt

        from .plotting import figure_bytes, plot_history

        fig, axes = plt.subplots(figsize=(4.5, 3))
        plot_history(history, axes=axes, title=title)
        fmt, data = figure_bytes(fig)  # as the notebook shows figures (SVG or PNG)
        plt.close(fig)
        picture = (
            {"image/svg+xml": data.decode("utf-8")}
            if fmt == "svg"
            else {"image/png": base64.b64encode(data).decode("ascii")}
        )
        if self.handle is not None:
            self.handle.update({**picture, "text/plain": self.TEXT}, raw=True)

    def epoch_end(self, history):
        now = time.perf_counter()
        if now - self.last_draw >= self.min_interval:
            done = len(history["epoch"])
            title = tqdm.format_meter(done, self.max_epochs, now - self.start, ncols=60)
            self._draw(history, title)
            self.last_draw = time.perf_counter()

    def close(self, history, note=None):
        title = summary(history, self.max_epochs)
        self._draw(history, f"{title} · {note}" if note else title)


def make_progress(display, max_epochs):
    """Pick the progress display; ``$D2LMINI_DISPLAY`` overrides ``"auto"``.

    Used by Trainer (9.1).
    """
    choice("display", display, DISPLAY_MODES)
    if display == "auto":
        display = os.environ.get("D2LMINI_DISPLAY") or (
            "plot" if in_notebook() else "bar"
        )
        choice("$D2LMINI_DISPLAY", display, DISPLAY_MODES[1:])
    if display == "plot":
        return NotebookProgress(max_epochs)
    if display == "bar":
        return BarProgress(max_epochs)
    return QuietProgress()
