"""The build cuts the stylesheets to the rules a page of the book can match
(_ext/css_purge.py): what it keeps and drops, and that its output reads back."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "_ext"))
import css_purge

CSS = """
@charset "UTF-8";
@font-face { font-family: X; src: url(x.woff2); }
.used, .unused { color: red }
.unused > p { color: blue }
p.used:hover::after { content: "a, b" }
html[data-lang="en"] .lang-ko { display: none !important }
div.cell:is(.unused, .other) { max-height: 2em }
@media (max-width: 500px) { .unused { a: b } .used { c: d } }
@media print { .unused { e: f } }
@keyframes fade { 0% { opacity: 0 } 100% { opacity: 1 } }
#main-nav, #nowhere { top: 0 }
"""


def test_keeps_what_a_page_can_match_and_drops_the_rest():
    out = css_purge.purge(CSS, {"used", "lang-ko", "main-nav"})
    assert ".used{" in out.replace(" ", "") and ".unused" not in out.split(":is(")[0]
    assert ".unused > p" not in out and "@media print" not in out
    assert 'p.used:hover::after{ content: "a, b" }' in out
    assert 'html[data-lang="en"] .lang-ko' in out  # attributes are not read: kept
    assert "div.cell:is(.unused, .other)" in out  # functions are not read: kept
    assert "@media (max-width: 500px){.used{ c: d }}" in out
    assert "@font-face" in out and "@keyframes fade" in out and "@charset" in out
    assert "#main-nav{" in out and "#nowhere" not in out


def test_names_come_from_the_pages_and_the_scripts(tmp_path):
    (tmp_path / "a.html").write_text('<p class="x y" id="z">', encoding="utf-8")
    (tmp_path / "s.js").write_text('el.classList.add("shown-later")', encoding="utf-8")
    names = css_purge.used_names(tmp_path)
    assert {"x", "y", "z", "shown-later"} <= names and "hidden" not in names


def test_unreadable_output_fails_the_build(monkeypatch):
    broken = [".a{}", "div.cell:is("]  # a selector cut at its comma
    monkeypatch.setattr(css_purge, "_purge_rules", lambda rules, names: broken)
    with pytest.raises(RuntimeError, match="unreadable CSS"):
        css_purge.purge(".a{}", {"a"})
