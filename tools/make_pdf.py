"""Print the built book as one PDF per language (`make pdf`).

    python tools/make_pdf.py      # _build/html -> _build/html/rnn-course-{ko,en}.pdf
    python tools/make_pdf.py --pages intro chapters/9_1_sequences --out /tmp/pdf

The chromium the tests use (tests/browser_path.py) opens every page of the table of
contents in the reader's language and takes its article (the other language removed).
All articles go into one print document: a cover, a table of contents, then each page
on a new sheet. Chromium prints it to A4 with page numbers and a PDF outline (bookmarks)
of the pages and their sections. The PDFs go into the HTML folder; the intro links them.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import html
import http.server
import pathlib
import re
import sys
import threading

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))
import sync_notebooks  # noqa: E402 — the pages of _toc.yml
from browser_path import CHROMIUM_ARGS, find_chromium  # noqa: E402

LANGS = {"ko": "ko-KR", "en": "en-US"}
TITLE = {"ko": "순환 신경망", "en": "Recurrent Neural Networks"}
SUBTITLE = {
    "ko": "『Dive into Deep Learning』 9장을 따라 실행하며 배우기",
    "en": "Learned by running them, after chapter 9 of Dive into Deep Learning",
}
CONTENTS = {"ko": "차례", "en": "Contents"}
TIMEOUT_MS = 60_000  # one page load or the print itself

# the article as printed: no interface, code that wraps, figures that fit the sheet
PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
html, body { background: #fff !important; }
body { font-size: 10.5pt; margin: 0; }
.print-cover { height: 240mm; display: flex; flex-direction: column;
  justify-content: center; text-align: center; break-after: page; }
.print-cover h1 { font-size: 28pt; margin: 0 0 8mm; }
.print-cover p { font-size: 13pt; color: #444; }
.print-toc { break-after: page; }
.print-toc ol { font-size: 12pt; line-height: 1.9; }
.print-page { break-before: page; }
/* on paper: no links to sections, no controls (the figure at their defaults stays),
   no folded code (the cells whose code the page hides) */
.headerlink, .bilingual-toggle, .dropdown-launch-buttons, .copybtn, .prev-next-area,
.d2lmini-static-controls, .d2lmini-controls-note, .d2lmini-buttons, .lang-sep,
details.hide, .cell_output details { display: none !important; }
pre { white-space: pre-wrap !important; word-break: break-word; font-size: 8.5pt; }
div.cell_output pre { max-height: none !important; overflow: visible !important; }
img { max-width: 100% !important; height: auto !important; break-inside: avoid; }
figure, div.math, tr { break-inside: avoid; }
div.math > .katex-display { overflow: visible !important; }
h1, h2, h3 { break-after: avoid; }
a { color: inherit; text-decoration: none; }
"""

# In a loaded page: the article's HTML with every link and image made absolute
ARTICLE = r"""
() => {
  const article = document.querySelector('article.bd-article').cloneNode(true);
  for (const el of article.querySelectorAll('[src]')) el.src = el.src;
  for (const el of article.querySelectorAll('a[href]')) el.href = el.href;
  const lang = document.documentElement.getAttribute('data-lang');
  const other = lang === 'ko' ? '.lang-en' : '.lang-ko';
  for (const el of article.querySelectorAll(other)) el.remove();
  const h1 = document.querySelector('article.bd-article h1');
  return {html: article.innerHTML,
          title: h1 ? h1.innerText.replace(/[#¶]\s*$/, '').trim() : document.title};
}
"""


@functools.cache
def stylesheets(html_dir: pathlib.Path) -> list[str]:
    """The book's stylesheets, relative to the HTML folder (from a chapter page)."""
    page = (html_dir / "chapters" / "9_1_sequences.html").read_text(encoding="utf-8")
    found = re.findall(r'<link rel="stylesheet"[^>]*href="\.\./([^"?]+)', page)
    return list(dict.fromkeys(found))


