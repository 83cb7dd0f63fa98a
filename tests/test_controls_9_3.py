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


def chapter_source():
    import pathlib

    return (
        pathlib.Path(__file__).parent.parent / "chapters" / f"{CHAPTER}.md"
    ).read_text()


def test_the_prose_quotes_the_computed_korean_sparsity(ns):
    source = chapter_source()
    for kind, words in [("syllable", "음절"), ("jamo", "자모")]:
        seen, possible = ns["KO_SEEN"][kind, 2]
        share = f"{seen / possible:.3%}"
        assert (
            f"{words} 바이그램은 가능한 {possible:,}개 가운데 {seen:,}개({share})"
            in (source)
        )
        assert f"{possible:,} possible {kind} bigrams" in source
        assert f"{seen:,} ({share})" in source
    allowed, seen_pairs = ns["allowed"], ns["seen_pairs"]
    assert seen_pairs <= allowed
    assert (
        f"구조가 허용하는 쌍은 {len(allowed):,}개이고, 실제로 나온 {len(seen_pairs)}개"
        in (source)
    )
    assert f"allows {len(allowed):,} pairs, and all {len(seen_pairs)} pairs" in source
    # "most jamo pairs that never occur cannot occur at all"
    possible = len(ns["jamo_types"]) ** 2
    assert possible - len(allowed) > (possible - len(seen_pairs)) / 2


def test_bits_per_char_is_the_total_bits_of_the_validation_text(ns):
    """The table's conversion, checked against bits summed position by position."""
    import math

    hangul = d2lmini.hangul
    train, val = ns["ko_train"], ns["ko_val"]
    for kind, n in [("syllable", 2), ("jamo", 4)]:
        split = ns["KO_SPLIT_INTO"][kind]
        t, v = split(train), split(val)
        assert "".join(v) == (val if kind == "syllable" else hangul.decompose(val))
        lm = d2lmini.NGramLM(t, n, len(set(ns["KO_TOKENS"][kind])), k=ns["KO_K"])
        probs = lm.token_probs(t[len(t) - (n - 1) :] + v)
        assert len(probs) == len(v)
        bits = -sum(math.log2(p) for p in probs) / len(val)
        assert ns["KO_RESULTS"][kind, n][1] == pytest.approx(bits, rel=1e-9)


def test_the_prose_quotes_the_computed_korean_comparison(ns):
    source = chapter_source()
    results = ns["KO_RESULTS"]
    best = {
        kind: min(
            (n for k, n in results if k == kind), key=lambda n: results[kind, n][1]
        )
        for kind in ("syllable", "jamo")
    }
    assert best == {"syllable": 2, "jamo": 4}
    # the best by perplexity per token is the same model
    assert min(range(1, 7), key=lambda n: results["jamo", n][0]) == 4
    (ppl_s, bpc_s), (ppl_j, bpc_j) = results["syllable", 2], results["jamo", 4]
    assert (
        f"퍼플렉서티는 {ppl_j:.2f}로" in source
        and f"{ppl_s:.2f}와 비교하면 4분의 1도 되지 않습니다" in source
    )
    assert (
        f"has perplexity {ppl_j:.2f}, less than a quarter of the {ppl_s:.2f}" in source
    )
    assert ppl_s / ppl_j > 4
    assert f"문자당 {bpc_s:.3f}비트, 자모 4-그램은 {bpc_j:.3f}비트" in source
    assert (
        f"spends {bpc_s:.3f} bits per character, the jamo 4-gram {bpc_j:.3f}" in source
    )
    # the ranking reverses, with a margin far above float noise
    assert ppl_j < ppl_s and bpc_s < bpc_j - 0.2
    new = [s for s in ns["ko_val"] if s not in set(ns["ko_train"])]
    assert len(new) == 4  # "네 번", "four times"
    assert "음절이 네 번 나옵니다" in source and "occur four times" in source
