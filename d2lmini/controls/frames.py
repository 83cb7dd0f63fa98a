"""The frames of a panel: ``draw`` evaluated on the grid, for the static (HTML) book.

Used only when ``D2LMINI_STATIC_FRAMES`` names a folder (the book build sets it, see
``_ext/static_controls.py``). For a panel of controls :func:`compute_frames`

1. takes the grid of values of each widget and the points to draw (:mod:`.grid`);
2. evaluates ``draw`` at every point, in the kernel, one frame after another, and
   saves each frame's figures as the notebook shows them (SVG after
   :func:`d2lmini.use_svg_display`, else PNG) with its printed text
   (:mod:`.frame_files`);
3. returns the manifest that the page (:mod:`.static_page`) binds its controls to.

Frames start from the random state right after the default draw, and that state is
restored afterwards: the rest of the chapter computes exactly what it computes without
frames. Warnings and printed text of the extra frames never reach the notebook's output.

One process is enough (a pool of forked workers did this before; measured 2026-12-07 on
the 2-core machine under other work, every chapter executed with its frames: 393 frames
in 557 s in the kernel alone, 582 s with two workers; 172 s and 177 s of CPU). The
slowest panel, 9.2's vocabulary, took 90 s (31 s CPU), far below :data:`BUDGET_S`.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import pathlib
import time
import warnings
import weakref

from ..utils import random_states, set_random_states
from .frame_files import log_timing, save_images
from .grid import grid_of, grid_points

ENV = "D2LMINI_STATIC_FRAMES"
BUDGET_ENV = "D2LMINI_STATIC_BUDGET"
BUDGET_S = 300.0  # a panel whose frames would take longer (default draw time × frames)
# is not precomputed: its controls are shown disabled, with a note. The margin is
# wide because a loaded machine can make the default draw many times slower.


def frames_dir():
    """The folder the book build asked for (``$D2LMINI_STATIC_FRAMES``), or None."""
    folder = os.environ.get(ENV)
    return pathlib.Path(folder) if folder else None


def run_frame(draw, values):
    """``(result, frame)``: run ``draw(**values)`` with its printed text captured; the
    frame holds the text and the open figures it made (not yet shown or closed)."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        result = draw(**values)
    seconds = time.perf_counter() - start
    figs = [plt.figure(n) for n in plt.get_fignums() if n not in before]
    return result, {"text": out.getvalue(), "figures": figs, "seconds": seconds}


@contextlib.contextmanager
def _same_random_state():
    """Run the block from the current random state,
    and put that state back afterwards."""
    states = random_states()
    try:
        yield lambda: set_random_states(states)
    finally:
        set_random_states(states)


@contextlib.contextmanager
def _text_measured_once():
    """Text measured once for all frames, not once per frame.

    matplotlib keeps a label's size per renderer, and each frame is drawn by new ones:
    while frames are drawn, sizes are kept per kind of renderer and dpi (all they
    depend on), and more parsed formulas (tick labels such as 10^2) are kept. The
    images are the same bytes (``tests/test_widgets.py``); measured on 9.2's
    vocabulary panel, 50 frames: 23-27 s without, 18-20 s with. These are matplotlib's
    private names: if a version lacks them, frames are drawn as before."""
    import matplotlib.mathtext as mathtext
    import matplotlib.text as text

    measure = getattr(text, "_get_text_metrics_with_cache", None)
    parse = getattr(mathtext.MathTextParser, "_parse_cached", None)
    if measure is None or not hasattr(parse, "__wrapped__"):
        yield
        return

    @functools.lru_cache(maxsize=8192)
    def _measured(kind, dpi, string, prop, ismath, renderer):
        return renderer.ref().get_text_width_height_descent(string, prop, ismath)

    def measured(renderer, string, prop, ismath, dpi):
        kind = (type(renderer), getattr(renderer, "dpi", None))
        return _measured(kind, dpi, string, prop.copy(), ismath, _AnyRenderer(renderer))

    text._get_text_metrics_with_cache = measured
    mathtext.MathTextParser._parse_cached = functools.lru_cache(maxsize=4096)(
        parse.__wrapped__
    )
    try:
        yield
    finally:
        text._get_text_metrics_with_cache = measure
        mathtext.MathTextParser._parse_cached = parse


class _AnyRenderer:
    """A renderer passed through a cache without being part of its key."""

    def __init__(self, renderer):
        self.ref = weakref.ref(renderer)

    def __eq__(self, other):
        return isinstance(other, _AnyRenderer)

    def __hash__(self):
        return 0


def compute_frames(panel, folder):
    """Evaluate ``panel.draw`` on the grid; return the
    manifest (first frame included)."""
    names = list(panel.widgets)
    specs = [grid_of(panel.widgets[n]) for n in names]
    defaults = []
    for (_kind, values, _labels), name in zip(specs, names):
        defaults.append(values.index(panel.values[name]))
    mode, points = grid_points([s[1] for s in specs], defaults)
    budget = float(os.environ.get(BUDGET_ENV) or BUDGET_S)
    if panel.first_frame.get("seconds", 0) * (len(points) - 1) > budget:
        # too slow to precompute: said on the page
        mode, points = "off", [tuple(defaults)]
    first = tuple(defaults)
    start, cpu = time.perf_counter(), time.process_time()
    quiet = warnings.catch_warnings()
    with _same_random_state() as reset, quiet, _text_measured_once():
        warnings.simplefilter("ignore")
        # the notebook shows (and closes) the default frame's figures next
        frames = {
            _key(first): {
                "images": save_images(panel.first_frame, folder, close=False),
                "text": panel.first_frame["text"],
            }
        }
        for point in points:
            if point == first:
                continue
            reset()
            values = {n: specs[c][1][i] for c, (n, i) in enumerate(zip(names, point))}
            with contextlib.redirect_stderr(io.StringIO()):
                _, frame = run_frame(panel.draw, values)
            frames[_key(point)] = {
                "images": save_images(frame, folder),
                "text": frame["text"],
            }
    controls = [
        {
            "name": n,
            "kind": k,
            "labels": labels,
            "default": d,
            "description": getattr(panel.widgets[n], "description", "") or n,
        }
        for n, (k, _, labels), d in zip(names, specs, defaults)
    ]
    log_timing(
        folder,
        getattr(panel.draw, "__qualname__", "draw"),
        len(points),
        time.perf_counter() - start,
        time.process_time() - cpu,
    )
    return {"mode": mode, "controls": controls, "frames": frames}


def _key(point):
    return ",".join(map(str, point))
