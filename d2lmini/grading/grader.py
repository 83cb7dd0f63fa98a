"""Grade a folder of submitted notebooks into a gradebook CSV.

This process (the *parent*) reads each notebook, computes the expected results of its
chapter's cases with the reference implementations, and sends only the code cells and
the case *inputs* to a zygote (``zygote.py``), which forks one process per submission
inside the OS sandbox (``sandbox.py``). That process sends back outputs as plain data
(``wire.py``); the comparison, the input-mutation check and the scores happen here. A
submission can report any values it likes, but it never holds an expected value or the
code that computes one, and nothing it does (loop, exit, crash, flood of output,
signals, forged event lines) stops the run. The CSV is written atomically.
"""

import csv
import json
import os
import pathlib
import re
import select
import subprocess
import sys
import tempfile
import time

from .. import bilingual
from . import cases as case_plans
from . import rules, sandbox, wire
from .compare import Mismatch, compare
from .exercises import EXERCISES, NOTEBOOKS
from .messages import message_of, msg
from .runner import CaseResult, ExerciseResult, mismatch_result

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent
REPO = PACKAGE_DIR.parent.parent
REPO_EXERCISES = REPO / "exercises"
MAX_NOTEBOOK_BYTES = 20 * 2**20
COLUMNS = [
    "submission",
    *[ex.id for ex in EXERCISES],
    "total",
    "max",
    "status",
    "status_ko",
]
HINT_COLUMNS = ["hints", "hints_by_exercise"]
# "9.3-partition · 힌트 1/3 · hint 1/3" (and "· hint 1/3 · 힌트 1/3", as shown before
# d2lmini put Korean first everywhere: notebooks saved then still count)
HINT_SHOWN = re.compile(
    r"^(9\.[1-7]-[a-z0-9-]+) · (?:힌트 \d+/\d+ · )?hint (\d+)/(\d+)\b", re.M
)
CHAPTER_FROM_NAME = re.compile(r"^9_([1-7])(?:_|\b|\.)")
MAGIC = re.compile(r"^(\s*)[%!].*$", re.M)
START_SECONDS = 300  # a zygote imports torch: slow on a loaded machine
GRACE_SECONDS = 30  # past the timeout, a zygote that says nothing is replaced


