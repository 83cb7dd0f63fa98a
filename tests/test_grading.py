"""The graded exercises: checker, cases, grader, generated notebooks (issue 8).

Unit tests of ``d2lmini.grading``; the fixture folder tests/grading_fixtures/submissions
(full marks, partial, stubs and every hostile kind) is graded into expected.csv;
negative controls earn nothing on any exercise; every message exists in both languages;
the student notebooks are generated from the sources and hold no solution text.
"""

import csv
import doctest
import json
import math
import pathlib
import re
import subprocess
import sys

import jupytext
import nbformat
import pytest
import torch

from d2lmini.grading import EXERCISES, CheckReport, check, rules
from d2lmini.grading.exercises import NOTEBOOKS
from d2lmini.grading.hidden import HIDDEN
from d2lmini.grading.hints import EXPLAIN, HINTS
from d2lmini.grading.messages import MESSAGES
from d2lmini.grading.notebooks import solution_blocks, sources
from d2lmini.grading.runner import run_exercise

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "grading_fixtures"
SOURCES = sources(ROOT / "exercises")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
sys.path.insert(0, str(ROOT / "tools"))
import build_exercises  # noqa: E402 — tools/ is on sys.path from the line above


def cli(*args, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "d2lmini.grading", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


# ---------------------------------------------------------------- the exercise list
def test_list_json_is_the_interface():
    out = cli("list", "--json")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert len(items) >= 21
    for item in items:
        assert list(item) == ["id", "chapter", "function", "points", "notebook", "kind"]
        assert item["kind"] in ("conceptual", "predict", "implementation")
        assert item["id"].startswith(item["chapter"] + "-")
        assert isinstance(item["points"], int) and item["points"] > 0
        assert item["notebook"] == f"exercises/{NOTEBOOKS[item['chapter']]}.ipynb"
        assert (ROOT / item["notebook"]).exists(), item["notebook"]
    for chapter in NOTEBOOKS:
        kinds = [i["kind"] for i in items if i["chapter"] == chapter]
        assert len(kinds) >= 3, chapter
        assert kinds.count("conceptual") >= 2 and kinds.count("predict") >= 1, chapter


def test_every_exercise_has_graded_bilingual_hints():
    for ex in EXERCISES:
        hints = HINTS[ex.id]
        assert 2 <= len(hints) <= 3, ex.id
        for ko, en in hints:
            assert HANGUL.search(ko) and not HANGUL.search(en), ex.id
        assert len(set(hints)) == len(hints), ex.id
    assert set(HINTS) == {ex.id for ex in EXERCISES}
    for ex in EXERCISES:  # every predict-or-diagnose exercise explains its answer
        if ex.kind == "predict":
            ko, en = EXPLAIN[ex.id]
            assert HANGUL.search(ko) and not HANGUL.search(en), ex.id
    assert set(EXPLAIN) <= {ex.id for ex in EXERCISES}


def test_shown_hints_are_counted_in_either_order_of_languages():
    import d2lmini.grading as grading
    from d2lmini.grading.grader import HINT_SHOWN

    new = repr(grading.hint("9.3-partition", 2))
    old = "9.3-partition · hint 2/3 · 힌트 2/3\n..."  # saved before ko · en everywhere
    for text in (new, old):
        ex_id, n, _total = HINT_SHOWN.search(text).groups()
        assert (ex_id, n) == ("9.3-partition", "2")


def test_hint_shows_the_next_hint_then_the_last_again():
    import d2lmini.grading as grading

    grading._HINTS_SHOWN.pop("9.3-partition", None)
    total = len(HINTS["9.3-partition"])
    shown = [grading.hint("9.3-partition") for _ in range(total + 1)]
    assert [h.n for h in shown] == [*range(1, total + 1), total]
    first = repr(shown[0])
    assert first.startswith(f"9.3-partition · 힌트 1/{total} · hint 1/{total}\n")
    assert (
        HINTS["9.3-partition"][0][1] in first and HINTS["9.3-partition"][0][0] in first
    )
    assert "마지막 힌트입니다 · that was the last hint" in repr(shown[-1])
    page = shown[1]._repr_html_()
    assert 'class="lang-ko"' in page and 'class="lang-en"' in page
    assert "hint 2/" in repr(grading.hint("9.3-partition", 2))
    assert "unknown exercise" in repr(grading.hint("9.9-nothing"))


def test_check_output_holds_the_hints_and_explains_a_wrong_prediction():
    def stub(*args):
        raise NotImplementedError

    page = check("9.3-predict-perplexity", stub)._repr_html_()
    assert page.count("<details") == 1 + len(HINTS["9.3-predict-perplexity"])
    assert 'class="lang-ko"' in page and 'class="lang-sep"' in page
    assert EXPLAIN["9.3-predict-perplexity"][1] not in page  # not tried yet
    arithmetic = check("9.3-predict-perplexity", lambda p1, p2, f: 1 / (f * p1 + p2))
    text = repr(arithmetic)
    assert "Why: " + EXPLAIN["9.3-predict-perplexity"][1] in text
    assert "왜 그런가: " + EXPLAIN["9.3-predict-perplexity"][0] in text
    assert 'hint("9.3-predict-perplexity")' in text
    right = check("9.3-predict-perplexity", lambda p1, p2, f: p1**-f * p2 ** (f - 1))
    assert right.score == 2 and "Why:" not in repr(right)


def test_hints_never_hold_a_solution_line():
    lines = set().union(*(solution_lines(md) for md in SOURCES))
    texts = [t for hints in HINTS.values() for pair in hints for t in pair]
    for line in lines:
        assert not any(line in t for t in texts), line


def test_randomized_truncation_is_unbiased_over_all_patterns():
    """9.7-randomized-estimate: the mean over every ξ pattern, weighted by its
    probability, is the full gradient (9.7.1.5), for each public and hidden input."""
    import itertools

    from d2lmini.grading.exercises import randomized_estimate, truncated_grad

    for w, h0, xs in [(0.5, 1.0, [1.0, 2.0, 0.5, -1.0]), (-0.6, 2.0, [0.5, 1.5, -1.0])]:
        for pi in (0.3, 0.8):
            mean = 0.0
            for keep in itertools.product([False, True], repeat=len(xs)):
                prob = math.prod(pi if k else 1 - pi for k in keep)
                xi = [1 / pi if k else 0.0 for k in keep]
                mean += prob * randomized_estimate(w, h0, xs, xi)
            assert math.isclose(mean, truncated_grad(w, h0, xs, len(xs)), rel_tol=1e-9)


def test_the_non_normal_case_grows_before_it_vanishes():
    """The public matrix of 9.7-jacobian-norms and 9.7-gradient-fate: ‖W‖₂ > 1 and
    growth over several steps, yet spectral radius < 1 (the trap of the exercise)."""
    from d2lmini.grading.exercises import _NONNORMAL, gradient_fate, jacobian_norms

    norms, first = jacobian_norms(_NONNORMAL, 30)
    assert norms[0] > 1 and norms[2] > norms[0] and first > 10
    assert gradient_fate(_NONNORMAL) == "vanishes"


def test_one_unit_grad_oracle_agrees_with_the_forward_recursion():
    """9.7-one-unit-grad: the oracle (autograd in float64) agrees, on every public and
    hidden case, with the reference solution (dx_t/dw and dx_t/db carried forward) to
    rel 1e-9, and off the cliff with central differences; T = 0 gives
    ((x0 - target)², 0, 0); the chapter's start (4.5, -5) has the gradient norm 9.7.3.2
    quotes (about 11.7) and the cliff case a norm over 100 times larger."""
    ex = next(e for e in EXERCISES if e.id == "9.7-one-unit-grad")
    _, namespace = solution_namespace(ROOT / "exercises" / "9_7_bptt.md")
    solution = namespace["one_unit_grad"]
    for case in ex.cases + HIDDEN[ex.id]:
        args, kwargs = case.make()
        want, got = ex.oracle(*args, **kwargs), solution(*args, **kwargs)
        assert all(isinstance(v, float) for v in want), case.name
        for e, g in zip(want, got):
            assert math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-12), (
                case.name,
                want,
                got,
            )
        if "on the cliff" in case.name:
            continue
        w, b, *rest = args
        h = 1e-6
        fd = (
            (solution(w + h, b, *rest)[0] - solution(w - h, b, *rest)[0]) / (2 * h),
            (solution(w, b + h, *rest)[0] - solution(w, b - h, *rest)[0]) / (2 * h),
        )
        for e, g in zip(want[1:], fd):
            assert math.isclose(g, e, rel_tol=1e-5, abs_tol=1e-8), (case.name, want, fd)
    assert ex.oracle(4.5, -5.0, 1.5, 0, 0.7) == pytest.approx((0.64, 0.0, 0.0))
    start = math.hypot(*ex.oracle(4.5, -5.0)[1:])
    cliff = math.hypot(*ex.oracle(4.6, -2.364)[1:])
    assert round(start, 1) == 11.7 and cliff > 100 * start, (start, cliff)


