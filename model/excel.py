"""The Excel adapter: refresh the open workbook in place through xlwings.

Excel owns the formulas and charts; this reads the input sheets, merges the
data file with the same code as ``python -m model refresh``, and writes each
input block back in one call. When the timeline or the rows must grow, Excel's
copy cannot be extended cell by cell safely: the person is asked to close the
workbook and run the command line refresh, which extends it in place.
"""
from __future__ import annotations

from pathlib import Path

import re

from . import models
from .core.dataset import DataError
from .core.grid import FIRST_BODY_ROW, FIRST_PERIOD_COL, SOURCES_COLUMNS
from .core.reader import Cells, source_order, timeline
from .refresh import Report, _cell_of, merge


def twin_model() -> models.Model:
    """The model whose workbook has the .xlsm twin with the Refresh button."""
    return next(m for m in models.all_models() if m.macro_twin)


def sheets_read(m: models.Model) -> tuple[str, ...]:
    """The sheets the adapter reads from the open workbook."""
    return tuple(s for s in (m.cover, m.inputs, m.assumptions, m.sensitivity, m.sources) if s)


def _cells(sheet) -> Cells:
    """A sheet's used range as 0-based cells (xlwings gives a scalar for one cell)."""
    rng = sheet.used_range
    values = rng.value
    if not isinstance(values, list):
        values = [[values]]
    elif values and not isinstance(values[0], list):
        values = [values]
    r0, c0 = rng.row - 1, rng.column - 1
    return {(r0 + r, c0 + c): v for r, row in enumerate(values) for c, v in enumerate(row)
            if v is not None and v != ""}


def _block(lay, sheet: str, rows: range, cols: range, keep: Cells | None = None) -> list[list]:
    """The layout's values over a block; rows the layout does not fill keep ``keep``'s
    (a Sources row recording a figure a person cleared stays as it was)."""
    cells = lay.sheets[sheet].cells
    used = {r for r, _ in cells}
    keep = keep or {}
    return [[(cells[(r, c)].value if (r, c) in cells else None) if r in used else keep.get((r, c))
             for c in cols] for r in rows]


def refresh_book(book, data: str | Path | None = None, take_data: bool = False) -> Report:
    """Refresh an open xlwings Book in place; tell the person what happened."""
    m = twin_model()
    rep = Report(Path(book.fullname))
    try:
        sheets = {name: _cells(book.sheets[name]) for name in sheets_read(m)}
        wb, problems, cleared = m.read_inputs(sheets)
        fresh = m.from_dataset(m.load(m.default_data if data is None else data))
    except DataError as exc:
        book.app.alert("The data file has problems; nothing was changed:\n" + "\n".join(exc.problems[:10]))
        return rep
    if problems:
        book.app.alert("These input cells cannot be used; nothing was changed:\n" + "\n".join(problems[:10]))
        return rep
    pattern = re.compile(m.period_regex)
    timelines = {s: timeline(s, sheets[s], pattern) for s in (m.inputs, m.assumptions)}
    merged = merge(wb, cleared, fresh, take_data, rep,
                   lambda s, p, k: f"{s}!{_cell_of(timelines[s], p, k, m)}", None, m)
    lay = m.lay_out(merged, source_order(sheets[m.sources]))
    old = timelines[m.inputs]
    if rep.new_periods or [r.key for r in merged.rows] != [k for k in old.rows if "." in k]:
        book.app.alert("New quarters or rows arrived. Save and close the workbook, then run\n"
                       "    python -m model refresh " + book.fullname + "\nNothing was changed.")
        return rep
    last = lay.last_col
    body = range(FIRST_BODY_ROW, FIRST_BODY_ROW + len(merged.rows))
    cols = range(FIRST_PERIOD_COL, last + 1)
    scen = [lay.row_of[s.key][1] for s in m.scenario_rows]
    src_rows = max(max(r for r, _ in lay.sheets[m.sources].cells),
                   max((r for r, _ in sheets[m.sources]), default=0))
    writes = [
        (m.inputs, body, cols),
        (m.assumptions, range(scen[0], scen[-1] + 1), cols),
        (m.sources, range(1, src_rows + 1), range(0, len(SOURCES_COLUMNS))),
    ]
    for sheet, rows, cs in writes:                       # one call per block
        book.sheets[sheet].range((rows.start + 1, cs.start + 1)).value = _block(
            lay, sheet, rows, cs, sheets[m.sources] if sheet == m.sources else None)
    rep.written = True
    book.app.alert("\n".join(rep.lines()))
    return rep
