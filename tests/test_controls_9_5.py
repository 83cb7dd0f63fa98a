"""Chapter 9.5's controls (text generator, clipping threshold) and its equivalences: the
chapter's own RNN, one-hot, output layer, clipping and decoding against d2lmini's."""

import json
import math
import pathlib

import matplotlib.pyplot as plt
import pytest
import torch
import torch.nn.functional as F

import d2lmini
from tool_module import load_tool, small_run

CHAPTER = "9_5_rnn_scratch"  # the `ns` fixture (conftest.py) runs this chapter's code


def _grads(module):
    return {name: p.grad.detach().clone() for name, p in module.named_parameters()}


# ---------------------------------------------------------------- the RNN itself
@pytest.mark.parametrize("with_state", [False, True])
def test_loop_rnn_matches_rnn_scratch_outputs_and_gradients(ns, with_state):
    torch.manual_seed(3)
    loop = ns["LoopRNN"](7, 5, sigma=0.4)
    fast = d2lmini.RNNScratch(7, 5)
    fast.load_state_dict(loop.state_dict())
    X = torch.randn(12, 3, 7)
    R = torch.randn(12, 3, 5)
    h0 = torch.randn(3, 5) * 0.5 if with_state else None
    outs = {}
    for name, rnn in (("loop", loop), ("fast", fast)):
        outputs, state = rnn(X, h0)
        assert outputs.shape == (12, 3, 5) and state.shape == (3, 5)
        assert torch.equal(outputs[-1], state)
        ((outputs * R).sum() + state.sum()).backward()
        outs[name] = outputs.detach()
    assert torch.allclose(outs["loop"], outs["fast"], atol=1e-5)
    g_loop, g_fast = _grads(loop), _grads(fast)
    assert set(g_loop) == {"W_xh", "W_hh", "b_h"}
    for name in g_loop:
        assert torch.allclose(g_loop[name], g_fast[name], atol=1e-5), name
        assert g_loop[name].abs().max() > 1e-3  # a real gradient, not zeros


def test_loop_rnn_shape_check_and_zero_initial_state(ns):
    loop = ns["loop_rnn"]
    out, _ = loop(torch.ones(4, 2, loop.num_inputs))
    assert out.shape == (4, 2, loop.num_hiddens)
    # H_0 = 0: the first step is tanh(X_1 W_xh + b_h)
    first = torch.tanh(torch.ones(2, loop.num_inputs) @ loop.W_xh + loop.b_h)
    assert torch.allclose(out[0], first)


# ---------------------------------------------------------------- language model parts
def test_one_hot_matches_the_package_and_picks_rows(ns):
    V = ns["V"]
    lm = ns["LoopRNNLM"](ns["LoopRNN"](V, 8), V)
    pkg = d2lmini.RNNLMScratch(d2lmini.RNNScratch(V, 8), V)
    X = ns["data"].X[:3, :9]
    mine = lm.one_hot(X)
    assert mine.shape == (9, 3, V) and mine.dtype == torch.float32
    assert torch.equal(mine, pkg.one_hot(X))
    assert torch.equal(mine.argmax(-1), X.T)  # time axis first
    assert torch.equal(mine.sum(-1), torch.ones(9, 3))
    W = torch.randn(V, 4)
    assert torch.allclose(mine @ W, W[X.T])  # one-hot times W picks rows


def test_language_model_matches_rnnlm_scratch(ns):
    V = ns["V"]
    torch.manual_seed(5)
    lm = ns["LoopRNNLM"](ns["LoopRNN"](V, 16, sigma=0.3), V)
    with torch.no_grad():
        lm.b_q.normal_()  # a nonzero output bias
    pkg = d2lmini.RNNLMScratch(d2lmini.RNNScratch(V, 16), V)
    pkg.load_state_dict(lm.state_dict())
    X, Y = ns["data"].X[:6], ns["data"].Y[:6]
    mine, theirs = lm(X), pkg(X)
    assert mine.shape == (6, X.shape[1], V)
    assert torch.allclose(mine, theirs, atol=1e-5)
    # the output layer alone, and the gradients of the whole model
    H = torch.randn(4, 2, 16)
    assert torch.allclose(lm.output_layer(H), pkg.output_layer(H), atol=1e-6)
    F.cross_entropy(mine.reshape(-1, V), Y.reshape(-1)).backward()
    pkg.batch_loss((X, Y))[0].backward()
    g_mine, g_pkg = _grads(lm), _grads(pkg)
    assert (
        set(g_mine) == set(g_pkg) == {"rnn.W_xh", "rnn.W_hh", "rnn.b_h", "W_hq", "b_q"}
    )
    for name in g_mine:
        assert torch.allclose(g_mine[name], g_pkg[name], atol=1e-5), name


