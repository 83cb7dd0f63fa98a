import math

import pytest

from d2lmini import NGramLM, ngram_freqs, ngrams, zipf_fit


def test_ngrams_and_freqs():
    assert ngrams("abcd", 2) == [("a", "b"), ("b", "c"), ("c", "d")]
    assert ngram_freqs("abab", 2) == [(("a", "b"), 2), (("b", "a"), 1)]


def test_zipf_fit_recovers_a_power_law():
    counts = [round(1e6 * i**-1.3) for i in range(1, 500)]
    alpha, c = zipf_fit(counts)
    assert alpha == pytest.approx(1.3, abs=1e-3)
    assert c == pytest.approx(math.log(1e6), abs=1e-2)
    with pytest.raises(ValueError):
        zipf_fit([5])


def test_ngram_probabilities_sum_to_one_with_smoothing():
    tokens = list("abracadabra")
    vocab = sorted(set(tokens))
    for n in (1, 2, 3):
        lm = NGramLM(tokens, n, len(vocab), k=0.5)
        for context in ([], ["a"], ["a", "b"]):
            total = sum(lm.prob(context, w) for w in vocab)
            assert total == pytest.approx(1.0)


def test_unsmoothed_unseen_ngram_gives_infinite_perplexity():
    lm = NGramLM("abab", 2, vocab_size=2)
    assert lm.prob("a", "b") == 1.0
    assert lm.perplexity("abab") == pytest.approx(1.0)
    assert lm.perplexity("aa") == math.inf
    assert NGramLM("abab", 2, vocab_size=2, k=1).perplexity("aa") < math.inf


def test_uniform_unigram_perplexity_equals_vocab_size():
    lm = NGramLM("abcd" * 5, 1, vocab_size=4)
    assert lm.perplexity("dcba") == pytest.approx(4.0)
