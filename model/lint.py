"""Modelling-standard lints (FAST, ICAEW) over a workbook as saved.

    every formula:      numbers typed inside (0 and 1 allowed), volatile functions,
                        references to other workbooks
    the workbook:       hidden sheets, links to other workbooks, iterative calculation
    the model's layout: input cells unlocked and styled, calculation sheets protected
"""
from __future__ import annotations

from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import TokenizerError
from xlsxwriter.utility import xl_rowcol_to_cell

from .core import formats
from .core.layout import Layout
from .core.reader import Book, Formula
from .core.grid import is_input
from .rules import Finding, finding

VOLATILE = {"OFFSET", "INDIRECT", "NOW", "TODAY", "RAND", "RANDBETWEEN", "RANDARRAY", "CELL", "INFO"}
ALLOWED_NUMBERS = {0.0, 1.0}
INPUT_FILLS = {fill.lstrip("#").upper() for _, _, fill in formats.BASIS_MARK.values()}


def formula_findings(sheet: str, cell: str, text: str) -> list[Finding]:
    """Numbers typed in, volatile functions and external references in one formula."""
    try:
        tokens = Tokenizer(text).items
    except TokenizerError:
        return []       # unparseable text is left to the engine, which shows an error value
    out, numbers, volatile = [], [], []
    for t in tokens:
        if t.type == "OPERAND" and t.subtype == "NUMBER" and float(t.value) not in ALLOWED_NUMBERS:
            numbers.append(t.value)
        elif t.type == "FUNC" and t.subtype == "OPEN":
            name = t.value[:-1].upper().removeprefix("_XLFN.")
            if name in VOLATILE:
                volatile.append(name)
        elif t.type == "OPERAND" and t.subtype == "RANGE" and ("[" in t.value or "file:" in t.value):
            out.append(finding("LINT-EXTERNAL-LINK", sheet, cell,
                               f"refers to another workbook: {t.value}"))
    if numbers:
        out.append(finding("LINT-HARDCODED-NUMBER", sheet, cell,
                           f"the number {', '.join(numbers)} is typed inside the formula {text}; "
                           "put it in an input cell on Assumptions"))
    if volatile:
        out.append(finding("LINT-VOLATILE", sheet, cell,
                           f"uses {', '.join(volatile)}, which recalculates on every change and "
                           "hides what the cell depends on"))
    return out


def lint(book: Book, lay: Layout) -> list[Finding]:
    """All lint findings for ``book`` against the model's layout ``lay``."""
    out: list[Finding] = []
    for sheet, state in book.states.items():
        if state != "visible":
            out.append(finding("LINT-HIDDEN-SHEET", sheet, "",
                               f"the sheet is {state}; nothing in a model should be out of sight"))
    for sheet, spans in book.hidden.items():
        for span in spans:
            out.append(finding("LINT-HIDDEN-ROWCOL", sheet, span,
                               f"{'rows' if span[0].isdigit() else 'columns'} {span} are hidden; "
                               "nothing in a model should be out of sight (unhide, or group "
                               "without hiding)"))
    for target in book.external_links:
        out.append(finding("LINT-EXTERNAL-LINK", "", "", f"the workbook links to {target}"))
    if book.iterate:
        out.append(finding("LINT-ITERATIVE-CALC", "", "",
                           "iterative calculation is switched on (File > Options > Formulas); "
                           "switch it off so circular references show"))
    for sheet, cells in book.cells.items():
        own = lay.sheets[sheet].cells if sheet in lay.sheets else {}
        for (r, c), v in cells.items():
            mine = own.get((r, c))
            if isinstance(v, Formula) and not (mine and mine.formula and v[1:] == mine.value):
                out += formula_findings(sheet, xl_rowcol_to_cell(r, c), v)   # not the model's own
    for name, sh in lay.sheets.items():
        if name not in book.cells:
            continue
        if sh.protect and not book.protected.get(name, False):
            out.append(finding("LINT-UNPROTECTED", name, "",
                               "the sheet holds calculations but is not protected "
                               "(Review > Protect Sheet, no password)"))
        styles = book.styles.get(name, {})
        for (r, c), cell in sh.cells.items():
            if not is_input(cell.style):
                continue
            st = styles.get((r, c))
            where = xl_rowcol_to_cell(r, c)
            if st is None or st.locked:
                out.append(finding("LINT-INPUT-LOCKED", name, where,
                                   "an input cell is locked: people cannot type in it once the "
                                   "sheet is protected (Format Cells > Protection)"))
            if st is not None and st.fill not in INPUT_FILLS:
                out.append(finding("LINT-INPUT-UNSTYLED", name, where,
                                   "an input cell lost its input fill (yellow, or the tint of its "
                                   "basis), so it no longer looks like a cell to type in"))
    return out
