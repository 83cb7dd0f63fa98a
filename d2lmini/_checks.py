"""Argument checks that fail with one clear, bilingual message."""


def fail(en, ko, exc=ValueError):
    """Raise ``exc`` with the English message, then the Korean one."""
    raise exc(f"{en}\n{ko}")


def positive_int(name, value):
    """``value`` must be an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, int):
        fail(f"{name} must be an integer, got {value!r}.",
             f"{name}은(는) 정수여야 합니다. 받은 값: {value!r}", TypeError)
    if value < 1:
        fail(f"{name} must be at least 1, got {value}.",
             f"{name}은(는) 1 이상이어야 합니다. 받은 값: {value}")
    return value


def non_negative(name, value):
    """``value`` must be a number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(f"{name} must be a number, got {value!r}.",
             f"{name}은(는) 숫자여야 합니다. 받은 값: {value!r}", TypeError)
    if value < 0:
        fail(f"{name} must be >= 0, got {value}.",
             f"{name}은(는) 0 이상이어야 합니다. 받은 값: {value}")
    return value


def choice(name, value, allowed):
    """``value`` must be one of ``allowed``."""
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        fail(f"{name} must be one of {shown}, got {value!r}.",
             f"{name}은(는) {shown} 중 하나여야 합니다. 받은 값: {value!r}")
    return value
