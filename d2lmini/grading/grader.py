"""Grade a folder of submitted notebooks into a gradebook CSV.

Each submission runs in its own forked child process: its code cells are executed in a fresh
namespace (IPython magics become ``pass``), then the public and hidden cases of its chapter
run against the functions it defines. The child writes one JSON line per event to a pipe;
the parent keeps ``jobs`` children running, kills one that passes ``timeout`` seconds, and
writes the CSV atomically. Nothing a submission does (loop, exit, crash, flood of output,
reading the grading files) stops the run.
"""
import csv
import json
import os
import pathlib
import re
import resource
import select
import signal
import sys
import tempfile
import time

from .exercises import EXERCISES, NOTEBOOKS, for_chapter
from .messages import message_of, msg

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent
REPO_EXERCISES = PACKAGE_DIR.parent.parent / "exercises"
MAX_NOTEBOOK_BYTES = 20 * 2 ** 20
COLUMNS = ["submission", *[ex.id for ex in EXERCISES], "total", "max", "status",
           "status_ko"]
CHAPTER_FROM_NAME = re.compile(r"^9_([1-7])(?:_|\b|\.)")
BLOCKED_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.fork",
                  "os.forkpty", "os.spawn", "pty.spawn", "socket.connect", "os.kill")


def chapter_of(nb, path):
    """The chapter from the notebook's ``d2lmini.chapter`` metadata, else the file name."""
    meta = nb.get("metadata", {}).get("d2lmini", {}) if isinstance(nb, dict) else {}
    chapter = meta.get("chapter") if isinstance(meta, dict) else None
    if isinstance(chapter, str) and chapter in NOTEBOOKS:
        return chapter
    m = CHAPTER_FROM_NAME.match(pathlib.Path(path).name)
    return f"9.{m.group(1)}" if m else None


MAGIC = re.compile(r"^(\s*)[%!].*$", re.M)


def cell_code(source):
    """A code cell's source as plain Python: IPython magics and shell lines become ``pass``."""
    return MAGIC.sub(lambda m: f"{m.group(1)}pass", source)


