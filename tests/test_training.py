import math

import pytest
import torch

import d2lmini
from d2lmini import RNNLMScratch, RNNScratch, SineData, Trainer, clip_gradients


def model_with_grads(seed=0):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)
    )
    model(torch.randn(5, 4)).pow(2).sum().mul(10).backward()
    return model


@pytest.mark.parametrize("max_norm", [0.01, 1.0, 1e6])
def test_clip_gradients_agrees_with_torch(max_norm):
    ours, ref = model_with_grads(), model_with_grads()
    norm = clip_gradients(ours, max_norm)
    ref_norm = torch.nn.utils.clip_grad_norm_(ref.parameters(), max_norm)
    assert torch.allclose(norm, ref_norm)
    for p, q in zip(ours.parameters(), ref.parameters()):
        assert torch.allclose(p.grad, q.grad, atol=1e-7)


@pytest.mark.parametrize("bad", [0, -1.0, None])
def test_clip_gradients_rejects_non_positive_max_norm(bad):
    with pytest.raises(ValueError, match="max_norm must be a number > 0"):
        clip_gradients(model_with_grads(), bad)


def test_perplexity_of_a_uniform_model_is_the_vocab_size():
    assert d2lmini.perplexity(torch.full((50,), 1 / 28)) == pytest.approx(28)
    assert d2lmini.perplexity([1.0, 1.0]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        d2lmini.perplexity([])


def test_validation_perplexity_is_exp_of_the_token_mean(char_data):
    torch.manual_seed(0)
    V = len(char_data.vocab)
    model = RNNLMScratch(RNNScratch(V, 16, sigma=0.5), V)
    losses, counts = [], []
    with torch.no_grad():
        for X, Y in char_data.val_dataloader():
            losses.append(
                torch.nn.functional.cross_entropy(
                    model(X).reshape(-1, V), Y.reshape(-1), reduction="sum"
                )
            )
            counts.append(Y.numel())
    expected = math.exp(sum(losses).item() / sum(counts))
    assert d2lmini.evaluate_perplexity(
        model, char_data.val_dataloader()
    ) == pytest.approx(expected, rel=1e-5)


def lm_run(data, epochs=2, seed=0):
    d2lmini.set_seed(seed)
    V = len(data.vocab)
    model = RNNLMScratch(RNNScratch(V, 32), V, lr=1)
    trainer = Trainer(
        max_epochs=epochs, gradient_clip_val=1, display="quiet", seed=seed
    )
    trainer.fit(model, data)
    return trainer.history


def test_two_seeded_runs_give_identical_losses(char_data):
    assert lm_run(char_data) == lm_run(char_data)


def test_a_short_run_lowers_validation_perplexity(char_data):
    history = lm_run(char_data, epochs=8)
    assert history["epoch"] == list(range(1, 9))
    assert history["val_ppl"][-1] < history["val_ppl"][0] - 1
    assert history["val_ppl"][0] < 28  # beats a uniform guess after one epoch
    assert all(
        math.isclose(math.exp(loss), p)
        for loss, p in zip(history["val_loss"], history["val_ppl"])
    )


def test_linear_regression_on_sine_data_learns():
    data = SineData()
    trainer = Trainer(max_epochs=5, display="quiet")
    history = trainer.fit(d2lmini.LinearRegression(lr=0.01), data)
    assert set(history) == {"epoch", "train_loss", "val_loss"}
    assert history["val_loss"][-1] < 0.1  # the noise variance is 0.04


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"max_epochs": 0}, "max_epochs must be at least 1"),
        ({"max_epochs": 1, "gradient_clip_val": -1}, "gradient_clip_val must be >= 0"),
        ({"max_epochs": 1, "device": "tpu"}, "device must be one of"),
    ],
)
def test_trainer_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Trainer(**kwargs)


def test_trainer_bad_display_mode():
    with pytest.raises(ValueError, match="display must be one of"):
        Trainer(max_epochs=1, display="fancy").fit(
            d2lmini.LinearRegression(), SineData()
        )


def test_bar_and_plot_displays_run_and_end_in_a_plot(capsys):
    for display in ("bar", "plot"):
        trainer = Trainer(max_epochs=2, display=display)
        trainer.fit(d2lmini.LinearRegression(), SineData(T=100, num_train=60))
    axes = trainer.plot()
    assert len(axes.lines) == 2


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_training_matches_the_interface(char_data):
    V = len(char_data.vocab)
    for model in (
        RNNLMScratch(RNNScratch(V, 32), V, lr=1),
        d2lmini.RNNLM(d2lmini.RNN(V, 32), V, lr=1),
    ):
        trainer = Trainer(
            max_epochs=2, gradient_clip_val=1, device="cuda", display="quiet"
        )
        history = trainer.fit(model, char_data)
        assert next(model.parameters()).is_cuda
        assert history["val_ppl"][-1] < 28
        assert model.predict("time ", 5, char_data.vocab).startswith("time ")


