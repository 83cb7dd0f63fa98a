"""The graded exercises: id, chapter, function name, points, an independent reference
(the *oracle* that computes expected results) and the public cases.

The oracles are written differently from the reference solutions in ``exercises/*.md``
(vectorized, or by autograd), so grading a solution also checks the solution. Hidden
cases live in ``hidden.py``. The repository is public: anyone can read both.
"""

import collections
import dataclasses
import math
import re
from typing import Callable, Optional

import torch
import torch.nn.functional as F

from .wire import ToyStep

NOTEBOOKS = {
    "9.1": "9_1_sequences",
    "9.2": "9_2_text_sequences",
    "9.3": "9_3_language_models",
    "9.4": "9_4_rnn",
    "9.5": "9_5_rnn_scratch",
    "9.6": "9_6_rnn_concise",
    "9.7": "9_7_bptt",
}


@dataclasses.dataclass
class Case:
    """``make()`` returns fresh ``(args, kwargs)``; the result
    must match ``oracle(*args)`` (or pass ``check(got,
    args)``, which raises ``compare.Mismatch``)."""

    name: str
    make: Callable
    check: Optional[Callable] = None


@dataclasses.dataclass
class Exercise:
    id: str
    function: str
    points: int
    oracle: Callable
    cases: list
    rtol: float = 1e-4
    atol: float = 1e-6
    rule: Optional[str] = None  # a forbidden shortcut (see rules.py)
    exact_dtype: bool = False  # the prompt asks for a dtype: it must match

    @property
    def chapter(self):
        return self.id.split("-", 1)[0]

    @property
    def notebook(self):
        return f"exercises/{NOTEBOOKS[self.chapter]}.ipynb"

    def info(self):
        return {
            "id": self.id,
            "chapter": self.chapter,
            "function": self.function,
            "points": self.points,
            "notebook": self.notebook,
        }


def _a(*args, **kwargs):
    """A case maker: ``_a(1, 2)`` → a function
    returning fresh copies of the arguments."""

    def make():
        return tuple(_fresh(a) for a in args), {k: _fresh(v) for k, v in kwargs.items()}

    return make


def _fresh(value):
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_fresh(v) for v in value)
    return value


def _g(seed):
    return torch.Generator().manual_seed(seed)


# ---------------------------------------------------------------- 9.1 sequences
def lag_features(x, tau):
    feats = torch.stack([x[i : len(x) - tau + i] for i in range(tau)], 1)
    return feats, x[tau:]


def k_step_ahead(w, b, history, k):
    window = list(history.tolist())
    tau = len(w)
    for _ in range(k):
        window.append(float(torch.tensor(window[-tau:], dtype=w.dtype) @ w + b))
    return torch.tensor(window[len(history) :], dtype=w.dtype)


def ar_least_squares(x, tau):
    feats, labels = lag_features(x.double(), tau)
    A = torch.cat([feats, torch.ones(len(feats), 1, dtype=torch.float64)], 1)
    sol = torch.linalg.lstsq(A, labels.unsqueeze(1)).solution.squeeze(1)
    return sol[:tau].to(x.dtype), float(sol[tau])


# ---------------------------------------------------------------- 9.2 text
def tokenize_words(text):
    return re.sub("[^A-Za-z]+", " ", text).lower().split()


def build_vocab(tokens, min_freq=0, reserved_tokens=()):
    counts = collections.Counter(tokens)
    out = ["<unk>"]
    for t in reserved_tokens:
        out += [] if t in out else [t]
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return out + [t for t, c in ranked if c >= min_freq and t not in out]


def zipf_exponent(counts):
    y = torch.log(torch.as_tensor(counts, dtype=torch.float64))
    x = torch.log(torch.arange(1, len(y) + 1, dtype=torch.float64))
    xc = x - x.mean()
    return float(-(xc * (y - y.mean())).sum() / (xc * xc).sum())


# ---------------------------------------------------------------- 9.3 language models
def bigram_probs(tokens, vocab_size, k):
    t = torch.as_tensor(tokens)
    counts = torch.zeros(vocab_size, vocab_size, dtype=torch.float64)
    counts.index_put_(
        (t[:-1], t[1:]), torch.ones(len(t) - 1, dtype=torch.float64), accumulate=True
    )
    return ((counts + k) / (counts.sum(1, keepdim=True) + k * vocab_size)).float()


def perplexity(log_probs):
    return math.exp(-float(torch.as_tensor(log_probs, dtype=torch.float64).mean()))


def partition(corpus, num_steps, offset):
    n = (len(corpus) - offset - 1) // num_steps
    c = torch.as_tensor(corpus)
    X = c[offset : offset + n * num_steps].reshape(n, num_steps)
    Y = c[offset + 1 : offset + 1 + n * num_steps].reshape(n, num_steps)
    return X, Y


# ---------------------------------------------------------------- 9.4 RNN
def rnn_step(X, H, W_xh, W_hh, b_h):
    return torch.tanh(
        torch.addmm(b_h, torch.cat([X, H], 1), torch.cat([W_xh, W_hh], 0))
    )


def rnn_lm_param_count(vocab_size, num_hiddens):
    v, h = vocab_size, num_hiddens
    return (v + h + 1) * h + (h + 1) * v


def rnn_forward(inputs, H, W_xh, W_hh, b_h):
    outs = []
    for X in inputs:
        H = rnn_step(X, H, W_xh, W_hh, b_h)
        outs.append(H)
    return torch.stack(outs), H


# ---------------------------------------------------------------- 9.5 RNN from scratch
def one_hot(X, vocab_size):
    return F.one_hot(X.T.long(), vocab_size).float()


def clip_by_global_norm(grads, max_norm):
    norm = float(torch.linalg.vector_norm(torch.cat([g.reshape(-1) for g in grads])))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * scale for g in grads], norm


def greedy_decode(step, prefix, num_preds):
    logits, state = None, None
    for tok in prefix:
        logits, state = step(tok, state)
    out = []
    for _ in range(num_preds):
        out.append(int(torch.argmax(logits)))
        logits, state = step(out[-1], state)
    return out


def sample_with_temperature(logits, temperature, u):
    cdf = torch.cumsum(torch.softmax(logits.double() / temperature, 0), 0)
    return min(
        int(
            torch.searchsorted(cdf, torch.tensor([u], dtype=torch.float64), right=True)
        ),
        len(logits) - 1,
    )


# ---------------------------------------------------------------- 9.6 concise RNN
def rnnlm_forward(rnn, linear, X, state=None):
    outputs, state = rnn(F.one_hot(X.T.long(), linear.out_features).float(), state)
    return linear(outputs).transpose(0, 1), state


def perplexity_from_logits(logits, Y):
    return math.exp(
        float(
            F.cross_entropy(
                logits.reshape(-1, logits.shape[-1]).double(), Y.reshape(-1).long()
            )
        )
    )


def nn_rnn_param_shapes(num_inputs, num_hiddens):
    rnn = torch.nn.RNN(num_inputs, num_hiddens)
    return {name: tuple(p.shape) for name, p in rnn.named_parameters()}


# ---------------------------------------------------------------- 9.7 BPTT
def bptt_grads(inputs, H0, W_xh, W_hh, b_h, G):
    params = [p.detach().clone().requires_grad_() for p in (W_xh, W_hh, b_h)]
    outs, _ = rnn_forward(inputs, H0, *params)
    grads = torch.autograd.grad((outs * G).sum(), params)
    return tuple(grads)


def truncated_grad(w, h0, xs, k):
    hs = [h0]
    for x in xs:
        hs.append(w * hs[-1] + x)
    T = len(xs)
    return sum(w ** (T - i) * hs[i - 1] for i in range(max(1, T - k + 1), T + 1))


def jacobian_norms(W, steps):
    return torch.stack(
        [
            torch.linalg.matrix_norm(torch.linalg.matrix_power(W, t))
            for t in range(1, steps + 1)
        ]
    )


# ---------------------------------------------------------------- public cases
def _rnn_params(d, h, seed, scale=0.5):
    g = _g(seed)
    return (
        torch.randn(d, h, generator=g) * scale,
        torch.randn(h, h, generator=g) * scale,
        torch.randn(h, generator=g) * scale,
    )


def _toy_step(vocab_size, seed):
    """A deterministic ``step(token, state) -> (logits, state)`` whose logits depend on
    the token and on the state (a running sum), so decoding must thread the state."""
    return ToyStep(torch.randn(vocab_size, vocab_size, generator=_g(seed)))


def _greedy_case(vocab_size, seed, prefix, n):
    def make():
        return (_toy_step(vocab_size, seed), list(prefix), n), {}

    return make


