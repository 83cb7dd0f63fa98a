"""The graded exercises: id, chapter, function name, points, an independent reference
(the *oracle* that computes expected results) and the public cases.

The oracles are written differently from the reference solutions in ``exercises/*.md``
(vectorized, or by autograd), so grading a solution also checks the solution. Hidden
cases live in ``hidden.py``. The repository is public: anyone can read both.
"""

import collections
import dataclasses
import math
import unicodedata
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
    #: "conceptual" (what a learner gets wrong without the section's idea),
    #: "predict" (a value to predict or a diagnosis, explained after a wrong try)
    #: or "implementation" (a fully specified function)
    kind: str = "implementation"

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
            "kind": self.kind,
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


def k_step_error(eps_bar, c, k):
    return eps_bar * sum(c**j for j in range(k))


def forecast_limit(w, b):
    """(largest root modulus, fixed point or None); ``w[0]`` weighs the oldest value."""
    w64 = torch.as_tensor(w, dtype=torch.float64).flip(0)  # w64[0] weighs x_(t-1)
    tau = len(w64)
    companion = torch.zeros(tau, tau, dtype=torch.float64)
    companion[0] = w64
    companion[1:, :-1] = torch.eye(tau - 1, dtype=torch.float64)
    rho = float(torch.linalg.eigvals(companion).abs().max())
    return rho, (float(b / (1 - w64.sum())) if rho < 1 else None)


def ar_least_squares(x, tau):
    feats, labels = lag_features(x.double(), tau)
    A = torch.cat([feats, torch.ones(len(feats), 1, dtype=torch.float64)], 1)
    sol = torch.linalg.lstsq(A, labels.unsqueeze(1)).solution.squeeze(1)
    return sol[:tau].to(x.dtype), float(sol[tau])


# ---------------------------------------------------------------- 9.2 text
def build_vocab(tokens, min_freq=0, reserved_tokens=()):
    counts = collections.Counter(tokens)
    out = ["<unk>"]
    for t in reserved_tokens:
        out += [] if t in out else [t]
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return out + [t for t, c in ranked if c >= min_freq and t not in out]


def unk_fraction(tokens, min_freq):
    counts = collections.Counter(tokens)
    rare = {t for t, c in counts.items() if c < min_freq}
    return len(rare) / len(counts), sum(counts[t] for t in rare) / len(tokens)


def zipf_top_share(alpha, num_types, k):
    weights = torch.arange(1, num_types + 1, dtype=torch.float64) ** -alpha
    return float(weights[:k].sum() / weights.sum())


def zipf_exponent(counts):
    y = torch.log(torch.as_tensor(counts, dtype=torch.float64))
    x = torch.log(torch.arange(1, len(y) + 1, dtype=torch.float64))
    xc = x - x.mean()
    return float(-(xc * (y - y.mean())).sum() / (xc * xc).sum())


def to_jamo(text):
    """NFD, one syllable block at a time (NFD of the whole text would split é too)."""
    return "".join(
        unicodedata.normalize("NFD", ch) if "\uac00" <= ch <= "\ud7a3" else ch
        for ch in text
    )


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


def predict_perplexity(p_1, p_2, f):
    return math.exp(-(f * math.log(p_1) + (1 - f) * math.log(p_2)))


def shared_positions(num_train, num_steps, val_start, num_val):
    train_last = num_train - 1 + num_steps  # window i covers positions i .. i + s
    val_first, val_last = val_start, val_start + num_val - 1 + num_steps
    return max(0, min(train_last, val_last) - max(0, val_first) + 1)


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


def rnn_lm_sizes(vocab_size, num_hiddens, batch_size, num_steps):
    v, h = vocab_size, num_hiddens
    return {
        "params": (v + h + 1) * h + (h + 1) * v,
        "H_t": (batch_size, h),
        "O_t": (batch_size, v),
    }


def first_dependence(W_xh, W_hh, W_hq):
    reach = (W_xh != 0).double()
    step, out = (W_hh != 0).double(), (W_hq != 0).double()
    for k in range(W_hh.shape[0]):
        if (reach @ out).any():
            return k
        reach = ((reach @ step) > 0).double()
    return None


