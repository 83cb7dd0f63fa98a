"""The tests of a chapter's claims, run in the kernel that nbval used for the chapter.

A test module that sets ``CHAPTER = "<stem>"`` tests what ``chapters/<stem>.md``
computes, through the ``ns`` fixture (the chapter's globals). Run on its own, the
fixture executes the chapter in the test process (``chapter_namespace``). When the
same session also runs the chapter's notebook under nbval, executing it twice would
double the cost of the most expensive code in the suite (the training runs), so the
root ``conftest.py`` adds one last item to the notebook, ``claims``, that runs those
tests inside nbval's kernel after the last cell, on the globals the notebook left
there, and deselects them from the outer session. A failing claim fails that item,
with the inner pytest's report in its message.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import os
import pathlib

TESTS = pathlib.Path(__file__).resolve().parent
ROOT = TESTS.parent

# set while the inner pytest runs: the chapter and its globals (read by the ns fixture)
KERNEL = {"stem": None, "namespace": None}


@functools.cache
def claims_modules() -> dict[str, tuple[str, ...]]:
    """``{chapter stem: test files}`` for every tests/test_*.py that sets
    ``CHAPTER`` to a string (paths relative to the repository root)."""
    found: dict[str, list[str]] = {}
    for path in sorted(TESTS.glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["CHAPTER"]
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                rel = path.relative_to(ROOT).as_posix()
                found.setdefault(node.value.value, []).append(rel)
    return {stem: tuple(files) for stem, files in found.items()}


def cell_source(stem: str, node_ids: list[str]) -> str:
    """The code the ``claims`` item sends to the kernel."""
    return (
        "# the tests of this chapter's claims, on what the cells above computed\n"
        "import sys\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "import kernel_claims\n"
        f"kernel_claims.run({stem!r}, {node_ids!r}, globals())\n"
    )


def run(stem: str, node_ids: list[str], namespace: dict) -> None:
    """Run the tests ``node_ids`` (pytest node ids) with ``namespace`` as the
    chapter's globals; raise AssertionError with the report when one fails."""
    import matplotlib.pyplot as plt
    import pytest

    plt.close("all")
    plt.switch_backend("Agg")  # as chapter_namespace: no figure goes to the notebook
    KERNEL.update(stem=stem, namespace=namespace)
    cwd = os.getcwd()
    report = io.StringIO()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(report), contextlib.redirect_stderr(report):
            code = pytest.main(
                ["-q", "-p", "no:cacheprovider", "-o", "addopts=", *node_ids]
            )
    finally:
        os.chdir(cwd)
        KERNEL.update(stem=None, namespace=None)
    text = report.getvalue()
    if code != 0:
        raise AssertionError(
            f"the tests of {stem}'s claims failed (pytest exit code {int(code)}):\n"
            + text[-8000:]
        )
    print(text.strip().splitlines()[-1] if text.strip() else "no output")