def print_document(pages: list[dict], lang: str, base: str, html_dir) -> str:
    """One HTML document: cover, contents, then every page on its own sheet."""
    links = "".join(
        f'<link rel="stylesheet" href="{base}{css}">' for css in stylesheets(html_dir)
    )
    toc = "".join(
        f'<li><a href="#page-{i}">{html.escape(p["title"])}</a></li>'
        for i, p in enumerate(pages)
    )
    body = "".join(
        f'<section class="print-page bd-article" id="page-{i}">{p["html"]}</section>'
        for i, p in enumerate(pages)
    )
    today = datetime.date.today().isoformat()
    return (
        f'<!DOCTYPE html><html lang="{lang}" data-lang="{lang}"><head>'
        f'<meta charset="utf-8"><title>{TITLE[lang]}</title>{links}'
        f"<style>{PRINT_CSS}</style></head><body>"
        f'<div class="print-cover"><h1>{TITLE[lang]}</h1>'
        f"<p>{SUBTITLE[lang]}</p><p>rnn-course · {today}</p></div>"
        f'<nav class="print-toc"><h1>{CONTENTS[lang]}</h1><ol>{toc}</ol></nav>'
        f"{body}</body></html>"
    )


FOOTER = (
    '<div style="font-size:8pt;width:100%;text-align:center;color:#666">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def make_pdfs(
    html_dir: pathlib.Path, out_dir: pathlib.Path, pages: list[str], browser=None
):
    """Write ``rnn-course-<lang>.pdf`` for each language; return their paths.
    ``browser``: a running Playwright chromium (the tests'), else one is started."""
    from playwright import sync_api

    if browser is not None:
        return print_all(browser, html_dir, out_dir, pages)
    chromium = find_chromium()
    if chromium is None:
        sys.exit("make_pdf: no chromium found (bash tools/install_browser.sh)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            return print_all(browser, html_dir, out_dir, pages)
        finally:
            browser.close()


def print_all(browser, html_dir: pathlib.Path, out_dir: pathlib.Path, pages: list[str]):
    """Serve ``html_dir`` on loopback; print one PDF per language with ``browser``."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    written = []
    try:
        for lang, locale in LANGS.items():
            context = browser.new_context(locale=locale)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            parts = []
            for name in pages:
                page.goto(f"{base}{name}.html?lang={lang}", wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                parts.append(page.evaluate(ARTICLE))
            page.set_content(
                print_document(parts, lang, base, html_dir), wait_until="load"
            )
            page.evaluate("document.fonts.ready.then(() => true)")
            headings = page.evaluate(
                "[...document.querySelectorAll('h1, h2, h3, h4')].map(h => h.innerText)"
            )
            out = out_dir / f"rnn-course-{lang}.pdf"
            page.pdf(
                path=str(out),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                prefer_css_page_size=True,
                outline=True,
                tagged=True,
            )
            mend_outline(out, headings)
            written.append(out)
            context.close()
    finally:
        server.shutdown()
        server.server_close()
    return written


def mend_outline(path: pathlib.Path, headings: list[str]) -> int:
    """Give the PDF's bookmarks the headings' own text; return how many changed.

    Chromium builds a bookmark from a heading's lines as laid out and drops the space
    where a line wraps ("Through Time inDetail"); the heading with the same letters,
    spaces aside, has the right title."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    def letters(text):
        return re.sub(r"[\s#¶]+", "", text)

    right = {
        letters(h): " ".join(h.replace("¶", "").split()).rstrip(" #") for h in headings
    }
    writer = PdfWriter(clone_from=str(path))
    outlines = writer.root_object.get("/Outlines")
    items = (
        [outlines.get_object()["/First"]] if outlines and "/First" in outlines else []
    )
    changed = 0
    while items:
        item = items.pop().get_object()
        title = str(item.get("/Title", ""))
        fixed = right.get(letters(title))
        if fixed and fixed != title:
            item[NameObject("/Title")] = TextStringObject(fixed)
            changed += 1
        items += [item[key] for key in ("/First", "/Next") if key in item]
    writer.write(str(path))
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=pathlib.Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=pathlib.Path, help="default: the HTML folder")
    parser.add_argument("--pages", nargs="*", help="default: every page of _toc.yml")
    args = parser.parse_args(argv)
    if not (args.html / "intro.html").is_file():
        sys.exit(f"make_pdf: no built book in {args.html} (run `make book` first)")
    out = args.out or args.html
    out.mkdir(parents=True, exist_ok=True)
    for path in make_pdfs(
        args.html.resolve(), out, args.pages or sync_notebooks.toc_pages()
    ):
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
