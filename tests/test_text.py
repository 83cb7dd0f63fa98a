import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from d2lmini import Vocab, preprocess, tokenize

words = st.lists(
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=4), max_size=60
)


def test_preprocess_keeps_lowercase_letters_and_single_spaces():
    assert (
        preprocess("The Time-Machine, 1895!\n\nBy H.G. Wells")
        == "the time machine by h g wells"
    )


def test_tokenize_char_and_word():
    assert tokenize("ab c") == ["a", "b", " ", "c"]
    assert tokenize("ab  c", token="word") == ["ab", "c"]


@given(words)
def test_vocab_round_trips_every_seen_token(tokens):
    vocab = Vocab(tokens)
    assert vocab.to_tokens(vocab[tokens]) == tokens


@given(words, st.randoms())
def test_vocab_order_is_deterministic_and_by_frequency(tokens, rnd):
    shuffled = list(tokens)
    rnd.shuffle(shuffled)
    a, b = Vocab(tokens), Vocab(shuffled)
    assert a.idx_to_token == b.idx_to_token
    assert a.token_freqs == b.token_freqs
    counts = [c for _, c in a.token_freqs]
    assert counts == sorted(counts, reverse=True)
    # index order follows the frequency ranking after <unk>
    assert a.idx_to_token[1:] == [t for t, _ in a.token_freqs]


@given(words, st.integers(0, 5))
def test_min_freq_drops_rare_tokens_to_unk(tokens, min_freq):
    vocab = Vocab(tokens, min_freq=min_freq)
    for tok, count in vocab.token_freqs:
        assert (vocab[tok] != vocab.unk) == (count >= min_freq)


def test_unknown_tokens_and_reserved_tokens():
    vocab = Vocab(["a", "b", "a"], reserved_tokens=["<pad>", "<bos>"])
    assert vocab.to_tokens([0, 1, 2]) == ["<unk>", "<pad>", "<bos>"]
    with pytest.warns(UserWarning, match="single characters"):  # a word, a char vocab
        assert vocab["zzz"] == vocab.unk == 0
    assert vocab["z"] == 0
    with pytest.warns(UserWarning, match="single characters"):
        assert vocab[["a", "zzz"]] == [vocab["a"], 0]
    assert len(vocab) == 5


def test_vocab_accepts_nested_lists():
    assert Vocab([["a", "b"], ["b"]]).token_freqs == [("b", 2), ("a", 1)]


def test_to_tokens_accepts_tensors_and_rejects_bad_indices():
    import torch

    vocab = Vocab("abca")
    assert vocab.to_tokens(torch.tensor([1, 2])) == ["a", "b"]
    with pytest.raises(IndexError, match="outside the vocabulary"):
        vocab.to_tokens(99)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"min_freq": -1}, "min_freq must be >= 0"),
    ],
)
def test_vocab_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Vocab(["a"], **kwargs)


def test_tokenize_rejects_unknown_kind():
    with pytest.raises(ValueError, match="'char', 'word'"):
        tokenize("abc", token="byte")
