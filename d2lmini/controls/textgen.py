"""``text_generator``: continue a prefix with a trained character model, live.

In a notebook its widgets call ``model.predict``. In the static book the model's
weights are exported (:mod:`.model_export`) and the page runs the forward pass
itself; the page's controls take their ranges from the same widgets.
"""

import html
import time

from .. import bilingual
from .._checks import fail
from .frame_files import log_timing, write_manifest
from .frames import frames_dir
from .model_export import export_char_model
from .panel import NOTE_TEXT, Controls

NOTE_PAGE = (
    "이 페이지가 모델을 직접 실행합니다. 탐욕적 생성은 PyTorch와 같은 결과를 내고, "
    "샘플링은 페이지의 난수 생성기를 씁니다.",
    "This page runs the model itself. Greedy generation gives the same text as "
    "PyTorch; sampling uses the page's own random generator.",
)
EMPTY_PREFIX = ("시작 글자를 입력하세요.", "Type a prefix.")


def text_generator(
    model, vocab, prefix="time traveller", num_preds=50, temperature=0.0, seed=0
):
    """A text box and sliders that continue a prefix with a trained character model.

    ``model`` is an ``RNNLMScratch`` (over ``RNNScratch``) or an ``RNNLM``
    (over ``RNN``); ``vocab`` its ``Vocab``. The controls: ``prefix`` (text to
    continue), ``num_preds`` (characters to generate, 0–200), ``mode``
    (greedy: the most likely character each step; sampling: draw from
    ``softmax(logits / temperature)``), ``temperature`` (sampling only) and
    ``seed`` (makes sampling repeatable). It prints ``model.predict(...)``;
    ``.set(...)`` returns that text, and ``.last`` holds the latest one.

    In the static book (``D2LMINI_STATIC_FRAMES`` set) the model's weights and
    vocabulary are exported and the page runs the forward pass itself
    (``_static/static_controls.js``): any prefix, length, mode and temperature
    work without a kernel (sampling there uses its own seeded generator, so
    sampled text differs from torch's; greedy text is the same).

    Taught in 9.5 (and used again in 9.6).
    """
    import ipywidgets as w
    from IPython.display import HTML, display

    def generate(prefix, num_preds, mode, temperature, seed):
        if not prefix:
            print(bilingual.text(*EMPTY_PREFIX))
            return ""
        t = float(temperature) if mode == "sampling" else 0.0
        text = model.predict(
            prefix, int(num_preds), vocab, temperature=t, seed=int(seed)
        )
        print(text)
        return text

    widgets = {
        "prefix": w.Text(value=prefix, description="prefix", continuous_update=False),
        "num_preds": w.IntSlider(
            value=num_preds, min=0, max=200, step=10, description="num_preds"
        ),
        "mode": w.ToggleButtons(
            options=["greedy", "sampling"],
            value="sampling" if temperature > 0 else "greedy",
            description="mode",
        ),
        "temperature": w.FloatSlider(
            value=temperature if temperature > 0 else 1.0,
            min=0.1,
            max=2.0,
            step=0.1,
            description="temperature",
        ),
        "seed": w.IntSlider(value=seed, min=0, max=99, description="seed"),
    }
    folder = frames_dir()
    if folder is None:
        panel = Controls(generate, widgets)
        display(HTML(NOTE_TEXT))
        display(panel.box)
        return panel
    panel = Controls(generate, widgets, static=True)
    show_text_generator(panel, model, vocab, folder)
    return panel


def _number(x):
    """A slider bound as the page's ``<input>`` takes it: ``2`` for 2.0, ``0.1``."""
    return format(x, "g")


def _range_html(name, widget):
    """A native range input with the slider's own bounds, step and value."""
    esc = html.escape
    step = widget.step or 1
    decimals = len(_number(step).partition(".")[2])  # 0.1 -> 1: as the page writes
    shown = f"{widget.value:.{decimals}f}"
    return (
        f'<label class="d2lmini-control"><span class="d2lmini-label">{esc(name)}'
        f'</span><input type="range" data-name="{esc(name)}" '
        f'min="{_number(widget.min)}" max="{_number(widget.max)}" '
        f'step="{_number(step)}" value="{shown}"><output>{shown}</output></label>'
    )


def page_html(panel_id, widgets, text):
    """The page's text generator: the text, then controls that mirror ``widgets``."""
    esc = html.escape
    mode = widgets["mode"]
    mode_buttons = "".join(
        f'<button type="button" data-mode="{esc(m)}" '
        f'aria-pressed="{str(mode.value == m).lower()}">'
        f"{esc(m)}</button>"
        for m in mode.options
    )
    prefix = widgets["prefix"].value
    return (
        f'<div class="d2lmini-textgen" data-frames="{panel_id}">'
        f'<pre class="d2lmini-frame-text">{esc(text)}</pre>'
        f'<div class="d2lmini-static-controls">'
        f'<label class="d2lmini-control"><span class="d2lmini-label">prefix</span>'
        f'<input type="text" data-name="prefix" value="{esc(prefix)}"></label>'
        f"{_range_html('num_preds', widgets['num_preds'])}"
        f'<div class="d2lmini-control" role="group" aria-label="mode">'
        f'<span class="d2lmini-label">mode</span>'
        f'<span class="d2lmini-buttons" data-name="mode">{mode_buttons}</span></div>'
        f"{_range_html('temperature', widgets['temperature'])}"
        f"{_range_html('seed', widgets['seed'])}</div>"
        f'<p class="d2lmini-controls-note">{bilingual.html(*NOTE_PAGE)}</p></div>'
    )


def show_text_generator(panel, model, vocab, folder):
    """Display the generator's first text and a
    placeholder that runs the model in JS."""
    from IPython.display import HTML, display

    if not vocab.is_char_level:
        fail(
            "정적 텍스트 생성기는 문자 수준 어휘만 지원합니다.",
            "the static text generator supports character vocabularies only",
        )
    start, cpu = time.perf_counter(), time.process_time()
    weights = export_char_model(model, vocab)
    panel_id = write_manifest({"kind": "textgen", "model": weights}, folder)
    log_timing(
        folder,
        "text_generator",
        0,
        time.perf_counter() - start,
        time.process_time() - cpu,
    )
    text = panel.first_frame["text"].rstrip("\n")  # the page shows the text alone
    display(HTML(page_html(panel_id, panel.widgets, text)))
    return panel_id
