"""Section 9.7.2's claims: the hand-written BPTT of the linear RNN and of the tanh RNN
equals torch.autograd and d2lmini.bptt."""

import pathlib

import pytest
import torch

from d2lmini.bptt import TanhRecurrence, tanh_recurrence

ROOT = pathlib.Path(__file__).resolve().parent.parent

CHAPTER = "9_7_2_bptt_in_detail"  # the `ns` fixture (conftest.py) runs this page's code
f64 = torch.float64


# ------------------------------------------------------------ equivalence: linear RNN
@pytest.mark.parametrize("seed", [0, 1])
def test_linear_bptt_matches_autograd_to_1e_5(ns, seed):
    g = torch.Generator().manual_seed(seed)
    T, d, h, q = 9, 3, 4, 5
    X = torch.randn(T, d, generator=g, dtype=f64)
    Y = torch.randint(q, (T,), generator=g)
    weights = {
        "W_hx": torch.randn(h, d, generator=g, dtype=f64),
        "W_hh": 0.7 * torch.randn(h, h, generator=g, dtype=f64),
        "W_qh": torch.randn(q, h, generator=g, dtype=f64),
    }
    h0 = torch.randn(h, generator=g, dtype=f64)
    by_hand = ns["linear_rnn_bptt"](X, Y, **weights, h0=h0)
    leaves = {name: W.clone().requires_grad_() for name, W in weights.items()}
    loss, states = ns["linear_rnn_loss"](X, Y, **leaves, h0=h0)
    for h_t in states[1:]:
        h_t.retain_grad()
    loss.backward()
    for name in weights:
        assert torch.allclose(by_hand[name], leaves[name].grad, atol=1e-5, rtol=0), name
    for t in range(1, T + 1):
        assert torch.allclose(by_hand["dL_dh"][t], states[t].grad, atol=1e-5, rtol=0)
        unrolled = ns["unrolled_dL_dh"](
            t, weights["W_hh"], weights["W_qh"], by_hand["dL_do"], T
        )
        assert torch.allclose(unrolled, by_hand["dL_dh"][t], atol=1e-10)
    # an index slip (h_t instead of h_{t-1} in dL/dW_hh) would be caught
    _, hs, _ = ns["linear_rnn_forward"](X, **weights, h0=h0)
    wrong = sum(torch.outer(by_hand["dL_dh"][t], hs[t]) for t in range(1, T + 1))
    assert not torch.allclose(wrong, by_hand["W_hh"], atol=1e-5)


def test_chapter_linear_check_printed_true(ns):
    assert all(diff < 1e-5 for diff in ns["differences"].values())


# ------------------------------------------------------------ equivalence: tanh case
@pytest.mark.parametrize("batch", [1, 3])
def test_chapter_tanh_code_matches_d2lmini_bptt(ns, batch):
    g = torch.Generator().manual_seed(7 + batch)
    T, h = 11, 6
    A = torch.randn(T, batch, h, generator=g, dtype=f64)
    h0 = torch.randn(batch, h, generator=g, dtype=f64)
    W_hh = 0.8 * torch.randn(h, h, generator=g, dtype=f64)  # column convention
    G = torch.randn(T, batch, h, generator=g, dtype=f64)

    A_row = A.clone().requires_grad_()
    h0_row = h0.clone().requires_grad_()
    W_row = W_hh.T.clone().requires_grad_()  # the package's rows
    H = tanh_recurrence(A_row, h0_row, W_row)
    (H * G).sum().backward()

    dW_total = torch.zeros_like(W_hh)
    for b in range(batch):
        states = ns["tanh_rnn_forward"](A[:, b], h0[b], W_hh)
        dA, dh0, dW = ns["tanh_rnn_backward"](states, W_hh, G[:, b])
        assert torch.allclose(
            torch.stack(states[1:]), H[:, b].detach(), atol=1e-5, rtol=0
        )
        assert torch.allclose(dA, A_row.grad[:, b], atol=1e-5, rtol=0)
        assert torch.allclose(dh0, h0_row.grad[b], atol=1e-5, rtol=0)
        dW_total += dW
    assert torch.allclose(dW_total, W_row.grad.T, atol=1e-5, rtol=0)
    # and both agree with plain autograd through torch.tanh
    A2, h02, W2 = (
        A.clone().requires_grad_(),
        h0.clone().requires_grad_(),
        W_hh.T.clone().requires_grad_(),
    )
    state, outs = h02, []
    for t in range(T):
        state = torch.tanh(A2[t] + state @ W2)
        outs.append(state)
    (torch.stack(outs) * G).sum().backward()
    assert torch.allclose(W2.grad, W_row.grad, atol=1e-5, rtol=0)


def test_chapter_tanh_check_printed_true(ns):
    for name, (ours, package) in ns["checks"].items():
        assert torch.allclose(ours, package, atol=1e-5, rtol=0), name


def test_package_source_prints_as_it_is_within_the_column():
    """9.7.2 prints d2lmini.bptt.TanhRecurrence's source as it is (no re-wrapping): the
    package keeps its lines within what the book's column shows (76 characters), and
    the stored output is that source."""
    import inspect
    import json

    source = inspect.getsource(TanhRecurrence)
    assert max(len(line) for line in source.splitlines()) <= 76
    nb = json.loads(
        (ROOT / "chapters" / "9_7_2_bptt_in_detail.ipynb").read_text("utf-8")
    )
    cells = [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code"
        and "getsource(TanhRecurrence)" in "".join(c["source"])
    ]
    assert len(cells) == 1
    printed = "".join(
        "".join(o.get("text", ""))
        for o in cells[0]["outputs"]
        if o.get("name") == "stdout"
    )
    assert printed == source


# ------------------------------------------------- the terms of equation (5), a control
def test_output_terms_add_up_to_the_gradient_of_h1(ns):
    """The control draws the terms of equation (5): they sum to dL/dh_1 of the
    hand-written BPTT, for every radius of its grid."""
    W_C, weights = ns["W_C"], ns["weights"]
    assert abs(torch.linalg.eigvals(W_C).abs().max().item() - 1) < 1e-12
    for radius in (0.5, 0.8, 1.0, 1.3):
        grads = ns["linear_rnn_bptt"](
            ns["X_C"],
            ns["Y_C"],
            weights["W_hx"],
            radius * W_C,
            weights["W_qh"],
            ns["h0_L"],
        )
        total = sum(ns["output_terms"](radius))
        assert torch.allclose(total, grads["dL_dh"][1], atol=1e-12), radius


def test_distant_outputs_matter_only_above_radius_one(ns):
    import matplotlib.pyplot as plt

    plt.close("all")
    panel = ns["output_terms_panel"]
    shares = {}
    for radius in (0.5, 0.8, 1.0, 1.1, 1.3):
        norms = panel.set(radius=radius)
        shares[radius] = (norms[8:].sum() / norms.sum()).item()
    assert shares[0.5] < 0.01 and shares[0.8] < 0.1  # the nearest outputs decide
    assert shares[1.1] > 0.5 and shares[1.3] > 0.9  # the distant ones dominate
    assert list(shares.values()) == sorted(shares.values())
    assert plt.get_fignums() == []  # shown and closed, not leaked
