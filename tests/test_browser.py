"""The built book in a real browser: Playwright drives
Debian's chromium (tools/install_browser.sh).

The book is built once per session (`jupyter-book build . -W -n --keep-going`;
incremental, and jupyter-cache re-runs only chapters whose code changed) and served
from _build/html on 127.0.0.1. Every page of _toc.yml is checked in Korean and in
English: the other language is nowhere visible (text of the article, the navigation
and the page footer; code and outputs aside; `lang-both` marks what is legitimately
both, the glossary's term columns), the language is set before the body renders (no
flash), the choice carries to the next page and survives a reload, launch links
point at notebooks that exist, and the console stays clean except for requests to
the outside world, which are blocked. The book loads no widget bundle (its controls
are native and precomputed: tests/test_static_controls.py); formulas are rendered
by the build (KaTeX), so no page loads a math engine.

The book on every screen (issue 11): at a phone's 390 px and at 1280 px, no page pans
sideways, the sidebar drawers open, display equations never overflow their box
without a scrollbar, code fits its column; the interface (tooltips, menus, search
page, copy button) speaks the reader's language; search finds Korean stems and shows
snippets in the reader's language; `?lang=` wins and is remembered; figures have alt
texts; no request leaves the book's host and each page's first load stays within the
gzip budget (PAGE_BUDGET); the figures go to test-artifacts/page-weight.txt and
test-artifacts/layout-report.txt. Screenshots go to test-artifacts/.
"""

import contextlib
import functools
import gzip
import http.server
import importlib
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import pytest
import yaml

import shared_fits
from browser_path import CHROMIUM_ARGS, find_chromium

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
import sync_notebooks

ROOT = pathlib.Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"
VENDOR = ROOT / "tools" / "browser" / "node_modules"
CHROMIUM = find_chromium()
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
PAGES = sync_notebooks.toc_pages()
CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]
JSDELIVR = re.compile(
    r"https://cdn\.jsdelivr\.net/npm/((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.+)"
)
LANGS = {"ko": "ko-KR", "en": "en-US"}
PHONE, DESKTOP = 390, 1280
PAGE_BUDGET = 2_000_000  # bytes, gzip-compressed, transferred on a page's first load

sync_api = pytest.importorskip("playwright.sync_api")


def vendored(url):
    """The local copy of a jsDelivr npm URL (same package and version), or None."""
    m = JSDELIVR.match(url)
    if not m:
        return None
    name, version, path = m.groups()
    pkg = VENDOR / name
    manifest = pkg / "package.json"
    if (
        (pkg / path).is_file()
        and manifest.is_file()
        and f'"version": "{version}"' in manifest.read_text()
    ):
        return pkg / path
    return None


# Runs in the page: every problem with what is visible in language `lang`.
CHECK_LANGUAGE = r"""
(lang) => {
  const HANGUL = /[\uac00-\ud7a3\u3131-\u318e]/;
  // three English words
  const LATIN_PROSE = /[A-Za-z]{2,}(?:[\s,.;:'’-]+[A-Za-z]{2,}){2,}/;
  const other = lang === "ko" ? "lang-en" : "lang-ko";
  const problems = [];
  const shown = (el) =>
    el.checkVisibility({checkVisibilityCSS: true, checkOpacity: true});
  const say = (what, el) =>
    problems.push(what + ": " + el.textContent.trim().slice(0, 100));
  // nothing written for the other language is visible, anywhere on the page
  for (const el of document.querySelectorAll("." + other)) {
    if (shown(el)) say("visible ." + other, el);
  }
  // the visible text of the article, navigation, page TOC, prev/next and footer
  const regions = "article.bd-article, nav.bd-docs-nav, .navbar-brand, " +
                  ".search-button-field, .tocsection, #pst-page-toc-nav, " +
                  ".prev-next-area, .bd-footer-content";
  const skip = "pre, code, kbd, .cell_output, .output, .math, .katex, " +
               "script, style, .lang-both, .headerlink, .widget-subarea";
  const headings = "h1, h2, h3, h4, h5, h6, .prev-next-title, .logo__title, nav a";
  for (const region of document.querySelectorAll(regions)) {
    const walker = document.createTreeWalker(region, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement, text = node.textContent.trim();
      if (!text || el.closest(skip) || !shown(el)) continue;
      if (lang === "en" && HANGUL.test(text)) say("Korean text in English mode", el);
    }
    if (lang !== "ko") continue;
    // Korean mode: no English words in a heading or title (any visible piece of
    // text in it), and no block of English prose
    for (const el of region.querySelectorAll(headings)) {
      if (el.closest(skip) || !shown(el)) continue;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        if (text && /[A-Za-z]{2,}/.test(text) && !HANGUL.test(text) &&
            !node.parentElement.closest(skip) && shown(node.parentElement))
          say("English heading text in Korean mode", node.parentElement);
      }
    }
    for (const el of region.querySelectorAll("p, li, td, th, dt, dd, figcaption")) {
      if (el.closest(skip) || !shown(el)) continue;
      const clone = el.cloneNode(true);
      clone.querySelectorAll(skip + ", ." + other).forEach((c) => c.remove());
      const text = clone.textContent.trim();
      if (text && !HANGUL.test(text) && LATIN_PROSE.test(text))
        say("English text in Korean mode", el);
    }
  }
  if (HANGUL.test(document.title) !== (lang === "ko"))
    problems.push("<title>: " + document.title);
  return problems;
}
"""

# Records the language the page had when <body> was
# created (an init script: it runs first).
LANG_AT_BODY = """
new MutationObserver((_, observer) => {
  if (document.body) {
    window.__langAtBody = document.documentElement.getAttribute("data-lang");
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


# ---------------------------------------------------------------- fixtures
def build_book(root, what="jupyter-book build", drop=(), timeout=1500):
    """Run `jupyter-book build . -W -n --keep-going` in ``root`` as `make book` does,
    without the variables that change how figures are made (and those in ``drop``);
    fail the test with the end of the log when the build fails.

    The build runs on the suite's CPU code path (CI's ATEN_CPU_CAPABILITY=default
    too) and reads the fits that the chapters' nbval kernels saved in this run
    (``tests/shared_fits``): the chapters' long trainings are computed once."""
    dropped = ("MPLBACKEND", "D2LMINI_DISPLAY", *drop)
    env = shared_fits.reader_env(
        {k: v for k, v in os.environ.items() if k not in dropped}
    )
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    exe = pathlib.Path(sys.executable).with_name("jupyter-book")
    # the log goes to a file, not a pipe: a process the build leaves behind (it
    # inherits the build's stderr) cannot make us wait, and it is stopped with the
    # build's process group
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        build = subprocess.Popen(
            [str(exe), "build", ".", "-W", "-n", "--keep-going"],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=hasattr(os, "killpg"),
        )
        try:
            code = build.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = f"none: stopped after {timeout} s"
        finally:
            if hasattr(os, "killpg"):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(build.pid, signal.SIGKILL)
            build.kill()
            build.wait()
        log.seek(0)
        text = log.read()
    if code != 0:
        pytest.fail(f"{what} failed (exit code {code}):\n" + text[-6000:])


