"""Rewrite the first code cell of every chapter and exercise source from the repository
setting in _config.yml.

    python tools/sync_install_cell.py          # rewrite chapters/ and exercises/
                                               # 9_*.md and their .ipynb (then run
                                               # tools/build_exercises.py for the
                                               # solutions)
    python tools/sync_install_cell.py --check  # exit 1 if one is out of date

The cell installs d2lmini from the public repository when it is missing (Colab)
and leaves a local install alone, then shows figures as SVG
(``d2lmini.use_svg_display``). It is tagged remove-cell: the HTML book does not
show it. In the .ipynb only the cell's source and tags change (its outputs are
empty: locally the import succeeds), so the notebook need not be executed again
(unless the line that follows the import changed what figures look like).
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import jupytext
import nbformat
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
EXERCISES = ROOT / "exercises"
TAGS = ["remove-cell"]


def repository(config: pathlib.Path = ROOT / "_config.yml") -> tuple[str, str]:
    """``(url, branch)`` of the public repository, as _config.yml states it."""
    repo = yaml.safe_load(config.read_text(encoding="utf-8"))["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def install_cell_source(url: str, branch: str) -> str:
    return (
        "# Colab: install the course package d2lmini when it is missing "
        "(a local install is left alone)\n"
        "try:\n"
        "    import d2lmini\n"
        "except ImportError:\n"
        f'    %pip install -q "d2lmini[widgets] @ git+{url}@{branch}"\n'
        "    import d2lmini\nd2lmini.use_svg_display()  # "
        "vector figures: sharp on any screen and at any zoom"
    )


def first_code_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.cell_type == "code":
            return cell
    raise ValueError("the chapter has no code cell")


def _update(cell: nbformat.NotebookNode, source: str) -> bool:
    changed = cell.source != source or cell.metadata.get("tags") != TAGS
    cell.source = source
    cell.metadata["tags"] = list(TAGS)
    return changed


def sync(md: pathlib.Path, source: str, check: bool = False) -> list[pathlib.Path]:
    """Update the chapter and its .ipynb; return the files that were (or would be)
    changed."""
    changed = []
    nb = jupytext.read(md)
    if _update(first_code_cell(nb), source):
        changed.append(md)
        if not check:
            jupytext.write(nb, md, fmt="md:myst")
    ipynb = md.with_suffix(".ipynb")
    if ipynb.exists():
        nb = nbformat.read(ipynb, as_version=4)
        if _update(first_code_cell(nb), source):
            changed.append(ipynb)
            if not check:
                nbformat.write(nb, ipynb)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only report, change nothing"
    )
    args = parser.parse_args(argv)
    source = install_cell_source(*repository())
    mds = sorted(CHAPTERS.glob("9_*.md")) + sorted(EXERCISES.glob("9_*.md"))
    changed = [p for md in mds for p in sync(md, source, args.check)]
    for path in changed:
        print(f"{'out of date' if args.check else 'updated'}: {path.relative_to(ROOT)}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
