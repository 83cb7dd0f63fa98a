"""From raw text to tokens and a vocabulary."""
import collections
import re

from ._checks import choice, fail, non_negative

TOKEN_KINDS = ("char", "word")


def preprocess(text):
    """Keep letters only: every run of other characters becomes one space; lower-case."""
    return re.sub("[^A-Za-z]+", " ", text).lower()


def tokenize(text, token="char"):
    """Split text into characters (``"char"``) or whitespace-separated words (``"word"``)."""
    choice("token", token, TOKEN_KINDS)
    return list(text) if token == "char" else text.split()


def _flatten(tokens):
    tokens = list(tokens)
    if tokens and all(isinstance(t, (list, tuple)) for t in tokens):
        return [tok for line in tokens for tok in line]
    return tokens


class Vocab:
    """Map tokens to indices and back.

    Index 0 is ``<unk>``, then the ``reserved_tokens`` in the order given, then every token
    seen at least ``min_freq`` times, most frequent first (ties in alphabetical order), so a
    token's index is its frequency rank. ``tokens`` may be a flat list or a list of lists.
    Looking up a token that is not in the vocabulary gives the index of ``<unk>``.
    """

    UNK = "<unk>"

    def __init__(self, tokens=(), min_freq=0, reserved_tokens=()):
        non_negative("min_freq", min_freq)
        counter = collections.Counter(_flatten(tokens))
        #: (token, count) pairs, most frequent first; ties broken by the token's text
        self.token_freqs = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
        self.idx_to_token = []
        for tok in [self.UNK, *reserved_tokens]:
            if tok not in self.idx_to_token:
                self.idx_to_token.append(tok)
        specials = set(self.idx_to_token)
        self.idx_to_token += [t for t, f in self.token_freqs if f >= min_freq and t not in specials]
        self.token_to_idx = {tok: i for i, tok in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __contains__(self, token):
        return token in self.token_to_idx

    def __getitem__(self, tokens):
        """One token → its index; a list (or tuple) of tokens → a list of indices."""
        if isinstance(tokens, (list, tuple)):
            return [self[t] for t in tokens]
        return self.token_to_idx.get(tokens, 0)

    def to_tokens(self, indices):
        """One index → its token; a sequence of indices (list, tensor, array) → a list."""
        if hasattr(indices, "tolist"):
            indices = indices.tolist()
        if isinstance(indices, (list, tuple)):
            return [self.to_tokens(i) for i in indices]
        if not 0 <= int(indices) < len(self):
            fail(f"index {indices} is outside the vocabulary (0 … {len(self) - 1}).",
                 f"인덱스 {indices}는 어휘 범위(0 … {len(self) - 1}) 밖입니다.", IndexError)
        return self.idx_to_token[int(indices)]

    @property
    def unk(self):
        """Index of the unknown token ``<unk>``."""
        return 0

    @property
    def is_char_level(self):
        """True when every ordinary token is a single character."""
        return bool(self.token_freqs) and all(
            isinstance(t, str) and len(t) == 1 for t, _ in self.token_freqs)

    def __repr__(self):
        return f"Vocab(size={len(self)}, top={self.idx_to_token[1:6]})"
