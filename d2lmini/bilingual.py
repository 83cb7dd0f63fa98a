"""Text in both languages, always Korean first, then English (as the book's headings).

Every bilingual string the package writes goes through here: error messages
(:func:`lines`), one-line notes in a notebook or a terminal (:func:`text`) and HTML
that the book shows in the reader's language (:func:`html`: ``lang-ko`` and
``lang-en`` elements; a notebook shows both, joined by ``lang-sep``).
"""

import html as _html

SEP = " · "


def text(ko, en, sep=SEP):
    """``"한국어 · English"``: one line for a notebook or a terminal."""
    return f"{ko}{sep}{en}"


def lines(ko, en):
    """The Korean line, then the English one (error messages and warnings)."""
    return text(ko, en, sep="\n")


def html(ko, en, tag="span", escape=True, style=""):
    """``<tag class="lang-ko">`` then ``<tag class="lang-en">``: the book hides the
    other language. Inline ``span`` elements are joined by a ``lang-sep`` " · " so
    that a notebook, which shows both, reads ``한국어 · English``; block elements
    (``p``, ``div``) stand on their own lines. ``escape=False`` for ready HTML."""
    if escape:
        ko, en = _html.escape(ko, quote=False), _html.escape(en, quote=False)
    attrs = f' style="{style}"' if style else ""
    sep = f'<span class="lang-sep">{SEP}</span>' if tag == "span" else ""
    return (
        f'<{tag} class="lang-ko"{attrs}>{ko}</{tag}>{sep}'
        f'<{tag} class="lang-en"{attrs}>{en}</{tag}>'
    )
