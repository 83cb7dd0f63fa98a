"""d2lmini.controls without a browser: grids, frames,
the static placeholder, text_generator."""

import json
import random

import ipywidgets as w
import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import d2lmini
from d2lmini.controls import Controls, controls, model_export, text_generator
from d2lmini.controls.frames import BUDGET_ENV, ENV
from d2lmini.controls.grid import grid_of, grid_points


@pytest.fixture
def shown(monkeypatch):
    """What the panel displays (instead of a notebook's output area)."""
    items = []
    monkeypatch.setattr("d2lmini.controls.panel.display", items.append)
    monkeypatch.setattr("IPython.display.display", items.append)
    return items


@pytest.fixture
def frames(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV, str(tmp_path))
    return tmp_path


def draw(a, b="x"):
    _fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, a])
    ax.set_title(f"{a} {b}")
    print(f"a = {a}, b = {b}")
    return a * 2


# ---------------------------------------------------------------- grids
def test_grids_keep_every_value_up_to_64():
    assert grid_of(w.IntSlider(value=4, min=1, max=64))[1] == list(range(1, 65))
    kind, values, labels = grid_of(w.FloatSlider(value=1.0, min=0, max=2, step=0.25))
    assert kind == "range" and values == [
        0.0,
        0.25,
        0.5,
        0.75,
        1.0,
        1.25,
        1.5,
        1.75,
        2.0,
    ]
    assert labels[4] == "1.00"
    assert grid_of(w.SelectionSlider(options=[0.1, 1.0, 10.0], value=1.0)) == (
        "range",
        [0.1, 1.0, 10.0],
        ["0.1", "1.0", "10.0"],
    )
    assert (
        grid_of(w.ToggleButtons(options=["char", "word"], value="word"))[0] == "buttons"
    )
    assert grid_of(w.Dropdown(options=[("one", 1), ("two", 2)], value=2)) == (
        "select",
        [1, 2],
        ["one", "two"],
    )
    assert grid_of(w.Checkbox(value=True))[1] == [False, True]
    assert grid_of(w.Text(value="hi")) == ("fixed", ["hi"], ["hi"])
    assert grid_of(w.Combobox(options=["a", "b"], value="c"))[1] == ["a", "b", "c"]


def test_long_sliders_get_24_spread_values_and_the_default():
    _kind, values, _ = grid_of(w.IntSlider(value=16, min=1, max=400))
    assert values[0] == 1 and values[-1] == 400 and 16 in values
    assert 24 <= len(values) <= 25 and values == sorted(values)


def test_small_products_are_full_grids_large_ones_go_one_control_at_a_time():
    mode, points = grid_points([range(2), range(25)], [1, 2])
    assert mode == "product" and len(points) == 50
    mode, points = grid_points([range(24), range(25)], [9, 0])
    assert mode == "single" and len(points) == 24 + 25 - 1
    assert points[0] == (9, 0) and all(p[0] == 9 or p[1] == 0 for p in points)


# ---------------------------------------------------------------- controls
def test_without_the_variable_nothing_changes(monkeypatch, shown, tmp_path):
    monkeypatch.delenv(ENV, raising=False)
    panel = controls(draw, a=w.IntSlider(value=3, min=0, max=9))
    assert panel.last == 6
    assert isinstance(shown[0], plt.Figure)
    assert "d2lmini-controls-note" in shown[1].data and shown[2] is panel.box
    assert len(shown) == 3 and not list(tmp_path.iterdir())
    assert panel.set(a=5) == 10


