"""Training under divergence and interrupts, and the
loader behavior training relies on."""

import math

import pytest
import torch
from tqdm import tqdm

import d2lmini
from d2lmini import (
    RNN,
    RNNLM,
    RNNLMScratch,
    RNNScratch,
    SineData,
    TensorLoader,
    Trainer,
    TrainingDiverged,
    metrics,
)
from d2lmini import progress as progress_module
from d2lmini import training as training_module
from robust_helpers import clean_error, one_thread  # noqa: F401 (fixture)


class Ids:
    """A data module of ``n`` windows whose first token is the window's index."""

    def __init__(self, n=10, n_val=7, batch_size=4, V=32):
        self.X = torch.stack([torch.arange(i, i + 3) % V for i in range(n + n_val)])
        self.n, self.batch_size, self.V = n, batch_size, V

    def train_dataloader(self):
        return TensorLoader(
            (self.X[: self.n], self.X[: self.n]), self.batch_size, shuffle=True
        )

    def val_dataloader(self):
        return TensorLoader((self.X[self.n :], self.X[self.n :]), self.batch_size)


class Recorder(RNNLMScratch):
    """A tiny LM that records the first token of every window it sees, and can be told
    to raise an exception or return a NaN loss at its ``fault_at``-th training batch."""

    def __init__(self, V=32, fault=None, fault_at=None):
        super().__init__(RNNScratch(V, 2), V, lr=0.1)
        self.seen = {"train": [], "val": []}
        self.fault, self.fault_at, self.calls = fault, fault_at, 0

    def batch_loss(self, batch):
        self.seen["train" if self.training else "val"].append(batch[0][:, 0].tolist())
        loss, n = super().batch_loss(batch)
        if self.training:
            self.calls += 1
            if self.calls == self.fault_at:
                if self.fault == "nan":
                    return loss * math.nan, n
                raise self.fault
        return loss, n


def epochs_of(model, data):
    per_epoch = len(data.train_dataloader())
    batches = model.seen["train"]
    return [
        [item for batch in batches[i : i + per_epoch] for item in batch]
        for i in range(0, len(batches), per_epoch)
    ]


def test_every_window_once_per_epoch_with_a_fresh_order_and_the_last_batch_kept():
    data, model = Ids(n=10, batch_size=4), Recorder()
    trainer = Trainer(3, display="quiet")
    trainer.fit(model, data)
    epochs = epochs_of(model, data)
    assert len(epochs) == 3 and all(sorted(e) == list(range(10)) for e in epochs)
    assert [len(b) for b in model.seen["train"][:3]] == [4, 4, 2]  # last batch kept
    assert len({tuple(e) for e in epochs}) == 3  # a new permutation
    assert trainer.train_items == 3 * 10 * 3  # items seen
    for val_epoch in range(3):  # validation in order
        batches = model.seen["val"][val_epoch * 2 : (val_epoch + 1) * 2]
        assert [item for batch in batches for item in batch] == list(range(10, 17))


def test_time_machine_loaders_cover_their_windows(char_data):
    train, val = char_data.train_dataloader(), char_data.val_dataloader()
    assert train.shuffle and not val.shuffle
    n, s = char_data.num_train, char_data.val_start
    assert torch.equal(train.tensors[0], char_data.X[:n])
    xs = torch.cat([x for x, _ in val])
    assert torch.equal(xs, char_data.X[s : s + char_data.num_val])


