"""Page-asset fixes for the rnn-course book (a local Sphinx extension).

* Each script is loaded once per page (sphinx-thebe registers its config script twice).
* MathJax is served from the built site (``_static/mathjax/``), copied from the pinned
  ``sphinx-mathjax-offline`` package (MathJax 3.2.2, the files of its npm
  release): the component ``mathjax_path`` names, and the folders it loads from on
  demand (fonts, the accessibility menu). The package is used as a file source
  only (as an extension it would copy 20 MB and switch to another component).
* No page loads ``fontawesome.js`` (1.5 MB, 0.54 MB gzip: every Font Awesome icon as SVG
  paths). The theme's CSS already draws the same icons with the
  Font Awesome web fonts it ships, so the script only redrew them.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx


def dedupe_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Load each script once: sphinx-thebe 0.3 registers its
    inline config script twice (in a stock Jupyter Book 1.0
    build too), and a `const` declared twice is an error."""
    if "script_files" in context:
        unique = {}
        for js in context["script_files"]:
            key = (
                js.filename or "",
                tuple(sorted(getattr(js, "attributes", {}).items())),
            )
            unique.setdefault(key, js)
        context["script_files"] = list(unique.values())


MATHJAX_PACKAGE = "sphinx-mathjax-offline"
MATHJAX_DIRS = (
    "a11y",
    "input",
    "output",
    "sre",
    "ui",
)  # loaded on demand by a component


def mathjax_source() -> Path:
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"{MATHJAX_PACKAGE} is not installed (pip install -r requirements.txt)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def copy_mathjax(app: Sphinx, exc) -> None:
    """Copy MathJax into ``_static/mathjax`` of the HTML output (build-finished)."""
    path = app.config.mathjax_path or ""
    if (
        exc is not None
        or app.builder.format != "html"
        or "://" in path
        or not path.startswith("mathjax/")
    ):
        return
    src, dest = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    component = path.split("/", 1)[1]
    if not (src / component).is_file():
        raise RuntimeError(f"mathjax_path {path}: no {component} in {src}")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / component, dest / component)
    for name in MATHJAX_DIRS:
        shutil.copytree(src / name, dest / name, dirs_exist_ok=True)


FONTAWESOME_JS = re.compile(
    r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js'
    r'[^"]*"></script>\n?'
)


def drop_fontawesome_js(app: Sphinx, exc) -> None:
    """Remove the theme's ``fontawesome.js`` tag from every page (build-finished)."""
    if exc is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lean = FONTAWESOME_JS.sub("", text)
        if lean != text:
            page.write_text(lean, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", drop_fontawesome_js)
    app.connect(
        "html-page-context", dedupe_scripts, priority=900
    )  # after everyone adds
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