# ---------------------------------------------------------------- the child
def _child(path, timeout, out_fd, close_fds):
    """Grade one submission; write JSON lines to ``out_fd``; never return."""
    real_exit = os._exit
    try:
        for fd in close_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        os.setpgid(0, 0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.environ["D2LMINI_GRADING"] = "1"
        os.environ["MPLBACKEND"] = "Agg"
        _child_main(path, timeout, out_fd)
    except BaseException:  # noqa: B902 — whatever happens, the child ends here
        pass
    real_exit(0)


def _child_main(path, timeout, out_fd):
    import torch

    from . import hidden as hidden_module
    from .runner import CaseTimeout, Forbidden, one_line, run_exercise, time_limit

    def write(**event):
        data = (json.dumps(event) + "\n").encode()
        while data:
            data = data[os.write(out_fd, data):]

    torch.set_num_threads(1)
    soft = int(timeout) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (50 * 2 ** 20, 50 * 2 ** 20))
    try:
        with open("/proc/self/statm") as f:
            vm = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = vm + 4 * 2 ** 30
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass

    size = os.path.getsize(path)
    if size == 0:
        write(event="fatal", status=["empty_file", {}])
        return
    if size > MAX_NOTEBOOK_BYTES:
        write(event="fatal", status=["too_large", {"mb": size // 2 ** 20}])
        return
    with open(path, "rb") as f:
        raw = f.read()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        write(event="fatal", status=["bad_json", {"error": one_line(err, 60)}])
        return
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        write(event="fatal", status=["not_notebook", {}])
        return
    cells = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    chapter = chapter_of(data, path)
    if chapter is None:
        write(event="fatal", status=["unknown_chapter", {}])
        return
    write(event="chapter", chapter=chapter)

    hidden = hidden_module.HIDDEN
    _hide_grading_modules()
    blocked_dirs = tuple(str(p) + os.sep for p in (PACKAGE_DIR, REPO_EXERCISES))

    def audit(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            target = os.path.realpath(os.fsdecode(args[0]))
            if target.startswith(blocked_dirs):
                raise Forbidden(f"grading files are not readable while grading: {target}")
        elif event.startswith(BLOCKED_EVENTS):
            raise Forbidden(f"{event} is not allowed while grading")
    sys.addaudithook(audit)

    cell_seconds = max(1.0, min(10.0, timeout / 3))
    case_seconds = max(0.5, min(5.0, timeout / 6))
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    for i, cell in enumerate(cells, 1):
        source = cell.get("source", "")
        source = cell_code("".join(source) if isinstance(source, list) else str(source))
        if not source.strip():
            continue
        write(event="cell", cell=i)
        try:
            code = compile(source, f"<cell {i}>", "exec")
            with time_limit(cell_seconds):
                exec(code, namespace)
        except SystemExit:
            write(event="cell_error", cell=i, error=["called_exit", {}])
        except BaseException as err:  # noqa: B902
            error = (["cell_too_long", {"seconds": f"{cell_seconds:g}"}]
                     if isinstance(err, CaseTimeout) else one_line(err, 80))
            write(event="cell_error", cell=i, error=error)
    for ex in for_chapter(chapter):
        write(event="exercise_start", id=ex.id)
        fn = namespace.get(ex.function)
        if not callable(fn):
            write(event="exercise", id=ex.id, score=0, passed=0, cases=0,
                  problem=["missing_function", {"name": ex.function}])
            continue
        result = run_exercise(fn, ex, ex.cases, case_seconds, hidden.get(ex.id, ()))
        kinds = [c.kind for c in result.cases if not c.ok]
        problem = None
        for kind, detail in (("forbidden", ["forbidden", {}]),
                             ("timeout", ["case_too_long", {}]),
                             ("mutated", ["mutated_input", {}]),
                             ("wrong_type", ["returned_wrong_type", {}]),
                             ("raised", None), ("not_implemented", ["not_implemented_short", {}])):
            if kind in kinds:
                if detail is None:
                    first = next(c for c in result.cases if c.kind == "raised")
                    detail = {"ko": first.ko, "en": first.en}
                problem = ["function_problem", {"name": ex.function, "detail": detail}]
                break
        write(event="exercise", id=ex.id, score=result.score, passed=result.passed,
              cases=len(result.cases), problem=problem)
    write(event="done")


def _hide_grading_modules():
    """Let the submission import only a stand-in ``d2lmini.grading`` whose ``check`` does
    nothing: the hidden cases and the reference implementations are not importable (their
    files cannot be opened either, see the audit hook). Not a sandbox: objects stay in memory.
    """
    import types

    import d2lmini
    real = sys.modules["d2lmini.grading"]
    stand_in = types.ModuleType("d2lmini.grading", real.__doc__)
    stand_in.__file__ = real.__file__
    stand_in.check = lambda *args, **kwargs: None
    for name in ("d2lmini.grading", "d2lmini.grading.hidden", "d2lmini.grading.exercises"):
        sys.modules.pop(name, None)
    sys.modules["d2lmini.grading"] = stand_in
    d2lmini.grading = stand_in


# ---------------------------------------------------------------- the parent
class _Job:
    def __init__(self, path, rel, timeout, others):
        self.path, self.rel = path, rel
        self.buffer = b""
        r, w = os.pipe()
        self.start = time.monotonic()
        self.deadline = self.start + timeout
        pid = os.fork()
        if pid == 0:
            os.close(r)
            _child(str(path), timeout, w, others)
        os.close(w)
        self.pid, self.fd = pid, r
        self.killed = False
        self.exit = None

    def events(self):
        out = []
        for line in self.buffer.decode("utf-8", "replace").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out


def _row(job):
    """One gradebook row; ``status`` says what went wrong in English, ``status_ko`` in Korean."""
    row = {"submission": job.rel}
    events = job.events()
    kinds = {e.get("event") for e in events}
    fatal = next((e for e in events if e.get("event") == "fatal"), None)
    chapter = next((e["chapter"] for e in events if e.get("event") == "chapter"), None)
    problems = []   # [key, fields] messages, or text
    if fatal:
        problems.append(fatal["status"])
    done = {e["id"]: e for e in events if e.get("event") == "exercise"}
    total = 0.0
    maximum = 0
    for ex in for_chapter(chapter) if chapter else []:
        maximum += ex.points
        e = done.get(ex.id)
        score = e.get("score", 0) if e else 0
        if not isinstance(score, (int, float)) or not 0 <= score <= ex.points:
            score = 0  # a forged event (a submission can write to any open descriptor)
        row[ex.id] = f"{score:g}"
        total += score
        if e and e.get("problem"):
            problems.append(e["problem"])
    for e in events:
        if e.get("event") == "cell_error":
            problems.append(["cell_problem", {"cell": e.get("cell"), "error": e.get("error")}])
    if "done" not in kinds and not fatal:
        started = [e for e in events if e.get("event") in ("cell", "exercise_start")]
        where = ""
        if started:
            last = started[-1]
            where = (["in_cell", {"cell": last["cell"]}] if last["event"] == "cell"
                     else ["during", {"id": last["id"]}])
        if job.killed:
            problems.insert(0, ["killed_time_limit", {"where": where}])
        elif job.exit is not None and job.exit < 0:
            problems.insert(0, ["killed_signal", {"signal": -job.exit, "where": where}])
        else:
            problems.insert(0, ["ended_early", {"code": job.exit, "where": where}])
    row["total"] = f"{round(total, 2):g}"
    row["max"] = str(maximum)
    texts = [message_of(p) if isinstance(p, list) else (str(p), str(p)) for p in problems]
    for column, lang in (("status", 1), ("status_ko", 0)):
        status = "; ".join(dict.fromkeys(t[lang] for t in texts)) or msg("ok")[lang]
        row[column] = status if len(status) <= 300 else status[:299] + "…"
    return row


def submissions(folder):
    folder = pathlib.Path(folder)
    return sorted(p for p in folder.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and p.is_file())


def grade(folder, out, jobs=2, timeout=30.0, progress=True):
    """Grade every ``.ipynb`` under ``folder`` into the CSV ``out``; return the rows."""
    import nbformat  # noqa: F401 — imported once here, inherited by every child
    import torch  # noqa: F401

    from . import hidden, runner  # noqa: F401

    folder = pathlib.Path(folder)
    paths = submissions(folder)
    pending = list(paths)
    running = {}
    rows = {}
    bar = _bar(len(paths), progress)
    while pending or running:
        while pending and len(running) < max(1, jobs):
            path = pending.pop(0)
            others = [j.fd for j in running.values()]
            job = _Job(path, path.relative_to(folder).as_posix(), timeout, others)
            running[job.fd] = job
        now = time.monotonic()
        wait = max(0.0, min(j.deadline for j in running.values()) - now)
        ready, _, _ = select.select(list(running), [], [], min(wait, 0.5))
        for fd in ready:
            job = running[fd]
            chunk = os.read(fd, 65536)
            if chunk and len(job.buffer) < 4 * 2 ** 20:
                job.buffer += chunk
            elif not chunk:
                _finish(job, running, rows, bar)
        now = time.monotonic()
        for job in [j for j in running.values() if now > j.deadline]:
            job.killed = True
            try:
                os.killpg(job.pid, signal.SIGKILL)
            except OSError:
                os.kill(job.pid, signal.SIGKILL)
            try:
                while True:
                    chunk = os.read(job.fd, 65536)
                    if not chunk:
                        break
                    job.buffer += chunk
            except OSError:
                pass
            _finish(job, running, rows, bar)
    bar.close()
    ordered = [rows[p.relative_to(folder).as_posix()] for p in paths]
    write_csv(ordered, out)
    return ordered


def _finish(job, running, rows, bar):
    _, status = os.waitpid(job.pid, 0)
    job.exit = os.waitstatus_to_exitcode(status)
    os.close(job.fd)
    del running[job.fd]
    if not job.killed:
        try:  # a grandchild left in the child's group: end it too
            os.killpg(job.pid, signal.SIGKILL)
        except OSError:
            pass
    rows[job.rel] = _row(job)
    bar.update(1)


def _bar(total, enabled):
    from tqdm import tqdm
    tqdm.monitor_interval = 0  # no monitor thread: we fork
    return tqdm(total=total, desc="grading · 채점", unit="nb", disable=not enabled,
                file=sys.stderr, dynamic_ncols=True)


def write_csv(rows, out):
    """Write the gradebook atomically (a temporary file beside it, then a rename)."""
    out = pathlib.Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS, restval="")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, out)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise
