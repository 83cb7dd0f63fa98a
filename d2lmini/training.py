"""Training: minibatch SGD with gradient clipping, loss and perplexity per epoch."""
import math
import time

import torch

from ._checks import fail, non_negative, positive_int
from .progress import make_progress
from .utils import resolve_device, set_seed


def clip_gradients(params_or_model, max_norm):
    """Rescale gradients so their global L2 norm is at most ``max_norm``.

    Same rule as ``torch.nn.utils.clip_grad_norm_``: every gradient is multiplied by
    ``min(1, max_norm / (norm + 1e-6))``. Returns the norm before clipping (a tensor).
    """
    if not isinstance(max_norm, (int, float)) or isinstance(max_norm, bool) or max_norm <= 0:
        fail(f"max_norm must be a number > 0, got {max_norm!r}.",
             f"max_norm은 0보다 큰 수여야 합니다. 받은 값: {max_norm!r}")
    params = (params_or_model.parameters() if isinstance(params_or_model, torch.nn.Module)
              else params_or_model)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    scale = torch.clamp(max_norm / (norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(scale)
    return norm


def perplexity(probs):
    """``exp(-mean log p)`` of the probabilities a model gave the tokens that occurred
    (``inf`` when one of them is 0)."""
    probs = torch.as_tensor(probs, dtype=torch.float64)
    if probs.numel() == 0:
        fail("perplexity needs at least one probability.",
             "퍼플렉서티를 계산하려면 확률이 하나 이상 있어야 합니다.")
    return float(torch.exp(-torch.log(probs).mean()))


@torch.no_grad()
def evaluate_loss(model, loader, device=None):
    """Item-weighted mean loss of ``model`` over every batch of ``loader``."""
    device = device or next(model.parameters()).device
    was_training = model.training
    model.eval()
    total, count = torch.zeros((), dtype=torch.float64, device=device), 0
    for batch in loader:
        loss, n = model.batch_loss([b.to(device) for b in batch])
        total += loss.double() * n
        count += n
    model.train(was_training)
    return float(total) / count


def evaluate_perplexity(model, loader, device=None):
    """``exp`` of the token-mean cross-entropy over the whole ``loader``."""
    return math.exp(evaluate_loss(model, loader, device))


class Trainer:
    """Fit a ``d2lmini`` model to a data module with minibatch SGD at ``model.lr``.

    After ``fit``, ``history`` holds per-epoch ``train_loss`` and ``val_loss`` (item means),
    plus ``train_ppl`` and ``val_ppl`` (their ``exp``) for language models; validation uses
    every validation batch. ``display``: ``"auto"`` (live plot in a notebook, bar elsewhere),
    ``"plot"``, ``"bar"`` or ``"quiet"``.
    """

    def __init__(self, max_epochs, gradient_clip_val=0, device="auto", seed=0, display="auto"):
        self.max_epochs = positive_int("max_epochs", max_epochs)
        self.gradient_clip_val = non_negative("gradient_clip_val", gradient_clip_val)
        self.device = resolve_device(device)
        self.seed = seed
        self.display = display
        self.history = {}

    def fit(self, model, data):
        """Train ``model`` on ``data`` for ``max_epochs`` epochs; returns ``history``."""
        set_seed(self.seed)
        model.to(self.device)
        train_loader, val_loader = data.train_dataloader(), data.val_dataloader()
        self._materialize_lazy(model, train_loader)
        optimizer = torch.optim.SGD(model.parameters(), lr=model.lr)
        keys = ["epoch", "train_loss", "val_loss"]
        if model.reports_perplexity:
            keys += ["train_ppl", "val_ppl"]
        self.history = {k: [] for k in keys}
        progress = make_progress(self.display, self.max_epochs)
        self.train_items, start = 0, time.perf_counter()
        for epoch in range(1, self.max_epochs + 1):
            train_loss = self._train_epoch(model, train_loader, optimizer)
            self._record(model, epoch, train_loss, evaluate_loss(model, val_loader, self.device))
            progress.epoch_end(self.history)
        self.fit_seconds = time.perf_counter() - start
        progress.close(self.history)
        return self.history

    def _train_epoch(self, model, loader, optimizer):
        model.train()
        total, count = torch.zeros((), dtype=torch.float64, device=self.device), 0
        for batch in loader:
            loss, n = model.batch_loss([b.to(self.device) for b in batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if self.gradient_clip_val > 0:
                clip_gradients(model, self.gradient_clip_val)
            optimizer.step()
            total += loss.detach().double() * n
            count += n
        self.train_items += count
        return float(total) / count

    def _record(self, model, epoch, train_loss, val_loss):
        h = self.history
        h["epoch"].append(epoch)
        h["train_loss"].append(train_loss)
        h["val_loss"].append(val_loss)
        if model.reports_perplexity:
            h["train_ppl"].append(math.exp(train_loss))
            h["val_ppl"].append(math.exp(val_loss))

    def _materialize_lazy(self, model, loader):
        """Run one batch through a model with lazy layers so its parameters exist."""
        if any(isinstance(p, torch.nn.parameter.UninitializedParameter)
               for p in model.parameters()):
            first = next(iter(loader))
            with torch.no_grad():
                model(*[b.to(self.device) for b in first[:-1]])

    def plot(self, axes=None):
        """Static plot of the recorded curves."""
        from .plotting import plot_history
        return plot_history(self.history, axes=axes)
