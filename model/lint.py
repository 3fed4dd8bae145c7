"""Modelling-standard lints (FAST, ICAEW) over a workbook as saved.

    every formula:      numbers typed inside (0 and 1 allowed), volatile functions,
                        references to other workbooks, forms spreadsheet engines compute
                        differently (portability_problems; /work notes: engines.md)
    the workbook:       hidden sheets, links to other workbooks, iterative calculation
    the model's layout: input cells unlocked and styled, calculation sheets protected
"""
from __future__ import annotations

import re

from xlsxwriter.utility import xl_rowcol_to_cell

from .core import formats
from .core.layout import Layout
from .core.reader import Book, Formula
from .core.grid import is_input
from .rules import Finding, finding

VOLATILE = {"OFFSET", "INDIRECT", "NOW", "TODAY", "RAND", "RANDBETWEEN", "RANDARRAY", "CELL", "INFO"}
ALLOWED_NUMBERS = {0.0, 1.0}
INPUT_FILLS = {fill.lstrip("#").upper() for _, _, fill in formats.BASIS_MARK.values()}


IS_FUNCTIONS = {"ISERROR", "ISERR", "ISNA", "ISTEXT", "ISNUMBER", "ISNONTEXT", "ISBLANK", "ISLOGICAL",
                "ISREF", "ISEVEN", "ISODD", "ISFORMULA"}
SUMMING = {"SUMPRODUCT", "SUM"}
ARRAY_CONTEXT = SUMMING | {"PRODUCT", "SUMSQ", "MMULT", "TRANSPOSE", "MAX", "MIN", "AVERAGE", "COUNT",
                           "COUNTA", "SMALL", "LARGE", "MATCH", "LOOKUP", "FREQUENCY"}
_CELL = re.compile(r"\$?([A-Z]{1,3})?\$?(\d+)?")


def _span(ref: str, names: dict[str, str]) -> tuple[int, int] | None:
    """(rows, columns) a reference or defined name spans (a large number for a whole row or
    column); None when it cannot be told (a name of something else, a function's result)."""
    if "!" not in ref and ":" not in ref and ref in names:
        ref = names[ref]
    ref = ref.rpartition("!")[2].replace("'", "")
    a, colon, b = ref.partition(":")
    ma, mb = _CELL.fullmatch(a), _CELL.fullmatch(b or a)
    if not ma or not mb or not (ma.group(0) and mb.group(0)):
        return None
    def col(letters):
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        return n
    big = 1 << 20
    rows = big if not (ma.group(2) and mb.group(2)) else abs(int(mb.group(2)) - int(ma.group(2))) + 1
    cols = big if not (ma.group(1) and mb.group(1)) else abs(col(mb.group(1)) - col(ma.group(1))) + 1
    return rows, cols


def portability_problems(tokens, names: dict[str, str] | None = None) -> list[str]:
    """The forms in a formula (openpyxl tokens) that spreadsheet engines compute differently,
    each as a sentence: an IS* function of a range inside SUMPRODUCT or SUM (IronCalc
    intersects the range, formualizer gives one FALSE), COLUMN or ROW of a range in an array
    context (formualizer gives the first), COUNTIF(r,"*") (LibreOffice counts blanks), and
    INDEX over one row with one index (Gnumeric gives #REF!; INDEX(r,1,n) works everywhere)."""
    names = names or {}
    out: list[str] = []
    stack: list[dict] = []            # open functions and parentheses

    def multi(arg) -> bool:
        for t in arg:
            if t.type == "OPERAND" and t.subtype == "RANGE":
                s = _span(t.value, names)
                if s is not None and s[0] * s[1] > 1:
                    return True
        return False

    for t in tokens:
        if t.type == "FUNC" and t.subtype == "OPEN":
            stack.append({"name": t.value[:-1].upper().removeprefix("_XLFN."), "args": [[]]})
            continue
        if t.type == "PAREN" and t.subtype == "OPEN":
            stack.append({"name": "", "args": [[]]})
            continue
        if t.type == "SEP" and t.subtype == "ARG" and stack:
            stack[-1]["args"].append([])
            continue
        if t.subtype == "CLOSE" and t.type in ("FUNC", "PAREN") and stack:
            f = stack.pop()
            name, args = f["name"], f["args"]
            outer = {g["name"] for g in stack}
            if name in IS_FUNCTIONS and outer & SUMMING and any(multi(a) for a in args):
                out.append(f"{name} of a range inside {'SUMPRODUCT' if 'SUMPRODUCT' in outer else 'SUM'} "
                           "(IronCalc and formualizer give one value; count errors with "
                           "SUMPRODUCT(IFERROR((r=r)*0,1)), non-numbers with COUNTA(r)-COUNT(r))")
            elif name in ("COLUMN", "ROW") and outer & ARRAY_CONTEXT and args and multi(args[0]):
                out.append(f"{name} of a range in an array context (formualizer gives the first "
                           f"{name.lower()}; use an expanding range such as SUM($F$5:F5))")
            elif name in ("COUNTIF", "COUNTIFS") and any(
                    len(a) == 1 and a[0].subtype == "TEXT" and a[0].value == '"*"' for a in args[1::2]):
                out.append(f'{name}(range,"*") (LibreOffice counts blank cells too; use COUNTA(r)-COUNT(r))')
            elif name == "INDEX" and len(args) == 2 and len(args[0]) == 1 \
                    and args[0][0].type == "OPERAND" and args[0][0].subtype == "RANGE":
                s = _span(args[0][0].value, names)
                if s is not None and s[0] == 1 and s[1] > 1:
                    out.append("INDEX over one row with one index (Gnumeric gives #REF!; write "
                               "INDEX(range,1,n))")
            for g in stack[-1:]:          # what the closed call stood for, for its caller
                g["args"][-1].append(t)
            continue
        if stack:
            stack[-1]["args"][-1].append(t)
    return out


def formula_findings(sheet: str, cell: str, text: str, names: dict[str, str] | None = None) -> list[Finding]:
    """Numbers typed in, volatile functions, external references and forms engines compute
    differently in one formula (``names``: the workbook's defined names, to tell a one-row
    name such as Periods)."""
    from openpyxl.formula import Tokenizer           # here: a clean workbook has no formula of its own,
    from openpyxl.formula.tokenizer import TokenizerError   # so an audit need not import openpyxl
    try:
        tokens = Tokenizer(text).items
    except TokenizerError:
        return []       # unparseable text is left to the engine, which shows an error value
    out = [finding("LINT-NONPORTABLE", sheet, cell, f"{why}: {text}", got=text)
           for why in portability_problems(tokens, names)]
    numbers, volatile = [], []
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
                out += formula_findings(sheet, xl_rowcol_to_cell(r, c), v, book.names)   # not the model's own
            elif isinstance(v, Formula) and (is_input(mine.style) or mine.style.startswith("note")):  # a note
                out += [f for f in formula_findings(sheet, xl_rowcol_to_cell(r, c), v, book.names)
                        if f.rule == "LINT-NONPORTABLE"]
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
