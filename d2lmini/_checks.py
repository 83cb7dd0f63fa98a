"""Argument checks that fail with one clear, bilingual
message (Korean line, then English: :func:`d2lmini.bilingual.lines`).

Every public function of d2lmini checks its arguments here, at its entrance: a
wrong kind of value raises ``TypeError``, a value of the right kind but out of
range raises ``ValueError``. Python and NumPy numbers (and 0-d tensors or arrays)
are accepted alike; NaN and infinity are rejected unless a check says otherwise.
"""

import math
import numbers
import warnings

import torch

from . import bilingual


def fail(ko, en, exc=ValueError):
    """Raise ``exc`` with the Korean message, then the English one."""
    raise exc(bilingual.lines(ko, en))


def warn(ko, en, stacklevel=3):
    """A bilingual ``UserWarning`` pointing at the caller's caller."""
    warnings.warn(bilingual.lines(ko, en), UserWarning, stacklevel=stacklevel)


def _kind(value):
    return type(value).__name__


def _scalar(value):
    """A 0-d tensor or array becomes its Python
    number; anything else is returned as is."""
    if isinstance(value, (torch.Tensor,)) or (
        hasattr(value, "ndim")
        and hasattr(value, "item")
        and not isinstance(value, numbers.Number)
    ):
        if getattr(value, "ndim", None) == 0:
            return value.item()
    return value


def _is_bool(value):
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def integer(name, value, low=None, high=None):
    """``value`` must be an integer (Python, NumPy or
    0-d tensor) in ``[low, high]``; → int."""
    value = _scalar(value)
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        hint = (
            f" (use int({value!r}))"
            if isinstance(value, float) and value.is_integer()
            else ""
        )
        fail(
            f"{name}은(는) 정수여야 합니다. 받은 값: {value!r} ({_kind(value)}){hint}",
            f"{name} must be an integer, got {value!r} ({_kind(value)}){hint}.",
            TypeError,
        )
    value = int(value)
    _in_range(name, value, low, high)
    return value


def positive_int(name, value):
    """``value`` must be an integer >= 1."""
    return integer(name, value, low=1)


def number(name, value, low=None, high=None, above=None, finite=True):
    """``value`` must be a real number (finite unless ``finite=False``) with
    ``low <= value <= high`` and ``value > above``; returns it as int or float."""
    value = _scalar(value)
    if _is_bool(value) or not isinstance(value, numbers.Real):
        fail(
            f"{name}은(는) 숫자여야 합니다. 받은 값: {value!r} ({_kind(value)})",
            f"{name} must be a number, got {value!r} ({_kind(value)}).",
            TypeError,
        )
    if isinstance(value, numbers.Integral):
        value = int(value)
        if abs(value) > 2**63:
            fail(f"{name}이(가) 너무 큽니다: {value}", f"{name} is too large: {value}.")
    else:
        value = float(value)
    if math.isnan(value) or (finite and math.isinf(value)):
        fail(
            f"{name}은(는) 유한한 수여야 합니다(NaN이나 "
            f"무한대는 안 됩니다). 받은 값: {value}",
            f"{name} must be a finite number, got {value}.",
        )
    if above is not None and not value > above:
        fail(
            f"{name}은(는) {above}보다 커야 합니다. 받은 값: {value}",
            f"{name} must be > {above}, got {value}.",
        )
    _in_range(name, value, low, high)
    return value


def non_negative(name, value):
    """``value`` must be a finite number >= 0."""
    return number(name, value, low=0)


def positive(name, value):
    """``value`` must be a finite number > 0."""
    return number(name, value, above=0)


def _in_range(name, value, low, high):
    if low is not None and value < low:
        fail(
            f"{name}은(는) {low} 이상이어야 합니다. 받은 값: {value}",
            f"{name} must be >= {low}, got {value}."
            if low != 1
            else f"{name} must be at least 1, got {value}.",
        )
    if high is not None and value > high:
        fail(
            f"{name}은(는) {high} 이하여야 합니다. 받은 값: {value}",
            f"{name} must be at most {high}, got {value}.",
        )


def choice(name, value, allowed):
    """``value`` must be one of ``allowed``."""
    try:
        ok = value in allowed
    except TypeError:  # an unhashable value looked up in a set
        ok = False
    if not ok:
        shown = ", ".join(repr(a) for a in allowed)
        fail(
            f"{name}은(는) {shown} 중 하나여야 합니다. 받은 값: {value!r}",
            f"{name} must be one of {shown}, got {value!r}.",
        )
    return value


