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
