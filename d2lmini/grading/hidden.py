"""Hidden cases: they run only at grading time (``python -m d2lmini.grading grade``).

The repository is public, so anyone can read this file; the grader refuses submissions
that open it while they are graded. Each exercise's hidden cases are chosen so that the
negative controls — returning the input unchanged, a constant, zeros of the right shape,
or raising — pass none of them (tests/test_grading.py checks this for every exercise).
"""

import math

import torch

from .exercises import _TEXT as TEXT
from .exercises import (
    Case,
    _a,
    _g,
    _greedy_case,
    _memory_case,
    _nn_rnn_case,
    _rnn_params,
    _rnnlm_case,
)


def _chain(h):
    """Input enters unit 0, unit i feeds unit i + 1, the output reads unit h - 1."""
    W_xh = torch.zeros(1, h)
    W_xh[0, 0] = 0.5
    W_hh = torch.diag(torch.full((h - 1,), 0.8), 1)
    W_hq = torch.zeros(h, 2)
    W_hq[h - 1] = torch.tensor([1.0, -1.0])
    return W_xh, W_hh, W_hq


_CHAR_IDS = {c: i for i, c in enumerate(sorted(set(TEXT)))}

HIDDEN = {
    "9.1-lag-features": [
        Case("tau=1", _a(torch.tensor([2.0, -1.0, 4.0, 0.5]), 1)),
        Case("tau=5, random", _a(torch.randn(20, generator=_g(101)), 5)),
        Case("tau=T-1", _a(torch.tensor([1.0, 3.0, 5.0]), 2)),
    ],
    "9.1-k-step-ahead": [
        Case("tau=1, k=5", _a(torch.tensor([0.9]), 0.5, torch.tensor([2.0]), 5)),
        Case(
            "tau=4, k=6",
            _a(
                torch.tensor([0.1, -0.2, 0.3, 0.7]),
                -0.05,
                torch.randn(7, generator=_g(102)),
                6,
            ),
        ),
    ],
    "9.1-k-step-error": [
        Case("c=1: no damping", _a(0.05, 1.0, 6)),
        Case("c=-0.5: alternating", _a(0.2, -0.5, 5)),
        Case("c=0.9, k=30", _a(0.3, 0.9, 30)),
    ],
    "9.1-forecast-limit": [
        Case("weights sum to 0.5, yet diverge", _a([-2.0, 2.5], 1.0)),
        Case("tau=3, negative sum", _a([0.1, -0.3, -0.4], 2.0)),
        Case("tau=1, exploding", _a([1.2], 0.5)),
        Case("complex roots, settles", _a([-0.8, 1.0], -0.4)),
    ],
    "9.1-ar-least-squares": [
        Case(
            "noisy sine, tau=4",
            _a(
                torch.sin(torch.arange(40.0) * 0.3)
                + 0.1 * torch.randn(40, generator=_g(103)),
                4,
            ),
        ),
        Case("linear trend, tau=1", _a(torch.arange(1.0, 9.0), 1)),
        Case("tau=3", _a(torch.randn(30, generator=_g(104)).cumsum(0), 3)),
    ],
    "9.2-build-vocab": [
        Case("ties sorted by text", _a(list("abcabd"))),
        Case(
            "reserved twice, min_freq=3",
            _a("x y x z x y y w".split(), 3, ["<bos>", "<eos>"]),
        ),
        Case("reserved token also in text", _a(["<pad>", "b", "b", "c"], 1, ["<pad>"])),
    ],
    "9.2-unk-fraction": [
        Case("two of four dropped", _a(list("abcabd"), 2)),
        Case("min_freq=4", _a("x y x z x y y w x y v".split(), 4)),
        Case(
            "Zipf-like counts",
            _a([f"w{r}" for r in range(1, 41) for _ in range(120 // r)], 5),
        ),
    ],
    "9.2-zipf-share": [
        Case("alpha=1.5, 3 of 50", _a(1.5, 50, 3)),
        Case("alpha=0.5, 100 of 10000", _a(0.5, 10000, 100)),
        Case("alpha=1, half of 20", _a(1.0, 20, 10)),
    ],
    "9.2-zipf-exponent": [
        Case("exponent 0.8", _a([500.0 * r**-0.8 for r in range(1, 31)])),
        Case("two ranks", _a([10, 2])),
    ],
    "9.2-jamo": [
        Case("힣: the last block", _a("힣")),
        Case("갃: a double final", _a("갃")),
        Case("각: final 1 is U+11A8", _a("각")),
        Case("가각: no final for f = 0", _a("가각")),
        Case("compatibility jamo stay", _a("ㅋㅋ 각 ㄱ")),
        Case("conjoining jamo stay", _a("\u1100\u1161가")),
        Case("just outside the range", _a("\uabff가힣\ud7a4")),
        Case("é stays (not NFD)", _a("\u00e9가")),
        Case("digits, ①, space, newline", _a("제1조 ①대한민국은\n")),
        Case("an emoji", _a("\U0001f600한")),
    ],
    "9.3-bigram-probs": [
        Case("k=0", _a([1, 0, 1, 1, 0], 2, 0.0)),
        Case(
            "V=6, k=2",
            _a(torch.randint(0, 6, (40,), generator=_g(105)).tolist(), 6, 2.0),
        ),
    ],
    "9.3-perplexity": [
        Case("one token", _a([math.log(0.125)])),
        Case("tensor", _a(torch.log(torch.rand(50, generator=_g(106)) * 0.9 + 0.05))),
    ],
    "9.3-shared-positions": [
        Case("a gap shorter than num_steps", _a(500, 10, 505, 100)),
        Case("validation before training ends", _a(300, 8, 280, 40)),
        Case("short validation", _a(64, 5, 66, 3)),
    ],
    "9.3-predict-perplexity": [
        Case("a quarter sure", _a(0.9, 0.05, 0.25)),
        Case("uniform over 1000", _a(0.001, 0.001, 1.0)),
        Case("always 0.2", _a(0.2, 0.2, 0.6)),
    ],
    "9.3-partition": [
        Case("offset 1, tensor corpus", _a(torch.arange(100, 123), 5, 1)),
        Case("exactly fits", _a(list(range(7, 20)), 3, 3)),
    ],
    "9.4-rnn-step": [
        Case(
            "B=1, d=1, h=2",
            lambda: (
                (
                    torch.tensor([[2.0]]),
                    torch.tensor([[0.5, -1.0]]),
                    *_rnn_params(1, 2, 107, 1.0),
                ),
                {},
            ),
        ),
        Case(
            "B=4, d=5, h=3",
            lambda: (
                (
                    torch.randn(4, 5, generator=_g(108)),
                    torch.randn(4, 3, generator=_g(109)),
                    *_rnn_params(5, 3, 110),
                ),
                {},
            ),
        ),
    ],
    "9.4-rnn-forward": [
        Case(
            "T=5, nonzero state",
            lambda: (
                (
                    torch.randn(5, 3, 2, generator=_g(111)),
                    torch.randn(3, 4, generator=_g(112)),
                    *_rnn_params(2, 4, 113),
                ),
                {},
            ),
        ),
        Case(
            "T=1",
            lambda: (
                (
                    torch.randn(1, 1, 3, generator=_g(114)),
                    torch.zeros(1, 2),
                    *_rnn_params(3, 2, 115, 1.0),
                ),
                {},
            ),
        ),
    ],
    "9.4-window-states": [
        Case(
            "stateful, T=3",
            _a(0.5, -1.0, [0.2, 0.4, -0.6, 1.0, 1.0, 1.0, 0.3], 3, True),
        ),
        Case(
            "reset, T=3", _a(0.5, -1.0, [0.2, 0.4, -0.6, 1.0, 1.0, 1.0, 0.3], 3, False)
        ),
        Case("stateful, T=1", _a(1.5, 0.4, [1.0, -1.0, 2.0], 1, True)),
    ],
    "9.4-first-dependence": [
        Case("a chain of 5 units", _a(*_chain(5))),
        Case(
            "two paths",
            _a(
                torch.tensor([[1.0, 0.0, 0.0, 0.0]]),
                torch.tensor(
                    [
                        [0.0, 0.5, 0.5, 0.0],
                        [0.0, 0.0, 0.0, 0.0],
                        [0.0, 0.0, 0.0, 0.7],
                        [0.0, 0.0, 0.0, 0.0],
                    ]
                ),
                torch.tensor([[0.0], [0.0], [0.0], [2.0]]),
            ),
        ),
        Case(
            "a cycle before the exit",
            _a(
                torch.tensor([[0.0, 1.0, 0.0]]),
                torch.tensor([[0.0, 0.0, 0.4], [0.6, 0.0, 0.0], [0.0, 0.0, 0.0]]),
                torch.tensor([[0.0, 0.0], [0.0, 0.0], [0.0, 1.0]]),
            ),
        ),
    ],
    "9.4-lm-sizes": [
        Case("V=5, h=3, B=2, T=100", _a(5, 3, 2, 100)),
        Case("word level", _a(10000, 256, 64, 35)),
    ],
    "9.5-greedy-loop": [
        Case("a loop of 1", _a([2, 2, 3, 3], 0, 10**15)),
        Case("start inside the loop", _a([1, 2, 0, 1], 2, 10**9 + 5)),
        Case("V=8, long tail", _a([1, 2, 3, 4, 5, 6, 7, 5], 0, 123_456_789_012)),
        Case("n=0", _a([1, 2, 0], 2, 0)),
    ],
    "9.5-clip-global-norm": [
        Case(
            "three tensors",
            _a(
                [
                    torch.randn(3, 4, generator=_g(116)) * 5,
                    torch.randn(4, generator=_g(117)),
                    torch.tensor(7.0),
                ],
                2.5,
            ),
        ),
        Case("norm below the limit", _a([torch.tensor([6.0, 8.0])], 20.0)),
        Case("max_norm 0.1", _a([torch.tensor([[1.0, -2.0], [2.0, 0.0]])], 0.1)),
    ],
    "9.5-greedy-decode": [
        Case("V=9, prefix [4]", _greedy_case(9, 118, [4], 7)),
        Case("V=4, long prefix", _greedy_case(4, 119, [3, 1, 2, 2, 0], 3)),
    ],
    "9.5-temperature-sample": [
        Case(
            "T=0.5, u=0.999", _a(torch.tensor([3.0, -1.0, 0.0, 2.9, 1.0]), 0.5, 0.999)
        ),
        Case("T=2, u=0.5", _a(torch.tensor([-4.0, -4.0, 1.0, 0.0]), 2.0, 0.5)),
        Case("T=1, u=0.7", _a(torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0]), 1.0, 0.7)),
    ],
    "9.5-sequential-windows": [
        Case("one stream, offset 0", _a(list(range(5, 17)), 1, 4, 0)),
        Case("offset 0: more windows than offset s - 1", _a(list(range(37)), 4, 3, 0)),
        Case(
            "repeated tokens, a tail dropped",
            _a(torch.randint(0, 5, (97,), generator=_g(135)), 5, 6, 5),
        ),
        Case("s=1", _a([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], 3, 1, 0)),
        Case("exactly fits", _a(torch.arange(25), 2, 4, 0)),
    ],
    "9.5-context-and-reach": [
        Case("first window, stateful", _a(0, 7, 8, True)),
        Case("last position, stateful", _a(9, 31, 32, True)),
        Case("last position, reset", _a(9, 31, 32, False)),
        Case("first position of window 4", _a(4, 0, 16, True)),
    ],
    "9.5-interpolated-bits": [
        Case("unigrams", _a([0, 0, 0, 0, 0, 1, 2], [1, 0, 2, 0], 1, 2.0, 4)),
        Case(
            "a token never seen in training",
            _a([0, 1, 1, 0, 1, 1], [1, 3, 1, 0], 2, 0.5, 4),
        ),
        Case(
            "text, n=4",
            _a(
                [_CHAR_IDS[c] for c in TEXT[:60]],
                [_CHAR_IDS[c] for c in TEXT[60:]],
                4,
                0.3,
                len(_CHAR_IDS),
            ),
        ),
        Case(
            "eps=100: near the shorter contexts",
            _a([0, 1, 2, 0, 1, 2, 2, 2], [0, 1, 2, 2], 3, 100.0, 3),
        ),
        Case(
            "random, n=3, eps=0.01",
            _a(
                torch.randint(0, 6, (300,), generator=_g(136)).tolist(),
                torch.randint(0, 6, (40,), generator=_g(137)).tolist(),
                3,
                0.01,
                6,
            ),
        ),
    ],
    "9.6-rnnlm-forward": [
        Case("with a state", _rnnlm_case(4, 3, 3, 2, 120, with_state=True)),
        Case("V=10, T=6", _rnnlm_case(10, 8, 1, 6, 121)),
    ],
    "9.6-scratch-from-nn-rnn": [
        Case("d=1, h=2", _nn_rnn_case(1, 2, 122)),
        Case("no biases", _nn_rnn_case(3, 4, 123, bias=False)),
        Case("d=28, h=8", _nn_rnn_case(28, 8, 124)),
    ],
    "9.6-two-biases": [
        Case("h=1, lr=1", _a(torch.tensor([2.0]), 1.0)),
        Case("h=5, lr=0.1", _a(torch.randn(5, generator=_g(133)), 0.1)),
    ],
    "9.7-bptt": [
        Case(
            "T=1",
            lambda: (
                (
                    torch.randn(1, 2, 3, generator=_g(124)),
                    torch.randn(2, 2, generator=_g(125)),
                    *_rnn_params(3, 2, 126),
                    torch.randn(1, 2, 2, generator=_g(127)),
                ),
                {},
            ),
        ),
        Case(
            "T=6, B=3, d=4, h=5",
            lambda: (
                (
                    torch.randn(6, 3, 4, generator=_g(128)),
                    torch.randn(3, 5, generator=_g(129)) * 0.1,
                    *_rnn_params(4, 5, 130),
                    torch.randn(6, 3, 5, generator=_g(131)),
                ),
                {},
            ),
        ),
    ],
    "9.7-truncated-grad": [
        Case("k=1", _a(0.9, 2.0, [0.5, -0.5, 1.0], 1)),
        Case("k larger than T", _a(1.2, -1.0, [0.3, 0.3, 0.3, 0.3, 0.3], 9)),
        Case("w=-0.7, k=3", _a(-0.7, 0.5, [1.0, 0.0, 2.0, -1.0, 0.5, 1.5], 3)),
    ],
    "9.7-randomized-estimate": [
        Case("all kept, pi=1", _a(0.7, 1.0, [1.0, -2.0, 0.5], [1.0, 1.0, 1.0])),
        Case("last step cut", _a(1.1, 0.5, [1.0, 1.0, 1.0, 1.0], [4.0, 4.0, 4.0, 0.0])),
        Case("first step cut", _a(-0.6, 2.0, [0.5, 1.5, -1.0], [0.0, 2.0, 2.0])),
    ],
    "9.7-jacobian-norms": [
        Case("exploding", _a(torch.tensor([[1.2, 0.0], [0.3, 0.9]]), 6)),
        Case(
            "symmetric, shrinks at once", _a(torch.tensor([[0.5, 0.2], [0.2, 0.4]]), 5)
        ),
        Case(
            "3×3 non-normal",
            _a(torch.tensor([[0.5, 3.0, 0.0], [0.0, 0.5, 3.0], [0.0, 0.0, 0.5]]), 25),
        ),
    ],
    "9.7-gradient-fate": [
        Case("rotation, slightly long", _a(torch.tensor([[0.0, -1.05], [1.05, 0.0]]))),
        Case(
            "3×3 non-normal",
            _a(torch.tensor([[0.5, 3.0, 0.0], [0.0, 0.5, 3.0], [0.0, 0.0, 0.5]])),
        ),
        Case("diagonal 1.3 and 0.1", _a(torch.tensor([[1.3, 0.0], [0.0, 0.1]]))),
        Case("random 4×4 scaled", _a(torch.randn(4, 4, generator=_g(134)) * 0.2)),
    ],
    "9.7-one-unit-grad": [
        Case("T=0", _a(4.5, -5.0, 1.5, 0, 0.7)),
        Case("the chapter's start (4.5, -5), T=50", _a(4.5, -5.0)),
        Case("near the cliff (4.6, -2.4)", _a(4.6, -2.4)),
        Case("on the cliff (4.6, -2.364)", _a(4.6, -2.364)),
        Case("w=-3, T=20", _a(-3.0, 1.0, -1.0, 20, 0.2)),
    ],
    "9.7-memory-curve": [
        Case("one unit, T=1", _a(torch.tensor([[-3.0]]), torch.tensor([[0.6]]), 1.0)),
        Case("h=3, T=6, never below", _memory_case(3, 6, 138, 1e-9, 2.0)),
        Case("h=6, T=20, saturated", _memory_case(6, 20, 139, 0.05, 3.0, 3.0)),
        Case("h=5, T=30, small W", _memory_case(5, 30, 140, 1e-3, 0.5)),
        Case("threshold 2: horizon 0", _memory_case(3, 5, 141, 2.0)),
        Case(
            "non-normal 2×2",
            _a(
                torch.tensor([[0.5, 4.0], [0.0, 0.5]]),
                torch.tensor([[0.1, -0.2], [0.9, 0.0], [0.0, 0.3], [-0.5, 0.5]]),
                0.9,
            ),
        ),
    ],
}
