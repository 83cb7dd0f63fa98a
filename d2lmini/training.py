"""Training: minibatch SGD with gradient clipping, loss and perplexity per epoch."""

import math
import time

import torch

from ._checks import (
    choice,
    fail,
    flag,
    integer,
    non_negative,
    number,
    positive,
    positive_int,
)
from ._model_checks import model_device
from .fit_memo import memo_for
from .metrics import safe_exp
from .progress import DISPLAY_MODES, make_progress
from .utils import resolve_device, set_random_states, set_seed


class TrainingDiverged(FloatingPointError):
    """The training loss became NaN or infinite;
    ``Trainer.history`` keeps the epochs before.

    Raised by Trainer (9.5).
    """


def _parameters(params_or_model):
    if isinstance(params_or_model, torch.nn.Module):
        return list(params_or_model.parameters())
    if isinstance(params_or_model, torch.Tensor):
        return [params_or_model]
    try:
        params = list(params_or_model)
    except TypeError:
        params = [None]
    if not all(isinstance(p, torch.Tensor) for p in params):
        fail(
            "clip_gradients에는 모델이나 텐서들의 반복 가능 객체를 "
            f"주어야 합니다. 받은 형식: {type(params_or_model).__name__}",
            f"clip_gradients needs a model or an iterable of tensors, got "
            f"{type(params_or_model).__name__}.",
            TypeError,
        )
    return params


def clip_gradients(params_or_model, max_norm):
    """Rescale gradients so their global L2 norm is at most ``max_norm``.

    Same rule as ``torch.nn.utils.clip_grad_norm_``: every gradient is multiplied by
    ``min(1, max_norm / (norm + 1e-6))``. Returns the norm before clipping (a tensor).
    ``max_norm=math.inf`` leaves the gradients as they are and only measures their norm.

    Taught in 9.5.
    """
    try:
        max_norm, ok = number("max_norm", max_norm, above=0, finite=False), True
        ok = not math.isnan(max_norm)
    except (TypeError, ValueError):
        ok = False
    if not ok:  # one message for every bad value (a ValueError, as it always was)
        fail(
            f"max_norm은 0보다 큰 수여야 합니다(math.inf면 노름만 잽니다). "
            f"받은 값: {max_norm!r}",
            "max_norm must be a number > 0 (math.inf only measures), got "
            f"{max_norm!r}.",
        )
    grads = [p.grad for p in _parameters(params_or_model) if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    # (): the norm of all gradients as one vector, from each tensor's norm
    norm = torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(g) for g in grads])  # (num_tensors,)
    )
    scale = torch.clamp(max_norm / (norm + 1e-6), max=1.0)  # ()
    for g in grads:
        g.mul_(scale)
    return norm


def _check_model(model, needs=("batch_loss", "parameters")):
    if not all(hasattr(model, a) for a in needs):
        fail(
            f"model은 d2lmini 모델(batch_loss 메서드가 있는)이어야 합니다. 받은 형식: "
            f"{type(model).__name__}",
            f"model must be a d2lmini model (with a batch_loss method), got "
            f"{type(model).__name__}.",
            TypeError,
        )
    first = next(iter(model.parameters()), None)
    if first is None:
        fail(
            f"모델 {type(model).__name__}에 매개변수가 없습니다.",
            f"model {type(model).__name__} has no parameters to train or evaluate.",
        )
    return first


def _check_stateful(model, loader):
    """Carrying the state needs a language model and a sequential loader."""
    if not hasattr(model, "batch_loss_with_state"):
        fail(
            "stateful=True에는 batch_loss_with_state가 있는 언어 모델"
            f"(RNNLMScratch 등)이 필요합니다. 받은 형식: {type(model).__name__}",
            f"stateful=True needs a language model with batch_loss_with_state "
            f"(such as RNNLMScratch), got {type(model).__name__}.",
            TypeError,
        )
    if not getattr(loader, "sequential", False):
        fail(
            "stateful=True에는 미니배치가 서로 이어지는 순차 로더"
            "(TimeMachine(..., sequential=True))가 필요합니다. 무작위로 섞인 창 "
            "사이에서 상태를 넘기면 관계없는 텍스트의 문맥을 넘기게 됩니다.",
            "stateful=True needs a sequential loader, whose minibatches continue "
            "each other (TimeMachine(..., sequential=True)); carrying the state "
            "across shuffled windows would hand on unrelated text.",
        )


