"""Run a learner's function on cases: time limits, forbidden shortcuts, input-mutation
checks, one-line errors, scores. ``check`` runs whole cases here, in the learner's
kernel; the grader's submission process uses only ``call`` (it never compares), and the
grading parent scores with ``CaseResult``/``ExerciseResult``."""

import contextlib
import dataclasses
import signal
import threading

import torch

from . import rules
from .compare import Mismatch, compare
from .messages import msg


class CaseTimeout(BaseException):
    """Raised inside a case that runs past its time limit (a BaseException, so that a
    learner's ``except Exception`` cannot swallow it)."""


class Forbidden(PermissionError):
    """A submission tried to read grading files or
    start a process while it was graded."""


HAS_ALARM = hasattr(signal, "setitimer")  # False on Windows


@contextlib.contextmanager
def time_limit(seconds):
    """Stop the block with ``CaseTimeout`` after ``seconds``, in the
    main thread (elsewhere, no limit). SIGALRM where it exists; on
    Windows a timer thread interrupts the main thread, which stops
    Python code but not a long call into C (a big matrix product)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    if not HAS_ALARM:
        with _watchdog(seconds):
            yield
        return

    def handler(signum, frame):
        raise CaseTimeout()

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def _watchdog(seconds):
    """``time_limit`` without SIGALRM: a KeyboardInterrupt sent by a timer becomes
    ``CaseTimeout``; one that the timer did not send stays a KeyboardInterrupt."""
    import _thread

    lock, state = threading.Lock(), {"active": True, "fired": False}

    def fire():
        with lock:
            if state["active"]:
                state["fired"] = True
                _thread.interrupt_main()  # SIGINT: raises with the handler set below

    old_handler = _raise_on_sigint()
    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except KeyboardInterrupt:
        if state["fired"]:
            raise CaseTimeout() from None
        raise
    finally:
        with lock:
            state["active"] = False
        timer.cancel()
        if old_handler is not None:
            signal.signal(signal.SIGINT, old_handler)


def _raise_on_sigint():
    """Make SIGINT raise ``KeyboardInterrupt`` while a watchdog runs, even where it is
    ignored (``nohup``, a background job): ``interrupt_main`` respects ``SIG_IGN``.
    Returns the handler to restore, or None when nothing changed."""
    old = signal.getsignal(signal.SIGINT)
    if old is signal.default_int_handler or old is None:
        return None
    signal.signal(signal.SIGINT, signal.default_int_handler)
    return old


def one_line(err, width=100):
    """``TypeName: first line of the message``, shortened."""
    text = str(err).strip().splitlines()
    text = f"{type(err).__name__}: {text[0]}" if text else type(err).__name__
    return text if len(text) <= width else text[: width - 1] + "…"


def snapshot(value):
    """A copy of everything a function could mutate (tensors, containers, modules)."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (list, tuple)):
        return (
            type(value)(snapshot(v) for v in value)
            if isinstance(value, list)
            else tuple(snapshot(v) for v in value)
        )
    if isinstance(value, dict):
        return {k: snapshot(v) for k, v in value.items()}
    if isinstance(value, torch.nn.Module):
        return {k: v.detach().clone() for k, v in value.state_dict().items()}
    if isinstance(value, (int, float, str, bool, type(None))):
        return value
    return None  # functions and other objects: not compared


def unchanged(before, after):
    if isinstance(before, torch.Tensor):
        return (
            isinstance(after, torch.Tensor)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and torch.equal(before, after)
        )
    if isinstance(before, (list, tuple)):
        return (
            isinstance(after, (list, tuple))
            and len(before) == len(after)
            and all(unchanged(b, a) for b, a in zip(before, after))
        )
    if isinstance(before, dict):
        return (
            isinstance(after, dict)
            and set(before) == set(after)
            and all(unchanged(before[k], after[k]) for k in before)
        )
    return before is None or before == after


@dataclasses.dataclass
class CaseResult:
    name: str
    ok: bool
    kind: str  # passed, mismatch, wrong_type, not_implemented, raised, timeout,
    #                mutated, forbidden, shortcut, not_data, no_output
    ko: str
    en: str
    hidden: bool = False


def fractional_score(points, cases):
    """``points × passed / cases``, rounded to 0.01 (0 without cases)."""
    if not cases:
        return 0
    return round(points * sum(c.ok for c in cases) / len(cases), 2)


