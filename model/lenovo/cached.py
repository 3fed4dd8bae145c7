"""Values to store with each formula, so a file read without recalculation (pandas, Power
Query, a file preview) sees numbers, not blanks. They come from the independent pandas
recompute (model.lenovo.reference), matched to cells by the layout's row keys and the codes in
column C; the formula renderer (model.core.layout) never sees them. Excel still recalculates
on open; a cell the recompute does not cover is stored with no value, as before."""
from __future__ import annotations

import fnmatch
import math
import re

from ..core.cached import put_master_text
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
    outlook = lay.sheets.get("Outlook")
    for (r, c), cell in (outlook.cells.items() if outlook is not None and res.outlook else ()):
        if cell.formula and str(cell.value).endswith('&" (F)")') and 0 <= c - 3 < len(res.outlook["o_head"]):
            put("Outlook", r, c, res.outlook["o_head"][c - 3])
    for i, q in enumerate(res.summary_list or []):
        put("Summary", 3 + i, S_LIST_COL, q)
    _texts(lay, res, put)
    # only formula cells take a cached value
    return {k: v for k, v in out.items()
            if k[0] in lay.sheets and (k[1], k[2]) in lay.sheets[k[0]].cells
            and lay.sheets[k[0]].cells[(k[1], k[2])].formula}


# headings that name the quarter shown: (sheet, how the formula's text begins, the text after it)
_HEADINGS = (("Summary", '"Headline for "', lambda q, s: f"Headline for {q}, ex-CSP margin scenario in use: {s}"),
             ("Summary", '"Detail for "', lambda q, s: f"Detail for {q}, ex-CSP margin scenario in use: {s}"),
             ("Summary", '"Ex-CSP margin scenarios side by side (as typed on Assumptions), "',
              lambda q, s: f"Ex-CSP margin scenarios side by side (as typed on Assumptions), {q}"),
             ("Summary", '"CSP bridge: revenue to operating profit (allocation method), "',
              lambda q, s: f"CSP bridge: revenue to operating profit (allocation method), {q}"),
             ("Summary", '"CSP bridge, "&*&" ($M): revenue to operating profit (labels: amounts)"',
              lambda q, s: f"CSP bridge, {q} ($M): revenue to operating profit (labels: amounts)"),
             ("Summary", '"Scenarios side by side, "', lambda q, s: f"Scenarios side by side, {q}"),
             ("Summary", '"Bridge from group gross profit to CSP operating profit, "',
              lambda q, s: f"Bridge from group gross profit to CSP operating profit, {q}"),
             ("Summary", '"CSP bridge, "&*&" ($M): group gross profit*',
              lambda q, s: f"CSP bridge, {q} ($M): group gross profit to CSP operating profit"))


def _texts(lay, res, put) -> None:
    """The text cells a fresh recalculation shows besides the numbers: the master check's
    verdict on the Cover, headings naming the quarter and scenario in use, the scenario
    names above the side-by-side columns, whether the Base margin in use is sourced."""
    mi = lay.inputs
    q, scen = mi.summary_quarter, mi.scalars.get("scenario")
    put_master_text(lay, res.master, put)
    if "sens_title" in lay.scalar_at:
        s, r, c = lay.scalar_at["sens_title"]
        put(s, r, c, "CSP operating profit by ex-CSP margin and opex intensity ($M), "
                     f"{mi.sens_quarter}")
    summary, ass = lay.sheets.get("Summary"), lay.sheets.get(spec.ASSUMPTIONS)
    if summary is None or ass is None:
        return
    for (r, c), cell in summary.cells.items():
        if not cell.formula:
            continue
        text = str(cell.value)
        for sheet, head, fill in _HEADINGS:
            if fnmatch.fnmatchcase(text, head if "*" in head else head + "*"):
                put(sheet, r, c, fill(q, scen))
        ref = re.fullmatch(r"Assumptions!\$C\$(\d+)", text)
        if ref:                                 # a scenario's name, as Assumptions codes it
            put("Summary", r, c, ass.cells.get((int(ref.group(1)) - 1, 2)).value)
    src = next((r for (r, c), v in ass.cells.items() if c == 2 and v.value == "excsp_base_source"), None)
    if src is not None and q:
        basis = ass.cells.get((src, lay.col_of(q)))
        for (r, c), cell in summary.cells.items():
            if cell.formula and f"INDEX(Assumptions!$F${src + 1}:" in str(cell.value):
                put("Summary", r, c, "" if basis is None else basis.value)
