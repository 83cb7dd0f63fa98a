"""*The Time Machine* as (input, target) windows for language modeling."""
import torch

from ._checks import choice, fail, positive_int
from .download import read_timemachine
from .loader import TensorLoader
from .text import TOKEN_KINDS, Vocab, preprocess, tokenize


class TimeMachine:
    """H. G. Wells' novel cut into windows of ``num_steps`` tokens.

    Window ``i`` is ``X[i] = corpus[i : i + num_steps]`` with target ``Y[i]`` the same window
    shifted by one token. Training uses windows ``0 … num_train - 1``; validation uses the
    ``num_val`` windows that start ``num_steps`` tokens after the last training window, so no
    token of a validation window (inputs or targets) appears in any training window.
    """

    def __init__(self, batch_size, num_steps, num_train=10000, num_val=5000, token="char",
                 root=None):
        self.batch_size = positive_int("batch_size", batch_size)
        self.num_steps = positive_int("num_steps", num_steps)
        self.num_train = positive_int("num_train", num_train)
        self.num_val = positive_int("num_val", num_val)
        self.token = choice("token", token, TOKEN_KINDS)
        self.raw_text = read_timemachine(root)
        self.corpus, self.vocab = self.build(self.raw_text)
        windows = torch.tensor(self.corpus, dtype=torch.long).unfold(0, num_steps + 1, 1)
        self.X, self.Y = windows[:, :-1], windows[:, 1:]
        most = len(windows) - num_steps
        if num_train + num_val > most:
            fail(f"num_train + num_val = {num_train + num_val} windows, but a corpus of "
                 f"{len(self.corpus)} tokens with num_steps={num_steps} holds at most {most} "
                 f"non-overlapping training and validation windows.",
                 f"num_train + num_val = {num_train + num_val}개 창이 필요하지만, 토큰 "
                 f"{len(self.corpus)}개인 코퍼스에서 num_steps={num_steps}이면 훈련·검증 창이 "
                 f"겹치지 않게 최대 {most}개까지만 만들 수 있습니다.")
        self.val_start = num_train + num_steps

    def build(self, raw_text, vocab=None):
        """Preprocess and tokenize ``raw_text``; return ``(corpus, vocab)``.

        ``corpus`` is the list of token indices; a new ``Vocab`` is built unless one is given.
        """
        tokens = tokenize(preprocess(raw_text), self.token)
        if vocab is None:
            vocab = Vocab(tokens)
        return vocab[tokens], vocab

    def train_dataloader(self):
        """Shuffled minibatches ``(X, Y)`` of shape ``(batch_size, num_steps)``."""
        n = self.num_train
        return TensorLoader((self.X[:n].contiguous(), self.Y[:n].contiguous()),
                            self.batch_size, shuffle=True)

    def val_dataloader(self):
        """Validation minibatches in corpus order."""
        s, n = self.val_start, self.num_val
        return TensorLoader((self.X[s:s + n], self.Y[s:s + n]), self.batch_size)
