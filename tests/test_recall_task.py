"""Section 9.7.3.3: the recall task (d2lmini.recall), its precomputed sweep
(tools/recall_task.json) and what the prose says about it."""

import json
import pathlib

import matplotlib.pyplot as plt
import pytest
import torch

from d2lmini.recall import RecallNet, recall_batch
from tool_module import load_tool

CHAPTER = "9_7_3_how_far_back"  # the `ns` fixture (conftest.py) runs this page's code
ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "tools" / "recall_task.json"
SOURCE = ROOT / "chapters" / f"{CHAPTER}.md"


@pytest.fixture(scope="module")
def results():
    return json.loads(RESULTS.read_text())


def finals(results, cell, d):
    """Accuracy after the last update, one per seed."""
    return [
        r["accuracy"][-1] for r in results["runs"] if (r["cell"], r["d"]) == (cell, d)
    ]


def mean_pct(values):
    """The mean of accuracies in percent."""
    return 100 * sum(values) / len(values)


# ------------------------------------------------------------------- the task
@pytest.mark.parametrize("d", [1, 3, 17])
def test_the_target_is_the_token_d_steps_before_the_last(d):
    X, y = recall_batch(50, d, num_tokens=5, generator=torch.Generator().manual_seed(d))
    assert X.shape == (50, d + 1) and y.shape == (50,)
    assert X.min() >= 0 and X.max() < 5
    t = d  # the last step; its target is x_{t-d}
    assert torch.equal(y, X[:, t - d])
    assert torch.equal(y, X[:, 0])
    # the distractors are random tokens: a target does not repeat the next token
    assert not torch.equal(y, X[:, 1])
    again, _ = recall_batch(
        50, d, num_tokens=5, generator=torch.Generator().manual_seed(d)
    )
    assert torch.equal(X, again)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="d must be at least 1"):
        recall_batch(4, 0)
    with pytest.raises(ValueError, match="cell must be one of"):
        RecallNet("gru")


def test_models_read_the_last_step_and_the_lstm_starts_with_an_open_memory():
    X, _ = recall_batch(6, 9, generator=torch.Generator().manual_seed(0))
    for cell in ("rnn", "lstm"):
        net = RecallNet(cell, num_hiddens=16)
        logits = net(X)
        assert logits.shape == (6, 8)
        changed = X.clone()
        changed[:, -1] = (changed[:, -1] + 1) % 8  # the last token matters
        assert not torch.allclose(net(changed), logits)
    lstm = RecallNet("lstm", num_hiddens=16).rnn
    assert torch.all(lstm.bias_ih_l0[16:32] == 3.0)
    assert torch.all(lstm.bias_hh_l0[16:32] == 0.0)
    assert torch.all(lstm.bias_ih_l0[:16].abs() < 0.3)  # the other gates: PyTorch's


# -------------------------------------------------------- the precomputed sweep
def test_results_file_records_its_command(results):
    meta, tool = results["meta"], load_tool("recall_task")
    assert meta["command"] == tool.COMMAND
    assert meta["command"].endswith("tools/recall_task.py")
    assert meta["settings"] == json.loads(json.dumps(tool.SETTINGS))
    assert meta["full"] == json.loads(json.dumps(tool.FULL))
    assert meta["threads"] == 1 and meta["seconds"] > 0 and meta["torch"]
    runs = {(r["cell"], r["d"], r["seed"]) for r in results["runs"]}
    assert runs == {
        (c, d, s)
        for c in tool.FULL["cells"]
        for d in tool.FULL["d"]
        for s in tool.FULL["seeds"]
    }
    for run in results["runs"]:
        assert run["steps"] == list(range(0, 601, 50))
        assert len(run["accuracy"]) == len(run["steps"])


def test_the_small_version_recomputes_and_agrees(results):
    """d = 2 is learned, d = 40 stays at chance (1/8), and both agree with the file."""
    fresh = load_tool("recall_task").small()
    stored = results["small"]
    assert [(r["cell"], r["d"], r["steps"]) for r in fresh] == [
        (r["cell"], r["d"], r["steps"]) for r in stored
    ]
    for new, old in zip(fresh, stored):
        # float32 SGD: another processor may flip a few of the 512 answers
        assert new["accuracy"] == pytest.approx(old["accuracy"], abs=0.05)
    by_d = {r["d"]: r["accuracy"][-1] for r in fresh}
    assert by_d[2] > 0.9
    assert by_d[40] < 0.2


def test_the_sweep_shows_the_collapse(results):
    """What the figure shows: both learn short distances; from d = 15 on the RNN is
    at chance on every seed while the LSTM still answers (measured: 100% at d = 15
    on every seed, a mean of 86% at d = 20)."""
    for d in (1, 2, 5):
        assert min(finals(results, "rnn", d)) > 0.95
        assert min(finals(results, "lstm", d)) > 0.95
    for d in (15, 20, 30, 40):
        assert max(finals(results, "rnn", d)) < 0.2
    assert min(finals(results, "lstm", 15)) > 0.95
    assert mean_pct(finals(results, "lstm", 20)) > 70
    assert (
        max(finals(results, "lstm", 40)) < 0.2
    )  # "600번 안에는 ... 벗어나지 못합니다"


