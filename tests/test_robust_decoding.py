"""Decoding pinned down directly: greedy is the
argmax, temperature divides the logits."""

import pytest
import torch

from d2lmini import RNN, RNNLM, RNNLMScratch, RNNScratch, Vocab
from robust_helpers import one_thread  # noqa: F401 (an autouse fixture)

VOCAB = Vocab(list("abc"))  # <unk> a b c
V = len(VOCAB)


def model_with_logits(table):
    """An LM whose logits after reading token ``i`` are exactly ``table[i]``: the hidden
    state is the one-hot vector of the last token (tanh(20) is 1.0 in float32)."""
    model = RNNLMScratch(RNNScratch(V, V), V)
    with torch.no_grad():
        model.rnn.W_xh.copy_(20 * torch.eye(V))
        model.rnn.W_hh.zero_()
        model.rnn.b_h.zero_()
        model.W_hq.copy_(torch.as_tensor(table, dtype=torch.float32))
        model.b_q.zero_()
    return model


def test_known_logits_are_what_the_model_computes():
    table = torch.randn(V, V)
    model = model_with_logits(table)
    X = torch.tensor([[1, 2, 3, 0]])
    assert torch.allclose(model(X)[0], table[X[0]], atol=1e-6)


def test_greedy_follows_the_largest_logit():
    # after a → c, after c → b, after b → a (and the smallest logit points elsewhere)
    table = [
        [0, 1, 2, 3],  # <unk>
        [0, 1, -5, 9],  # a → c
        [0, 9, 1, -5],  # b → a
        [0, -5, 9, 1],
    ]  # c → b
    model = model_with_logits(table)
    assert model.predict("a", 6, VOCAB) == "acbacba"
    assert model.predict("b", 3, VOCAB) == "bacb"


def test_sample_frequencies_at_temperature_one_half():
    p = torch.tensor([0.6, 0.3, 0.1])
    row = [-30.0, *p.log().tolist()]  # <unk> is never drawn
    model = model_with_logits([row] * V)
    n = 3000
    text = model.sample("a", n, VOCAB, temperature=0.5, seed=0)[1:]
    freq = torch.tensor([text.count(c) / n for c in "abc"])
    expected = p**2 / (p**2).sum()  # softmax(log p / 0.5) ∝ p²
    wrong = p**0.5 / (p**0.5).sum()  # what multiplying by T would give
    sd = (expected * (1 - expected) / n).sqrt()
    assert ((freq - expected).abs() < 5 * sd).all(), (freq, expected)
    assert (freq - wrong).abs().max() > 0.1
    ones = model.sample("a", n, VOCAB, temperature=1.0, seed=0)[1:]
    freq1 = torch.tensor([ones.count(c) / n for c in "abc"])
    assert ((freq1 - p).abs() < 5 * (p * (1 - p) / n).sqrt()).all()


def no_unk(model):
    """Push the logit of <unk> far down so every generated token is one character."""
    bias = model.b_q if hasattr(model, "b_q") else model.linear.bias
    with torch.no_grad():
        bias[0] = -100.0
    return model


@pytest.mark.parametrize(
    "make",
    [
        lambda: RNNLMScratch(RNNScratch(V, 8, sigma=1.0), V),
        lambda: RNNLM(RNN(V, 8), V),
    ],
    ids=["scratch", "concise"],
)
def test_each_greedy_token_is_the_argmax_of_a_full_forward_pass(make):
    torch.manual_seed(3)
    model = no_unk(make())
    out = model.predict("ab", 12, VOCAB)
    ids = torch.tensor([VOCAB[list(out)]])
    with torch.no_grad():
        logits = model(ids[:, :-1])[0]
    assert torch.equal(logits.argmax(-1)[1:], ids[0, 2:])


def test_same_seed_same_sample_and_the_model_mode_is_kept():
    torch.manual_seed(0)
    model = no_unk(RNNLMScratch(RNNScratch(V, 8, sigma=1.0), V))
    model.eval()
    a = model.sample("a", 30, VOCAB, temperature=0.7, seed=11)
    assert a == model.sample("a", 30, VOCAB, temperature=0.7, seed=11)
    assert not model.training
    assert len(a) == 31 and set(a) <= set("abc")
