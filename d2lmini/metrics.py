"""How well a language model predicts a text: perplexity and bits per character.

Both the n-gram models (:mod:`d2lmini.ngram`) and the trainer (:mod:`d2lmini.training`)
report their numbers through these functions, so a count-based model and a neural one
are measured by the same rule.
"""

import math

import torch

from ._checks import fail, number, positive_int


def safe_exp(x):
    """``math.exp(x)``, but ``inf`` where it would overflow (a diverged loss).

    Used by the trainer's perplexity (9.5).
    """
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def perplexity(probs):
    """``exp(-mean log p)`` of the probabilities a model gave the tokens that occurred
    (``inf`` when one of them is 0).

    Taught in 9.3.
    """
    try:
        probs = torch.as_tensor(probs, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        fail(
            "perplexity에는 확률(0과 1 사이의 수)을 "
            f"주어야 합니다. 받은 값: {probs!r:.60}",
            f"perplexity needs probabilities (numbers in [0, 1]), got {probs!r:.60}.",
            TypeError,
        )
    if probs.numel() == 0:
        fail(
            "퍼플렉서티를 계산하려면 확률이 하나 이상 있어야 합니다.",
            "perplexity needs at least one probability.",
        )
    if not bool(((probs >= 0) & (probs <= 1)).all()):
        bad = probs[~((probs >= 0) & (probs <= 1))][0].item()
        fail(
            f"perplexity에는 0과 1 사이의 확률을 주어야 하는데 {bad}가 "
            "있습니다(빈도나 로그 확률이 아니라, 실제로 나온 토큰의 확률을 주세요).",
            "perplexity needs probabilities in [0, 1], got "
            f"{bad} (pass the probabilities of the tokens "
            "that occurred, not counts or log-probabilities).",
        )
    return float(torch.exp(-torch.log(probs).mean()))


def bits_per_char(perplexity, num_tokens, num_chars):
    """Bits per character of a text from a perplexity per token on it.

    Over ``num_tokens`` tokens a model with that perplexity spends
    ``num_tokens * log2(perplexity)`` bits on the whole text; shared out over its
    ``num_chars`` characters, that is ``log2(perplexity) * num_tokens / num_chars``.
    Unlike perplexity per token, this compares models that cut the same text
    into different tokens (syllables or jamo, characters or words).

    Taught in 9.3.
    """
    perplexity = number("perplexity", perplexity, low=1, finite=False)
    num_tokens = positive_int("num_tokens", num_tokens)
    num_chars = positive_int("num_chars", num_chars)
    return math.log2(perplexity) * num_tokens / num_chars
