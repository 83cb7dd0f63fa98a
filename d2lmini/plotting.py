"""Small matplotlib helpers in the spirit of d2l's
``plot``, and how notebooks show figures."""

import matplotlib.pyplot as plt

DEFAULT_FMTS = ("-", "m--", "g-.", "r:", "c-", "y--")


def _as_list(X):
    """A single series (1-D tensor/array/list of numbers) → ``[series]``."""
    if hasattr(X, "ndim"):
        return [X] if X.ndim == 1 else list(X)
    if isinstance(X, (list, tuple)) and X and not hasattr(X[0], "__len__"):
        return [X]
    return list(X)


def _numpy(v):
    return v.detach().cpu().numpy() if hasattr(v, "detach") else v


def plot(
    X,
    Y=None,
    xlabel=None,
    ylabel=None,
    legend=(),
    xlim=None,
    ylim=None,
    xscale="linear",
    yscale="linear",
    fmts=DEFAULT_FMTS,
    figsize=(3.5, 2.5),
    axes=None,
    title=None,
):
    """Plot one or several series; ``Y=None`` plots
    ``X`` against its index. Returns the axes.

    Taught in 9.1.
    """
    if axes is None:
        _, axes = plt.subplots(figsize=figsize)
    Xs = _as_list(X)
    if Y is None:
        Xs, Ys = [range(len(x)) for x in Xs], Xs
    else:
        Ys = _as_list(Y)
        if len(Xs) == 1:
            Xs = Xs * len(Ys)
    for x, y, fmt in zip(Xs, Ys, list(fmts) * (len(Ys) // len(fmts) + 1)):
        axes.plot(_numpy(x), _numpy(y), fmt)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim is not None:
        axes.set_xlim(xlim)
    if ylim is not None:
        axes.set_ylim(ylim)
    if xlabel:
        axes.set_xlabel(xlabel)
    if ylabel:
        axes.set_ylabel(ylabel)
    if legend:
        axes.legend(legend)
    if title:
        axes.set_title(title)
    axes.grid(True, alpha=0.3)
    return axes


def plot_history(history, axes=None, title=None, figsize=(4.5, 3)):
    """Training curves from ``Trainer.history``:
    perplexity for language models, else loss.

    Used by Trainer (9.1).
    """
    if not isinstance(history, dict) or not {"epoch", "train_loss", "val_loss"} <= set(
        history
    ):
        from ._checks import fail

        fail(
            "history는 fit을 마친 Trainer.history(epoch, train_loss, "
            "val_loss 리스트를 담은 딕셔너리)여야 합니다.",
            "history must be Trainer.history after fit (a "
            "dict with epoch, train_loss and val_loss lists).",
            TypeError,
        )
    kind = "ppl" if "val_ppl" in history else "loss"
    epochs = history["epoch"]
    series = [history[f"train_{kind}"], history[f"val_{kind}"]]
    return plot(
        epochs,
        series,
        "epoch",
        "perplexity" if kind == "ppl" else "loss",
        legend=("train", "validation"),
        axes=axes,
        title=title,
        figsize=figsize,
        yscale="log" if kind == "loss" else "linear",
    )


# How figures leave the process (notebook display, live plot, the static book's frames).
# ``use_svg_display`` switches all three to SVG at once.
_FIGURE_FORMAT = {"format": "png", "kwargs": {"bbox_inches": "tight"}}


def use_svg_display(dpi=200):
    """Show notebook figures as SVG: sharp at any zoom and on HiDPI screens.

    Raster parts (heat maps) are embedded at ``dpi``. The SVG's ids are salted and
    its date left out, so running a notebook twice writes the same figures.
    Outside IPython only the format of :func:`figure_bytes` changes.

    Taught in 9.1.
    """
    import matplotlib

    from ._checks import positive

    positive("dpi", dpi)
    matplotlib.rcParams["svg.hashsalt"] = "d2lmini"
    kwargs = {"bbox_inches": "tight", "dpi": dpi, "metadata": {"Date": None}}
    _FIGURE_FORMAT.update(format="svg", kwargs=kwargs)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is None:
        return
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # an old IPython (before matplotlib-inline)
        from IPython.display import set_matplotlib_formats
    set_matplotlib_formats("svg", **kwargs)


def figure_bytes(fig):
    """``(extension, data)``: ``fig`` as the notebook
    shows it (``"png"`` or ``"svg"``).

    Used by Trainer's live plot (9.1) and the book build (``d2lmini.controls``).
    """
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        from ._checks import fail

        fail(
            "fig은(는) matplotlib Figure여야 합니다. "
            f"받은 값의 형식: {type(fig).__name__}",
            f"fig must be a matplotlib Figure, got {type(fig).__name__}.",
            TypeError,
        )
    fmt = _FIGURE_FORMAT["format"]
    data = print_figure(fig, fmt, **_FIGURE_FORMAT["kwargs"])
    if data is None:  # an empty figure: the notebook shows nothing either
        return fmt, None
    return fmt, data.encode("utf-8") if isinstance(data, str) else data
