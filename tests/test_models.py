import pytest
import torch
import torch.nn.functional as F

import d2lmini
from d2lmini import RNN, RNNLM, RNNLMScratch, RNNScratch, Vocab
from d2lmini.bptt import tanh_recurrence


def scratch_with_torch_weights(num_inputs=5, num_hiddens=7):
    torch.manual_seed(0)
    ref = torch.nn.RNN(num_inputs, num_hiddens)
    ours = RNNScratch(num_inputs, num_hiddens)
    with torch.no_grad():
        ours.W_xh.copy_(ref.weight_ih_l0.T)
        ours.W_hh.copy_(ref.weight_hh_l0.T)
        ours.b_h.copy_(ref.bias_ih_l0 + ref.bias_hh_l0)
    return ours, ref


def test_rnn_scratch_equals_torch_rnn():
    ours, ref = scratch_with_torch_weights()
    X = torch.randn(9, 3, 5)
    h0 = torch.randn(3, 7)
    out, state = ours(X, h0)
    ref_out, ref_state = ref(X, h0.unsqueeze(0))
    assert out.shape == (9, 3, 7)
    assert torch.allclose(out, ref_out, atol=1e-5)
    assert torch.allclose(state, ref_state[0], atol=1e-5)


def test_rnn_scratch_gradients_equal_torch_rnn():
    ours, ref = scratch_with_torch_weights()
    X = torch.randn(6, 4, 5)
    ours(X)[0].square().sum().backward()
    ref(X)[0].square().sum().backward()
    assert torch.allclose(ours.W_hh.grad, ref.weight_hh_l0.grad.T, atol=1e-5)
    assert torch.allclose(ours.W_xh.grad, ref.weight_ih_l0.grad.T, atol=1e-5)
    assert torch.allclose(ours.b_h.grad, ref.bias_ih_l0.grad, atol=1e-5)


def test_hand_written_bptt_matches_autograd_in_double():
    torch.manual_seed(1)
    A = torch.randn(5, 3, 4, dtype=torch.double, requires_grad=True)
    h0 = torch.randn(3, 4, dtype=torch.double, requires_grad=True)
    W = torch.randn(4, 4, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(tanh_recurrence, (A, h0, W))


def test_token_ids_are_read_as_one_hot_vectors():
    rnn = RNNScratch(6, 4, sigma=0.5)
    ids = torch.randint(0, 6, (7, 3))
    out_ids, _ = rnn(ids)
    out_onehot, _ = rnn(F.one_hot(ids, 6).float())
    assert torch.allclose(out_ids, out_onehot, atol=1e-6)


def test_concise_rnn_keeps_the_scratch_interface():
    rnn = RNN(5, 7)
    out, state = rnn(torch.randn(4, 2, 5), torch.zeros(2, 7))
    assert out.shape == (4, 2, 7) and state.shape == (2, 7)
    assert torch.equal(out[-1], state)


@pytest.mark.parametrize(
    "make",
    [
        lambda V: RNNLMScratch(RNNScratch(V, 8), V),
        lambda V: RNNLM(RNN(V, 8), V),
    ],
)
def test_language_model_shapes_and_loss(make):
    model = make(10)
    X = torch.randint(0, 10, (3, 6))
    logits = model(X)
    assert logits.shape == (3, 6, 10)
    loss, n = model.batch_loss((X, X))
    assert n == 18
    assert torch.allclose(loss, model.loss(logits, X))


def test_untrained_model_perplexity_is_near_vocab_size():
    torch.manual_seed(0)
    model = RNNLMScratch(RNNScratch(28, 16), 28)
    X = torch.randint(0, 28, (32, 20))
    loss, _ = model.batch_loss((X, X))
    assert abs(torch.exp(loss).item() - 28) < 0.5


def test_predict_greedy_sample_and_unknown_characters():
    torch.manual_seed(0)
    vocab = Vocab(list("abc "))
    model = RNNLMScratch(RNNScratch(len(vocab), 8, sigma=1.0), len(vocab))
    out = model.predict("ab", 5, vocab)
    assert out.startswith("ab") and len(out) == 7
    assert model.predict("ab", 5, vocab) == out  # greedy is deterministic
    assert model.predict("aZ", 3, vocab).startswith("aZ")  # Z is <unk>, no crash
    s1 = model.sample("ab", 20, vocab, temperature=1.0, seed=1)
    assert s1 == model.sample("ab", 20, vocab, temperature=1.0, seed=1)
    assert model.predict("ab", 0, vocab) == "ab"


@pytest.mark.parametrize(
    "args, error, message",
    [
        (("", 3), ValueError, "prefix is empty"),
        (("ab", -1), ValueError, "num_preds must be >= 0"),
        (("ab", 1.5), TypeError, "num_preds must be an integer"),
        ((42, 3), TypeError, "prefix must be a string"),
    ],
)
def test_predict_bad_input(args, error, message):
    vocab = Vocab(list("abc"))
    model = RNNLMScratch(RNNScratch(len(vocab), 4), len(vocab))
    with pytest.raises(error, match=message):
        model.predict(args[0], args[1], vocab)


def test_sample_needs_positive_temperature():
    vocab = Vocab(list("abc"))
    model = RNNLMScratch(RNNScratch(len(vocab), 4), len(vocab))
    with pytest.raises(ValueError, match="temperature > 0"):
        model.sample("a", 3, vocab, temperature=0)


def test_linear_regression_fits_a_line():
    torch.manual_seed(0)
    X = torch.randn(200, 3)
    y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = d2lmini.LinearRegression(lr=0.1, num_inputs=3)
    opt = torch.optim.SGD(model.parameters(), lr=model.lr)
    for _ in range(300):
        loss, _ = model.batch_loss((X, y))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 1e-4


def test_one_hot_matches_torch():
    model = RNNLM(RNN(7, 3), 7)
    X = torch.randint(0, 7, (4, 5))
    assert torch.equal(model.one_hot(X), F.one_hot(X.T, 7).float())