def test_static_panel_precomputes_every_frame(frames, shown):
    plt.close("all")  # figures other test modules left open are not this panel's
    torch.manual_seed(1)
    np.random.seed(1)
    random.seed(1)
    after = (torch.rand(3), np.random.rand(), random.random())
    torch.manual_seed(1)
    np.random.seed(1)
    random.seed(1)
    panel = controls(
        draw,
        a=w.IntSlider(value=3, min=0, max=9),
        b=w.ToggleButtons(options=["x", "y"], value="x"),
    )
    # the rest of the chapter sees the random state it would see without frames
    assert torch.equal(torch.rand(3), after[0]) and np.random.rand() == after[1]
    assert random.random() == after[2]
    assert isinstance(shown[0], plt.Figure) and len(shown) == 2
    html = shown[1].data
    assert isinstance(panel, Controls) and panel.last == 6 and panel.set(a=4) == 8
    panel_id = html.split('data-frames="')[1].split('"')[0]
    m = json.loads((frames / f"{panel_id}.json").read_text())
    assert m["mode"] == "product" and len(m["frames"]) == 20
    assert [c["default"] for c in m["controls"]] == [3, 0]
    assert m["frames"]["7,1"]["text"] == "a = 7, b = y\n"
    for frame in m["frames"].values():
        assert (
            len(frame["images"]) == 1
            and (frames / "img" / frame["images"][0]).is_file()
        )
    assert len({f["images"][0] for f in m["frames"].values()}) == 20
    assert "lang-ko" in html and "lang-en" in html and 'type="range"' in html
    assert "a = 3, b = x" in html  # the first frame's text
    assert plt.get_fignums() == []


def test_frames_are_deterministic_and_quiet(frames, shown, capsys):
    def noisy(k):
        import warnings

        warnings.warn("a warning in a frame", stacklevel=1)
        print("k", k)
        plt.figure(figsize=(1, 1))

    ids = []
    for _ in range(2):
        shown.clear()
        with pytest.warns(UserWarning):  # the first (real) draw warns as in a notebook
            controls(noisy, k=w.IntSlider(value=0, min=0, max=3))
        ids.append(shown[-1].data.split('data-frames="')[1].split('"')[0])
    assert ids[0] == ids[1]
    assert "k 2" not in capsys.readouterr().out


def test_text_box_stays_fixed_and_is_said_on_the_page(frames, shown):
    controls(draw, a=w.IntSlider(value=1, min=0, max=2), b=w.Text(value="hello"))
    html = shown[-1].data
    assert "disabled" in html and "edited in the notebook" in html


# ---------------------------------------------------------------- text generator
def tiny_lm(kind):
    torch.manual_seed(0)
    vocab = d2lmini.Vocab(list("the time traveller"))
    V = len(vocab)
    if kind == "scratch":
        return d2lmini.RNNLMScratch(d2lmini.RNNScratch(V, 8, sigma=0.5), V), vocab
    return d2lmini.RNNLM(d2lmini.RNN(V, 8), V), vocab


@pytest.mark.parametrize("kind", ["scratch", "torch"])
def test_exported_weights_give_the_models_logits(kind):
    model, vocab = tiny_lm(kind)
    m = model_export.export_char_model(model, vocab)
    W_xh, W_hh, b_h, W_hq, b_q = (
        np.array(m[k]) for k in ("W_xh", "W_hh", "b_h", "W_hq", "b_q")
    )
    prefix = "the timq"  # q is not in the vocabulary: <unk>
    h = np.zeros(len(b_h))
    for ch in prefix:
        h = np.tanh(
            W_xh[m["tokens"].index(ch) if ch in m["tokens"] else m["unk"]]
            + h @ W_hh
            + b_h
        )
    with torch.no_grad():
        logits, _ = model.time_major_logits(torch.tensor([vocab[list(prefix)]]))
    assert np.allclose(h @ W_hq + b_q, logits[-1, 0].numpy(), atol=1e-5)
    assert m["tokens"][0] == "<unk>" and m["unk"] == 0


