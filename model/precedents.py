"""Which input cells a model cell depends on, followed through the layout's formulas: so a
check that fails can name the inputs to look at, not only the check."""
from __future__ import annotations

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import range_boundaries
from xlsxwriter.utility import xl_rowcol_to_cell

from .core.grid import C_CODE, FIRST_PERIOD_COL, HEADER_ROW, is_input

MAX_CELLS = 5000          # cells visited at most (a check reads a few rows of one quarter)


def _refs(formula: str, here: str, names: dict[str, str]):
    """(sheet, r0, c0, r1, c1), 0-based, of every reference in ``formula`` on sheet ``here``."""
    try:
        tokens = Tokenizer("=" + formula).items
    except Exception:
        return
    for t in tokens:
        if t.type != Token.OPERAND or t.subtype != Token.RANGE:
            continue
        text = names.get(t.value, t.value)
        sheet, bang, rng = text.rpartition("!")
        sheet = sheet.strip("'").replace("''", "'") if bang else here
        try:
            c0, r0, c1, r1 = range_boundaries(rng.replace("$", ""))
        except (ValueError, TypeError):
            continue
        if None in (c0, r0, c1, r1):
            continue
        yield sheet, r0 - 1, c0 - 1, r1 - 1, c1 - 1


def inputs_behind(lay, sheet: str, r: int, c: int) -> list[tuple[str, int, int]]:
    """The input cells (sheet, r, c) the model cell ``sheet!(r, c)`` depends on, in the
    order first met, following formulas through every sheet of the layout ``lay``."""
    seen, out, todo = set(), [], [(sheet, r, c)]
    while todo and len(seen) < MAX_CELLS:
        s, rr, cc = todo.pop(0)
        if (s, rr, cc) in seen:
            continue
        seen.add((s, rr, cc))
        cell = lay.sheets.get(s).cells.get((rr, cc)) if s in lay.sheets else None
        if cell is None:
            continue
        if is_input(cell.style):
            out.append((s, rr, cc))
            continue
        if not cell.formula:
            continue
        for s2, r0, c0, r1, c1 in _refs(str(cell.value), s, lay.names):
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 400:
                continue        # a whole-sheet or long range: a lookup, not this quarter's inputs
            todo += [(s2, i, j) for i in range(r0, r1 + 1) for j in range(c0, c1 + 1)]
    return out


def describe(lay, cells: list[tuple[str, int, int]], limit: int = 8, quarter: bool = True) -> str:
    """'Inputs!V12 (ISG.revenue FY2025/26 Q1), Assumptions!E8 (segment_tolerance)' ...;
    without the quarter's label when ``quarter`` is False."""
    parts = []
    for s, r, c in cells[:limit]:
        sh = lay.sheets[s].cells
        code = sh.get((r, C_CODE))
        head = sh.get((HEADER_ROW, c))
        bits = [x.value for x in (code, head if quarter and c >= FIRST_PERIOD_COL else None)
                if x is not None and isinstance(x.value, str) and x.value]
        what = " ".join(bits)
        parts.append(f"{s}!{xl_rowcol_to_cell(r, c)}" + (f" ({what})" if what else ""))
    more = len(cells) - limit
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")
