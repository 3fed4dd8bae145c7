"""A workbook as stable text, one line a cell, for ``git diff`` (git's textconv).

    python -m model textconv workbooks/lenovo_isg.xlsx

prints the sheets in workbook order, the defined names, then every non-empty cell
in row order as ``Sheet!Cell formula-or-value``. The same meaning gives the same
text whichever program saved the file (Excel, LibreOffice, XlsxWriter, openpyxl):

    shared strings or inline strings     -> the text, JSON-quoted ("...")
    shared formulas                      -> each cell's own formula (openpyxl expands them)
    _xlfn./_xlws./_xlpm. prefixes,       -> dropped
      spaces outside literals
    needless quotes on sheet names       -> dropped ('Inputs'!A1 -> Inputs!A1)
    1 and 1.0, 0.1720000000000001        -> numbers at 15 significant digits, shortest form
    chart sheet or worksheet with a chart -> the sheet's name only

Values cached for formulas, formats and styles are left out: they are not what a
person typed and differ between programs (``python -m model diff`` compares the
recalculated values). A file the tool refuses to open gives one ``!`` line saying
why, so that ``git log -p`` goes on past it.
"""
from __future__ import annotations

import json
import sys
from datetime import date, datetime, time
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from .core.formula import canonical, sheet_ref

formula = canonical          # the text form of a formula (model.core.formula)


def number(v: float | int) -> str:
    """Shortest text that gives the number back at 15 significant digits ('-0' is '0')."""
    s = f"{float(v):.15g}"
    return "0" if s == "-0" else s


def value(v) -> str:
    from .core.reader import Formula
    if isinstance(v, Formula):
        return formula(v)
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return number(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(timespec="seconds")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return json.dumps(str(v), ensure_ascii=False)


def _name_ref(text: str) -> str:
    return formula(text)[1:]


def lines(path: str | Path) -> list[str]:
    """The text form of the workbook at ``path`` (any file name: git passes temp files).
    Raises model.core.package.UnreadableFile for a file the tool will not open."""
    from .core.package import UnreadableFile
    from .core.workbook import Workbook
    path = Path(path)
    wb = Workbook.read(path)              # once; hostile or damaged files are refused first
    try:
        book = wb.book(styles=False)
        order = [(s.name, s.state) for s in wb.sheets]
    except Exception as exc:
        raise UnreadableFile(f"{path}: not a workbook this tool can read "
                             f"({type(exc).__name__}: {exc})") from exc
    out = []
    for name, state in order:
        out.append(f"sheet {sheet_ref(name)}" + ("" if state == "visible" else f" ({state})"))
    for name, ref in sorted(book.names.items()):
        out.append(f"name {name} = {_name_ref(ref)}")
    for name, _ in order:
        cells = book.cells.get(name, {})
        prefix = sheet_ref(name) + "!"
        for (r, c), v in sorted(cells.items()):
            out.append(f"{prefix}{xl_rowcol_to_cell(r, c)} {value(v)}")
    return out


def main(path: Path) -> int:
    """Print the text form; a refused file prints one '!' line (exit 0, for git, which
    always passes a file that exists); a path that does not exist is an error (exit 2)."""
    from .core.package import UnreadableFile
    if not Path(path).is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    try:
        text = lines(path)
    except UnreadableFile as exc:
        why = str(exc)
        if why.startswith(f"{path}: "):          # git's temporary file name would make noise
            why = why[len(f"{path}: "):]
        text = [f"! not shown as cells: {why}"]
    out = sys.stdout
    try:
        out.write("\n".join(text) + "\n")
        out.flush()
    except BrokenPipeError:                       # `| head` closed the pipe: not an error
        sys.stderr.close()
    return 0