def window_states(w, u, xs, num_steps, stateful):
    m = len(xs) // num_steps
    x = torch.as_tensor(xs, dtype=torch.float64)[: m * num_steps].reshape(m, -1)
    finals, h = [], 0.0
    for row in x:
        h = h if stateful else 0.0
        for x_t in row.tolist():
            h = math.tanh(w * h + u * x_t)
        finals.append(h)
    return finals


def rnn_forward(inputs, H, W_xh, W_hh, b_h):
    outs = []
    for X in inputs:
        H = rnn_step(X, H, W_xh, W_hh, b_h)
        outs.append(H)
    return torch.stack(outs), H


# ---------------------------------------------------------------- 9.5 RNN from scratch
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


def greedy_token_after(next_token, start, n):
    seen, path = {}, []
    token = start
    while token not in seen:
        seen[token] = len(path)
        path.append(token)
        token = next_token[token]
    mu = seen[token]  # the path enters a cycle of length len(path) - mu at step mu
    if n < len(path):
        return path[n]
    return path[mu + (n - mu) % (len(path) - mu)]


def sample_with_temperature(logits, temperature, u):
    cdf = torch.cumsum(torch.softmax(logits.double() / temperature, 0), 0)
    return min(
        int(
            torch.searchsorted(cdf, torch.tensor([u], dtype=torch.float64), right=True)
        ),
        len(logits) - 1,
    )


