"""Precomputed frames of ``d2lmini.widgets`` controls, for the static (HTML) book.

Used only when ``D2LMINI_STATIC_FRAMES`` names a folder (the book build sets it, see
``_ext/static_controls.py``). For a panel of controls we

1. take a grid of values per widget (:func:`grid_of`: every value when there are at most
   64, otherwise 24 evenly spread ones plus the default; a text box keeps its value);
2. evaluate ``draw`` on the product of those grids when it has at most 64 points,
   otherwise one widget at a time with the others at their defaults (the page says so);
3. compute the frames in forked worker processes (:func:`in_parallel`), write each
   frame's figures as the notebook shows them (SVG after
   :func:`d2lmini.use_svg_display`, else PNG) under ``img/<sha>.<svg|png>``, and a
   manifest ``<panel id>.json`` (id = hash of its content, so a rebuilt but unchanged
   panel keeps its files and a changed one never meets stale ones);
4. display the default figures as usual, then a placeholder with native HTML controls
   that ``_static/static_controls.js`` binds to the manifest.

Frames start from the random state right after the default draw, and that state is
restored afterwards: the rest of the chapter computes exactly what it computes without
frames. Warnings and printed text of the extra frames never reach the notebook's output.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import itertools
import json
import os
import pathlib
import random
import signal
import sys
import time
import warnings

import numpy as np

ENV = "D2LMINI_STATIC_FRAMES"
MAX_VALUES = 64  # a widget with at most this many values gets every one of them
SPREAD = 24  # otherwise: this many evenly spread values, plus the default
MAX_PRODUCT = 64  # a product grid up to this size; beyond it, one widget at a time
BUDGET_ENV = "D2LMINI_STATIC_BUDGET"
BUDGET_S = 300.0  # a panel whose frames would take longer (default draw time × frames
# ÷ workers) is not precomputed: its controls are shown disabled, with
# a note. The margin is wide because a loaded machine can make the
# default draw (timed with all torch threads) tens of times slower.


def frames_dir():
    """The folder the book build asked for (``$D2LMINI_STATIC_FRAMES``), or None."""
    folder = os.environ.get(ENV)
    return pathlib.Path(folder) if folder else None


# ---------------------------------------------------------------- grids
def _fmt(widget, value):
    """The value as the widget's readout shows it."""
    fmt = getattr(widget, "readout_format", None)
    if isinstance(value, float) and fmt:
        try:
            return format(value, fmt)
        except (TypeError, ValueError):
            pass
    return str(value)


def _spread(values, default):
    """All ``values`` when few; otherwise SPREAD evenly spread ones plus ``default``."""
    if len(values) <= MAX_VALUES:
        return list(values)
    picks = sorted({int(round(i)) for i in np.linspace(0, len(values) - 1, SPREAD)})
    chosen = [values[i] for i in picks]
    if default not in chosen:
        chosen.append(default)
        chosen.sort()
    return chosen


def grid_of(widget):
    """``(kind, values, labels)`` for one widget: the values the static page offers.

    kind: ``range`` (sliders), ``buttons`` (toggle buttons, radio buttons), ``select``
    (dropdowns, combo boxes), ``checkbox`` (booleans) or ``fixed`` (a text box: the page
    shows its value; the notebook takes any text).
    """
    import ipywidgets as w

    value = widget.value
    if isinstance(
        widget,
        (w.SelectionSlider, w.ToggleButtons, w.RadioButtons, w.Dropdown, w.Select),
    ):
        values, labels = list(widget._options_values), list(widget._options_labels)
        kind = (
            "range"
            if isinstance(widget, w.SelectionSlider)
            else ("select" if isinstance(widget, (w.Dropdown, w.Select)) else "buttons")
        )
        keep = _spread(list(range(len(values))), values.index(value))
        return kind, [values[i] for i in keep], [labels[i] for i in keep]
    if isinstance(widget, w.FloatLogSlider):
        n = int(round((widget.max - widget.min) / widget.step)) + 1
        values = [
            float(widget.base ** round(widget.min + i * widget.step, 10))
            for i in range(n)
        ]
        values = (
            _spread(values, value)
            if value in values
            else sorted(set(_spread(values, values[0])) | {value})
        )
        return "range", values, [_fmt(widget, v) for v in values]
    if isinstance(
        widget, (w.IntSlider, w.FloatSlider, w.BoundedIntText, w.BoundedFloatText)
    ):
        step = widget.step or 1
        n = int(round((widget.max - widget.min) / step)) + 1
        if isinstance(value, int):
            values = [widget.min + i * step for i in range(n)]
        else:
            values = [round(widget.min + i * step, 10) for i in range(n)]
        values = [v for v in values if v <= widget.max]
        if value not in values:
            values = sorted(set(values) | {value})
        values = _spread(values, value)
        return "range", values, [_fmt(widget, v) for v in values]
    if isinstance(widget, (w.Checkbox, w.ToggleButton)):
        return "checkbox", [False, True], ["False", "True"]
    if isinstance(widget, w.Combobox) and widget.options:
        values = list(dict.fromkeys([*widget.options, value]))
        keep = _spread(values, value)
        return "select", keep, [str(v) for v in keep]
    return "fixed", [value], [str(value)]


