"""Frames computed in forked worker processes (the book build only).

:func:`in_parallel` shares a panel's frames among :func:`workers` processes forked
from the kernel, which computes its own share meanwhile; a worker that fails or hangs
is redone by the kernel, so an error in ``draw`` shows up as it would without workers.
"""

import io
import json
import os
import signal
import sys
import time

WORKERS_ENV = "D2LMINI_STATIC_WORKERS"


def workers():
    """How many processes compute frames: ``$D2LMINI_STATIC_WORKERS``, else the usable
    cores (at most 4); 1 where there is no ``fork`` (Windows)."""
    if not hasattr(os, "fork"):
        return 1
    wanted = os.environ.get(WORKERS_ENV)
    if wanted:
        return max(1, int(wanted))
    cores = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )
    return max(1, min(cores or 1, 4))


def in_parallel(job, items, limit_s):
    """``job(items)`` as one dict, its work shared among :func:`workers` processes.

    Forked children take every n-th item, from the current state of this process
    (the chapter's objects as they are; nothing they do comes back except the
    returned dict, which must be JSON). This process does its own share meanwhile. A
    child that fails or takes longer than ``limit_s`` is killed and its share
    computed here, so an error surfaces as it would without children."""
    n = min(workers(), len(items))
    if n <= 1:
        return job(items)
    import torch

    pending = []  # (pid, read end of its pipe, its share) of children not yet reaped
    try:
        for k in range(1, n):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: compute, send JSON, leave without any cleanup
                status = 1
                try:
                    os.close(read_fd)
                    _quiet_child()
                    torch.set_num_threads(1)
                    data = json.dumps(job(items[k::n])).encode("utf-8")
                    with os.fdopen(write_fd, "wb") as pipe:
                        pipe.write(data)
                    status = 0
                finally:
                    os._exit(status)
            os.close(write_fd)
            pending.append((pid, read_fd, items[k::n]))
        threads = torch.get_num_threads()
        torch.set_num_threads(max(1, threads // n))
        try:
            result = job(items[0::n])
        finally:
            torch.set_num_threads(threads)
        deadline = time.monotonic() + limit_s
        while pending:
            pid, read_fd, share = pending.pop(0)
            data = _read_until(read_fd, deadline)  # closes read_fd
            if data is None:
                _kill(pid)
            _, status = os.waitpid(pid, 0)
            frames = _json_dict(data) if status == 0 else None
            result.update(frames if frames is not None else job(share))
        return result
    finally:  # this process failed: stop the children it started
        for pid, read_fd, _ in pending:
            _kill(pid)
            os.close(read_fd)
            os.waitpid(pid, 0)


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _json_dict(data):
    """The dict a child sent, or None (no data, or not a JSON object)."""
    try:
        value = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _read_until(fd, deadline):
    """All bytes from ``fd`` until it closes, or None past ``deadline``."""
    import select

    chunks = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def _quiet_child():
    """In a forked child of a Jupyter kernel: nothing may reach the kernel's sockets."""
    sys.stdout = sys.stderr = io.StringIO()
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "display_pub", None) is not None:
        shell.display_pub.publish = lambda *args, **kwargs: None
        shell.display_pub.clear_output = lambda *args, **kwargs: None
