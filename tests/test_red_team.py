"""A grader that no submission can fool (issue 16).

One grading run (module fixture) holds every red-team notebook of tests/red_team (a
student notebook plus a cheat), the released solutions, the stubs and a submission that
memorized the public and hidden answers, with an instructor's private case file. Every
cheat scores 0 with a status that says why, in English and Korean; the solutions earn
full marks; the case file and the gradebook stay untouched. Where bubblewrap works, a
few cheats that the sandbox stops run once more without it, to show that the in-process
guard stops them too.
"""

import csv
import json
import pathlib
import re
import subprocess
import sys

import nbformat
import pytest
import torch

from d2lmini.grading import EXERCISES, cases, check, rules, sandbox, wire
from d2lmini.grading.__main__ import main
from d2lmini.grading.exercises import NOTEBOOKS
from d2lmini.grading.notebooks import build, sources

ROOT = pathlib.Path(__file__).resolve().parent.parent
RED_TEAM = ROOT / "tests" / "red_team"
sys.path.insert(0, str(RED_TEAM))
import make_red_team  # noqa: E402 — tests/red_team/ is on sys.path from above

HANGUL = re.compile(r"[\uac00-\ud7a3]")
NO_SANDBOX_NOTE = " [graded without an OS sandbox]"
PRIVATE_CASES = {
    "format": "d2lmini-cases/1",
    "cases": {
        "9.3-perplexity": [
            {
                "name": "two tokens",
                "args": [[-1.0, -2.0]],
                "expected": 4.4816890703380645,
            }
        ],
        "9.5-greedy-decode": [
            {"name": "private V=5", "args": [{"toy_step": 5, "seed": 3}, [1, 2], 4]}
        ],
        "9.6-rnnlm-forward": [
            {
                "name": "private modules",
                "args": [
                    {"rnn": [4, 3], "seed": 5},
                    {"linear": [3, 4], "seed": 6},
                    {"randint": [0, 4], "shape": [2, 3], "seed": 7},
                ],
            }
        ],
        "9.7-bptt": [
            {
                "name": "private T=2",
                "args": [
                    {"randn": [2, 2, 3], "seed": 7},
                    {"zeros": [2, 4]},
                    {"randn": [3, 4], "seed": 8, "scale": 0.5},
                    {"randn": [4, 4], "seed": 9, "scale": 0.5},
                    {"randn": [4], "seed": 10, "scale": 0.5},
                    {"randn": [2, 2, 4], "seed": 11},
                ],
            }
        ],
        "9.7-truncated-grad": [
            {
                "name": "private k=2",
                "args": [0.3, 2.0, [1.0, -1.0, 0.5], 2],
                "expected": -0.04,
            }
        ],
    },
}
MEMORIZED = """
_real_perplexity = perplexity

def perplexity(log_probs):          # right on every published input, 0 elsewhere
    if len(log_probs) in (5, 4, 1, 50):
        return _real_perplexity(log_probs)
    return 0.0
"""
WITHOUT_SANDBOX = [
    "source_by_open.ipynb",
    "source_by_ctypes.ipynb",
    "reads_private_cases.ipynb",
    "writes_gradebook.ipynb",
    "reads_solutions.ipynb",
    "inherited_descriptors.ipynb",
]


def grade(folder, out, cases, *extra):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "d2lmini.grading",
            "grade",
            str(folder),
            "--out",
            str(out),
            "--cases",
            str(cases),
            "--jobs",
            "2",
            "--timeout",
            "9",
            "--no-progress",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    with open(out, newline="", encoding="utf-8") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}, result.stderr


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("red_team")
    folder = tmp / "submissions"
    for name in make_red_team.FAMILIES:
        (folder / "cheats").mkdir(parents=True, exist_ok=True)
        saved = RED_TEAM / "submissions" / name
        (folder / "cheats" / name).write_bytes(saved.read_bytes())
    for md in sources(ROOT / "exercises"):
        for kind, solution in (("solutions", True), ("stubs", False)):
            (folder / kind).mkdir(exist_ok=True)
            nbformat.write(
                build(md, solution=solution), folder / kind / f"{md.stem}.ipynb"
            )
    memorized = build(ROOT / "exercises" / "9_3_language_models.md", solution=True)
    memorized.cells.append(nbformat.v4.new_code_cell(MEMORIZED))
    nbformat.write(memorized, folder / "memorized.ipynb")
    cases = tmp / "private" / "cases.json"
    cases.parent.mkdir()
    cases.write_text(json.dumps(PRIVATE_CASES), encoding="utf-8")
    before = cases.read_bytes()
    out = tmp / "out" / "gradebook.csv"
    rows, stderr = grade(folder, out, cases)
    return {
        "rows": rows,
        "stderr": stderr,
        "cases": cases,
        "before": before,
        "tmp": tmp,
        "folder": folder,
        "out": out,
    }


