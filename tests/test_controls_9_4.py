"""Chapter 9.4's controls (hidden-state heat map, n-gram table vs RNN size), claims."""

import math

import matplotlib.pyplot as plt
import pytest
import torch

import d2lmini

CHAPTER = "9_4_rnn"  # the `ns` fixture (conftest.py) runs this chapter's code


def states_by_hand(rnn, vocab, chars, recurrence):
    """The RNN recurrence step by step, with W_hh scaled by ``recurrence``."""
    h = torch.zeros(rnn.num_hiddens)
    rows = []
    with torch.no_grad():
        for c in chars:
            x = torch.zeros(len(vocab))
            x[vocab[c]] = 1.0
            h = torch.tanh(x @ rnn.W_xh + h @ (rnn.W_hh * recurrence) + rnn.b_h)
            rows.append(h)
    return torch.stack(rows)


# ---------------------------------------------------------------- hidden-state heat map
def test_hidden_states_follow_the_recurrence(ns):
    panel, rnn, vocab = ns["hidden_panel"], ns["demo_rnn"], ns["vocab"]
    for text, r in [("abcab", 0.0), ("the time machine", 1.0), ("Hello, World", 1.75)]:
        out = panel.set(text=text, recurrence=r)
        assert out["chars"] == list(d2lmini.preprocess(text))
        assert out["states"].shape == (len(out["chars"]), rnn.num_hiddens)
        expected = states_by_hand(rnn, vocab, out["chars"], r)
        # loose tolerance: a recurrence this strong amplifies rounding differences
        assert torch.allclose(out["states"], expected, atol=1e-4)
        assert out["states"].abs().max() < 1


def test_without_recurrence_a_character_always_gives_the_same_state(ns):
    panel = ns["hidden_panel"]
    flat = panel.set(text="abcab", recurrence=0.0)["states"]
    assert torch.equal(flat[0], flat[3]) and torch.equal(flat[1], flat[4])
    recurrent = panel.set(recurrence=1.0)["states"]
    assert (recurrent[0] - recurrent[3]).norm() > 0.1
    assert (recurrent[1] - recurrent[4]).norm() > 0.1
    # the first step sees h_0 = 0, so it cannot depend on W_hh
    assert torch.allclose(flat[0], recurrent[0])


def test_hidden_control_leaves_the_model_alone_and_handles_edge_cases(ns):
    panel, rnn = ns["hidden_panel"], ns["demo_rnn"]
    before = rnn.W_hh.detach().clone()
    panel.set(text="abc", recurrence=2.0)
    assert torch.equal(rnn.W_hh, before)  # scaling is functional, not in place
    long = panel.set(text="x" * 500, recurrence=1.0)
    assert len(long["chars"]) == ns["MAX_CHARS"]
    plt.close("all")
    empty = panel.set(text="", recurrence=1.0)
    assert empty["chars"] == [] and plt.get_fignums() == []
    panel.set(text="the time machine")
    assert plt.get_fignums() == []  # shown and closed, not leaked


def test_distances_between_repeated_characters(ns):
    chars, H = ns["hidden_states"]("the time machine", 0.0)
    assert ns["distances_between"](chars, H) == [0.0, 0.0]
    chars, H = ns["hidden_states"]("the time machine", 1.0)
    assert all(d > 0.1 for d in ns["distances_between"](chars, H))


# ------------------------------------------------------------ n-gram table vs RNN size
def test_table_grows_by_the_vocabulary_size_and_the_rnn_does_not(ns):
    panel, V = ns["table_panel"], ns["V"]
    points = [panel.set(n=n, num_hiddens=32) for n in range(1, 11)]
    tables = [p["table"] for p in points]
    assert tables[0] == V == 28
    assert all(b == a * V for a, b in zip(tables, tables[1:]))
    assert len({p["rnn"] for p in points}) == 1
    for p, n in zip(points, range(1, 11)):
        assert p["seen"] <= min(p["table"], len(ns["text"]) - n + 1)


def test_rnn_parameters_match_the_formula_and_grow_with_width(ns):
    panel, V = ns["table_panel"], ns["V"]
    counts = []
    for h in (16, 64, 512):
        count = panel.set(n=3, num_hiddens=h)["rnn"]
        assert count == V * h + h * h + h + h * V + V
        counts.append(count)
    assert counts == sorted(counts) and len(set(counts)) == 3


def test_seen_ngrams_agree_with_d2lmini_counting(ns):
    text = ns["text"]
    for n in (1, 2, 3):
        assert ns["observed"][n] == len(d2lmini.ngram_freqs(list(text), n))
    seen = [ns["observed"][n] for n in range(1, 11)]
    assert seen == sorted(
        seen
    )  # longer n-grams: more distinct ones (until the text runs out)


# ---------------------------------------------------------------- the chapter's claims
def test_untrained_model_is_close_to_uniform(ns):
    V = ns["V"]
    assert ns["step_loss"].shape == (6,)
    assert float(ns["mean_loss"]) == pytest.approx(math.log(V), abs=0.01)
    assert math.exp(float(ns["mean_loss"])) == pytest.approx(V, abs=0.5)
    assert float(ns["lm"].loss(ns["logits"], ns["Y"])) == pytest.approx(
        float(ns["mean_loss"])
    )
    assert ns["inputs"] == "machin" and ns["targets"] == "achine"


def test_concatenation_identity(ns):
    assert torch.allclose(ns["two_products"], ns["one_product"])
    assert ns["one_product"].shape == (3, 4)


def test_the_prose_quotes_the_computed_sizes(ns):
    """Numbers the prose quotes (parameters, table entries, share seen, corpus size)."""
    import pathlib

    source = (
        pathlib.Path(__file__).parent.parent / "chapters" / f"{CHAPTER}.md"
    ).read_text()
    params = ns["num_params"](ns["lm"])
    assert (
        f"매개변수가 {params:,}개" in source
        and f"still has {params:,} parameters" in source
    )
    V, seen5, chars = ns["V"], ns["observed"][5], len(ns["text"])
    assert 17e6 < V**5 < 18e6  # "more than 17 million" / "1,700만 개가 넘지만"
    assert source.count("17 million") == 2 and source.count("1,700만") == 2
    assert seen5 / V**5 < 0.002  # "fewer than 0.2%" / "0.2%도 되지 않습니다"
    assert "fewer than 0.2%" in source and "0.2%도 되지 않습니다" in source
    assert 165_000 < chars < 175_000  # "about 170 thousand characters" / "약 17만 문자"
    assert "about 170 thousand characters" in source and "약 17만 문자" in source