def test_perplexity_is_infinite_when_a_token_got_probability_zero():
    assert d2lmini.perplexity([0.9, 0.0]) == math.inf


def test_clipping_at_infinity_only_measures_the_norm():
    import math

    model = torch.nn.Linear(3, 2)
    model(torch.randn(4, 3)).pow(2).sum().backward()
    before = [p.grad.clone() for p in model.parameters()]
    expected = torch.linalg.vector_norm(torch.cat([g.flatten() for g in before]))
    norm = d2lmini.clip_gradients(model, math.inf)
    assert torch.allclose(norm, expected)
    assert all(torch.equal(p.grad, g) for p, g in zip(model.parameters(), before))
    clipped = d2lmini.clip_gradients(
        model, float(expected) / 2
    )  # still clips when finite
    assert torch.allclose(clipped, expected)
    assert not torch.equal(next(model.parameters()).grad, before[0])


# ---------------------------------------------------------------- stateful training
class _Streams:
    """A data module whose loaders are one fixed SequentialLoader."""

    def __init__(self, tokens, batch_size, num_steps):
        self.loader = d2lmini.SequentialLoader(tokens, batch_size, num_steps, offset=0)

    def train_dataloader(self):
        return self.loader

    def val_dataloader(self):
        return self.loader


def _hand_forward(p, X, h):
    """The tiny language model written out: one-hot inputs, a tanh loop."""
    V = p["W_xh"].shape[0]
    logits = []
    for x in X.T:  # one time step: (batch,) token ids
        h = torch.tanh(
            torch.nn.functional.one_hot(x, V).double() @ p["W_xh"]
            + h @ p["W_hh"]
            + p["b_h"]
        )
        logits.append(h @ p["W_hq"] + p["b_q"])
    return torch.stack(logits, 1), h  # (batch, steps, V), last state


def _hand_loss(p, X, Y, h):
    logits, h = _hand_forward(p, X, h)
    V = logits.shape[-1]
    return torch.nn.functional.cross_entropy(logits.reshape(-1, V), Y.reshape(-1)), h


def test_stateful_run_is_truncated_bptt_computed_by_hand():
    torch.manual_seed(0)
    V, h, lr = 5, 3, 0.5
    tokens = torch.randint(0, V, (20,))  # 2 streams x 9 tokens: 2 windows of 4
    data = _Streams(tokens, batch_size=2, num_steps=4)
    assert len(data.loader) == 2
    model = RNNLMScratch(RNNScratch(V, h, sigma=0.7), V, lr=lr).double()
    p = {k: v.detach().clone() for k, v in model.named_parameters()}
    p = {k.removeprefix("rnn."): v for k, v in p.items()}
    Trainer(1, seed=None, display="quiet", stateful=True).fit(model, data)

    (X1, Y1), (X2, Y2) = list(data.loader)
    assert torch.equal(X2[:, 0], tokens[[4, 13]])  # window 2 continues window 1
    # step 1: from zeros; step 2: from step 1's last state, a constant
    state = torch.zeros(2, h, dtype=torch.float64)
    for X, Y in ((X1, Y1), (X2, Y2)):
        params = {k: v.clone().requires_grad_() for k, v in p.items()}
        loss, state = _hand_loss(params, X, Y, state)
        grads = torch.autograd.grad(loss, list(params.values()))
        p = {k: v - lr * g for (k, v), g in zip(params.items(), grads)}
        state = state.detach()  # truncation: the gradient stops here
    got = {k.removeprefix("rnn."): v for k, v in model.named_parameters()}
    for k in p:
        assert torch.allclose(got[k], p[k], atol=1e-12), k


def test_stateful_gradient_stops_at_the_boundary():
    torch.manual_seed(1)
    V, h = 6, 4
    model = RNNLMScratch(RNNScratch(V, h, sigma=0.8), V).double()
    X = torch.randint(0, V, (3, 10))
    Y = torch.randint(0, V, (3, 10))
    # two windows of 5 read one after the other, the state detached between
    _, _, s1 = model.batch_loss_with_state((X[:, :5], Y[:, :5]), None)
    loss2, n, s2 = model.batch_loss_with_state((X[:, 5:], Y[:, 5:]), s1.detach())
    (g_trunc,) = torch.autograd.grad(loss2, model.rnn.W_hh)
    # by hand: the same loss with the state a constant that no parameter made
    p = {k.removeprefix("rnn."): v for k, v in model.named_parameters()}
    ref, s_ref = _hand_loss(p, X[:, 5:], Y[:, 5:], s1.detach())
    (g_ref,) = torch.autograd.grad(ref, p["W_hh"])
    assert n == 15 and torch.allclose(loss2, ref) and torch.allclose(s2, s_ref)
    assert torch.allclose(g_trunc, g_ref, atol=1e-12)
    # full BPTT (no detach) differs: the state carries a gradient back
    _, _, s1 = model.batch_loss_with_state((X[:, :5], Y[:, :5]), None)
    loss_full, _, _ = model.batch_loss_with_state((X[:, 5:], Y[:, 5:]), s1)
    (g_full,) = torch.autograd.grad(loss_full, model.rnn.W_hh)
    assert not torch.allclose(g_full, g_trunc, atol=1e-6)


