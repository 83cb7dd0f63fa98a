"""A fit shared between a test run's two executions of a chapter (d2lmini.fit_memo):
the build's fit leaves exactly what the training would have left, and only when
every input is the same."""

import os
import random
import threading
import time

import numpy as np
import pytest
import torch

import d2lmini
from d2lmini import RNNLMScratch, RNNScratch, Trainer, fit_memo


def run(data, lr=1.0, seed=0, epochs=2):
    """A small language model's fit; what it leaves behind."""
    d2lmini.set_seed(seed)
    V = len(data.vocab)
    model = RNNLMScratch(RNNScratch(V, 16), V, lr=lr)
    trainer = Trainer(
        max_epochs=epochs, gradient_clip_val=1, display="quiet", seed=seed
    )
    history = trainer.fit(model, data)
    after = (random.random(), np.random.rand(), torch.rand(1).item())
    return model.state_dict(), history, after


def same(a, b):
    assert a[1] == b[1] and a[2] == b[2]
    for k in a[0]:
        assert torch.equal(a[0][k], b[0][k]), k


@pytest.fixture
def memo_env(tmp_path, monkeypatch):
    def use(role):
        for var in (fit_memo.WRITE, fit_memo.READ):
            monkeypatch.delenv(var, raising=False)
        if role:
            monkeypatch.setenv(role, str(tmp_path))

    return use


def no_training(monkeypatch):
    def fail(*args):
        raise AssertionError("the reader trained")

    monkeypatch.setattr(Trainer, "_train_epoch", fail)


def test_the_reader_gets_what_training_leaves_without_training(
    char_data, memo_env, monkeypatch, tmp_path
):
    memo_env(None)
    plain = run(char_data)
    memo_env(fit_memo.WRITE)
    written = run(char_data)
    same(written, plain)
    assert len(list(tmp_path.glob("*.pt"))) == 1
    assert not list(tmp_path.glob("*.pending"))
    memo_env(fit_memo.READ)
    with monkeypatch.context() as m:
        no_training(m)
        same(run(char_data), plain)  # parameters, history, random generators after
    assert len(list(tmp_path.glob("*.read"))) == 1  # the trace of a shared fit


@pytest.mark.parametrize(
    "change", [{"lr": 0.5}, {"seed": 1}, {"epochs": 3}], ids=["lr", "seed", "epochs"]
)
def test_any_other_input_trains(char_data, memo_env, monkeypatch, change):
    memo_env(fit_memo.WRITE)
    run(char_data)
    memo_env(fit_memo.READ)
    with monkeypatch.context() as m:
        no_training(m)
        with pytest.raises(AssertionError, match="the reader trained"):
            run(char_data, **change)


def test_other_data_or_cpu_path_gives_another_key(char_data, monkeypatch):
    d2lmini.set_seed(0)
    V = len(char_data.vocab)
    model = RNNLMScratch(RNNScratch(V, 16), V, lr=1)
    trainer = Trainer(max_epochs=1)
    loaders = (char_data.train_dataloader(), char_data.val_dataloader())
    key = fit_memo.fit_key(trainer, model, loaders)
    assert fit_memo.fit_key(trainer, model, loaders) == key
    other = d2lmini.TimeMachine(
        batch_size=64, num_steps=16, num_train=2000, num_val=999
    )
    assert fit_memo.fit_key(trainer, model, (loaders[0], other.val_dataloader())) != key
    path = os.environ.get("ATEN_CPU_CAPABILITY")
    monkeypatch.setenv(
        "ATEN_CPU_CAPABILITY", "avx2" if path == "default" else "default"
    )
    assert fit_memo.fit_key(trainer, model, loaders) != key


def test_the_reader_waits_for_a_writer_at_work_and_not_for_a_dead_one(tmp_path):
    memo = fit_memo.FitMemo(tmp_path, "k", writer=False)
    memo.pending.write_text(str(os.getpid()))  # a writer at work (this process)

    def finish():
        time.sleep(1)
        torch.save({"answer": 42}, tmp_path / "k.pt")

    threading.Thread(target=finish, daemon=True).start()
    start = time.monotonic()
    assert memo.load() == {"answer": 42}
    assert time.monotonic() - start >= 0.9
    gone = fit_memo.FitMemo(tmp_path, "gone", writer=False)
    gone.pending.write_text("999999999")  # no such process
    assert gone.load() is None
    assert fit_memo.FitMemo(tmp_path, "none", writer=False).load() is None


def test_off_unless_a_test_run_turns_it_on(memo_env, char_data):
    memo_env(None)
    assert fit_memo.memo_for(Trainer(max_epochs=1), torch.nn.Linear(1, 1), ()) is None


def stop(*args):
    raise KeyError("stopped")


def test_a_stopped_fit_leaves_no_memo(char_data, memo_env, monkeypatch, tmp_path):
    memo_env(fit_memo.WRITE)
    with monkeypatch.context() as m:
        m.setattr(Trainer, "_train_epoch", stop)
        with pytest.raises(KeyError):
            run(char_data)
    assert not list(tmp_path.glob("*.pt")) and not list(tmp_path.glob("*.pending"))
