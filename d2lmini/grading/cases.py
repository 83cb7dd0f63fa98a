"""The cases a grading run uses, prepared in the grading parent: inputs as ``wire`` data
(sent to a submission) and expected results (kept here, never sent).

An instructor's private cases come from a JSON file (``grade --cases FILE``)::

    {"format": "d2lmini-cases/1",
     "cases": {
       "9.3-perplexity": [
         {"name": "two tokens", "args": [[-1.0, -2.0]]},
         {"name": "tensor input",
          "args": [{"tensor": [-0.5, -1.5], "dtype": "float32"}],
          "expected": 2.718281828}
       ],
       "9.4-rnn-step": [
         {"name": "random",
          "args": [{"randn": [2, 3], "seed": 1}, {"randn": [2, 4], "seed": 2},
                   {"randn": [3, 4], "seed": 3}, {"randn": [4, 4], "seed": 4},
                   {"zeros": [4]}]}
       ]}}

A value is JSON (numbers, strings, booleans, null, lists) or one of ``{"tensor": nested
list, "dtype": "float32"}``, ``{"randn": shape, "seed": s, "scale": 1.0}``,
``{"randint": [low, high], "shape": shape, "seed": s}``, ``{"zeros": shape}``,
``{"tuple": [...]}``, ``{"rnn": [inputs, hiddens], "seed": s}``,
``{"linear": [inputs, outputs], "seed": s}`` or ``{"toy_step": vocab_size, "seed": s}``.
``kwargs`` (an object of values) is optional. ``expected`` is optional: without it, the
reference implementation computes the answer.
"""

import dataclasses
import json
import pathlib

import torch

from . import wire
from .exercises import BY_ID, for_chapter
from .hidden import HIDDEN

FORMAT = "d2lmini-cases/1"


class CasesFileError(ValueError):
    """The instructor's case file is not in the documented format."""


@dataclasses.dataclass
class Prepared:
    """One case, ready: its name, where it comes from, its inputs as wire data and as
    plain values (to check mutation), and the expected result."""

    name: str
    origin: str  # public, hidden, private
    wire_input: object
    before: object
    expected: object


def prepare(exercise, case_list, origin):
    out = []
    for case in case_list:
        with torch.random.fork_rng(devices=[]):
            args, kwargs = (
                case.make()
                if callable(getattr(case, "make", None))
                else (case.args, case.kwargs)
            )
        data = wire.encode((tuple(args), dict(kwargs)), inputs=True)
        built_args, built_kwargs = wire.decode(data, build=True)
        expected = getattr(case, "expected", None)
        if expected is None:
            with torch.random.fork_rng(devices=[]):
                expected = exercise.oracle(*built_args, **built_kwargs)
        before = wire.decode(wire.encode((list(built_args), built_kwargs), inputs=True))
        out.append(Prepared(case.name, origin, data, before, expected))
    return out


def for_grading(chapter, private=None):
    """``[(exercise, [Prepared, ...]), ...]`` for a chapter: public, hidden, private."""
    plan = []
    for ex in for_chapter(chapter):
        cases = (
            prepare(ex, ex.cases, "public")
            + prepare(ex, HIDDEN.get(ex.id, ()), "hidden")
            + prepare(ex, (private or {}).get(ex.id, ()), "private")
        )
        plan.append((ex, cases))
    return plan


# ---------------------------------------------------------------- the instructor's file
@dataclasses.dataclass
class PrivateCase:
    name: str
    args: tuple
    kwargs: dict
    expected: object = None


def load(path):
    """``{exercise id: [PrivateCase, ...]}`` from the instructor's JSON file."""
    try:
        data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CasesFileError(f"{path}: cannot read it as JSON ({err})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CasesFileError(f'{path}: needs "format": "{FORMAT}"')
    cases = data.get("cases")
    if not isinstance(cases, dict):
        raise CasesFileError(f'{path}: "cases" must be an object of exercise ids')
    out = {}
    for ex_id, items in cases.items():
        if ex_id not in BY_ID:
            raise CasesFileError(f"{path}: unknown exercise {ex_id!r}")
        if not isinstance(items, list):
            raise CasesFileError(f"{path}: cases of {ex_id} must be a list")
        out[ex_id] = [_case(ex_id, i, item, path) for i, item in enumerate(items, 1)]
    _check_answers(out, path)
    return out


def _case(ex_id, i, item, path):
    where = f"{path}: {ex_id} case {i}"
    if not isinstance(item, dict) or not isinstance(item.get("args", []), list):
        raise CasesFileError(f'{where}: needs "args": [...]')
    try:
        args = tuple(value(v) for v in item.get("args", []))
        kwargs = {str(k): value(v) for k, v in item.get("kwargs", {}).items()}
        expected = value(item["expected"]) if "expected" in item else None
    except (TypeError, ValueError, KeyError, AttributeError, RuntimeError) as err:
        raise CasesFileError(f"{where}: {err}") from None
    return PrivateCase(str(item.get("name", f"private {i}")), args, kwargs, expected)


def value(v):
    """A case value from its JSON notation (see the module's docstring)."""
    if isinstance(v, list):
        return [value(x) for x in v]
    if not isinstance(v, dict):
        return v
    g = torch.Generator().manual_seed(int(v.get("seed", 0)))
    if "tensor" in v:
        return torch.tensor(v["tensor"], dtype=wire.DTYPES[v.get("dtype", "float32")])
    if "randn" in v:
        return torch.randn(*v["randn"], generator=g) * float(v.get("scale", 1.0))
    if "randint" in v:
        low, high = v["randint"]
        return torch.randint(low, high, tuple(v["shape"]), generator=g)
    if "zeros" in v:
        return torch.zeros(*v["zeros"], dtype=wire.DTYPES[v.get("dtype", "float32")])
    if "tuple" in v:
        return tuple(value(x) for x in v["tuple"])
    if "rnn" in v or "linear" in v:
        kind = "rnn" if "rnn" in v else "linear"
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(v.get("seed", 0)))
            return (torch.nn.RNN if kind == "rnn" else torch.nn.Linear)(*v[kind])
    if "toy_step" in v:
        size = int(v["toy_step"])
        return wire.ToyStep(torch.randn(size, size, generator=g))
    raise ValueError(f"unknown value {json.dumps(v)[:60]}")


def _check_answers(private, path):
    """Every private case runs through the reference implementation (a typo shows now,
    not as a zero in every learner's row)."""
    for ex_id, items in private.items():
        try:
            prepare(BY_ID[ex_id], items, "private")
        except Exception as err:  # noqa: BLE001 — any failure is a problem of the file
            raise CasesFileError(
                f"{path}: {ex_id}: the reference implementation fails on a case"
                f" ({type(err).__name__}: {err})"
            ) from None