def test_sequential_windows_are_the_loaders_streams():
    """9.5-sequential-windows: on every public and hidden case, d2lmini.SequentialLoader
    with the case's offset yields the first len(loader) windows of the oracle (all of
    them at offset num_steps - 1); row b of window i + 1 continues row b of window i;
    the public example has L = 9 and three windows."""
    from d2lmini import SequentialLoader

    ex = next(e for e in EXERCISES if e.id == "9.5-sequential-windows")
    for case in ex.cases + HIDDEN[ex.id]:
        (tokens, batch_size, num_steps, offset), _ = case.make()
        want = ex.oracle(tokens, batch_size, num_steps, offset)
        loader = SequentialLoader(tokens, batch_size, num_steps, offset=offset)
        got = list(loader)
        assert 0 < len(got) <= len(want), case.name
        if offset == num_steps - 1:
            assert len(got) == len(want), case.name
        for (X, Y), (X0, Y0) in zip(got, want):
            assert torch.equal(X, X0) and torch.equal(Y, Y0), case.name
        for (_, Y1), (X2, _) in zip(want, want[1:]):
            assert torch.equal(X2[:, 0], Y1[:, -1]), case.name
        L = (len(tokens) - offset - 1) // batch_size
        assert len(want) == L // num_steps, case.name
    first = ex.oracle(list(range(20)), 2, 3, 1)
    assert len(first) == 3 and first[0][0].tolist() == [[1, 2, 3], [10, 11, 12]]
    counts = [len(ex.oracle(*case.make()[0])) for case in HIDDEN[ex.id]]
    loader = SequentialLoader(*HIDDEN[ex.id][1].make()[0][:3])  # fewer: offset 2's
    assert len(loader) < counts[1]

    def via_loader(tokens, batch_size, num_steps, offset):
        return list(SequentialLoader(tokens, batch_size, num_steps, offset=offset))

    report = repr(check(ex.id, via_loader))
    assert "cut the windows yourself" in report and "창은 직접 잘라야" in report
    source = "import d2lmini\ndef f(t):\n    return d2lmini.SequentialLoader(t, 1, 1)"
    assert rules.static_violation([source], "f", "loader") == "SequentialLoader"