def grid_points(grids, defaults):
    """``(mode, points)``: index tuples into the
    grids, product or one widget at a time."""
    sizes = [len(g) for g in grids]
    if int(np.prod(sizes)) <= MAX_PRODUCT:
        return "product", list(itertools.product(*[range(n) for n in sizes]))
    points = [tuple(defaults)]
    for c, n in enumerate(sizes):
        for i in range(n):
            p = list(defaults)
            p[c] = i
            if tuple(p) not in points:
                points.append(tuple(p))
    return "single", points


# ---------------------------------------------------------------- running draw
def run_frame(draw, values):
    """``(result, frame)``: run ``draw(**values)`` with its printed text captured; the
    frame holds the text and the open figures it made (not yet shown or closed)."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        result = draw(**values)
    seconds = time.perf_counter() - start
    figs = [plt.figure(n) for n in plt.get_fignums() if n not in before]
    return result, {"text": out.getvalue(), "figures": figs, "seconds": seconds}


@contextlib.contextmanager
def _same_random_state():
    """Run the block from the current random state,
    and put that state back afterwards."""
    import torch

    states = random.getstate(), np.random.get_state(), torch.get_rng_state()
    try:
        yield lambda: (
            random.setstate(states[0]),
            np.random.set_state(states[1]),
            torch.set_rng_state(states[2]),
        )
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])
        torch.set_rng_state(states[2])


def _save_images(frame, folder, close=True):
    """Write the frame's figures (SVG or PNG, as the notebook shows them) as files named
    by content, closing them unless ``close`` is false; return the file names."""
    import matplotlib.pyplot as plt

    from .plotting import figure_bytes

    names = []
    for fig in frame["figures"]:
        ext, data = figure_bytes(fig)
        if close:
            plt.close(fig)
        if data is None:  # an empty figure: the notebook shows nothing either
            continue
        name = hashlib.sha1(data).hexdigest()[:20] + "." + ext
        path = folder / "img" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        names.append(name)
    return names


def _write_manifest(manifest, folder):
    """Save the manifest under an id derived from its content; return the id."""
    text = json.dumps(
        manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    panel_id = "p" + hashlib.sha1(text.encode()).hexdigest()[:16]
    path = folder / f"{panel_id}.json"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return panel_id


def compute_frames(panel, folder):
    """Evaluate ``panel.draw`` on the grid; return the
    manifest (first frame included)."""
    names = list(panel.widgets)
    specs = [grid_of(panel.widgets[n]) for n in names]
    defaults = []
    for (_kind, values, _labels), name in zip(specs, names):
        defaults.append(values.index(panel.values[name]))
    mode, points = grid_points([s[1] for s in specs], defaults)
    budget = float(os.environ.get(BUDGET_ENV) or BUDGET_S)
    if panel.first_frame.get("seconds", 0) * (len(points) - 1) / workers() > budget:
        mode, points = (
            "off",
            [tuple(defaults)],
        )  # too slow to precompute: said on the page
    first = tuple(defaults)
    start, cpu = time.perf_counter(), _cpu_seconds()
    with _same_random_state() as reset, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the notebook shows (and closes) the default frame's figures next
        frames = {
            _key(first): {
                "images": _save_images(panel.first_frame, folder, close=False),
                "text": panel.first_frame["text"],
            }
        }

        def job(chunk):
            out = {}
            for point in chunk:
                reset()
                values = {
                    n: specs[c][1][i] for c, (n, i) in enumerate(zip(names, point))
                }
                with contextlib.redirect_stderr(io.StringIO()):
                    _, frame = run_frame(panel.draw, values)
                out[_key(point)] = {
                    "images": _save_images(frame, folder),
                    "text": frame["text"],
                }
            return out

        rest = [p for p in points if p != first]
        limit = 60 + 10 * panel.first_frame.get("seconds", 1) * len(rest)
        frames.update(in_parallel(job, rest, limit))
    controls = [
        {
            "name": n,
            "kind": k,
            "labels": labels,
            "default": d,
            "description": getattr(panel.widgets[n], "description", "") or n,
        }
        for n, (k, _, labels), d in zip(names, specs, defaults)
    ]
    _log_timing(
        folder,
        getattr(panel.draw, "__qualname__", "draw"),
        len(points),
        time.perf_counter() - start,
        _cpu_seconds() - cpu,
    )
    return {"mode": mode, "controls": controls, "frames": frames}


def _cpu_seconds():
    """CPU time of this process and of its finished children."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def _key(point):
    return ",".join(map(str, point))