# ---------------------------------------------------------------- gradient clipping
@pytest.mark.parametrize("theta", [0.05, 0.5, 1e4])
def test_clipping_agrees_with_d2lmini_and_torch(ns, theta):
    models = [ns["lm_with_gradients"](seed=2) for _ in range(3)]
    before = torch.sqrt(sum((p.grad**2).sum() for p in models[0].parameters()))
    norms = [
        ns["clip_global_norm"](models[0].parameters(), theta),
        d2lmini.clip_gradients(models[1], theta),
        torch.nn.utils.clip_grad_norm_(models[2].parameters(), theta),
    ]
    for n in norms:
        assert torch.allclose(n, before, rtol=1e-5)
    after = torch.sqrt(sum((p.grad**2).sum() for p in models[0].parameters()))
    assert after <= theta * (1 + 1e-5)
    if theta < before:
        assert torch.allclose(after, torch.tensor(theta), rtol=1e-4)
    else:
        assert torch.allclose(after, before)  # small gradients are left alone
    grads = [_grads(m) for m in models]
    for name in grads[0]:
        for other in grads[1:]:
            assert torch.allclose(grads[0][name], other[name], rtol=1e-4, atol=1e-7), (
                name
            )


def test_clipping_keeps_the_direction(ns):
    model = ns["lm_with_gradients"](seed=4)
    g0 = torch.cat([p.grad.flatten() for p in model.parameters()])
    ns["clip_global_norm"](model.parameters(), 1e-3)
    g1 = torch.cat([p.grad.flatten() for p in model.parameters()])
    assert F.cosine_similarity(g0, g1, dim=0) > 1 - 1e-5
    assert g1.norm() < g0.norm()


# ---------------------------------------------------------------- training
def test_training_reaches_about_the_quoted_perplexity(ns):
    """The prose says 'about 7.2' (7.21 stored); 100 epochs of float32 training
    land within the 4% the cell's nbval tag allows on the CPU paths tried, not on
    its digits."""
    h = ns["history"]
    assert len(h["epoch"]) == 100
    assert h["val_ppl"][-1] == pytest.approx(7.2, rel=0.04)
    assert h["train_ppl"][-1] < h["train_ppl"][0]
    assert math.isclose(h["val_ppl"][-1], math.exp(h["val_loss"][-1]))
    data = ns["data"]
    assert (data.batch_size, data.num_steps, ns["model"].rnn.num_hiddens) == (
        1024,
        32,
        32,
    )
    # validation windows share no character with training windows
    assert data.val_start >= data.num_train + data.num_steps