@dataclasses.dataclass
class ExerciseResult:
    id: str
    points: int
    cases: list

    @property
    def passed(self):
        return sum(c.ok for c in self.cases)

    @property
    def score(self):
        return fractional_score(self.points, self.cases)

    def kinds(self):
        return {c.kind for c in self.cases}


@dataclasses.dataclass
class Outcome:
    """What one call of a learner's function did: ``kind`` is ``returned`` (``value``
    holds the result) or why not (not_implemented, timeout, shortcut, forbidden,
    raised), with a message in both languages."""

    kind: str
    value: object = None
    ko: str = ""
    en: str = ""


def call(fn, args, kwargs, seconds, rule=None):
    """``fn(*args, **kwargs)`` under a time limit and the exercise's forbidden-shortcut
    rule; never raises (except KeyboardInterrupt)."""
    used = []
    try:
        with time_limit(seconds):
            with rules.watch(rule) as used:
                value = fn(*args, **kwargs)
    except NotImplementedError:
        return Outcome("not_implemented", None, *msg("not_implemented"))
    except CaseTimeout:
        return Outcome("timeout", None, *msg("timeout", seconds=f"{seconds:g}"))
    except KeyboardInterrupt:
        raise
    except rules.ShortcutUsed:
        used = used or [rule]
    except Forbidden:
        return Outcome("forbidden", None, *msg("forbidden"))
    except BaseException as err:  # noqa: BLE001 — a learner's SystemExit is a result too
        if not used:
            return Outcome("raised", None, *msg("raised", error=one_line(err)))
    if used:
        what = rules.WHAT[rule]
        return Outcome("shortcut", None, *msg(f"shortcut_{rule}", what=what))
    return Outcome("returned", value)


def run_case(fn, exercise, case, seconds, enforce_rules=True):
    """Run ``fn`` on one case in this process and compare with the oracle; return a
    ``CaseResult`` (never raises, except on KeyboardInterrupt). Used by ``check``."""
    with torch.random.fork_rng(devices=[]):
        args, kwargs = case.make()
        ref_args, ref_kwargs = case.make()
        expected = exercise.oracle(*ref_args, **ref_kwargs)
    before = snapshot((args, kwargs))
    outcome = call(fn, args, kwargs, seconds, exercise.rule if enforce_rules else None)
    if outcome.kind != "returned":
        return CaseResult(case.name, False, outcome.kind, outcome.ko, outcome.en)
    try:
        if case.check is not None:
            case.check(outcome.value, args)
        else:
            compare(
                expected,
                outcome.value,
                rtol=exercise.rtol,
                atol=exercise.atol,
                exact_dtype=exercise.exact_dtype,
            )
    except Mismatch as err:
        if not unchanged(before, snapshot((args, kwargs))):
            return _mutated(case, before, (args, kwargs))
        return mismatch_result(case.name, err)
    except BaseException as err:  # noqa: BLE001 — a lying result object is a wrong result
        return CaseResult(
            case.name, False, "mismatch", *msg("raised", error=one_line(err))
        )
    if not unchanged(before, snapshot((args, kwargs))):
        return _mutated(case, before, (args, kwargs))
    return CaseResult(case.name, True, "passed", *msg("passed"))


def mismatch_result(name, err):
    ko, en = err.args[0]
    wrong_type = "expected a " in en and "got a " in en
    return CaseResult(name, False, "wrong_type" if wrong_type else "mismatch", ko, en)


def _mutated(case, before, now):
    (args, _kwargs), (now_args, _now_kwargs) = before, now
    name = "?"
    for i, (b, a) in enumerate(zip(args, now_args)):
        if not unchanged(b, snapshot(a)):
            name = f"#{i + 1}"
            break
    return CaseResult(case.name, False, "mutated", *msg("mutated", name=name))


def run_exercise(fn, exercise, cases, seconds, hidden=(), enforce_rules=True):
    """All ``cases`` (then the ``hidden`` ones) of one exercise against ``fn``."""
    results = []
    for case in cases:
        results.append(run_case(fn, exercise, case, seconds, enforce_rules))
    for case in hidden:
        r = run_case(fn, exercise, case, seconds, enforce_rules)
        r.hidden = True
        results.append(r)
    return ExerciseResult(exercise.id, exercise.points, results)
