"""The test run's shared fits (d2lmini.fit_memo): the chapters' kernels that nbval
starts write them, the book build reads them, so a chapter's long fits are computed
once per `make test` instead of twice (CONTRIBUTING, "Test time")."""

import os
import pathlib
import shutil

from d2lmini.fit_memo import READ, WRITE

ROOT = pathlib.Path(__file__).resolve().parent.parent
FOLDER = ROOT / "_build" / ".fit-memo"


def folder():
    """This run's folder, or None outside a pytest-xdist run (then nothing is
    shared: one process runs the build and the chapters one after the other)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    return FOLDER / run if run else None


def remove_old_runs():
    """Delete the folders of earlier runs (each a few hundred kB)."""
    here = folder()
    if here is None or not FOLDER.is_dir():
        return
    for old in FOLDER.iterdir():
        if old != here:
            shutil.rmtree(old, ignore_errors=True)


def writer_env():
    """The variable that a chapter's kernel gets from nbval, or {}."""
    here = folder()
    return {WRITE: str(here)} if here else {}


def reader_env(env):
    """``env`` for the book build: it reads this run's fits and writes none."""
    env = {k: v for k, v in env.items() if k != WRITE}
    here = folder()
    if here:
        env[READ] = str(here)
    return env