def chapter_of(nb, path):
    """The chapter from the ``d2lmini.chapter`` metadata, else from the file name."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    meta = meta.get("d2lmini") if isinstance(meta, dict) else None
    chapter = meta.get("chapter") if isinstance(meta, dict) else None
    if isinstance(chapter, str) and chapter in NOTEBOOKS:
        return chapter
    m = CHAPTER_FROM_NAME.match(pathlib.Path(path).name)
    return f"9.{m.group(1)}" if m else None


def cell_code(source):
    """A code cell as plain Python: IPython magics and shell lines become ``pass``."""
    return MAGIC.sub(lambda m: f"{m.group(1)}pass", source)


def read_notebook(path):
    """``(chapter, [code cell sources])`` or ``(None, fatal [key, fields])``."""
    try:
        return _read_notebook(path)
    except Exception:  # noqa: BLE001 — a crafted file must not stop the run
        return None, ["not_notebook", {}]


def _read_notebook(path):
    size = os.path.getsize(path)
    if size == 0:
        return None, ["empty_file", {}]
    if size > MAX_NOTEBOOK_BYTES:
        return None, ["too_large", {"mb": size // 2**20}]
    try:
        data = json.loads(pathlib.Path(path).read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        from .runner import one_line

        return None, ["bad_json", {"error": one_line(err, 60)}]
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return None, ["not_notebook", {}]
    chapter = chapter_of(data, path)
    if chapter is None:
        return None, ["unknown_chapter", {}]
    sources = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            if isinstance(source, list):
                source = "".join(map(str, source))
            sources.append(cell_code(str(source)))
    return chapter, sources


def hints_used(path, chapter):
    """``{exercise id: hints shown}`` from the outputs stored in the notebook: the
    highest number of every ``hint(...)`` output of the chapter's exercises. Only
    numbers are read, never the hints' text; a hint opened in a check table's
    ``<details>`` leaves no trace and is not counted."""
    from .hints import HINTS

    known = {ex.id for ex in EXERCISES if ex.chapter == chapter}
    used = {}
    try:
        data = json.loads(pathlib.Path(path).read_bytes().decode("utf-8"))
        for cell in data.get("cells", []):
            for output in cell.get("outputs", []) if isinstance(cell, dict) else []:
                text = output.get("data", {}).get("text/plain", "")
                text = "".join(text) if isinstance(text, list) else str(text)
                for m in HINT_SHOWN.finditer(text):
                    ex_id, n = m.group(1), int(m.group(2))
                    if ex_id in known and 1 <= n <= len(HINTS.get(ex_id, ())):
                        used[ex_id] = max(used.get(ex_id, 0), n)
    except Exception:  # noqa: BLE001 — a crafted notebook counts no hints
        return {}
    return dict(sorted(used.items()))


def _hint_cells(used):
    return {
        "hints": str(sum(used.values())),
        "hints_by_exercise": "; ".join(f"{k}: {n}" for k, n in used.items()),
    }


# ---------------------------------------------------------------- zygotes
class Zygote:
    """One sandboxed process that forks a grading process per submission."""

    def __init__(self, argv, env, settings):
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env or None,
            close_fds=True,
        )
        self.fd = self.proc.stdout.fileno()
        self.buffer = b""
        self.ready = False
        self.job = None
        self.since = time.monotonic()
        self.send(json.dumps(settings).encode())

    def send(self, body):
        try:
            self.proc.stdin.write(str(len(body)).encode() + b"\n" + body)
            self.proc.stdin.flush()
        except OSError:
            pass

    def messages(self):
        """Read what is there; return the complete ``(header, body)`` messages, and
        whether the zygote closed its output."""
        chunk = os.read(self.fd, 2**20)
        self.buffer += chunk
        out = []
        while b"\n" in self.buffer:
            line, rest = self.buffer.split(b"\n", 1)
            header = json.loads(line)
            size = int(header.get("size", 0))
            if len(rest) < size:
                break
            out.append((header, rest[:size]))
            self.buffer = rest[size:]
        return out, not chunk

    def stderr_tail(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace").strip()[-300:]

    def close(self, wait=0.0):
        """End the zygote: it exits (and cleans up) at the end of its input; after
        ``wait`` seconds, or at once, it is killed."""
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.log.close()


class GradingError(RuntimeError):
    """The grader itself cannot run (a zygote fails to start)."""


# ---------------------------------------------------------------- grading
def submissions(folder):
    folder = pathlib.Path(folder)
    return sorted(
        p
        for p in folder.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and p.is_file()
    )


def grade(
    folder,
    out,
    jobs=2,
    timeout=30.0,
    progress=True,
    cases_file=None,
    use_sandbox=True,
    report=None,
    record_hints=False,
):
    """Grade every ``.ipynb`` under ``folder`` into the CSV ``out``; return the rows.
    ``report(text)`` receives a line about the sandbox (default: standard error);
    ``record_hints`` adds the columns ``hints`` and ``hints_by_exercise``."""
    folder = pathlib.Path(folder)
    private = case_plans.load(cases_file) if cases_file else None
    hide = [
        REPO_EXERCISES,
        REPO / "tests",
        REPO / ".git",
        folder,
        out,
        *([cases_file] if cases_file else []),
    ]
    argv, env, sandboxed, why = sandbox.zygote_command(use_sandbox, masked=hide)
    (report or _stderr)(
        bilingual.text(
            "샌드박스: bubblewrap",
            "sandbox: bubblewrap (no network, read-only system, private /tmp)",
        )
        if sandboxed
        else bilingual.text(
            "경고: OS 샌드박스 없이 채점합니다",
            f"warning: no OS sandbox ({why}); submissions run with the oracles out "
            "of their process but without OS isolation",
        )
    )
    settings = {
        "timeout": timeout,
        "sandboxed": sandboxed,
        "hidden_paths": [str(p) for p in [PACKAGE_DIR, *hide] if p],
    }
    paths = submissions(folder)
    rows, work = {}, []
    for path in paths:
        rel = path.relative_to(folder).as_posix()
        chapter, cells = read_notebook(path)
        if chapter is None:
            rows[rel] = _fatal_row(rel, cells, sandboxed)
        else:
            work.append((rel, chapter, cells))
    plans = {}
    bar = _bar(len(paths), progress)
    bar.update(len(rows))
    try:
        _run(work, plans, private, rows, argv, env, settings, jobs, timeout, bar)
    finally:
        bar.close()
    ordered = [rows[p.relative_to(folder).as_posix()] for p in paths]
    if record_hints:
        chapters = {rel: chapter for rel, chapter, _ in work}
        for path, row in zip(paths, ordered):
            chapter = chapters.get(row["submission"])
            row.update(_hint_cells(hints_used(path, chapter) if chapter else {}))
    write_csv(ordered, out, hints=record_hints)
    return ordered


def _stderr(text):
    print(text, file=sys.stderr)


def _run(work, plans, private, rows, argv, env, settings, jobs, timeout, bar):
    pending = list(work)
    zygotes = []
    failures = 0
    try:
        while pending or any(z.job for z in zygotes):
            while len(zygotes) < min(
                max(1, jobs), len(pending) + sum(1 for z in zygotes if z.job)
            ):
                zygotes.append(Zygote(argv, env, settings))
            for z in zygotes:
                if z.ready and z.job is None and pending:
                    rel, chapter, cells = pending.pop(0)
                    if chapter not in plans:
                        plans[chapter] = case_plans.for_grading(chapter, private)
                    z.job = (rel, chapter, cells)
                    z.since = time.monotonic()
                    z.send(_request(cells, plans[chapter]))
            ready, _, _ = select.select([z.fd for z in zygotes], [], [], 0.5)
            for z in list(zygotes):
                dead = False
                if z.fd in ready:
                    try:
                        messages, dead = z.messages()
                    except (ValueError, OSError):
                        messages, dead = [], True
                    for header, body in messages:
                        if not z.ready:
                            z.ready = bool(header.get("ready"))
                            dead = dead or not z.ready
                            continue
                        _done(z, header, body, plans, rows, settings, bar)
                limit = (
                    START_SECONDS
                    if not z.ready
                    else timeout + GRACE_SECONDS
                    if z.job
                    else None
                )
                if limit and time.monotonic() - z.since > limit:
                    dead = True
                if dead:
                    if not z.ready and z.job is None:
                        failures += 1
                        if failures >= 3:
                            raise GradingError(
                                "the grading process does not start: " + z.stderr_tail()
                            )
                    if z.job:
                        _done(
                            z,
                            {"exit": None, "killed": True, "size": 0, "zygote": True},
                            b"",
                            plans,
                            rows,
                            settings,
                            bar,
                        )
                    z.close()
                    zygotes.remove(z)
    finally:
        for z in zygotes:
            z.close(wait=5.0 if z.ready and z.job is None else 0.0)


def _request(cells, plan):
    exercises = [
        {
            "id": ex.id,
            "function": ex.function,
            "rule": ex.rule,
            "cases": [p.wire_input for p in prepared],
        }
        for ex, prepared in plan
    ]
    return json.dumps({"cells": cells, "exercises": exercises}).encode()


def _done(z, header, body, plans, rows, settings, bar):
    rel, chapter, cells = z.job
    z.job = None
    rows[rel] = _row(
        rel,
        chapter,
        cells,
        plans[chapter],
        header,
        _events(body),
        settings["sandboxed"],
    )
    bar.update(1)


def _events(body):
    out = []
    for line in body.decode("utf-8", "replace").splitlines():
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(event, dict):
            out.append(event)
    return out


# ---------------------------------------------------------------- scoring
def evaluate(ex, prepared, event, shortcut=None):
    """One ``CaseResult`` from the event a submission sent for ``prepared``."""
    name = prepared.name
    if shortcut:
        return CaseResult(
            name, False, "shortcut", *msg(f"shortcut_{ex.rule}", what=shortcut)
        )
    if not isinstance(event, dict):
        return CaseResult(name, False, "no_output", *msg("no_output"))
    kind = event.get("kind")
    if kind == "not_implemented":
        return CaseResult(name, False, kind, *msg("not_implemented"))
    if kind == "timeout":
        return CaseResult(name, False, kind, *msg("case_too_long"))
    if kind == "shortcut":
        what = rules.WHAT[ex.rule]
        return CaseResult(name, False, kind, *msg(f"shortcut_{ex.rule}", what=what))
    if kind != "returned":
        error = str(event.get("error", "?"))[:100]
        return CaseResult(name, False, "raised", *msg("raised", error=error))
    try:
        got = wire.decode(event.get("value"))
    except (wire.WireError, ValueError, TypeError, KeyError, RecursionError):
        return CaseResult(name, False, "not_data", *msg("not_data", what="?"))
    try:
        after = wire.decode(event.get("inputs_after"))
    except (wire.WireError, ValueError, TypeError, KeyError, RecursionError):
        after = None
    changed = _changed_input(prepared.before, after)
    if changed:
        return CaseResult(name, False, "mutated", *msg("mutated", name=changed))
    try:
        compare(
            prepared.expected,
            got,
            rtol=ex.rtol,
            atol=ex.atol,
            exact_dtype=ex.exact_dtype,
        )
    except Mismatch as err:
        return mismatch_result(name, err)
    except Exception as err:  # noqa: BLE001 — data that cannot even be compared
        return CaseResult(
            name, False, "not_data", *msg("not_data", what=type(err).__name__)
        )
    return CaseResult(name, True, "passed", *msg("passed"))


def _changed_input(before, after):
    """``#i`` (or the keyword) of the first input changed by the call, else None."""
    if wire.same(before, after):
        return None
    if not (
        isinstance(after, tuple)
        and len(after) == 2
        and isinstance(after[0], list)
        and isinstance(after[1], dict)
    ):
        return "?"
    (args, kwargs), (now_args, now_kwargs) = before, after
    for i, (b, a) in enumerate(zip(args, now_args)):
        if not wire.same(b, a):
            return f"#{i + 1}"
    return next((k for k in kwargs if not wire.same(kwargs[k], now_kwargs.get(k))), "?")


