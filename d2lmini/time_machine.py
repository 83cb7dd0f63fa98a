"""*The Time Machine* as (input, target) windows for language modeling."""

import torch

from ._checks import choice, fail, flag, positive_int, read_only
from .download import read_timemachine
from .loader import SequentialLoader, TensorLoader
from .text import TOKEN_KINDS, Vocab, preprocess, tokenize


class TimeMachine:
    """H. G. Wells' novel cut into windows of ``num_steps`` tokens.

    Window ``i`` is ``X[i] = corpus[i : i + num_steps]`` with target ``Y[i]``
    the same window shifted by one token. Training uses windows ``0 …
    num_train - 1``; validation uses the ``num_val`` windows from window
    ``num_train + num_steps`` on (the ``num_steps`` windows after the last
    training one are skipped), so no token of a validation window (inputs or
    targets) appears in any training window.

    ``sequential=True`` cuts the same training and validation text into
    ``batch_size`` parallel streams instead (``SequentialLoader``): window
    ``i + 1`` of a stream continues window ``i``, so the hidden state can be
    carried from one minibatch to the next (``Trainer(stateful=True)``). The
    training streams start at a random offset every epoch; the validation
    streams at offset 0.

    Taught in 9.2 (its minibatches in 9.3).
    """

    def __init__(
        self,
        batch_size,
        num_steps,
        num_train=10000,
        num_val=5000,
        token="char",
        root=None,
        sequential=False,
    ):
        self.batch_size = batch_size
        self._sequential = flag("sequential", sequential)
        self._num_steps = positive_int("num_steps", num_steps)
        self._num_train = positive_int("num_train", num_train)
        self._num_val = positive_int("num_val", num_val)
        self._token = choice("token", token, TOKEN_KINDS)
        self.raw_text = read_timemachine(root)
        self.corpus, self.vocab = self.build(self.raw_text)
        num_steps, n = self._num_steps, len(self.corpus)
        most = (
            n - 2 * num_steps
        )  # windows that fit with a gap of num_steps between the sets
        if most < 2:
            fail(
                f"num_steps={num_steps}는 토큰 {n}개인 코퍼스에 너무 큽니다. 학습 창과 "
                f"검증 창을 하나씩 만들려면 num_steps <= {(n - 2) // 2}여야 합니다.",
                f"num_steps={num_steps} is too large for a corpus of {n} tokens: a "
                f"training and a validation window need num_steps <= {(n - 2) // 2}.",
            )
        if num_train + num_val > most:
            fail(
                f"num_train + num_val = {num_train + num_val}개 창이 필요하지만, 토큰 "
                f"{n}개인 코퍼스에서 num_steps={num_steps}이면 학습·검증 창이 "
                f"겹치지 않게 최대 {most}개까지만 만들 수 있습니다.",
                f"num_train + num_val = {num_train + num_val} windows, but a corpus of "
                f"{n} tokens with num_steps={num_steps} holds at most {most} "
                f"non-overlapping training and validation windows.",
            )
        windows = torch.tensor(self.corpus, dtype=torch.long).unfold(
            0, num_steps + 1, 1
        )
        self.X, self.Y = windows[:, :-1], windows[:, 1:]

    # The sizes are fixed at construction: changing them later
    # would let validation windows slip into the training set,
    # so they are read-only (make a new TimeMachine instead).
    num_steps = property(
        lambda self: self._num_steps, read_only("TimeMachine", "num_steps")
    )
    num_train = property(
        lambda self: self._num_train, read_only("TimeMachine", "num_train")
    )
    num_val = property(lambda self: self._num_val, read_only("TimeMachine", "num_val"))
    token = property(lambda self: self._token, read_only("TimeMachine", "token"))
    sequential = property(
        lambda self: self._sequential, read_only("TimeMachine", "sequential")
    )

    val_start = property(
        lambda self: self._num_train + self._num_steps,
        read_only("TimeMachine", "val_start"),
        doc="Index of the first validation window (num_steps after the last "
        "training one).",
    )

    @property
    def batch_size(self):
        """Minibatch size of both loaders (may be changed)."""
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value):
        self._batch_size = positive_int("batch_size", value)

    def build(self, raw_text, vocab=None):
        """Preprocess and tokenize ``raw_text``; return ``(corpus, vocab)``.

        ``corpus`` is the list of token indices; a new
        ``Vocab`` is built unless one is given.
        """
        tokens = tokenize(preprocess(raw_text), self.token)
        if vocab is None:
            vocab = Vocab(tokens)
        return vocab[tokens], vocab

    def train_text(self):
        """The training tokens: those of windows ``0 … num_train - 1`` with
        their targets (``num_train + num_steps`` tokens)."""
        return torch.tensor(self.corpus[: self.num_train + self.num_steps])

    def val_text(self):
        """The validation tokens: those of the validation windows with their
        targets (``num_val + num_steps`` tokens from ``val_start``)."""
        s = self.val_start
        return torch.tensor(self.corpus[s : s + self.num_val + self.num_steps])

    def train_dataloader(self):
        """Shuffled minibatches ``(X, Y)`` of shape ``(batch_size, num_steps)``;
        with ``sequential=True``, consecutive windows of parallel streams."""
        if self.sequential:
            return SequentialLoader(self.train_text(), self.batch_size, self.num_steps)
        n = self.num_train
        return TensorLoader(
            (self.X[:n].contiguous(), self.Y[:n].contiguous()),
            self.batch_size,
            shuffle=True,
        )

    def val_dataloader(self):
        """Validation minibatches in corpus order (with ``sequential=True``,
        parallel streams from offset 0)."""
        if self.sequential:
            return SequentialLoader(
                self.val_text(), self.batch_size, self.num_steps, offset=0
            )
        s, n = self.val_start, self.num_val
        return TensorLoader((self.X[s : s + n], self.Y[s : s + n]), self.batch_size)
