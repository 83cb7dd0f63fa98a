"""A minimal minibatch loader over in-memory tensors
(far cheaper than DataLoader here)."""

import torch

from ._checks import fail, flag, positive_int


class TensorLoader:
    """Yield minibatches ``(t[idx] for t in
    tensors)``; reshuffled every pass if ``shuffle``.

    ``tensors`` is a tuple of tensors with the same first dimension,
    e.g. ``(X, Y)``. Shuffling draws a fresh permutation from
    PyTorch's global generator at every pass, so ``set_seed`` makes it
    repeatable. The last batch may be smaller (nothing is dropped).
    """

    def __init__(self, tensors, batch_size, shuffle=False):
        if isinstance(tensors, torch.Tensor):
            fail(
                "tensors must be a tuple of tensors, e.g. TensorLoader((X, Y), 32) — "
                "or (X,) for one tensor; a lone tensor would be split into its rows.",
                "tensors는 TensorLoader((X, Y), 32)처럼 텐서의 튜플이어야 합니다(텐서 "
                "하나면 (X,)). 텐서 하나를 그대로 주면 행 단위로 쪼개집니다.",
                TypeError,
            )
        try:
            self.tensors = tuple(tensors)
        except TypeError:
            self.tensors = (tensors,)
        if not self.tensors or not all(
            isinstance(t, torch.Tensor) and t.dim() >= 1 for t in self.tensors
        ):
            fail(
                "tensors must be a non-empty tuple of tensors with at least "
                f"one axis, got {[type(t).__name__ for t in self.tensors]} "
                "(convert arrays with torch.as_tensor).",
                f"tensors는 축이 하나 이상인 텐서들의 튜플이어야 합니다. 받은 형식: "
                f"{[type(t).__name__ for t in self.tensors]} (배열은 torch.as_tensor로 "
                f"바꾸세요).",
                TypeError,
            )
        self.batch_size = positive_int("batch_size", batch_size)
        self.shuffle = flag("shuffle", shuffle)
        self.num_examples = len(self.tensors[0])
        lengths = [len(t) for t in self.tensors]
        if any(n != self.num_examples for n in lengths):
            fail(
                "all tensors must have the same length "
                f"(first dimension), got {lengths}.",
                f"모든 텐서의 길이(첫 번째 차원)가 같아야 합니다. 받은 길이: {lengths}",
            )
        if self.num_examples == 0:
            fail(
                "the tensors hold no examples (length 0): nothing to load.",
                "텐서에 예제가 하나도 없습니다(길이 0).",
            )

    def __len__(self):
        return -(-self.num_examples // self.batch_size)

    def __iter__(self):
        n, b = self.num_examples, self.batch_size
        if self.shuffle:
            order = torch.randperm(n)
            for i in range(0, n, b):
                idx = order[i : i + b]
                yield tuple(t[idx] for t in self.tensors)
        else:
            for i in range(0, n, b):
                yield tuple(t[i : i + b] for t in self.tensors)