PROBLEM_ORDER = (
    ("shortcut", None),
    ("timeout", ["case_too_long", {}]),
    ("mutated", ["mutated_input", {}]),
    ("wrong_type", ["returned_wrong_type", {}]),
    ("not_data", ["not_data", {"what": "?"}]),
    ("raised", None),
    ("not_implemented", ["not_implemented_short", {}]),
    ("no_output", ["no_output", {}]),
)


def _problem(ex, result):
    kinds = [c.kind for c in result.cases if not c.ok]
    for kind, detail in PROBLEM_ORDER:
        if kind in kinds:
            if detail is None:
                first = next(c for c in result.cases if c.kind == kind)
                detail = {"ko": first.ko, "en": first.en}
            return ["function_problem", {"name": ex.function, "detail": detail}]
    if kinds:
        detail = ["wrong_results", {"wrong": len(kinds), "cases": len(result.cases)}]
        return ["function_problem", {"name": ex.function, "detail": detail}]
    return None


def _row(rel, chapter, cells, plan, header, events, sandboxed):
    """One gradebook row; ``status`` says what went wrong in English, ``status_ko`` in
    Korean."""
    row = {"submission": rel}
    results, missing, blocked = {}, set(), []
    expected_keys = {
        (k, j) for k, (_, prepared) in enumerate(plan) for j in range(len(prepared))
    }
    for e in events:
        kind = e.get("event")
        if kind == "result":
            key = (e.get("ex"), e.get("case"))
            key = key if all(type(i) is int for i in key) else None
            if key in results or key not in expected_keys:
                blocked.append(["forged", {}])  # a line no grading process writes
            results[key] = e
        elif kind == "missing" and isinstance(e.get("ex"), int):
            missing.add(e["ex"])
        elif kind == "blocked":
            blocked.append(e.get("what"))
    problems = []
    total, maximum = 0.0, 0
    for k, (ex, prepared) in enumerate(plan):
        maximum += ex.points
        if k in missing or not any(key[0] == k for key in results):
            score = 0
            if k in missing:
                problems.append(["missing_function", {"name": ex.function}])
        else:
            shortcut = rules.static_violation(cells, ex.function, ex.rule)
            result = ExerciseResult(
                ex.id,
                ex.points,
                [
                    evaluate(ex, p, results.get((k, j)), shortcut)
                    for j, p in enumerate(prepared)
                ],
            )
            score = result.score
            problem = _problem(ex, result)
            if problem:
                problems.append(problem)
        if blocked:
            score = 0
        row[ex.id] = f"{score:g}"
        total += score
    for e in events:
        if e.get("event") == "cell_error":
            problems.append(
                ["cell_problem", {"cell": e.get("cell"), "error": e.get("error")}]
            )
    if blocked:
        problems.insert(0, ["blocked", {"what": blocked[0]}])
    if not any(e.get("event") == "done" for e in events):
        problems.insert(0, _ended(header, events))
    row["total"] = f"{round(total, 2):g}"
    row["max"] = str(maximum)
    _status(row, problems, sandboxed)
    return row


