"""d2lmini.hangul against an independent reference: Unicode's own normalization
(NFD splits a syllable block into conjoining jamo, NFC joins them)."""

import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from d2lmini import hangul

ALL_SYLLABLES = "".join(map(chr, range(0xAC00, 0xD7A4)))
CONJOINING = [chr(c) for c in (*range(0x1100, 0x1113), *range(0x1161, 0x1176))] + [
    chr(c) for c in range(0x11A8, 0x11C3)
]
COMPATIBILITY = "".join(map(chr, range(0x3131, 0x318F)))  # ㄱ … ㆎ


def test_the_counts_of_the_arithmetic():
    assert len(ALL_SYLLABLES) == hangul.SYLLABLES == 11_172
    assert sum(map(hangul.is_initial, CONJOINING)) == 19
    assert sum(map(hangul.is_medial, CONJOINING)) == 21
    assert sum(map(hangul.is_final, CONJOINING)) == 27


def test_every_syllable_splits_as_nfd_and_joins_back():
    for ch in ALL_SYLLABLES:
        jamo = hangul.split_syllable(ch)
        assert jamo == unicodedata.normalize("NFD", ch)
        assert hangul.join_jamo(*jamo) == ch
    assert hangul.decompose(ALL_SYLLABLES) == unicodedata.normalize(
        "NFD", ALL_SYLLABLES
    )
    assert hangul.compose(hangul.decompose(ALL_SYLLABLES)) == ALL_SYLLABLES


def test_the_jamo_are_named_as_unicode_names_them():
    assert [unicodedata.name(j) for j in hangul.split_syllable("한")] == [
        "HANGUL CHOSEONG HIEUH",
        "HANGUL JUNGSEONG A",
        "HANGUL JONGSEONG NIEUN",
    ]
    assert hangul.split_syllable("가") == "\u1100\u1161"  # no final consonant
    assert hangul.split_syllable("힣") == "\u1112\u1175\u11c2"


def test_an_initial_and_a_final_consonant_are_different_characters():
    initial, _, final = hangul.split_syllable("각")
    assert initial != final and hangul.is_initial(initial) and hangul.is_final(final)
    assert hangul.compose(hangul.decompose("가가")) == "가가"
    assert hangul.compose(hangul.decompose("각아")) == "각아"


def test_non_hangul_characters_are_left_alone():
    other = "abc XYZ 123 .,·①\n\t😀 漢字 é " + COMPATIBILITY
    assert hangul.decompose(other) == other
    assert hangul.compose(other) == other
    mixed = "제1조 ①대한민국은 민주공화국이다. ㅋㅋ"
    assert hangul.compose(hangul.decompose(mixed)) == mixed
    assert hangul.decompose(mixed).count("ㅋ") == 2  # compatibility jamo stay


def test_compatibility_jamo_are_not_composed():
    assert hangul.compose("ㅎㅏㄴ") == "ㅎㅏㄴ"  # typed alone: no position, no block
    assert hangul.compose("\u1112ㅏ") == "\u1112ㅏ"


def test_jamo_that_cannot_form_a_block_stay_visible():
    lone_medial, lone_final = "\u1161", "\u11ab"
    assert hangul.compose(lone_medial + "\u1100\u1161") == lone_medial + "가"
    assert hangul.compose("\u1100" + lone_final) == "\u1100" + lone_final
    assert hangul.compose("\u1100\u1161\u11ab\u11ab") == "간" + lone_final
    # a final right after an initial + medial belongs to that block
    assert hangul.compose("\u1100\u1161\u11a8\u1161") == "각\u1161"


jamo_or_ascii = st.text(alphabet=st.sampled_from([*CONJOINING, "a", " ", "."]))


@given(jamo_or_ascii)
def test_compose_agrees_with_nfc_on_any_jamo_string(text):
    assert hangul.compose(text) == unicodedata.normalize("NFC", text)


@given(st.text())
def test_decompose_then_compose_is_lossless_without_conjoining_jamo(text):
    jamo = (hangul.is_initial, hangul.is_medial, hangul.is_final)
    assume(not any(test(ch) for ch in text for test in jamo))
    assert hangul.compose(hangul.decompose(text)) == text


