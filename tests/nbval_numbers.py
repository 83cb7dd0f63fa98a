"""nbval compares the numbers in text outputs within a
tolerance; everything else exactly.

Stored outputs come from one processor. Another one (a learner's laptop, Colab, CI) sums
float32 values in another order, so the last printed digit of a result can differ, and a
long training run can drift by a fraction of a percent. The rule, for every text output
(``stdout``/``stderr``, ``text/plain``, ``text/html``, ``text/markdown``):

* The text between the numbers must be identical.
* Integers (no decimal point, no exponent) must be identical.
* A decimal number may differ from the stored one by one unit in its last printed digit
  (float noise at print precision: ``0.1235`` against ``0.1234``).
* A cell tagged ``nbval-rtol=R`` (for example ``nbval-rtol=0.03``) allows every number,
  integers too, a relative difference R on top of that, and
  compares runs of white space as one space (a number that gains a
  digit shifts the columns). The cell says why in a comment.

``NumericText`` is a ``str`` whose ``==`` applies this rule; nbval's own comparison
and its diff report stay as they are, because ``sanitize`` returns these strings.
"""

from __future__ import annotations

import math
import re

import nbval.plugin

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
SPACES = re.compile(r"\s+")
RTOL_TAG = re.compile(r"^nbval-rtol=(\d+(?:\.\d*)?(?:[eE]-?\d+)?)$")


def cell_rtol(cell) -> float:
    """The relative tolerance a cell's ``nbval-rtol=R`` tag asks for (0 without one)."""
    tags = cell.get("metadata", {}).get("tags", []) or []
    found = [float(m.group(1)) for m in map(RTOL_TAG.match, tags) if m]
    if len(found) > 1:
        raise ValueError(f"a cell has more than one nbval-rtol tag: {tags}")
    if found and not 0 <= found[0] < 1:
        raise ValueError(f"nbval-rtol must be in [0, 1): {found[0]}")
    return found[0] if found else 0.0


def last_digit_unit(token: str) -> float:
    """One unit in the last printed digit of a decimal token; 0 for an integer."""
    mantissa, _, exponent = token.lower().partition("e")
    if "." not in mantissa and not exponent:
        return 0.0
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def numbers_agree(stored: str, computed: str, rtol: float) -> bool:
    a, b = float(stored), float(computed)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    slack = max(last_digit_unit(stored), last_digit_unit(computed))
    # (1 + 1e-9): 0.1235 - 0.1234 is a hair above 1e-4 in binary floating point
    return abs(a - b) <= (slack + rtol * max(abs(a), abs(b))) * (1 + 1e-9)


def texts_agree(stored: str, computed: str, rtol: float = 0.0) -> bool:
    """Do two output texts agree under the rule in this module's docstring?"""
    if stored == computed:
        return True
    between_a, between_b = NUMBER.split(stored), NUMBER.split(computed)
    if rtol:
        between_a = [SPACES.sub(" ", s) for s in between_a]
        between_b = [SPACES.sub(" ", s) for s in between_b]
    if between_a != between_b:
        return False
    for x, y in zip(NUMBER.findall(stored), NUMBER.findall(computed)):
        if last_digit_unit(x) == last_digit_unit(y) == 0 and not rtol:
            if int(x) != int(y):
                return False
        elif not numbers_agree(x, y, rtol):
            return False
    return True


class NumericText(str):
    """A text output whose ``==`` compares numbers within the cell's tolerance."""

    rtol = 0.0

    def __new__(cls, text, rtol=0.0):
        self = super().__new__(cls, text)
        self.rtol = rtol
        return self

    def __eq__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        rtol = max(self.rtol, getattr(other, "rtol", 0.0))
        return texts_agree(str(self), str(other), rtol)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__


def install():
    """Make nbval's cells compare text outputs with ``NumericText``."""
    original = nbval.plugin.IPyNbCell.sanitize
    if getattr(original, "numeric_text", False):
        return

    def sanitize(self, s):
        s = original(self, s)
        return NumericText(s, cell_rtol(self.cell)) if isinstance(s, str) else s

    sanitize.numeric_text = True
    nbval.plugin.IPyNbCell.sanitize = sanitize
