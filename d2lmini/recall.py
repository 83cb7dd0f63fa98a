"""A synthetic memory task for Section 9.7.3.3: name the token seen d steps ago.

A sequence holds ``d + 1`` random tokens ``x_0 … x_d`` from an alphabet of
``num_tokens`` symbols. After reading the last one, the model must name ``x_0``,
the token ``d`` steps earlier; the tokens in between are random distractors. Only
the dependency over ``d`` steps helps, so the accuracy against ``d`` measures how
far back a model can learn to remember (chance is ``1 / num_tokens``).

One source of truth for the chapter, ``tools/recall_task.py`` (the precomputed
sweep) and ``tests/test_recall_task.py``.
"""

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import choice, integer
from .training import clip_gradients
from .utils import set_seed

CELLS = ("rnn", "lstm")
EVAL_SEED = 12345  # the held-out sequences are the same for every run with this d


def recall_batch(batch_size, d, num_tokens=8, generator=None):
    """``batch_size`` random sequences of ``d + 1`` tokens and their targets.

    Returns ``X`` of shape (batch_size, d + 1), integers in 0 … num_tokens - 1,
    and ``y`` of shape (batch_size,): the token d steps before the last one,
    ``X[:, -1 - d]`` (that is, ``X[:, 0]``). Taught in 9.7 (Section 9.7.3.3)."""
    d = integer("d", d, low=1)
    X = torch.randint(0, num_tokens, (batch_size, d + 1), generator=generator)
    return X, X[:, -1 - d]


class RecallNet(nn.Module):
    """One recurrent layer (``nn.RNN`` with tanh, or ``nn.LSTM``) on one-hot tokens,
    and a linear layer that reads the last hidden state.

    The LSTM's forget-gate bias starts at ``forget_bias``: its forget gate then starts
    near sigmoid(forget_bias) (0.95 for 3), so the memory cell keeps most of its
    content from step to step (a preview of Chapter 10). Taught in 9.7."""

    def __init__(self, cell="rnn", num_hiddens=32, num_tokens=8, forget_bias=3.0):
        super().__init__()
        choice("cell", cell, CELLS)
        self.num_tokens = num_tokens
        layer = nn.RNN if cell == "rnn" else nn.LSTM
        self.rnn = layer(num_tokens, num_hiddens, batch_first=True)
        self.out = nn.Linear(num_hiddens, num_tokens)
        if cell == "lstm":  # PyTorch's gate order: input, forget, cell, output
            h = num_hiddens
            with torch.no_grad():
                self.rnn.bias_ih_l0[h : 2 * h].fill_(forget_bias)
                self.rnn.bias_hh_l0[h : 2 * h].zero_()

    def forward(self, X):
        """Logits of shape (batch, num_tokens) for tokens ``X`` of shape (batch, T)."""
        inputs = F.one_hot(X, self.num_tokens).float()  # (batch, T, num_tokens)
        outputs, _ = self.rnn(inputs)  # (batch, T, num_hiddens)
        return self.out(outputs[:, -1])  # (batch, num_tokens)


def accuracy(model, X, y):
    """The fraction of sequences whose token d steps back the model names
    (``X`` of shape (n, d + 1), ``y`` of shape (n,)). Used in 9.7."""
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def train_recall(
    cell="rnn",
    d=5,
    num_hiddens=32,
    num_tokens=8,
    steps=600,
    batch_size=64,
    lr=1.0,
    clip=1.0,
    seed=0,
    eval_every=50,
    num_eval=512,
    forget_bias=3.0,
):
    """Train a fresh :class:`RecallNet` by minibatch SGD with gradient clipping (the
    training of Section 9.5) on new random sequences at every step.

    Returns ``{"steps": [0, eval_every, …, steps], "accuracy": [...], "model": …}``:
    the accuracy on ``num_eval`` held-out sequences (the same for every run with this
    ``d``) before training and every ``eval_every`` updates. Taught in 9.7 (the
    chapter trains one case; ``tools/recall_task.py`` sweeps d and the seeds)."""
    set_seed(seed)
    model = RecallNet(cell, num_hiddens, num_tokens, forget_bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    train_gen = torch.Generator().manual_seed(seed)
    X_val, y_val = recall_batch(
        num_eval, d, num_tokens, torch.Generator().manual_seed(EVAL_SEED)
    )
    marks, accs = [0], [accuracy(model, X_val, y_val)]
    for step in range(1, steps + 1):
        X, y = recall_batch(batch_size, d, num_tokens, train_gen)
        loss = F.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        clip_gradients(model, clip)
        optimizer.step()
        if step % eval_every == 0 or step == steps:
            marks.append(step)
            accs.append(accuracy(model, X_val, y_val))
    return {"steps": marks, "accuracy": accs, "model": model}