# --------------------------------------------------------------- the chapter
def test_the_live_run_repeats_the_stored_one(ns, results):
    live = ns["live"]
    (stored,) = [
        r for r in results["runs"] if (r["cell"], r["d"], r["seed"]) == ("rnn", 5, 0)
    ]
    n = len(live["steps"])
    assert live["steps"] == stored["steps"][:n] == [0, 50, 100, 150]
    assert live["accuracy"] == pytest.approx(stored["accuracy"][:n], abs=0.05)


def test_the_gradient_reaching_the_first_token(ns):
    reach, D = ns["reach"], ns["D_VALUES"]
    rnn, lstm = reach["rnn"], reach["lstm"]
    assert all(a > b for a, b in zip(rnn, rnn[1:]))  # shrinks with every d
    assert rnn[-1] < 1e-8 * rnn[0]
    assert lstm[-1] > 0.2 * lstm[0]  # the LSTM's barely does
    assert D == (1, 2, 5, 10, 15, 20, 30, 40)


def test_the_control_moves_d(ns):
    panel = ns["recall_panel"]
    plt.close("all")
    for d in (2, 30):
        out = panel.set(d=d)
        assert out["d"] == d
        assert len(out["rnn"]) == len(out["lstm"]) == 3
    assert panel.set(d=30)["lstm"] != panel.set(d=40)["lstm"]
    plt.close("all")


def _sci(value):
    """8.6e-02 -> '8.6 \\times 10^{-2}', as the prose writes it."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def _section():
    text = SOURCE.read_text()
    section = text[text.index("## 9.7.3.3") : text.index("## 9.7.4")]
    summary = text[text.index("## 9.7.4") : text.index("## 9.7.5")]
    return section, summary


def test_the_prose_quotes_the_sweep(results):
    section, summary = _section()
    ko = "\n".join(p for p in section.split("+++") if '"lang-ko"' in p)
    en = "\n".join(p for p in section.split("+++") if '"lang-en"' in p)
    pct = lambda v: f"{100 * v:.0f}%"  # noqa: E731
    rnn10, lstm20, lstm30 = (
        finals(results, "rnn", 10),
        finals(results, "lstm", 20),
        finals(results, "lstm", 30),
    )
    quoted = [
        pct(sum(rnn10) / 3),  # 57%
        f"{pct(min(rnn10))[:-1]}–{pct(max(rnn10))}",  # 41–85%
        pct(sum(lstm20) / 3),  # 86%
        f"{pct(min(lstm20))[:-1]}–{pct(max(lstm20))}",  # 78–100%
        pct(sum(lstm30) / 3),  # 71%
        pct(min(lstm30)),  # 13%
        f"({pct(sum(finals(results, 'lstm', 40)) / 3)})",  # (12%)
    ]
    for text in (ko, en):
        for q in quoted:
            assert q in text, q
    assert sorted(lstm30).count(1.0) == 2  # "시드 셋 중 둘이 100%"
    # the first d at which every seed of the RNN is at chance, in the prose and summary
    first = min(
        d for d in results["meta"]["full"]["d"] if max(finals(results, "rnn", d)) < 0.2
    )
    assert first == 15 and f"$d = {first}$부터" in ko and f"from $d = {first}$ on" in en
    assert (
        f"$d = {first}$부터는 모든 시드" in summary
        and f"from $d = {first}$ on" in summary
    )
    # the settings, the chance level, the count of trainings and the time
    meta = results["meta"]
    settings = meta["settings"]
    assert settings["num_tokens"] == 8 and "1/8 = 12.5%" in ko and "1/8 = 12.5%" in en
    assert (settings["num_hiddens"], settings["batch_size"]) == (32, 64)
    assert (settings["steps"], settings["num_eval"]) == (600, 512)
    sigma = torch.sigmoid(torch.tensor(settings["forget_bias"])).item()
    assert f"약 {100 * sigma:.0f}%" in ko and f"about {100 * sigma:.0f}%" in en
    assert len(results["runs"]) == 48 and "48번" in ko and "48 trainings" in en
    minutes = meta["seconds"] / 60
    assert f"약 {minutes:.0f}분" in ko and f"about {minutes:.0f} min" in en


def test_the_prose_quotes_the_executed_numbers(ns, results):
    section, _ = _section()
    reach, D = ns["reach"], ns["D_VALUES"]
    for cell, d in (("rnn", 1), ("rnn", 10), ("rnn", 40), ("lstm", 1), ("lstm", 40)):
        assert _sci(reach[cell][D.index(d)]) in section, (cell, d)
    assert f"약 {ns['rate_recall']:.2f}배" in section
    assert f"about {ns['rate_recall']:.2f} with" in section
    live = ns["live"]["accuracy"]
    assert f"{100 * live[1]:.1f}%" in section  # after 50 updates: 77.1%
    assert live[2:] == [1.0] * (len(live) - 2)  # "100번 갱신한 뒤로는 100%"
