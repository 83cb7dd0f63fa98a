"""The chapter format of CONTRIBUTING.md, checked without building the book.

For every chapters/9_N_name.md: its .ipynb twin holds the same cells and
is executed, with no error output and no run-specific metadata; prose
comes in lang-ko / lang-en pairs and untagged cells hold only `한국어 ·
English` headings; no raw MyST syntax that Jupyter would show as is; the
first code cell installs d2lmini from the repository in _config.yml.
"""

import json
import pathlib
import re
import sys

import jupytext
import nbformat
import pytest
import yaml
from markdown_it import MarkdownIt

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import sync_install_cell  # noqa: E402 — tools/ is on sys.path from the line above
import sync_notebooks  # noqa: E402 — likewise

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
CHAPTERS = sync_notebooks.chapters()
LANG_TAGS = {"lang-ko", "lang-en"}
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
HEADING = re.compile(r"^(#{1,6}) (?:\d+(?:\.\d+)*\.? )?(?P<ko>\S.*?) · (?P<en>\S.*)$")
# MyST-only syntax: Jupyter and Colab would show it verbatim (a citation role,
# {cite:p}`key`, is allowed: Jupyter shows it as a readable "{cite:p}key")
RAW_MYST = re.compile(
    r"\{(?!cite(?::[a-z]+)?\})[a-z][\w:-]*\}`|^\s*(```|:::)\{|^\s*\(\w[\w-]*\)=\s*$",
    re.M,
)
MD = MarkdownIt("commonmark")


def ids(paths):
    return [p.stem for p in paths]


def tags(cell):
    return set(cell.metadata.get("tags", []))


def blocks(source):
    """Top-level block token types of a markdown cell (headings, paragraphs, lists,
    …)."""
    return [t.type for t in MD.parse(source) if t.level == 0 and t.nesting != -1]


@pytest.fixture(scope="module", params=CHAPTERS, ids=ids(CHAPTERS))
def chapter(request):
    md = request.param
    return md, jupytext.read(md), nbformat.read(md.with_suffix(".ipynb"), as_version=4)


def test_there_are_chapters_and_the_toc_lists_them():
    assert CHAPTERS, "no chapters/9_*.md"
    listed = sync_notebooks.toc_pages()
    assert len(listed) == len(set(listed)), "_toc.yml lists a page twice"
    for md in CHAPTERS:
        assert f"chapters/{md.stem}" in listed, f"{md.name} is not in _toc.yml"
    for entry in listed:
        assert (ROOT / f"{entry}.md").exists(), (
            f"_toc.yml lists {entry}, which does not exist"
        )


def test_ipynb_twins_are_not_sphinx_documents():
    excluded = CONFIG["exclude_patterns"]
    for pattern in (
        "chapters/*.ipynb",
        "README.md",
        "CONTRIBUTING.md",
        "exercises/*.md",
        "exercises/solutions",
        ".venv",
    ):
        assert pattern in excluded


def test_md_and_ipynb_hold_the_same_cells(chapter):
    md, text_nb, nb = chapter
    assert [c.cell_type for c in nb.cells] == [c.cell_type for c in text_nb.cells], (
        f"{md.name} and its .ipynb differ in cells: run `make notebooks`"
    )
    for i, (a, b) in enumerate(zip(text_nb.cells, nb.cells)):
        assert a.source == b.source, (
            f"{md.name} cell {i}: source differs from the .ipynb"
        )
        assert tags(a) == tags(b), f"{md.name} cell {i}: tags differ from the .ipynb"


def test_notebook_is_executed_without_errors(chapter):
    md, _, nb = chapter
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{md.stem}.ipynb is not one clean top-to-bottom run: execution counts {counts}"
    )
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", f"{md.stem}.ipynb has an error output"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"{md.stem}.ipynb writes to stderr: {out.text[:200]!r}"
            )


def test_no_run_specific_metadata(chapter):
    md, _, nb = chapter
    assert set(nb.metadata) <= set(sync_notebooks.KEPT_NB_KEYS)
    for i, cell in enumerate(nb.cells):
        assert not set(cell.metadata) & set(sync_notebooks.VOLATILE_CELL_KEYS), (
            f"{md.stem}.ipynb cell {i} keeps {set(cell.metadata)}: run `make notebooks`"
        )
        assert cell.get("id") == f"{md.stem}-{i}", (
            f"{md.stem}.ipynb cell {i}: random cell id: run `make notebooks`"
        )
    stable = json.dumps(sync_notebooks.stable_widget_ids(nb, md.stem), sort_keys=True)
    same = (
        json.dumps(nb, sort_keys=True) == stable
    )  # (a bool: no slow diff of two notebooks)
    assert same, f"{md.stem}.ipynb keeps random widget model ids: run `make notebooks`"