@pytest.fixture(scope="session")
def book():
    """Build the book (incrementally) the way `make
    book` does; return the HTML folder."""
    build_once(ROOT)
    return HTML


def build_once(root, wait_s=1600):
    """``build_book(root)`` once per test run, however many xdist workers ask for it:
    the first takes a lock and builds, the others wait for it (at most ``wait_s``)
    and use its book. Without xdist (or without fcntl), simply build."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    try:
        import fcntl
    except ImportError:  # Windows: no file locks here, each worker builds
        fcntl = None
    if not run_id or fcntl is None:
        build_book(root)
        return
    state = root / "_build"
    state.mkdir(exist_ok=True)
    stamp = state / ".built-for-test-run"
    with open(state / ".build.lock", "w") as lock:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another worker's book build took over {wait_s} s")
                time.sleep(1)
        try:
            if stamp.is_file() and stamp.read_text() == run_id:
                return  # another worker built it in this run
            stamp.unlink(missing_ok=True)
            build_book(root)
            stamp.write_text(run_id)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def server(book):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(book))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail(
            "no chromium found: run `bash tools/install_browser.sh` (or set "
            "D2LMINI_CHROMIUM to a chromium or chrome)"
        )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def ext_module(name):
    """A module of the book's Sphinx extensions (_ext/), for the tests that check its
    pieces without a browser."""
    if str(ROOT / "_ext") not in sys.path:
        sys.path.insert(0, str(ROOT / "_ext"))
    return importlib.import_module(name)


class Session:
    """One browser context (one reader): blocks the
    outside world, logs what went wrong."""

    def __init__(self, browser, base, lang, width=DESKTOP):
        self.base, self.blocked, self.errors, self.vendored = base, set(), [], []
        self.context = browser.new_context(
            locale=LANGS[lang], viewport={"width": width, "height": 900}
        )
        self.context.route("**/*", self._route)
        self.context.add_init_script(LANG_AT_BODY)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base):
            return route.continue_()
        local = vendored(url)
        if local:
            self.vendored.append(url)
            ctype = "application/javascript" if local.suffix == ".js" else None
            return route.fulfill(
                path=str(local),
                content_type=ctype,
                headers={"Access-Control-Allow-Origin": "*"},
            )
        self.blocked.add(url)
        return route.abort()

    def _console(self, msg):
        if msg.type != "error":
            return
        url = msg.location.get("url", "")
        if msg.text.startswith("Failed to load resource") and url in self.blocked:
            return  # a request to the outside world, blocked on purpose
        self.errors.append(f"console: {msg.text} ({url})")

    def open(self, page, settle=False):
        """Load a page (all its scripts have run);
        ``settle``: also wait for the network."""
        self.page.goto(self.base + page + ".html", wait_until="load")
        if settle:
            self.page.wait_for_load_state("networkidle")
        return self.page

    def lang(self):
        return self.page.evaluate("document.documentElement.getAttribute('data-lang')")

    def close(self):
        self.context.close()


@pytest.fixture
def reader(browser, server):
    sessions = []

    def make(lang, width=DESKTOP):
        sessions.append(Session(browser, server, lang, width))
        return sessions[-1]

    yield make
    for s in sessions:
        s.close()


# ---------------------------------------------------------------- tests
@pytest.mark.parametrize("lang", list(LANGS))
def test_every_page_shows_one_language(reader, lang):
    s = reader(lang)
    ARTIFACTS.mkdir(exist_ok=True)
    for page in PAGES:
        p = s.open(page)
        assert s.lang() == lang, (
            f"{page}: browser language {LANGS[lang]} should pick {lang}"
        )
        assert p.evaluate("window.__langAtBody") == lang, (
            f"{page}: the language was set after <body> "
            "was created (a flash of the other one)"
        )
        assert p.evaluate("document.documentElement.lang") == lang
        assert p.locator(".bilingual-toggle").is_visible(), (
            f"{page}: no language toggle"
        )
        description = p.evaluate(
            "document.querySelector('meta[name=description]').content"
        )
        assert bool(re.search("[가-힣]", description)) == (lang == "ko"), (
            f"{page}: the description is not in {lang}: {description[:60]}"
        )
        problems = p.evaluate(CHECK_LANGUAGE, lang)
        assert not problems, f"{page} ({lang}):\n" + "\n".join(problems[:20])
        assert not s.errors, f"{page} ({lang}):\n" + "\n".join(s.errors)
        if page in (CHAPTERS[:1] + ["glossary"]):
            p.screenshot(path=str(ARTIFACTS / f"{pathlib.Path(page).name}-{lang}.png"))


def test_choice_carries_to_the_next_page_and_the_next_visit(reader):
    s = reader("ko")
    p = s.open(PAGES[0])
    assert s.lang() == "ko"
    p.locator(".bilingual-toggle").click()
    assert s.lang() == "en"
    h1 = p.locator("article h1")
    assert (
        h1.locator(".lang-en").is_visible() and not h1.locator(".lang-ko").is_visible()
    )
    assert "Recurrent Neural Networks" in p.title() and not re.search(
        "[가-힣]", p.title()
    )
    with p.expect_navigation(wait_until="load"):
        p.locator(".prev-next-area a.right-next").click()
    assert p.url.endswith(PAGES[1] + ".html") and s.lang() == "en"
    assert p.evaluate("window.__langAtBody") == "en"
    p.reload()
    assert s.lang() == "en"
    p.locator(".bilingual-toggle").click()
    assert s.lang() == "ko"
    s.open(PAGES[-1])
    assert s.lang() == "ko"
    assert not s.errors, "\n".join(s.errors)


def test_a_page_builds_only_the_reader_language(reader):
    """Each prose cell is an inert <template> until it is in the reader's language
    (_ext/bilingual.stash_languages, d2lPick in bilingual.js): 9.7 read in Korean
    holds no English prose element; switching puts the English cells in the page
    where their templates were, and they are what shows."""
    s = reader("ko")
    p = s.open("chapters/9_7_bptt")
    count = """() => ['ko', 'en'].map(l => [
        document.querySelectorAll('div.lang-' + l).length,
        document.querySelectorAll('template.d2l-lang[data-lang=' + l + ']').length])"""
    (ko, ko_stashed), (en, en_stashed) = p.evaluate(count)
    assert ko >= 12 and ko_stashed == 0 and en == 0 and en_stashed == ko, (ko, en)
    before = p.evaluate("""() => {
        const t = document.querySelector('template.d2l-lang[data-lang=en]');
        return [t.previousElementSibling.outerHTML,
                t.previousElementSibling.previousElementSibling.className]; }""")
    # the Korean cell (with the script that put it there), then its English template
    assert (
        before == ["<script>d2lPick()</script>", before[1]] and "lang-ko" in before[1]
    )
    p.locator(".bilingual-toggle").first.click()
    assert s.lang() == "en"
    assert p.evaluate(count) == [[ko, 0], [en_stashed, 0]]
    shown = p.evaluate("""() => [...document.querySelectorAll('div.lang-en')]
        .filter(e => e.checkVisibility()).length""")
    assert shown == en_stashed
    assert not s.errors, "\n".join(s.errors)


def test_launch_links_open_the_committed_notebook(reader):
    s = reader("en")
    url = CONFIG["repository"]["url"].rstrip("/")
    owner_repo = urllib.parse.urlparse(url).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    colab_re = (
        rf"https://colab\.research\.google\.com/github/{owner_repo}/blob/{branch}/(.+)"
    )
    binder_re = rf"https://mybinder\.org/v2/gh/{owner_repo}/{branch}\?urlpath=tree/(.+)"
    for page in CHAPTERS:
        p = s.open(page)
        hrefs = p.eval_on_selector_all(
            ".dropdown-launch-buttons a", "els => els.map(e => e.href)"
        )
        colab = [
            h for h in hrefs if h.startswith(CONFIG["launch_buttons"]["colab_url"])
        ]
        binder = [
            h for h in hrefs if h.startswith(CONFIG["launch_buttons"]["binderhub_url"])
        ]
        assert len(colab) == 1 and len(binder) == 1, f"{page}: {hrefs}"
        m = re.fullmatch(colab_re, colab[0])
        assert m and m.group(1) == page + ".ipynb", colab[0]
        m = re.fullmatch(binder_re, binder[0])
        assert m and urllib.parse.unquote(m.group(1)) == page + ".ipynb", binder[0]
        assert (ROOT / (page + ".ipynb")).is_file(), (
            f"{page}.ipynb is not in the repository"
        )


MATH_ENGINE = re.compile(r"<script\b[^>]*(mathjax|katex|MathJax)", re.I)
ENGINE_URL = re.compile(r"(mathjax|katex)[^/]*\.js", re.I)
MATH_SPAN = re.compile(r'<(span|div) class="math[^"]*"')


def test_formulas_are_rendered_when_the_book_is_built(book):
    """Every formula of every page is KaTeX's HTML (with MathML for screen readers
    and the TeX source as its annotation), written by the build: no page loads a
    math engine, and a page without math does not load KaTeX's stylesheet."""
    assert CONFIG["sphinx"]["config"]["katex_prerender"] is True
    css = HTML / "_static" / CONFIG["sphinx"]["config"]["katex_css_path"]
    assert css.is_file(), f"{css} is not in the built book"
    fonts = re.findall(r"url\((fonts/[^)]+)\)", css.read_text(encoding="utf-8"))
    missing = [f for f in fonts if not (css.parent / f).is_file()]
    assert fonts and not missing, f"KaTeX fonts missing from the book: {missing}"
    for page in PAGES:
        html = (HTML / f"{page}.html").read_text(encoding="utf-8")
        assert not MATH_ENGINE.search(html), f"{page} loads a math engine"
        sources = len(MATH_SPAN.findall(html))
        rendered = html.count('<span class="katex">')
        mathml = html.count('<math xmlns="http://www.w3.org/1998/Math/MathML"')
        tex = html.count('<annotation encoding="application/x-tex">')
        assert rendered == mathml == tex >= sources, (
            f"{page}: {sources} formulas, {rendered} rendered, {mathml} MathML, "
            f"{tex} TeX annotations"
        )
        assert "katex-error" not in html, f"{page}: a formula KaTeX could not render"
        assert ("katex.min.css" in html) == (sources > 0), (
            f"{page}: KaTeX's stylesheet on a page "
            + ("without" if sources == 0 else "with")
            + " math"
        )
        if page in CHAPTERS:
            assert sources > 0, f"{page}: no formulas at all?"


