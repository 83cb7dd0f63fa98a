"""The package's layout: three products in three places, and the habits they share.

* ``d2lmini/`` — what a learner imports (data, models, training, metrics, plotting);
* ``d2lmini/controls/`` — what the book build runs (widgets, precomputed frames, page);
* ``d2lmini/grading/`` — the grader.
"""

import ast
import pathlib
import re
import subprocess
import sys

import d2lmini
import d2lmini.controls
import d2lmini.grading

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "d2lmini"
LEARNER = sorted(PACKAGE.glob("*.py"))
POINTER = re.compile(
    r"(Taught in|Used in|Used by|Raised by|Returned by)[^.]*\b9\.[1-7]"
)


def imported(path):
    """The modules ``path`` imports, relative ones resolved inside d2lmini."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_three_places_and_no_leftovers():
    assert (PACKAGE / "controls" / "__init__.py").is_file()
    assert (PACKAGE / "grading" / "__init__.py").is_file()
    for gone in ("widgets.py", "static_frames.py"):
        assert not (PACKAGE / gone).exists(), gone
    setting = re.search(
        r"^packages = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M
    )
    packages = re.findall(r'"([^"]+)"', setting.group(1))
    found = sorted(
        ".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py")
    )
    assert sorted(packages) == found


def test_the_learners_modules_import_neither_the_book_build_nor_the_grader():
    for path in LEARNER:
        bad = {
            m
            for m in imported(path)
            if m.startswith(("d2lmini.controls", "d2lmini.grading"))
        }
        assert not bad, f"{path.name} imports {sorted(bad)}"
    for path in (PACKAGE / "controls").glob("*.py"):
        assert not any(m.startswith("d2lmini.grading") for m in imported(path)), path
    for path in (PACKAGE / "grading").glob("*.py"):
        assert not any(m.startswith("d2lmini.controls") for m in imported(path)), path


def test_import_d2lmini_loads_neither_subpackage():
    code = (
        "import sys, d2lmini; print(sorted(m for m in sys.modules "
        "if m.startswith(('d2lmini.controls', 'd2lmini.grading', 'ipywidgets'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_ngrams_and_the_trainer_share_the_metrics():
    ngram, training = imported(PACKAGE / "ngram.py"), imported(PACKAGE / "training.py")
    assert "d2lmini.metrics" in ngram and "d2lmini.metrics" in training
    assert not any(m.startswith("d2lmini.training") for m in ngram)
    assert d2lmini.perplexity is d2lmini.metrics.perplexity


def test_no_submodule_is_shadowed_by_a_name_of_its_package():
    for package in (d2lmini, d2lmini.controls, d2lmini.grading):
        folder = pathlib.Path(package.__file__).parent
        for module in folder.glob("*.py"):
            name = module.stem
            value = vars(package).get(name)
            if name != "__init__" and value is not None:
                assert getattr(value, "__name__", "") == f"{package.__name__}.{name}", (
                    f"{package.__name__}.{name} is not the module {module.name}"
                )


def test_every_public_name_says_where_the_book_teaches_it():
    names = [getattr(d2lmini, n) for n in d2lmini.__all__ if n != "hangul"]
    names += [getattr(d2lmini.controls, n) for n in ("controls", "text_generator")]
    names += [d2lmini.grading.check, d2lmini.grading.hint]
    missing = [
        getattr(obj, "__qualname__", obj)
        for obj in names
        if not re.search(
            r"Taught in|Used in|Used by|Raised by|Returned by", obj.__doc__
        )
    ]
    assert not missing
    for obj in names:
        if "Used in every section" not in obj.__doc__:
            assert POINTER.search(obj.__doc__), obj


def test_bilingual_text_puts_korean_first_through_one_helper():
    """No message joins English before Korean by hand (``{en} · {ko}``, an ``en``
    span before a ``ko`` one); the helper itself puts Korean first."""
    english_first = re.compile(
        r"\{[^{}]*\ben\b[^{}]*\}\s*·\s*\{[^{}]*\bko\b|lang-en[^\n]*lang-ko"
    )
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not english_first.search(text), path
    assert d2lmini.bilingual.text("가", "a") == "가 · a"
    assert d2lmini.bilingual.lines("가", "a") == "가\na"
    html = d2lmini.bilingual.html("<가>", "a")
    assert html.index("lang-ko") < html.index("lang-en") and "&lt;가&gt;" in html