def sequential_windows(tokens, batch_size, num_steps, offset):
    """The streams of ``d2lmini.SequentialLoader`` (9.5.6), cut into all their
    windows: the loader yields only the first ``len(loader)`` of them (the count of
    its largest offset, the same in every epoch), D2L 0.x's partitioning all."""
    from d2lmini.loader import SequentialLoader

    loader = SequentialLoader(tokens, batch_size, num_steps, offset=offset)
    Xs, Ys = loader.streams(offset)
    s = num_steps
    return [
        (Xs[:, i : i + s].clone(), Ys[:, i : i + s].clone())
        for i in range(0, Xs.shape[1] // s * s, s)
    ]


def context_and_reach(i, j, num_steps, stateful):
    """Counted on a toy stream: the inputs a state has read, the inputs a loss's
    gradient reaches (the state handed on is detached at each boundary)."""
    context = 0
    for step in range(i * num_steps + j + 1):  # every input read since the epoch began
        if not stateful and step % num_steps == 0:
            context = 0  # reset at each window's first step
        context += 1
    return context, min(context, j + 1)


def interpolated_bits(train, val, n, eps, vocab_size):
    """From ``d2lmini.NGramLM`` counts, as ``tools/rnn_vs_ngram.py`` scores 9.5.7's
    interpolated model: ``P_0 = 1/V`` and
    ``P_m = (n(c, x) + eps P_(m-1)) / (n(c) + eps)``."""
    from d2lmini.ngram import NGramLM

    tables = [NGramLM(train, m, vocab_size) for m in range(1, n + 1)]
    val = [int(t) for t in val]
    bits = []
    for t in range(n - 1, len(val)):
        p = 1.0 / vocab_size
        for lm in tables:
            gram = tuple(val[t - lm.n + 1 : t + 1])
            num = lm.counts.get(gram, 0) + eps * p
            p = num / (lm.context_counts.get(gram[:-1], 0) + eps)
        bits.append(-math.log2(p))
    return math.fsum(bits) / len(bits)


# ---------------------------------------------------------------- 9.6 concise RNN
def rnnlm_forward(rnn, linear, X, state=None):
    outputs, state = rnn(F.one_hot(X.T.long(), linear.out_features).float(), state)
    return linear(outputs).transpose(0, 1), state


def scratch_from_nn_rnn(rnn):
    params = dict(rnn.named_parameters())
    h = rnn.hidden_size
    bias = params.get("bias_ih_l0", torch.zeros(h)) + params.get(
        "bias_hh_l0", torch.zeros(h)
    )
    return (
        params["weight_ih_l0"].detach().T.clone(),
        params["weight_hh_l0"].detach().T.clone(),
        bias.detach().clone(),
    )


def two_bias_step(grad, lr):
    g = grad.double()
    return (-2 * lr * g).to(grad.dtype), float(2 * (g * g).sum())


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


def randomized_estimate(w, h0, xs, xi):
    hs = [h0]
    for x in xs:
        hs.append(w * hs[-1] + x)
    z = 0.0
    for t in range(1, len(xs) + 1):
        z = hs[t - 1] + xi[t - 1] * w * z
    return z


def jacobian_norms(W, steps):
    W64 = W.double()
    norms = torch.stack(
        [
            torch.linalg.matrix_norm(torch.linalg.matrix_power(W64, t), ord=2)
            for t in range(1, steps + 1)
        ]
    )
    below = (norms < 1).nonzero()
    return norms.to(W.dtype), (int(below[0]) + 1 if len(below) else None)


def memory_curve(W_hh, hs, threshold):
    """Each product written out by ``multi_dot`` (the solution builds them step by
    step)."""
    W64, H = W_hh.double(), hs.double()
    T = len(H)
    step = [(1 - H[j] ** 2)[:, None] * W64 for j in range(T)]  # dh_(j+1)/dh_j
    eye = torch.eye(len(W64), dtype=torch.float64)
    norms = torch.stack(
        [
            torch.linalg.matrix_norm(
                torch.linalg.multi_dot(
                    [eye, *[step[T - 1 - i] for i in range(k)], eye]
                ),
                ord=2,
            )
            for k in range(T + 1)
        ]
    )
    below = (norms < threshold).nonzero()
    return norms, (int(below[0]) if len(below) else None)


def gradient_fate(W):
    rho = float(torch.linalg.eigvals(W.double()).abs().max())
    return "vanishes" if rho < 1 else "explodes"


def one_unit_grad(w, b, x0=0.5, T=50, target=0.7):
    """By autograd in float64 (the solution carries the derivatives forward)."""
    f64 = torch.float64
    w_ = torch.tensor(float(w), dtype=f64, requires_grad=True)
    b_ = torch.tensor(float(b), dtype=f64, requires_grad=True)
    x = torch.tensor(float(x0), dtype=f64) + 0 * (w_ + b_)  # T = 0: zero gradients
    for _ in range(T):
        x = w_ * torch.sigmoid(x) + b_
    loss = (x - target) ** 2
    dw, db = torch.autograd.grad(loss, (w_, b_))
    return loss.item(), dw.item(), db.item()


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


def _nn_rnn_case(d, h, seed, bias=True):
    def make():
        torch.manual_seed(seed)
        return (torch.nn.RNN(d, h, bias=bias),), {}

    return make


def _tanh_run(h, T, seed, scale=1.0, input_scale=1.0, with_inputs=False):
    """``(W_hh, hs)``: a random W_hh (column convention) and the states h_1 … h_T of
    h_t = tanh(a_t + W_hh h_(t-1)) from h_0 = 0 with random input terms a_t (float32;
    ``with_inputs``: ``(W_hh, a, hs)`` in float64)."""
    g = _g(seed)
    W = torch.randn(h, h, generator=g, dtype=torch.float64) * scale / math.sqrt(h)
    a = torch.randn(T, h, generator=g, dtype=torch.float64) * input_scale
    hs, state = [], torch.zeros(h, dtype=torch.float64)
    for a_t in a:
        state = torch.tanh(a_t + W @ state)
        hs.append(state)
    if with_inputs:
        return W, a, torch.stack(hs)
    return W.float(), torch.stack(hs).float()


def _memory_case(h, T, seed, threshold, scale=1.0, input_scale=1.0):
    def make():
        return (*_tanh_run(h, T, seed, scale, input_scale), threshold), {}

    return make


_CHAIN3 = (
    torch.tensor([[0.5, 0.0, 0.0]]),
    torch.tensor([[0.0, 0.9, 0.0], [0.0, 0.0, -0.7], [0.0, 0.0, 0.3]]),
    torch.tensor([[0.0], [0.0], [1.0]]),
)
_NONNORMAL = torch.tensor([[0.8, 2.0], [0.0, 0.7]])
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
        kind="conceptual",
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
        "9.1-k-step-error",
        "k_step_error",
        2,
        k_step_error,
        [
            Case("c=0.5, k=4", _a(0.1, 0.5, 4)),
            Case("c=2, k=3", _a(0.01, 2.0, 3)),
        ],
        kind="conceptual",
    ),
    Exercise(
        "9.1-forecast-limit",
        "forecast_limit",
        2,
        forecast_limit,
        [
            Case("tau=2, settles", _a([0.2, 0.5], 1.5)),
            Case("tau=1, flips sign", _a([-0.5], 3.0)),
        ],
        kind="predict",
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
        kind="conceptual",
    ),
    Exercise(
        "9.2-unk-fraction",
        "unk_fraction",
        2,
        unk_fraction,
        [
            Case("min_freq=2", _a("the cat saw the dog and the cat ran".split(), 2)),
            Case("characters, min_freq=3", _a(list("the time machine"), 3)),
        ],
        kind="conceptual",
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
        "9.2-zipf-share",
        "zipf_top_share",
        2,
        zipf_top_share,
        [
            Case("alpha=1, 10 of 1000", _a(1.0, 1000, 10)),
        ],
        kind="predict",
    ),
    Exercise(
        "9.2-jamo",
        "to_jamo",
        3,
        to_jamo,
        [
            Case("한국", _a("한국")),
            Case("가: no final", _a("가")),
            Case("among Latin letters and digits", _a("abc 가 123")),
        ],
        rule="jamo",
        kind="conceptual",
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
        kind="conceptual",
    ),
    Exercise(
        "9.3-shared-positions",
        "shared_positions",
        2,
        shared_positions,
        [
            Case("validation right after training", _a(1000, 32, 1000, 500)),
            Case("a gap of 10 windows", _a(200, 16, 210, 50)),
        ],
        kind="conceptual",
    ),
    Exercise(
        "9.3-predict-perplexity",
        "predict_perplexity",
        2,
        predict_perplexity,
        [
            Case("half sure, half unsure", _a(0.5, 0.125, 0.5)),
            Case("uniform over 28 tokens", _a(1 / 28, 1 / 28, 1.0)),
        ],
        kind="predict",
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
        "9.4-window-states",
        "window_states",
        2,
        window_states,
        [
            Case("reset", _a(0.8, 1.0, [1.0, 0.0, 0.5, -1.0, 0.0, 2.0], 2, False)),
            Case("stateful", _a(0.8, 1.0, [1.0, 0.0, 0.5, -1.0, 0.0, 2.0], 2, True)),
        ],
        kind="conceptual",
    ),
    Exercise(
        "9.4-first-dependence",
        "first_dependence",
        2,
        first_dependence,
        [Case("a chain of 3 units", _a(*_CHAIN3))],
        kind="conceptual",
    ),
    Exercise(
        "9.4-lm-sizes",
        "rnn_lm_sizes",
        2,
        rnn_lm_sizes,
        [Case("V=28, h=32, B=1024, T=32", _a(28, 32, 1024, 32))],
        kind="predict",
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
        kind="conceptual",
    ),
    Exercise(
        "9.5-greedy-decode",
        "greedy_decode",
        2,
        greedy_decode,
        [
            Case("V=5, prefix [1, 2]", _greedy_case(5, 7, [1, 2], 4)),
        ],
        kind="conceptual",
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
        "9.5-greedy-loop",
        "greedy_token_after",
        2,
        greedy_token_after,
        [
            Case("n=10**12 + 1", _a([3, 4, 1, 4, 2], 0, 10**12 + 1)),
            Case("n=3", _a([3, 4, 1, 4, 2], 0, 3)),
        ],
        kind="predict",
    ),
    Exercise(
        "9.5-sequential-windows",
        "sequential_windows",
        3,
        sequential_windows,
        [
            Case("20 tokens, B=2, s=3, offset 1", _a(list(range(20)), 2, 3, 1)),
            Case("tensor, B=3, s=4, offset 2", _a(torch.arange(100, 150), 3, 4, 2)),
        ],
        rule="loader",
        kind="conceptual",
    ),
    Exercise(
        "9.5-context-and-reach",
        "context_and_reach",
        2,
        context_and_reach,
        [
            Case("window 2, position 5, stateful", _a(2, 5, 32, True)),
            Case("window 2, position 5, reset", _a(2, 5, 32, False)),
        ],
        kind="predict",
    ),
    Exercise(
        "9.5-interpolated-bits",
        "interpolated_bits",
        3,
        interpolated_bits,
        [
            Case(
                "bigrams, eps=1", _a([0, 1, 0, 1, 1, 0, 0, 1], [0, 1, 1, 0], 2, 1.0, 2)
            ),
            Case(
                "trigrams, an unseen context",
                _a([0, 1, 2, 0, 1, 2, 0, 2, 1], [2, 2, 0, 1, 2], 3, 0.5, 3),
            ),
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
        kind="conceptual",
    ),
    Exercise(
        "9.6-scratch-from-nn-rnn",
        "scratch_from_nn_rnn",
        3,
        scratch_from_nn_rnn,
        [Case("d=4, h=3", _nn_rnn_case(4, 3, 21))],
        kind="conceptual",
    ),
    Exercise(
        "9.6-two-biases",
        "two_bias_step",
        2,
        two_bias_step,
        [Case("h=3, lr=0.5", _a(torch.tensor([0.3, -0.4, 1.2]), 0.5))],
        kind="predict",
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
        kind="conceptual",
    ),
    Exercise(
        "9.7-randomized-estimate",
        "randomized_estimate",
        2,
        randomized_estimate,
        [
            Case("pi=0.5, one cut", _a(0.5, 1.0, [1.0, 2.0, 0.5, -1.0], [2, 0, 2, 2])),
            Case("pi=0.8", _a(0.9, -1.0, [0.5, 1.0, 1.0], [1.25, 1.25, 1.25])),
        ],
        rule="autograd",
        kind="conceptual",
    ),
    Exercise(
        "9.7-jacobian-norms",
        "jacobian_norms",
        2,
        jacobian_norms,
        [
            Case("non-normal 2×2, 30 steps", _a(_NONNORMAL, 30)),
        ],
        kind="conceptual",
        exact_dtype=True,
    ),
    Exercise(
        "9.7-gradient-fate",
        "gradient_fate",
        2,
        gradient_fate,
        [
            Case("large entry, small eigenvalues", _a(_NONNORMAL)),
            Case("symmetric", _a(torch.tensor([[0.6, 0.5], [0.5, 0.6]]))),
        ],
        kind="predict",
    ),
    Exercise(
        "9.7-one-unit-grad",
        "one_unit_grad",
        3,
        one_unit_grad,
        [
            Case("w=1, b=0, x0=0, T=1, target 0", _a(1.0, 0.0, 0.0, 1, 0.0)),
            Case("w=1, b=0, x0=0, T=2, target 0", _a(1.0, 0.0, 0.0, 2, 0.0)),
        ],
        rtol=1e-6,
        atol=1e-9,
        rule="autograd",
        kind="conceptual",
    ),
    Exercise(
        "9.7-memory-curve",
        "memory_curve",
        3,
        memory_curve,
        [
            Case("h=4, T=10, threshold 0.01", _memory_case(4, 10, 41, 0.01, 1.5)),
        ],
        atol=1e-12,
        rule="autograd",
        kind="conceptual",
    ),
]

BY_ID = {ex.id: ex for ex in EXERCISES}


def for_chapter(chapter):
    return [ex for ex in EXERCISES if ex.chapter == chapter]
