"""The static book's panel: the default figures, then native HTML controls.

:func:`show_static_panel` computes the panel's frames (:mod:`.frames`), shows the
default frame's figures as the notebook would, and then a placeholder whose controls
``_static/static_controls.js`` binds to the frames' manifest.
"""

import html
import json

from .. import bilingual
from .frame_files import write_manifest
from .frames import compute_frames

NOTE_STATIC = (
    "미리 계산한 그림입니다. 컨트롤을 움직이면 그 값으로 그려 둔 그림으로 바뀝니다. "
    "다른 값은 노트북(Colab/Binder)에서 계산할 수 있습니다.",
    "Precomputed: moving a control shows the figure drawn in advance for that "
    "value. The notebook (Colab/Binder) computes any value.",
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
    note = bilingual.html(NOTE_STATIC[0] + ko, NOTE_STATIC[1] + en)
    if manifest["mode"] == "off":
        note = bilingual.html(NOTE_OFF[0].strip(), NOTE_OFF[1].strip())
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
    panel_id = write_manifest(manifest, folder)
    first_key = ",".join(str(c["default"]) for c in manifest["controls"])
    num_figures = len(manifest["frames"][first_key]["images"])
    display(HTML(placeholder_html(panel_id, manifest, num_figures, first["text"])))
    return panel_id
