"""Chapter 9.7's controls (Jacobian norms, truncation length), its strategies and the
equivalence of its hand-written BPTT with torch.autograd and with d2lmini.bptt."""

import math
import pathlib
import time

import matplotlib.pyplot as plt
import pytest
import torch

from d2lmini.bptt import TanhRecurrence, tanh_recurrence

ROOT = pathlib.Path(__file__).resolve().parent.parent

CHAPTER = "9_7_bptt"  # the `ns` fixture (conftest.py) runs this chapter's code
f64 = torch.float64


def timed(panel, **values):
    """``panel.set(**values)`` and the CPU seconds it took (CPU time, not wall time:
    other jobs on a shared machine do not count)."""
    start = time.process_time()
    out = panel.set(**values)
    return out, time.process_time() - start


# ---------------------------------------------------------------- the lemma
def test_lemma_closed_form_solves_the_recursion(ns):
    closed_form = ns["lemma_closed_form"]
    g = torch.Generator().manual_seed(11)
    for t in (1, 2, 5, 12):
        b = torch.randn(t, 4, 3, generator=g, dtype=f64)
        c = torch.randn(t, 4, 4, generator=g, dtype=f64)
        a = torch.zeros(4, 3, dtype=f64)
        for step in range(t):
            a = b[step] + c[step] @ a
        assert torch.allclose(closed_form(b, c), a, atol=1e-10)
    # the order of the product matters: reversing it gives a different answer
    b, c = b.clone(), c.clone()
    reversed_c = closed_form(b, torch.flip(c, dims=[0]))
    assert not torch.allclose(reversed_c, a, atol=1e-6)


def test_scalar_rnn_closed_form_equals_autograd(ns):
    assert float(ns["closed"]) == pytest.approx(float(ns["autograd_value"]), abs=1e-12)
    assert float(ns["a_s"]) == pytest.approx(float(ns["autograd_value"]), abs=1e-12)


# ------------------------------------------------------------- Jacobian norms control
def test_linear_norms_are_norms_of_matrix_powers(ns):
    panel, W_J, T = ns["jacobian_panel"], ns["W_J"], ns["T_J"]
    plt.close("all")  # the chapter's own static figures
    for radius in (0.5, 1.0, 1.5):
        out, seconds = timed(panel, radius=radius, activation="linear")
        assert out["rho"] == pytest.approx(radius, rel=1e-9)
        assert out["norms"][T] == 1.0
        for t in (0, 10, 25, 49):
            power = torch.linalg.matrix_power(radius * W_J, T - t)
            expected = torch.linalg.matrix_norm(power, ord=2)
            assert out["norms"][t] == pytest.approx(float(expected), rel=1e-8)
        assert seconds < 1.0  # the budget is 0.5 s; slack for a busy machine's caches
    assert plt.get_fignums() == []  # shown and closed, not leaked


def test_the_non_normal_example_grows_for_about_ten_steps(ns):
    """The prose: ||W^k||_2 of the non-normal example grows over the first ten or so
    steps ("처음 10단계 안팎") and drops below 1 only after tens of steps."""
    import pathlib

    source = (
        pathlib.Path(__file__).parent.parent / "chapters" / f"{CHAPTER}.md"
    ).read_text()
    assert "처음 10단계 안팎 동안 커지고" in source
    assert "grows over the first ten or so steps" in source
    W = ns["W_nonnormal"]
    norms = [ns["sigma_max"](torch.linalg.matrix_power(W, k)) for k in range(1, 101)]
    peak = norms.index(max(norms)) + 1  # measured: 9
    assert 8 <= peak <= 15
    below_one = next(k for k, norm in enumerate(norms, start=1) if norm < 1)
    assert 20 <= below_one < 100  # measured: 44, "after tens of steps"


def test_linear_gradients_vanish_below_one_and_explode_above(ns):
    panel = ns["jacobian_panel"]
    small = panel.set(radius=0.5, activation="linear")["norms"]
    large = panel.set(radius=1.5, activation="linear")["norms"]
    assert small[0] < 1e-6 < 1e6 < large[0]
    # the norm over k steps tends to rho^k: compare the tails' growth rate
    rate_small = (small[0] / small[10]) ** (1 / 10)
    rate_large = (large[0] / large[10]) ** (1 / 10)
    assert rate_small == pytest.approx(0.5, rel=0.15)
    assert rate_large == pytest.approx(1.5, rel=0.15)


