"""Write and execute the .ipynb twin of every chapter (the .md is the source of truth).

    python tools/sync_notebooks.py                      # every chapters/9_*.md
    python tools/sync_notebooks.py chapters/9_1_sequences.md
    python tools/sync_notebooks.py --prose chapters/9_1_sequences.md   # text edits only

For each chapter: read the MyST notebook with jupytext, execute it with nbclient
(cwd chapters/), strip what changes from run to run (execution timestamps,
random cell ids, random widget model ids), and save chapters/<name>.ipynb. Run
it after editing a chapter; `make notebooks` does. The tests check that both
files hold the same cells and that the notebook is executed.

``--prose`` copies the markdown cells into the stored notebook without executing it, and
refuses (exit 1) when a code cell's code differs: an edit of the text, of a code
cell's comments or of its metadata (tags, alt text) cannot change an output, so the
stored outputs stay those of the last execution.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import pathlib
import re
import sys
import time
import tokenize

import jupytext
import nbformat
import yaml
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
FORMATS = "ipynb,md:myst"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# cell metadata that records a particular run or a particular front end
VOLATILE_CELL_KEYS = ("execution", "ExecuteTime", "collapsed", "scrolled", "papermill")
# notebook metadata kept in the .ipynb (language_info
# would record the Python patch version)
KEPT_NB_KEYS = ("kernelspec", "jupytext", "widgets")


def toc_pages() -> list[str]:
    """Every page of ``_toc.yml`` in the book's order (sections after their page)."""

    def walk(entries):
        for entry in entries:
            yield entry["file"]
            yield from walk(entry.get("sections", []))

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = [toc] + toc.get("parts", [])
    return [toc["root"], *(f for part in parts for f in walk(part.get("chapters", [])))]


def chapters() -> list[pathlib.Path]:
    return sorted(CHAPTERS.glob("9_*.md"))


def read_chapter(md: pathlib.Path) -> nbformat.NotebookNode:
    """The chapter as a notebook, with the ipynb-side metadata and stable cell ids."""
    nb = jupytext.read(md)
    nb.metadata["jupytext"] = {"formats": FORMATS}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{md.stem}-{i}"
    return nb


def stable_widget_ids(nb: nbformat.NotebookNode, stem: str) -> nbformat.NotebookNode:
    """Replace the random widget model ids by ids derived from the
    chapter and the widgets' place in it: models in the order the
    outputs show them, then the models they refer to. Idempotent
    (the saved state's key order is not used: nbformat sorts it)."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if not state:
        return nb
    shown = [
        out["data"][WIDGET_VIEW]["model_id"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if WIDGET_VIEW in out.get("data", {})
    ]
    order, queue = [], [m for m in shown if m in state]
    while queue:
        model_id = queue.pop(0)
        if model_id in order:
            continue
        order.append(model_id)
        refs = re.findall(
            r"IPY_MODEL_([0-9a-f]{32})", json.dumps(state[model_id], sort_keys=True)
        )
        queue += [r for r in refs if r in state]
    # models no output refers to, by their content
    order += sorted(
        (m for m in state if m not in order),
        key=lambda m: json.dumps(state[m], sort_keys=True),
    )
    stable = {
        m: hashlib.sha1(f"{stem}:widget:{i}".encode()).hexdigest()[:32]
        for i, m in enumerate(order)
    }
    text = re.sub(
        r"[0-9a-f]{32}", lambda m: stable.get(m.group(0), m.group(0)), json.dumps(nb)
    )
    return nbformat.from_dict(json.loads(text))


def merge_streams(outputs: list) -> list:
    """Join consecutive stream outputs of the same stream: how a print is split into
    messages depends on timing, and the stored file must not."""
    merged = []
    for out in outputs:
        if (
            out.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == out.get("name")
        ):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def strip_volatile(nb: nbformat.NotebookNode, stem: str) -> nbformat.NotebookNode:
    """Drop run-specific metadata so that re-running
    an unchanged chapter changes nothing."""
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    for key in list(nb.metadata):
        if key not in KEPT_NB_KEYS:
            del nb.metadata[key]
    return stable_widget_ids(nb, stem)


def kernel_env() -> None:
    """The kernel inherits our environment; it must run like nbval's
    kernels (which get only D2LMINI_DATA from tests/conftest.py): no
    inherited figure backend or display mode."""
    for name in ("MPLBACKEND", "D2LMINI_DISPLAY"):
        os.environ.pop(name, None)


def sync(md: pathlib.Path, timeout: int = 600) -> pathlib.Path:
    nb = read_chapter(md)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(md.parent)}},
    )
    client.execute()
    nb = strip_volatile(nb, md.stem)
    out = md.with_suffix(".ipynb")
    nbformat.validate(nb)
    nbformat.write(nb, out)
    return out


class CodeChanged(Exception):
    """The chapter's code cells differ from the stored notebook's: execute it."""


def without_comments(source: str) -> str | None:
    """The code's tokens without its comments and blank lines (None if it does not
    tokenize, e.g. a line magic): cells with the same tokens print the same."""
    try:
        text = source.strip() + "\n"  # jupytext drops a cell's last newline
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        kept = [
            (t.type, t.string)
            for t in tokens
            if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING)
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return repr(kept)


def sync_prose(md: pathlib.Path) -> pathlib.Path:
    """Copy the markdown cells into the stored .ipynb, keeping every output; a code
    cell may change only in its comments and its metadata (tags, alt text), which
    cannot change what it prints."""
    nb = read_chapter(md)
    out = md.with_suffix(".ipynb")
    stored = nbformat.read(out, as_version=4)
    kinds = [c.cell_type for c in nb.cells]
    if kinds != [c.cell_type for c in stored.cells]:
        raise CodeChanged(f"{md.name}: cells were added, removed or moved")
    for new, old in zip(nb.cells, stored.cells, strict=True):
        if new.cell_type == "code":
            same = new.source == old.source or (
                without_comments(new.source) is not None
                and without_comments(new.source) == without_comments(old.source)
            )
            if not same:
                raise CodeChanged(f"{md.name}: code cell {new['id']} changed")
            old.source, old.metadata = new.source, new.metadata
        else:
            old.source, old.metadata = new.source, new.metadata
            old["id"] = new["id"]
    nbformat.validate(stored)
    nbformat.write(stored, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "chapters",
        nargs="*",
        type=pathlib.Path,
        help="chapter .md files (default: every chapters/9_*.md)",
    )
    parser.add_argument(
        "--prose",
        action="store_true",
        help="copy the markdown cells only; fail if a code cell changed",
    )
    args = parser.parse_args(argv)
    kernel_env()
    for md in [p.resolve() for p in args.chapters] or chapters():
        if args.prose:
            try:
                out = sync_prose(md.with_suffix(".md"))
            except CodeChanged as err:
                print(f"{err}: run without --prose to execute it", file=sys.stderr)
                return 1
            print(f"{out.relative_to(ROOT)}: text updated, outputs kept")
            continue
        start = time.perf_counter()
        out = sync(md.with_suffix(".md"))
        print(
            f"{out.relative_to(ROOT)}: executed in {time.perf_counter() - start:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
