"""Font Awesome cut down to the icons the book shows (issue 22; used by page_assets).

The theme ships Font Awesome 6's solid and brands fonts whole (156 kB and 118 kB of
woff2, ``font-display: block``): every page fetched 274 kB of fonts for about twenty
icons, a second and a half of a phone's slow 4G before the header's icons appear. At
build-finished :func:`subset_fonts`

1. reads which icons exist from the theme's stylesheets (``.fa-<name>:before``
   rules) and which of them the book uses: ``fa-<name>`` classes in the pages and in
   the scripts (the theme switch sets its icon from JavaScript), and glyphs that a
   stylesheet draws itself (``content: "\\f107"`` outside the icon table);
2. writes each font (woff2 and ttf) with those glyphs alone as
   ``_static/icons/<font>-<hash>.<ext>`` (a new name when the set changes, so a
   browser's cache never keeps an old cut);
3. returns the renames, which the stylesheet bundles apply to their ``@font-face``
   urls (the theme's own files stay as shipped).

fontTools (a matplotlib dependency) subsets; brotli writes woff2.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

FONT_DIR = "vendor/fontawesome/webfonts"
OUT_DIR = "icons"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
GLYPH = re.compile(r'(?:content|--fa)\s*:\s*"\\([0-9a-fA-F]{4,5})"')
TABLE_SELECTOR = re.compile(r"^\.fa-([a-z0-9-]+)(?:::?(?:before|after))?$")
USED_CLASS = re.compile(r"(?<![\w-])fa-([a-z0-9-]+)")
PRIVATE_USE = range(0xE000, 0xF900)


def icon_table(css_files) -> tuple[dict[str, set[int]], set[int]]:
    """``(name -> codepoints, codepoints drawn outside the table)`` from stylesheets."""
    table: dict[str, set[int]] = {}
    direct: set[int] = set()
    for css in css_files:
        text = css.read_text(encoding="utf-8", errors="replace")
        for selectors, body in RULE.findall(text):
            glyphs = {int(g, 16) for g in GLYPH.findall(body)}
            if not glyphs:
                continue
            names = [TABLE_SELECTOR.match(s.strip()) for s in selectors.split(",")]
            if all(names):
                for m in names:
                    table.setdefault(m.group(1), set()).update(glyphs)
            else:
                direct.update(g for g in glyphs if g in PRIVATE_USE)
    return table, direct


def used_codepoints(outdir: Path) -> set[int]:
    """Every icon glyph that a page, a script or a stylesheet of the book can show."""
    static = outdir / "_static"
    css = [
        p
        for p in static.rglob("*.css")
        if not p.name.startswith("bundle-") and "katex" not in p.parts
    ]
    table, used = icon_table(css)
    sources = [p for p in outdir.rglob("*.html") if "_static" not in p.parts]
    sources += list(static.rglob("*.js"))
    for path in sources:
        text = path.read_text(encoding="utf-8", errors="replace")
        for name in set(USED_CLASS.findall(text)):
            used |= table.get(name, set())
    return used


def subset_font(path: Path, codepoints: set[int]) -> bytes:
    """The font file at ``path`` with only ``codepoints`` (same format)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), recalcTimestamp=False)  # the same bytes on every build
    flavor = font.flavor  # "woff2" for .woff2, None for .ttf
    options = subset.Options()
    options.flavor = flavor
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints & set(font.getBestCmap())))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = flavor
    font.save(out)
    return out.getvalue()


def subset_fonts(outdir: Path) -> dict[str, str]:
    """Write the cut fonts under _static/icons/; return ``{theme font path: cut font
    path}``, both relative to _static/ (empty when the theme ships no such fonts or
    no icon is found, and the fonts then stay whole)."""
    static = outdir / "_static"
    fonts = sorted((static / FONT_DIR).glob("*.woff2")) + sorted(
        (static / FONT_DIR).glob("*.ttf")
    )
    codepoints = used_codepoints(outdir) if fonts else set()
    if not codepoints:
        return {}
    (static / OUT_DIR).mkdir(exist_ok=True)
    renames = {}
    for font in fonts:
        data = subset_font(font, codepoints)
        name = f"{font.stem}-{hashlib.sha1(data).hexdigest()[:10]}{font.suffix}"
        target = static / OUT_DIR / name
        if not target.is_file():
            target.write_bytes(data)
        renames[f"{FONT_DIR}/{font.name}"] = f"{OUT_DIR}/{name}"
    for old in (static / OUT_DIR).iterdir():  # cuts of earlier builds
        if f"{OUT_DIR}/{old.name}" not in renames.values():
            old.unlink()
    return renames
