"""Chapter 9.1's controls (the tau and k sliders) and d2lmini.controls.controls."""

import ipywidgets
import matplotlib.pyplot as plt
import pytest

from d2lmini.controls import NOTE, Controls, controls

CHAPTER = "9_1_sequences"  # the `ns` fixture (conftest.py) runs this chapter's code


def test_tau_slider_retrains_like_the_chapter(ns):
    panel = ns["tau_panel"]
    assert isinstance(panel, Controls) and panel.values == {"tau": 4}
    # the default state is the chapter's own model: same data, seed and training
    assert panel.last == pytest.approx(ns["val_mse"], rel=1e-6)
    assert panel.set(tau=4) == pytest.approx(ns["val_mse"], rel=1e-6)


def test_a_longer_window_averages_out_the_noise(ns):
    one, sixteen = ns["tau_panel"].set(tau=1), ns["tau_panel"].set(tau=16)
    assert sixteen < one
    assert ns["tau_panel"].values == {"tau": 16}
    assert ns["tau_panel"].widgets["tau"].value == 16
    ns["tau_panel"].set(tau=4)


def test_k_slider_one_step_is_the_one_step_prediction(ns):
    err = ns["k_panel"].set(k=1)
    assert err == pytest.approx(
        ns["mse"](ns["onestep_preds"], ns["data"].labels), rel=1e-5
    )


def test_k_step_error_grows_with_k(ns):
    errors = {k: ns["k_panel"].set(k=k) for k in (1, 16, 64)}
    assert errors[1] < errors[64] and errors[16] < errors[64]
    assert ns["errors"][64] > 3 * ns["errors"][1]  # the chapter's "several-fold" claim


def test_controls_leave_no_figures_open(ns):
    plt.close("all")
    ns["k_panel"].set(k=8)
    ns["tau_panel"].set(tau=2)
    assert plt.get_fignums() == []


def test_controls_draws_once_then_once_per_change():
    calls = []

    def draw(a, b):
        calls.append((a, b))
        plt.subplots()
        return a + b

    panel = controls(
        draw, a=ipywidgets.IntSlider(value=1), b=ipywidgets.IntSlider(value=2)
    )
    assert calls == [(1, 2)] and panel.last == 3
    assert panel.set(a=5, b=6) == 11 and calls[-1] == (5, 6) and len(calls) == 2
    assert panel.set() == 11 and len(calls) == 3  # no change: still one redraw
    panel.widgets["a"].value = 7  # a reader moving the slider
    assert panel.last == 13 and len(calls) == 4
    assert plt.get_fignums() == []
    assert (
        isinstance(panel.box, ipywidgets.VBox)
        and panel.box.children[-1] is panel.output
    )
    with pytest.raises(KeyError):
        panel.set(c=1)


def test_note_is_bilingual():
    assert '<span class="lang-ko">' in NOTE and '<span class="lang-en">' in NOTE
    # the note is shown in a running notebook: it points at the controls below
    assert "아래 컨트롤" in NOTE and "controls below" in NOTE
