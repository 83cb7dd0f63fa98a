"""Time the grader: 40 submissions, `--jobs 2` (issue 16: at most 1 s per submission).

    python benchmarks/bench_grading.py [--jobs 2] [--count 40] [--no-sandbox]

The submissions are the reference solutions and the student stubs of all seven
chapters, repeated up to --count notebooks (about half full marks, half zero). The
whole command is timed as an instructor runs it (`python -m d2lmini.grading grade …`,
Python start-up and imports included), and the figure printed is wall time / number
of submissions. The grader runs each submission in the bubblewrap sandbox where it
works (the first line it prints says whether), or without one with --no-sandbox.
"""

import argparse
import csv
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--no-sandbox", action="store_true")
    args = parser.parse_args()
    import nbformat

    from d2lmini.grading.notebooks import build, sources

    books = [
        build(md, solution=s)
        for md in sources(ROOT / "exercises")
        for s in (True, False)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp) / "submissions"
        folder.mkdir()
        for i in range(args.count):
            nbformat.write(books[i % len(books)], folder / f"student_{i:02d}.ipynb")
        out = pathlib.Path(tmp) / "gradebook.csv"
        start = time.perf_counter()
        extra = ["--no-sandbox"] if args.no_sandbox else []
        subprocess.run(
            [
                sys.executable,
                "-m",
                "d2lmini.grading",
                "grade",
                str(folder),
                "--out",
                str(out),
                "--jobs",
                str(args.jobs),
                "--no-progress",
                *extra,
            ],
            check=True,
            cwd=ROOT,
            timeout=1200,
        )
        wall = time.perf_counter() - start
        rows = list(csv.DictReader(open(out, encoding="utf-8")))
        bad = [
            r
            for r in rows
            if not r["status"].startswith("ok") and "not implemented" not in r["status"]
        ]
    print(
        f"{len(rows)} submissions, --jobs {args.jobs}: {wall:.1f} s in all, "
        f"{wall / len(rows):.2f} s per submission"
    )
    if bad:
        print(f"unexpected statuses: {bad[:3]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
