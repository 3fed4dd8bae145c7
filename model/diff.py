"""A cell-level diff of two versions of a workbook, for reviewing a commit.

    inputs     figures and assumptions people typed (the model's input cells)
    formulas   a formula added, removed or rewritten (compared as normalised text)
    values     what a fresh LibreOffice recalculation shows in formula cells, when it moved
    text       labels, notes and sources
    sheets     added or removed

Each change names ``Sheet!Cell`` and, on timeline sheets, the row code and quarter.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from . import models
from .core.grid import is_input
from .core.reader import Cells, Formula, ModelNotFound, timeline
from .core.workbook import Workbook
from .core.formula import normalise
from .structure import expected_layout

KINDS = ("sheets", "inputs", "formulas", "values", "text")
TITLES = {"sheets": "Sheets added or removed", "inputs": "Inputs changed",
          "formulas": "Formulas changed", "values": "Values moved (fresh LibreOffice recalculation)",
          "text": "Text changed"}


@dataclass(frozen=True)
class Change:
    kind: str
    sheet: str
    cell: str
    context: str       # 'row code quarter' on timeline sheets, else ''
    old: object
    new: object

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where:18} {self.context:36} {_show(self.old)} -> {_show(self.new)}"


def _show(v) -> str:
    if v is None:
        return "(blank)"
    if isinstance(v, Formula):
        return str(v)
    if isinstance(v, float):
        return f"{v:,.6g}"
    return repr(v)


def _input_cells(cells: dict[str, Cells], m: models.Model) -> set[tuple[str, int, int]]:
    """The model's input cells for this version; empty when it is not a model workbook."""
    try:
        mi, _, _ = m.read_inputs(cells)
        lay, _ = expected_layout(cells, mi, m)
    except (ModelNotFound, KeyError, ValueError):
        return set()
    return {(name, r, c) for name, sh in lay.sheets.items()
            for (r, c), cell in sh.cells.items() if is_input(cell.style)}


def _contexts(cells: Cells, sheet: str, m: models.Model):
    import re
    try:
        tl = timeline(sheet, cells, re.compile(m.period_regex))
    except ModelNotFound:
        return lambda r, c: ""
    code = {r: k for k, r in tl.rows.items()}
    label = {c: p for p, c in tl.cols.items()}
    # a quarter names the cells below its header only (a block above it is not the timeline)
    return lambda r, c: " ".join(x for x in (code.get(r, ""), label.get(c, "") if r > tl.header_row else "")
                                 if x)


def _columns_by_quarter(a: Cells, b: Cells, sheet: str, m: models.Model):
    """(new column -> old column of the same quarter, or None for a quarter new to the sheet;
    the old sheet's quarter columns; the header row) where a sheet's quarters moved (the
    peers Comparison shows the latest 13: a new quarter shifts them one column left);
    ({}, set(), 0) where every quarter kept its column, so that cells compare by position."""
    import re
    try:
        ta = timeline(sheet, a, re.compile(m.period_regex))
        tb = timeline(sheet, b, re.compile(m.period_regex))
    except ModelNotFound:
        return {}, set(), 0
    if ta.header_row != tb.header_row or all(ta.cols.get(label, c) == c for label, c in tb.cols.items()):
        return {}, set(), 0
    return {c: ta.cols.get(label) for label, c in tb.cols.items()}, set(ta.cols.values()), tb.header_row


def _pairs(a: Cells, b: Cells, to_old: dict, old_cols: set, header: int):
    """((new row, new col), (old row, old col)) of every cell to compare, in order; a side's
    column is None where the quarter is not on it. Quarters are matched from the header row
    down; above it (a block of its own) cells compare by position."""
    if not to_old:
        return [(k, k) for k in sorted(set(a) | set(b))]
    to_new = {co: c for c, co in to_old.items() if co is not None}
    keys = set(b)
    gone = []
    for r, c in a:
        if r < header:
            keys.add((r, c))
        elif c in old_cols:
            if c in to_new:
                keys.add((r, to_new[c]))
            else:
                gone.append(((r, None), (r, c)))
        elif c not in to_old:
            keys.add((r, c))
    pairs = [((r, c), (r, to_old[c] if c in to_old and r >= header else c)) for r, c in sorted(keys)]
    return pairs + sorted(gone, key=lambda p: p[1])