def _ended(header, events):
    started = [e for e in events if e.get("event") in ("cell", "exercise_start")]
    where = ""
    if started:
        last = started[-1]
        where = (
            ["in_cell", {"cell": last.get("cell")}]
            if last.get("event") == "cell"
            else ["during", {"id": last.get("id")}]
        )
    if header.get("zygote"):
        return ["grader_killed", {"where": where}]
    if header.get("killed"):
        return ["killed_time_limit", {"where": where}]
    code = header.get("exit")
    if isinstance(code, int) and code < 0:
        return ["killed_signal", {"signal": -code, "where": where}]
    return ["ended_early", {"code": code, "where": where}]


def _status(row, problems, sandboxed):
    texts = [
        message_of(p) if isinstance(p, list) else (str(p), str(p)) for p in problems
    ]
    for column, lang in (("status", 1), ("status_ko", 0)):
        status = "; ".join(dict.fromkeys(t[lang] for t in texts)) or msg("ok")[lang]
        note = "" if sandboxed else f" [{msg('no_sandbox')[lang]}]"
        limit = 300 - len(note)  # a long status is cut, never the note
        status = status if len(status) <= limit else status[: limit - 1] + "…"
        row[column] = status + note


def _fatal_row(rel, fatal, sandboxed):
    row = {"submission": rel, "total": "0", "max": "0"}
    _status(row, [fatal], sandboxed)
    return row


def _bar(total, enabled):
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=bilingual.text("채점", "grading"),
        unit="nb",
        disable=not enabled,
        file=sys.stderr,
        dynamic_ncols=True,
    )


def write_csv(rows, out, hints=False):
    """Write the gradebook atomically (a temporary file beside it, then a rename)."""
    columns = COLUMNS[:-2] + HINT_COLUMNS + COLUMNS[-2:] if hints else COLUMNS
    out = pathlib.Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, out)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise
