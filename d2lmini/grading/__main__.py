"""Command line of the grader.

python -m d2lmini.grading list [--json]
python -m d2lmini.grading grade SUBMISSIONS_DIR --out gradebook.csv
    [--jobs N] [--timeout S] [--cases PRIVATE_CASES.json] [--no-sandbox] [--hints]
python -m d2lmini.grading solutions OUTDIR
"""

import argparse
import json
import pathlib
import sys
import time

from .. import bilingual
from . import exercise_list


def _sources_dir():
    from .grader import REPO_EXERCISES

    for candidate in (REPO_EXERCISES, pathlib.Path.cwd() / "exercises"):
        if any(candidate.glob("9_*.md")):
            return candidate
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m d2lmini.grading",
        description=bilingual.text("채점", "Graded exercises of rnn-course"),
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_list = sub.add_parser("list", help="list the exercises")
    p_list.add_argument("--json", action="store_true", help="print a JSON list")
    p_grade = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    p_grade.add_argument("folder", type=pathlib.Path)
    p_grade.add_argument(
        "--out", type=pathlib.Path, default=pathlib.Path("gradebook.csv")
    )
    p_grade.add_argument(
        "--jobs", type=int, default=2, help="submissions graded at once"
    )
    p_grade.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds one submission may run (default 30)",
    )
    p_grade.add_argument("--no-progress", action="store_true", help="no progress bar")
    p_grade.add_argument(
        "--cases",
        type=pathlib.Path,
        default=None,
        help="a JSON file of private cases (see d2lmini/grading/cases.py)",
    )
    p_grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="do not use bubblewrap even where it works",
    )
    p_grade.add_argument(
        "--hints",
        action="store_true",
        help="add columns with the number of hints each notebook shows (hint() "
        "outputs kept in it; never their text)",
    )
    p_sol = sub.add_parser("solutions", help="write the reference-solution notebooks")
    p_sol.add_argument("outdir", type=pathlib.Path)
    args = parser.parse_args(argv)

    if args.command == "list":
        items = exercise_list()
        if args.json:
            print(json.dumps(items, ensure_ascii=False, indent=1))
        else:
            for it in items:
                print(
                    f"{it['id']:<28} {it['function']:<24} "
                    f"{it['points']} pt  {it['notebook']}"
                )
        return 0
    if args.command == "grade":
        if not args.folder.is_dir():
            print(
                bilingual.text(
                    "폴더가 아닙니다", f"error: {args.folder} is not a folder"
                ),
                file=sys.stderr,
            )
            return 2
        from .cases import CasesFileError
        from .grader import GradingError, grade

        start = time.perf_counter()
        try:
            rows = grade(
                args.folder,
                args.out,
                jobs=args.jobs,
                timeout=args.timeout,
                progress=not args.no_progress,
                cases_file=args.cases,
                use_sandbox=not args.no_sandbox,
                record_hints=args.hints,
            )
        except (CasesFileError, GradingError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        took = time.perf_counter() - start
        ok = sum(r["status"].startswith("ok") for r in rows)
        print(
            f"{len(rows)} submissions graded in {took:.1f} s ({ok} ok) → {args.out}",
            file=sys.stderr,
        )
        return 0
    if args.command == "solutions":
        import nbformat

        from .notebooks import build, sources

        root = _sources_dir()
        if root is None:
            print(
                bilingual.text(
                    "저장소 체크아웃에서 실행하세요",
                    "error: exercises/9_*.md not found (run from a checkout "
                    "of the repository)",
                ),
                file=sys.stderr,
            )
            return 2
        args.outdir.mkdir(parents=True, exist_ok=True)
        for md in sources(root):
            out = args.outdir / f"{md.stem}.ipynb"
            nbformat.write(build(md, solution=True), out)
            print(out)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
