"""The toy model recomputed independently in plain Python (not from the formulas): what every
calculated cell and check should show; compared with a recalculated workbook, and stored as
the formulas' cached values."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from model.core import grid
from model.core.compare import Mismatch, same
from model.core.reader import find_label, timeline
from . import spec


@dataclass
class Expected:
    labels: list[str]
    calcs: dict[str, dict[str, float | None]]     # row code -> period label -> value
    flags: dict[str, dict[str, int]]
    check_totals: dict[str, int]
    master: int

    @property
    def covered(self) -> set[str]:
        return set(self.calcs) | set(self.flags) | set(self.check_totals)


def reference(mi) -> Expected:
    labels = [p.label for p in mi.periods]
    fig = {(p.label, key): e.value for (p, key), e in mi.figures.items()}
    bound = mi.scalars.get("margin_bound")
    gp, gm, cost_flag, margin_flag = {}, {}, {}, {}
    for lab in labels:
        rev, cost = fig.get((lab, "Toy.revenue")), fig.get((lab, "Toy.cost"))
        gp[lab] = None if rev is None or cost is None else rev - cost
        gm[lab] = None if gp[lab] is None or not rev else gp[lab] / rev
        cost_flag[lab] = int(cost is not None and cost < 0)
        margin_flag[lab] = int(gm[lab] is not None and abs(gm[lab]) > bound)
    flags = {"cost_sign": cost_flag, "margin_bounds": margin_flag}
    totals = {k: sum(v.values()) for k, v in flags.items()}
    return Expected(labels, {"gross_profit": gp, "gross_margin": gm}, flags, totals, sum(totals.values()))


def compare(expected: Expected, values: dict, errors: dict | None = None, lay=None) -> list[Mismatch]:
    """Every calculated cell of the recalculated ``values`` against ``expected``, found by the
    row codes and period labels in the values themselves."""
    errors, out = errors or {}, []

    def check(sheet, r, c, what, exp):
        got = errors.get(sheet, {}).get((r, c), values.get(sheet, {}).get((r, c)))
        if not same(exp, got):
            out.append(Mismatch(sheet, xl_rowcol_to_cell(r, c), what, exp, got))

    pattern = re.compile(spec.PERIOD_REGEX)
    for sheet, rows in ((spec.CALCS, expected.calcs), (spec.CHECKS, expected.flags)):
        tl = timeline(sheet, values.get(sheet, {}), pattern)
        for key, by in rows.items():
            if key not in tl.rows:
                out.append(Mismatch(sheet, "?", f"row {key}", "a row coded so", None))
                continue
            for lab, c in tl.cols.items():
                if lab in by:
                    check(sheet, tl.rows[key], c, f"{key} {lab}", by[lab])
    tl = timeline(spec.CHECKS, values.get(spec.CHECKS, {}), pattern)
    for key, total in expected.check_totals.items():
        if key in tl.rows:
            check(spec.CHECKS, tl.rows[key], grid.C_VALUE, f"{key} failures", total)
    master = find_label(values.get(spec.CHECKS, {}), grid.MASTER_LABEL)
    if master is not None:
        check(spec.CHECKS, master, grid.C_VALUE, "master check", expected.master)
    return out


def cached(lay, expected: Expected) -> dict[tuple[str, int, int], object]:
    out = {}
    for rows in (expected.calcs, expected.flags):
        for key, by in rows.items():
            sheet, r = lay.row_of[key]
            for lab, v in by.items():
                out[(sheet, r, lay.col_of(lab))] = "" if v is None or (isinstance(v, float) and math.isnan(v)) else v
    for key, total in expected.check_totals.items():
        sheet, r = lay.row_of[key]
        out[(sheet, r, grid.C_VALUE)] = total
    s, r, c = lay.master_check
    out[(s, r, c)] = expected.master
    out[(s, r, c - 1)] = "OK" if expected.master == 0 else "FAIL"
    return out
