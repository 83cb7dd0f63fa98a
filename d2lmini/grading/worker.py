"""The side of grading that runs a submission (in a process forked by the zygote).

It receives the notebook's code cells and, for each exercise, the *inputs* of its
cases (``wire`` data); it runs the cells, calls the learner's functions and writes back
one JSON line per event: the *outputs* (``wire`` data) and the inputs as they are after
the call. It never sees an expected value, an oracle or the comparison: this module and
the ones it imports do not import ``d2lmini.grading.exercises`` or ``hidden``. An audit
hook refuses what a graded function has no reason to do (read grading files, write
outside its temporary folder, start processes, send signals, call C through ``ctypes``,
walk the garbage collector, use the network) and reports each refusal.
"""

import json
import os
import re
import resource
import sys

from . import wire
from .runner import CaseTimeout, call, one_line, time_limit

PROCESS_EVENTS = (
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.fork",
    "os.forkpty",
    "os.spawn",
    "os.startfile",
    "pty.spawn",
    "_posixsubprocess",
)
SIGNAL_EVENTS = ("os.kill", "os.killpg", "signal.pthread_kill", "os.pidfd_open")
NATIVE_EVENTS = ("ctypes.", "_ctypes", "cffi")
INTROSPECTION_EVENTS = (
    "gc.get_objects",
    "gc.get_referrers",
    "gc.get_referents",
    "sys._current_frames",
    "sys.remote_exec",
)
NETWORK_EVENTS = ("socket.", "urllib.", "http.", "ftplib.", "smtplib.", "webbrowser.")
PATH_EVENTS = (
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.truncate",
    "os.chmod",
    "os.chown",
    "os.link",
    "os.symlink",
    "os.mkdir",
    "os.utime",
    "shutil.",
)
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def serve(body, out_fd, settings):
    """Run one request (``body``, JSON bytes), events to ``out_fd``; never return."""
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, out_fd)
        os.closerange(out_fd + 1, 4096)
        os.setpgid(0, 0)
        _limits(settings)
        request = json.loads(body)
        del body
        _run(request, settings, _writer(out_fd))
    except BaseException:  # noqa: BLE001 — whatever happens, the process ends here
        pass
    os._exit(0)


def _writer(out_fd):
    def write(**event):
        data = (json.dumps(event) + "\n").encode()
        while data:
            data = data[os.write(out_fd, data) :]

    return write


def _limits(settings):
    seconds = int(settings["timeout"]) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    size = 64 * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    if settings.get("sandboxed"):
        resource.setrlimit(resource.RLIMIT_NPROC, (256, 256))
    try:
        with open("/proc/self/statm") as f:
            vm = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = vm + 3 * 2**30
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass


def _run(request, settings, write):
    timeout = float(settings["timeout"])
    cell_seconds = max(1.0, min(10.0, timeout / 3))
    case_seconds = max(0.5, min(5.0, timeout / 6))
    _install_guard(settings, write)
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    for i, source in enumerate(request["cells"], 1):
        if not source.strip():
            continue
        write(event="cell", cell=i)
        try:
            code = compile(source, f"<cell {i}>", "exec")
            with time_limit(cell_seconds):
                exec(code, namespace)
        except SystemExit:
            write(event="cell_error", cell=i, error=["called_exit", {}])
        except BaseException as err:  # noqa: BLE001 — any error of a cell is reported
            error = (
                ["cell_too_long", {"seconds": f"{cell_seconds:g}"}]
                if isinstance(err, CaseTimeout)
                else one_line(err, 80)
            )
            write(event="cell_error", cell=i, error=error)
    for k, exercise in enumerate(request["exercises"]):
        write(event="exercise_start", id=exercise["id"])
        fn = namespace.get(exercise["function"])
        if not callable(fn):
            write(event="missing", ex=k)
            continue
        for j, case in enumerate(exercise["cases"]):
            write(**_result(fn, exercise.get("rule"), case, case_seconds, k, j))
    write(event="done")


def _result(fn, rule, case, seconds, k, j):
    event = {"event": "result", "ex": k, "case": j}
    args, kwargs = wire.decode(case, build=True)
    outcome = call(fn, args, kwargs, seconds, rule)
    event["kind"] = outcome.kind
    if outcome.kind == "raised":
        event["error"] = outcome.en[len("raised ") :]
    if outcome.kind == "returned":
        try:
            with time_limit(seconds):
                event["value"] = wire.encode(outcome.value)
        except BaseException as err:  # noqa: BLE001 — a value it cannot encode is opaque
            event["value"] = {"$": "opaque", "type": type(err).__name__}
    try:
        with time_limit(seconds):
            event["inputs_after"] = wire.encode((list(args), kwargs), inputs=True)
    except BaseException:  # noqa: BLE001 — inputs it cannot encode are reported as None
        event["inputs_after"] = None
    return event


def shown(path):
    """A path as the gradebook shows it: the same on every machine."""
    if path.startswith("/proc/"):
        return re.sub(r"^/proc/\d+", "/proc/<pid>", path)
    return "/".join(path.split(os.sep)[-2:])


def _install_guard(settings, write):
    """An audit hook for the rest of this process's life (it cannot be removed)."""
    blocked = tuple(os.path.realpath(p) for p in settings.get("hidden_paths", ()))
    writable = tuple(os.path.realpath(p) + os.sep for p in settings.get("writable", ()))
    self_proc = (f"/proc/{os.getpid()}/", "/proc/self/", "/proc/thread-self/")
    report, _realpath, _fsdecode = write, os.path.realpath, os.fsdecode

    def refuse(key, **fields):
        if "path" in fields:
            fields["path"] = shown(fields["path"])
        report(event="blocked", what=[key, fields])
        raise PermissionError("not allowed while graded")

    def under(path, roots):
        return any(
            path == r.rstrip(os.sep) or path.startswith(r.rstrip(os.sep) + os.sep)
            for r in roots
        )

    def check_path(raw, writing):
        if isinstance(raw, int):
            return
        path = _realpath(_fsdecode(raw))
        if under(path, blocked):
            refuse("blocked_read", path=path)
        if path.startswith("/proc/") and (
            path.endswith("/mem")
            or (not path.startswith(self_proc) and path.split("/")[2].isdigit())
        ):
            refuse("blocked_read", path=path)
        if writing and path != os.devnull and not under(path, writable):
            refuse("blocked_write", path=path)

    def hook(event, args):
        if event == "open" and args:
            mode, flags = (args + (None, None))[1:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & WRITE_FLAGS
            )
            check_path(args[0], writing)
        elif event.startswith(PATH_EVENTS):
            for raw in args[:2]:
                if isinstance(raw, (str, bytes, os.PathLike)):
                    check_path(raw, True)
        elif event.startswith(PROCESS_EVENTS):
            refuse("blocked_process", event=event)
        elif event.startswith(SIGNAL_EVENTS):
            refuse("blocked_signal", event=event)
        elif event.startswith(NATIVE_EVENTS):
            refuse("blocked_native", event=event)
        elif event.startswith(INTROSPECTION_EVENTS):
            refuse("blocked_introspection", event=event)
        elif event.startswith(NETWORK_EVENTS):
            refuse("blocked_network", event=event)

    sys.addaudithook(hook)
