"""Interactive controls for the chapters: a static figure for the book, sliders in a notebook.

``controls(draw, tau=IntSlider(...), ...)`` calls ``draw(tau=..., ...)`` once with the
widgets' values and shows the figure(s) it made as a plain picture (what the HTML book
shows), then a one-line bilingual note, then the widgets and an ``Output`` where ``draw``
runs again, live, whenever a widget changes (in Jupyter, Colab or Binder).

Every output is deterministic: the widget views' model ids are random, but nbval skips
that mimetype and their ``text/plain`` reprs hold only the widget values.
"""
import matplotlib.pyplot as plt
from IPython.display import HTML, display

NOTE = (
    '<p class="d2lmini-controls-note">'
    '<span class="lang-ko">위 그림은 기본값으로 그린 것입니다. 노트북을 실행하면(Colab/Binder) '
    '슬라이더를 움직여 아래에 다시 그려 볼 수 있습니다.</span>'
    '<span class="lang-sep"> · </span>'
    '<span class="lang-en">The figure above shows the default setting. Launch the notebook '
    '(Colab/Binder) to move the sliders and redraw it below.</span></p>'
)


def _show(draw, values):
    """Run ``draw(**values)``; display and close the figures it opened; return its result."""
    before = set(plt.get_fignums())
    result = draw(**values)
    for num in plt.get_fignums():
        if num not in before:
            fig = plt.figure(num)
            display(fig)
            plt.close(fig)
    return result


class Controls:
    """The widgets of one ``controls`` call; ``set`` drives them like a reader would."""

    def __init__(self, draw, widgets):
        import ipywidgets

        self.draw, self.widgets = draw, widgets
        self.output = ipywidgets.Output()
        self.box = ipywidgets.VBox([*widgets.values(), self.output])
        self._holding = False
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
        """Move the named widgets to ``values``, redraw once, and return ``draw``'s result."""
        unknown = set(values) - set(self.widgets)
        if unknown:
            raise KeyError(f"no widget named {sorted(unknown)}; have {sorted(self.widgets)}")
        self._holding = True
        try:
            for name, value in values.items():
                self.widgets[name].value = value
        finally:
            self._holding = False
        self._changed()
        return self.last


def controls(draw, **widgets):
    """Show ``draw``'s figure for the widgets' current values, a note, then the live widgets.

    ``draw(**values)`` makes its own matplotlib figure(s) and may return something (say
    the errors it plotted): it becomes ``.last`` of the returned :class:`Controls`.
    """
    panel = Controls(draw, widgets)
    display(HTML(NOTE))
    display(panel.box)
    return panel