def test_tanh_norms_obey_the_singular_value_bound_and_match_autograd(ns):
    panel, T = ns["jacobian_panel"], ns["T_J"]
    for radius in (0.6, 1.0, 1.4):
        out = panel.set(radius=radius, activation="tanh")
        k = torch.arange(T, -1, -1, dtype=f64)  # T - t for t = 0 .. T
        bound = out["sigma_max"] ** k
        assert torch.all(out["norms"] <= bound * (1 + 1e-9))
        linear = panel.set(radius=radius, activation="linear")["norms"]
        assert out["norms"][0] < linear[0]  # saturation only shrinks here
    # one Jacobian by autograd, against the chapter's product
    radius, t = 1.4, 30
    W = radius * ns["W_J"]
    states, _ = ns["run_states"](W, "tanh")

    def h_T_from(h_t):
        h = h_t
        for a in ns["A_J"][t:]:
            h = torch.tanh(a + W @ h)
        return h

    J = torch.autograd.functional.jacobian(h_T_from, states[t - 1])
    norms = panel.set(radius=radius, activation="tanh")["norms"]
    assert norms[t] == pytest.approx(
        float(torch.linalg.matrix_norm(J, ord=2)), rel=1e-8
    )


def test_jacobian_control_grid_is_small(ns):
    panel = ns["jacobian_panel"]
    radius = panel.widgets["radius"]
    values = round((radius.max - radius.min) / radius.step) + 1
    assert values <= 32
    assert list(panel.widgets["activation"].options) == ["linear", "tanh"]


# ---------------------------------------------------------------- truncation control
def truncated_by_detach(ns, k):
    """dL/dW_hh, the hidden state detached at steps 1, k+1, 2k+1, … (plain autograd)."""
    W = ns["W_hh_S"].clone().requires_grad_()
    h, loss = torch.zeros(ns["H_S"], dtype=f64), 0.0
    for t in range(1, ns["T_S"] + 1):
        if (t - 1) % k == 0:
            h = h.detach()
        h = torch.tanh(ns["W_hx_S"] @ ns["X_S"][t - 1] + W @ h)
        loss = loss + (ns["w_q_S"] @ h - ns["Y_S"][t - 1]) ** 2 / ns["T_S"]
    loss.backward()
    return W.grad


