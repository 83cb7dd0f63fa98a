"""Hangul syllable blocks and their jamo, by Unicode arithmetic.

A modern Hangul syllable block (U+AC00 '가' … U+D7A3 '힣') is an initial consonant
(초성, 19 kinds), a medial vowel (중성, 21) and an optional final consonant
(종성, 27 kinds or none). Its code point is::

    0xAC00 + (initial × 21 + medial) × 28 + final      (final 0: no final)

Jamo are written as Unicode's *conjoining* jamo (U+1100 …), the characters of the
canonical decomposition NFD. An initial ㄱ (U+1100) and a final ㄱ (U+11A8) are
different characters there, so a jamo string says where every consonant sits and
composes back in only one way. The *compatibility* jamo (U+3131 …), the letters
that a keyboard types on their own as in 'ㅋㅋ', have no position; here they are
ordinary characters and are left alone both ways, like every non-Hangul character.
"""

import re

from ._checks import fail, string

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3  # 가 … 힣
INITIAL_BASE = 0x1100  # ᄀ, the first of the 19 initial consonants
MEDIAL_BASE = 0x1161  # ᅡ, the first of the 21 medial vowels
FINAL_BASE = 0x11A7  # one before ᆨ: final index 0 means "no final consonant"
INITIALS, MEDIALS, FINALS = 19, 21, 28  # FINALS counts "none" as well
SYLLABLES = INITIALS * MEDIALS * FINALS  # 11,172


def is_syllable(ch):
    """True for a modern Hangul syllable block, '가' … '힣'.

    Taught in 9.2.
    """
    return SYLLABLE_FIRST <= ord(ch) <= SYLLABLE_LAST


def is_initial(ch):
    """True for one of the 19 conjoining initial consonants (초성), U+1100 … U+1112.

    Taught in 9.3.
    """
    return 0 <= ord(ch) - INITIAL_BASE < INITIALS


def is_medial(ch):
    """True for one of the 21 conjoining medial vowels (중성), U+1161 … U+1175.

    Taught in 9.3.
    """
    return 0 <= ord(ch) - MEDIAL_BASE < MEDIALS


def is_final(ch):
    """True for one of the 27 conjoining final consonants (종성), U+11A8 … U+11C2.

    Taught in 9.3.
    """
    return 0 < ord(ch) - FINAL_BASE < FINALS


def split_syllable(syllable):
    """The jamo of one syllable block: initial, medial and, if it has one, final.

    ``split_syllable('한') == 'ᄒ' + 'ᅡ' + 'ᆫ'`` (U+1112 U+1161 U+11AB).

    Taught in 9.2.
    """
    string("syllable", syllable)
    if len(syllable) != 1 or not is_syllable(syllable):
        fail(
            f"split_syllable은 한글 음절 하나('가' … '힣')를 받습니다. "
            f"받은 값: {syllable!r}",
            f"split_syllable takes one Hangul syllable block ('가' … '힣'), "
            f"got {syllable!r}.",
        )
    index = ord(syllable) - SYLLABLE_FIRST
    initial, rest = divmod(index, MEDIALS * FINALS)
    medial, final = divmod(rest, FINALS)
    jamo = chr(INITIAL_BASE + initial) + chr(MEDIAL_BASE + medial)
    return jamo + chr(FINAL_BASE + final) if final else jamo


def join_jamo(initial, medial, final=""):
    """The syllable block of an initial, a medial and an optional final jamo.

    ``join_jamo('ᄒ', 'ᅡ', 'ᆫ') == '한'``; the inverse of ``split_syllable``.

    Taught in 9.2.
    """
    for name, ch, test in [
        ("initial", initial, is_initial),
        ("medial", medial, is_medial),
        ("final", final or chr(FINAL_BASE + 1), is_final),
    ]:
        string(name, ch)
        if len(ch) != 1 or not test(ch):
            fail(
                f"{name}은(는) 조합형 자모 하나여야 합니다. 받은 값: {ch!r}",
                f"{name} must be one conjoining {name} jamo, got {ch!r}.",
            )
    initial_index = ord(initial) - INITIAL_BASE
    medial_index = ord(medial) - MEDIAL_BASE
    final_index = ord(final) - FINAL_BASE if final else 0
    code = (initial_index * MEDIALS + medial_index) * FINALS + final_index
    return chr(SYLLABLE_FIRST + code)


