"""d2lmini.bits_per_char against the bits counted directly from the probabilities."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import d2lmini
from d2lmini import hangul

probs = st.lists(st.floats(min_value=1e-6, max_value=1.0), min_size=1, max_size=50)


@given(probs, st.integers(min_value=1, max_value=100))
def test_bits_per_char_is_the_total_bits_shared_out(p, num_chars):
    total_bits = -sum(math.log2(x) for x in p)
    ppl = d2lmini.perplexity(p)
    assert d2lmini.bits_per_char(ppl, len(p), num_chars) == pytest.approx(
        total_bits / num_chars, rel=1e-9, abs=1e-9
    )


def test_one_token_per_character_is_log2_of_the_perplexity():
    assert d2lmini.bits_per_char(8, 100, 100) == pytest.approx(3.0)
    assert d2lmini.bits_per_char(1, 5, 3) == 0.0
    assert d2lmini.bits_per_char(math.inf, 5, 3) == math.inf


def test_a_jamo_model_and_a_syllable_model_of_the_same_text_agree():
    """Give each syllable of a text probability 1/4; a jamo model that gives the
    first jamo of each block 1/4 and the rest 1 assigns the text the same
    probability. Their perplexities per token differ, their bits per character not."""
    text = "한국 헌법"
    syllables, jamo = list(text), list(hangul.decompose(text))
    syllable_probs = [0.25] * len(syllables)
    jamo_probs = []
    for ch in text:
        parts = hangul.decompose(ch)
        jamo_probs += [0.25] + [1.0] * (len(parts) - 1)
    assert len(jamo_probs) == len(jamo) > len(syllables)
    ppl_syl, ppl_jamo = map(d2lmini.perplexity, (syllable_probs, jamo_probs))
    assert ppl_jamo < ppl_syl  # per token the jamo model looks better ...
    bpc = [
        d2lmini.bits_per_char(ppl_syl, len(syllables), len(text)),
        d2lmini.bits_per_char(ppl_jamo, len(jamo), len(text)),
    ]
    assert bpc == pytest.approx([2.0, 2.0])  # ... per character they are the same


@pytest.mark.parametrize(
    "args, exc",
    [
        ((0.5, 1, 1), ValueError),
        ((float("nan"), 1, 1), ValueError),
        ((2.0, 0, 1), ValueError),
        ((2.0, 1, 0), ValueError),
        ((2.0, 1.5, 1), TypeError),
        (("2", 1, 1), TypeError),
    ],
)
def test_bad_arguments_are_clear_errors(args, exc):
    with pytest.raises(exc):
        d2lmini.bits_per_char(*args)
