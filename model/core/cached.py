"""Stored (cached) values both models' cells share: the Cover's verdict on the master check
(its formula is model.core.layout's), as a fresh recalculation shows it."""
from __future__ import annotations

import math


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def master_text(master) -> str:
    """The Cover's verdict as its formula shows it: a number joined to text reads as Excel
    writes it (3, not 3.0)."""
    if not _ok(master):
        return ""
    if master == 0:
        return "OK: all checks pass"
    n = int(master) if float(master).is_integer() else master
    return f"FAILED: {n} failing item(s), see the Checks sheet"


def put_master_text(lay, master, put) -> None:
    """The Cover's verdict cell (the formula that says whether all checks pass)."""
    cover = lay.sheets.get(lay.spec.cover)
    for (r, c), cell in (cover.cells.items() if cover is not None else ()):
        if cell.formula and "all checks pass" in str(cell.value):
            put(lay.spec.cover, r, c, master_text(master))
