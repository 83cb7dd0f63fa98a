"""The noisy sine series of section 9.1."""
import torch

from ._checks import fail, positive_int
from .loader import TensorLoader


class SineData:
    """``x_t = sin(0.01 t) + ε_t`` with ``ε_t ~ N(0, 0.2²)``, for ``t = 1 … T``.

    Each example pairs the ``tau`` previous values (``features``) with the next one
    (``labels``): there are ``T - tau`` of them, the first ``num_train`` for training and
    the rest for validation. ``tau`` may be changed after construction.
    """

    def __init__(self, batch_size=16, T=1000, num_train=600, tau=4, seed=0, noise=0.2):
        self.batch_size = positive_int("batch_size", batch_size)
        self.T = positive_int("T", T)
        self.num_train = positive_int("num_train", num_train)
        self.tau = tau
        gen = torch.Generator().manual_seed(seed)
        self.time = torch.arange(1, T + 1, dtype=torch.float32)
        self.x = torch.sin(0.01 * self.time) + torch.randn(T, generator=gen) * noise

    @property
    def tau(self):
        return self._tau

    @tau.setter
    def tau(self, tau):
        positive_int("tau", tau)
        if tau + self.num_train >= self.T:
            fail(f"tau={tau} is too large: with T={self.T} and num_train={self.num_train}, "
                 f"tau must be at most {self.T - self.num_train - 1}.",
                 f"tau={tau}가 너무 큽니다. T={self.T}, num_train={self.num_train}이면 "
                 f"tau는 {self.T - self.num_train - 1} 이하여야 합니다.")
        self._tau = tau

    @property
    def features(self):
        """``(T - tau, tau)``: row i holds ``x[i], …, x[i + tau - 1]``."""
        return self.x.unfold(0, self.tau, 1)[:-1]

    @property
    def labels(self):
        """``(T - tau, 1)``: row i holds ``x[i + tau]``."""
        return self.x[self.tau:].reshape(-1, 1)

    def train_dataloader(self):
        n = self.num_train
        return TensorLoader((self.features[:n], self.labels[:n]), self.batch_size, shuffle=True)

    def val_dataloader(self):
        n = self.num_train
        return TensorLoader((self.features[n:], self.labels[n:]), self.batch_size)


@torch.no_grad()
def k_step_predictions(model, data, k):
    """Feed the model its own predictions to look ``k`` steps ahead.

    Returns a ``(T - tau - k + 1, k)`` tensor: row ``r`` starts from the observed values
    ``x[r], …, x[r + tau - 1]`` and column ``j`` is the ``(j + 1)``-step-ahead prediction of
    ``x[r + tau + j]``. The ``k``-step predictions line up with ``data.time[tau + k - 1:]``.
    """
    positive_int("k", k)
    tau, n = data.tau, data.T - data.tau - k + 1
    if n < 1:
        fail(f"k={k} is too large for T={data.T} and tau={tau}: k must be at most {data.T - tau}.",
             f"k={k}가 너무 큽니다. T={data.T}, tau={tau}이면 k는 {data.T - tau} 이하여야 합니다.")
    columns = [data.x[i:i + n] for i in range(tau)]
    for _ in range(k):
        window = torch.stack(columns[-tau:], dim=1)
        columns.append(model(window).reshape(-1))
    return torch.stack(columns[tau:], dim=1)
