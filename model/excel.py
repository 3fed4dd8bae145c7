"""The Excel adapter: refresh the open workbook in place through xlwings.

Excel owns the formulas and charts; this reads the input sheets, merges the
data file with the same code as ``python -m model refresh``, and writes each
input block back in one call. When the timeline or the rows must grow, Excel's
copy cannot be extended cell by cell safely: the person is asked to close the
workbook and run the command line refresh, which extends it in place.
"""
from __future__ import annotations

from pathlib import Path

from . import DEFAULT_DATA
from .lenovo import spec
from .core.dataset import DataError
from .lenovo.data import load
from .lenovo.inputs import from_dataset
from .lenovo.layout import lay_out
from .core.grid import SOURCES_COLUMNS
from .core.reader import Cells, source_order, timeline
from .lenovo.reader import read_model_inputs
from .refresh import Report, _cell_of, merge

SHEETS = (spec.COVER, spec.INPUTS, spec.ASSUMPTIONS, spec.SENS, spec.SOURCES)


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


def refresh_book(book, data: str | Path = DEFAULT_DATA, take_data: bool = False) -> Report:
    """Refresh an open xlwings Book in place; tell the person what happened."""
    rep = Report(Path(book.fullname))
    try:
        sheets = {name: _cells(book.sheets[name]) for name in SHEETS}
        wb, problems, cleared = read_model_inputs(sheets)
        fresh = from_dataset(load(data))
    except DataError as exc:
        book.app.alert("The data file has problems; nothing was changed:\n" + "\n".join(exc.problems[:10]))
        return rep
    if problems:
        book.app.alert("These input cells cannot be used; nothing was changed:\n" + "\n".join(problems[:10]))
        return rep
    timelines = {s: timeline(s, sheets[s]) for s in (spec.INPUTS, spec.ASSUMPTIONS)}
    merged = merge(wb, cleared, fresh, take_data, rep,
                   lambda s, p, k: f"{s}!{_cell_of(timelines[s], p, k)}")
    lay = lay_out(merged, source_order(sheets[spec.SOURCES]))
    old = timeline(spec.INPUTS, sheets[spec.INPUTS])
    if rep.new_periods or [r.key for r in merged.rows] != [k for k in old.rows if "." in k]:
        book.app.alert("New quarters or rows arrived. Save and close the workbook, then run\n"
                       "    python -m model refresh " + book.fullname + "\nNothing was changed.")
        return rep
    last = lay.last_col
    body = range(spec.FIRST_BODY_ROW, spec.FIRST_BODY_ROW + len(merged.rows))
    cols = range(spec.FIRST_PERIOD_COL, last + 1)
    scen = [lay.row_of[s.key][1] for s in spec.SCENARIO_ROWS]
    src_rows = max(max(r for r, _ in lay.sheets[spec.SOURCES].cells),
                   max((r for r, _ in sheets[spec.SOURCES]), default=0))
    writes = [
        (spec.INPUTS, body, cols),
        (spec.ASSUMPTIONS, range(scen[0], scen[-1] + 1), cols),
        (spec.SOURCES, range(1, src_rows + 1), range(0, len(SOURCES_COLUMNS))),
    ]
    for sheet, rows, cs in writes:                       # one call per block
        book.sheets[sheet].range((rows.start + 1, cs.start + 1)).value = _block(
            lay, sheet, rows, cs, sheets[spec.SOURCES] if sheet == spec.SOURCES else None)
    rep.written = True
    book.app.alert("\n".join(rep.lines()))
    return rep
