"""Compare recalculated workbook values with the independent recomputation.

Cells are located by row code and period label in the recalculated values
themselves; a mismatch names the sheet, the cell, what was expected and what
the engine gave.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_rowcol_to_cell

from ..core.compare import Mismatch, _blank, same
from ..core.grid import C_VALUE, MASTER_LABEL
from ..core.reader import Cells, find_label, timeline
from . import spec
from .layout import S_CODE_COL, S_LIST_COL
from .reader import PERIOD, sensitivity_axes

if TYPE_CHECKING:
    from .reference import Result


def compare(result: Result, values: dict[str, Cells], errors: dict[str, Cells] | None = None,
            lay=None) -> list[Mismatch]:
    """Every calculated cell of ``values`` against ``result``; errors count as mismatches.
    Rows are found by their code and periods by their label; where a person changed a
    code or label (reported by the structure check), at the model's position in the
    layout ``lay`` when given, else not compared. Rows that
    ``result`` does not know are left to the caller (model.audit)."""
    errors = errors or {}
    out: list[Mismatch] = []

    def got(sheet, r, c):
        e = errors.get(sheet, {}).get((r, c))
        return e if e is not None else values[sheet].get((r, c))

    def check(sheet, r, c, what, exp):
        g = got(sheet, r, c)
        if not same(exp, g):
            out.append(Mismatch(sheet, xl_rowcol_to_cell(r, c), what, _show(exp), g))

    def row_of(sheet, tl, key):
        if key in tl.rows:
            return tl.rows[key]
        if lay is not None and lay.row_of.get(key, ("", 0))[0] == sheet:
            return lay.row_of[key][1]
        return None

    timelines = {s: timeline(s, values.get(s, {}), PERIOD) for s in (spec.CALCS, spec.CHECKS)}
    for sheet, frame in ((spec.CALCS, result.calcs), (spec.CHECKS, result.flags)):
        tl = timelines[sheet]
        rows = frame.to_dict("index")           # key -> {period: value}; far faster than .at
        for key in frame.index:
            r = row_of(sheet, tl, key)
            if r is None:
                continue        # the code was changed: the structure check reports it
            for label, c in tl.cols.items():
                if label in rows[key]:
                    check(sheet, r, c, f"{key} {label}", rows[key][label])
    tl = timelines[spec.CHECKS]
    for key, total in result.check_totals.items():
        r = row_of(spec.CHECKS, tl, key)
        if r is not None:
            check(spec.CHECKS, r, C_VALUE, f"{key} failures", total)
    master = find_label(values[spec.CHECKS], MASTER_LABEL)
    if master is None and lay is not None:
        master = lay.master_check[1]
    if master is not None:
        check(spec.CHECKS, master, C_VALUE, "master check", result.master)
    sens = values[spec.SENS]
    qr, hr, margins, ints, c0 = sensitivity_axes(sens)
    for n, (key, label, _) in enumerate(spec.SENS_LOOKUPS):
        r = find_label(sens, label)
        check(spec.SENS, qr + 2 + n if r is None else r, 4, key, result.sens_lookups.get(key))
    for i, m in enumerate(result.sens_grid.index):
        for j, k in enumerate(result.sens_grid.columns):
            check(spec.SENS, hr + 1 + i, c0 + j, f"margin {m:.4f} x intensity {k:.2f}",
                  result.sens_grid.iat[i, j])
    if result.feeds is not None and spec.CHART_DATA in values:
        tl = timeline(spec.CHART_DATA, values[spec.CHART_DATA], PERIOD)
        rows = result.feeds.to_dict("index")
        for key in result.feeds.index:
            r = tl.rows.get(key)
            for label, c in tl.cols.items():
                if r is None or label not in rows[key]:
                    continue
                exp = rows[key][label]
                g = got(spec.CHART_DATA, r, c)
                if _blank(exp) and g != "#N/A" or not _blank(exp) and not same(exp, g):
                    out.append(Mismatch(spec.CHART_DATA, xl_rowcol_to_cell(r, c), f"{key} {label}",
                                        "#N/A" if _blank(exp) else float(exp), g))
    codes = {v: r for (r, c), v in sens.items() if c == 2 and isinstance(v, str)}
    for key, exp in (result.sens_extra or {}).items():
        if key in codes:
            check(spec.SENS, codes[key], 4, key, exp)
    summary = values.get("Summary")
    if summary is None or result.summary is None:
        return out
    # rows found by their code in column C, values from column D on
    for sheet, expected in (("Summary", result.summary), ("Outlook", result.outlook),
                            ("Annual", result.annual)):
        cells = values.get(sheet)
        if cells is None or expected is None:
            continue
        cc = S_CODE_COL if sheet == "Summary" else 2
        rows = {v: r for (r, c), v in cells.items() if c == cc and isinstance(v, str)}
        for code, exp in expected.items():
            if code in rows:
                for j, e in enumerate(exp):
                    check(sheet, rows[code], 3 + j, f"{sheet} {code}", e)
    for i, q in enumerate(result.summary_list or []):
        check("Summary", 3 + i, S_LIST_COL, f"quarter with an answer no. {i + 1}", q)
    return out


def _show(v):
    return None if _blank(v) else v if isinstance(v, str) else float(v)
