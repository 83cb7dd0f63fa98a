"""The tolerant output comparison (tests/nbval_numbers.py)
passes what it should and no more."""

import pathlib
import re
import subprocess
import sys

import nbformat
import pytest

from nbval_numbers import NumericText, cell_rtol, last_digit_unit, texts_agree

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_identical_texts_agree():
    assert texts_agree("loss 2.73, 40 steps\n", "loss 2.73, 40 steps\n")


@pytest.mark.parametrize(
    "stored, computed",
    [
        ("perplexity 7.18", "perplexity 7.19"),  # one unit in the last digit
        ("norm 0.1235", "norm 0.1234"),
        ("-0.0000", "0.0000"),
        ("tensor([1.0000e-05])", "tensor([1.0001e-05])"),
    ],
)
def test_the_last_printed_digit_may_differ(stored, computed):
    assert texts_agree(stored, computed)
    assert NumericText(stored) == computed


@pytest.mark.parametrize(
    "stored, computed",
    [
        ("perplexity 7.18", "perplexity 7.20"),  # two units
        ("270 of 3,278 words", "271 of 3,278 words"),  # integers are exact
        ("loss 2.73", "Loss 2.73"),  # the text is exact
        ("loss 2.73", "loss 2.73 "),
        ("a 1.0 b 2.0", "a 1.0 b"),  # as many numbers
        ("nan", "0.5"),
    ],
)
def test_anything_else_differs(stored, computed):
    assert not texts_agree(stored, computed)
    assert NumericText(stored) != computed


def test_a_cell_tolerance_widens_numbers_and_white_space_only():
    stored = "validation perplexity   7.18 after 100 epochs"
    assert texts_agree(stored, "validation perplexity 7.29 after 100 epochs", rtol=0.03)
    assert not texts_agree(
        stored, "validation perplexity 7.50 after 100 epochs", rtol=0.03
    )
    assert not texts_agree(
        stored, "training perplexity 7.18 after 100 epochs", rtol=0.03
    )
    assert texts_agree("101 steps", "100 steps", rtol=0.03)  # integers too


def test_last_digit_unit():
    assert last_digit_unit("7.18") == pytest.approx(0.01)
    assert last_digit_unit("1.5e-03") == pytest.approx(1e-4)
    assert last_digit_unit("3278") == 0


def test_cell_tolerance_tag():
    assert cell_rtol({"metadata": {"tags": ["nbval-rtol=0.03", "hide-input"]}}) == 0.03
    assert cell_rtol({"metadata": {}}) == 0
    with pytest.raises(ValueError):
        cell_rtol({"metadata": {"tags": ["nbval-rtol=2"]}})


CASES = [  # (stored output of print('perplexity', 7.0 + 0.18), cell tags, passes)
    ("perplexity 7.18\n", (), True),
    ("perplexity 7.17\n", (), True),
    ("perplexity 7.15\n", (), False),
    ("perplexity 7.15\n", ("nbval-rtol=0.01",), True),
]


def _notebook(path, cases):
    """One cell per case: the same code, its stored text and tags."""
    nb = nbformat.v4.new_notebook()
    for i, (stored, tags, _) in enumerate(cases, start=1):
        cell = nbformat.v4.new_code_cell(
            "print('perplexity', 7.0 + 0.18)", execution_count=i
        )
        cell.metadata["tags"] = list(tags)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def test_nbval_uses_the_rule(tmp_path):
    """A real nbval run over a notebook, with this repository's conftest: one
    kernel, one cell per case (nbval reports each cell on its own)."""
    (tmp_path / "conftest.py").write_text(
        (ROOT / "conftest.py")
        .read_text()
        .replace(
            "pathlib.Path(__file__).resolve().parent", f"pathlib.Path({str(ROOT)!r})"
        )
    )
    _notebook(tmp_path / "nb.ipynb", CASES)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-v",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--color=no",
            "nb.ipynb",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    verdicts = dict(re.findall(r"::Cell (\d+) (PASSED|FAILED)", run.stdout))
    for i, (stored, tags, passes) in enumerate(CASES):
        verdict = "PASSED" if passes else "FAILED"
        assert verdicts.get(str(i)) == verdict, (
            stored,
            tags,
            run.stdout[-3000:],
        )
    assert run.returncode == 1  # the one case that must fail
