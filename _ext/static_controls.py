"""Controls that move in the static book (a local Sphinx extension of rnn-course).

``d2lmini.controls.controls`` precomputes its frames when the kernel finds
``D2LMINI_STATIC_FRAMES`` in its environment (see ``d2lmini/controls/frames.py``). This
extension

* sets that variable when the build starts, to ``<jupyter cache>/d2lmini_frames``: the
  kernels that execute the chapters inherit it, and the frames
  live (and are cleaned) with the cached outputs that refer to
  them, so a cached build finds them without recomputing;
* copies the frame files each page refers to (``data-frames="<id>"`` in a cell output)
  into ``_static/frames/`` of the HTML output, and fails the build (a warning under
  -W) when a page refers to frames that are gone (cure: ``jupyter-book clean --all``);
* drops the ipywidgets state that myst-nb would embed in the page: no widget bundle is
  loaded (``_static/static_controls.js`` drives the native controls instead).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

ENV = "D2LMINI_STATIC_FRAMES"
FRAMES_ID = re.compile(r'data-frames="(p[0-9a-f]{16})"')
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

logger = logging.getLogger(__name__)


def frames_source(app: Sphinx) -> pathlib.Path:
    cache = getattr(app.config, "nb_execution_cache_path", "") or ""
    base = (
        pathlib.Path(cache)
        if cache
        else pathlib.Path(app.outdir).parent / ".jupyter_cache"
    )
    if not base.is_absolute():
        base = pathlib.Path(app.srcdir) / base
    return base / "d2lmini_frames"


def set_frames_env(app: Sphinx, config) -> None:
    if not os.environ.get(ENV):
        os.environ[ENV] = str(frames_source(app))
    timings = pathlib.Path(os.environ[ENV]) / "timings.jsonl"
    app._static_controls_timings = (
        timings,
        timings.stat().st_size if timings.exists() else 0,
    )


def report_timings(app: Sphinx, exception) -> None:
    """Say how long this build spent precomputing
    frames (chapters executed, not cached)."""
    timings, start = getattr(app, "_static_controls_timings", (None, 0))
    if exception or timings is None or not timings.exists():
        return
    with open(timings, encoding="utf-8") as f:
        f.seek(start)
        rows = [json.loads(line) for line in f if line.strip()]
    if rows:
        logger.info(
            "static controls: %d panels, %d frames precomputed in %.1f s (%.1f s CPU)",
            len(rows),
            sum(r["frames"] for r in rows),
            sum(r["wall_s"] for r in rows),
            sum(r["cpu_s"] for r in rows),
        )


def copy_frames(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Copy the frames that the page's cell outputs refer to into _static/frames/."""
    if app.builder.format != "html":
        return
    ids = set()
    for raw in doctree.findall(nodes.raw):
        if "html" in raw.get("format", "").split():
            ids.update(FRAMES_ID.findall(raw.astext()))
    if not ids:
        return
    src = pathlib.Path(os.environ.get(ENV) or frames_source(app))
    dest = pathlib.Path(app.outdir) / "_static" / "frames"
    (dest / "img").mkdir(parents=True, exist_ok=True)
    for panel_id in sorted(ids):
        manifest = src / f"{panel_id}.json"
        if not manifest.is_file():
            logger.warning(
                "%s: the precomputed frames %s are missing from %s (the notebook "
                "cache is older than they are): run `jupyter-book clean --all`",
                docname,
                panel_id,
                src,
                type="static_controls",
                subtype="frames",
            )
            continue
        shutil.copyfile(manifest, dest / manifest.name)
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for frame in data.get("frames", {}).values():
            for name in frame["images"]:
                if not (dest / "img" / name).exists():
                    shutil.copyfile(src / "img" / name, dest / "img" / name)


def drop_widget_state(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """No widget bundle is loaded, so the widget state myst-nb embeds is dead weight."""
    if "script_files" in context:
        context["script_files"] = [
            js
            for js in context["script_files"]
            if getattr(js, "attributes", {}).get("type") != WIDGET_STATE
        ]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", set_frames_env)
    app.connect("doctree-resolved", copy_frames)
    app.connect("html-page-context", drop_widget_state, priority=950)
    app.connect("build-finished", report_timings)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