def test_stateful_validation_carries_the_state():
    torch.manual_seed(2)
    V = 5
    tokens = torch.randint(0, V, (61,))
    loader = d2lmini.SequentialLoader(tokens, batch_size=2, num_steps=6, offset=0)
    model = RNNLMScratch(RNNScratch(V, 4, sigma=0.8), V).double()
    # stateful evaluation = one pass over each whole stream from zeros
    Xs, Ys = loader.streams(0)
    cols = len(loader) * 6
    p = {k.removeprefix("rnn."): v for k, v in model.named_parameters()}
    with torch.no_grad():
        ref, _ = _hand_loss(p, Xs[:, :cols], Ys[:, :cols], torch.zeros(2, 4).double())
    got = d2lmini.evaluate_loss(model, loader, stateful=True)
    assert got == pytest.approx(ref.item(), rel=1e-12)
    assert d2lmini.evaluate_loss(model, loader) != pytest.approx(got, rel=1e-6)


def test_stateful_needs_a_sequential_loader(char_data):
    V = len(char_data.vocab)
    model = RNNLMScratch(RNNScratch(V, 4), V)
    with pytest.raises(ValueError, match="needs a sequential loader"):
        Trainer(1, display="quiet", stateful=True).fit(model, char_data)
    with pytest.raises(TypeError, match="stateful must be"):
        Trainer(1, stateful="yes")


def test_reset_training_is_unchanged_bit_for_bit(char_data):
    """The default Trainer against the loop it has always run, written out."""
    V = len(char_data.vocab)
    d2lmini.set_seed(0)
    model = RNNLMScratch(RNNScratch(V, 8), V, lr=1)
    ref = RNNLMScratch(RNNScratch(V, 8), V, lr=1)
    ref.load_state_dict(model.state_dict())
    history = Trainer(2, gradient_clip_val=1, seed=0, display="quiet").fit(
        model, char_data
    )
    d2lmini.set_seed(0)
    n, b = char_data.num_train, char_data.batch_size
    X_all, Y_all = char_data.X[:n].contiguous(), char_data.Y[:n].contiguous()
    s, m = char_data.val_start, char_data.num_val
    for epoch in range(2):
        order = torch.randperm(n)
        for i in range(0, n, b):
            X, Y = X_all[order[i : i + b]], Y_all[order[i : i + b]]
            logits, _ = ref.time_major_logits(X)
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, V), Y.T.reshape(-1)
            )
            for q in ref.parameters():
                q.grad = None
            loss.backward()
            clip_gradients(list(ref.parameters()), 1)
            with torch.no_grad():
                for q in ref.parameters():
                    q.add_(q.grad, alpha=-1)
        total = torch.zeros((), dtype=torch.float64)
        with torch.no_grad():
            for i in range(0, m, b):
                X, Y = (
                    char_data.X[s + i : s + min(i + b, m)],
                    char_data.Y[s + i : s + min(i + b, m)],
                )
                logits, _ = ref.time_major_logits(X)
                loss = torch.nn.functional.cross_entropy(
                    logits.reshape(-1, V), Y.T.reshape(-1)
                )
                total += loss.double() * Y.numel()
        assert history["val_loss"][epoch] == float(total) / (m * char_data.num_steps)
    for (name, p), q in zip(model.named_parameters(), ref.parameters()):
        assert torch.equal(p, q), name


def test_loss_by_context_matches_prefix_passes():
    torch.manual_seed(4)
    V = 7
    model = RNNLMScratch(RNNScratch(V, 5, sigma=0.9), V).double()
    tokens = torch.randint(0, V, (300,))
    got = d2lmini.loss_by_context(model, tokens, context=12, num_seqs=9)
    assert got.shape == (12,) and got.dtype == torch.float64
    starts = torch.linspace(0, 300 - 13, 9).round().long()
    p = {k.removeprefix("rnn."): v for k, v in model.named_parameters()}
    for t in (0, 5, 11):  # after reading t + 1 tokens, from zeros each time
        losses = []
        with torch.no_grad():
            for s0 in starts.tolist():
                X = tokens[s0 : s0 + t + 1][None]
                logits, _ = _hand_forward(p, X, torch.zeros(1, 5).double())
                losses.append(
                    torch.nn.functional.cross_entropy(logits[0, -1], tokens[s0 + t + 1])
                )
        assert got[t].item() == pytest.approx(torch.stack(losses).mean().item())
