"""Chapter 9.6's "train your own" panel and the chapter's claims about nn.RNN."""

import math
import re

import matplotlib.pyplot as plt
import pytest
import torch
import torch.nn.functional as F

import d2lmini

CHAPTER = "9_6_rnn_concise"  # the `ns` fixture (conftest.py) runs this chapter's code


def perplexity_by_hand(model, data):
    """exp of the token-mean cross-entropy over the validation windows, from the
    raw windows without d2lmini's loaders or loss code."""
    s, n = data.val_start, data.num_val
    X, Y = data.X[s : s + n], data.Y[s : s + n]
    device = next(model.parameters()).device
    with torch.no_grad():
        logits = model(X.to(device))  # (windows, steps, V)
        nll = F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).double(),
            Y.to(device).reshape(-1),
            reduction="sum",
        )
    return math.exp(float(nll) / Y.numel())


def expected_params(V, h):
    # nn.RNN: W_ih (h, V), W_hh (h, h), two biases (h each); nn.Linear: (V, h) + V
    return V * h + h * h + 2 * h + h * V + V


# ---------------------------------------------------------------- the panel
def test_panel_reports_the_perplexity_of_the_model_it_trained(ns):
    panel = ns["own_panel"]
    for values in ({}, {"num_steps": 4}, {"num_hiddens": 16, "num_steps": 16}):
        out = panel.set(**values)
        assert out["val_ppl"] == out["history"]["val_ppl"][-1]
        assert out["val_ppl"] == pytest.approx(
            perplexity_by_hand(out["model"], out["data"]), rel=1e-5
        )
        assert out["data"].num_steps == panel.values["num_steps"]


def test_hidden_units_change_the_parameter_count_as_the_formula_says(ns):
    panel, V = ns["own_panel"], ns["V"]
    counts = []
    for h in panel.widgets["num_hiddens"].options:
        out = panel.set(num_hiddens=h, lr=1.0, num_epochs=2, num_steps=16)
        assert out["model"].rnn.num_hiddens == h
        assert out["num_params"] == expected_params(V, h)
        assert out["num_params"] == sum(p.numel() for p in out["model"].parameters())
        counts.append(out["num_params"])
    assert counts == sorted(counts) and len(set(counts)) == len(counts)


def test_epochs_and_learning_rate_reach_the_trainer(ns):
    panel = ns["own_panel"]
    for epochs in (2, 4):
        out = panel.set(num_hiddens=32, lr=0.5, num_epochs=epochs, num_steps=16)
        assert out["history"]["epoch"] == list(range(1, epochs + 1))
        assert out["model"].lr == 0.5


def test_panel_is_deterministic_and_learns(ns):
    panel, V = ns["own_panel"], ns["V"]
    a = panel.set(num_hiddens=32, lr=1.0, num_epochs=10, num_steps=16)
    b = panel.set(num_hiddens=32, lr=1.0, num_epochs=10, num_steps=16)
    assert a["val_ppl"] == b["val_ppl"] and a["sample"] == b["sample"]
    hist = a["history"]
    assert hist["val_ppl"][-1] < hist["val_ppl"][0] < V  # better than uniform guessing
    assert a["val_ppl"] < 12  # the small data set cannot reach the full run's 7.x


def test_sample_is_the_models_greedy_continuation(ns):
    out = ns["own_panel"].set(num_hiddens=32, lr=1.0, num_epochs=10, num_steps=16)
    prefix, chars = ns["PANEL_PREFIX"], ns["PANEL_CHARS"]
    assert out["sample"].startswith(prefix)
    assert len(out["sample"]) == len(prefix) + chars
    assert out["sample"] == out["model"].predict(prefix, chars, out["data"].vocab)


def test_the_learning_rate_claims_of_the_prose(ns):
    panel = ns["own_panel"]
    ppl = {
        lr: panel.set(num_hiddens=32, lr=lr, num_epochs=10, num_steps=16)["val_ppl"]
        for lr in (0.25, 1.0, 4.0)
    }
    assert ppl[4.0] > ppl[1.0] + 5  # "much worse"
    assert ppl[0.25] > ppl[1.0] + 2  # "learns much less in 10 epochs"


