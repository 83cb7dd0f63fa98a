"""A minimal minibatch loader over in-memory tensors
(far cheaper than DataLoader here)."""

import torch

from ._checks import fail, flag, integer, positive_int


class TensorLoader:
    """Yield minibatches ``(t[idx] for t in
    tensors)``; reshuffled every pass if ``shuffle``.

    ``tensors`` is a tuple of tensors with the same first dimension,
    e.g. ``(X, Y)``. Shuffling draws a fresh permutation from
    PyTorch's global generator at every pass, so ``set_seed`` makes it
    repeatable. The last batch may be smaller (nothing is dropped).

    Taught in 9.1 (SineData's loaders); used directly in 9.6.
    """

    def __init__(self, tensors, batch_size, shuffle=False):
        if isinstance(tensors, torch.Tensor):
            fail(
                "tensors는 TensorLoader((X, Y), 32)처럼 텐서의 튜플이어야 합니다(텐서 "
                "하나면 (X,)). 텐서 하나를 그대로 주면 행 단위로 쪼개집니다.",
                "tensors must be a tuple of tensors, e.g. TensorLoader((X, Y), 32) — "
                "or (X,) for one tensor; a lone tensor would be split into its rows.",
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
                f"tensors는 축이 하나 이상인 텐서들의 튜플이어야 합니다. 받은 형식: "
                f"{[type(t).__name__ for t in self.tensors]} (배열은 torch.as_tensor로 "
                f"바꾸세요).",
                "tensors must be a non-empty tuple of tensors with at least "
                f"one axis, got {[type(t).__name__ for t in self.tensors]} "
                "(convert arrays with torch.as_tensor).",
                TypeError,
            )
        self.batch_size = positive_int("batch_size", batch_size)
        self.shuffle = flag("shuffle", shuffle)
        self.num_examples = len(self.tensors[0])
        lengths = [len(t) for t in self.tensors]
        if any(n != self.num_examples for n in lengths):
            fail(
                f"모든 텐서의 길이(첫 번째 차원)가 같아야 합니다. 받은 길이: {lengths}",
                "all tensors must have the same length "
                f"(first dimension), got {lengths}.",
            )
        if self.num_examples == 0:
            fail(
                "텐서에 예제가 하나도 없습니다(길이 0).",
                "the tensors hold no examples (length 0): nothing to load.",
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


class SequentialLoader:
    """Minibatches of ``batch_size`` parallel streams of consecutive windows.

    D2L 0.x's sequential partitioning: every pass draws an offset ``d`` from
    ``0 … num_steps - 1`` (PyTorch's global generator; ``offset=`` fixes it),
    cuts ``tokens[d:]`` into ``batch_size`` streams of equal length ``L``
    (row ``b`` is ``tokens[d + b L : d + (b + 1) L]``) and yields the streams
    ``num_steps`` columns at a time. So row ``b`` of minibatch ``i + 1``
    continues row ``b`` of minibatch ``i``: the last hidden state of one
    minibatch can be handed on to the next (``Trainer(stateful=True)``).
    The targets ``Y`` are the inputs shifted by one token; a stream's tail
    shorter than ``num_steps`` is dropped.

    Taught in 9.5 (stateful training, ``TimeMachine(..., sequential=True)``).
    """

    #: rows of consecutive minibatches continue each other
    sequential = True

    def __init__(self, tokens, batch_size, num_steps, offset=None):
        self.tokens = torch.as_tensor(tokens, dtype=torch.long)
        if self.tokens.dim() != 1:
            fail(
                f"tokens는 1차원 시퀀스여야 합니다. 받은 모양: "
                f"{tuple(self.tokens.shape)}",
                f"tokens must be one sequence (1-D), got shape "
                f"{tuple(self.tokens.shape)}.",
            )
        self.batch_size = positive_int("batch_size", batch_size)
        self.num_steps = positive_int("num_steps", num_steps)
        if offset is not None:
            offset = integer("offset", offset, low=0, high=self.num_steps - 1)
        self.offset = offset
        if len(self) == 0:
            fail(
                f"토큰 {len(self.tokens)}개를 스트림 batch_size={batch_size}개로 "
                f"나누면 num_steps={num_steps}인 창 하나도 만들 수 없습니다. "
                "batch_size나 num_steps를 줄이거나 텍스트를 늘리세요.",
                f"{len(self.tokens)} tokens cut into batch_size={batch_size} "
                f"streams are too short for one window of num_steps={num_steps}: "
                "use a smaller batch_size or num_steps, or more text.",
            )

    def stream_length(self, offset):
        """Tokens per stream after dropping the first ``offset`` tokens."""
        return (len(self.tokens) - offset - 1) // self.batch_size

    def __len__(self):
        # the largest offset gives the fewest windows: every pass yields this many
        return self.stream_length(self.num_steps - 1) // self.num_steps

    def streams(self, offset):
        """``(Xs, Ys)``, each ``(batch_size, L)``: the streams for ``offset``."""
        n = self.stream_length(offset) * self.batch_size
        Xs = self.tokens[offset : offset + n].view(self.batch_size, -1)
        Ys = self.tokens[offset + 1 : offset + 1 + n].view(self.batch_size, -1)
        return Xs, Ys

    def __iter__(self):
        offset = self.offset
        if offset is None:
            offset = int(torch.randint(self.num_steps, ()))
        Xs, Ys = self.streams(offset)
        s = self.num_steps
        for i in range(0, len(self) * s, s):
            yield Xs[:, i : i + s], Ys[:, i : i + s]
