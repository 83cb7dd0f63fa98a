"""Shared by the tests of controls: how long one move of a control took."""

import time


def timed(panel, **values):
    """``panel.set(**values)`` and the CPU seconds it took (CPU time, not wall time:
    other jobs on a shared machine do not count)."""
    start = time.process_time()
    out = panel.set(**values)
    return out, time.process_time() - start
