"""Counting n-grams, fitting Zipf's law and n-gram language models."""

import collections

import numpy as np

from ._checks import fail, integer, non_negative, positive_int
from .metrics import perplexity


def ngrams(tokens, n):
    """All consecutive n-tuples of ``tokens``.

    Taught in 9.3.
    """
    positive_int("n", n)
    tokens = _tokens(tokens)
    if n > len(tokens):  # none; and no n slices for a huge n
        return []
    return list(zip(*(tokens[i:] for i in range(n))))


def ngram_freqs(tokens, n):
    """``(ngram, count)`` pairs, most frequent first, ties in a fixed (text) order.

    Taught in 9.2.
    """
    counts = collections.Counter(ngrams(tokens, n))
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


def _tokens(tokens):
    if tokens is None or isinstance(tokens, (int, float)):
        fail(
            f"tokens는 토큰의 시퀀스(리스트나 문자열)여야 합니다. 받은 형식: "
            f"{type(tokens).__name__}",
            f"tokens must be a sequence of tokens (a list or a string), got "
            f"{type(tokens).__name__}.",
            TypeError,
        )
    return tokens.tolist() if hasattr(tokens, "tolist") else list(tokens)


def zipf_fit(freqs, min_rank=1, max_rank=None):
    """Fit ``log n_i = -alpha log i + c`` by least
    squares over ranks ``min_rank … max_rank``.

    ``freqs`` are counts (or ``(item, count)`` pairs) sorted
    from most to least frequent. Returns ``(alpha, c)``.

    Taught in 9.2.
    """
    min_rank = positive_int("min_rank", min_rank)
    if max_rank is not None:
        max_rank = integer("max_rank", max_rank, low=min_rank)
    try:
        counts = np.array(
            [f[1] if isinstance(f, (tuple, list)) else f for f in _tokens(freqs)],
            dtype=float,
        )
    except (TypeError, ValueError, IndexError):
        fail(
            "freqs는 빈도들이거나, ngram_freqs가 돌려주는 (항목, 빈도) 쌍이어야 "
            "합니다.",
            "freqs must be counts, or (item, count) pairs as ngram_freqs returns them.",
            TypeError,
        )
    ranks = np.arange(1, len(counts) + 1)
    keep = (ranks >= min_rank) & (ranks <= (max_rank or len(counts)))
    if keep.sum() < 2:
        fail(
            "zipf_fit에는 선택한 범위에 순위가 두 개 이상 있어야 합니다.",
            "zipf_fit needs at least two ranks in the chosen range.",
        )
    kept = counts[keep]
    if not (np.isfinite(kept).all() and (kept > 0).all()):
        fail(
            "zipf_fit에는 선택한 범위에 0보다 큰 유한한 빈도가 필요합니다(log "
            "0은 -inf). 0인 빈도를 빼거나 max_rank를 그 순위보다 작게 주세요.",
            "zipf_fit needs finite counts > 0 in the chosen range (log 0 "
            "is -inf): drop zero counts or set max_rank below their rank.",
        )
    if (np.diff(kept) > 0).any():
        fail(
            "freqs는 많은 것부터 적은 것 순으로 정렬되어 있어야 합니다(ngram_freqs와 "
            "Counter.most_common의 결과는 이미 정렬되어 있습니다).",
            "freqs must be sorted from most to least frequent (ngram_freqs and "
            "Counter.most_common already are).",
        )
    slope, c = np.polyfit(np.log(ranks[keep]), np.log(kept), 1)
    return float(-slope), float(c)


class NGramLM:
    """An n-gram language model estimated from counts,
    with add-``k`` (Laplace) smoothing.

    ``P(w | context) = (n(context, w) + k) / (n(context) + k |V|)`` where the context is
    the ``n - 1`` previous tokens. With ``k = 0`` an unseen n-gram has probability 0.
    ``k`` is read on every call, so it may be changed after counting (it is checked).

    Taught in 9.3.
    """

    def __init__(self, tokens, n, vocab_size, k=0.0):
        self.n = positive_int("n", n)
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.k = k
        tokens = _tokens(tokens)
        distinct = len(set(tokens))
        if distinct > self.vocab_size:
            fail(
                f"vocab_size={vocab_size}인데 토큰 종류가 {distinct}개입니다. "
                "vocab_size는 모든 토큰 종류를 세어야 합니다(예: len(set(tokens))).",
                f"vocab_size={vocab_size}, but the tokens hold "
                f"{distinct} distinct tokens: vocab_size must "
                "count every token type (e.g. len(set(tokens))).",
            )
        self.counts = collections.Counter(ngrams(tokens, n))
        self.context_counts = (
            collections.Counter(ngrams(tokens[: len(tokens) - 1], n - 1))
            if n > 1
            else collections.Counter({(): len(tokens)})
        )

    @property
    def k(self):
        """The smoothing constant (>= 0, finite)."""
        return self._k

    @k.setter
    def k(self, value):
        self._k = non_negative("k", value)

    def prob(self, context, token):
        """``P(token | last n-1 tokens of context)``."""
        ctx = tuple(_tokens(context))[-(self.n - 1) :] if self.n > 1 else ()
        num = self.counts.get(ctx + (token,), 0) + self.k
        den = self.context_counts.get(ctx, 0) + self.k * self.vocab_size
        return num / den if den > 0 else 0.0

    def token_probs(self, tokens):
        """Probability of each token from position ``n - 1`` on, given its context."""
        tokens = _tokens(tokens)
        return [
            self.prob(tokens[t - self.n + 1 : t], tokens[t])
            for t in range(self.n - 1, len(tokens))
        ]

    def perplexity(self, tokens):
        """``exp(-mean log P)`` over the tokens that
        have a full context (inf if any P = 0)."""
        probs = self.token_probs(tokens)
        if not probs:
            fail(
                f"{self.n}-그램 모델을 평가하려면 토큰이 "
                f"{self.n - 1}개보다 많아야 합니다.",
                f"need more than {self.n - 1} tokens to score a {self.n}-gram model.",
            )
        return perplexity(probs)
