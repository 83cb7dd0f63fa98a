"""Stylesheets without the rules no page of the book can match (for page_assets.py).

The theme's stylesheet (Bootstrap and pydata-sphinx-theme, 68 kB compressed) is fetched
before a page's first paint, and nine tenths of it styles components this book does
not have. A rule is dropped when each of its selectors names a class or an id that
appears in no page and in no script or stylesheet-writing code of the book (its
``class``/``id`` attributes, and every word in ``_static``'s scripts, which add
classes at run time); everything else (at-rules such as ``@font-face``, rules of
elements and attributes, selectors we cannot read) is kept as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2

CLASS_ATTR = re.compile(r'\s(?:class|id)="([^"]*)"')
WORD = re.compile(r"[A-Za-z_][\w-]*")
# .name or #name in a selector (escaped characters: we cannot read it, keep the rule)
NAMES = re.compile(r"[.#](-?[A-Za-z_][\w-]*)")


def used_names(outdir: Path) -> set[str]:
    """Every class and id of the built pages and every word of their scripts."""
    names: set[str] = set()
    for page in outdir.rglob("*.html"):
        for value in CLASS_ATTR.findall(page.read_text(encoding="utf-8")):
            names.update(value.split())
    for script in outdir.rglob("*.js"):
        names.update(WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
    return names


def _selector_used(selector: str, names: set[str]) -> bool:
    return all(n in names for n in NAMES.findall(selector))


def _purge_rules(rules, names: set[str]) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude).strip()
            if "(" in prelude or "\\" in prelude:
                out.append(rule.serialize())  # :is(a, b), escapes: we do not read these
                continue
            kept = [s for s in prelude.split(",") if _selector_used(s.strip(), names)]
            if not kept:
                continue
            body = tinycss2.serialize(rule.content)
            out.append(",".join(kept).strip() + "{" + body + "}")
        elif rule.type == "at-rule":
            if rule.lower_at_keyword in ("media", "supports", "layer") and rule.content:
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                body = _purge_rules(inner, names)
                if body:
                    prelude = tinycss2.serialize(rule.prelude).strip()
                    out.append(f"@{rule.at_keyword} {prelude}{{{''.join(body)}}}")
            else:
                out.append(rule.serialize())
        # comments and parse errors are left out
    return out


def purge(css: str, names: set[str]) -> str:
    """``css`` without the rules whose selectors all name an unused class or id."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    out = "\n".join(_purge_rules(rules, names)) + "\n"
    again = tinycss2.parse_stylesheet(out, skip_comments=True, skip_whitespace=True)
    broken = [r for r in again if r.type == "error"]
    if broken:  # what we wrote must read back: fail the build, not the page
        raise RuntimeError(f"css_purge wrote unreadable CSS: {broken[0].message}")
    return out
