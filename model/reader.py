"""Read a workbook back as plain cells, and find the model in them.

Rows are found by the code in column C and periods by their header labels,
never by fixed addresses, so the reader works on any workbook this project
built and people then edited. The same functions read openpyxl's cells (the
file as saved) and LibreOffice's recalculated values.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from . import spec

Cells = dict[tuple[int, int], object]      # 0-based (row, col) -> value
_LABEL = re.compile(r"^FY\S+ Q[1-4]$")


class ModelNotFound(ValueError):
    """The workbook does not hold the model's sheets or rows; says where."""


def read_cells(path, data_only: bool = False) -> dict[str, Cells]:
    """Every worksheet's non-empty cells as saved in the file (formulas as '=...' text
    unless ``data_only``, which gives the values cached by the last program that saved it)."""
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    try:
        out = {}
        for ws in wb.worksheets:
            cells = {}
            for r, row in enumerate(ws.iter_rows(values_only=True)):
                for c, v in enumerate(row):
                    if v is not None and v != "":
                        cells[(r, c)] = v
            out[ws.title] = cells
        return out
    finally:
        wb.close()


@dataclass
class Timeline:
    """Where the periods and rows of one timeline sheet are."""
    sheet: str
    header_row: int
    cols: dict[str, int]     # period label -> column
    rows: dict[str, int]     # code (column C) -> row

    @property
    def labels(self) -> list[str]:
        return list(self.cols)


def timeline(sheet: str, cells: Cells) -> Timeline:
    """Find the header row (the row whose column C says 'Code') and the coded rows."""
    header = next((r for (r, c), v in cells.items() if c == 2 and v == "Code"), None)
    if header is None:
        raise ModelNotFound(f"{sheet}: no header row with 'Code' in column C")
    cols = {}
    for (r, c), v in sorted(cells.items()):
        if r == header and c >= spec.FIRST_PERIOD_COL and isinstance(v, str) and _LABEL.match(v):
            cols[v] = c
    rows = {}
    for (r, c), v in cells.items():
        if c == 2 and r > header and isinstance(v, str) and v:
            rows.setdefault(v, r)
    return Timeline(sheet, header, cols, rows)


def number(v) -> float:
    """A cell value as a float; NaN for blanks, text and errors."""
    if isinstance(v, bool) or v is None:
        return math.nan
    if isinstance(v, (int, float)):
        return float(v)
    return math.nan


def frame(tl: Timeline, cells: Cells, keys=None) -> pd.DataFrame:
    """Rows ``keys`` (default: all coded rows) x periods, as floats."""
    keys = list(tl.rows) if keys is None else keys
    data = {k: [number(cells.get((tl.rows[k], c))) for c in tl.cols.values()]
            for k in keys if k in tl.rows}
    return pd.DataFrame.from_dict(data, orient="index", columns=tl.labels)


@dataclass
class WorkbookInputs:
    """Everything a person can type, read from the workbook."""
    inputs: pd.DataFrame          # 'Entity.metric' x period
    scenarios: pd.DataFrame       # excsp_low/base/high x period
    scalars: dict
    sens_quarter: str
    sens_margins: list
    sens_intensities: list


def find_label(cells: Cells, text: str, col: int = 0) -> int | None:
    return next((r for (r, c), v in sorted(cells.items()) if c == col and v == text), None)


def sensitivity_axes(cells: Cells) -> tuple[int, int, list, list, int]:
    """(quarter row, header row, margins, intensities, first grid column) of the Sensitivity sheet."""
    qr = find_label(cells, "Quarter shown")
    hr = next((r for (r, c), v in cells.items() if c == 4 and v == "Margin \\ intensity"), None)
    if qr is None or hr is None:
        raise ModelNotFound(f"{spec.SENS}: the quarter selector or the grid header is missing")
    ints, c = [], spec.FIRST_PERIOD_COL
    while isinstance(cells.get((hr, c)), (int, float)):
        ints.append(float(cells[(hr, c)]))
        c += 1
    margins, r = [], hr + 1
    while isinstance(cells.get((r, 4)), (int, float)):
        margins.append(float(cells[(r, 4)]))
        r += 1
    return qr, hr, margins, ints, spec.FIRST_PERIOD_COL


def model_inputs(sheets: dict[str, Cells]) -> WorkbookInputs:
    """The inputs a recomputation needs, read from the workbook's cells."""
    for name in (spec.INPUTS, spec.ASSUMPTIONS, spec.SENS):
        if name not in sheets:
            raise ModelNotFound(f"the workbook has no {name!r} sheet")
    inp = sheets[spec.INPUTS]
    tl = timeline(spec.INPUTS, inp)
    inputs = frame(tl, inp, [k for k in tl.rows if "." in k])
    ass = sheets[spec.ASSUMPTIONS]
    atl = timeline(spec.ASSUMPTIONS, ass)
    names = {s.scenario: s.key for s in spec.SCENARIO_ROWS}
    scen = frame(atl, ass, [n for n in names if n in atl.rows]).rename(index=names)
    scalars = {}
    for s in spec.SCALARS:
        r = atl.rows.get(s.key)
        if r is None:
            raise ModelNotFound(f"{spec.ASSUMPTIONS}: no row coded {s.key!r} in column C")
        scalars[s.key] = ass.get((r, 4))
    sens = sheets[spec.SENS]
    qr, _, margins, ints, _ = sensitivity_axes(sens)
    return WorkbookInputs(inputs, scen, scalars, str(sens.get((qr, 4), "")), margins, ints)