def test_more_epochs_lower_training_but_not_validation_perplexity(ns):
    panel = ns["own_panel"]
    short = panel.set(num_hiddens=32, lr=1.0, num_epochs=10, num_steps=16)
    long = panel.set(num_epochs=20)
    # Training perplexity falls by over a fifth from epoch 10 to 20, while validation
    # perplexity stays within 5% of its epoch-10 value. (Which epoch's validation
    # perplexity is lowest depends on the processor: 10.53 to 9.97 at epoch 20 over the
    # CPU paths measured, from 10.34 at epoch 10 on all of them.)
    train_10, train_20 = (
        short["history"]["train_ppl"][-1],
        long["history"]["train_ppl"][-1],
    )
    assert train_20 < 0.8 * train_10
    assert abs(long["val_ppl"] - short["val_ppl"]) < 0.05 * short["val_ppl"]


def test_panel_shows_and_closes_its_figures(ns):
    plt.close("all")
    ns["own_panel"].set(num_hiddens=8, lr=1.0, num_epochs=2, num_steps=8)
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- the chapter's claims
def test_nn_rnn_shapes_and_state(ns):
    assert tuple(ns["outputs"].shape) == (5, 2, 32)
    assert tuple(ns["state"].shape) == (2, 32)  # d2lmini.RNN's state
    assert tuple(ns["scratch_state"].shape) == (2, 32)
    with torch.no_grad():
        _, raw_state = ns["rnn_layer"](ns["X"])
    assert tuple(raw_state.shape) == (1, 2, 32)  # nn.RNN's own state


def test_scratch_with_copied_weights_is_the_same_function(ns):
    assert torch.allclose(ns["scratch_outputs"], ns["outputs"], atol=1e-6)
    assert torch.allclose(torch.cat([ns["first"], ns["rest"]]), ns["whole"], atol=1e-6)
    assert torch.allclose(ns["end_state"], ns["state"], atol=1e-6)


def test_parameter_counts_differ_by_one_bias(ns):
    V = ns["V"]
    assert ns["num_params"](ns["model"]) == expected_params(V, 32) == 2908
    assert ns["num_params"](ns["scratch_lm"]) == expected_params(V, 32) - 32


def test_full_run_reaches_about_the_quoted_perplexity(ns):
    """The prose says 'about 7.3'. 100 epochs of float32 training land within a
    few percent of that on the CPU paths tried (7.29 stored; 7.38 under
    MKL_CBWR=COMPATIBLE), so the bound is the 4% the cell's nbval tag allows, not
    the stored digits."""
    history, model, data = ns["history"], ns["model"], ns["data"]
    assert len(history["epoch"]) == 100
    assert history["val_ppl"][-1] == pytest.approx(7.3, rel=0.04)
    assert history["train_ppl"][-1] < history["val_ppl"][-1]
    assert history["val_ppl"][-1] == pytest.approx(
        d2lmini.evaluate_perplexity(model, data.val_dataloader()), rel=1e-6
    )


def test_timing_table_compares_equal_runs(ns):
    speed = ns["speed"]
    assert set(speed) == {"scratch (RNNScratch)", "concise (nn.RNN)"}
    for tok_s, secs, ppl in speed.values():
        assert tok_s > 0 and secs > 0
        assert 7 < ppl < 20  # 5 epochs: well on the way, not at the full run's level
    # "in this configuration the concise model improves faster early on" (its
    # initialization and its two biases, whose sum moves twice as fast, both differ
    # from the scratch model)
    assert speed["concise (nn.RNN)"][2] < speed["scratch (RNNScratch)"][2]


def test_overfitting_exercise(ns):
    hist = ns["tiny_hist"]
    assert hist["train_ppl"][-1] < 1.5
    assert hist["val_ppl"][-1] > 3 * ns["best"]
    assert ns["best"] == min(hist["val_ppl"])