def decompose(text):
    """Replace every syllable block of ``text`` by its jamo; leave the rest alone.

    Taught in 9.2.
    """
    string("text", text)
    return "".join(split_syllable(ch) if is_syllable(ch) else ch for ch in text)


def compose(text):
    """Join every initial + medial (+ final) run of conjoining jamo into its block.

    Everything else stays as it is: other characters, and jamo that cannot start
    or finish a block (a medial without an initial, a final without a vowel), so
    ``compose(decompose(s)) == s`` for any ``s`` without conjoining jamo.

    Taught in 9.2.
    """
    string("text", text)
    out, i = [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and is_initial(pair[0]) and is_medial(pair[1]):
            final = text[i + 2 : i + 3]
            final = final if final and is_final(final) else ""
            out.append(join_jamo(pair[0], pair[1], final))
            i += 2 + len(final)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def preprocess(text):
    """Keep Hangul syllable blocks only: every run of
    other characters becomes one space.

    Taught in 9.2.
    """
    string("text", text)
    return re.sub("[^\uac00-\ud7a3]+", " ", text)


# The compatibility jamo that write each conjoining jamo on its own, in Unicode's
# order of the conjoining ones (initials U+1100 …, medials U+1161 …, finals U+11A8 …).
COMPATIBILITY_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
COMPATIBILITY_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
COMPATIBILITY_FINALS = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
_CONJOINING_RUN = re.compile("[\u1100-\u1112\u1161-\u1175\u11a8-\u11c2]+")


def compatibility_jamo(jamo):
    """The compatibility jamo (U+3131 …) that writes one conjoining jamo on its own.

    ``compatibility_jamo('ᆫ') == 'ㄴ'`` (a final NIEUN becomes the letter NIEUN); an
    initial and a final consonant of the same letter give the same result.

    Used by compose_visible (9.6).
    """
    string("jamo", jamo)
    for test, base, letters in [
        (is_initial, INITIAL_BASE, COMPATIBILITY_INITIALS),
        (is_medial, MEDIAL_BASE, COMPATIBILITY_MEDIALS),
        (is_final, FINAL_BASE + 1, COMPATIBILITY_FINALS),
    ]:
        if len(jamo) == 1 and test(jamo):
            return letters[ord(jamo) - base]
    fail(
        f"compatibility_jamo는 조합형 자모 하나를 받습니다. 받은 값: {jamo!r}",
        f"compatibility_jamo takes one conjoining jamo, got {jamo!r}.",
    )


def compose_visible(text, brackets="[]"):
    """``compose(text)``, with every jamo that could not join a block shown visibly.

    A run of leftover conjoining jamo (a vowel without an initial, a final without a
    vowel, an initial without a vowel) is written as compatibility jamo between
    ``brackets``, one letter per jamo: ``compose_visible('가ᅡ') == '가[ㅏ]'``.
    Unlike ``compose``, whose leftovers a font may draw as blanks or as parts of the
    next block, nothing here can vanish or merge into a neighbour.

    Taught in 9.6.
    """
    string("brackets", brackets)
    if len(brackets) != 2:
        fail(
            "brackets는 여는 문자와 닫는 문자, 두 글자여야 합니다. "
            f"받은 값: {brackets!r}",
            f"brackets must be two characters (opening, closing), got {brackets!r}.",
        )
    opening, closing = brackets

    def shown(run):
        letters = "".join(map(compatibility_jamo, run.group()))
        return opening + letters + closing

    return _CONJOINING_RUN.sub(shown, compose(text))