def test_interpolated_bits_oracle_is_the_tool_of_9_5_7():
    """9.5-interpolated-bits: the oracle (NGramLM counts) agrees on every case with
    tools/rnn_vs_ngram.py's interpolated_bits, which 9.5.7 plots, and with the reference
    solution; a huge eps gives log2 |V| (the uniform model)."""
    import rnn_vs_ngram
    from d2lmini import NGramLM

    ex = next(e for e in EXERCISES if e.id == "9.5-interpolated-bits")
    _, namespace = solution_namespace(ROOT / "exercises" / "9_5_rnn_scratch.md")
    solution = namespace["interpolated_bits"]
    for case in ex.cases + HIDDEN[ex.id]:
        (train, val, n, eps, V), _ = case.make()
        tables = [NGramLM(train, m, V) for m in range(1, n + 1)]
        C, D = rnn_vs_ngram.count_lookups(tables, list(val), n - 1, len(val))
        tool = rnn_vs_ngram.interpolated_bits(C, D, n, eps, V)
        want = ex.oracle(train, val, n, eps, V)
        assert math.isclose(want, tool, rel_tol=1e-12), case.name
        assert math.isclose(solution(train, val, n, eps, V), want, rel_tol=1e-12)
    uniform = ex.oracle([0, 1, 2, 0, 1], [2, 1, 0], 2, 1e12, 5)
    assert math.isclose(uniform, math.log2(5), rel_tol=1e-9)


