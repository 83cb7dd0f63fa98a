"""From raw text to tokens and a vocabulary."""

import collections
import collections.abc
import re

from ._checks import choice, fail, integer, non_negative, string, warn

TOKEN_KINDS = ("char", "word")


def preprocess(text):
    """Keep letters only: every run of other
    characters becomes one space; lower-case.

    Taught in 9.2.
    """
    string("text", text)
    return re.sub("[^A-Za-z]+", " ", text).lower()


def tokenize(text, token="char"):
    """Split text into characters (``"char"``) or
    whitespace-separated words (``"word"``).

    Taught in 9.2.
    """
    string("text", text, " (tokenize one string; for several, tokenize each)")
    choice("token", token, TOKEN_KINDS)
    return list(text) if token == "char" else text.split()


def _flatten(tokens):
    if tokens is None or hasattr(tokens, "dtype"):
        fail(
            "tokens는 토큰(문자열)의 리스트나 그런 리스트들의 "
            f"리스트여야 합니다. 받은 형식: {type(tokens).__name__}",
            f"tokens must be a list of tokens (strings) or a list of such lists, got "
            f"{type(tokens).__name__}.",
            TypeError,
        )
    tokens = list(tokens)
    if tokens and all(isinstance(t, (list, tuple)) for t in tokens):
        tokens = [tok for line in tokens for tok in line]
    for t in tokens:
        if not isinstance(t, collections.abc.Hashable):
            fail(
                f"토큰은 모두 문자열(또는 해시 가능한 값)이어야 합니다. 받은 토큰: "
                f"{type(t).__name__} {t!r:.40}",
                f"every token must be a string (or another hashable value), got "
                f"{type(t).__name__}: {t!r:.40}.",
                TypeError,
            )
    return tokens


def _iterable(name, value):
    try:
        return list(value)
    except TypeError:
        fail(
            f"{name}은(는) 리스트여야 합니다. 받은 형식: {type(value).__name__}",
            f"{name} must be a list, got {type(value).__name__}.",
            TypeError,
        )


class Vocab:
    """Map tokens to indices and back.

    Index 0 is ``<unk>``, then the ``reserved_tokens`` in the order given,
    then every token seen at least ``min_freq`` times, most frequent first
    (ties in alphabetical order), so a token's index is its frequency
    rank. ``tokens`` may be a flat list or a list of lists. Looking up a
    token that is not in the vocabulary gives the index of ``<unk>``.

    Taught in 9.2.
    """

    UNK = "<unk>"

    def __init__(self, tokens=(), min_freq=0, reserved_tokens=()):
        non_negative("min_freq", min_freq)
        if isinstance(reserved_tokens, str) or not all(
            isinstance(t, str) for t in _iterable("reserved_tokens", reserved_tokens)
        ):
            fail(
                f"reserved_tokens는 ['<pad>']처럼 문자열의 리스트여야 합니다. 받은 값: "
                f"{reserved_tokens!r} (문자열 하나만 주면 문자마다 쪼개집니다).",
                "reserved_tokens must be a list of strings, e.g. ['<pad>'], got "
                f"{reserved_tokens!r} (a single string would be split into "
                "characters).",
                TypeError,
            )
        counter = collections.Counter(_flatten(tokens))
        #: (token, count) pairs, most frequent first; ties broken by the token's text
        self.token_freqs = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
        self.idx_to_token = []
        for tok in [self.UNK, *reserved_tokens]:
            if tok not in self.idx_to_token:
                self.idx_to_token.append(tok)
        specials = set(self.idx_to_token)
        self.idx_to_token += [
            t for t, f in self.token_freqs if f >= min_freq and t not in specials
        ]
        self.token_to_idx = {tok: i for i, tok in enumerate(self.idx_to_token)}
        kinds = {
            (type(t), len(t) if isinstance(t, str) else 0) for t, _ in self.token_freqs
        }
        self._strings = bool(kinds) and all(k is str for k, _ in kinds)
        self._chars = self._strings and all(n == 1 for _, n in kinds)

    def __len__(self):
        return len(self.idx_to_token)

    def __contains__(self, token):
        return token in self.token_to_idx

    def __getitem__(self, tokens):
        """One token → its index; a list (or tuple) of tokens →
        a list of indices (lists of lists give lists of lists).

        An unknown token gives the index of ``<unk>``; a several-character string looked
        up in a character vocabulary also warns (look up ``list(word)`` instead).
        """
        if hasattr(tokens, "tolist") and not isinstance(tokens, str):
            tokens = tokens.tolist()
        many = isinstance(tokens, (list, tuple))
        if many and any(isinstance(t, (list, tuple)) for t in tokens):
            return [self[t] for t in tokens]
        items = tokens if many else [tokens]
        get = self.token_to_idx.get
        ids = [
            get(t, 0) if isinstance(t, collections.abc.Hashable) else None
            for t in items
        ]
        missed = [
            t for t, i in zip(items, ids) if not i and (i is None or t != self.UNK)
        ]
        if missed:
            self._unknown(missed)
        return ids if many else ids[0]

    def _unknown(self, tokens):
        """Unknown tokens map to ``<unk>``; tokens of the wrong kind are an error, and
        words looked up in a character vocabulary get a warning."""
        for t in tokens:
            if not isinstance(t, collections.abc.Hashable) or (
                not isinstance(t, str) and self._strings
            ):
                fail(
                    "vocab[...]은 토큰(문자열)을 인덱스로 바꿉니다. 받은 "
                    f"값: {t!r:.40} ({type(t).__name__}). 인덱스를 "
                    "토큰으로 바꾸려면 vocab.to_tokens를 쓰세요.",
                    "vocab[...] maps tokens (strings) to indices, "
                    f"got {t!r:.40} ({type(t).__name__}); to turn "
                    "indices into tokens use vocab.to_tokens.",
                    TypeError,
                )
        words = [t for t in tokens if isinstance(t, str) and len(t) > 1]
        if words and self._chars:
            w = words[0]
            warn(
                f"{w!r}은(는) 여러 글자인데 이 어휘는 문자 하나하나를 담고 "
                f"있어 <unk>(인덱스 0)가 됩니다. vocab[list({w!r})]로 찾으세요.",
                f"{w!r} is several characters, but this vocabulary "
                "holds single characters, so it maps to <unk> "
                f"(index 0): look up vocab[list({w!r})] instead.",
                stacklevel=4,
            )

    def to_tokens(self, indices):
        """One index → its token; a sequence of
        indices (list, tensor, array) → a list."""
        if hasattr(indices, "tolist"):
            indices = indices.tolist()
        if isinstance(indices, (list, tuple)):
            return [self.to_tokens(i) for i in indices]
        indices = integer("index", indices)
        if not 0 <= indices < len(self):
            fail(
                f"인덱스 {indices}는 어휘 범위(0 … {len(self) - 1}) 밖입니다.",
                f"index {indices} is outside the vocabulary (0 … {len(self) - 1}).",
                IndexError,
            )
        return self.idx_to_token[int(indices)]

    @property
    def unk(self):
        """Index of the unknown token ``<unk>``."""
        return 0

    @property
    def is_char_level(self):
        """True when every ordinary token is a single character."""
        return self._chars

    def __repr__(self):
        return f"Vocab(size={len(self)}, top={self.idx_to_token[1:6]})"