@pytest.mark.parametrize("name", list(make_red_team.FAMILIES))
def test_every_cheat_scores_zero_and_says_why(run, name):
    row = run["rows"][f"cheats/{name}"]
    fragment = make_red_team.FAMILIES[name][2]
    stem = make_red_team.FAMILIES[name][0]
    chapter = next(c for c, n in NOTEBOOKS.items() if n == stem)
    points = sum(ex.points for ex in EXERCISES if ex.chapter == chapter)
    assert row["total"] == "0" and row["max"] == str(points), row
    assert not row["status"].startswith("ok"), row
    assert fragment in row["status"], (fragment, row["status"])
    assert HANGUL.search(row["status_ko"]), row["status_ko"]


def test_released_solutions_earn_full_marks_with_private_cases(run):
    """The notebooks of ``python -m d2lmini.grading solutions`` (tests/test_grading.py
    checks that the command writes exactly these) earn full marks."""
    for stem in NOTEBOOKS.values():
        row = run["rows"][f"solutions/{stem}.ipynb"]
        assert row["status"].removesuffix(NO_SANDBOX_NOTE) == "ok", row
        assert row["total"] == row["max"] != "0", row


def test_stubs_earn_nothing(run):
    for stem in NOTEBOOKS.values():
        row = run["rows"][f"stubs/{stem}.ipynb"]
        assert row["total"] == "0" and "not implemented" in row["status"], row


def test_private_cases_catch_memorized_answers(run):
    """Right on every public and hidden input, wrong on the instructor's own case."""
    row = run["rows"]["memorized.ipynb"]
    others = sum(e.points for e in EXERCISES if e.chapter == "9.3") - 2
    assert row["9.3-perplexity"] == "1.6" and row["total"] == f"{1.6 + others:g}", row
    assert "perplexity: wrong result in 1 of 5 cases" in row["status"], row


def test_case_file_and_gradebook_are_untouched(run):
    assert run["cases"].read_bytes() == run["before"]
    assert len(run["rows"]) == len(make_red_team.FAMILIES) + 2 * len(NOTEBOOKS) + 1
    assert not list(run["tmp"].rglob("gradebook.csv.*"))
    assert not (ROOT / "gradebook.csv").exists()


def test_the_run_says_whether_it_used_a_sandbox(run):
    sandboxed = sandbox.zygote_command()[2]
    notes = [NO_SANDBOX_NOTE in row["status"] for row in run["rows"].values()]
    if sandboxed:
        assert "sandbox: bubblewrap" in run["stderr"] and not any(notes)
    else:
        assert "no OS sandbox" in run["stderr"] and all(notes)


def test_cheats_that_the_sandbox_stops_fail_without_it_too(run, tmp_path):
    if not sandbox.zygote_command()[2]:
        pytest.skip("no sandbox here: the main run already went without one")
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in WITHOUT_SANDBOX:
        (folder / name).write_bytes((run["folder"] / "cheats" / name).read_bytes())
    rows, stderr = grade(folder, tmp_path / "gb.csv", run["cases"], "--no-sandbox")
    assert "warning: no OS sandbox" in stderr
    for name in WITHOUT_SANDBOX:
        assert rows[name]["total"] == "0", rows[name]
        assert rows[name]["status"].endswith(NO_SANDBOX_NOTE), rows[name]
    assert run["cases"].read_bytes() == run["before"]