def test_overfitting_prose_quotes_the_run(ns):
    """Solution 1 quotes the best and the final validation perplexity, rounded; the
    final one is exp of a large loss and moves by several percent between processors."""
    hist, text = ns["tiny_hist"], chapter_source()
    for ko, en, value, rel in (
        ("가장 좋았던 약 ", "its best, about ", ns["best"], 0.1),
        ("에서 약 ", ", to about ", hist["val_ppl"][-1], 0.1),
    ):
        for lead in (ko, en):
            i = text.index("1번 풀이." if lead == ko else "Solution 1.")
            quoted = float(
                re.match(r"[\d.]+", text[text.index(lead, i) + len(lead) :])[0]
            )
            assert quoted == pytest.approx(value, rel=rel), (lead, quoted, value)


def test_autoregression_exercise(ns):
    losses = ns["sine_losses"]
    rnn, linear = losses["RNN, tau = 16"], losses["linear, tau = 4"]
    assert 0.04 < rnn < linear  # above the noise variance, below the linear model


# ---------------------------------------------------------------- 9.6.5 Korean
def chapter_source():
    import pathlib

    return (
        pathlib.Path(__file__).parent.parent / "chapters" / f"{CHAPTER}.md"
    ).read_text()


def test_the_korean_section_leaves_the_chapters_names_alone(ns):
    # the exercises after 9.6.5 build Time Machine models with V
    assert ns["V"] == len(ns["data"].vocab) == 28
    assert ns["tiny"].vocab.idx_to_token == ns["data"].vocab.idx_to_token


def test_korean_windows_cover_the_same_text_once(ns):
    data, text = ns["ko_data"], ns["ko_text"]
    assert ns["ko_train"] + ns["ko_val"] == text
    chars = {}
    for kind, d in data.items():
        X, Y = d.train
        assert torch.equal(X[1:, 0], Y[:-1, -1])  # windows follow one another
        tokens = d.vocab.to_tokens(X.reshape(-1).tolist())
        assert "<unk>" not in tokens
        chars[kind] = len(hangul_compose("".join(tokens))) / len(X)
        # every token type of the whole text is in the vocabulary (as in 9.3.4)
        assert len(d.vocab) == len(set(d.split_into(text))) + 1
    # "either window covers some 30 characters"
    assert chars["syllable"] == 32 and 28 < chars["jamo"] < 32
    assert 2 < ns["KO_JAMO_PER_CHAR"] < 2.5  # "a little over two jamo"


def hangul_compose(text):
    from d2lmini import hangul

    return hangul.compose(text)


def test_korean_bits_are_the_bits_of_the_whole_held_out_text(ns):
    """Recompute each RNN's bits per character token by token in float64."""
    import numpy as np

    from d2lmini.controls import model_export

    train, val = ns["ko_train"], ns["ko_val"]
    for kind, d in ns["ko_data"].items():
        m = model_export.export_char_model(ns["ko_models"][kind], d.vocab)
        W_xh, W_hh, b_h, W_hq, b_q = (
            np.array(m[k]) for k in ("W_xh", "W_hh", "b_h", "W_hq", "b_q")
        )
        context, targets = d.split_into(train[-32:]), d.split_into(val)
        ids = d.vocab[context + targets]
        h, bits = np.zeros(len(b_h)), 0.0
        for t, (cur, nxt) in enumerate(zip(ids[:-1], ids[1:])):
            h = np.tanh(W_xh[cur] + h @ W_hh + b_h)
            if t >= len(context) - 1:  # a validation token
                z = h @ W_hq + b_q
                log_p = z[nxt] - z.max() - np.log(np.exp(z - z.max()).sum())
                bits -= log_p / math.log(2)
        assert ns["KO_BPC"][f"{kind} RNN"] == pytest.approx(bits / len(val), rel=1e-5)