@torch.no_grad()
def evaluate_loss(model, loader, device=None, stateful=False):
    """Item-weighted mean loss of ``model`` over every batch of ``loader`` (in eval
    mode; the model's mode is restored afterwards, even after an error or Ctrl-C).

    ``stateful=True`` (a sequential loader) carries the hidden state from one
    minibatch to the next instead of starting every window from zeros.

    Used by Trainer (9.5).
    """
    _check_model(model)
    if stateful:
        _check_stateful(model, loader)
    device = model_device(model, device)
    was_training = model.training
    model.eval()
    try:
        total, count = torch.zeros((), dtype=torch.float64, device=device), 0
        state = None
        for batch in loader:
            batch = [b.to(device) for b in batch]
            if stateful:
                loss, n, state = model.batch_loss_with_state(batch, state)
            else:
                loss, n = model.batch_loss(batch)
            total += loss.double() * n
            count += n
    finally:
        model.train(was_training)
    if count == 0:
        fail(
            "로더가 미니배치를 하나도 내주지 않았습니다. 평가할 것이 없습니다.",
            "the loader gave no batches: nothing to evaluate.",
        )
    return float(total) / count


def evaluate_perplexity(model, loader, device=None):
    """``exp`` of the token-mean cross-entropy over
    the whole ``loader`` (``inf`` if huge).

    Used by Trainer (9.5).
    """
    return safe_exp(evaluate_loss(model, loader, device))