# ---------------------------------------------------------------- in parallel
WORKERS_ENV = "D2LMINI_STATIC_WORKERS"


def workers():
    """How many processes compute frames: ``$D2LMINI_STATIC_WORKERS``, else the usable
    cores (at most 4); 1 where there is no ``fork`` (Windows)."""
    if not hasattr(os, "fork"):
        return 1
    wanted = os.environ.get(WORKERS_ENV)
    if wanted:
        return max(1, int(wanted))
    cores = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )
    return max(1, min(cores or 1, 4))


def in_parallel(job, items, limit_s):
    """``job(items)`` as one dict, its work shared among :func:`workers` processes.

    Forked children take every n-th item, from the current state of this process
    (the chapter's objects as they are; nothing they do comes back except the
    returned dict, which must be JSON). This process does its own share meanwhile. A
    child that fails or takes longer than ``limit_s`` is killed and its share
    computed here, so an error surfaces as it would without children."""
    n = min(workers(), len(items))
    if n <= 1:
        return job(items)
    import torch

    pending = []  # (pid, read end of its pipe, its share) of children not yet reaped
    try:
        for k in range(1, n):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: compute, send JSON, leave without any cleanup
                status = 1
                try:
                    os.close(read_fd)
                    _quiet_child()
                    torch.set_num_threads(1)
                    data = json.dumps(job(items[k::n])).encode("utf-8")
                    with os.fdopen(write_fd, "wb") as pipe:
                        pipe.write(data)
                    status = 0
                finally:
                    os._exit(status)
            os.close(write_fd)
            pending.append((pid, read_fd, items[k::n]))
        threads = torch.get_num_threads()
        torch.set_num_threads(max(1, threads // n))
        try:
            result = job(items[0::n])
        finally:
            torch.set_num_threads(threads)
        deadline = time.monotonic() + limit_s
        while pending:
            pid, read_fd, share = pending.pop(0)
            data = _read_until(read_fd, deadline)  # closes read_fd
            if data is None:
                _kill(pid)
            _, status = os.waitpid(pid, 0)
            frames = _json_dict(data) if status == 0 else None
            result.update(frames if frames is not None else job(share))
        return result
    finally:  # this process failed: stop the children it started
        for pid, read_fd, _ in pending:
            _kill(pid)
            os.close(read_fd)
            os.waitpid(pid, 0)


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _json_dict(data):
    """The dict a child sent, or None (no data, or not a JSON object)."""
    try:
        value = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _read_until(fd, deadline):
    """All bytes from ``fd`` until it closes, or None past ``deadline``."""
    import select

    chunks = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def _quiet_child():
    """In a forked child of a Jupyter kernel: nothing may reach the kernel's sockets."""
    sys.stdout = sys.stderr = io.StringIO()
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "display_pub", None) is not None:
        shell.display_pub.publish = lambda *args, **kwargs: None
        shell.display_pub.clear_output = lambda *args, **kwargs: None


def _log_timing(folder, name, frames, wall, cpu):
    """One line per panel in ``<folder>/timings.jsonl`` (the build sums them up)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "timings.jsonl", "a", encoding="utf-8") as f:
        f.write(
            json.dumps(
                {
                    "draw": name,
                    "frames": frames,
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                }
            )
            + "\n"
        )


# ---------------------------------------------------------------- the page
NOTE_STATIC = (
    '<span class="lang-ko">미리 계산한 그림입니다. 컨트롤을 움직이면 그 값으로 그려 둔 '
    "그림으로 바뀝니다. 다른 값은 노트북(Colab/Binder)에서 "
    "계산할 수 있습니다.{ko}</span>"
    '<span class="lang-sep"> · </span><span class="lang-en">Precomputed: '
    "moving a control shows the figure drawn in "
    "advance for that value. The notebook (Colab/Binder) computes any value.{en}</span>"
)
NOTE_SINGLE = (
    " 한 번에 컨트롤 하나씩만 미리 계산했으므로, 하나를 움직이면 나머지는 기본값으로 "
    "돌아갑니다.",
    " Values are precomputed one control at a time: moving one "
    "puts the others back to their defaults.",
)
NOTE_OFF = (
    " 이 패널은 설정마다 오래 계산해야 해서 책에는 기본값만 있습니다. 노트북에서 "
    "컨트롤을 움직여 보세요.",
    " This panel takes long to compute for each setting, "
    "so the book shows its default only: move its controls in the notebook.",
)
NOTE_FIXED = (
    " 텍스트 상자는 노트북에서 바꿀 수 있습니다.",
    " The text box can be edited in the notebook.",
)


def _control_html(i, spec):
    """One native control (label shared by both languages: it is the widget's name)."""
    esc = html.escape
    name, kind, labels, d = spec["name"], spec["kind"], spec["labels"], spec["default"]
    label = f'<span class="d2lmini-label">{esc(spec["description"])}</span>'
    data = f'data-control="{i}" data-name="{esc(name)}"'
    if kind == "range":
        return (
            f'<label class="d2lmini-control">{label}'
            f'<input type="range" {data} min="0" max="{len(labels) - 1}" step="1" '
            f'value="{d}" aria-valuetext="{esc(labels[d])}" '
            f'data-labels="{esc(json.dumps(labels, ensure_ascii=False))}">'
            f"<output>{esc(labels[d])}</output></label>"
        )
    if kind == "select":
        options = "".join(
            f'<option value="{j}"{" selected" if j == d else ""}>{esc(lab)}</option>'
            for j, lab in enumerate(labels)
        )
        select = f"<select {data}>{options}</select>"
        return f'<label class="d2lmini-control">{label}{select}</label>'
    if kind == "checkbox":
        return (
            f'<label class="d2lmini-control">{label}<input type="checkbox" {data}'
            f"{' checked' if d else ''}></label>"
        )
    if kind == "buttons":
        buttons = "".join(
            f'<button type="button" data-index="{j}" '
            f'aria-pressed="{"true" if j == d else "false"}">{esc(lab)}</button>'
            for j, lab in enumerate(labels)
        )
        return (
            '<div class="d2lmini-control" role="group" '
            f'aria-label="{esc(name)}">{label}<span '
            f'class="d2lmini-buttons" {data}>{buttons}</span></div>'
        )
    return (
        f'<label class="d2lmini-control">{label}<input type="text" {data} '
        f'value="{esc(labels[0])}" disabled></label>'
    )


def placeholder_html(panel_id, manifest, num_figures, text):
    """The static panel: the first frame's text, the controls and the note."""
    ko, en = "", ""
    if manifest["mode"] == "single":
        ko, en = ko + NOTE_SINGLE[0], en + NOTE_SINGLE[1]
    if manifest["mode"] == "off":
        ko, en = ko + NOTE_OFF[0], en + NOTE_OFF[1]
        manifest = dict(
            manifest,
            controls=[
                dict(c, kind="fixed", labels=[c["labels"][c["default"]]], default=0)
                for c in manifest["controls"]
            ],
        )
    elif any(c["kind"] == "fixed" for c in manifest["controls"]):
        ko, en = ko + NOTE_FIXED[0], en + NOTE_FIXED[1]
    controls = "".join(_control_html(i, c) for i, c in enumerate(manifest["controls"]))
    note = NOTE_STATIC.format(ko=ko, en=en)
    if manifest["mode"] == "off":
        note = (
            f'<span class="lang-ko">{NOTE_OFF[0].strip()}</span><span '
            'class="lang-sep"> · </span><span '
            f'class="lang-en">{NOTE_OFF[1].strip()}</span>'
        )
    hidden = "" if text else " hidden"
    return (
        f'<div class="d2lmini-static" data-frames="{panel_id}" '
        f'data-figures="{num_figures}" data-mode="{manifest["mode"]}">'
        f'<pre class="d2lmini-frame-text"{hidden}>{html.escape(text)}</pre>'
        f'<div class="d2lmini-static-controls">{controls}</div>'
        f'<p class="d2lmini-controls-note">{note}</p></div>'
    )


def show_static_panel(panel, folder):
    """Display the first frame's figures, then the placeholder bound to the frames."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    manifest = compute_frames(panel, folder)
    first = panel.first_frame
    for fig in first["figures"]:
        display(fig)
        plt.close(fig)
    panel_id = _write_manifest(manifest, folder)
    first_key = ",".join(str(c["default"]) for c in manifest["controls"])
    num_figures = len(manifest["frames"][first_key]["images"])
    display(HTML(placeholder_html(panel_id, manifest, num_figures, first["text"])))
    return panel_id


# ---------------------------------------------------------------- text generator
def export_char_model(model, vocab):
    """The weights (row-major lists) and vocabulary of
    a character RNN language model."""
    import torch

    rnn = model.rnn
    with torch.no_grad():
        if hasattr(rnn, "W_xh"):  # RNNScratch: H = tanh(X W_xh + H W_hh + b_h)
            W_xh, W_hh, b_h = rnn.W_xh, rnn.W_hh, rnn.b_h
        else:  # RNN over torch.nn.RNN: H = tanh(X W_ih^T + b_ih + H W_hh^T + b_hh)
            r = rnn.rnn
            W_xh, W_hh = r.weight_ih_l0.T, r.weight_hh_l0.T
            b_h = r.bias_ih_l0 + r.bias_hh_l0
        if hasattr(model, "W_hq"):
            W_hq, b_q = model.W_hq, model.b_q
        else:
            W_hq, b_q = model.linear.weight.T, model.linear.bias

        def rows(t):
            return (
                [[float(x) for x in row] for row in t.detach().cpu().double().tolist()]
                if t.dim() == 2
                else [float(x) for x in t.detach().cpu().double().tolist()]
            )

        return {
            "tokens": list(vocab.idx_to_token),
            "unk": vocab.unk,
            "W_xh": rows(W_xh),
            "W_hh": rows(W_hh),
            "b_h": rows(b_h),
            "W_hq": rows(W_hq),
            "b_q": rows(b_q),
        }


def show_text_generator(panel, model, vocab, folder):
    """Display the generator's first text and a
    placeholder that runs the model in JS."""
    from IPython.display import HTML, display

    if not vocab.is_char_level:
        raise ValueError(
            "the static text generator supports character vocabularies only"
        )
    start, cpu = time.perf_counter(), time.process_time()
    weights = export_char_model(model, vocab)
    panel_id = _write_manifest({"kind": "textgen", "model": weights}, folder)
    _log_timing(
        folder,
        "text_generator",
        0,
        time.perf_counter() - start,
        time.process_time() - cpu,
    )
    v = panel.values
    esc = html.escape
    text = panel.first_frame["text"].rstrip("\n")  # the page shows the text alone
    note = (
        '<span class="lang-ko">이 페이지가 모델을 직접 실행합니다. 탐욕적 생성은 '
        "PyTorch와 같은 결과를 내고, 샘플링은 페이지의 난수 생성기를 씁니다.</span>"
        '<span class="lang-sep"> · </span><span class="lang-en">This '
        "page runs the model itself. Greedy generation "
        "gives the same text as PyTorch; sampling "
        "uses the page's own random generator.</span>"
    )
    mode_buttons = "".join(
        f'<button type="button" data-mode="{m}" '
        f'aria-pressed="{str(v["mode"] == m).lower()}">'
        f"{m}</button>"
        for m in ("greedy", "sampling")
    )
    page = (
        f'<div class="d2lmini-textgen" data-frames="{panel_id}">'
        f'<pre class="d2lmini-frame-text">{esc(text)}</pre>'
        f'<div class="d2lmini-static-controls">'
        f'<label class="d2lmini-control"><span class="d2lmini-label">prefix</span>'
        f'<input type="text" data-name="prefix" value="{esc(v["prefix"])}"></label>'
        f'<label class="d2lmini-control"><span class="d2lmini-label">num_preds</span>'
        f'<input type="range" data-name="num_preds" min="0" max="200" step="10" '
        f'value="{v["num_preds"]}"><output>{v["num_preds"]}</output></label>'
        f'<div class="d2lmini-control" role="group" aria-label="mode">'
        f'<span class="d2lmini-label">mode</span>'
        f'<span class="d2lmini-buttons" data-name="mode">{mode_buttons}</span></div>'
        f'<label class="d2lmini-control"><span class="d2lmini-label">temperature</span>'
        f'<input type="range" data-name="temperature" min="0.1" max="2" step="0.1" '
        f'value="{v["temperature"]:.1f}"><output>{v["temperature"]:.1f}</output></label>'
        f'<label class="d2lmini-control"><span class="d2lmini-label">seed</span>'
        f'<input type="range" data-name="seed" min="0" max="99" step="1" '
        f'value="{v["seed"]}"><output>{v["seed"]}</output></label></div>'
        f'<p class="d2lmini-controls-note">{note}</p></div>'
    )
    display(HTML(page))
    return panel_id
