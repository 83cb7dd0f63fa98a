"""Two languages, one toggle: a small local Sphinx extension for the rnn-course book.

What it does (the browser side lives in ``_static/bilingual.{js,css}``):

* A notebook markdown cell tagged ``lang-ko`` or ``lang-en`` is wrapped in a
  ``<div class="lang-ko">`` / ``<div class="lang-en">`` container. myst-nb passes
  markdown cells through without their metadata, so this extension wraps its
  ``render_nb_cell_markdown``. Tagged cells must not hold headings (they would become
  rubrics); headings live in untagged cells.
* A title written ``한국어 · English`` (section headings, the page title, the book
  title) is split into ``<span class="lang-ko">``, ``<span class="lang-sep">`` and
  ``<span class="lang-en">``; a leading section number (``9.1.1``) stays shared.
  The split happens while the document is read, so the left TOC, the in-page TOC and
  the prev/next links (which copy the title nodes) carry the spans too.
* Roles ``{ko}`text``, ``{en}`text`` and ``{both}`text``` for inline text in plain
  pages (the glossary table); ``both`` marks text that is legitimately shown in both
  languages (the glossary's term columns).
* Each page gets ``<meta name="bilingual:title-ko|en">`` so the script can set the
  HTML ``<title>`` to the chosen language; the page header gets the toggle button
  (template ``lang-toggle.html``); the theme's few visible labels ("Contents",
  "previous", "next", "Search", myst-nb's "Show code cell source") come in both
  languages; the rest of the theme's interface is put into Korean by the script.
* A figure's alt text written ``한국어 · English`` (cell metadata ``mystnb.image.alt``)
  is split into ``alt`` (Korean, the static language) plus
  ``data-alt-ko`` / ``data-alt-en``, which the script swaps.
* The static ``<html lang>`` is Korean, the book's first language; each page names its
  two language versions (``?lang=ko`` / ``?lang=en``,
  ``<link rel="alternate" hreflang>``).
* Search: Korean words are indexed without their particles (``역전파까지`` →
  ``역전파``), English words with Sphinx's English stemmer (search language ``ko_en``).
* A page without math loads no math assets (Sphinx adds them to every page).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

LANGS = ("ko", "en")
SEP = " · "
TAGS = {f"lang-{lang}" for lang in LANGS}
NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*\.?\s+)")
HERE = Path(__file__).resolve().parent

logger = logging.getLogger(__name__)
STATIC_LANG = "ko"  # the static <html lang>: the book's first language
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Korean particles and endings stripped from a word's end for
# the search index (longest first); _static/bilingual.js strips
# the same ones from a query. A stem keeps >= 2 syllables.
PARTICLES = sorted(
    """
    에서부터 으로부터 이라는 이라고 에서는 에서도 에게서 으로는 으로도
    까지는 까지도 부터는 했습니다 합니다 됩니다 입니다 이므로 이지만
    에서 에게 으로 까지 부터 보다 처럼 마다 라는 라고 이나 이며 이고 이다
    에는 에도 와는 과는 만큼 조차 하는 하면 하고 하여 해서 하기
    되는 된다 한다 은 는 이 가 을 를 의 에 로 와 과 도 만
    """.split(),
    key=len,
    reverse=True,
)


def korean_stem(word: str) -> str:
    """``역전파까지`` → ``역전파``: one particle or ending off a Korean word."""
    for p in PARTICLES:
        if word.endswith(p) and len(word) - len(p) >= 2:
            return word[: -len(p)]
    return word


# ---------------------------------------------------------------- titles
def split_title(children: list[nodes.Node]) -> list[nodes.Node] | None:
    """Split inline nodes ``[number] 한국어 · English`` into language spans.

    Returns the new list of children, or None when the text has no separator.
    """
    for i, child in enumerate(children):
        if isinstance(child, nodes.Text) and SEP in str(child):
            text = str(child)
            at = text.index(SEP)
            before = [c.deepcopy() for c in children[:i]]
            after = [c.deepcopy() for c in children[i + 1 :]]
            if text[:at]:
                before.append(nodes.Text(text[:at]))
            if text[at + len(SEP) :]:
                after.insert(0, nodes.Text(text[at + len(SEP) :]))
            shared = []
            if before and isinstance(before[0], nodes.Text):
                m = NUMBER.match(str(before[0]))
                if m:
                    shared.append(nodes.Text(m.group(1)))
                    before[0] = nodes.Text(str(before[0])[m.end() :])
            return shared + [
                nodes.inline("", "", *before, classes=["lang-ko"]),
                nodes.inline("", SEP, classes=["lang-sep"]),
                nodes.inline("", "", *after, classes=["lang-en"]),
            ]
    return None


def title_in(text: str, lang: str) -> str:
    """Plain text of a ``한국어 · English`` string in one language (number kept)."""
    if SEP not in text:
        return text
    ko, en = text.split(SEP, 1)
    m = NUMBER.match(ko)
    number = m.group(1) if m else ""
    return (ko if lang == "ko" else number + en).strip()


def node_text_in(node: nodes.Node, lang: str) -> str:
    """Plain text of a (split) title node as shown in one language."""
    node = node.deepcopy()
    hide = {f"lang-{other}" for other in LANGS if other != lang} | {"lang-sep"}
    for inline in list(node.findall(nodes.inline)):
        if hide & set(inline["classes"]):
            inline.parent.remove(inline)
    return " ".join(node.astext().split())


class SplitBilingualTitles(SphinxTransform):
    """Split every ``한국어 · English`` title; warn
    about a section title without one."""

    default_priority = 200  # early: before the TOC / title collectors read the doctree

    def apply(self, **kwargs) -> None:
        for title in list(self.document.findall(nodes.title)):
            new = split_title(list(title.children))
            if new is not None:
                title.children = []
                title.extend(new)
            elif isinstance(title.parent, nodes.section):
                logger.warning(
                    "heading %r is not written '한국어 · English'",
                    title.astext(),
                    location=title,
                    type="bilingual",
                    subtype="heading",
                )


# ---------------------------------------------------------------- notebook cells
def _wrap_markdown_cells() -> None:
    """Make myst-nb keep the language tag of a markdown cell as a container class."""
    from myst_nb.core.render import MditRenderMixin

    original = MditRenderMixin.render_nb_cell_markdown
    if getattr(original, "_bilingual", False):
        return

    def render_nb_cell_markdown(self, token):
        tags = TAGS.intersection(token.meta.get("metadata", {}).get("tags", []))
        if not tags:
            return original(self, token)
        container = nodes.container(classes=sorted(tags))
        self.add_line_and_source_path(container, token)
        if len(tags) > 1 or any(
            child.type == "heading" for child in token.children or []
        ):
            logger.warning(
                "a lang-ko / lang-en cell holds one language and no headings",
                location=container,
                type="bilingual",
                subtype="cell",
            )
        with self.current_node_context(container, append=True):
            self.render_children(token)

    render_nb_cell_markdown._bilingual = True
    MditRenderMixin.render_nb_cell_markdown = render_nb_cell_markdown


# ---------------------------------------------------------------- roles
def _lang_role(classes: list[str]):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        return [nodes.inline(rawtext, text, classes=classes)], []

    return role


# ---------------------------------------------------------------- HTML
def _split_html(text: str) -> str:
    if SEP not in text:
        return html.escape(text)
    spans = split_title([nodes.Text(text)])
    out = []
    for node in spans:
        if isinstance(node, nodes.Text):
            out.append(html.escape(str(node)))
        else:
            cls = " ".join(node["classes"])
            out.append(f'<span class="{cls}">{html.escape(node.astext())}</span>')
    return "".join(out)


def on_config_inited(app: Sphinx, config) -> None:
    config.templates_path.insert(0, str(HERE / "templates"))
    # _static/bilingual.js must run first in <head>, before the body is rendered
    # (Jupyter Book lists every _static/*.js; give ours the lowest priority number)
    config.html_js_files = [
        ("bilingual.js", {"priority": 1}) if entry == "bilingual.js" else entry
        for entry in config.html_js_files
    ]
    opts = config.html_theme_options
    # the book title in the sidebar, and the in-page TOC heading, in both languages
    if config.html_title:
        opts.setdefault("logo", {}).setdefault("text", _split_html(config.html_title))
    opts.setdefault("toc_title", _split_html("목차 · Contents"))
    end = opts.get("article_header_end", ["article-header-buttons.html"])
    if isinstance(end, str):
        end = [s.strip() for s in end.split(",") if s.strip()]
    if "lang-toggle.html" not in end:
        opts["article_header_end"] = ["lang-toggle.html", *end]


PROMPTS_KO = {
    "show": {"source": "코드 보기", "outputs": "출력 보기", "content": "셀 보기"},
    "hide": {"source": "코드 숨기기", "outputs": "출력 숨기기", "content": "셀 숨기기"},
}


def bilingual_code_prompts(app: Sphinx, config) -> None:
    """myst-nb's "Show code cell source" toggles (hide-input
    / hide-output / hide-cell), in both languages.

    The prompts come from ``nb_code_prompt_show`` /
    ``nb_code_prompt_hide``; myst-nb writes them as escaped text, so its
    HTML visitor is replaced by one that writes the Korean label beside the
    English one. The summary's accessible name is its visible label.
    """
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

    def label(text: str, state: str) -> str:
        kind = text.rsplit(" ", 1)[-1]
        ko = PROMPTS_KO[state].get(kind, PROMPTS_KO[state]["content"])
        return (
            f'<span class="lang-ko">{html.escape(ko)}</span><span '
            f'class="lang-sep">{SEP}</span><span '
            f'class="lang-en">{html.escape(text)}</span>'
        )

    def visit(self, node):
        classes = " ".join(node["classes"])
        self.body.append(f'<details class="admonition hide {classes}">\n')
        self.body.append("<summary>\n")
        for state, key, kind in (
            ("collapsed", "prompt_show", "show"),
            ("expanded", "prompt_hide", "hide"),
        ):
            self.body.append(
                f'<p class="{state} admonition-title">{label(node[key], kind)}</p>\n'
            )
        self.body.append("</summary>\n")

    app.add_node(HideCodeCellNode, override=True, html=(visit, depart_HideCellInput))
    config.nb_code_prompt_show = "Show code cell {type}"
    config.nb_code_prompt_hide = "Hide code cell {type}"


# ---------------------------------------------------------------- search
def search_language(app: Sphinx, config) -> None:
    """Index Korean words without their particles,
    English ones with Sphinx's stemmer."""
    from sphinx import search
    from sphinx.search.en import SearchEnglish

    class SearchKoreanEnglish(SearchEnglish):
        def stem(self, word: str) -> str:
            if HANGUL.search(word):
                return korean_stem(word)
            return super().stem(word)

    search.languages["ko_en"] = SearchKoreanEnglish
    config.html_search_language = "ko_en"