class Trainer:
    """Fit a ``d2lmini`` model to a data module with minibatch SGD at ``model.lr``.

    After ``fit``, ``history`` holds per-epoch ``train_loss`` and ``val_loss`` (item
    means), plus ``train_ppl`` and ``val_ppl`` (their ``exp``, ``inf`` if it overflows)
    for language models; validation uses every validation batch. ``display``: ``"auto"``
    (live plot in a notebook, bar elsewhere), ``"plot"``, ``"bar"`` or ``"quiet"``.

    Seeding: ``fit`` first calls ``set_seed(seed)``, which reseeds the
    *global* generators of Python, NumPy and PyTorch (the shuffling of
    the training data draws from PyTorch's), so two fits with the same
    seed are identical. ``seed=None`` leaves them alone.

    If the training loss becomes NaN or infinite, ``fit`` stops at once with
    ``TrainingDiverged``; ``history`` then holds the epochs completed before.

    ``stateful=True`` (with ``TimeMachine(..., sequential=True)``) is truncated
    BPTT as practitioners run it: the last hidden state of a minibatch becomes
    the initial state of the next one, ``detach()``ed so that backpropagation
    stops at the boundary; every epoch (new streams) starts from zeros, and
    validation carries the state too. The default, ``stateful=False``, starts
    every window from zeros.

    Taught in 9.1 (regression) and 9.5 (language models).
    """

    def __init__(
        self,
        max_epochs,
        gradient_clip_val=0,
        device="auto",
        seed=0,
        display="auto",
        stateful=False,
    ):
        self.stateful = flag("stateful", stateful)
        self.max_epochs = positive_int("max_epochs", max_epochs)
        self.gradient_clip_val = non_negative("gradient_clip_val", gradient_clip_val)
        self.device = resolve_device(device)
        self.seed = (
            None if seed is None else integer("seed", seed, low=0, high=2**64 - 1)
        )
        self.display = choice("display", display, DISPLAY_MODES)
        self.history = {}

    def fit(self, model, data):
        """Train ``model`` on ``data`` for ``max_epochs`` epochs; returns ``history``.

        An error or Ctrl-C stops it cleanly: the model keeps its mode, the display is
        closed, and ``history`` holds the completed epochs.
        """
        _check_model(model, ("batch_loss", "parameters", "lr", "reports_perplexity"))
        lr = positive("model.lr", model.lr)
        if not all(hasattr(data, a) for a in ("train_dataloader", "val_dataloader")):
            fail(
                "data에는 train_dataloader()와 val_dataloader()가 있어야 "
                f"합니다(TimeMachine, SineData처럼). 받은 형식: {type(data).__name__}",
                "data must have train_dataloader() and val_dataloader() "
                f"(like TimeMachine or SineData), got {type(data).__name__}.",
                TypeError,
            )
        if self.seed is not None:
            set_seed(self.seed)
        model.to(self.device)
        train_loader, val_loader = data.train_dataloader(), data.val_dataloader()
        if self.stateful:
            _check_stateful(model, train_loader)
            _check_stateful(model, val_loader)
        self._materialize_lazy(model, train_loader)
        memo = memo_for(self, model, (train_loader, val_loader))
        if memo is not None and not memo.writer:
            saved = memo.load()
            if saved is not None:
                return self._replay(model, saved)
            memo = None  # nobody computed it: train here
        keys = ["epoch", "train_loss", "val_loss"]
        if model.reports_perplexity:
            keys += ["train_ppl", "val_ppl"]
        self.history = {k: [] for k in keys}
        self.train_items, self.fit_seconds = 0, 0.0
        was_training, finished = model.training, False
        progress = make_progress(self.display, self.max_epochs)
        start = time.perf_counter()
        if memo is not None:
            memo.start()
        try:
            for epoch in range(1, self.max_epochs + 1):
                train_loss = self._train_epoch(model, train_loader, lr, epoch)
                val_loss = evaluate_loss(model, val_loader, self.device, self.stateful)
                self._record(model, epoch, train_loss, val_loss)
                progress.epoch_end(self.history)
            finished = True
        finally:
            self.fit_seconds = time.perf_counter() - start
            model.train(was_training)
            progress.close(self.history, None if finished else "stopped")
            if memo is not None and not finished:
                memo.abandon()
        if memo is not None:
            memo.save(model, self)
        return self.history

    def _replay(self, model, saved):
        """What ``fit`` leaves behind, from a test run's memo (:mod:`.fit_memo`)."""
        model.load_state_dict(saved["state_dict"])
        self.history = saved["history"]
        self.train_items, self.fit_seconds = saved["train_items"], saved["fit_seconds"]
        set_random_states(saved["random_states"])
        make_progress(self.display, self.max_epochs).close(self.history)
        return self.history

    def _train_epoch(self, model, loader, lr, epoch):
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        total, count = torch.zeros((), dtype=torch.float64, device=self.device), 0
        state = None  # stateful: new streams every epoch start from zeros
        for step, batch in enumerate(loader, 1):
            batch = [b.to(self.device) for b in batch]
            if self.stateful:
                loss, n, state = model.batch_loss_with_state(batch, state)
                state = state.detach()  # truncated BPTT: no gradient across
            else:
                loss, n = model.batch_loss(batch)
            if not math.isfinite(loss.item()):
                self._diverged(epoch, step, loss.item())
            for p in params:
                p.grad = None
            loss.backward()
            if self.gradient_clip_val > 0:
                clip_gradients(params, self.gradient_clip_val)
            # plain SGD: p <- p - lr * grad (what torch.optim.SGD does)
            with torch.no_grad():
                for p in params:
                    if p.grad is not None:
                        p.add_(p.grad, alpha=-lr)
            total += loss.detach().double() * n
            count += n
        if count == 0:
            fail(
                "학습 로더가 미니배치를 하나도 내주지 "
                "않았습니다. 학습할 데이터가 없습니다.",
                "the training loader gave no batches: nothing to train on.",
            )
        self.train_items += count
        return float(total) / count

    def _diverged(self, epoch, step, loss):
        clip = (
            ""
            if self.gradient_clip_val > 0
            else " or gradient clipping (e.g. gradient_clip_val=1)"
        )
        clip_ko = (
            ""
            if self.gradient_clip_val > 0
            else "이나 기울기 클리핑(예: gradient_clip_val=1)"
        )
        fail(
            f"{epoch}번째 에폭, {step}번째 스텝에서 학습이 "
            f"발산했습니다(학습 손실 {loss}). 더 작은 lr{clip_ko}을 써 "
            f"보세요. history에는 완료된 에폭 {epoch - 1}개가 남아 있습니다.",
            f"training diverged at epoch {epoch}, step {step}: the "
            f"training loss is {loss}. Try a smaller lr{clip}. "
            f"history keeps the {epoch - 1} completed epoch(s).",
            TrainingDiverged,
        )

    def _record(self, model, epoch, train_loss, val_loss):
        h = self.history
        h["epoch"].append(epoch)
        h["train_loss"].append(train_loss)
        h["val_loss"].append(val_loss)
        if model.reports_perplexity:
            h["train_ppl"].append(safe_exp(train_loss))
            h["val_ppl"].append(safe_exp(val_loss))

    def _materialize_lazy(self, model, loader):
        """Run one batch through a model with lazy layers so its parameters exist."""
        if any(
            isinstance(p, torch.nn.parameter.UninitializedParameter)
            for p in model.parameters()
        ):
            first = next(iter(loader))
            with torch.no_grad():
                model(*[b.to(self.device) for b in first[:-1]])

    def plot(self, axes=None):
        """Static plot of the recorded curves."""
        from .plotting import plot_history

        if not self.history:
            fail(
                "아직 그릴 것이 없습니다. 먼저 trainer.fit(model, data)를 호출하세요.",
                "nothing to plot yet: call trainer.fit(model, data) first.",
            )
        return plot_history(self.history, axes=axes)


