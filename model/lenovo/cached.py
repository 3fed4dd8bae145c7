"""Values to store with each formula, so a file read without recalculation (pandas, Power
Query, a file preview) sees numbers, not blanks. They come from the independent pandas
recompute (model.lenovo.reference), matched to cells by the layout's row keys and the codes in
column C; the formula renderer (model.core.layout) never sees them. Excel still recalculates
on open; a cell the recompute does not cover is stored with no value, as before."""
from __future__ import annotations

import math

from . import spec
from .layout import S_CODE_COL, S_LIST_COL


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def cached_values(lay, res) -> dict[tuple[str, int, int], object]:
    out: dict[tuple[str, int, int], object] = {}

    def put(sheet, r, c, v, blank=""):
        out[(sheet, r, c)] = v if _ok(v) else blank

    labels = [p.label for p in lay.inputs.periods]
    for frame in (res.calcs, res.flags):
        rows = frame.to_dict("index")
        for key, by_period in rows.items():
            if key not in lay.row_of:
                continue
            sheet, r = lay.row_of[key]
            for label in labels:
                if label in by_period:
                    put(sheet, r, lay.col_of(label), by_period[label])
    if res.feeds is not None:
        for key, by_period in res.feeds.to_dict("index").items():
            if key in lay.row_of:
                sheet, r = lay.row_of[key]
                for label in labels:
                    put(sheet, r, lay.col_of(label), by_period.get(label), blank="#N/A")
    for key, total in res.check_totals.items():
        if key in lay.row_of:
            put(spec.CHECKS, lay.row_of[key][1], 4, total)
    s, r, c = lay.master_check
    put(s, r, c, res.master)
    put(s, r, c - 1, "OK" if res.master == 0 else "FAIL")
    qr = 3
    for n, (key, _, _) in enumerate(spec.SENS_LOOKUPS):
        put(spec.SENS, qr + 2 + n, 4, res.sens_lookups.get(key))
    r0, c0 = lay.sens_grid
    for i in range(res.sens_grid.shape[0]):
        for j in range(res.sens_grid.shape[1]):
            put(spec.SENS, r0 + i, c0 + j, float(res.sens_grid.iat[i, j]))
    by_code = {name: {v.value: r for (r, c), v in sh.cells.items()
                      if c == (S_CODE_COL if name == "Summary" else 2) and isinstance(v.value, str)}
               for name, sh in lay.sheets.items()}
    for key, v in (res.sens_extra or {}).items():
        if key in by_code.get(spec.SENS, {}):
            put(spec.SENS, by_code[spec.SENS][key], 4, v)
    for sheet, block in (("Summary", res.summary), ("Annual", res.annual), ("Outlook", res.outlook)):
        for code, values in (block or {}).items():
            r = by_code.get(sheet, {}).get(code)
            if r is not None:
                for j, v in enumerate(values):
                    put(sheet, r, 3 + j, v)
    for i, q in enumerate(res.summary_list or []):
        put("Summary", 3 + i, S_LIST_COL, q)
    # only formula cells take a cached value
    return {k: v for k, v in out.items()
            if k[0] in lay.sheets and (k[1], k[2]) in lay.sheets[k[0]].cells
            and lay.sheets[k[0]].cells[(k[1], k[2])].formula}
