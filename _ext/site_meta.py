"""What a published site has (a local Sphinx extension of rnn-course).

* ``<meta name="description">`` on every page, in the book's static language, from
  the page's first paragraph in that language; each language's description rides along
  as ``bilingual:description-<lang>`` for ``_static/bilingual.js`` to swap in.
* ``hreflang`` alternates with absolute URLs when ``html.baseurl`` is set (search
  engines ignore relative ones); relative ones otherwise (a local build).
* ``sitemap.xml`` (and ``robots.txt`` pointing at it) listing every page, with both
  language versions of each, written when the build finishes (only with a base URL).

The favicon is Sphinx's own ``html_favicon`` (``html.favicon`` in ``_config.yml``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from xml.sax.saxutils import escape

from docutils import nodes
from sphinx.application import Sphinx

LANGS = ("ko", "en")
STATIC_LANG = "ko"  # the language of the static page (as in bilingual.py)
DESCRIPTION_CHARS = 160  # what search engines show of a description


TEX_DOTS = re.compile(r"\\[lc]?dots")
TEX_COMMAND = re.compile(r"\\[A-Za-z]+|[{}]")


def plain_text(para: nodes.paragraph) -> str:
    """The paragraph's text with its formulas as plain text (``\\ldots`` → …,
    other TeX commands and braces dropped)."""
    parts = []
    for text in para.findall(nodes.Text):
        if isinstance(text.parent, nodes.math):
            parts.append(TEX_COMMAND.sub("", TEX_DOTS.sub("…", text.astext())))
        else:
            parts.append(text.astext())
    return "".join(parts)


def first_paragraph(doctree: nodes.document, lang: str) -> str:
    """The text of the first paragraph written in ``lang`` (a ``lang-<lang>`` block)."""
    for para in doctree.findall(nodes.paragraph):
        parent = para.parent
        while parent is not None:
            is_element = isinstance(parent, nodes.Element)
            classes = parent.get("classes", []) if is_element else []
            if f"lang-{lang}" in classes:
                return " ".join(plain_text(para).split())
            if any(c.startswith("lang-") for c in classes):
                break
            parent = parent.parent
    return ""


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with …)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:·—-(")
    return cut + "…"


def page_url(app: Sphinx, pagename: str) -> str:
    """The page's URL: absolute under ``html_baseurl``, else relative to the page."""
    name = pagename + app.builder.out_suffix
    base = (app.config.html_baseurl or "").rstrip("/")
    return f"{base}/{name}" if base else name.rsplit("/", 1)[-1]


def add_meta(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Descriptions in both languages and hreflang links for one page."""
    if doctree is None:
        return
    metas = []
    for lang in LANGS:
        text = html.escape(shorten(first_paragraph(doctree, lang)))
        if not text:
            continue
        if lang == STATIC_LANG:
            metas.append(f'<meta name="description" content="{text}" />')
        metas.append(f'<meta name="bilingual:description-{lang}" content="{text}" />')
    url = page_url(app, pagename)
    for lang in LANGS:
        link = f"{url}?lang={lang}"
        metas.append(f'<link rel="alternate" hreflang="{lang}" href="{link}" />')
    metas.append(f'<link rel="alternate" hreflang="x-default" href="{url}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(metas) + "\n"


def write_sitemap(app: Sphinx, exception) -> None:
    """``sitemap.xml`` and ``robots.txt`` in the output (needs ``html_baseurl``)."""
    if exception or app.builder.format != "html" or not app.config.html_baseurl:
        return
    rows = []
    for doc in sorted(app.env.found_docs):
        url = escape(page_url(app, doc))
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" href="{url}?lang={lang}"/>'
            for lang in LANGS
        )
        rows.append(f"  <url><loc>{url}</loc>{alternates}</url>")
    out = Path(app.outdir)
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    )
    (out / "sitemap.xml").write_text(
        head + "\n".join(rows) + "\n</urlset>\n", encoding="utf-8"
    )
    base = app.config.html_baseurl.rstrip("/")
    (out / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n", encoding="utf-8"
    )


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_meta, priority=901)
    app.connect("build-finished", write_sitemap)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
