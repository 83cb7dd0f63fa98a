"""Section 9.7.1's claims and controls (Jacobian norms, truncation length): the lemma,
the spectra, and the three strategies (full, truncated, randomized)."""

import pathlib

import matplotlib.pyplot as plt
import pytest
import torch

from panel_timing import timed

CHAPTER = "9_7_bptt"  # the `ns` fixture (conftest.py) runs this page's code
f64 = torch.float64


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


# ---------------------------------------------------------------- exercise 6
def test_mean_reach_is_below_the_endless_sequence_value(ns):
    pi = ns["PI"]
    measured = sum(ns["mean_reach"](row) for row in ns["xi"]) / ns["N_DRAWS"]
    assert measured < pi / (1 - pi)
    assert measured == pytest.approx(pi / (1 - pi), rel=0.2)


def test_the_answer_to_exercise_6_quotes_the_measured_reach(ns):
    """Section 9.7.3's answer to exercise 6 quotes the mean reach measured here."""
    measured = sum(ns["mean_reach"](row) for row in ns["xi"]) / ns["N_DRAWS"]
    page = pathlib.Path(__file__).resolve().parent.parent / "chapters"
    text = (page / "9_7_3_how_far_back.md").read_text(encoding="utf-8")
    answers = text[text.index("## 9.7.5") : text.index("## 9.7.6")]
    assert answers.count(f"{measured:.2f}") == 4  # twice in each language