META = re.compile(r'<meta name="([^"]+)" content="([^"]*)" />')
HREFLANG = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)" />')


def test_pages_have_what_a_published_site_has(book):
    """A description per page in each language (Korean in the static page), hreflang
    links with absolute URLs under the site's base URL, a favicon, and a sitemap that
    lists every page (robots.txt points at it)."""
    base = CONFIG["html"]["baseurl"]
    assert base.startswith("https://") and base.endswith("/")
    favicon = CONFIG["html"]["favicon"]
    assert (HTML / "_static" / pathlib.Path(favicon).name).is_file()
    sitemap = (book / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert listed == {f"{base}{page}.html" for page in PAGES}
    assert f"Sitemap: {base}sitemap.xml" in (book / "robots.txt").read_text()
    for page in PAGES:
        html = (HTML / f"{page}.html").read_text(encoding="utf-8")
        metas = dict(META.findall(html))
        ko, en = (
            metas.get("bilingual:description-ko"),
            metas.get("bilingual:description-en"),
        )
        assert ko and en and metas.get("description") == ko, f"{page}: {metas}"
        for text, korean in ((ko, True), (en, False)):
            assert 40 <= len(text) <= 161 and "\\" not in text, f"{page}: {text}"
            assert bool(re.search("[가-힣]", text)) == korean, f"{page}: {text}"
        links = dict(HREFLANG.findall(html))
        url = f"{base}{page}.html"
        assert links == {
            "ko": f"{url}?lang=ko",
            "en": f"{url}?lang=en",
            "x-default": url,
        }, f"{page}: {links}"
        assert 'rel="icon"' in html, f"{page}: no favicon link"


def test_icon_fonts_hold_the_icons_the_pages_use(book):
    """The theme's Font Awesome fonts are cut to the book's icons (_ext/icon_font.py):
    every ``fa-<name>`` class of a page or a script has its glyph in the cut fonts that
    the stylesheets load, which are a few kB where the theme's were 274 kB."""
    from fontTools.ttLib import TTFont

    icon_font = ext_module("icon_font")

    static = book / "_static"
    linked = set()  # the bundles the pages load (an incremental build keeps old ones)
    for page in book.rglob("*.html"):
        linked |= set(re.findall(r"_static/(bundle-\w+\.css)", page.read_text("utf-8")))
    bundles = "".join((static / name).read_text("utf-8") for name in linked)
    loaded = set(re.findall(r"url\((icons/fa-[\w-]+\.(?:woff2|ttf))\)", bundles))
    assert loaded and "webfonts/fa-solid-900.woff2" not in bundles, loaded
    table, _ = icon_font.icon_table(static.rglob("pydata-sphinx-theme.css"))
    used = icon_font.used_codepoints(book)  # the icons of the pages, scripts and CSS
    for name in ("bars", "magnifying-glass", "github", "moon", "sun"):
        assert table[name] & used, name
    glyphs = set()
    for font in (f for f in loaded if f.endswith(".woff2")):
        glyphs |= set(TTFont(str(static / font)).getBestCmap())
    assert used <= glyphs, sorted(hex(c) for c in used - glyphs)
    sizes = {f: (static / f).stat().st_size for f in loaded}
    assert max(sizes.values()) < 12_000, sizes


def test_formulas_use_their_fonts_in_the_browser(reader):
    """KaTeX's fonts load from the book itself (no request elsewhere), and formulas
    are drawn with them in both languages."""
    for lang in LANGS:
        s = reader(lang)
        p = s.open(CHAPTERS[-1])
        typeset(p)
        loaded = p.evaluate(
            "[...document.fonts].filter(f => f.family.startsWith('KaTeX') &&"
            " f.status === 'loaded').map(f => f.family)"
        )
        assert "KaTeX_Main" in loaded and "KaTeX_Math" in loaded, loaded
        assert not s.blocked, f"requests to the outside world: {sorted(s.blocked)}"
        assert not s.errors, f"{lang}:\n" + "\n".join(s.errors)


# ----------------------------------------------------------------
# every screen (issue 11)
def typeset(p):
    """Wait until the page's fonts (KaTeX's among them) have loaded: formulas are
    HTML written by the build, so their size is known only once their fonts are."""
    p.evaluate("document.fonts.ready.then(() => true)")


def report(name, lines):
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / name, "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# the theme's (and Sphinx's, myst-nb's, sphinx-copybutton's) English interface strings
THEME_ENGLISH = [
    "Skip to main content",
    "Back to top",
    "Toggle primary sidebar",
    "Toggle secondary sidebar",
    "previous",
    "next",
    "previous page",
    "next page",
    "Search",
    "Search Results",
    "Searching",
    "Contents",
    "On this page",
    "Color mode",
    "Light",
    "Dark",
    "System Settings",
    "Fullscreen mode",
    "Source repository",
    "Download this page",
    "Download source file",
    "Download notebook file",
    "Print to PDF",
    "Launch interactive content",
    "Launch on Colab",
    "Launch on Binder",
    "Copy",
    "Copy to clipboard",
    "Link to this heading",
    "Show code cell source",
    "Hide code cell source",
    "Toggle hidden content",
    "Site navigation",
    "Section Navigation",
    "Version warning",
    "Page",
    "Main",
]
# Runs in the page: the interface strings shown (text
# and tooltips/names), outside the prose
INTERFACE_STRINGS = r"""
() => {
  const prose = "article.bd-article p, article.bd-article li, " +
                "article.bd-article td, article.bd-article h1, " +
                "article.bd-article h2, article.bd-article h3, " +
                "pre, code, .cell_output, .katex, script, style, " +
                "#search-results ul";
  const hidden = (el) => el.closest(".lang-ko, .lang-en") &&
                         !el.closest(".lang-ko, .lang-en").checkVisibility();
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("[lang]:not(html)") || hidden(el)) continue;   // the toggle's label
    for (const a of ["title", "aria-label", "data-tooltip", "data-bs-original-title",
                     "data-bs-title", "placeholder"]) {
      const v = el.getAttribute(a);
      if (v && !el.closest(".katex, .cell_output, pre"))
        out.push(a + ": " + v.trim());
    }
    if (el.closest(prose) &&
        !el.closest("details.hide > summary, .bd-search-container > h1, " +
                    ".bd-search-container > p, #search-results > h2"))
      continue;
    for (const n of el.childNodes) {
      if (n.nodeType === 3 && n.textContent.trim() && (el.checkVisibility() ||
          el.closest("#pst-skip-link")))
        out.push("text: " + n.textContent.trim());
    }
  }
  return out;
}
"""


@pytest.mark.parametrize("lang", list(LANGS))
def test_interface_speaks_the_reader_language(reader, lang):
    s = reader(lang)
    english = set(THEME_ENGLISH)
    for page in ["chapters/9_3_language_models", "glossary", "search"]:
        p = s.open(page)
        if page != "search" and p.locator("div.highlight").count():
            p.wait_for_selector(".copybtn", state="attached", timeout=20000)
        shown = p.evaluate(INTERFACE_STRINGS)
        values = [x.split(": ", 1)[1] for x in shown]
        if lang == "ko":
            bad = sorted(
                {
                    v
                    for v in values
                    if v in english
                    or v.rstrip(".…") in english
                    or v.startswith("Launch on")
                }
            )
            assert not bad, f"{page}: English interface strings in Korean mode: {bad}"
        else:
            bad = sorted({v for v in values if re.search("[가-힣]", v)})
            assert not bad, f"{page}: Korean interface strings in English mode: {bad}"
        # the footer: copyright, license and attribution, in the reader's language
        footer = p.locator(".bilingual-license").inner_text()
        for needle in ("Dive into Deep Learning", "CC BY-SA 4.0", "MIT-0", "MIT"):
            assert needle in footer, (
                f"{page}: the footer does not say {needle!r}: {footer}"
            )
        assert bool(re.search("[가-힣]", footer)) == (lang == "ko")
        assert not s.errors, f"{page} ({lang}):\n" + "\n".join(s.errors)


@pytest.mark.parametrize("lang", list(LANGS))
def test_phone_no_sideways_scrolling_equations_and_drawers(reader, lang):
    s = reader(lang, PHONE)
    ARTIFACTS.mkdir(exist_ok=True)
    wide, cut = [], []
    for page in PAGES:
        p = s.open(page)
        typeset(p)
        if page in CHAPTERS:
            cut += equations(p, page, PHONE)
        width = p.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            culprit = p.evaluate(
                """(vw) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > vw + 1
                             && e.checkVisibility())
                .slice(0, 3)
                .map(e => e.tagName + '.' + String(e.className).slice(0, 40))""",
                PHONE,
            )
            wide.append(f"{page}: {width}px ({', '.join(culprit)})")
        if page == CHAPTERS[0]:
            p.screenshot(
                path=str(ARTIFACTS / f"phone-{pathlib.Path(page).name}-{lang}.png")
            )
    assert not wide, f"pages wider than a {PHONE}px phone ({lang}):\n" + "\n".join(wide)
    assert not cut, f"display equations cut off at {PHONE}px:\n" + "\n".join(cut)
    # the drawers: the visible ☰ opens the book's contents, the list icon the page's
    p = s.open(CHAPTERS[0])
    for button, dialog in (
        (".bd-header-article .primary-toggle", "#pst-primary-sidebar-modal"),
        (".bd-header-article .secondary-toggle", "#pst-secondary-sidebar-modal"),
    ):
        p.locator(button).click()
        p.wait_for_function(f"document.querySelector('{dialog}').open", timeout=5000)
        link = p.locator(f"{dialog} a[href]").first
        assert link.is_visible(), f"{dialog}: the drawer opened empty"
        if dialog.startswith("#pst-primary"):
            p.screenshot(path=str(ARTIFACTS / f"phone-drawer-{lang}.png"))
        p.keyboard.press("Escape")
        p.wait_for_function(f"!document.querySelector('{dialog}').open", timeout=5000)
    assert not s.errors, "\n".join(s.errors)


def test_code_far_down_a_phone_page_gets_its_tab_stop_on_screen(reader):
    """A code block that scrolls sideways can be focused with the keyboard (the theme
    gives it a tab stop); page_assets.lazy_tab_stops makes the theme measure each block
    when it comes near the screen instead of laying out the whole page at load."""
    s = reader("en", PHONE)
    p = s.open("chapters/9_7_bptt")
    wide = p.evaluate_handle("""() =>
        [...document.querySelectorAll('div.cell_input pre')]
        .filter(e => e.getBoundingClientRect().top > 4 * innerHeight)
        .find(e => e.scrollWidth > e.clientWidth + 8)""")
    el = wide.as_element()
    assert el is not None, "no sideways-scrolling code block far down 9.7 at 390 px"
    # the browser's own scrolling, as a link to the block's section does: Playwright's
    # scroll_into_view_if_needed measured the block inside a section not yet laid out
    # (content-visibility) and left it 6,600 px above the screen
    p.evaluate("e => e.scrollIntoView({block: 'center'})", el)
    p.wait_for_function("e => e.tabIndex === 0", arg=el, timeout=10_000)
    assert "content-visibility" in p.evaluate(
        "() => [...document.styleSheets].map(s => [...s.cssRules].map(r => r.cssText)"
        ".join(' ')).join(' ')"
    )
    assert not s.errors, "\n".join(s.errors)


def test_only_long_pages_lay_out_sections_near_the_screen(reader):
    """content-visibility (long_pages.css) on the chapters only: on a short page the
    "next" link stays where it was when the reader scrolls to it (it moved by 676 px on
    the intro, and Lighthouse's contrast check sampled the wrong element)."""
    s = reader("en", PHONE)
    for page, long in [
        ("intro", False),
        ("exercises/9_3_language_models", False),
        ("chapters/9_7_bptt", True),
    ]:
        p = s.open(page)
        deferred = p.evaluate("""() => [...document.querySelectorAll('section')]
            .filter(e => getComputedStyle(e).contentVisibility === 'auto').length""")
        assert (deferred > 0) == long, f"{page}: {deferred} sections laid out late"
        assert p.evaluate("document.body.classList.contains('d2l-long')") == long
        if not long:
            where = "document.querySelector('a.right-next').getBoundingClientRect().top"
            before = p.evaluate(f"{where} + scrollY")
            p.locator("a.right-next").scroll_into_view_if_needed()
            assert abs(p.evaluate(f"{where} + scrollY") - before) < 1, page
    assert not s.errors, "\n".join(s.errors)


def test_long_pages_are_marked_once():
    """page_assets.mark_long_page: the class on a page over the size, once, kept with
    the body's other classes; a short page as it was."""
    page_assets = ext_module("page_assets")

    big = "x" * (page_assets.LONG_PAGE_BYTES + 1)
    marked = page_assets.mark_long_page(f'<body data-mode="light">{big}')
    assert marked.startswith('<body class="d2l-long" data-mode="light">')
    assert page_assets.mark_long_page(marked) == marked
    assert page_assets.mark_long_page(f'<body class="a">{big}').startswith(
        '<body class="d2l-long a">'
    )
    # Korean text is three bytes a character in UTF-8: the size is in bytes
    korean = "가" * (page_assets.LONG_PAGE_BYTES // 3 + 1)
    assert "d2l-long" in page_assets.mark_long_page(f"<body>{korean}")
    assert page_assets.mark_long_page("<body>short") == "<body>short"


def test_desktop_toggle_collapses_the_sidebar_and_one_search_field(reader):
    s = reader("ko")
    p = s.open(CHAPTERS[0])
    assert not p.locator("#pst-header").is_visible(), "the empty top bar is shown"
    fields = [
        i
        for i in range(p.locator(".search-button-field, .search-button").count())
        if p.locator(".search-button-field, .search-button").nth(i).is_visible()
    ]
    assert len(fields) <= 2, "more than one search field and button"
    sidebar = p.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    p.locator(".bd-header-article .primary-toggle").click()
    p.wait_for_function(
        "document.querySelector('#pst-primary-sidebar')"
        ".classList.contains('pst-sidebar-hidden')",
        timeout=5000,
    )
    p.wait_for_timeout(400)  # the theme's transition
    assert not sidebar.is_visible(), "☰ does not collapse the sidebar on a desktop"
    p.locator(".bd-header-article .primary-toggle").click()
    p.wait_for_timeout(400)
    assert sidebar.is_visible()
    assert not p.evaluate("document.querySelector('#pst-primary-sidebar-modal').open")
    p.screenshot(path=str(ARTIFACTS / "desktop-9_1-ko.png"))


# Runs in the page: each display equation, whether it is cut off (wider than its
# box, or than the article, without scrolling) and whether it scrolls in its box
EQUATIONS = r"""
() => [...document.querySelectorAll('article div.math > .katex-display')].map(e => {
  const box = e.closest('div.math');
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clipped = (el) => el.scrollWidth > el.clientWidth + 1 && !scrolls(el);
  const article = document.querySelector('article.bd-article').getBoundingClientRect();
  const html = e.querySelector('.katex-html') || e;
  const tex = e.querySelector('annotation[encoding="application/x-tex"]');
  return {tex: String(tex ? tex.textContent : e.textContent).slice(0, 60),
          cut: clipped(e) || clipped(box) ||
               // what overflows to the left can never be scrolled to
               html.getBoundingClientRect().left < e.getBoundingClientRect().left - 1 ||
               (e.getBoundingClientRect().right > article.right + 1 && !scrolls(e)),
          scrolls: e.scrollWidth > e.clientWidth + 1};
})
"""


def equations(p, page, width):
    """Problems (cut-off display equations) of a
    typeset page; reports those that scroll."""
    found = p.evaluate(EQUATIONS)
    report(
        "layout-report.txt",
        [
            f"{page} at {width}px: display equation scrolls: {e['tex']}"
            for e in found
            if e["scrolls"]
        ],
    )
    return [f"{page} at {width}px: {e['tex']}" for e in found if e["cut"]]


def test_desktop_equations_and_code_fit(reader):
    """At 1280 px no display equation is cut off, and
    code/outputs fit the text column."""
    s = reader("en")
    cut, wide = [], []
    for page in CHAPTERS:
        p = s.open(page)
        typeset(p)
        cut += equations(p, page, DESKTOP)
        for block in p.evaluate("""() => [...document.querySelectorAll(
                'article div.cell_input pre, article div.cell_output pre')].map(e => ({
              wide: e.scrollWidth - e.clientWidth,
              out: !!e.closest('.cell_output'),
              line: e.textContent.split('\\n').sort((a, b) => b.length - a.length)[0]}))
              .filter(b => b.wide > 1)"""):
            kind = "output" if block["out"] else "code"
            wide.append(
                (
                    page,
                    f"{page}: {kind} {block['wide']}px too wide: {block['line'][:80]}",
                )
            )
    assert not cut, f"display equations cut off at {DESKTOP}px:\n" + "\n".join(cut)
    report(
        "layout-report.txt",
        [
            f"code/output blocks wider than their column at {DESKTOP}px: {len(wide)}",
            *[w for _, w in wide],
        ],
    )
    assert not wide, "blocks wider than the text column:\n" + "\n".join(
        w for _, w in wide
    )


IMG = re.compile(r"<img\b[^>]*>")


def test_figures_have_alt_texts_in_the_reader_language(reader):
    missing = []
    for (
        page
    ) in CHAPTERS:  # the built pages: every figure (an output image) has a description
        for tag in IMG.findall((HTML / f"{page}.html").read_text(encoding="utf-8")):
            if "_images/" not in tag:
                continue
            m = re.search(r'\balt="([^"]*)"', tag)
            alt = m.group(1) if m else ""
            if not alt.strip() or re.search(r"[/\\]|\.(png|svg|jpe?g)$", alt):
                missing.append((page, f"{page}: {alt or '(no alt)'}"))
    for lang in LANGS:  # a bilingual alt shows the reader's half
        s = reader(lang)
        for page in CHAPTERS:
            if "data-alt-en" not in (HTML / f"{page}.html").read_text(encoding="utf-8"):
                continue
            p = s.open(page)
            for alt in p.eval_on_selector_all(
                "article img[data-alt-en]", "els => els.map(e => e.getAttribute('alt'))"
            ):
                assert (
                    bool(re.search("[가-힣]", alt)) == (lang == "ko")
                    and " · " not in alt
                ), f"{page} ({lang}): alt not in the reader's language: {alt}"
            break
    assert not missing, "figures without an alt text:\n" + "\n".join(
        m for _, m in missing
    )


def test_figures_are_vector_graphics(book):
    """Crisp on HiDPI screens and when zoomed: every chapter figure, and every
    precomputed frame of the static controls, is an SVG (d2lmini.use_svg_display)."""
    raster, count = [], 0
    for page in CHAPTERS:
        for tag in IMG.findall((HTML / f"{page}.html").read_text(encoding="utf-8")):
            src = re.search(r'\bsrc="([^"]*)"', tag).group(1)
            if "_images/" in src:
                count += 1
                if not src.endswith(".svg"):
                    raster.append(f"{page}: {src}")
    frames = list((HTML / "_static" / "frames" / "img").iterdir())
    raster += [f"frame {f.name}" for f in frames if f.suffix != ".svg"]
    assert count >= 20 and len(frames) >= 300, (count, len(frames))
    assert not raster, "raster figures:\n" + "\n".join(raster)


def test_figures_keep_their_place_and_load_near_the_screen(book, tmp_path):
    """Every chapter figure carries the width and height of its file (the page keeps
    its place before it arrives: nothing moves when it does), and all but a page's
    first load only when the reader scrolls near them (_ext/page_assets.size_images)."""
    page_assets = ext_module("page_assets")

    wrong = []
    for page in CHAPTERS:
        path = HTML / f"{page}.html"
        figures = [
            t for t in IMG.findall(path.read_text(encoding="utf-8")) if "_images/" in t
        ]
        for i, tag in enumerate(figures):
            src = re.search(r'\bsrc="([^"]*)"', tag).group(1)
            w, h = page_assets.image_size(path.parent / src)
            attrs = dict(re.findall(r'\s([a-z-]+)="([^"]*)"', tag))
            if (attrs.get("width"), attrs.get("height")) != (str(w), str(h)):
                wrong.append(
                    f"{page} {src}: size {attrs.get('width')}x"
                    f"{attrs.get('height')}, the file {w}x{h}"
                )
            if (attrs.get("loading") == "lazy") != (i > 0):
                wrong.append(f"{page} figure {i}: loading={attrs.get('loading')}")
    assert not wrong, "\n".join(wrong)
    # the sizes are the ones the browser draws at natural size (pt = 4/3 px)
    probe = tmp_path / "probe.svg"
    probe.write_bytes(b'<svg width="300pt" height="150pt" viewBox="0 0 300 150">')
    assert page_assets.image_size(probe) == (400, 200)


def scroll_past_the_figures(p):
    """Bring each figure on screen, as a reader scrolling by: figures.js measures a
    figure (and marks it ``data-measured``) when it comes on screen."""
    for fig in p.query_selector_all("article .cell_output img"):
        fig.scroll_into_view_if_needed()
        p.wait_for_function("e => e.hasAttribute('data-measured')", arg=fig)


@pytest.mark.parametrize("lang", list(LANGS))
def test_shrunk_figures_zoom_in_place_on_a_phone(reader, lang):
    """At 390 px a figure drawn wider than the column opens at its natural size by a
    tap (or Enter), scrolling inside its own box, and fits the column again; the hint
    is in the reader's language. At 1280 px a figure that fits is not zoomable."""
    s = reader(lang, PHONE)
    p = s.open("chapters/9_4_rnn")
    scroll_past_the_figures(p)
    sizes = p.eval_on_selector_all(
        "img.d2l-zoomable",
        """els => els.map(e =>
        [e.naturalWidth, e.getBoundingClientRect().width, e.getAttribute('title')])""",
    )
    assert len(sizes) >= 3 and all(n > w for n, w, _ in sizes), sizes
    assert all(bool(re.search("[가-힣]", t)) == (lang == "ko") for _, _, t in sizes), (
        sizes
    )
    widest = max(range(len(sizes)), key=lambda i: sizes[i][0])
    img = p.query_selector_all("img.d2l-zoomable")[widest]
    img.scroll_into_view_if_needed()
    img.click()
    state = img.evaluate("""e => [e.getBoundingClientRect().width, e.naturalWidth,
        e.parentElement.scrollWidth > e.parentElement.clientWidth,
        document.documentElement.scrollWidth, e.getAttribute('aria-expanded')]""")
    assert abs(state[0] - state[1]) < 2 and state[2] and state[3] <= PHONE, state
    assert state[4] == "true"
    img.focus()
    p.keyboard.press("Enter")
    assert img.evaluate("e => e.getBoundingClientRect().width") <= PHONE
    assert not s.errors, "\n".join(s.errors)
    wide = reader(lang)
    p = wide.open("chapters/9_1_sequences")
    scroll_past_the_figures(p)  # all but the first load near the screen
    fits = p.eval_on_selector_all(
        "article .cell_output img",
        """els => els.filter(e =>
        e.naturalWidth <= e.getBoundingClientRect().width + 1).map(e => e.className)""",
    )
    assert fits and not any("d2l-zoomable" in c for c in fits), fits
    assert p.query_selector(".d2l-zoom-hint") is None  # a mouse has the tooltip


@pytest.mark.parametrize("lang", list(LANGS))
def test_a_touch_screen_is_told_that_figures_zoom(browser, server, lang):
    context = browser.new_context(
        locale=LANGS[lang],
        viewport={"width": PHONE, "height": 900},
        has_touch=True,
        is_mobile=True,
    )
    try:
        p = context.new_page()
        p.goto(server + "chapters/9_4_rnn.html", wait_until="load")
        scroll_past_the_figures(p)
        # innerText is what is drawn: bring the hint back on screen
        p.wait_for_selector(".d2l-zoom-hint").scroll_into_view_if_needed()
        p.wait_for_function("document.querySelector('.d2l-zoom-hint').innerText")
        hints = p.eval_on_selector_all(
            ".d2l-zoom-hint", "els => els.map(e => e.innerText)"
        )
        assert len(hints) == 1 and bool(re.search("[가-힣]", hints[0])) == (
            lang == "ko"
        ), hints
        follows = p.evaluate("""() => {
            const h = document.querySelector('.d2l-zoom-hint');
            return !!h.previousElementSibling.querySelector('img.d2l-zoomable'); }""")
        assert follows
    finally:
        context.close()


def test_accessibility_of_the_toggle_and_static_lang(reader):
    raw = (HTML / f"{PAGES[0]}.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]* lang="ko"', raw), (
        "the static <html lang> is not the default, ko"
    )
    for lang, label in (("ko", "English"), ("en", "한국어")):
        s = reader(lang)
        p = s.open(CHAPTERS[0])
        button = p.get_by_role("button", name=label, exact=False)
        assert button.count() >= 1 and button.first.is_visible(), (
            f"({lang}) no button whose accessible name "
            f"contains its visible label {label!r}"
        )
        for _ in range(40):  # keyboard focus reaches the toggle, and shows a ring
            p.keyboard.press("Tab")
            if p.evaluate(
                "document.activeElement.classList.contains('bilingual-toggle')"
            ):
                break
        else:
            pytest.fail("Tab never reaches the language toggle")
        ring = p.evaluate("""() => {
            const st = getComputedStyle(document.activeElement);
            return [st.outlineStyle, parseFloat(st.outlineWidth)]; }""")
        assert ring[0] != "none" and ring[1] >= 2, f"no visible focus ring: {ring}"
        # hide-input toggles: a label in the reader's
        # language, and it is the summary's name
        summary = p.locator("details.hide > summary").first
        if summary.count():
            # drawn (so it has an innerText) when near the screen (long_pages.css)
            summary.scroll_into_view_if_needed()
            p.wait_for_function("e => e.innerText.trim()", arg=summary.element_handle())
            text = summary.inner_text().strip()
            assert text and bool(re.search("[가-힣]", text)) == (lang == "ko"), text
            assert summary.get_attribute("aria-label") is None


def test_link_carries_the_language_and_pages_name_both(reader):
    s = reader("ko")
    p = s.open(CHAPTERS[0])
    alternates = p.eval_on_selector_all(
        'link[rel="alternate"][hreflang]', "els => els.map(e => [e.hreflang, e.href])"
    )
    langs = {h for h, _ in alternates}
    assert {"ko", "en", "x-default"} <= langs, alternates
    assert all(href.endswith(f"?lang={h}") for h, href in alternates if h in LANGS)
    p.goto(s.base + CHAPTERS[0] + ".html?lang=en", wait_until="load")
    assert s.lang() == "en", "?lang=en does not win over the stored/browser choice"
    assert p.evaluate("window.__langAtBody") == "en"
    s.open(CHAPTERS[1])
    assert s.lang() == "en", "the language of the link is not remembered"
    p.goto(s.base + PAGES[0] + ".html?lang=ko", wait_until="load")
    assert s.lang() == "ko"
    p.locator(".bilingual-toggle").click()
    assert s.lang() == "en" and "lang=en" in p.url
    assert not s.errors, "\n".join(s.errors)


@pytest.mark.parametrize("lang", list(LANGS))
def test_search_finds_stems_with_snippets_in_the_reader_language(reader, lang):
    s = reader(lang)
    queries = {"ko": ["역전파", "퍼플렉서티"], "en": ["perplexity", "backpropagation"]}[
        lang
    ]
    p = s.page
    for query in queries:
        p.goto(s.base + "search.html?q=" + urllib.parse.quote(query), wait_until="load")
        p.wait_for_function(
            "document.querySelector('#search-results .search-summary') && "
            "/\\d/.test(document.querySelector('#search-results .search-summary')"
            ".textContent)",
            timeout=20000,
        )
        p.wait_for_timeout(800)  # snippets are fetched page by page
        links = p.eval_on_selector_all(
            "#search-results li > a", "els => els.map(e => e.href)"
        )
        assert links, f"{query!r} ({lang}): no result"
        if query == "역전파":  # only "역전파까지" is written in the book (intro)
            assert any(link.split("#")[0].endswith("intro.html") for link in links), (
                links
            )
        snippets = p.eval_on_selector_all(
            "#search-results li p.context", "els => els.map(e => e.textContent)"
        )
        assert snippets, f"{query!r}: no snippets"
        for text in snippets:
            assert "\\" not in text and "$$" not in text, (
                f"{query!r}: TeX in a snippet: {text}"
            )
            assert bool(re.search("[가-힣]", text)) == (lang == "ko"), (
                f"{query!r} ({lang}): snippet in the other language: {text[:120]}"
            )
        titles = p.eval_on_selector_all(
            "#search-results li > a", "els => els.map(e => e.innerText)"
        )
        assert all(bool(re.search("[가-힣]", t)) == (lang == "ko") for t in titles), (
            titles
        )
        progress = p.locator("#search-results .search-summary").inner_text()
        assert bool(re.search("[가-힣]", progress)) == (lang == "ko"), progress
    assert not s.errors, "\n".join(s.errors)


_GZIP = {}


def gzip_size(path):
    if path not in _GZIP:
        _GZIP[path] = len(gzip.compress(path.read_bytes(), 6))
    return _GZIP[path]


def test_offline_and_light(browser, server):
    """Each page on a first visit: no request leaves
    the book's host; gzip bytes <= budget."""
    lines, heavy, outside = [], [], []
    for page in PAGES:
        s = Session(browser, server, "ko")
        files = []
        s.page.on("request", lambda r, files=files: files.append(r.url))
        try:
            p = s.open(page)
            typeset(p)
            # a loaded CI machine may never be idle for 500 ms: count what came so far
            try:
                p.wait_for_load_state("networkidle", timeout=30000)
            except sync_api.TimeoutError:
                pass
            total = 0
            for url in dict.fromkeys(files):
                if url.startswith(server):
                    rel = urllib.parse.unquote(
                        urllib.parse.urlparse(url).path.lstrip("/")
                    )
                    path = HTML / rel
                    size = gzip_size(path) if path.is_file() else 0
                else:
                    local = vendored(url)
                    size = gzip_size(local) if local else 0
                    outside.append(f"{page}: {url}")
                total += size
            engine = [u for u in files if ENGINE_URL.search(u)]
            katex_css = any("katex.min.css" in u for u in files)
            # icons come from the theme's web fonts;
            # its 1.5 MB fontawesome.js is not loaded
            assert not any("fontawesome.js" in u for u in files), page
            assert p.evaluate("""[...document.fonts].some(f =>
                f.family.includes('Font Awesome') && f.status === 'loaded')"""), page
            lines.append(
                f"{page}: {len(set(files))} requests, {total / 1e6:.2f} MB gzip"
                f"{', KaTeX stylesheet' if katex_css else ''}"
            )
            if total > PAGE_BUDGET:
                heavy.append(page)
            assert not engine, f"{page} loads a math engine: {engine}"
            if page == PAGES[0]:
                assert not katex_css, f"{page} has no math but loads KaTeX's stylesheet"
        finally:
            s.close()
    report("page-weight.txt", lines)
    print("\n".join(lines))
    assert not outside, "requests to other hosts:\n" + "\n".join(sorted(set(outside)))
    assert not heavy, f"pages over {PAGE_BUDGET} bytes gzip:\n" + "\n".join(lines)


def test_alt_split_and_search_particles_agree():
    """Build-side pieces without a browser: a bilingual alt is split;
    the particles stripped from indexed words (_ext/bilingual.py) are
    those stripped from queries (bilingual.js)."""
    bilingual = ext_module("bilingual")

    out = bilingual.split_alt(
        '<img alt="잡음이 섞인 사인 곡선 · A noisy sine curve" src="x.png" />'
    )
    assert (
        'alt="잡음이 섞인 사인 곡선"' in out
        and 'data-alt-en="A noisy sine curve"' in out
    )
    assert bilingual.korean_stem("역전파까지") == "역전파"
    assert (
        bilingual.korean_stem("모델의") == "모델"
        and bilingual.korean_stem("평가") == "평가"
    )
    js = (ROOT / "_static" / "bilingual.js").read_text(encoding="utf-8")
    m = re.search(r'var PARTICLES = \(((?:"[^"]*"\s*\+?\s*)+)\)', js)
    words = "".join(re.findall(r'"([^"]*)"', m.group(1))).split()
    assert sorted(words) == sorted(bilingual.PARTICLES)


def test_printed_edition_in_each_language(book, browser, tmp_path):
    """tools/make_pdf.py (make pdf) prints pages of the built book into one A4 PDF per
    language: cover, contents, page numbers, an outline of the pages and their sections,
    text in that language only, formulas as text, no controls or folded hints."""
    from pypdf import PdfReader

    import make_pdf

    # text, formulas, code, outputs; 9.7's exercise title wraps on A4 in English
    pages = ["intro", "exercises/9_3_language_models", "exercises/9_7_bptt"]
    written = make_pdf.make_pdfs(HTML, tmp_path, pages, browser=browser)
    assert [p.name for p in written] == ["rnn-course-ko.pdf", "rnn-course-en.pdf"]
    hangul = {}
    for path, lang in zip(written, LANGS, strict=True):
        pdf = PdfReader(path)
        width, height = (float(x) for x in pdf.pages[0].mediabox.upper_right)
        assert abs(width - 595) < 2 and abs(height - 842) < 2, "not A4"
        outline = [item.title for item in pdf.outline if not isinstance(item, list)]
        assert outline[0] == make_pdf.TITLE[lang] and len(outline) == 2 + len(pages)
        assert any(title.startswith("9.3") for title in outline)
        # bookmarks keep the spaces of their headings where a heading wraps
        # (make_pdf.mend_outline; chromium wrote "Backpropagation ThroughTime")
        if lang == "en":
            assert "9.7 Exercises: Backpropagation Through Time" in outline, outline
        text = [page.extract_text() for page in pdf.pages]
        assert len(text) >= 5, f"{path.name}: {len(text)} pages"
        body = "\n".join(text[2:])
        hangul[lang] = len(re.findall("[가-힣]", body))
        assert f"3 / {len(text)}" in text[2], "no page numbers"
        assert "perplexity" in body and "d2lmini" in body
        assert "미리 계산한 그림" not in body and "Precomputed:" not in body
        assert "\\mathbf" not in body, "TeX source printed instead of formulas"
    # the English edition keeps only what is bilingual on purpose (the grader's reports)
    # (the grader's reports: 12 % of the Korean edition's Hangul with 9.7's exercises)
    assert hangul["ko"] > 1000 and hangul["en"] < 0.15 * hangul["ko"], hangul
