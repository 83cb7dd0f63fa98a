"""Counting n-grams, fitting Zipf's law and n-gram language models."""
import collections

import numpy as np

from ._checks import fail, non_negative, positive_int
from .training import perplexity


def ngrams(tokens, n):
    """All consecutive n-tuples of ``tokens``."""
    positive_int("n", n)
    tokens = list(tokens)
    return list(zip(*(tokens[i:] for i in range(n))))


def ngram_freqs(tokens, n):
    """``(ngram, count)`` pairs, most frequent first, ties in a fixed (text) order."""
    counts = collections.Counter(ngrams(tokens, n))
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


def zipf_fit(freqs, min_rank=1, max_rank=None):
    """Fit ``log n_i = -alpha log i + c`` by least squares over ranks ``min_rank … max_rank``.

    ``freqs`` are counts (or ``(item, count)`` pairs) sorted from most to least frequent.
    Returns ``(alpha, c)``.
    """
    counts = np.array([f[1] if isinstance(f, tuple) else f for f in freqs], dtype=float)
    ranks = np.arange(1, len(counts) + 1)
    keep = (ranks >= min_rank) & (ranks <= (max_rank or len(counts)))
    if keep.sum() < 2:
        fail("zipf_fit needs at least two ranks in the chosen range.",
             "zipf_fit에는 선택한 범위에 순위가 두 개 이상 있어야 합니다.")
    slope, c = np.polyfit(np.log(ranks[keep]), np.log(counts[keep]), 1)
    return float(-slope), float(c)


class NGramLM:
    """An n-gram language model estimated from counts, with add-``k`` (Laplace) smoothing.

    ``P(w | context) = (n(context, w) + k) / (n(context) + k |V|)`` where the context is the
    ``n - 1`` previous tokens. With ``k = 0`` an unseen n-gram has probability 0. ``k`` is
    read on every call, so it may be changed after counting.
    """

    def __init__(self, tokens, n, vocab_size, k=0.0):
        self.n = positive_int("n", n)
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.k = non_negative("k", k)
        tokens = list(tokens)
        self.counts = collections.Counter(ngrams(tokens, n))
        self.context_counts = collections.Counter(ngrams(tokens[:len(tokens) - 1], n - 1)) \
            if n > 1 else collections.Counter({(): len(tokens)})

    def prob(self, context, token):
        """``P(token | last n-1 tokens of context)``."""
        ctx = tuple(context)[-(self.n - 1):] if self.n > 1 else ()
        num = self.counts.get(ctx + (token,), 0) + self.k
        den = self.context_counts.get(ctx, 0) + self.k * self.vocab_size
        return num / den if den > 0 else 0.0

    def token_probs(self, tokens):
        """Probability of each token from position ``n - 1`` on, given its context."""
        tokens = list(tokens)
        return [self.prob(tokens[t - self.n + 1:t], tokens[t])
                for t in range(self.n - 1, len(tokens))]

    def perplexity(self, tokens):
        """``exp(-mean log P)`` over the tokens that have a full context (inf if any P = 0)."""
        probs = self.token_probs(tokens)
        if not probs:
            fail(f"need more than {self.n - 1} tokens to score a {self.n}-gram model.",
                 f"{self.n}-그램 모델을 평가하려면 토큰이 {self.n - 1}개보다 많아야 합니다.")
        return perplexity(probs)
