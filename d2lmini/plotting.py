"""Small matplotlib helpers in the spirit of d2l's ``plot``."""
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


def plot(X, Y=None, xlabel=None, ylabel=None, legend=(), xlim=None, ylim=None,
         xscale="linear", yscale="linear", fmts=DEFAULT_FMTS, figsize=(3.5, 2.5), axes=None,
         title=None):
    """Plot one or several series; ``Y=None`` plots ``X`` against its index. Returns the axes."""
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
    """Training curves from ``Trainer.history``: perplexity for language models, else loss."""
    if not isinstance(history, dict) or not {"epoch", "train_loss", "val_loss"} <= set(history):
        from ._checks import fail
        fail("history must be Trainer.history after fit (a dict with epoch, train_loss and "
             "val_loss lists).",
             "history는 fit을 마친 Trainer.history(epoch, train_loss, val_loss 리스트를 담은 "
             "딕셔너리)여야 합니다.", TypeError)
    kind = "ppl" if "val_ppl" in history else "loss"
    epochs = history["epoch"]
    series = [history[f"train_{kind}"], history[f"val_{kind}"]]
    return plot(epochs, series, "epoch", "perplexity" if kind == "ppl" else "loss",
                legend=("train", "validation"), axes=axes, title=title, figsize=figsize,
                yscale="log" if kind == "loss" else "linear")