def test_memory_curve_oracle_agrees_with_autograd():
    """9.7-memory-curve: on the generated tanh runs the oracle's norms are those of the
    Jacobians ∂h_T/∂h_(T-k) computed by torch.autograd in float64, below σ_max(W)^k; the
    public case's norms do not shrink at every step (the question of the exercise), and
    a product in the wrong order or with W transposed gives other norms."""
    from d2lmini.grading.exercises import _tanh_run

    ex = next(e for e in EXERCISES if e.id == "9.7-memory-curve")
    runs = [(4, 10, 41, 1.5, 1.0), (6, 20, 139, 3.0, 3.0), (5, 30, 140, 0.5, 1.0)]
    for h, T, seed, scale, input_scale in runs:
        W, a, hs = _tanh_run(h, T, seed, scale, input_scale, with_inputs=True)
        norms, _ = ex.oracle(W, hs, 0.0)
        sigma = float(torch.linalg.matrix_norm(W, ord=2))
        for k in (1, 2, T // 2, T):

            def h_T(h_start, k=k, a=a, W=W, T=T):
                for a_t in a[T - k :]:
                    h_start = torch.tanh(a_t + W @ h_start)
                return h_start

            start = hs[T - k - 1] if k < T else torch.zeros(h, dtype=torch.float64)
            J = torch.autograd.functional.jacobian(h_T, start)
            auto = float(torch.linalg.matrix_norm(J, ord=2))
            assert math.isclose(float(norms[k]), auto, rel_tol=1e-9, abs_tol=1e-300)
            assert float(norms[k]) <= sigma**k * (1 + 1e-9)
    (W, hs, threshold), _ = ex.cases[0].make()
    norms, horizon = ex.oracle(W, hs, threshold)
    assert norms[2] > norms[1] and horizon == 5
    wrong_order = transposed = torch.eye(4, dtype=torch.float64)
    for k in range(1, 4):
        D = torch.diag(1 - hs[-k].double() ** 2)
        wrong_order = D @ W.double() @ wrong_order
        transposed = transposed @ D @ W.double().T
    for other in (wrong_order, transposed):
        assert not math.isclose(torch.linalg.matrix_norm(other, ord=2), norms[3])


def test_gradebook_counts_hints_shown_never_their_text(tmp_path):
    from d2lmini.grading.grader import hints_used

    path = FIXTURES / "submissions" / "hints_used.ipynb"
    assert hints_used(path, "9.3") == {"9.3-partition": 1, "9.3-perplexity": 2}
    assert hints_used(path, "9.5") == {}  # only the notebook's own chapter counts
    bad = tmp_path / "bad.ipynb"
    bad.write_text('{"cells": [{"outputs": 3}]}', encoding="utf-8")
    assert hints_used(bad, "9.3") == {}
    rows = read_csv(FIXTURES / "expected.csv")
    row = dict(zip(rows[0], next(r for r in rows if r[0] == "hints_used.ipynb")))
    assert row["hints"] == "3"
    assert row["hints_by_exercise"] == "9.3-partition: 1; 9.3-perplexity: 2"
    for hints in HINTS.values():  # the gradebook holds numbers, not hint text
        assert not any(en in json.dumps(rows) for _, en in hints)


def test_every_message_is_bilingual():
    for key, (ko, en) in MESSAGES.items():
        assert ko and HANGUL.search(ko), key
        assert en and not HANGUL.search(en), key


# ---------------------------------------------------------------- cases and controls
def zeros_like(value):
    """The negative control "zeros of the right shape" for a result like ``value``."""
    if isinstance(value, torch.Tensor):
        return torch.zeros_like(value)
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return type(value)(0)
    if isinstance(value, str):
        return ""
    if isinstance(value, (list, tuple)):
        return type(value)(zeros_like(v) for v in value)
    if isinstance(value, dict):
        return {k: zeros_like(v) for k, v in value.items()}
    return None


def controls(ex):
    def identity(*args, **kwargs):
        return args[0]

    def zeros(*args, **kwargs):
        return zeros_like(ex.oracle(*args, **kwargs))

    def raises(*args, **kwargs):
        raise ValueError("negative control")

    return {
        "identity": identity,
        "constant 0": lambda *a, **k: 0,
        "constant 1": lambda *a, **k: 1.0,
        "None": lambda *a, **k: None,
        "zeros": zeros,
        "raises": raises,
    }


@pytest.mark.parametrize("ex", EXERCISES, ids=[e.id for e in EXERCISES])
def test_oracle_passes_every_case_and_controls_earn_nothing(ex):
    hidden = HIDDEN[ex.id]
    assert len(ex.cases) >= 1 and len(hidden) >= 2
    full = run_exercise(ex.oracle, ex, ex.cases, 10, hidden, enforce_rules=False)
    assert full.score == ex.points, [c for c in full.cases if not c.ok]
    for name, fn in controls(ex).items():
        result = run_exercise(fn, ex, ex.cases, 10, hidden)
        assert result.passed == 0 and result.score == 0, (name, result.cases)


def test_jamo_cases_match_the_chapter_and_are_shown_as_code_points():
    """The oracle is d2lmini.hangul.decompose (9.2.6) on every case; NFD of the whole
    text is not (it splits é too); a wrong result shows the jamo escaped."""
    import unicodedata

    from d2lmini import hangul

    ex = next(e for e in EXERCISES if e.id == "9.2-jamo")
    texts = [case.make()[0][0] for case in ex.cases + HIDDEN[ex.id]]
    assert all(ex.oracle(t) == hangul.decompose(t) for t in texts)
    assert ex.oracle("한국") == "\u1112\u1161\u11ab\u1100\u116e\u11a8"
    assert any(unicodedata.normalize("NFD", t) != ex.oracle(t) for t in texts)
    report = repr(check(ex.id, lambda text: text))
    assert "expected '\\u1112\\u1161\\u11ab\\u1100\\u116e\\u11a8', got '한국'" in report


# ---------------------------------------------------------------- check()
def test_check_reports_a_correct_function():
    def perplexity(log_probs):
        return math.exp(-float(torch.as_tensor(log_probs).double().mean()))

    report = check("9.3-perplexity", perplexity)
    assert isinstance(report, CheckReport) and report.score == 2
    text, html = repr(report), report._repr_html_()
    assert "✓" in text and "✗" not in text
    assert "more cases run at grading time" in text and "공개되지 않은 사례" in text
    assert "<table>" in html and "✓" in html and "통과" in html


def test_check_of_a_stub_says_not_implemented():
    def perplexity(log_probs):
        raise NotImplementedError("your code here")

    report = check("9.3-perplexity", perplexity)
    assert report.score == 0
    assert "아직 구현하지 않았습니다 · not implemented yet" in repr(report)
    assert "Traceback" not in repr(report)


def test_check_shows_an_error_as_one_line_and_stops_long_cases():
    report = check("9.3-perplexity", lambda lp: {}["missing"])
    assert report.score == 0 and "KeyError: 'missing'" in repr(report)
    assert all("\n" not in c.en for c in report.cases)

    def slow(log_probs):
        while True:
            pass

    report = check("9.3-perplexity", slow, timeout=0.3)
    assert report.score == 0 and "stopped: took longer than 0.3 s" in repr(report)


def test_check_never_raises():
    assert "unknown exercise" in repr(check("9.9-nothing", len))
    assert "is not a function" in repr(check("9.3-perplexity", None))
    report = check("9.3-perplexity", lambda lp: sys.exit(1))
    assert "SystemExit" in repr(report)


def test_check_shows_wrong_values_and_mutation():
    report = check("9.3-perplexity", lambda lp: 3.0)
    assert "기댓값 4, 실제 값 3 · expected 4, got 3" in repr(report)

    def clip_in_place(grads, max_norm):
        for g in grads:
            g.mul_(0.5)
        return grads, 1.0

    report = check("9.5-clip-global-norm", clip_in_place)
    assert "changed its input" in repr(report) and "입력" in repr(report)


# ---------------------------------------------------------------- notebooks
@pytest.mark.parametrize("md", SOURCES, ids=[p.stem for p in SOURCES])
def test_student_and_solution_notebooks_are_up_to_date(md):
    assert not build_exercises.out_of_date(md), (
        "run `python tools/build_exercises.py` after editing the source"
    )


@pytest.mark.parametrize("md", SOURCES, ids=[p.stem for p in SOURCES])
def test_source_format(md):
    chapter = next(c for c, stem in NOTEBOOKS.items() if stem == md.stem)
    nb = jupytext.read(md)
    checks = [
        c.source
        for c in nb.cells
        if c.cell_type == "code" and "check(" in c.source and "import" not in c.source
    ]
    ids = [re.match(r'check\("([^"]+)", (\w+)\)$', s.strip()).groups() for s in checks]
    expected = [(ex.id, ex.function) for ex in EXERCISES if ex.chapter == chapter]
    assert ids == expected
    blocks = solution_blocks(md.read_text(encoding="utf-8"))
    assert len(blocks) == len(expected)
    langs = [
        tuple(c.metadata.get("tags", [])) for c in nb.cells if c.cell_type == "markdown"
    ]
    assert langs.count(("lang-ko",)) == langs.count(("lang-en",)) >= len(expected) + 1


def solution_namespace(md):
    nb = build_exercises.build(md, solution=True)
    namespace = {}
    for cell in nb.cells:
        if (
            cell.cell_type == "code"
            and "%pip" not in cell.source
            and not cell.source.startswith("check(")
        ):
            exec(compile(cell.source, str(md), "exec"), namespace)
    return nb, namespace


@pytest.mark.parametrize("md", SOURCES, ids=[p.stem for p in SOURCES])
def test_worked_examples_hold_for_the_solutions(md):
    nb, namespace = solution_namespace(md)
    examples = {}
    for cell in nb.cells:
        tag = tuple(cell.metadata.get("tags", []))
        if cell.cell_type == "markdown" and tag in (("lang-ko",), ("lang-en",)):
            examples.setdefault(tag, []).extend(
                re.findall(r"```python\n(.*?)```", cell.source, re.S)
            )
    assert examples[("lang-ko",)] == examples[("lang-en",)]
    assert len(examples[("lang-en",)]) >= 3
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(verbose=False)
    for i, text in enumerate(examples[("lang-en",)]):
        test = parser.get_doctest(text, dict(namespace), f"{md.stem}[{i}]", str(md), 0)
        result = runner.run(test, out=lambda s: pytest.fail(s))
        assert result.failed == 0


def solution_lines(md):
    """Lines of the reference solutions specific
    enough to be a leak if seen elsewhere."""
    return {
        line.strip()
        for block in solution_blocks(md.read_text(encoding="utf-8"))
        for line in block.splitlines()
        if len(line.strip()) >= 16
    }


@pytest.mark.parametrize("md", SOURCES, ids=[p.stem for p in SOURCES])
def test_no_solution_text_in_student_notebook_or_built_book(md):
    lines = solution_lines(md)
    assert lines
    student = nbformat.read(ROOT / "exercises" / f"{md.stem}.ipynb", as_version=4)
    text = "\n".join(
        [c.source for c in student.cells]
        + [
            json.dumps(o, ensure_ascii=False)
            for c in student.cells
            for o in c.get("outputs", [])
        ]
    )
    for line in lines:
        assert line not in text, f"solution line in the student notebook: {line}"
    page = ROOT / "_build" / "html" / "exercises" / f"{md.stem}.html"
    if page.exists():  # the book is built by tests/test_browser.py and `make book`
        import html as html_module

        shown = html_module.unescape(
            re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
        )
        for line in lines:
            assert line not in shown, f"solution line in the built book: {line}"


def test_student_notebooks_show_not_implemented():
    for md in SOURCES:
        nb = nbformat.read(ROOT / "exercises" / f"{md.stem}.ipynb", as_version=4)
        shown = [
            o
            for c in nb.cells
            if c.cell_type == "code" and c.source.startswith("check(")
            for o in c.outputs
        ]
        assert shown and all(
            "아직 구현하지 않았습니다 · not implemented yet" in o["data"]["text/plain"]
            for o in shown
        ), md.stem
        assert nb.metadata["d2lmini"]["chapter"] == md.stem[:3].replace("_", ".")


# ---------------------------------------------------------------- the grader
NO_SANDBOX = (" [graded without an OS sandbox]", " [OS 샌드박스 없이 채점했습니다]")


def without_sandbox_note(text):
    """A status as it reads with or without an OS sandbox (where bwrap is missing)."""
    for note in NO_SANDBOX:
        text = text.removesuffix(note)
    return text


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [[without_sandbox_note(cell) for cell in row] for row in csv.reader(f)]


def test_solutions_command_writes_the_reference_solution_notebooks(tmp_path):
    out = cli("solutions", tmp_path / "solutions")
    assert out.returncode == 0, out.stderr
    written = sorted(p.name for p in (tmp_path / "solutions").glob("*.ipynb"))
    assert written == sorted(f"{stem}.ipynb" for stem in NOTEBOOKS.values())
    for path in (tmp_path / "solutions").glob("*.ipynb"):
        written = nbformat.read(path, as_version=4)
        assert "d2lmini" in written.metadata
        built = build_exercises.build(
            ROOT / "exercises" / f"{path.stem}.md", solution=True
        )
        assert [c.source for c in written.cells] == [c.source for c in built.cells]
    # tests/test_red_team.py grades these same
    # notebooks (with private cases): full marks


def test_grading_the_fixture_folder_gives_the_expected_gradebook(tmp_path):
    out = tmp_path / "gradebook.csv"
    result = cli(
        "grade",
        FIXTURES / "submissions",
        "--out",
        out,
        "--jobs",
        "2",
        "--timeout",
        "6",
        "--hints",
    )
    assert result.returncode == 0, result.stderr
    assert "채점 · grading" in result.stderr  # the progress bar
    got, expected = read_csv(out), read_csv(FIXTURES / "expected.csv")
    assert got[0] == [
        "submission",
        *[ex.id for ex in EXERCISES],
        "total",
        "max",
        "hints",
        "hints_by_exercise",
        "status",
        "status_ko",
    ]
    assert got == expected
    for row in got[
        1:
    ]:  # status_ko says the same in Korean (exception texts stay as raised)
        assert (row[-2] == "ok") == (row[-1] == "정상")
        assert row[-2] == "ok" or re.search("[가-힣]", row[-1]) or "Error" in row[-1], (
            row
        )
    assert not list(tmp_path.glob(".gradebook.csv.*"))  # no temporary file left


def test_grade_refuses_a_missing_folder(tmp_path):
    from d2lmini.grading.__main__ import main

    assert (
        main(["grade", str(tmp_path / "nothing"), "--out", str(tmp_path / "gb.csv")])
        == 2
    )
    assert not (tmp_path / "gb.csv").exists()


@pytest.mark.parametrize("md", SOURCES, ids=[p.stem for p in SOURCES])
def test_first_code_cell_installs_d2lmini_like_the_chapters(md):
    import sync_install_cell

    nb = jupytext.read(md)
    first = sync_install_cell.first_code_cell(nb)
    assert first.source == sync_install_cell.install_cell_source(
        *sync_install_cell.repository()
    )
    assert first.metadata.get("tags") == sync_install_cell.TAGS


def test_gradebook_messages_survive_forged_events():
    """A submission can write events of its own: a malformed message shows as text."""
    from d2lmini.grading.messages import message_of

    assert message_of(["missing_function", {"name": "f"}]) == (
        "f 함수가 없습니다",
        "missing function f",
    )
    assert message_of(
        ["function_problem", {"name": "f", "detail": ["mutated_input", {}]}]
    ) == ("f 함수: 입력을 바꾸었습니다", "f: mutated its input")
    for forged in (
        ["no_such_key", {}],
        ["missing_function", {}],
        "text",
        42,
        [1, 2, 3],
        ["function_problem", {"name": "f", "detail": {"ko": 1}}],
    ):
        ko, en = message_of(forged)
        assert ko == en and len(en) <= 200


def test_time_limit_without_sigalrm_uses_a_watchdog_thread(monkeypatch):
    """Windows has no SIGALRM: a timer thread stops a runaway case there too."""
    import time

    from d2lmini.grading import runner

    monkeypatch.setattr(runner, "HAS_ALARM", False)
    start = time.perf_counter()
    with pytest.raises(runner.CaseTimeout):
        with runner.time_limit(0.3):
            while time.perf_counter() - start < 10:  # bounded: a broken watchdog fails
                pass
    assert time.perf_counter() - start < 5
    with runner.time_limit(
        5
    ):  # a quick block is left alone, and no interrupt comes later
        total = sum(range(1000))
    time.sleep(0.2)
    assert total == 499500
    with pytest.raises(KeyboardInterrupt):  # the reader's own interrupt stays one
        with runner.time_limit(5):
            raise KeyboardInterrupt


WATCHDOG_WITH_SIGINT_IGNORED = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)     # as under `nohup make test &`
from d2lmini.grading import runner
runner.HAS_ALARM = False
start = time.perf_counter()
try:
    with runner.time_limit(0.3):
        while time.perf_counter() - start < 10:
            pass
except runner.CaseTimeout:
    pass
else:
    sys.exit("the watchdog did not stop the loop")
assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN, "handler not restored"
print(f"stopped after {time.perf_counter() - start:.2f} s")
"""


def test_watchdog_stops_a_loop_when_sigint_is_ignored():
    """``interrupt_main`` respects an ignored SIGINT: the watchdog must still fire."""
    out = subprocess.run(
        [sys.executable, "-c", WATCHDOG_WITH_SIGINT_IGNORED],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.split()[2]) < 5
