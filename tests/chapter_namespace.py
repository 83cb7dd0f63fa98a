"""Run a chapter's code cells in a plain namespace so tests can drive its controls."""

import os
import pathlib

import jupytext

CHAPTERS = pathlib.Path(__file__).resolve().parent.parent / "chapters"


def chapter_namespace(stem):
    """Execute ``chapters/<stem>.md`` (skipping
    IPython magics) and return its globals."""
    import matplotlib

    matplotlib.use(
        "Agg"
    )  # in this process only: nbval kernels keep their inline backend
    nb = jupytext.read(CHAPTERS / f"{stem}.md")
    namespace = {"__name__": f"chapter_{stem}"}
    cwd = os.getcwd()
    os.chdir(CHAPTERS)
    try:
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            lines = [_without_magic(ln) for ln in cell.source.splitlines()]
            exec(compile("\n".join(lines), f"{stem}.md[cell {i}]", "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace


def _without_magic(line):
    """An IPython magic (``%…``/``!…``) becomes ``pass`` at the same indentation."""
    stripped = line.lstrip()
    if stripped.startswith(("%", "!")):
        return line[: len(line) - len(stripped)] + "pass"
    return line