def test_the_ngram_rows_are_those_of_9_3_4(ns):
    bpc = ns["KO_BPC"]
    assert f"{bpc['syllable 2-gram']:.3f}" == "4.454"
    assert f"{bpc['jamo 4-gram']:.3f}" == "4.981"


def test_korean_rnns_rank_as_the_prose_says(ns):
    bpc, source = ns["KO_BPC"], chapter_source()
    syl, jamo = bpc["syllable RNN"], bpc["jamo RNN"]
    # measured here: 4.77 and 5.74; the ranking has a margin of about one bit
    assert syl + 0.4 < jamo
    # "neither RNN has yet reached the n-gram model of its own tokens"
    assert syl > bpc["syllable 2-gram"] and jamo > bpc["jamo 4-gram"]
    for ko, en in [
        (
            f"음절 RNN은 문자당 약 {syl:.1f}비트, 자모 RNN은 약 {jamo:.1f}비트",
            f"about {syl:.1f} bits per character and the jamo RNN about {jamo:.1f}",
        ),
        (
            f"문자당 약 {syl:.1f}비트 대 {jamo:.1f}비트",
            f"about {syl:.1f} against {jamo:.1f} bits per character",
        ),
    ]:
        assert ko in source and en in source
    assert (
        f"{ns['KO_EPOCHS']}에폭만" in source and f"{ns['KO_EPOCHS']} epochs" in source
    )


def test_korean_output_is_composed_with_nothing_dropped(ns):
    from d2lmini import hangul

    shown = hangul.compose_visible(ns["broken"])
    assert shown == "대[ㅏ]한민국은[ㄱ]"
    prefix = ns["KO_PREFIX"]
    for name, text in ns["ko_texts"].items():
        assert text.startswith(prefix), name
        assert not any(
            hangul.is_initial(c) or hangul.is_medial(c) or hangul.is_final(c)
            for c in text
        )
    # the syllable model writes only syllables of the Constitution (its vocabulary)
    syllables = ns["ko_texts"]["syllable RNN, greedy"]
    assert set(syllables) <= set(ns["ko_text"])
    greedy_jamo = ns["ko_models"]["jamo"].predict(
        ns["ko_jamo_prefix"], 60, ns["ko_data"]["jamo"].vocab
    )
    assert ns["ko_texts"]["jamo RNN, greedy"] == hangul.compose_visible(greedy_jamo)
    assert len(greedy_jamo) == len(ns["ko_jamo_prefix"]) + 60


def test_korean_generator_greedy_in_the_page_equals_python(ns):
    """The static page's generator (float64 JavaScript) picks the same characters."""
    import numpy as np

    from d2lmini.controls import model_export

    panel, model = ns["ko_panel"], ns["ko_models"]["syllable"]
    vocab = ns["ko_data"]["syllable"].vocab
    m = model_export.export_char_model(model, vocab)
    W_xh, W_hh, b_h, W_hq, b_q = (
        np.array(m[k]) for k in ("W_xh", "W_hh", "b_h", "W_hq", "b_q")
    )
    prefix, n = panel.values["prefix"], panel.values["num_preds"]
    assert prefix == "대한민국은" and panel.values["mode"] == "greedy"
    index = {t: i for i, t in enumerate(m["tokens"])}
    h, out, gaps = np.zeros(len(b_h)), prefix, []
    ids = [index.get(ch, m["unk"]) for ch in prefix]
    for i in ids:
        h = np.tanh(W_xh[i] + h @ W_hh + b_h)
    for _ in range(n):
        z = h @ W_hq + b_q
        top2 = np.sort(z)[-2:]
        gaps.append(top2[1] - top2[0])
        nxt = int(np.argmax(z))  # the first maximum, as the page's loop
        out += m["tokens"][nxt]
        h = np.tanh(W_xh[nxt] + h @ W_hh + b_h)
    assert out == panel.last == model.predict(prefix, n, vocab)
    assert min(gaps) > 1e-4  # far above float32 rounding: no near-tie to flip