def test_red_team_notebooks_are_up_to_date():
    """Each saved notebook is a student notebook with its cheat as the last cell (run
    `python tests/red_team/make_red_team.py` after changing a cheat)."""
    for name, (stem, cheat, _) in make_red_team.FAMILIES.items():
        saved = nbformat.read(RED_TEAM / "submissions" / name, as_version=4)
        assert saved.cells[-1].source == cheat.strip("\n"), name
        assert saved.metadata["d2lmini"]["chapter"] == stem[:3].replace("_", "."), name
        assert any("NotImplementedError" in c.source for c in saved.cells), name
    assert len(make_red_team.FAMILIES) >= 15


# ---------------------------------------------------------------- the pieces
def test_wire_carries_data_and_refuses_everything_else():
    value = (
        torch.arange(6.0).reshape(2, 3),
        [1, 2.5, "x", None, True],
        {"a": torch.tensor([1, 2]), 3: (torch.tensor(True),)},
    )
    back = wire.loads(wire.dumps(value))
    assert wire.same(back, value)
    assert back[0].dtype == torch.float32 and back[2][3][0].dtype == torch.bool

    class Liar(torch.Tensor):
        def __eq__(self, other):
            return True

    lying = wire.loads(wire.dumps(torch.zeros(2).as_subclass(Liar)))
    assert isinstance(lying, wire.Opaque) and not lying == 0
    for bad in (
        '{"$": "pickle", "data": "gASVAAAAAAAAAAA="}',
        '{"$": "tensor", "dtype": "object", "shape": [1], "data": ""}',
        '{"$": "tensor", "dtype": "float32", "shape": [3], "data": "AAAA"}',
        '{"$": "module", "kind": "Sequential", "config": {}, "state": {}}',
        "[" * 100 + "]" * 100,
    ):
        with pytest.raises(wire.WireError):
            wire.loads(bad)


def test_static_rules_find_the_forbidden_shortcuts():
    helper = "def helper(x):\n    return torch.autograd.grad(x, [x])\n"
    uses = "def bptt_grads(*args):\n    return helper(args[0])\n"
    honest = "def bptt_grads(*args):\n    grad = 1 - args[0] ** 2\n    return grad\n"
    assert rules.static_violation([helper, uses], "bptt_grads", "autograd") in {
        "grad",
        "autograd",
    }
    assert rules.static_violation([honest], "bptt_grads", "autograd") is None
    outside = "x.backward()\n" + honest  # outside the function: fine
    assert rules.static_violation([outside], "bptt_grads", "autograd") is None
    builds = (
        "def nn_rnn_param_shapes(d, h):\n"
        "    return dict(nn.RNN(d, h).named_parameters())"
    )
    assert rules.static_violation([builds], "nn_rnn_param_shapes", "nn_rnn") == "RNN"
    jamo = "def to_jamo(text):\n    return {}\n"
    for imports, body, found in [
        ("import unicodedata", "unicodedata.normalize('NFD', text)", "normalize"),
        ("from unicodedata import normalize as n", "n('NFD', text)", "normalize"),
        ("from unicodedata import decomposition", "decomposition(text)", "decomp"),
        ("from d2lmini.hangul import decompose", "decompose(text)", "hangul"),
        ("import d2lmini", "d2lmini.hangul.decompose(text)", "hangul"),
        ("from unicodedata import name", "[name(c) for c in text]", None),
    ]:
        cells = [imports, jamo.format(body)]
        got = rules.static_violation(cells, "to_jamo", "jamo")
        assert got == found or (found and got.startswith(found)), body
    honest = jamo.format("(decomposition := text)")  # a variable may have that name
    assert rules.static_violation([honest], "to_jamo", "jamo") is None