def test_text_generator_in_a_kernel_prints_predict(monkeypatch, shown, capsys):
    monkeypatch.delenv(ENV, raising=False)
    model, vocab = tiny_lm("scratch")
    gen = text_generator(model, vocab, prefix="the", num_preds=10)
    assert gen.last == model.predict("the", 10, vocab)
    assert set(gen.widgets) == {"prefix", "num_preds", "mode", "temperature", "seed"}
    assert gen.set(prefix="time", num_preds=20) == model.predict("time", 20, vocab)
    sampled = gen.set(mode="sampling", temperature=0.5, seed=3)
    assert sampled == model.predict("time", 20, vocab, temperature=0.5, seed=3)
    assert gen.set(prefix="") == ""


def test_text_generator_in_the_static_book_exports_its_model(frames, shown):
    model, vocab = tiny_lm("torch")
    gen = text_generator(model, vocab, prefix="the", num_preds=10)
    html = shown[-1].data
    assert 'class="d2lmini-textgen"' in html and gen.last in html
    panel_id = html.split('data-frames="')[1].split('"')[0]
    m = json.loads((frames / f"{panel_id}.json").read_text())
    assert m["kind"] == "textgen" and m["model"]["tokens"] == vocab.idx_to_token


def test_the_pages_generator_takes_its_ranges_from_the_widgets():
    from d2lmini.controls.textgen import page_html

    widgets = {
        "prefix": w.Text(value="a <b>"),
        "num_preds": w.IntSlider(value=30, min=5, max=300, step=5),
        "mode": w.ToggleButtons(options=["greedy", "sampling"], value="sampling"),
        "temperature": w.FloatSlider(value=0.75, min=0.25, max=3.0, step=0.25),
        "seed": w.IntSlider(value=7, min=1, max=9),
    }
    html = page_html("p0", widgets, "text")
    assert 'data-name="num_preds" min="5" max="300" step="5" value="30"' in html
    assert 'data-name="temperature" min="0.25" max="3" step="0.25" value="0.75"' in html
    assert 'data-name="seed" min="1" max="9" step="1" value="7"' in html
    assert 'data-mode="sampling" aria-pressed="true"' in html
    assert 'value="a &lt;b&gt;"' in html


def test_a_slow_panel_is_not_precomputed_and_says_so(frames, shown, monkeypatch):
    monkeypatch.setenv(BUDGET_ENV, "0")
    panel = controls(draw, a=w.IntSlider(value=1, min=0, max=5))
    html = shown[-1].data
    panel_id = html.split('data-frames="')[1].split('"')[0]
    m = json.loads((frames / f"{panel_id}.json").read_text())
    assert m["mode"] == "off" and list(m["frames"]) == ["1"]
    assert "disabled" in html and "in the notebook" in html and panel.last == 2


# ---------------------------------------------------------------- random state
def noisy_draw(a):
    """A frame that uses every random generator, so any state mix-up shows."""
    _fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot(torch.rand(5).numpy() + np.random.rand() + random.random())
    print(f"a = {a}, r = {torch.rand(1).item():.6f}")


def test_every_frame_starts_from_the_same_random_state(frames, shown):
    manifests = []
    for _ in range(2):
        torch.manual_seed(0)
        np.random.seed(0)
        random.seed(0)
        controls(noisy_draw, a=w.IntSlider(value=2, min=0, max=6))
        after = torch.rand(1).item()  # the chapter goes on from the default state
        panel_id = shown[-1].data.split('data-frames="')[1].split('"')[0]
        manifests.append(json.loads((frames / f"{panel_id}.json").read_text()))
        torch.manual_seed(0)
        np.random.seed(0)
        random.seed(0)
        noisy_draw(2)
        plt.close("all")
        assert after == torch.rand(1).item()
    assert len(manifests[0]["frames"]) == 7 and manifests[0] == manifests[1]
    texts = {
        f["text"].split(", r = ")[1]
        for key, f in manifests[0]["frames"].items()
        if key != "2"  # the default frame is the notebook's own draw
    }
    assert len(texts) == 1  # every other frame starts from the state after it


