"""The built book in a real browser: Playwright drives Debian's chromium (tools/install_browser.sh).

The book is built once per session (`jupyter-book build . -W -n --keep-going`; incremental,
and jupyter-cache re-runs only chapters whose code changed) and served from _build/html on
127.0.0.1. Every page of _toc.yml is checked in Korean and in English: the other language is
nowhere visible (text of the article, the navigation and the page footer; code and outputs
aside; `lang-both` marks what is legitimately both, the glossary's term columns), the
language is set before the body renders (no flash), the choice carries to the next page and
survives a reload, launch links point at notebooks that exist, and the console stays clean
except for requests to the outside world, which are blocked. MathJax, which the book loads
from jsDelivr, is served from tools/browser/node_modules (same version, same bytes), so
formulas are really typeset. The controls are tested in tests/test_static_controls.py. Screenshots go to
test-artifacts/.
"""
import functools
import http.server
import os
import pathlib
import re
import subprocess
import sys
import threading
import urllib.parse

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"
VENDOR = ROOT / "tools" / "browser" / "node_modules"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
PAGES = [TOC["root"]] + [e["file"] for e in TOC.get("chapters", [])] + [
    e["file"] for part in TOC.get("parts", []) for e in part.get("chapters", [])]
CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]
JSDELIVR = re.compile(r"https://cdn\.jsdelivr\.net/npm/((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.+)")
LANGS = {"ko": "ko-KR", "en": "en-US"}

sync_api = pytest.importorskip("playwright.sync_api")


def vendored(url):
    """The local copy of a jsDelivr npm URL (same package and version), or None."""
    m = JSDELIVR.match(url)
    if not m:
        return None
    name, version, path = m.groups()
    pkg = VENDOR / name
    manifest = pkg / "package.json"
    if (pkg / path).is_file() and manifest.is_file() and \
            f'"version": "{version}"' in manifest.read_text():
        return pkg / path
    return None

# Runs in the page: every problem with what is visible in language `lang`.
CHECK_LANGUAGE = r"""
(lang) => {
  const HANGUL = /[\uac00-\ud7a3\u3131-\u318e]/;
  const LATIN_PROSE = /[A-Za-z]{2,}(?:[\s,.;:'’-]+[A-Za-z]{2,}){2,}/;  // three English words
  const other = lang === "ko" ? "lang-en" : "lang-ko";
  const problems = [];
  const shown = (el) => el.checkVisibility({checkVisibilityCSS: true, checkOpacity: true});
  const say = (what, el) => problems.push(what + ": " + el.textContent.trim().slice(0, 100));
  // nothing written for the other language is visible, anywhere on the page
  for (const el of document.querySelectorAll("." + other)) {
    if (shown(el)) say("visible ." + other, el);
  }
  // the visible text of the article, navigation, page TOC, prev/next and footer
  const regions = "article.bd-article, nav.bd-docs-nav, .navbar-brand, .search-button-field, " +
                  ".tocsection, #pst-page-toc-nav, .prev-next-area, .bd-footer-content";
  const skip = "pre, code, kbd, .cell_output, .output, .math, mjx-container, script, style, " +
               ".lang-both, .headerlink, .widget-subarea";
  const headings = "h1, h2, h3, h4, h5, h6, .prev-next-title, .logo__title, nav a";
  for (const region of document.querySelectorAll(regions)) {
    const walker = document.createTreeWalker(region, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement, text = node.textContent.trim();
      if (!text || el.closest(skip) || !shown(el)) continue;
      if (lang === "en" && HANGUL.test(text)) say("Korean text in English mode", el);
    }
    if (lang !== "ko") continue;
    // Korean mode: no English words in a heading or title (any visible piece of text in it),
    // and no block of English prose
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
  if (HANGUL.test(document.title) !== (lang === "ko")) problems.push("<title>: " + document.title);
  return problems;
}
"""

