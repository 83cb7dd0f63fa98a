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


def chapter_source():
    import pathlib

    return (
        pathlib.Path(__file__).parent.parent / "chapters" / f"{CHAPTER}.md"
    ).read_text()


def test_the_korean_text_round_trips_through_jamo(ns):
    """9.2.6 prints that decomposition equals NFD and composes back losslessly."""
    import unicodedata

    text = ns["ko_text"]
    assert set(text) - {" "} and all(ch == " " or "가" <= ch <= "힣" for ch in text)
    assert ns["ko_jamo_text"] == unicodedata.normalize("NFD", text)
    assert d2lmini.hangul.compose(ns["ko_jamo_text"]) == text
    assert "".join(ns["ko_syllables"]) == text


def test_the_prose_quotes_the_computed_korean_counts(ns):
    source = chapter_source()
    raw, blocks = ns["raw_ko"], ns["n_ko_blocks"]
    assert f"문자가 {len(raw):,}개 있고, 그 가운데 {blocks:,}개가" in source
    assert f"{len(raw):,} characters, {blocks:,} of them" in source
    jamo, syllables = ns["ko_jamo"], ns["ko_syllables"]
    sizes = {k: len(d2lmini.Vocab(v)) for k, v in ns["KINDS"].items()}
    assert f"자모 어휘({sizes['Korean jamo']}개)" in source
    assert f"jamo vocabulary ({sizes['Korean jamo']} tokens)" in source
    assert f"영어 문자 어휘({sizes['English characters']}개)" in source
    ratio = f"{len(jamo) / len(syllables):.2f}"
    assert f"{ratio}배 깁니다" in source and f"{ratio} times as long" in source
    per = f"{(len(jamo) - ns['n_ko_spaces']) / blocks:.2f}"
    assert f"평균 {per}개의 자모" in source and f"{per} jamo on average" in source
    assert f"음절 어휘({sizes['Korean syllables']}개)" in source
    assert f"syllable vocabulary ({sizes['Korean syllables']} tokens)" in source
    kinds = len(set(syllables) - {" "})
    assert f"음절은 {kinds}개뿐" in source and f"only {kinds} occur" in source
    assert f"음절이 {kinds}종류뿐" in source and f"only {kinds} kinds" in source


def test_the_prose_quotes_the_computed_eojeol_sparsity(ns):
    source = chapter_source()
    stats = {}
    for name in ("Korean words (eojeol)", "English words"):
        counts = collections.Counter(ns["KINDS"][name])
        stats[name] = (sum(c == 1 for c in counts.values()), len(counts) + 1)
    once, size = stats["Korean words (eojeol)"]
    assert f"{once:,}종류로, 어절 어휘({size:,}개)의 3분의 2가 넘습니다" in source
    assert f"{once:,} kinds of eojeol" in source and f"vocabulary of {size:,}" in source
    assert once / (size - 1) > 2 / 3
    en_once, en_size = stats["English words"]
    assert f"어휘 {en_size:,}개 가운데 {en_once:,}종류로 절반 남짓" in source
    assert f"{en_once:,} of {en_size:,}, just over half" in source
    assert 0.5 < en_once / (en_size - 1) < 0.6


def test_the_prose_reads_the_korean_zipf_plot_as_computed(ns):
    source = chapter_source()
    alphas = ns["KO_ALPHAS"]
    syl, en = f"{alphas['Korean syllables']:.2f}", f"{alphas['English words']:.2f}"
    assert f"음절이 {syl}, 영어 단어가 {en}로 비슷합니다" in source
    assert f"{syl} for syllables and {en} for English words" in source
    assert abs(alphas["Korean syllables"] - alphas["English words"]) < 0.15
    for kind in ("Korean jamo", "Korean syllables"):  # both curves start with the space
        assert d2lmini.Vocab(ns["KINDS"][kind]).token_freqs[0][0] == " "
    # the small closed sets end within a few dozen ranks
    assert len(set(ns["ko_jamo"])) < 60 and len(set(ns["chars"])) < 60
    top = ns["top"]  # "printed first, fourth, fifth and sixth"
    assert [top.index(s) for s in "의에는다"] == [0, 3, 4, 5] and len(top) == 10
