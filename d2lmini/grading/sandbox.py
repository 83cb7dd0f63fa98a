"""The command that starts a grading zygote: inside bubblewrap where it works.

The sandbox (Linux, Debian's ``bubblewrap``): no network, a private PID namespace, no
capabilities, a fresh ``/proc``, ``/dev`` and a small private ``/tmp``; read-only, only
the system and Python folders and the ``d2lmini`` package, with the reference
implementations and the hidden cases replaced by empty files and their byte-code
hidden. The
checkout, the submissions, the instructor's case file and the gradebook are not there.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent  # d2lmini/grading
ORACLE_FILES = ("exercises.py", "hidden.py")
SYSTEM_DIRS = (
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/alternatives",
    "/sys/devices/system/cpu",
)
ZYGOTE = ["-I", "-m", "d2lmini.grading.zygote"]


def python_dirs():
    """Folders the interpreter and its packages live in (venv and base install)."""
    found = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        str(pathlib.Path(sys.executable).resolve().parent.parent),
        str(PACKAGE_DIR.parent.parent)
        if not (PACKAGE_DIR.parent.parent / ".git").exists()
        else None,
    }
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        found.add(sysconfig.get_paths().get(key))
    return sorted(p for p in found if p and os.path.isdir(p))


def bwrap_argv(masked=()):
    """bubblewrap's arguments before the command (``masked``: more paths to hide)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None
    argv = [
        bwrap,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--clearenv",
        # /tmp first: a checkout or virtual environment under /tmp is bound over it
        "--size",
        str(256 * 2**20),
        "--tmpfs",
        "/tmp",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]
    for path in SYSTEM_DIRS:
        if os.path.exists(path):
            argv += ["--ro-bind", path, path]
    package_root = str(PACKAGE_DIR.parent)  # the d2lmini package
    binds = python_dirs()
    for path in binds:
        argv += ["--ro-bind", path, path]
    if not any(_under(package_root, b) for b in binds):
        argv += ["--ro-bind", package_root, package_root]
    empty = _empty_file()
    for name in ORACLE_FILES:
        argv += ["--ro-bind", empty, str(PACKAGE_DIR / name)]
    cache = PACKAGE_DIR / "__pycache__"
    if cache.is_dir():
        argv += ["--tmpfs", str(cache)]
    visible = binds + [package_root]
    for path in masked:
        path = os.path.realpath(path)
        if os.path.exists(path) and any(_under(path, b) for b in visible):
            argv += (
                ["--tmpfs", path] if os.path.isdir(path) else ["--ro-bind", empty, path]
            )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "OMP_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }
    data = os.environ.get("D2LMINI_DATA")
    if data and os.path.isdir(data):
        argv += ["--ro-bind", os.path.realpath(data), "/data"]
        env["D2LMINI_DATA"] = "/data"
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--remount-ro", "/", "--chdir", "/tmp", "--"]


_EMPTY = []


def _empty_file():
    """An empty read-only file to lay over the files a submission must not read."""
    if not _EMPTY:
        import atexit
        import tempfile

        fd, path = tempfile.mkstemp(prefix="d2lmini-empty-")
        os.close(fd)
        os.chmod(path, 0o444)
        atexit.register(lambda: os.path.exists(path) and os.unlink(path))
        _EMPTY.append(path)
    return _EMPTY[0]


def _under(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def plain_env():
    """The environment of a zygote started without a sandbox."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR", "D2LMINI_DATA")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({"OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def zygote_command(use_sandbox=True, masked=()):
    """``(argv, env, sandboxed, reason)``: how to start a zygote; ``reason`` says why
    there is no sandbox (None when there is one)."""
    command = [sys.executable, *ZYGOTE]
    if not use_sandbox:
        return command, plain_env(), False, "switched off (--no-sandbox)"
    if not sys.platform.startswith("linux"):
        return command, plain_env(), False, f"not available on {sys.platform}"
    prefix = bwrap_argv(masked)
    if prefix is None:
        return command, plain_env(), False, "bubblewrap (bwrap) is not installed"
    try:
        probe = subprocess.run(
            prefix + [sys.executable, "-I", "-c", "pass"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return command, plain_env(), False, f"bwrap failed: {err}"
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or ["?"])[-1][:120]
        return command, plain_env(), False, f"bwrap failed: {why}"
    return prefix + command, {}, True, None
