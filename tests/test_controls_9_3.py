"""Chapter 9.3's controls: smoothing vs. validation perplexity, scoring a sentence with
the character n-gram models, and the (X, Y) windows of TimeMachine."""

import collections
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

import d2lmini

CHAPTER = (
    "9_3_language_models"  # the `ns` fixture (conftest.py) runs this chapter's code
)


# ---------------------------------------------------------------- smoothing slider
def test_unsmoothed_models_are_infinite_exactly_when_an_ngram_is_unseen(ns):
    ppl = ns["smoothing"].set(k=0.0)
    for n in ns["orders"]:
        seen = ns["models"][n].counts
        unseen = [g for g in d2lmini.ngrams(ns["scored_text"](n), n) if g not in seen]
        assert math.isinf(ppl[n]) == bool(unseen)
    assert math.isfinite(ppl[1]) and math.isinf(
        ppl[2]
    )  # all 27 letters occur in training


def test_smoothing_matches_fresh_models(ns):
    """The slider's fast path (counts looked up once) equals NGramLM from scratch."""
    train, V = ns["train_chars"], ns["V"]
    for k in (0.03, 3.0):
        ppl = ns["smoothing"].set(k=k)
        assert all(math.isfinite(p) and 1 < p < V for p in ppl.values())
        for n in (2, 3):
            fresh = d2lmini.NGramLM(train, n, V, k=k)
            assert ppl[n] == pytest.approx(
                fresh.perplexity(ns["scored_text"](n)), rel=1e-9
            )


def test_smoothing_changes_perplexity_and_tends_to_uniform(ns):
    small, large = ns["smoothing"].set(k=0.1), ns["smoothing"].set(k=100.0)
    orders = ns["orders"]
    # with a little smoothing a longer context helps
    assert [small[n] for n in orders] == sorted(
        (small[n] for n in orders), reverse=True
    )
    for n in orders[1:]:
        assert large[n] > small[n]
    # huge k: every conditional distribution is almost uniform over the 27 characters
    for n in orders:
        assert ns["val_perplexity"](n, 1e7) == pytest.approx(ns["V"], rel=1e-3)


def test_smoothing_control_draws_without_leaking_figures(ns):
    plt.close("all")
    ns["smoothing"].set(k=1.0)
    assert plt.get_fignums() == []
    assert ns["smoothing"].values == {"k": 1.0}


# ---------------------------------------------------------------- sentence box
def test_sentence_probabilities_are_counts(ns):
    panel, train = ns["sentence_panel"], ns["train_chars"]
    out = panel.set(sentence="The Time-Traveller!", k=0.0)
    assert "".join(out["chars"]) == "the time traveller"
    counts, total = collections.Counter(train), len(train)
    unigram = [counts[c] / total for c in out["chars"]]
    assert np.allclose(out["probs"][1], unigram)
    # the bigram model's first character is P(t | space)
    pairs = collections.Counter(d2lmini.ngrams(train, 2))
    spaces = collections.Counter(train[:-1])[" "]
    assert out["probs"][2][0] == pytest.approx(pairs[(" ", "t")] / spaces)
    for n, probs in out["probs"].items():
        assert len(probs) == len(out["chars"]) and ((probs > 0) & (probs <= 1)).all()
        assert out["ppl"][n] == pytest.approx(math.exp(-np.mean(np.log(probs))))


def test_sentence_gibberish_needs_smoothing(ns):
    panel = ns["sentence_panel"]
    raw = panel.set(sentence="qxz jjq", k=0.0)
    assert math.isfinite(raw["ppl"][1]) and math.isinf(raw["ppl"][2])
    assert (raw["probs"][2] == 0).any()
    smooth = panel.set(sentence="qxz jjq", k=0.1)
    assert all(math.isfinite(p) for p in smooth["ppl"].values())
    natural = panel.set(sentence="the time traveller was here", k=0.1)
    for n in (2, 3, 4, 5):
        assert natural["ppl"][n] < smooth["ppl"][n]
    assert natural["ppl"][4] < natural["ppl"][1]


def test_sentence_without_letters(ns):
    out = ns["sentence_panel"].set(sentence="1234 !?", k=0.1)
    assert out["chars"] == [] and out["ppl"] == {}


# ---------------------------------------------------------------- windows
def test_windows_match_timemachine(ns):
    text = d2lmini.preprocess(ns["raw_text"])
    data = d2lmini.TimeMachine(batch_size=1, num_steps=7)
    for num_steps, offset in [(7, 0), (7, 13), (1, 24), (24, 24)]:
        x, y = ns["windows_panel"].set(num_steps=num_steps, offset=offset)
        assert len(x) == len(y) == num_steps
        assert x == text[offset : offset + num_steps]
        assert y == text[offset + 1 : offset + num_steps + 1]
        if num_steps == 7:
            assert x == "".join(data.vocab.to_tokens(data.X[offset]))
            assert y == "".join(data.vocab.to_tokens(data.Y[offset]))


def test_windows_shift_with_offset(ns):
    panel = ns["windows_panel"]
    x0, y0 = panel.set(num_steps=10, offset=3)
    x1, _ = panel.set(num_steps=10, offset=4)
    assert y0 == x1 and x0[1:] == y0[:-1] and x0 != x1


def test_the_prose_quotes_the_computed_word_counts(ns):
    """The word-level remark quotes the printed counts; they must stay in step."""
    import pathlib

    source = (
        pathlib.Path(__file__).parent.parent / "chapters" / f"{CHAPTER}.md"
    ).read_text()
    unseen, total = len(ns["new_words"]), ns["n_val_words"]
    assert f"검증 단어 {total:,}개 가운데 {unseen:,}개가" in source
    assert f"{unseen:,} of the {total:,} validation words" in source


def test_the_prose_quotes_the_computed_comparison_with_the_rnn(ns):
    """The 5-gram-vs-RNN paragraph quotes the best 5-gram perplexity, both train sizes
    and their ratio (computed here), and the RNN's perplexity printed by Section 9.5."""
    import json
    import pathlib
    import re

    chapters = pathlib.Path(__file__).parent.parent / "chapters"
    source = (chapters / f"{CHAPTER}.md").read_text()
    best5 = f"{min(ns['K_CURVES'][5]):.2f}"
    assert f"검증 퍼플렉서티는 {best5}입니다" in source
    assert f"has validation perplexity {best5}" in source
    n_gram, rnn = len(ns["train_chars"]), ns["rnn_train"]
    assert f"{n_gram:,}문자로 횟수를" in source and f"{n_gram:,} characters" in source
    assert (
        f"앞부분의 {rnn:,}문자로만" in source and f"first {rnn:,} characters" in source
    )
    ratio = f"{n_gram / rnn:.1f}"
    assert f"{ratio}배 많습니다" in source and f"{ratio} times as much text" in source
    # Section 9.5 prints its final validation perplexity; this section quotes it rounded
    cells = json.loads((chapters / "9_5_rnn_scratch.ipynb").read_text())["cells"]
    printed = "".join(
        "".join(out.get("text", ""))
        for cell in cells
        for out in cell.get("outputs", [])
    )
    ppl = float(
        re.search(r"after \d+ epochs: .*validation perplexity ([\d.]+)", printed).group(
            1
        )
    )
    assert f"검증 퍼플렉서티가 약 {ppl:.1f}입니다" in source
    assert f"validation perplexity of about {ppl:.1f}" in source