# Records the language the page had when <body> was created (an init script: it runs first).
LANG_AT_BODY = """
new MutationObserver((_, observer) => {
  if (document.body) {
    window.__langAtBody = document.documentElement.getAttribute("data-lang");
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def book():
    """Build the book (incrementally) the way `make book` does; return the HTML folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "D2LMINI_DISPLAY")}
    exe = pathlib.Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run([str(exe), "build", ".", "-W", "-n", "--keep-going"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=1500)
    if run.returncode != 0:
        pytest.fail("jupyter-book build failed:\n" + (run.stdout + run.stderr)[-6000:])
    return HTML


@pytest.fixture(scope="session")
def server(book):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(book)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `bash tools/install_browser.sh`")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One browser context (one reader): blocks the outside world, logs what went wrong."""

    def __init__(self, browser, base, lang):
        self.base, self.blocked, self.errors, self.vendored = base, set(), [], []
        self.context = browser.new_context(locale=LANGS[lang],
                                           viewport={"width": 1280, "height": 900})
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
            return route.fulfill(path=str(local), content_type=ctype,
                                 headers={"Access-Control-Allow-Origin": "*"})
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
        """Load a page (all its scripts have run); ``settle``: also wait for the network."""
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

    def make(lang):
        sessions.append(Session(browser, server, lang))
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
        assert s.lang() == lang, f"{page}: browser language {LANGS[lang]} should pick {lang}"
        assert p.evaluate("window.__langAtBody") == lang, \
            f"{page}: the language was set after <body> was created (a flash of the other one)"
        assert p.evaluate("document.documentElement.lang") == lang
        assert p.locator(".bilingual-toggle").is_visible(), f"{page}: no language toggle"
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
    assert h1.locator(".lang-en").is_visible() and not h1.locator(".lang-ko").is_visible()
    assert "Recurrent Neural Networks" in p.title() and not re.search("[가-힣]", p.title())
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


def test_launch_links_open_the_committed_notebook(reader):
    s = reader("en")
    url = CONFIG["repository"]["url"].rstrip("/")
    owner_repo = urllib.parse.urlparse(url).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    colab_re = rf"https://colab\.research\.google\.com/github/{owner_repo}/blob/{branch}/(.+)"
    binder_re = rf"https://mybinder\.org/v2/gh/{owner_repo}/{branch}\?urlpath=tree/(.+)"
    for page in CHAPTERS:
        p = s.open(page)
        hrefs = p.eval_on_selector_all(".dropdown-launch-buttons a", "els => els.map(e => e.href)")
        colab = [h for h in hrefs if h.startswith(CONFIG["launch_buttons"]["colab_url"])]
        binder = [h for h in hrefs if h.startswith(CONFIG["launch_buttons"]["binderhub_url"])]
        assert len(colab) == 1 and len(binder) == 1, f"{page}: {hrefs}"
        m = re.fullmatch(colab_re, colab[0])
        assert m and m.group(1) == page + ".ipynb", colab[0]
        m = re.fullmatch(binder_re, binder[0])
        assert m and urllib.parse.unquote(m.group(1)) == page + ".ipynb", binder[0]
        assert (ROOT / (page + ".ipynb")).is_file(), f"{page}.ipynb is not in the repository"


def test_formulas_are_typeset(reader):
    url = CONFIG["sphinx"]["config"]["mathjax_path"]
    if not vendored(url):
        pytest.fail(f"{url} is not in {VENDOR}: run `bash tools/install_browser.sh`")
    for lang in LANGS:
        s = reader(lang)
        for page in CHAPTERS:
            p = s.open(page, settle=True)
            p.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise"
                                " && MathJax.startup.document.processed !== undefined",
                                timeout=15000)
            p.evaluate("MathJax.startup.promise")
            typeset = p.locator("article mjx-container").count()
            sources = p.locator("article .math").count()
            assert sources > 0 and typeset >= sources, \
                f"{page} ({lang}): {typeset} typeset formulas for {sources} in the page"
            errors = p.locator("article mjx-merror").count()
            assert errors == 0, f"{page} ({lang}): {errors} formulas MathJax could not typeset"
            assert any("mathjax" in u for u in s.vendored), "MathJax was not served"
            assert not s.errors, f"{page} ({lang}):\n" + "\n".join(s.errors)
