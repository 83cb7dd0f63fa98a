"""Section 9.7.3's claims and controls (the cliff's clipping threshold): the memory
horizon of a trained RNN, the cliff in a loss surface, and exercises 1, 2 and 6."""

import math
import pathlib

import matplotlib.pyplot as plt
import pytest
import torch

from panel_timing import timed

CHAPTER = "9_7_3_how_far_back"  # the `ns` fixture (conftest.py) runs this page's code
f64 = torch.float64
SOURCE = pathlib.Path(__file__).resolve().parent.parent / "chapters" / f"{CHAPTER}.md"


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


# ---------------------------------------------------------------- exercises
def test_exercise_checks(ns):
    assert torch.allclose(ns["lam_k"].sort().values, (ns["lam"] ** 3).sort().values)
    assert 0 < ns["r"] < 1


def test_expected_reach_on_a_finite_sequence_matches_sampling(ns):
    """Exercise 6: (1/T) sum_t sum_{m<=t} pi^m is what sampling the cuts gives."""
    pi, T = ns["PI"], ns["T_S"]
    kept = torch.rand(20_000, T, generator=torch.Generator().manual_seed(1)) < pi
    reach = torch.zeros(20_000)
    run = torch.zeros(20_000)
    for t in range(T):  # steps kept in a row, ending at step t
        run = torch.where(kept[:, t], run + 1, torch.zeros_like(run))
        reach += run
    sampled = (reach / T).mean().item()
    assert ns["reach_T"] == pytest.approx(sampled, abs=0.03)
    assert ns["reach_T"] < pi / (1 - pi)


def test_answer_6_quotes_the_expected_reach(ns):
    """The answer to exercise 6 quotes this page's expected reach (the mean reach that
    Section 9.7.1.5 measured: tests/test_controls_9_7.py computes and checks it)."""
    text = SOURCE.read_text(encoding="utf-8")
    answers = text[text.index("## 9.7.5") : text.index("## 9.7.6")]
    expected = f"{ns['reach_T']:.2f}"
    for lang in ("이 기댓값은 " + expected, "computes " + expected):
        assert lang in answers, lang