def test_check_enforces_the_rules_in_the_notebook_too():
    def bptt_grads(inputs, H0, W_xh, W_hh, b_h, G):
        params = [p.clone().requires_grad_() for p in (W_xh, W_hh, b_h)]
        H = H0
        total = 0
        for X, g in zip(inputs, G):
            H = torch.tanh(X @ params[0] + H @ params[1] + params[2])
            total = total + (H * g).sum()
        return torch.autograd.grad(total, params)

    report = check("9.7-bptt", bptt_grads)
    assert report.score == 0 and "automatic differentiation" in repr(report)
    assert "자동 미분" in repr(report)

    def jacobian_norms(W, steps):  # right values, but float64 where float32 is asked
        powers = [torch.linalg.matrix_power(W.double(), t) for t in range(1, steps + 1)]
        norms = torch.stack([torch.linalg.matrix_norm(P, ord=2) for P in powers])
        return norms, next((t + 1 for t, n in enumerate(norms) if n < 1), None)

    report = check("9.7-jacobian-norms", jacobian_norms)
    assert (
        report.score == 0
        and "expected a tensor of float32, got a tensor of float64" in repr(report)
    )

    def randomized_estimate(w, h0, xs, xi):
        w = torch.tensor(float(w), requires_grad=True)
        h = torch.tensor(float(h0))
        for x in xs:
            h = w * h + x
        return float(torch.autograd.grad(h, w)[0])

    report = check("9.7-randomized-estimate", randomized_estimate)
    assert report.score == 0 and "automatic differentiation" in repr(report)

    import unicodedata

    nfd = unicodedata.normalize  # taken before the call: still noticed

    def to_jamo(text):
        return "".join(nfd("NFD", c) if "\uac00" <= c <= "\ud7a3" else c for c in text)

    report = check("9.2-jamo", to_jamo)
    assert report.score == 0 and "code-point arithmetic" in repr(report)
    assert "코드 포인트의 산술" in repr(report)


def test_a_bad_case_file_is_refused_before_grading(tmp_path, capsys):
    for content, says in (
        ("{", "cannot read it as JSON"),
        ('{"format": "other"}', "d2lmini-cases/1"),
        ('{"format": "d2lmini-cases/1", "cases": {"9.9-x": []}}', "unknown exercise"),
        (
            '{"format": "d2lmini-cases/1", "cases": {"9.3-perplexity": '
            '[{"args": [{"tensor": "x"}]}]}}',
            "case 1",
        ),
        (
            '{"format": "d2lmini-cases/1", "cases": {"9.3-perplexity": '
            '[{"args": ["text"]}]}}',
            "reference implementation fails",
        ),
    ):
        path = tmp_path / "cases.json"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(cases.CasesFileError, match=re.escape(says)):
            cases.load(path)
    assert (
        main(
            [
                "grade",
                str(tmp_path),
                "--out",
                str(tmp_path / "gb.csv"),
                "--cases",
                str(path),
            ]
        )
        == 2
    )
    assert "reference implementation fails" in capsys.readouterr().err
    assert not (tmp_path / "gb.csv").exists()


def test_the_sandbox_hides_oracles_checkout_and_case_file(tmp_path):
    """What a submission's process sees of the files, checked with a shell in the
    sandbox itself (no Python start: cheap)."""
    if not sandbox.zygote_command()[2]:
        pytest.skip("bubblewrap does not work here")
    secret = tmp_path / "cases.json"
    secret.write_text('{"secret": 1}', encoding="utf-8")
    grading = ROOT / "d2lmini" / "grading"
    script = (
        f"wc -c < {grading}/exercises.py; wc -c < {grading}/hidden.py; "
        f"ls {ROOT}/exercises {ROOT}/tests {secret} 2>/dev/null | wc -l; "
        f"ls {grading}/wire.py; touch /usr/x 2>/dev/null || echo read-only; "
        "cat /proc/net/dev 2>/dev/null | grep -c ':' "
    )
    argv = sandbox.bwrap_argv(masked=[secret]) + ["/bin/sh", "-c", script]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    lines = out.stdout.split()
    assert lines[:3] == ["0", "0", "0"], out.stdout + out.stderr  # empty, not there
    assert lines[3].endswith("wire.py") and lines[4] == "read-only", out.stdout
    assert lines[5] == "1", out.stdout  # loopback only


def test_the_sandbox_shows_python_and_package_that_live_under_tmp(monkeypatch):
    """A checkout cloned into /tmp (its .venv too) stays visible: the sandbox's own
    /tmp is laid down before the binds, not over them (it hid them: no sandbox)."""
    venv = "/tmp/some-checkout/.venv/lib"
    monkeypatch.setattr(sandbox, "python_dirs", lambda: [venv])
    argv = sandbox.bwrap_argv() or pytest.skip("bubblewrap is not installed")
    tmp = argv.index("/tmp")
    binds = [i for i, a in enumerate(argv) if a == venv]
    assert argv[tmp - 1] == "--tmpfs" and binds and tmp < min(binds)
