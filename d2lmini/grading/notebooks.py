"""Student and solution notebooks from the exercise sources ``exercises/9_N_name.md``.

A source is a MyST notebook. In its code cells, the reference solution of each function
sits between the markers ``# BEGIN SOLUTION`` and ``# END SOLUTION`` (own lines). The
student notebook replaces each such block by ``raise NotImplementedError(...)`` at the
same indentation; the solution notebook keeps the code and drops the marker lines. Both
carry the metadata ``{"d2lmini": {"chapter": "9.N"}}`` that the grader reads.
"""

import pathlib
import re

from .. import bilingual
from .exercises import NOTEBOOKS

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
BLOCK = re.compile(
    r"^([ \t]*)# BEGIN SOLUTION[ \t]*\n.*?^[ \t]*# END SOLUTION[ \t]*$", re.M | re.S
)
TODO = bilingual.text("여기에 코드를 작성하세요", "your code here")
STUB = f'raise NotImplementedError("{TODO}")'
NB_KEYS = ("kernelspec", "language_info")


def chapter_of_source(path):
    stem = pathlib.Path(path).stem
    for chapter, name in NOTEBOOKS.items():
        if name == stem:
            return chapter
    raise ValueError(
        f"{path}: not named like a chapter ({', '.join(NOTEBOOKS.values())})"
    )


def solution_blocks(source):
    """The texts between the markers, in order."""
    return [
        m.group(0).split("\n", 1)[1].rsplit("\n", 1)[0] for m in BLOCK.finditer(source)
    ]


def student_source(source):
    return BLOCK.sub(lambda m: m.group(1) + STUB, source)


def solution_source(source):
    return "\n".join(
        line for line in source.split("\n") if line.strip() not in (BEGIN, END)
    )


def read_source(path):
    """The exercise source as a notebook (jupytext), cells with stable ids."""
    import jupytext

    nb = jupytext.read(path)
    stem = pathlib.Path(path).stem
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{stem}-{i}"
    return nb


def build(path, solution=False):
    """The student (or solution) notebook of one exercise source, not executed."""
    nb = read_source(path)
    for cell in nb.cells:
        if cell.cell_type == "code" and BEGIN in cell.source:
            cell.source = (
                solution_source(cell.source)
                if solution
                else student_source(cell.source)
            )
    for key in list(nb.metadata):
        if key not in NB_KEYS:
            del nb.metadata[key]
    nb.metadata["d2lmini"] = {"chapter": chapter_of_source(path)}
    return nb


def sources(root):
    return sorted(pathlib.Path(root).glob("9_*.md"))