# ---------------------------------------------------------------- page HTML
IMG_ALT = re.compile(r'<img alt="([^"]*?)(?: · | &#183; | &middot; )([^"]*)"')


def split_alt(body: str) -> str:
    """``<img alt="한국어 · English"`` → Korean
    ``alt`` plus ``data-alt-ko`` / ``data-alt-en``."""
    return IMG_ALT.sub(
        lambda m: (
            f'<img alt="{m.group(1)}" data-alt-ko="{m.group(1)}" '
            f'data-alt-en="{m.group(2)}"'
        ),
        body,
    )


PROSE = re.compile(r'<div class="lang-(ko|en) docutils container">')
DIV = re.compile(r"<div\b|</div>")
NOSCRIPT = (
    '<noscript><p class="d2l-noscript">'
    "이 책은 자바스크립트로 독자의 언어를 골라 본문을 보여 줍니다. "
    "자바스크립트를 켜 주세요. · This book shows its text in the reader's "
    "language with JavaScript: please turn JavaScript on.</p></noscript>"
)


def stash_languages(body: str) -> str:
    """Each prose cell in a ``<template data-lang>`` followed by an inline
    ``d2lPick()``, which puts the cell in the page as the parser reaches it when it is
    in the reader's language (``_static/bilingual.js``); the other language stays
    inert until the reader switches to it. The page then builds, styles and lays out
    one language: on 9.7, 32,000 elements instead of 55,000."""
    out, pos = [], 0
    while (m := PROSE.search(body, pos)) is not None:
        depth, end = 0, None
        for d in DIV.finditer(body, m.start()):
            depth += 1 if d.group(0) == "<div" else -1
            if depth == 0:
                end = d.end()
                break
        if end is None:  # unbalanced: leave the rest as it is
            break
        out += [
            body[pos : m.start()],
            f'<template class="d2l-lang" data-lang="{m.group(1)}">',
            body[m.start() : end],
            "</template><script>d2lPick()</script>",
        ]
        pos = end
    if not out:
        return body
    return NOSCRIPT + "".join(out) + body[pos:]