def test_a_failing_frame_raises_in_the_notebook(frames, shown):
    def fragile(a):
        if a == 3:
            raise ValueError("draw failed for 3")
        plt.subplots()

    with pytest.raises(ValueError, match="draw failed for 3"):
        controls(fragile, a=w.IntSlider(value=1, min=0, max=4))
    plt.close("all")


# ---------------------------------------------------------------- SVG figures
@pytest.fixture
def svg(monkeypatch):
    from d2lmini import plotting

    monkeypatch.setattr(plotting, "_FIGURE_FORMAT", dict(plotting._FIGURE_FORMAT))
    d2lmini.use_svg_display()
    return plotting


def test_svg_figures_are_the_same_on_every_run(svg):
    import re

    data = []
    for dpi in (200, 200, 80):
        d2lmini.use_svg_display(dpi=dpi)
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.imshow(np.arange(12).reshape(3, 4))
        ax.set_title("heat map")
        data.append(d2lmini.figure_bytes(fig))
        plt.close(fig)
    (ext, first), (_, second), (_, low) = data
    assert ext == "svg" and first == second
    text = first.decode()
    assert text.lstrip().startswith("<?xml") and "<dc:date>" not in text

    def size(svg):
        return re.search(rb'<svg[^>]* width="([^"]+)" height="([^"]+)"', svg).groups()

    assert size(first) == size(low)  # the dpi sets the heat map's pixels, not the size
    assert len(low) < len(first)


def test_frames_follow_the_notebook_format(svg, frames, shown):
    controls(draw, a=w.IntSlider(value=1, min=0, max=3))
    panel_id = shown[-1].data.split('data-frames="')[1].split('"')[0]
    m = json.loads((frames / f"{panel_id}.json").read_text())
    names = [f["images"][0] for f in m["frames"].values()]
    assert all(n.endswith(".svg") for n in names) and len(set(names)) == 4
    assert (frames / "img" / names[0]).read_text().count("<svg") == 1


def test_use_svg_display_rejects_a_bad_dpi(svg):
    with pytest.raises(ValueError, match="dpi"):
        d2lmini.use_svg_display(dpi=0)
    with pytest.raises(TypeError, match="dpi"):
        d2lmini.use_svg_display(dpi="high")


def test_figure_bytes_wants_a_figure():
    with pytest.raises(TypeError, match=r"Figure여야.*\n.*matplotlib Figure"):
        d2lmini.figure_bytes(plt.gca())
    plt.close("all")


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_text_measured_once_draws_the_same_bytes(fmt, svg):
    """While frames are drawn, text sizes are kept across figures
    (frames._text_measured_once): same images, and matplotlib's own caches are back
    afterwards."""
    import matplotlib.mathtext as mathtext
    import matplotlib.text as mtext

    from d2lmini.controls import frames

    if fmt == "png":
        d2lmini.use_svg_display()  # the kwargs, then PNG as the notebook would
        d2lmini.plotting._FIGURE_FORMAT["format"] = "png"

    def figures():
        out = []
        for k in range(1, 4):
            fig, (a1, a2) = plt.subplots(1, 2, figsize=(5, 2))
            a1.semilogy(np.arange(1, 50), np.logspace(k, 0, 49))
            a2.plot(np.linspace(0, 1, 20) ** k, label=f"$x^{k}$")
            a2.legend()
            fig.suptitle(f"frame {k}: vocabulary {10**k:,}")
            fig.tight_layout()
            out.append(d2lmini.figure_bytes(fig))
            plt.close(fig)
        return out

    before = (mtext._get_text_metrics_with_cache, mathtext.MathTextParser._parse_cached)
    plain = figures()
    with frames._text_measured_once():
        assert mtext._get_text_metrics_with_cache is not before[0]
        shared = figures()
    assert shared == plain and all(ext == fmt for ext, _ in plain)
    assert (
        mtext._get_text_metrics_with_cache,
        mathtext.MathTextParser._parse_cached,
    ) == before