def test_truncation_control_matches_detach_every_k_steps(ns):
    panel, g_full, T = ns["truncation_panel"], ns["g_full"], ns["T_S"]
    plt.close("all")
    for k in (1, 3, 8, 16, T):
        out, seconds = timed(panel, k=k)
        assert out["k"] == k
        expected = truncated_by_detach(ns, k)
        assert torch.allclose(out["grad"], expected, atol=1e-12)
        error = float((expected - g_full).norm() / g_full.norm())
        assert out["relative_error"] == pytest.approx(error, abs=1e-12)
        assert seconds < 1.0
    assert panel.set(k=T)["relative_error"] < 1e-12
    assert torch.allclose(panel.set(k=T)["grad"], truncated_by_detach(ns, 10**6))
    assert all(e > 1e-3 for e in ns["regular_errors"][: T // 2])  # biased
    slider = panel.widgets["k"]
    assert slider.max - slider.min + 1 <= 32
    assert plt.get_fignums() == []


def test_full_gradient_is_plain_autograd(ns):
    assert torch.allclose(ns["g_full"], truncated_by_detach(ns, 10**6), atol=1e-12)


def test_scale_grad_keeps_values_and_scales_gradients(ns):
    h = torch.tensor([1.0, -2.0], dtype=f64, requires_grad=True)
    out = ns["scale_grad"](h, torch.tensor([0.0, 1.25], dtype=f64))
    assert torch.equal(out.detach(), h.detach())
    out.sum().backward()
    assert torch.equal(h.grad, torch.tensor([0.0, 1.25], dtype=f64))


# ---------------------------------------------------------------- randomized truncation
def test_randomized_truncation_is_unbiased_but_noisier(ns):
    xi, g_full = ns["xi"], ns["g_full"]
    assert set(xi.unique().tolist()) == {0.0, 1 / ns["PI"]}
    assert float(xi.mean()) == pytest.approx(1.0, abs=0.02)
    bias = ns["regular_errors"][ns["K_CMP"] - 1]
    errors = ns["random_errors"]
    assert errors[-1] < bias / 5  # the mean converges …
    assert errors[-1] < errors[9] < errors[0]
    assert ns["one_draw_error"] > bias  # … from noisier single draws
    # an independent check of unbiasedness: fresh draws, the same estimator
    g = torch.Generator().manual_seed(123)
    fresh = (torch.rand(1500, ns["T_S"], generator=g, dtype=f64) < ns["PI"]).to(f64)
    mean = ns["grads_W_hh"](fresh / ns["PI"]).mean(0)
    assert float((mean - g_full).norm() / g_full.norm()) < bias / 3


def test_mean_reach(ns):
    reach = ns["mean_reach"]
    T = ns["T_S"]
    assert reach(torch.ones(T)) == pytest.approx(sum(range(1, T + 1)) / T)
    assert reach(ns["regular_keep"](8)[0]) == pytest.approx(3.5)
    assert reach(torch.zeros(T)) == 0


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
    """9.7 prints d2lmini.bptt.TanhRecurrence's source as it is (no re-wrapping): the
    package keeps its lines within what the book's column shows (76 characters), and
    the stored output is that source."""
    import inspect
    import json

    source = inspect.getsource(TanhRecurrence)
    assert max(len(line) for line in source.splitlines()) <= 76
    nb = json.loads((ROOT / "chapters" / "9_7_bptt.ipynb").read_text("utf-8"))
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


# ---------------------------------------------------------------- exercises
def test_exercise_checks(ns):
    assert torch.allclose(ns["lam_k"].sort().values, (ns["lam"] ** 3).sort().values)
    assert 0 < ns["r"] < 1
    pi = ns["PI"]
    measured = sum(ns["mean_reach"](row) for row in ns["xi"]) / ns["N_DRAWS"]
    assert measured < pi / (1 - pi)
    assert measured == pytest.approx(pi / (1 - pi), rel=0.2)


# ------------------------------------ 9.7.3.1: the memory horizon of a trained RNN
def test_memory_curve_matches_autograd_jacobians(ns):
    """The product of one-step Jacobians equals autograd's dh_T/dh_{T-k}."""
    params, windows = ns["trained"], ns["val_windows"][:3]
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]
    curve = ns["memory_curve"](params, windows, k_max=7)
    T = windows.shape[1]
    for k in (1, 3, 7):
        norms = []
        for window in windows:
            h = torch.zeros(W_hh.shape[0], dtype=f64)
            for token in window[: T - k]:
                h = torch.tanh(W_xh[token] + b_h + h @ W_hh)

            def h_T_from(h_start, rest=window[T - k :]):
                state = h_start
                for token in rest:
                    state = torch.tanh(W_xh[token] + b_h + state @ W_hh)
                return state

            J = torch.autograd.functional.jacobian(h_T_from, h)
            norms.append(torch.linalg.matrix_norm(J, ord=2))
        assert float(curve[k]) == pytest.approx(
            float(torch.stack(norms).mean()), rel=1e-9
        )
    assert float(curve[0]) == 1.0


def test_windows_come_from_the_validation_text(ns):
    tm, windows = ns["tm"], ns["val_windows"]
    first = tm.val_start
    assert windows.flatten().tolist() == tm.corpus[first : first + windows.numel()]
    assert first + windows.numel() <= tm.val_start + tm.num_val + tm.num_steps


def test_training_lengthens_the_memory_but_it_stays_short(ns):
    """The prose: before 0.11 at k = 1 and ~4e-5 at k = 4; after ~0.4, ~0.01, ~4e-5 at
    k = 1, 4, 8 steps back (about 1% at k = 4, below 0.01% at k = 8); below 1e-9
    at k = 16; perplexity ~14.5."""
    before, after = ns["memory"]["before training"], ns["after"]
    assert ns["char_history"]["val_ppl"][-1] == pytest.approx(14.5, rel=0.05)
    assert float(before[1]) == pytest.approx(0.11, rel=0.1)  # not trained: exact-ish
    assert 2e-5 < float(before[4]) < 8e-5
    assert all(after[k] > before[k] for k in range(1, ns["K_MAX"] + 1))
    assert 0.3 < float(after[1]) < 0.5
    assert 0.005 < float(after[4]) < 0.02
    assert float(after[5]) < 0.01  # the curve keeps falling after k = 4
    assert 1e-5 < float(after[8]) < 1e-4  # below 0.01%
    assert float(after[16]) < 1e-9


def test_memory_obeys_the_singular_value_bound(ns):
    """sigma_max < 1 bounds the norm by sigma_max^k; the measured rate per step (~0.25)
    is below rho (~0.33) below sigma_max (~0.48)."""
    after, sigma, rho = ns["after"], ns["sigma_tm"], ns["rho_tm"]
    assert sigma == pytest.approx(0.48, abs=0.03)
    assert rho == pytest.approx(0.33, abs=0.03)
    k = torch.arange(ns["K_MAX"] + 1, dtype=f64)
    assert torch.all(after <= sigma**k * (1 + 1e-9))
    assert ns["rate_tm"] == pytest.approx(0.25, abs=0.03)
    assert ns["rate_tm"] < rho < sigma < 1
    W = ns["trained"]["W_hh"]
    assert sigma == pytest.approx(float(torch.linalg.matrix_norm(W, ord=2)), rel=1e-12)


# ------------------------------------------- 9.7.3.2: the cliff and gradient clipping
def test_cliff_gradient_matches_autograd(ns):
    for w, b in [(4.5, -5.0), (2.0, -1.0), (6.0, -2.9), (4.6, -2.4)]:
        loss, (g_w, g_b) = ns["cliff_loss_grad"](w, b)
        W = torch.tensor(w, dtype=f64, requires_grad=True)
        B = torch.tensor(b, dtype=f64, requires_grad=True)
        L = ns["cliff_loss"](W, B)
        L.backward()
        L = L.detach()
        assert loss == pytest.approx(L.item(), rel=1e-9)
        assert g_w == pytest.approx(float(W.grad), rel=1e-6, abs=1e-9)
        assert g_b == pytest.approx(float(B.grad), rel=1e-6, abs=1e-9)


def test_the_path_without_clipping_is_thrown_off_the_cliff(ns):
    """The prose: gradient norm ~11.7 on the plain, 5.27e3 at the 27th update (~450
    times), a step 52.7 long that leaves the plotted region."""
    plain = ns["plain"]
    assert float(plain["grad_norm"][0]) == pytest.approx(11.7, abs=0.05)
    assert ns["n_wall"] + 1 == 27
    assert float(plain["grad_norm"].max()) == pytest.approx(5.27e3, rel=0.01)
    assert float(plain["steps"].max()) == pytest.approx(52.7, rel=0.01)
    assert ns["leaves_region"](plain)
    assert float(plain["grad_norm"][: ns["n_wall"]].max()) < 12  # the plain is flat


@pytest.mark.parametrize("threshold", [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 1000.0])
def test_clipping_bounds_every_step(ns, threshold):
    run = ns["sgd_path"](threshold)
    assert float(run["steps"].max()) <= 0.01 * threshold * (1 + 1e-9)


def test_thresholds_too_small_just_right_too_large(ns):
    """The prose: with 1 the loss never gets below 0.01 (nor with 2); 20 reaches a
    loss below 0.01 (and does not clip on the plain); 1000 takes a step of 10 at the
    cliff and does not get below 0.01 either."""
    run = ns["sgd_path"]
    for small in (1.0, 2.0):
        assert float(run(small)["loss"].min()) > 10
    for good in (5.0, 10.0, 20.0, 50.0):
        assert float(run(good)["loss"].min()) < 1e-3
        assert not ns["leaves_region"](run(good))
    twenty = run(20.0)
    n = ns["n_wall"]
    assert torch.equal(twenty["path"][: n + 1], ns["plain"]["path"][: n + 1])
    assert float(twenty["steps"].max()) == pytest.approx(0.2)
    big = run(1000.0)
    assert float(big["steps"].max()) == pytest.approx(10.0)
    assert float(big["loss"].min()) > 0.5


def test_cliff_control(ns):
    panel = ns["cliff_panel"]
    plt.close("all")
    options = panel.widgets["threshold"].options
    assert len(options) <= 16
    for threshold in (1.0, 20.0, math.inf):
        out, seconds = timed(panel, threshold=threshold)
        expected = ns["sgd_path"](threshold)
        assert torch.equal(out["path"], expected["path"])
        assert seconds < 2.0
    assert torch.equal(panel.set(threshold=math.inf)["path"], ns["plain"]["path"])
    assert plt.get_fignums() == []
