"""Compare recalculated workbook values with the independent recomputation.

Cells are located by row code and period label in the recalculated values
themselves; a mismatch names the sheet, the cell, what was expected and what
the engine gave.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from . import spec
from .reader import Cells, ModelNotFound, find_label, sensitivity_axes, timeline
from .reference import Result

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
    if isinstance(got, bool) or not isinstance(got, (int, float)) or _blank(got):
        return False
    return math.isclose(float(expected), float(got), rel_tol=REL_TOL, abs_tol=ABS_TOL)


def compare(result: Result, values: dict[str, Cells], errors: dict[str, Cells] | None = None
            ) -> list[Mismatch]:
    """Every calculated cell of ``values`` against ``result``; errors count as mismatches."""
    errors = errors or {}
    out: list[Mismatch] = []

    def got(sheet, r, c):
        e = errors.get(sheet, {}).get((r, c))
        return e if e is not None else values[sheet].get((r, c))

    def check(sheet, r, c, what, exp):
        g = got(sheet, r, c)
        if not same(exp, g):
            out.append(Mismatch(sheet, xl_rowcol_to_cell(r, c), what, _show(exp), g))

    timelines = {s: timeline(s, values[s]) for s in (spec.CALCS, spec.CHECKS)}
    for sheet, frame in ((spec.CALCS, result.calcs), (spec.CHECKS, result.flags)):
        tl = timelines[sheet]
        rows = frame.to_dict("index")           # key -> {period: value}; far faster than .at
        for key in frame.index:
            if key not in tl.rows:
                raise ModelNotFound(f"{sheet}: no row coded {key!r} in column C")
            for label, c in tl.cols.items():
                check(sheet, tl.rows[key], c, f"{key} {label}", rows[key][label])
    tl = timelines[spec.CHECKS]
    for key, total in result.check_totals.items():
        check(spec.CHECKS, tl.rows[key], 4, f"{key} failures", total)
    master = find_label(values[spec.CHECKS], "MASTER CHECK: failing items across all checks (count)")
    check(spec.CHECKS, master, 4, "master check", result.master)
    sens = values[spec.SENS]
    qr, hr, margins, ints, c0 = sensitivity_axes(sens)
    for key, label, _ in spec.SENS_LOOKUPS:
        check(spec.SENS, find_label(sens, label), 4, key, result.sens_lookups.get(key))
    for i, m in enumerate(result.sens_grid.index):
        for j, k in enumerate(result.sens_grid.columns):
            check(spec.SENS, hr + 1 + i, c0 + j, f"margin {m:.4f} x intensity {k:.2f}",
                  result.sens_grid.iat[i, j])
    return out


def _show(v):
    return None if _blank(v) else float(v)
