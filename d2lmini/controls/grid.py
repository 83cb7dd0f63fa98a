"""Which values of each widget the static book precomputes.

A widget gets every one of its values when it has at most :data:`MAX_VALUES`,
otherwise :data:`SPREAD` evenly spread ones plus its default (:func:`grid_of`); a
text box keeps its value. The panel's frames are the product of the widgets' grids
when it has at most :data:`MAX_PRODUCT` points, otherwise one widget at a time with
the others at their defaults (:func:`grid_points`; the page says so).
"""

import itertools

import numpy as np

MAX_VALUES = 64  # a widget with at most this many values gets every one of them
SPREAD = 24  # otherwise: this many evenly spread values, plus the default
MAX_PRODUCT = 64  # a product grid up to this size; beyond it, one widget at a time


def _fmt(widget, value):
    """The value as the widget's readout shows it."""
    fmt = getattr(widget, "readout_format", None)
    if isinstance(value, float) and fmt:
        try:
            return format(value, fmt)
        except (TypeError, ValueError):
            pass
    return str(value)


def _spread(values, default):
    """All ``values`` when few; otherwise SPREAD evenly spread ones plus ``default``."""
    if len(values) <= MAX_VALUES:
        return list(values)
    picks = sorted({int(round(i)) for i in np.linspace(0, len(values) - 1, SPREAD)})
    chosen = [values[i] for i in picks]
    if default not in chosen:
        chosen.append(default)
        chosen.sort()
    return chosen


def grid_of(widget):
    """``(kind, values, labels)`` for one widget: the values the static page offers.

    kind: ``range`` (sliders), ``buttons`` (toggle buttons, radio buttons), ``select``
    (dropdowns, combo boxes), ``checkbox`` (booleans) or ``fixed`` (a text box: the page
    shows its value; the notebook takes any text).
    """
    import ipywidgets as w

    value = widget.value
    if isinstance(
        widget,
        (w.SelectionSlider, w.ToggleButtons, w.RadioButtons, w.Dropdown, w.Select),
    ):
        values, labels = list(widget._options_values), list(widget._options_labels)
        kind = (
            "range"
            if isinstance(widget, w.SelectionSlider)
            else ("select" if isinstance(widget, (w.Dropdown, w.Select)) else "buttons")
        )
        keep = _spread(list(range(len(values))), values.index(value))
        return kind, [values[i] for i in keep], [labels[i] for i in keep]
    if isinstance(widget, w.FloatLogSlider):
        n = int(round((widget.max - widget.min) / widget.step)) + 1
        values = [
            float(widget.base ** round(widget.min + i * widget.step, 10))
            for i in range(n)
        ]
        values = (
            _spread(values, value)
            if value in values
            else sorted(set(_spread(values, values[0])) | {value})
        )
        return "range", values, [_fmt(widget, v) for v in values]
    if isinstance(
        widget, (w.IntSlider, w.FloatSlider, w.BoundedIntText, w.BoundedFloatText)
    ):
        step = widget.step or 1
        n = int(round((widget.max - widget.min) / step)) + 1
        if isinstance(value, int):
            values = [widget.min + i * step for i in range(n)]
        else:
            values = [round(widget.min + i * step, 10) for i in range(n)]
        values = [v for v in values if v <= widget.max]
        if value not in values:
            values = sorted(set(values) | {value})
        values = _spread(values, value)
        return "range", values, [_fmt(widget, v) for v in values]
    if isinstance(widget, (w.Checkbox, w.ToggleButton)):
        return "checkbox", [False, True], ["False", "True"]
    if isinstance(widget, w.Combobox) and widget.options:
        values = list(dict.fromkeys([*widget.options, value]))
        keep = _spread(values, value)
        return "select", keep, [str(v) for v in keep]
    return "fixed", [value], [str(value)]


def grid_points(grids, defaults):
    """``(mode, points)``: index tuples into the
    grids, product or one widget at a time."""
    sizes = [len(g) for g in grids]
    if int(np.prod(sizes)) <= MAX_PRODUCT:
        return "product", list(itertools.product(*[range(n) for n in sizes]))
    points = [tuple(defaults)]
    for c, n in enumerate(sizes):
        for i in range(n):
            p = list(defaults)
            p[c] = i
            if tuple(p) not in points:
                points.append(tuple(p))
    return "single", points
