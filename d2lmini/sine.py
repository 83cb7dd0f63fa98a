"""The noisy sine series of section 9.1."""

import torch

from ._checks import fail, integer, non_negative, positive_int, read_only
from .loader import TensorLoader


class SineData:
    """``x_t = sin(0.01 t) + ε_t`` with ``ε_t ~ N(0, 0.2²)``, for ``t = 1 … T``.

    Each example pairs the ``tau`` previous values (``features``) with the next
    one (``labels``): there are ``T - tau`` of them, the first ``num_train``
    for training and the rest for validation. ``tau`` (and ``batch_size``) may
    be changed after construction; ``T`` and ``num_train`` are read-only.

    Taught in 9.1.
    """

    def __init__(self, batch_size=16, T=1000, num_train=600, tau=4, seed=0, noise=0.2):
        self.batch_size = positive_int("batch_size", batch_size)
        T, num_train = positive_int("T", T), positive_int("num_train", num_train)
        if num_train + 2 > T:
            fail(
                f"T={T}는 num_train={num_train}에 비해 너무 짧습니다. T는 "
                f"num_train + 2 = {num_train + 2} 이상이어야 합니다(지연값 "
                "하나와 검증 예제 하나). T를 늘리거나 num_train을 줄이세요.",
                f"T={T} is too short for num_train={num_train}: T must be at least "
                f"num_train + 2 = {num_train + 2} (one lagged value and one validation "
                f"example). Raise T or lower num_train.",
            )
        self._T, self._num_train = T, num_train
        self.tau = tau
        seed = integer("seed", seed, low=0, high=2**64 - 1)
        noise = non_negative("noise", noise)
        gen = torch.Generator().manual_seed(seed)
        self.time = torch.arange(1, T + 1, dtype=torch.float32)
        self.x = torch.sin(0.01 * self.time) + torch.randn(T, generator=gen) * noise

    T = property(
        lambda self: self._T,
        read_only("SineData", "T"),
        doc="Length of the series (read-only).",
    )
    num_train = property(
        lambda self: self._num_train,
        read_only("SineData", "num_train"),
        doc="Number of training examples (read-only).",
    )

    @property
    def tau(self):
        return self._tau

    @tau.setter
    def tau(self, tau):
        tau = positive_int("tau", tau)
        if tau + self.num_train >= self.T:
            fail(
                f"tau={tau}가 너무 큽니다. T={self.T}, num_train={self.num_train}이면 "
                f"tau는 {self.T - self.num_train - 1} 이하여야 합니다.",
                f"tau={tau} is too large: with T={self.T} "
                f"and num_train={self.num_train}, tau must "
                f"be at most {self.T - self.num_train - 1}.",
            )
        self._tau = tau

    @property
    def features(self):
        """``(T - tau, tau)``: row i holds ``x[i], …, x[i + tau - 1]``."""
        return self.x.unfold(0, self.tau, 1)[:-1]

    @property
    def labels(self):
        """``(T - tau, 1)``: row i holds ``x[i + tau]``."""
        return self.x[self.tau :].reshape(-1, 1)

    def train_dataloader(self):
        n = self.num_train
        return TensorLoader(
            (self.features[:n], self.labels[:n]), self.batch_size, shuffle=True
        )

    def val_dataloader(self):
        n = self.num_train
        return TensorLoader((self.features[n:], self.labels[n:]), self.batch_size)


@torch.no_grad()
def k_step_predictions(model, data, k):
    """Feed the model its own predictions to look ``k`` steps ahead.

    Returns a ``(T - tau - k + 1, k)`` tensor: row ``r`` starts from
    the observed values ``x[r], …, x[r + tau - 1]`` and column ``j`` is
    the ``(j + 1)``-step-ahead prediction of ``x[r + tau + j]``. The
    ``k``-step predictions line up with ``data.time[tau + k - 1:]``.

    Taught in 9.1.
    """
    positive_int("k", k)
    if not all(hasattr(data, a) for a in ("x", "tau", "T")):
        fail(
            f"data는 SineData여야 합니다. 받은 형식: {type(data).__name__}",
            f"data must be a SineData, got {type(data).__name__}.",
            TypeError,
        )
    tau, n = data.tau, data.T - data.tau - k + 1
    if n < 1:
        fail(
            f"k={k}가 너무 큽니다. T={data.T}, tau={tau}이면 "
            f"k는 {data.T - tau} 이하여야 합니다.",
            f"k={k} is too large for T={data.T} and "
            f"tau={tau}: k must be at most {data.T - tau}.",
        )
    params = list(model.parameters()) if hasattr(model, "parameters") else []
    x = data.x.to(params[0].device) if params else data.x  # on the model's device
    columns = [x[i : i + n] for i in range(tau)]
    for _ in range(k):
        window = torch.stack(columns[-tau:], dim=1)
        pred = model(window)
        if getattr(pred, "shape", None) not in ((n, 1), (n,)):
            fail(
                f"model은 ({n}, tau={tau}) 창을 ({n}, 1) 예측으로 바꿔야 합니다. "
                f"받은 결과: {getattr(pred, 'shape', type(pred).__name__)} "
                f"(tau={tau}로 학습했는지 확인해 보세요).",
                f"model must map ({n}, tau={tau}) windows to ({n}, 1) predictions, got "
                f"{getattr(pred, 'shape', type(pred).__name__)} (was it trained with "
                f"tau={tau}?).",
            )
        columns.append(pred.reshape(-1))
    return torch.stack(columns[tau:], dim=1)