def test_preprocess_keeps_syllables_and_single_spaces():
    assert hangul.preprocess("제1조 ①대한민국은\r\n민주공화국이다.") == (
        "제 조 대한민국은 민주공화국이다 "
    )
    assert hangul.preprocess("abc") == " " and hangul.preprocess("") == ""


@pytest.mark.parametrize("bad", ["", "가나", "a", "ㄱ", "\u1100"])
def test_split_syllable_wants_one_block(bad):
    with pytest.raises(ValueError, match="split_syllable"):
        hangul.split_syllable(bad)


@pytest.mark.parametrize(
    "args",
    [("ㄱ", "ㅏ"), ("\u1161", "\u1100"), ("\u1100", "\u1161", "\u1100"), ("가", "")],
)
def test_join_jamo_wants_conjoining_jamo_in_place(args):
    with pytest.raises(ValueError, match="conjoining"):
        hangul.join_jamo(*args)


@pytest.mark.parametrize("func", [hangul.decompose, hangul.compose, hangul.preprocess])
def test_text_must_be_a_string(func):
    with pytest.raises(TypeError, match="text must be a string"):
        func(["가"])


# ---------------------------------------------------------------- visible leftovers
def _letter_name(ch):
    """'HANGUL JONGSEONG NIEUN' or 'HANGUL LETTER NIEUN' -> 'NIEUN'."""
    return unicodedata.name(ch).split(" ", 2)[2]


def test_each_conjoining_jamo_becomes_the_compatibility_letter_of_its_name():
    for jamo in CONJOINING:
        letter = hangul.compatibility_jamo(jamo)
        assert letter in COMPATIBILITY and _letter_name(letter) == _letter_name(jamo)
    assert (
        hangul.compatibility_jamo("\u11ab")
        == "ㄴ"
        == hangul.compatibility_jamo("\u1102")
    )
    assert hangul.compatibility_jamo("\u11aa") == "ㄳ"  # a final-only cluster


@pytest.mark.parametrize("bad", ["", "가", "ㄴ", "a", "\u1100\u1161", "\u1113"])
def test_compatibility_jamo_wants_one_modern_conjoining_jamo(bad):
    with pytest.raises(ValueError, match="compatibility_jamo"):
        hangul.compatibility_jamo(bad)


def test_jamo_that_cannot_form_a_block_are_shown_in_brackets():
    a, n, g = "\u1161", "\u11ab", "\u1100"  # a lone medial, final and initial
    assert hangul.compose_visible(g + a + a) == "가[ㅏ]"
    assert (
        hangul.compose_visible(hangul.decompose("대한") + a + n + g) == "대한[ㅏㄴㄱ]"
    )
    assert hangul.compose_visible(g + " " + a) == "[ㄱ] [ㅏ]"  # runs end at a space
    assert hangul.compose_visible(n, brackets="⟨⟩") == "⟨ㄴ⟩"
    text = "제1조 ①대한민국은 민주공화국이다. ㅋㅋ"
    assert hangul.compose_visible(hangul.decompose(text)) == text  # nothing left over


@pytest.mark.parametrize("brackets", ["", "[", "[[]"])
def test_compose_visible_wants_two_brackets(brackets):
    with pytest.raises(ValueError, match="brackets"):
        hangul.compose_visible("\u1161", brackets=brackets)


LEFTOVER = "[\u1100-\u1112\u1161-\u1175\u11a8-\u11c2]"


@given(jamo_or_ascii)
def test_compose_visible_drops_nothing_and_leaves_no_conjoining_jamo(text):
    import re

    shown, plain = hangul.compose_visible(text, "<>"), hangul.compose(text)
    assert not re.search(LEFTOVER, shown)
    inside = "".join(re.findall("<([^>]*)>", shown))
    leftovers = re.findall(LEFTOVER, plain)
    assert inside == "".join(map(hangul.compatibility_jamo, leftovers))
    # outside the brackets: exactly compose's text without its leftover jamo
    assert re.sub("<[^>]*>", "", shown) == re.sub(LEFTOVER, "", plain)
