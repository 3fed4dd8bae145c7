"""formualizer (PyPI formualizer, Rust) in the audit's own process.

Its XLSX loader refuses a part over about 100 MB and ZIP64 members by default; the
package check (model.package) already refuses anything over its own limits (parts over
400 MB, inflating more than 250:1), so the loader is given those limits and no lower
ones. Errors come back as {'type': 'Error', 'kind': 'Div'}; they are named as Excel
names them.
"""
from __future__ import annotations

from pathlib import Path

from . import EngineUnavailable, InProcess, SheetValues, cannot_read

NAME = "formualizer"
PART_LIMIT = 400 * 1024 * 1024          # model.package's limit for one part
ERRORS = {"Null": "#NULL!", "Div": "#DIV/0!", "Value": "#VALUE!", "Ref": "#REF!", "Name": "#NAME?",
          "Num": "#NUM!", "Na": "#N/A", "NA": "#N/A", "GettingData": "#GETTING_DATA",
          "Spill": "#SPILL!", "Calc": "#CALC!", "Circ": "#CIRC!", "Cancelled": "#CANCELLED!"}
LIMITS = {"max_part_bytes": PART_LIMIT, "max_expanded_bytes": 4 * PART_LIMIT}


def _import():
    try:
        import formualizer
    except ImportError as exc:
        raise EngineUnavailable("formualizer is not installed: pip install 'isg-margin-model[engines]' "
                                "(or pip install 'formualizer>=0.13,<0.14')") from exc
    return formualizer


class Engine(InProcess):
    name = NAME

    def __init__(self):
        self.fz = _import()

    def recalculate(self, path: str | Path) -> dict[str, SheetValues]:
        fz = self.fz
        try:
            wb = fz.load_workbook(str(path), load_limits=LIMITS)
            wb.evaluate_all()
            out = {}
            for name in wb.sheet_names:
                q = "'" + name.replace("'", "''") + "'"
                rows = wb.range_page(f"{q}!A:XFD", limit=1).resolved
                cols = wb.range_page(f"{q}!1:1048576", limit=1).resolved
                last_row = _last(rows, row=True)
                last_col = _last(cols, row=False)
                sv = out[name] = SheetValues({}, {})
                if not last_row or not last_col:
                    continue
                grid = wb.sheet(name).get_values(fz.RangeAddress(name, 1, 1, last_row, last_col))
                for r, line in enumerate(grid):
                    for c, v in enumerate(line):
                        if v is None or v == "":
                            continue
                        if isinstance(v, dict):
                            if v.get("type") == "Error":
                                sv.errors[(r, c)] = ERRORS.get(v.get("kind"), f"#{v.get('kind')}")
                            continue
                        sv.values[(r, c)] = float(v) if isinstance(v, (bool, int)) else v
            return out
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            raise cannot_read(NAME, path, exc) from None


def _last(resolved, row: bool) -> int:
    """The last row (or column) number, 1-based, of a resolved range such as 'S'!A1:Y26."""
    import re
    end = str(resolved).rpartition("!")[2].rpartition(":")[2]
    m = re.fullmatch(r"\$?([A-Z]*)\$?(\d*)", end)
    if not m:
        return 0
    if row:
        return int(m.group(2) or 0)
    n = 0
    for ch in m.group(1):
        n = n * 26 + ord(ch) - 64
    return n
