"""The style sheet (../shared/style/korean-english.md)
holds in every chapter and exercise page.

Korean cells use none of the forms the sheet rules out ("훈련" → "학습",
italic Hangul, "~나요?" …) and English cells have no British spellings.
The rules live in one place, the shared lint (../shared/style/lint.py,
beside the checkout as in CI); without it the test skips.
"""

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LINT = ROOT.parent / "shared" / "style" / "lint.py"
PAGES = sorted(ROOT.glob("chapters/9_*.md")) + sorted(ROOT.glob("exercises/**/*.md"))


def load_lint():
    if not LINT.is_file():
        pytest.skip(f"the shared style lint is not beside the checkout ({LINT})")
    spec = importlib.util.spec_from_file_location("style_lint", LINT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lint():
    return load_lint()


def test_there_are_pages_to_check():
    assert PAGES, "no chapters/9_*.md"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_page_follows_the_style_sheet(lint, page):
    findings = lint.lint(str(page))
    assert not findings, "style sheet violations:\n" + "\n".join(findings)


def test_the_lint_catches_what_it_should(lint, tmp_path):
    page = tmp_path / "sample.md"
    page.write_text(
        '+++ {"tags": ["lang-ko"]}\n\n모델을 훈련합니다. *타임머신*을 읽었나요?\n\n'
        '+++ {"tags": ["lang-en"]}\n\nThe model memorised the full stops.\n',
        encoding="utf-8",
    )
    found = "\n".join(lint.lint(str(page)))
    for bad in ("훈련", "*타임머신*", "나요?", "memorised", "full stops"):
        assert bad in found


def korean_strings(path):
    """The Korean string literals of a Python file, adjacent pieces joined
    (an f-string's literal parts count; its placeholders do not)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
            text = "".join(str(p) for p in parts)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if any("\uac00" <= ch <= "\ud7a3" for ch in text):
            found.append((node.lineno, text))
    return found


MODULES = sorted((ROOT / "d2lmini").rglob("*.py"))


@pytest.mark.parametrize(
    "module", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES]
)
def test_package_messages_follow_the_style_sheet(lint, module):
    """The Korean a learner reads in d2lmini's errors, reports and hints uses
    the style sheet's terms and register (the lint's rules for Korean)."""
    import re

    bad = {
        f"{module.name}:{line}: {pattern!r} → {instead}"
        for line, text in korean_strings(module)
        for pattern, instead in lint.KO_NOT.items()
        if re.search(pattern, text)
    }
    assert not bad, "\n".join(sorted(bad))