# ---------------------------------------------------------------- decoding
PREFIXES = ["it has", "time traveller", "the", "q"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_greedy_decoding_matches_predict(ns, prefix):
    model, vocab = ns["model"], ns["vocab"]
    text = ns["generate"](model, prefix, 40, vocab)
    assert text.startswith(prefix) and len(text) == len(prefix) + 40
    assert text == model.predict(prefix, 40, vocab)


def test_each_greedy_token_is_the_argmax_of_a_full_pass(ns):
    model, vocab = ns["model"], ns["vocab"]
    device = next(model.parameters()).device
    prefix = "the time machine"
    text = ns["generate"](model, prefix, 25, vocab)
    with torch.no_grad():
        for k in range(len(prefix), len(text)):
            logits = model(torch.tensor([vocab[list(text[:k])]], device=device))[0, -1]
            assert vocab.to_tokens(int(logits.argmax())) == text[k], k


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_sampling_matches_predict_and_is_seeded(ns, temperature):
    model, vocab, generate = ns["model"], ns["vocab"], ns["generate"]
    a = generate(model, "time traveller", 60, vocab, temperature, seed=7)
    assert a == generate(model, "time traveller", 60, vocab, temperature, seed=7)
    assert a == model.predict(
        "time traveller", 60, vocab, temperature=temperature, seed=7
    )
    assert a != generate(model, "time traveller", 60, vocab, temperature, seed=8)


def _fixed_logit_models(ns, logits):
    """The chapter's LM and d2lmini's give the same logits whatever the input."""
    V = ns["V"]
    mine = ns["LoopRNNLM"](ns["LoopRNN"](V, 4), V)
    pkg = d2lmini.RNNLMScratch(d2lmini.RNNScratch(V, 4), V)
    for m in (mine, pkg):
        with torch.no_grad():
            m.W_hq.zero_()
            m.b_q.copy_(logits)
    return mine, pkg


def test_temperature_divides_the_logits(ns):
    vocab, V = ns["vocab"], ns["V"]
    logits = torch.full((V,), -20.0)
    chars = ["e", "t", "a"]
    logits[vocab[chars]] = torch.tensor([1.0, 0.5, 0.0])
    mine, pkg = _fixed_logit_models(ns, logits)
    n = 3000
    for T in (0.5, 2.0):
        expected = torch.softmax(logits / T, dim=-1)[vocab[chars]]
        wrong = torch.softmax(logits, dim=-1)[vocab[chars]]  # temperature ignored
        for text in (
            ns["generate"](mine, "e", n, vocab, T, seed=0)[1:],
            pkg.predict("e", n, vocab, temperature=T, seed=0)[1:],
        ):
            freq = torch.tensor([text.count(c) / n for c in chars])
            assert set(text) <= set(chars)
            assert (freq - expected).abs().max() < 0.03, (T, freq, expected)
            assert (freq - wrong).abs().max() > 0.05
    # greedy on these logits always picks the largest one
    assert ns["generate"](mine, "x", 10, vocab) == "x" + "e" * 10


def test_cycle_length(ns):
    cycle_length = ns["cycle_length"]
    assert cycle_length("xyz" + "abc" * 3) == 3
    assert cycle_length("aaaa") == 1
    assert cycle_length("abcdefg") is None
    assert ns["cycle_length"](ns["long_text"]) == ns["period"]


# ---------------------------------------------------------------- the controls
def test_generator_panel_greedy_and_sampling(ns, capsys):
    panel, model, vocab = ns["generator_panel"], ns["model"], ns["vocab"]
    capsys.readouterr()  # drop earlier output
    greedy = panel.set(
        prefix="it has", num_preds=50, mode="greedy", temperature=2.0, seed=3
    )
    assert greedy == model.predict(
        "it has", 50, vocab
    )  # temperature unused when greedy
    # outside a notebook, the Output widget's clear_output writes an ANSI "erase line"
    printed = capsys.readouterr().out.replace("\x1b[2K", "")
    assert printed.split() == greedy.split()
    assert all(len(line) <= 76 for line in printed.splitlines())
    sampled = panel.set(mode="sampling", temperature=1.0, seed=3)
    assert sampled == model.predict("it has", 50, vocab, temperature=1.0, seed=3)
    assert panel.set(seed=4) != sampled
    assert panel.set(seed=3) == sampled
    cold = panel.set(temperature=0.1, num_preds=200)
    assert len(cold) == len("it has") + 200
    plt.close("all")


def test_generator_panel_edge_cases(ns):
    panel = ns["generator_panel"]
    assert panel.set(prefix="") == ""
    odd = panel.set(prefix="Time 42!", num_preds=10, mode="greedy")
    assert odd.startswith("Time 42!") and len(odd) == len("Time 42!") + 10
    assert plt.get_fignums() == []  # the panel draws no figure


def test_clipping_panel(ns):
    panel = ns["clip_panel"]
    steps = ns["CLIP_STEPS"]
    default = panel.widgets["theta"].value  # before any set()
    off = panel.set(theta=0)
    assert off["clipped"] == off["unclipped"]
    norms, losses = off["unclipped"]
    assert len(norms) == len(losses) == steps
    # The unclipped run is chaotic: its digits differ from one processor to another
    # (largest norm 12.5-148 over the CPU paths of `make test-cpu-paths`), so we test
    # what holds on all of them, with a margin: the norm shoots up, the loss ends up.
    assert max(norms) > 10 * norms[0]  # the run does explode
    assert losses[-1] > losses[0] + 1
    assert default == 0.3
    clipped = panel.set(theta=default)
    assert clipped["clipped"][0][0] == norms[0]  # same start
    assert clipped["clipped"][1][-1] < losses[0] - 0.3  # clipping rescues it
    assert max(clipped["clipped"][1]) <= losses[0] + 1e-6
    # theta = 1 is not enough at learning rate 3 (the prose says so); the loss jumps
    # 1.4-2.4 above the start on every CPU path measured
    assert max(panel.set(theta=1)["clipped"][1]) > losses[0] + 0.5
    for _label, theta in ns["THETAS"]:
        result = panel.set(theta=theta)
        assert len(result["clipped"][0]) == steps
        if theta > 0 and max(result["clipped"][0]) <= theta:
            assert result["clipped"] == off["unclipped"]  # nothing was clipped
        plt.close("all")
    assert len(ns["THETAS"]) <= 24 and ns["THETAS"][0] == ("off", 0)


# ------------------------------------------------------ 9.5.6 stateful training
RESULTS = (
    pathlib.Path(__file__).resolve().parent.parent / "tools" / "stateful_bptt.json"
)


@pytest.fixture(scope="module")
def results():
    return json.loads(RESULTS.read_text())


def test_sequential_minibatches_continue_each_other(ns):
    X1, Y1, X2 = ns["X1"], ns["Y1"], ns["X2"]
    assert X1.shape == X2.shape == (32, 32)
    assert torch.equal(X2[:, 0], Y1[:, -1])  # what the chapter prints
    text = ns["seq_data"].train_text()
    loader = ns["seq_data"].train_dataloader()
    # row b is the text from d + b L on, for the offset d drawn with seed 0
    (d,) = [d for d in range(32) if torch.equal(text[d : d + 32], X1[0])]
    L = loader.stream_length(d)
    for b in (0, 1, 31):
        assert torch.equal(X1[b], text[d + b * L : d + b * L + 32])
        assert torch.equal(X2[b], text[d + b * L + 32 : d + b * L + 64])
    assert len(loader) == 9


def test_results_file_records_its_command(results):
    meta = results["meta"]
    assert meta["command"].endswith("tools/stateful_bptt.py")
    assert (meta["text_chars"], meta["batch_size"], meta["context"]) == (
        10_032,
        32,
        200,
    )
    tool = load_tool("stateful_bptt")
    assert meta["full"] == json.loads(json.dumps(tool.FULL))
    assert sorted(results["context"]) == ["32", "8"]
    for runs in results["context"].values():
        for run in runs:
            assert run["epochs"] == tool.FULL["epochs"]
            assert len(run["context_ppl"]) == 200
    assert sorted({r["num_steps"] for r in results["num_steps"]}) == list(
        tool.FULL["sweep"]
    )


def test_results_file_small_version_recomputes(results, data_dir):
    """The tool's short version, run again, gives the file's ``small`` entry."""
    tool = load_tool("stateful_bptt")
    again = small_run(tool)
    stored = results["small"]
    assert again["untrained_context_ppl"] == pytest.approx(
        stored["untrained_context_ppl"], rel=1e-3
    )
    assert sorted(again["context"]) == sorted(stored["context"]) == ["8"]
    pairs = [*zip(again["context"]["8"], stored["context"]["8"], strict=True)]
    pairs += zip(again["num_steps"], stored["num_steps"], strict=True)
    for mine, theirs in pairs:
        for k in ("num_steps", "stateful", "epochs", "updates"):
            assert mine[k] == theirs[k]
        for k in ("val_ppl", "context_ppl"):
            assert mine[k] == pytest.approx(theirs[k], rel=0.05)
        assert mine["long_ppl"] == pytest.approx(theirs["long_ppl"], rel=0.05)


def _ppl_after(curve, k):
    return curve[k - 1]


@pytest.mark.parametrize("num_steps", ["8", "32"])
def test_both_models_stop_improving_after_about_ten_characters(results, num_steps):
    """9.5.6.1: the curves fall over the first characters, then stay flat long
    before num_steps (8 or 32): within 2% from 10 to 200 characters."""
    for run in results["context"][num_steps]:
        curve = run["context_ppl"]
        plateau = curve[199]
        assert _ppl_after(curve, 1) > 1.4 * plateau  # a steep start
        for k in range(10, 201):
            assert abs(curve[k - 1] / plateau - 1) < 0.02, (run["stateful"], k)


def test_chapter_model_stops_improving_too(ns):
    curve = ns["chapter_curve"]
    assert curve[0] > 1.4 * curve[-1]
    assert all(abs(curve[k - 1] / curve[-1] - 1) < 0.03 for k in range(10, 201))


@pytest.mark.parametrize("num_steps", ["8", "32"])
def test_context_panel_reads_the_curves_at_k(ns, results, num_steps):
    """9.5.6.1's control: each model's perplexity after k characters, from the same
    curves as the figure; past about ten characters moving k changes little."""
    panel = ns["context_panel"]
    reset, stateful = results["context"][num_steps]
    chapter = ns["chapter_curve"].tolist()
    plt.close("all")
    for k in ns["CONTEXT_READS"]:
        got = panel.set(num_steps=num_steps, k=k)
        assert got == {
            "reset": reset["context_ppl"][k - 1],
            "stateful": stateful["context_ppl"][k - 1],
            "9.5.4's model": chapter[k - 1],
        }
    assert plt.get_fignums() == []  # the panel closes its figures
    early, late = (
        panel.set(num_steps=num_steps, k=1),
        panel.set(num_steps=num_steps, k=200),
    )
    at_12 = panel.set(num_steps=num_steps, k=12)
    for model in early:
        assert early[model] > 1.4 * late[model]
        assert abs(at_12[model] / late[model] - 1) < 0.03


@pytest.mark.parametrize(
    "num_steps, reset, stateful", [("32", 6.9, 7.1), ("8", 6.4, 6.8)]
)
def test_carrying_the_state_does_not_help(results, num_steps, reset, stateful):
    """The quoted perplexities after 200 characters, rounded, and the order."""
    r, s = results["context"][num_steps]
    assert not r["stateful"] and s["stateful"]
    assert round(r["context_ppl"][-1], 1) == reset
    assert round(s["context_ppl"][-1], 1) == stateful
    assert r["long_ppl"] < s["long_ppl"]  # over 100-200 characters as well
    # and from a zero state the stateful model does worst
    assert s["context_ppl"][0] > r["context_ppl"][0]


def test_trainer_numbers_reverse_the_order_at_eight(results):
    r, s = results["context"]["8"]
    assert s["val_ppl"][-1] < r["val_ppl"][-1]  # stateful looks better ...
    assert s["context_ppl"][-1] > r["context_ppl"][-1]  # ... but is not
    r32, s32 = results["context"]["32"]
    assert r32["val_ppl"][-1] < s32["val_ppl"][-1]  # only "for num_steps 8"


def test_same_minibatches_for_both_models(results):
    for runs in results["context"].values():
        r, s = runs
        assert r["updates"] == s["updates"] and r["epochs"] == s["epochs"] == 200


def test_truncation_length_sweep_claims(results):
    """9.5.6.2: updates per epoch, perplexities after 60 epochs, speed."""
    sweep = {(r["num_steps"], r["stateful"]): r for r in results["num_steps"]}
    seconds = {
        (r["num_steps"], r["stateful"]): r["seconds"]
        for r in results["seconds_per_epoch"]
    }
    assert {r["epochs"] for r in sweep.values()} == {60}
    assert sweep[8, True]["updates"] // 60 == 39
    assert sweep[64, True]["updates"] // 60 == 4
    for stateful in (False, True):
        assert 6.65 <= sweep[8, stateful]["long_ppl"] <= 6.95  # "about 6.7-6.9"
        assert round(sweep[64, stateful]["long_ppl"], 1) == 9.7
        # fewer steps per window: lower perplexity after the same epochs
        ppl = [sweep[n, stateful]["long_ppl"] for n in (8, 16, 32, 64)]
        assert ppl == sorted(ppl)
        # "1.6 to 2.6 times as long as with 32 or 64" (the recorded timings)
        ratio = seconds[8, stateful] / min(seconds[32, stateful], seconds[64, stateful])
        assert 1.55 < ratio < 2.65
    # the two methods differ much less than num_steps 8 and 64 do
    spread = sweep[64, False]["long_ppl"] - sweep[8, False]["long_ppl"]
    for n in (8, 16, 32, 64):
        gap = abs(sweep[n, False]["long_ppl"] - sweep[n, True]["long_ppl"])
        assert gap < 0.1 * spread


def test_zero_start_explains_only_the_first_characters(results):
    """9.5.6.1 quotes 18.80 against 10.14 at k = 1 (num_steps 8); the gap after
    200 characters remains."""
    r, s = results["context"]["8"]
    assert f"{s['context_ppl'][0]:.2f}" == "18.80"
    assert f"{r['context_ppl'][0]:.2f}" == "10.14"
    assert s["context_ppl"][-1] > r["context_ppl"][-1]


def test_long_windows_drop_the_tails_of_the_streams(data_dir):
    """9.5.6.2: streams of about 313 characters; an epoch of the sweep reads
    nearly all of the text with num_steps 8, about 92% with 32, 82% with 64."""
    tool = load_tool("stateful_bptt")
    share = {}
    for n in (8, 32, 64):
        loader = tool.data_for(n).train_dataloader()
        assert loader.stream_length(0) == 313
        share[n] = [len(loader) * n / loader.stream_length(d) for d in range(n)]
    assert min(share[8]) > 0.99
    assert {round(x, 2) for x in share[32]} <= {0.92}
    assert {round(x, 2) for x in share[64]} <= {0.82}