def flag(name, value):
    """``value`` must be ``True`` or ``False``."""
    if not _is_bool(value):
        fail(
            f"{name}은(는) True나 False여야 합니다. 받은 값: {value!r}",
            f"{name} must be True or False, got {value!r}.",
            TypeError,
        )
    return bool(value)


def string(name, value, hint=""):
    """``value`` must be a ``str``."""
    if not isinstance(value, str):
        extra = (
            " (decode bytes with .decode('utf-8'))"
            if isinstance(value, bytes)
            else hint
        )
        fail(
            f"{name}은(는) 문자열이어야 합니다. 받은 형식: {_kind(value)}{extra}",
            f"{name} must be a string, got {_kind(value)}{extra}.",
            TypeError,
        )
    return value


def tensor(name, value, ndim=None, kind=None, shape=""):
    """``value`` must be a tensor with ``ndim`` axes (an int or a
    tuple of ints) and, if ``kind`` is ``"int"`` or ``"float"``,
    of that kind of dtype; ``shape`` describes it."""
    shape, shape_ko = (f" of shape {shape}", f"({shape} 모양)") if shape else ("", "")
    if not isinstance(value, torch.Tensor):
        fail(
            f"{name}은(는) torch 텐서{shape_ko}여야 합니다. 받은 형식: {_kind(value)} "
            f"(torch.tensor(...)로 바꾸세요).",
            f"{name} must be a torch tensor{shape}, got {_kind(value)} "
            f"(convert it with torch.tensor(...)).",
            TypeError,
        )
    is_int = (
        not value.is_floating_point()
        and not value.is_complex()
        and value.dtype != torch.bool
    )
    if kind == "int" and not is_int:
        fail(
            f"{name}은(는) 정수 토큰 인덱스{shape_ko}여야 합니다. 받은 "
            f"dtype: {value.dtype} (값이 인덱스라면 .long()으로 바꾸세요).",
            f"{name} must hold integer token ids{shape}, got dtype {value.dtype} "
            f"(convert with .long() only if the values are ids).",
            TypeError,
        )
    if kind == "float" and not value.is_floating_point():
        fail(
            f"{name}은(는) 실수 텐서{shape_ko}여야 합니다. 받은 dtype: {value.dtype} "
            f"(.float()을 쓰세요).",
            f"{name} must be a floating-point tensor{shape}, got dtype {value.dtype} "
            f"(use .float()).",
            TypeError,
        )
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if dims is not None and value.dim() not in dims:
        fail(
            f"{name}{shape_ko}은(는) 축이 {' 또는 '.join(map(str, dims))}개여야 "
            f"합니다. 받은 모양: {tuple(value.shape)}",
            f"{name} must have {' or '.join(map(str, dims))} axes{shape}, got shape "
            f"{tuple(value.shape)}.",
        )
    return value


def ids_in_range(name, ids, size, hint="", hint_ko=""):
    """Integer tensor ``ids`` must lie in ``0 … size - 1`` (and not be empty)."""
    if ids.numel() == 0:
        fail(
            f"{name}이(가) 비어 있습니다(모양 "
            f"{tuple(ids.shape)}). 토큰을 하나 이상 주세요.",
            f"{name} is empty (shape {tuple(ids.shape)}): give at least one token.",
        )
    low, high = (int(v) for v in torch.aminmax(ids))
    if low < 0 or high >= size:
        bad = low if low < 0 else high
        fail(
            f"{name}에 범위 0 … {size - 1} 밖의 토큰 "
            f"인덱스 {bad}이(가) 있습니다{hint_ko}.",
            f"{name} holds token id {bad}, outside 0 … {size - 1}{hint}.",
            IndexError,
        )
    return ids


def read_only(owner, name):
    """A property setter that refuses: ``name`` of
    ``owner`` is fixed at construction."""

    def refuse(self, value):
        fail(
            f"{name}은(는) 생성한 뒤에 바꿀 수 없습니다(데이터를 이미 그 "
            f"값으로 잘랐습니다). {owner}(..., {name}=...)으로 새로 만드세요.",
            f"{name} cannot be changed after construction (the data "
            f"were cut with it): make a new {owner}(..., {name}=...).",
            AttributeError,
        )

    return refuse