def on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Per-language ``<title>`` for the script (the template's
    <title> shows both), and the home link of the sidebar with
    language spans (the theme gives it as plain text)."""
    titles = app.env.titles
    root = context.get("root_doc") or app.config.root_doc
    if root in titles:
        context["root_title"] = app.builder.render_partial(titles[root])["title"]
    title_node = titles.get(pagename)
    site = app.config.html_title or ""
    metas = []
    for lang in LANGS:
        page = node_text_in(title_node, lang) if title_node is not None else ""
        site_l = title_in(site, lang)
        full = f"{page} \u2014 {site_l}" if page and page != site_l else site_l
        metas.append(
            f'<meta name="bilingual:title-{lang}" content="{html.escape(full)}" />'
        )
    # hreflang links and descriptions: _ext/site_meta.py
    context["metatags"] = context.get("metatags", "") + "\n".join(metas) + "\n"
    context["language"] = STATIC_LANG
    if "body" in context:
        context["body"] = stash_languages(split_alt(context["body"]))
        # every page is given KaTeX's stylesheet; a page without math does not need it
        if 'class="math' not in context["body"] and "css_files" in context:
            context["css_files"] = [
                css
                for css in context["css_files"]
                if "katex" not in (getattr(css, "filename", "") or "").lower()
            ]


def static_changed(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Rewrite one page when a file of _static/ changed: Sphinx copies static files only
    when it writes a page, so an incremental build would keep the old script."""
    out = Path(app.outdir) / "_static"
    for src in (Path(app.srcdir) / "_static").glob("*"):
        dst = out / src.name
        if src.is_file() and (
            not dst.is_file() or dst.read_bytes() != src.read_bytes()
        ):
            return [app.config.root_doc]
    return []


def setup(app: Sphinx) -> dict:
    _wrap_markdown_cells()
    app.add_transform(SplitBilingualTitles)
    app.add_role("ko", _lang_role(["lang-ko"]))
    app.add_role("en", _lang_role(["lang-en"]))
    app.add_role("both", _lang_role(["lang-both"]))
    app.connect("config-inited", on_config_inited)
    app.connect("config-inited", bilingual_code_prompts)
    app.connect("config-inited", search_language)
    app.connect("env-get-outdated", static_changed)
    app.connect(
        "html-page-context", on_html_page_context, priority=900
    )  # after the theme
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
