"""The grading zygote: ``python -I -m d2lmini.grading.zygote``, started by the grader
(inside the OS sandbox where there is one).

It imports torch and ``d2lmini``'s teaching modules once, but never the reference
implementations or the hidden cases, then forks one process per submission. Protocol on
its standard streams, every message a header line (JSON) and then that many bytes:

* in:  first the settings, then one request per submission (``worker.serve`` reads it);
* out: ``{"ready": ...}`` once, then for each request ``{"exit", "killed", "size"}``
  followed by the raw event lines the submission's process wrote (untrusted data).

After each submission it kills whatever that submission left running and empties the
private temporary folder, so the next one starts clean.
"""

import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time

MAX_EVENT_BYTES = 24 * 2**20


def read_message(fd=0):
    """One header-and-body message from ``fd`` (no read-ahead), or None at EOF."""
    header = b""
    while not header.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            return None
        header += byte
    size = int(header)
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 2**20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def write_message(header, body=b"", fd=1):
    data = json.dumps(header).encode() + b"\n" + body
    while data:
        data = data[os.write(fd, data) :]


def _not_dumpable():
    """Other processes of the same user may not ptrace us or open our /proc files."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def main():
    _not_dumpable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    settings = json.loads(read_message())
    os.environ.update(
        {"D2LMINI_GRADING": "1", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}
    )
    import torch

    import d2lmini  # noqa: F401 — the teaching modules, shared by every submission

    from . import worker

    torch.set_num_threads(1)
    leaked = [
        m
        for m in ("d2lmini.grading.exercises", "d2lmini.grading.hidden")
        if m in sys.modules
    ]
    write_message({"ready": not leaked, "leaked": leaked, "pid": os.getpid()})
    if leaked:
        return 1
    scratch = tempfile.mkdtemp(prefix="d2lmini-grading-")
    while True:
        body = read_message()
        if body is None:
            break
        tmp = tempfile.mkdtemp(dir=scratch)
        settings["writable"] = [tmp]
        os.environ["TMPDIR"] = tempfile.tempdir = tmp
        os.chdir(tmp)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            worker.serve(body, w, settings)
        os.close(w)
        del body
        data, killed = _collect(r, pid, float(settings["timeout"]))
        _, status = os.waitpid(pid, 0)
        _cleanup(pid, settings.get("sandboxed"), tmp)
        write_message(
            {
                "exit": os.waitstatus_to_exitcode(status),
                "killed": killed,
                "size": len(data),
            },
            data,
        )
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _collect(fd, pid, timeout):
    """The bytes a submission writes until it closes its end or passes ``timeout``."""
    deadline = time.monotonic() + timeout
    chunks, size, killed = [], 0, False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            killed = True
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 2**16)
        if not chunk:
            break
        if size < MAX_EVENT_BYTES:
            chunks.append(chunk)
            size += len(chunk)
    _kill_group(pid)
    os.close(fd)
    return b"".join(chunks), killed


def _kill_group(pid):
    for target in (
        lambda: os.killpg(pid, signal.SIGKILL),
        lambda: os.kill(pid, signal.SIGKILL),
    ):
        try:
            target()
        except OSError:
            pass


def _cleanup(pid, sandboxed, tmp):
    """End what the submission left behind; empty its temporary folder."""
    _kill_group(pid)
    if sandboxed:  # a private PID namespace: everything but bwrap (1) and us is theirs
        me = os.getpid()
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) not in (1, me):
                try:
                    os.kill(int(name), signal.SIGKILL)
                except OSError:
                    pass
        for folder in ("/dev/shm",):
            for entry in os.listdir(folder) if os.path.isdir(folder) else ():
                shutil.rmtree(os.path.join(folder, entry), ignore_errors=True)
                try:
                    os.unlink(os.path.join(folder, entry))
                except OSError:
                    pass
        for entry in os.listdir("/tmp"):
            if not tmp.startswith(os.path.join("/tmp", entry)):
                path = os.path.join("/tmp", entry)
                shutil.rmtree(path, ignore_errors=True)
    os.chdir(os.path.dirname(tmp))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
