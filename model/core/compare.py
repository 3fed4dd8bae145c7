"""What a recalculated cell is compared with its independent value by (every model's):
a mismatch names the sheet, the cell, what was expected and what the engine gave."""
from __future__ import annotations

import math
from dataclasses import dataclass

REL_TOL = 1e-9
ABS_TOL = 1e-6


@dataclass(frozen=True)
class Mismatch:
    sheet: str
    cell: str
    what: str
    expected: object
    got: object

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell} ({self.what}): expected {self.expected!r}, got {self.got!r}"


def _blank(v) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def same(expected, got) -> bool:
    """Blank equals blank; numbers within tolerance; nothing else is equal."""
    if _blank(expected):
        return _blank(got)
    if isinstance(expected, str):
        return got == expected
    if isinstance(got, bool) or not isinstance(got, (int, float)) or _blank(got):
        return False
    return math.isclose(float(expected), float(got), rel_tol=REL_TOL, abs_tol=ABS_TOL)