@torch.no_grad()
def loss_by_context(model, tokens, context, num_seqs=256, device=None):
    """Mean cross-entropy of each prediction against how much the model has read.

    Reads ``num_seqs`` stretches of ``context + 1`` tokens of ``tokens``, their
    starts spread evenly, each from a zero hidden state. Entry ``t`` of the
    returned float64 tensor (length ``context``) is the mean cross-entropy of
    the prediction made after reading ``t + 1`` tokens (``exp`` of it: the
    perplexity at that context length); the model's mode is restored.

    Taught in 9.5.
    """
    _check_model(model, ("time_major_logits", "parameters"))
    context = positive_int("context", context)
    num_seqs = positive_int("num_seqs", num_seqs)
    tokens = torch.as_tensor(tokens, dtype=torch.long).reshape(-1)  # (num_tokens,)
    last = len(tokens) - context - 1  # the latest start with a target left
    if last < 0:
        fail(
            f"context={context}에는 토큰이 {context + 1}개 이상 필요합니다. "
            f"받은 토큰: {len(tokens)}개",
            f"context={context} needs at least {context + 1} tokens, "
            f"got {len(tokens)}.",
        )
    device = model_device(model, device)
    starts = torch.linspace(0, last, num_seqs).round().long()  # (num_seqs,)
    idx = starts[:, None] + torch.arange(context + 1)  # (num_seqs, context + 1)
    windows = tokens[idx].to(device)  # (num_seqs, context + 1)
    was_training = model.training
    model.eval()
    try:
        logits, _ = model.time_major_logits(windows[:, :-1])  # (context, seqs, V)
    finally:
        model.train(was_training)
    losses = torch.nn.functional.cross_entropy(
        logits.permute(1, 2, 0), windows[:, 1:], reduction="none"
    )  # (seqs, context)
    return losses.double().mean(0).cpu()  # (context,)
