"""Compare a learner's result with the expected one,
with tolerances; say what differs."""

import math
import unicodedata

import torch

from .messages import msg
from .wire import Opaque

RTOL, ATOL = 1e-4, 1e-6


class Mismatch(Exception):
    """A result differs from the expected one; ``args[0]`` is ``(ko, en)``."""


def short(value, width=60):
    """A one-line, shortened repr (tensors as their rounded values)."""
    if isinstance(value, torch.Tensor):
        if value.numel() <= 8:
            text = f"tensor({[round(v, 4) for v in value.flatten().tolist()]}"
            text += f", shape={tuple(value.shape)})" if value.dim() != 1 else ")"
            if value.dim() == 0:
                text = f"tensor({round(value.item(), 4)})"
        else:
            text = f"tensor(shape={tuple(value.shape)}, dtype={str(value.dtype)[6:]})"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, str):
        text = "".join(_visible(ch) for ch in repr(value))
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _visible(ch):
    """Conjoining jamo and combining marks as escapes: on screen they merge with their
    neighbors, so '\u1112\u1161\u11ab' would look exactly like '한'."""
    if "\u1100" <= ch <= "\u11ff" or unicodedata.category(ch).startswith("M"):
        return f"\\u{ord(ch):04x}"
    return ch


def type_name(value):
    if isinstance(value, Opaque):
        return value.type_name
    return "tensor" if isinstance(value, torch.Tensor) else type(value).__name__


class _Located(Exception):
    """A mismatch inside a nested result: ``(where, (ko, en))``."""


def _fail(key, **fields):
    raise _Located(msg(key, **fields))


def compare(expected, got, path="", rtol=RTOL, atol=ATOL, exact_dtype=False):
    """Raise ``Mismatch`` when ``got`` differs from ``expected`` (``exact_dtype``: a
    tensor's dtype must be the expected one)."""
    try:
        _compare(expected, got, "", rtol, atol, exact_dtype)
    except _Located as err:
        ko, en = err.args[0]
        where = err.args[1] if len(err.args) > 1 else ""
        if where:
            ko, en = (
                msg("at", where=where, detail=ko)[0],
                msg("at", where=where, detail=en)[1],
            )
        raise Mismatch((ko, en)) from None


def _compare(expected, got, path, rtol, atol, exact_dtype=False):
    if isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            _fail("wrong_type", expected="tensor", got=type_name(got))
        if tuple(got.shape) != tuple(expected.shape):
            _fail("wrong_shape", expected=tuple(expected.shape), got=tuple(got.shape))
        if exact_dtype and got.dtype != expected.dtype:
            _fail(
                "wrong_dtype", expected=str(expected.dtype)[6:], got=str(got.dtype)[6:]
            )
        if (
            expected.is_floating_point() != got.is_floating_point()
            and not expected.is_floating_point()
        ):
            _fail(
                "wrong_type",
                expected=f"tensor of {str(expected.dtype)[6:]}",
                got=f"tensor of {str(got.dtype)[6:]}",
            )
        e = expected.detach().cpu().double()
        g = got.detach().cpu().double()
        if not torch.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True):
            _fail("mismatch", expected=short(expected), got=short(got))
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if type(got) is not type(expected) or got != expected:
            _fail("mismatch", expected=short(expected), got=short(got))
    elif isinstance(expected, (int, float)):
        if isinstance(got, torch.Tensor) and got.numel() == 1 and got.dim() == 0:
            got = got.item()
        elif hasattr(got, "item") and getattr(got, "ndim", None) == 0:
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            _fail("wrong_type", expected=type(expected).__name__, got=type_name(got))
        if (
            isinstance(expected, int)
            and isinstance(got, float)
            and not got.is_integer()
        ):
            _fail("mismatch", expected=short(expected), got=short(got))
        if not (
            math.isclose(got, expected, rel_tol=rtol, abs_tol=atol)
            or (math.isinf(expected) and got == expected)
        ):
            _fail("mismatch", expected=short(expected), got=short(got))
    elif isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)):
            _fail("wrong_type", expected=type(expected).__name__, got=type_name(got))
        if len(got) != len(expected):
            _fail("wrong_length", expected=len(expected), got=len(got))
        for i, (e, g) in enumerate(zip(expected, got)):
            _nested(e, g, f"{path}[{i}]", rtol, atol, exact_dtype)
    elif isinstance(expected, dict):
        if not isinstance(got, dict):
            _fail("wrong_type", expected="dict", got=type_name(got))
        if set(got) != set(expected):
            _fail(
                "wrong_keys",
                expected=short(sorted(expected)),
                got=short(sorted(map(str, got))),
            )
        for k in expected:
            _nested(expected[k], got[k], f"{path}[{k!r}]", rtol, atol, exact_dtype)
    else:
        if got != expected:
            _fail("mismatch", expected=short(expected), got=short(got))


def _nested(expected, got, path, rtol, atol, exact_dtype):
    try:
        _compare(expected, got, path, rtol, atol, exact_dtype)
    except _Located as err:
        if len(err.args) > 1:
            raise
        raise _Located(err.args[0], path) from None
