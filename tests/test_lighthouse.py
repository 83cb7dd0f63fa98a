"""Pages that open fast on a phone (issue 22), measured by Lighthouse.

The built book is served from 127.0.0.1 the way a static host serves it (gzip for
text, GitHub Pages' ten-minute cache lifetime), and the pinned Lighthouse
(tools/lighthouse/package-lock.json; `cd tools/lighthouse && npm ci`) audits the
intro, the heaviest chapter and an exercise page with its mobile profile (a phone's
screen, simulated slow 4G, a 4x slower CPU) in the chromium the browser tests use
(tests/browser_path.py; nothing downloads a browser). The reports (JSON and HTML) and
a summary go to test-artifacts/lighthouse/.

Lighthouse simulates the phone from what it records on this machine, so a machine busy
with other work records longer script tasks and scores lower (9.7 scored 29-42 on the
same build within an hour). The performance score is a timing, and timings are printed,
not asserted (CONTRIBUTING): the test asserts the categories that do not depend on
the machine's load (accessibility, best practices, SEO) and, for performance, what
the book controls and the score follows from: the page's elements and the bytes it
transfers, each within a budget (README, "Page weight").

Run alone to print the figures without asserting them (any pages; with
LH_CPU_SLOWDOWN=11, as a machine about 2.75 times slower would score them):
    .venv/bin/python tests/test_lighthouse.py [HTML_DIR [OUT_DIR [PAGE ...]]]
"""

import functools
import gzip
import http.server
import json
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import typing

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from browser_path import find_chromium
from test_static_controls import book  # noqa: F401 — the session's one build

ROOT = pathlib.Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
TOOL = ROOT / "tools" / "lighthouse"
SCRIPT = TOOL / "audit.mjs"
REPORTS = ROOT / "test-artifacts" / "lighthouse"
INSTALL = "cd tools/lighthouse && npm ci --no-audit --no-fund"

PAGES = ["intro", "chapters/9_7_bptt", "exercises/9_3_language_models"]
# category: lowest score (0-100) every page must reach
THRESHOLDS = {
    "accessibility": 100,
    "best-practices": 95,
    "seo": 95,
}
# page: (most DOM elements, most kB transferred on a first load), measured
# 2026-12-07 (457 / 106, 2,746 / 189: the prose of one language in the page, the
# stylesheets cut to the book's rules, figures loaded near the screen) and 2026-12-08
# (9.7's first page 14,397 / 243, once 9.7 was split into three pages: it had 32,814
# elements and scored 61-66), plus a margin for edits. 9.7's first page is the
# heaviest chapter page (README, "Lighthouse on a phone").
BUDGETS = {
    "intro": (700, 160),
    "chapters/9_7_bptt": (16_000, 300),
    "exercises/9_3_language_models": (3_500, 260),
}
# what a static host compresses (fonts and images are compressed already)
COMPRESSIBLE = {".html", ".css", ".js", ".svg", ".json", ".xml", ".txt", ".map"}


# ---------------------------------------------------------------- a static host
class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Files as GitHub Pages serves them: gzip when the client accepts it,
    `Cache-Control: max-age=600`, HTTP/1.1 keep-alive."""

    protocol_version = "HTTP/1.1"
    _gzipped: typing.ClassVar[dict] = {}
    _lock = threading.Lock()

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = pathlib.Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        with self._lock:
            key = (path, path.stat().st_mtime_ns)
            body = self._gzipped.get(key)
            if body is None:
                body = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
                self._gzipped[key] = body
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._body = body
        return None

    def do_GET(self):
        self._body = None
        f = self.send_head()
        if self._body is not None:
            self.wfile.write(self._body)
        elif f:
            try:
                self.copyfile(f, self.wfile)
            finally:
                f.close()


class Host:
    """The static host on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, directory):
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(StaticHost, directory=str(directory))
        )
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_port}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------- Lighthouse
def missing_tools():
    """What is missing to run Lighthouse and the command that installs it, or None."""
    if shutil.which("node") is None:
        return (
            "Lighthouse needs Node.js 18.20+ and npm (Debian/Ubuntu: sudo apt-get "
            f"install nodejs npm), then: {INSTALL}"
        )
    if not (TOOL / "node_modules" / "lighthouse" / "package.json").is_file():
        return (
            f"the pinned Lighthouse is not installed: run `{INSTALL}` (or `make test`)"
        )
    if find_chromium() is None:
        return (
            "no chromium found: run `bash tools/install_browser.sh` (or set "
            "D2LMINI_CHROMIUM to a chromium or chrome)"
        )
    return None


def audit(base, pages=PAGES, outdir=REPORTS, timeout=480):
    """Run tools/lighthouse/audit.mjs on ``pages`` (one chromium, one page at a time);
    return its summary, one dict per page."""
    env = dict(os.environ)
    env["CHROME_PATH"] = find_chromium()
    env["PUPPETEER_SKIP_DOWNLOAD"] = "1"  # never fetch a browser
    run = subprocess.run(
        ["node", str(SCRIPT), str(outdir)] + [base + p + ".html" for p in pages],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if run.returncode != 0:
        raise RuntimeError(
            f"Lighthouse failed (exit {run.returncode}):\n{run.stderr[-4000:]}"
        )
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    (pathlib.Path(outdir) / "summary.json").write_text(
        json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return summary


def table(summary):
    """The figures, one line per page."""
    lines = []
    for s in summary:
        lines.append(
            f"{s['name']}: performance {s['performance']}, accessibility "
            f"{s['accessibility']}, best practices {s['best-practices']}, "
            f"SEO {s['seo']}; "
            f"FCP {s['fcp_ms'] / 1000:.1f} s, LCP {s['lcp_ms'] / 1000:.1f} s, "
            f"TBT {s['tbt_ms']:.0f} ms, CLS {s['cls']:.3f}, "
            f"DOM {s['dom_elements']:.0f} elements, "
            f"{s['transfer_bytes'] / 1000:.0f} kB transferred "
            f"(benchmark index {s['benchmark_index']:.0f})"
        )
        lines += [f"    not passed: {f}" for f in s["failed"]]
    return "\n".join(lines)


# ---------------------------------------------------------------- the test
def test_lighthouse_mobile(book):  # noqa: F811 — the fixture
    problem = missing_tools()
    if problem:
        pytest.fail(problem)
    host = Host(book)
    try:
        summary = audit(host.base)
    finally:
        host.close()
    report = table(summary)
    (REPORTS / "summary.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    failures = []
    for page, s in zip(PAGES, summary):
        if s["runtimeError"]:
            error = s["runtimeError"]
            failures.append(f"{page}: Lighthouse could not audit it: {error}")
            continue
        for category, lowest in THRESHOLDS.items():
            if s[category] is None or s[category] < lowest:
                failures.append(f"{page}: {category} {s[category]} < {lowest}")
        elements, kilobytes = BUDGETS[page]
        if s["dom_elements"] > elements:
            failures.append(f"{page}: {s['dom_elements']:.0f} elements > {elements}")
        if s["transfer_bytes"] / 1000 > kilobytes:
            got = s["transfer_bytes"] / 1000
            failures.append(f"{page}: {got:.0f} kB transferred > {kilobytes} kB")
    assert not failures, "\n".join(failures) + "\n\n" + report


if __name__ == "__main__":
    problem = missing_tools()
    if problem:
        sys.exit(problem)
    host = Host(sys.argv[1] if len(sys.argv) > 1 else HTML)
    outdir = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else REPORTS
    try:
        print(table(audit(host.base, pages=sys.argv[3:] or PAGES, outdir=outdir)))
    finally:
        host.close()