def reference_fit(model, data, epochs, clip, seed=0):
    """The Trainer loop as it was, with torch.optim.SGD."""
    d2lmini.set_seed(seed)
    train, val = data.train_dataloader(), data.val_dataloader()
    if isinstance(
        model, d2lmini.LinearRegression
    ):  # lazy: its first batch makes the weights
        with torch.no_grad():
            model(next(iter(train))[0])
    opt = torch.optim.SGD(model.parameters(), lr=model.lr)
    for _ in range(epochs):
        model.train()
        for batch in train:
            loss, _ = model.batch_loss(batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if clip:
                d2lmini.clip_gradients(model, clip)
            opt.step()
        d2lmini.evaluate_loss(model, val)


class Text(Ids):
    """Random token windows: a small stand-in for TimeMachine."""

    def __init__(self, n=300, n_val=100, steps=8, batch_size=32, V=28):
        gen = torch.Generator().manual_seed(1)
        self.X = torch.randint(0, V, (n + n_val, steps), generator=gen)
        self.n, self.batch_size, self.V = n, batch_size, V


@pytest.mark.parametrize(
    "make",
    [
        lambda V: RNNLMScratch(RNNScratch(V, 16), V, lr=1),
        lambda V: RNNLM(RNN(V, 16), V, lr=1),
    ],
    ids=["scratch", "concise"],
)
@pytest.mark.parametrize("clip", [0, 1])
def test_hand_written_sgd_is_bit_identical_to_torch_optim(make, clip):
    data = Text()
    torch.manual_seed(0)
    ours = make(data.V)
    ref = make(data.V)
    ref.load_state_dict(ours.state_dict())
    Trainer(2, gradient_clip_val=clip, display="quiet", device="cpu").fit(ours, data)
    reference_fit(ref, data, 2, clip)
    for p, q in zip(ours.parameters(), ref.parameters()):
        assert torch.equal(p, q)


def test_sgd_on_a_lazy_linear_model_is_bit_identical():
    data = SineData(T=200, num_train=120)
    torch.manual_seed(0)
    ours = d2lmini.LinearRegression(lr=0.03)
    Trainer(3, display="quiet").fit(ours, data)
    torch.manual_seed(0)
    ref = d2lmini.LinearRegression(lr=0.03)
    reference_fit(ref, data, 3, 0)
    assert all(torch.equal(p, q) for p, q in zip(ours.parameters(), ref.parameters()))


def test_fit_reseeds_the_global_generators_unless_seed_is_none():
    data = Ids()
    torch.manual_seed(123)
    Trainer(1, display="quiet", seed=None).fit(Recorder(), data)
    assert torch.initial_seed() == 123
    Trainer(1, display="quiet", seed=7).fit(Recorder(), data)
    assert torch.initial_seed() == 7


def check_history(trainer, epochs):
    h = trainer.history
    assert {len(v) for v in h.values()} == {epochs}
    assert h["epoch"] == list(range(1, epochs + 1))


@pytest.mark.parametrize("lr", [1e6, 1e30])
def test_a_huge_lr_gives_infinite_perplexity_not_an_overflow(lr):
    data = Text()
    torch.manual_seed(0)
    model = RNNLMScratch(RNNScratch(data.V, 16, sigma=1), data.V, lr=lr)
    trainer = Trainer(2, display="quiet")
    trainer.fit(model, data)  # the loss is huge but finite: no error, perplexity inf
    check_history(trainer, 2)
    assert trainer.history["val_ppl"] == [math.inf, math.inf]
    trainer.plot()


def test_a_diverging_run_stops_with_a_clear_error():
    model = d2lmini.LinearRegression(lr=3)
    trainer = Trainer(5, display="quiet")
    with clean_error(
        TrainingDiverged,
        "training diverged at epoch 3, step",
        "smaller lr",
        "gradient clipping",
        "2 completed",
    ):
        trainer.fit(model, SineData(T=200, num_train=120))
    check_history(trainer, 2)
    assert model.training
    trainer.plot()


def test_divergence_in_a_later_epoch_keeps_the_completed_ones():
    data = Ids(n=10, batch_size=4)  # 3 batches per epoch
    model = Recorder(fault="nan", fault_at=5)
    trainer = Trainer(4, display="quiet")
    with clean_error(TrainingDiverged, "epoch 2, step 2", "1 completed"):
        trainer.fit(model, data)
    check_history(trainer, 1)
    assert trainer.train_items == 10 * 3
    assert all(math.isfinite(v) for v in trainer.history["train_ppl"])
    assert isinstance(TrainingDiverged("x"), FloatingPointError)


def test_perplexity_of_a_huge_loss_is_inf_not_an_overflow(char_data):
    V = len(char_data.vocab)
    model = RNNLM(RNN(V, 4), V)
    with torch.no_grad():
        model.linear.weight.fill_(0)
        model.linear.bias.copy_(torch.linspace(-1e4, 1e4, V))
    assert d2lmini.evaluate_perplexity(model, char_data.val_dataloader()) == math.inf
    assert metrics.safe_exp(1e6) == math.inf


def test_lr_changed_to_nan_after_construction_is_caught_by_fit():
    model = Recorder()
    model.lr = float("nan")
    with clean_error(ValueError, "model.lr", "finite"):
        Trainer(1, display="quiet").fit(model, Ids())


class Spy(progress_module.QuietProgress):
    def __init__(self):
        self.closed = []

    def close(self, history, note=None):
        self.closed.append((len(history["epoch"]), note))


@pytest.mark.parametrize(
    "fault", [KeyboardInterrupt(), RuntimeError("boom")], ids=["ctrl-c", "error"]
)
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_interrupted_fit_cleans_up_and_a_second_fit_works(monkeypatch, fault, mode):
    spy = Spy()
    monkeypatch.setattr(training_module, "make_progress", lambda display, n: spy)
    model = Recorder(fault=fault, fault_at=5)
    model.train(mode == "train")
    trainer = Trainer(3, display="quiet")
    with pytest.raises(type(fault)):
        trainer.fit(model, Ids())
    assert model.training == (mode == "train")
    assert spy.closed == [(1, "stopped")]
    check_history(trainer, 1)
    model.fault_at = None
    trainer.fit(model, Ids())
    check_history(trainer, 3)
    assert spy.closed[-1] == (3, None)


def test_interrupted_bar_is_closed(monkeypatch):
    model = Recorder(fault=KeyboardInterrupt(), fault_at=2)
    with pytest.raises(KeyboardInterrupt):
        Trainer(3, display="bar").fit(model, Ids())
    assert not [bar for bar in tqdm._instances if not bar.disable]


def test_interrupted_live_plot_ends_on_a_final_frame(monkeypatch):
    titles = []
    monkeypatch.setattr(
        progress_module.NotebookProgress,
        "_draw",
        lambda self, history, title: titles.append(title),
    )
    model = Recorder(fault=KeyboardInterrupt(), fault_at=4)
    with pytest.raises(KeyboardInterrupt):
        Trainer(3, display="plot").fit(model, Ids())
    assert titles[-1].startswith("epoch 1/3") and titles[-1].endswith("stopped")


def test_interrupted_evaluate_loss_restores_the_mode():
    model = Recorder()

    def loader():
        yield Ids().X[:2], Ids().X[:2]
        raise KeyboardInterrupt

    for mode in (True, False):
        model.train(mode)
        with pytest.raises(KeyboardInterrupt):
            d2lmini.evaluate_loss(model, loader())
        assert model.training is mode


def test_interrupted_predict_restores_the_mode(monkeypatch):
    vocab = d2lmini.Vocab(list("abc"))
    model = RNNLMScratch(RNNScratch(len(vocab), 4), len(vocab))
    calls = {"n": 0}
    original = model.time_major_logits

    def flaky(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(model, "time_major_logits", flaky)
    with pytest.raises(KeyboardInterrupt):
        model.predict("ab", 5, vocab)
    assert model.training
    monkeypatch.undo()
    assert model.predict("ab", 5, vocab).startswith("ab")


def test_fit_does_not_use_torch_optim():
    code = [
        ln
        for ln in open(training_module.__file__).read().splitlines()
        if not ln.lstrip().startswith("#")
    ]
    assert not any("optim." in ln.split("#")[0] for ln in code)


def test_empty_training_loader_is_a_clean_error():
    class Empty(Ids):
        def train_dataloader(self):
            return []

    with clean_error(ValueError, "no batches"):
        Trainer(1, display="quiet").fit(Recorder(), Empty())


def test_data_sizes_are_read_only(char_data):
    for name in ("num_train", "num_steps", "num_val", "token", "val_start"):
        with clean_error(AttributeError, name, "TimeMachine"):
            setattr(char_data, name, 5)
    with clean_error(ValueError, "batch_size"):
        char_data.batch_size = 0
    sine = SineData()
    for name in ("T", "num_train"):
        with clean_error(AttributeError, name):
            setattr(sine, name, 5)
    sine.tau = 8  # still allowed: the features follow it
    assert sine.features.shape == (992, 8)


def test_batch_size_can_still_change(char_data):
    old = char_data.batch_size
    try:
        char_data.batch_size = 500
        assert len(next(iter(char_data.train_dataloader()))[0]) == 500
    finally:
        char_data.batch_size = old


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"num_steps": 10**6}, ("num_steps=1000000", "too large", "num_steps <=")),
        ({"num_steps": 86714}, ("num_steps <= 86713",)),
        ({"num_steps": 86713}, ("at most 2 ",)),
        ({"num_steps": 32, "num_train": 10**6}, ("at most 173364",)),
    ],
)
def test_time_machine_size_errors_are_not_misleading(data_dir, kwargs, words):
    with clean_error(ValueError, *words):
        d2lmini.TimeMachine(batch_size=2, **kwargs)
