"""Generate the exercise notebooks from their sources exercises/9_N_name.md.

    python tools/build_exercises.py           # every source, executed
    python tools/build_exercises.py exercises/9_3_language_models.md
    python tools/build_exercises.py --check   # exit 1 if a notebook is out of date

For each source (a MyST notebook with reference solutions between `# BEGIN SOLUTION` and
`# END SOLUTION`), write and execute
  exercises/9_N_name.ipynb            the student notebook (solutions replaced by stubs;
                                      its check cells show "not implemented"),
                                      committed for Colab, Binder and the book;
  exercises/solutions/9_N_name.ipynb  the reference solutions (nbval runs them
                                      strictly).
Both carry {"d2lmini": {"chapter": "9.N"}} in their metadata, which the grader reads.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
import sync_notebooks  # noqa: E402 — a script: tools/ and the checkout on sys.path
from d2lmini.grading.notebooks import build, sources  # noqa: E402 — likewise

EXERCISES = ROOT / "exercises"
SOLUTIONS = EXERCISES / "solutions"


def targets(md: pathlib.Path) -> dict[pathlib.Path, bool]:
    """``{notebook path: is the solution notebook}`` of one source."""
    return {EXERCISES / f"{md.stem}.ipynb": False, SOLUTIONS / f"{md.stem}.ipynb": True}


def cell_sources(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def out_of_date(md: pathlib.Path) -> list[pathlib.Path]:
    """The notebooks of ``md`` whose cells differ from what the source generates."""
    stale = []
    for path, solution in targets(md).items():
        if not path.exists():
            stale.append(path)
            continue
        nb = nbformat.read(path, as_version=4)
        fresh = build(md, solution=solution)
        if (
            cell_sources(nb) != cell_sources(fresh)
            or nb.metadata.get("d2lmini") != fresh.metadata["d2lmini"]
        ):
            stale.append(path)
    return stale


def execute(nb, stem: str, timeout: int = 300):
    chapter = nb.metadata["d2lmini"]
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(EXERCISES)}},
    )
    client.execute()
    nb = sync_notebooks.strip_volatile(nb, stem)
    nb.metadata["d2lmini"] = chapter
    nb.metadata.pop("jupytext", None)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=pathlib.Path)
    parser.add_argument(
        "--check",
        action="store_true",
        help="only report notebooks that are out of date",
    )
    args = parser.parse_args(argv)
    mds = [p.resolve() for p in args.sources] or sources(EXERCISES)
    if args.check:
        stale = [p for md in mds for p in out_of_date(md)]
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date: run tools/build_exercises.py")
        return 1 if stale else 0
    sync_notebooks.kernel_env()
    SOLUTIONS.mkdir(exist_ok=True)
    for md in mds:
        for path, solution in targets(md).items():
            start = time.perf_counter()
            nb = execute(build(md, solution=solution), md.stem)
            nbformat.validate(nb)
            nbformat.write(nb, path)
            print(
                f"{path.relative_to(ROOT)}: executed in "
                f"{time.perf_counter() - start:.1f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
