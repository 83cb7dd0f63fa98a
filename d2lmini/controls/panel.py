"""``controls``: a figure with live widgets; precomputed frames in the book.

``controls(draw, tau=IntSlider(...), ...)`` calls ``draw(tau=..., ...)``
once with the widgets' values and shows the figure(s) it made as a plain
picture, then a one-line bilingual note, then the widgets and an
``Output`` where ``draw`` runs again, live, whenever a widget changes (in
Jupyter, Colab or Binder). ``panel.set(**values)`` drives it in tests.

**The static book.** When the environment variable ``D2LMINI_STATIC_FRAMES`` names a
folder (the book build sets it: ``_ext/static_controls.py``), ``controls`` also
evaluates ``draw`` on a grid of the widgets' values (:mod:`.grid`, :mod:`.frames`),
saves each frame's figures and printed text there (:mod:`.frame_files`), and shows,
instead of the ipywidgets, native HTML controls (:mod:`.static_page`) that
``_static/static_controls.js`` swaps through those frames. Without the variable (a
learner's notebook, ``tools/sync_notebooks.py``, nbval) nothing of that runs and
every output is as before.

Every output is deterministic: the widget views' model ids are random, but nbval skips
that mimetype and their ``text/plain`` reprs hold only the widget values.
"""

import matplotlib.pyplot as plt
from IPython.display import HTML, display

from .. import bilingual
from . import frames

NOTE = (
    '<p class="d2lmini-controls-note">'
    + bilingual.html(
        "위 그림은 기본값으로 그린 것입니다. 아래 컨트롤을 움직이면 고른 값으로 다시 "
        "그립니다.",
        "The figure above shows the default setting. Move the controls below to "
        "redraw it with the values you choose.",
    )
    + "</p>"
)

NOTE_TEXT = (
    '<p class="d2lmini-controls-note">'
    + bilingual.html(
        "위 텍스트는 기본값으로 생성한 것입니다. 아래 컨트롤을 바꾸면 모델이 다시 "
        "생성합니다.",
        "The text above was generated with the default settings. Change the controls "
        "below and the model generates again.",
    )
    + "</p>"
)


def _show(draw, values):
    """Run ``draw(**values)``; display and close the
    figures it opened; return its result."""
    before = set(plt.get_fignums())
    result = draw(**values)
    for num in plt.get_fignums():
        if num not in before:
            fig = plt.figure(num)
            display(fig)
            plt.close(fig)
    return result


class Controls:
    """The widgets of one ``controls`` call; ``set`` drives them like a reader would.

    Returned by ``controls`` (9.1).
    """

    def __init__(self, draw, widgets, static=False):
        import ipywidgets

        self.draw, self.widgets = draw, widgets
        self.output = ipywidgets.Output()
        self.box = ipywidgets.VBox([*widgets.values(), self.output])
        self._holding = False
        if static:  # the book build: the first frame is kept for the static panel
            self.last, self.first_frame = frames.run_frame(draw, self.values)
        else:
            self.last = _show(draw, self.values)
        for widget in widgets.values():
            widget.observe(self._changed, names="value")

    @property
    def values(self):
        """The current value of every widget, by name."""
        return {name: widget.value for name, widget in self.widgets.items()}

    def _changed(self, change=None):
        if self._holding:
            return
        with self.output:
            self.output.clear_output(wait=True)
            self.last = _show(self.draw, self.values)

    def set(self, **values):
        """Move the named widgets to ``values``,
        redraw once, and return ``draw``'s result."""
        unknown = set(values) - set(self.widgets)
        if unknown:
            raise KeyError(
                f"no widget named {sorted(unknown)}; have {sorted(self.widgets)}"
            )
        self._holding = True
        try:
            for name, value in values.items():
                self.widgets[name].value = value
        finally:
            self._holding = False
        self._changed()
        return self.last


def controls(draw, **widgets):
    """Show ``draw``'s figure for the widgets' current
    values, a note, then the live widgets.

    ``draw(**values)`` makes its own matplotlib figure(s) and may print text; it
    may return something (say the errors it plotted): that becomes ``.last`` of the
    returned :class:`Controls`. In the static book (``D2LMINI_STATIC_FRAMES`` set)
    the live widgets are replaced by precomputed frames; keep each widget's grid
    small (a slider with a step, at most 64 values) so every value is precomputed.

    Taught in 9.1 (used in every section).
    """
    from .static_page import show_static_panel

    folder = frames.frames_dir()
    panel = Controls(draw, widgets, static=folder is not None)
    if folder is None:
        display(HTML(NOTE))
        display(panel.box)
    else:
        show_static_panel(panel, folder)
    return panel
