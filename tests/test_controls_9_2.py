"""Chapter 9.2's controls: vocabulary size / <unk> coverage, Zipf fits of n-grams."""

import collections

import matplotlib.pyplot as plt
import pytest

import d2lmini

CHAPTER = (
    "9_2_text_sequences"  # the `ns` fixture (conftest.py) runs this chapter's code
)


def unk_share_by_counting(tokens, min_freq):
    """Share of tokens whose type occurs fewer than min_freq times, counted directly."""
    counts = collections.Counter(tokens)
    return sum(c for c in counts.values() if c < min_freq) / len(tokens)


def test_vocab_control_follows_min_freq(ns):
    panel = ns["vocab_panel"]
    words = ns["words"]
    points = [panel.set(token="word", min_freq=m) for m in (1, 2, 5, 20)]
    sizes = [p["vocab_size"] for p in points]
    shares = [p["unk_share"] for p in points]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == len(sizes)
    assert shares == sorted(shares) and shares[0] == 0
    for m, p in zip((1, 2, 5, 20), points):
        counts = collections.Counter(words)
        assert p["vocab_size"] == 1 + sum(c >= m for c in counts.values())
        assert p["unk_share"] == pytest.approx(unk_share_by_counting(words, m))


def test_vocab_control_char_versus_word(ns):
    panel = ns["vocab_panel"]
    char = panel.set(token="char", min_freq=1)
    word = panel.set(token="word", min_freq=1)
    assert char["vocab_size"] == 28  # <unk>, the space and 26 lower-case letters
    assert word["vocab_size"] > 100 * char["vocab_size"]
    # the rarest letters are seen about a hundred times: a small min_freq keeps them
    assert panel.set(token="char", min_freq=50)["vocab_size"] == 28
    rare = panel.set(token="char", min_freq=100)
    assert rare["vocab_size"] < 28 and 0 < rare["unk_share"] < 0.01


def test_vocab_control_draws_one_figure_per_redraw(ns):
    plt.close("all")
    before = plt.get_fignums()
    point = ns["vocab_panel"].set(token="word", min_freq=7)
    assert plt.get_fignums() == before  # shown and closed, not leaked
    assert ns["vocab_panel"].values == {"token": "word", "min_freq": 7}
    assert ns["vocab_panel"].last == point == ns["vocab_coverage"]("word", 7)


def test_zipf_control_alpha_shrinks_with_n(ns):
    panel = ns["zipf_panel"]
    fits = {n: panel.set(n=n) for n in (1, 2, 3)}
    alphas = [fits[n]["alpha"] for n in (1, 2, 3)]
    assert alphas[0] > alphas[1] > alphas[2] > 0
    assert 0.8 < alphas[0] < 1.3  # words: close to the classic Zipf exponent 1
    distinct = [fits[n]["distinct"] for n in (1, 2, 3)]
    assert distinct == sorted(distinct) and len(set(distinct)) == 3
    for n in (1, 2, 3):
        freqs = d2lmini.ngram_freqs(ns["words"], n)
        assert fits[n]["alpha"] == pytest.approx(
            d2lmini.zipf_fit(freqs, max_rank=ns["FIT_RANKS"])[0]
        )
        assert fits[n]["alpha"] == pytest.approx(ns["ALPHAS"][n])


def test_the_prose_quotes_the_computed_bigram_structure(ns):
    """9.2.5 says the corpus has some 30,000 tokens ("3만여 개") and that `of the` and
    `in the` occur several times as often as under independence."""
    words = ns["words"]
    assert 30_000 <= len(words) < 40_000
    counts = collections.Counter(words)
    pairs = collections.Counter(zip(words, words[1:]))
    n = len(words)
    for a, b in [("of", "the"), ("in", "the")]:
        expected = (n - 1) * counts[a] * counts[b] / n**2
        assert pairs[a, b] / expected == pytest.approx(ns["LIFT"][a, b])
        assert pairs[a, b] / expected > 3
