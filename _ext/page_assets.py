"""Page-asset fixes for the rnn-course book (a local Sphinx extension).

* Each script is loaded once per page (sphinx-thebe registers its config script twice).
"""
from __future__ import annotations

from sphinx.application import Sphinx


def dedupe_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Load each script once: sphinx-thebe 0.3 registers its inline config script twice
    (in a stock Jupyter Book 1.0 build too), and a `const` declared twice is an error."""
    if "script_files" in context:
        unique = {}
        for js in context["script_files"]:
            key = (js.filename or "", tuple(sorted(getattr(js, "attributes", {}).items())))
            unique.setdefault(key, js)
        context["script_files"] = list(unique.values())


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", dedupe_scripts, priority=900)  # after everyone adds
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