def _rnn_modules(vocab, hidden, seed):
    torch.manual_seed(seed)
    return torch.nn.RNN(vocab, hidden), torch.nn.Linear(hidden, vocab)


def _rnnlm_case(vocab, hidden, B, T, seed, with_state=False):
    def make():
        rnn, linear = _rnn_modules(vocab, hidden, seed)
        X = torch.randint(0, vocab, (B, T), generator=_g(seed + 1))
        args = (rnn, linear, X)
        if with_state:
            args += (torch.randn(1, B, hidden, generator=_g(seed + 2)),)
        return args, {}

    return make


_SINE = torch.sin(torch.arange(12, dtype=torch.float32) * 0.5)
_TEXT = (
    "The Time Machine, by H. G. Wells [1898]\n\nI\n\nThe "
    "Time Traveller (for so it will be"
)

EXERCISES = [
    Exercise(
        "9.1-lag-features",
        "lag_features",
        2,
        lag_features,
        [
            Case("tau=2", _a(torch.arange(1.0, 7.0), 2)),
            Case("tau=4", _a(_SINE, 4)),
        ],
    ),
    Exercise(
        "9.1-k-step-ahead",
        "k_step_ahead",
        2,
        k_step_ahead,
        [
            Case(
                "tau=2, k=3",
                _a(torch.tensor([0.5, 0.25]), 0.1, torch.tensor([1.0, 2.0, 3.0]), 3),
            ),
            Case("tau=3, k=1", _a(torch.tensor([0.2, -0.3, 0.6]), 0.0, _SINE[:5], 1)),
        ],
    ),
    Exercise(
        "9.1-ar-least-squares",
        "ar_least_squares",
        3,
        ar_least_squares,
        [
            Case("sine, tau=2", _a(_SINE, 2)),
            Case(
                "exact AR(1)",
                _a(torch.tensor([1.0, 1.5, 1.75, 1.875, 1.9375, 1.96875]), 1),
            ),
        ],
        rtol=1e-3,
        atol=1e-4,
    ),
    Exercise(
        "9.2-tokenize-words",
        "tokenize_words",
        1,
        tokenize_words,
        [
            Case("novel opening", _a(_TEXT)),
            Case("punctuation", _a("Hello, world!! It's 9:30.")),
        ],
    ),
    Exercise(
        "9.2-build-vocab",
        "build_vocab",
        2,
        build_vocab,
        [
            Case("min_freq=0", _a(list("the time machine"))),
            Case("min_freq=2, reserved", _a("a b a c b a d".split(), 2, ["<pad>"])),
        ],
    ),
    Exercise(
        "9.2-zipf-exponent",
        "zipf_exponent",
        2,
        zipf_exponent,
        [
            Case("exact power law", _a([1000.0 / r**1.5 for r in range(1, 9)])),
            Case("counts", _a([90, 40, 31, 20, 12, 11, 5, 3])),
        ],
    ),
    Exercise(
        "9.3-bigram-probs",
        "bigram_probs",
        2,
        bigram_probs,
        [
            Case("k=1", _a([0, 1, 2, 1, 2, 0], 3, 1.0)),
            Case("k=0.5", _a([3, 0, 3, 3, 1, 0, 2], 4, 0.5)),
        ],
    ),
    Exercise(
        "9.3-perplexity",
        "perplexity",
        2,
        perplexity,
        [
            Case("uniform over 4", _a([math.log(0.25)] * 5)),
            Case("mixed", _a(torch.log(torch.tensor([0.5, 0.1, 0.9, 0.3])))),
        ],
    ),
    Exercise(
        "9.3-partition",
        "partition",
        2,
        partition,
        [
            Case("offset 0", _a(list(range(10, 21)), 3, 0)),
            Case("offset 2", _a(list(range(1, 15)), 4, 2)),
        ],
    ),
    Exercise(
        "9.4-rnn-step",
        "rnn_step",
        2,
        rnn_step,
        [
            Case(
                "B=2, d=3, h=4",
                lambda: (
                    (
                        torch.randn(2, 3, generator=_g(1)),
                        torch.randn(2, 4, generator=_g(2)),
                        *_rnn_params(3, 4, 3),
                    ),
                    {},
                ),
            ),
        ],
    ),
    Exercise(
        "9.4-param-count",
        "rnn_lm_param_count",
        1,
        rnn_lm_param_count,
        [
            Case("V=28, h=32", _a(28, 32)),
            Case("V=5, h=3", _a(5, 3)),
        ],
    ),
    Exercise(
        "9.4-rnn-forward",
        "rnn_forward",
        2,
        rnn_forward,
        [
            Case(
                "T=3, B=2, d=3, h=4",
                lambda: (
                    (
                        torch.randn(3, 2, 3, generator=_g(4)),
                        torch.zeros(2, 4),
                        *_rnn_params(3, 4, 5),
                    ),
                    {},
                ),
            ),
        ],
    ),
    Exercise(
        "9.5-one-hot",
        "one_hot",
        1,
        one_hot,
        [
            Case("B=2, T=3, V=4", _a(torch.tensor([[0, 2, 3], [1, 1, 0]]), 4)),
        ],
        exact_dtype=True,
    ),
    Exercise(
        "9.5-clip-global-norm",
        "clip_by_global_norm",
        2,
        clip_by_global_norm,
        [
            Case(
                "norm 13 → 1",
                _a([torch.tensor([3.0, 4.0]), torch.tensor([[12.0]])], 1.0),
            ),
            Case(
                "already small",
                _a([torch.tensor([0.1, -0.2]), torch.tensor([0.2])], 5.0),
            ),
        ],
    ),
    Exercise(
        "9.5-greedy-decode",
        "greedy_decode",
        2,
        greedy_decode,
        [
            Case("V=5, prefix [1, 2]", _greedy_case(5, 7, [1, 2], 4)),
        ],
    ),
    Exercise(
        "9.5-temperature-sample",
        "sample_with_temperature",
        2,
        sample_with_temperature,
        [
            Case("T=1, u=0.5", _a(torch.tensor([0.0, 0.5, 2.0, 1.0]), 1.0, 0.5)),
            Case("T=0.1, u=0.99", _a(torch.tensor([0.0, 0.5, 2.0, 1.0]), 0.1, 0.99)),
            Case("T=10, u=0.9", _a(torch.tensor([0.0, 0.5, 2.0, 1.0]), 10.0, 0.9)),
        ],
    ),
    Exercise(
        "9.6-rnnlm-forward",
        "rnnlm_forward",
        3,
        rnnlm_forward,
        [
            Case("V=6, h=5, B=2, T=3", _rnnlm_case(6, 5, 2, 3, 11)),
        ],
    ),
    Exercise(
        "9.6-perplexity-from-logits",
        "perplexity_from_logits",
        2,
        perplexity_from_logits,
        [
            Case(
                "B=2, T=3, V=4",
                lambda: (
                    (
                        torch.randn(2, 3, 4, generator=_g(12)),
                        torch.tensor([[0, 3, 1], [2, 2, 0]]),
                    ),
                    {},
                ),
            ),
        ],
    ),
    Exercise(
        "9.6-param-shapes",
        "nn_rnn_param_shapes",
        1,
        nn_rnn_param_shapes,
        [
            Case("d=28, h=32", _a(28, 32)),
        ],
        rule="nn_rnn",
    ),
    Exercise(
        "9.7-bptt",
        "bptt_grads",
        3,
        bptt_grads,
        [
            Case(
                "T=3, B=2, d=2, h=3",
                lambda: (
                    (
                        torch.randn(3, 2, 2, generator=_g(13)),
                        torch.zeros(2, 3),
                        *_rnn_params(2, 3, 14),
                        torch.randn(3, 2, 3, generator=_g(15)),
                    ),
                    {},
                ),
            ),
        ],
        rule="autograd",
    ),
    Exercise(
        "9.7-truncated-grad",
        "truncated_grad",
        2,
        truncated_grad,
        [
            Case("T=4, k=4 (full)", _a(0.5, 1.0, [1.0, 2.0, 0.5, -1.0], 4)),
            Case("T=4, k=2", _a(0.5, 1.0, [1.0, 2.0, 0.5, -1.0], 2)),
        ],
    ),
    Exercise(
        "9.7-jacobian-norms",
        "jacobian_norms",
        2,
        jacobian_norms,
        [
            Case("2×2, 3 steps", _a(torch.tensor([[0.5, 0.2], [0.0, 1.1]]), 3)),
        ],
    ),
]

BY_ID = {ex.id: ex for ex in EXERCISES}


def for_chapter(chapter):
    return [ex for ex in EXERCISES if ex.chapter == chapter]