def test_prose_comes_in_language_pairs(chapter):
    md, nb, _ = chapter
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        where = f"{md.name} markdown cell {i} ({cell.source[:60]!r})"
        lang = tags(cell) & LANG_TAGS
        assert len(lang) <= 1, f"{where}: tagged both lang-ko and lang-en"
        if not lang:
            kinds = set(blocks(cell.source))
            assert kinds <= {"heading_open"} and kinds, (
                f"{where}: an untagged markdown cell holds headings only "
                "(prose goes in lang-ko / lang-en cells)"
            )
            for line in cell.source.strip().splitlines():
                if not line.strip():
                    continue
                m = HEADING.match(line)
                assert m, f"{where}: heading not written '한국어 · English': {line!r}"
                assert HANGUL.search(m["ko"]) and not HANGUL.search(m["en"]), (
                    f"{where}: heading halves are not Korean · English: {line!r}"
                )
            continue
        assert "heading_open" not in blocks(cell.source), (
            f"{where}: headings go in untagged cells"
        )
        if lang == {"lang-ko"}:
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            assert (
                nxt is not None
                and nxt.cell_type == "markdown"
                and "lang-en" in tags(nxt)
            ), f"{where}: a lang-ko cell must be followed by its lang-en partner"
            assert HANGUL.search(cell.source), (
                f"{where}: lang-ko cell without Korean text"
            )
        else:
            prev = cells[i - 1] if i > 0 else None
            assert (
                prev is not None
                and prev.cell_type == "markdown"
                and "lang-ko" in tags(prev)
            ), f"{where}: a lang-en cell must follow its lang-ko partner"
            assert not HANGUL.search(cell.source), (
                f"{where}: Korean text in a lang-en cell"
            )


def test_markdown_stays_clean_in_jupyter(chapter):
    md, nb, _ = chapter
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            m = RAW_MYST.search(cell.source)
            assert not m, (
                f"{md.name} markdown cell {i}: MyST-only syntax {m.group(0)!r} "
                "shows verbatim in Jupyter/Colab"
            )


def test_install_cell_matches_the_repository_setting(chapter):
    md, text_nb, nb = chapter
    url, branch = sync_install_cell.repository()
    expected = sync_install_cell.install_cell_source(url, branch)
    for name, notebook in ((md.name, text_nb), (f"{md.stem}.ipynb", nb)):
        first = notebook.cells[[c.cell_type for c in notebook.cells].index("code")]
        assert first.source == expected, (
            f"{name}: first code cell is not the install "
            "cell: run tools/sync_install_cell.py"
        )
        assert tags(first) == set(sync_install_cell.TAGS)


def test_repository_setting_drives_launch_buttons_and_binder():
    url = CONFIG["repository"]["url"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url)
    assert CONFIG["repository"]["branch"]
    launch = CONFIG["launch_buttons"]
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert launch["colab_url"] == "https://colab.research.google.com"
    binder = (ROOT / "binder" / "requirements.txt").read_text()
    assert "download.pytorch.org/whl/cpu" in binder and re.search(
        r"^torch\b", binder, re.M
    )
    assert "pip install" in (ROOT / "binder" / "postBuild").read_text()


def test_prose_sync_keeps_outputs_for_comments_and_tags_only(tmp_path):
    """`sync_notebooks.py --prose` copies text, and a code cell's comments and tags,
    into the stored notebook without executing it; a change of the code itself is
    refused (the stored outputs would no longer come from that code)."""
    import nbformat

    md = tmp_path / "9_0_demo.md"
    stored = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("x = 1  # one\nprint(x)\n")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    stored.cells = [nbformat.v4.new_markdown_cell("Hello"), code]
    stored.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}

    def write_md(text, source, tags):
        nb = nbformat.v4.new_notebook(metadata=stored.metadata)
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        nb.cells = [nbformat.v4.new_markdown_cell(text), cell]
        jupytext.write(nb, md, fmt="md:myst")
        nbformat.write(stored, md.with_suffix(".ipynb"))

    write_md("Hello again", "x = 1  # the first\n\nprint(x)\n", ["nbval-rtol=0.1"])
    sync_notebooks.sync_prose(md)
    after = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    assert after.cells[0].source == "Hello again"
    assert after.cells[1].source.startswith("x = 1  # the first")
    assert after.cells[1].metadata["tags"] == ["nbval-rtol=0.1"]
    assert after.cells[1].outputs[0]["text"] == "1\n"
    write_md("Hello", "x = 2  # one\nprint(x)\n", [])
    with pytest.raises(sync_notebooks.CodeChanged):
        sync_notebooks.sync_prose(md)