def _moved(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a != b


def diff(old_path, new_path, engine=None) -> list[Change]:
    """Changes from ``old_path`` to ``new_path``; values moved only when a LibreOffice
    ``engine`` is given."""
    wa, wb = Workbook.read(old_path), Workbook.read(new_path)     # each file read once
    book_a, book_b = wa.book(styles=False), wb.book(styles=False)
    old, new = book_a.cells, book_b.cells
    ma, mb = models.of_book(wa), models.of_book(wb)
    # sheets by name, chart sheets included: LibreOffice saves a chart sheet as a worksheet
    # holding the chart, which is the same sheet to the person reading it
    sa, sb = list(book_a.states), list(book_b.states)
    out = [Change("sheets", s, "", "", None if s not in sa else "present",
                  None if s not in sb else "present")
           for s in sa + [s for s in sb if s not in sa] if (s in sa) != (s in sb)]
    inputs = _input_cells(old, ma) | _input_cells(new, mb)
    if ma.key != mb.key:
        out.insert(0, Change("sheets", "", "", "the model", ma.key, mb.key))
    for sheet in (s for s in sb if s in sa):
        a, b = old.get(sheet, {}), new.get(sheet, {})
        ctx = _contexts(b, sheet, mb)
        to_old, old_cols, header = _columns_by_quarter(a, b, sheet, mb)
        old_ctx = _contexts(a, sheet, ma)
        for (r, c), (ro, co) in _pairs(a, b, to_old, old_cols, header):
            va = a.get((ro, co)) if co is not None else None
            vb = b.get((r, c)) if c is not None else None
            if c is None:                    # a quarter no longer on this sheet: its old cell
                r, c = ro, co
                ctx_here = " ".join(x for x in (old_ctx(r, c), "(no longer shown)") if x)
            else:
                ctx_here = ctx(r, c)
            fa, fb = isinstance(va, Formula), isinstance(vb, Formula)
            if fa or fb:
                if not (fa and fb and normalise(va) == normalise(vb)):
                    out.append(Change("formulas", sheet, xl_rowcol_to_cell(r, c), ctx_here, va, vb))
            elif _moved(va, vb):
                kind = "inputs" if (sheet, r, c) in inputs else "text"
                out.append(Change(kind, sheet, xl_rowcol_to_cell(r, c), ctx_here, va, vb))
    if engine is not None:
        va_all, vb_all = engine.recalculate(old_path), engine.recalculate(new_path)
        for sheet in (s for s in new if s in old and s in va_all and s in vb_all):
            ctx = _contexts(new[sheet], sheet, mb)
            xa, xb = va_all[sheet], vb_all[sheet]
            to_old, _, header = _columns_by_quarter(old[sheet], new[sheet], sheet, mb)
            for r, c in sorted(k for k, v in new[sheet].items() if isinstance(v, Formula)):
                c_old = to_old.get(c, c) if r >= header else c
                ga = (xa.errors.get((r, c_old), xa.values.get((r, c_old))) if c_old is not None else None)
                gb = xb.errors.get((r, c), xb.values.get((r, c)))
                if _moved(ga, gb):
                    out.append(Change("values", sheet, xl_rowcol_to_cell(r, c), ctx(r, c), ga, gb))
    return out


def report(changes: list[Change], as_json: bool = False) -> str:
    if as_json:
        return json.dumps([asdict(c) | {"old": _show(c.old), "new": _show(c.new)} for c in changes],
                          indent=2)
    if not changes:
        return "no differences"
    lines = []
    for kind in KINDS:
        mine = [c for c in changes if c.kind == kind]
        if mine:
            lines.append(f"{TITLES[kind]} ({len(mine)})")
            lines += [f"  {c}" for c in mine]
    return "\n".join(lines)
