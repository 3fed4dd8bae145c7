"""Lay the toy model out on sheets with the shared helpers (model.core.layout, model.core.grid)."""
from __future__ import annotations

from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from model.core import grid
from model.core.formats import BASIS_MARK
from model.core.grid import C_CODE, C_LABEL, C_NOTE, C_UNIT, C_VALUE, FIRST_PERIOD_COL as P0
from model.core.inputs import ModelInputs
from model.core.layout import Layout, SheetLayout, calc_rows, check_row, cover_sheet, row_head
from . import spec

COVER_TEMPLATE = Path(__file__).resolve().parent / "cover.txt"


def _timeline_sheet(lay: Layout, name: str, title: str, value_head: str = "") -> SheetLayout:
    sh = SheetLayout(name, freeze=(grid.HEADER_ROW + 1, P0))
    sh.put(0, 0, title, "title")
    sh.put(1, 0, "US$ millions unless marked %.", "subtitle")
    for c, head in enumerate(grid.TIMELINE_HEADS + (value_head,)):
        sh.put(grid.HEADER_ROW, c, head, "header")
    for i, p in enumerate(lay.inputs.periods):
        sh.put(grid.HEADER_ROW, P0 + i, p.label, "header_period")
    sh.widths = {C_LABEL: 40, C_UNIT: 6, C_CODE: 16, C_NOTE: 8, C_VALUE: 12}
    sh.widths.update({c: 11 for c in range(P0, lay.last_col + 1)})
    lay.sheets[name] = sh
    return sh


def _sources(lay: Layout, order=None) -> dict[str, int]:
    mi = lay.inputs
    sh = SheetLayout(spec.SOURCES, freeze=(1, 0))
    lay.sheets[spec.SOURCES] = sh
    for c, col in enumerate(grid.SOURCES_COLUMNS):
        sh.put(0, c, col.head, "header")
        sh.widths[c] = col.width
    src, at = grid.SRC, dict(order or {})
    below = max(at.values(), default=0) + 1
    first: dict[str, int] = {}
    rank = {r.key: n for n, r in enumerate(spec.INPUT_ROWS)}
    for p, key, e in sorted(((p, k_, e) for (p, k_), e in mi.figures.items()
                             if e.data_value is not None or e.basis != "user"),
                            key=lambda t: (rank[t[1]], t[0])):
        n = at.get((p.label, key))
        if n is None:
            n, below = below, below + 1
        first[key] = min(first.get(key, n), n)
        sh.put(n, src["period"], p.label, "text")
        sh.put(n, src["entity"], spec.ENTITY, "text")
        sh.put(n, src["metric"], spec.INPUT_KEYS[key].metric, "text")
        sh.put(n, src["data_value"], e.data_value, "plain|$M")
        sh.put(n, src["unit"], "$M", "text")
        sh.put(n, src["basis"], e.data_basis or e.basis, "text")
        sh.put(n, src["source_title"], e.source_title, "text")
        url = e.source_url if e.source_url.lower().startswith(("http://", "https://")) else None
        sh.put(n, src["source_url"], e.source_url, "link" if url else "text", url=url)
        sh.put(n, src["data_row"], e.data_row, "plain|count")
    return first


def _inputs(lay: Layout, source_rows: dict[str, int]) -> None:
    mi = lay.inputs
    sh = _timeline_sheet(lay, spec.INPUTS, "Inputs", "Your notes")
    sh.put(grid.PERIOD_END_ROW, C_LABEL, "Quarter ends", "label")
    for i, p in enumerate(mi.periods):
        sh.put(grid.PERIOD_END_ROW, P0 + i, mi.period_ends.get(p), "date")
    for n, row in enumerate(spec.INPUT_ROWS):
        r = grid.FIRST_BODY_ROW + n
        lay.row_of[row.key] = (spec.INPUTS, r)
        row_head(sh, r, row.label, row.unit, row.key)
        if row.key in source_rows:
            sh.put(r, C_NOTE, grid.LINK_TEXT, "link", url=f"internal:{spec.SOURCES}!A{source_rows[row.key] + 1}")
        sh.put(r, C_VALUE, mi.notes.get(row.key), "input|text|reported")
        for i, p in enumerate(mi.periods):
            e = mi.figures.get((p, row.key))
            basis = e.basis if e and e.basis in BASIS_MARK else "reported"
            sh.put(r, P0 + i, e.value if e else None, f"input|{row.unit}|{basis}")


def _assumptions(lay: Layout) -> None:
    sh = SheetLayout(spec.ASSUMPTIONS, freeze=(grid.HEADER_ROW + 1, 0))
    lay.sheets[spec.ASSUMPTIONS] = sh
    sh.put(0, 0, "Assumptions", "title")
    for c, head in enumerate(grid.TIMELINE_HEADS + ("Value",)):
        sh.put(grid.HEADER_ROW, c, head, "header")
    sh.widths = {C_LABEL: 40, C_UNIT: 6, C_CODE: 16, C_NOTE: 4, C_VALUE: 12, P0: 60}
    for n, s in enumerate(spec.SCALARS):
        r = grid.SCALAR_FIRST_ROW + n
        lay.scalar_at[s.key] = (spec.ASSUMPTIONS, r, C_VALUE)
        row_head(sh, r, s.label, s.unit, s.key)
        sh.put(r, P0, s.note, "note")
        sh.put(r, C_VALUE, lay.inputs.scalars.get(s.key), f"input|{s.unit}|reported")


def _checks(lay: Layout) -> None:
    sh = _timeline_sheet(lay, spec.CHECKS, "Checks", "Failures")
    sh.protect = True
    mr, first = grid.HEADER_ROW + 1, grid.FIRST_BODY_ROW
    for n, chk in enumerate(spec.CHECKS_LIST):
        lay.row_of[chk.key] = (spec.CHECKS, first + n)
    last = first + len(spec.CHECKS_LIST) - 1
    total = xl_rowcol_to_cell(mr, C_VALUE, True, True)
    lay.master_check = (spec.CHECKS, mr, C_VALUE)
    sh.put(mr, C_LABEL, grid.MASTER_LABEL, "master_label")
    sh.put(mr, C_UNIT, "count", "unit")
    sh.formula(mr, C_NOTE, f'IF({total}=0,"OK","FAIL")', "master")
    sh.formula(mr, C_VALUE, f"SUM({xl_rowcol_to_cell(first, C_VALUE)}:{xl_rowcol_to_cell(last, C_VALUE)})",
               "check_total")
    for chk in spec.CHECKS_LIST:
        check_row(lay, sh, lay.row_of[chk.key][1], chk)


def lay_out(mi: ModelInputs, source_order=None) -> Layout:
    if not mi.periods:
        raise ValueError("no periods to lay out")
    from model import models
    lay = Layout(mi, model=models.get(spec.KEY))
    for name in spec.WORKSHEETS:
        lay.sheets[name] = SheetLayout(name)
    source_rows = _sources(lay, source_order)
    _inputs(lay, source_rows)
    lay.names["Periods"] = (f"{spec.INPUTS}!{xl_rowcol_to_cell(grid.HEADER_ROW, P0, True, True)}:"
                            f"{xl_rowcol_to_cell(grid.HEADER_ROW, lay.last_col, True, True)}")
    _assumptions(lay)
    calcs = _timeline_sheet(lay, spec.CALCS, "Calculations")
    calcs.protect = True
    calc_rows(lay, calcs, spec.CALC_ROWS)
    _checks(lay)
    cover_sheet(lay, spec.COVER, COVER_TEMPLATE)
    for name, key in spec.defined_names().items():
        lay.names[name] = lay.row_range(key)
    return lay
