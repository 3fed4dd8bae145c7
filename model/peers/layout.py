"""Lay the peers model out on sheets: every cell's address, content and style.

Uses the shared Layout (model.core.layout) and its template renderer; the rows, checks and
charts come from model.peers.spec, the grid from model.grid.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from ..core import grid
from ..core.grid import C_CODE, C_LABEL, C_NOTE, C_UNIT, C_VALUE, FIRST_PERIOD_COL as P0
from ..core.inputs import ModelInputs
from ..core.layout import Layout, SheetLayout, calc_rows, check_row, cover_sheet, row_head
from ..core.formats import BASIS_MARK
from ..core.spec import given
from . import spec
from .data import fiscal_label

COVER_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "peers_cover.txt"
LATEST_HEAD_ROW = 3            # Comparison: company names over the latest-quarter block
# latest block / scatter: one company every second column, so its text (a fiscal label) can
# spill into the empty column beside it
COMPANY_COL = {c.company: P0 + 2 * i for i, c in enumerate(spec.COMPANIES)}


def _timeline_sheet(lay: Layout, name: str, title: str, subtitle: str, value_head: str = "") -> SheetLayout:
    sh = SheetLayout(name, freeze=(grid.HEADER_ROW + 1, P0))
    sh.put(0, 0, title, "title")
    sh.put(1, 0, subtitle, "subtitle")
    for c, head in enumerate(grid.TIMELINE_HEADS + (value_head,)):
        sh.put(grid.HEADER_ROW, c, head, "header")
    for i, p in enumerate(lay.inputs.periods):
        sh.put(grid.HEADER_ROW, P0 + i, p.label, "header_period")
    sh.widths = {C_LABEL: 64, C_UNIT: 6, C_CODE: 24, C_NOTE: 8, C_VALUE: 12}
    sh.widths.update({c: 11 for c in range(P0, lay.last_col + 1)})
    lay.sheets[name] = sh
    return sh


def _row_head(sh: SheetLayout, r: int, label: str, unit: str, code: str) -> None:
    row_head(sh, r, label, unit, code, text_unit="")


def _inputs(lay: Layout, source_rows: dict[str, int]) -> None:
    mi = lay.inputs
    sh = _timeline_sheet(lay, spec.INPUTS, "Inputs: server-business figures by calendar quarter",
                         "US$ millions unless marked %. Yellow cells are inputs; tinted: ~ approximate, "
                         "d derived, e estimate, ≥ lower bound. Sources: the Sources sheet.",
                         "Your notes")
    sh.put(grid.PERIOD_END_ROW, C_LABEL, "Calendar quarter ends", "label")
    for i, p in enumerate(mi.periods):
        sh.put(grid.PERIOD_END_ROW, P0 + i, mi.period_ends.get(p), "date")
    r = grid.FIRST_BODY_ROW
    sh.put(r, C_LABEL, "Each company's own fiscal quarter in this calendar quarter (text)", "section")
    for c in spec.COMPANIES:
        r += 1
        lay.row_of[spec.fiscal_row(c)] = (spec.INPUTS, r)
        _row_head(sh, r, f"{c.name} fiscal quarter (text)", "text", spec.fiscal_row(c))
        for i, p in enumerate(mi.periods):
            sh.put(r, P0 + i, fiscal_label(c.company, p), "plain|text")
    by_company = defaultdict(list)
    for row in mi.rows:
        by_company[row.company].append(row)
    for c in spec.COMPANIES:
        r += 2
        sh.put(r, C_LABEL, f"{c.name}: {c.business}", "section")
        for row in by_company[c.company]:
            r += 1
            lay.row_of[row.key] = (spec.INPUTS, r)
            _row_head(sh, r, row.label, row.unit, row.key)
            if row.key in source_rows:
                sh.put(r, C_NOTE, grid.LINK_TEXT, "link",
                       url=f"internal:{spec.SOURCES}!A{source_rows[row.key] + 1}")
            sh.put(r, C_VALUE, mi.notes.get(row.key), "input|text|reported")
            for i, p in enumerate(mi.periods):
                e = mi.figures.get((p, row.key))
                basis = e.basis if e and e.basis in BASIS_MARK else "reported"
                sh.put(r, P0 + i, e.value if e else None, f"input|{row.unit}|{basis}")


def _assumptions(lay: Layout) -> None:
    mi = lay.inputs
    sh = SheetLayout(spec.ASSUMPTIONS, freeze=(grid.HEADER_ROW + 1, 0))
    lay.sheets[spec.ASSUMPTIONS] = sh
    sh.put(0, 0, "Assumptions", "title")
    sh.put(1, 0, "Yellow cells are inputs: change them and every calculation and chart follows.", "subtitle")
    for c, head in enumerate(grid.TIMELINE_HEADS + ("Value",)):
        sh.put(grid.HEADER_ROW, c, head, "header")
    sh.put(grid.HEADER_ROW, P0, "Why", "header")
    sh.widths = {C_LABEL: 64, C_UNIT: 6, C_CODE: 20, C_NOTE: 4, C_VALUE: 14, P0: 100}
    for n, s in enumerate(spec.SCALARS):
        r = grid.SCALAR_FIRST_ROW + n
        lay.scalar_at[s.key] = (spec.ASSUMPTIONS, r, C_VALUE)
        _row_head(sh, r, s.label, s.unit, s.key)
        sh.put(r, P0, s.note, "note")
        sh.put(r, C_VALUE, mi.scalars.get(s.key), f"input|{s.unit}|reported")
    _, r, c = lay.scalar_at["index_base"]
    sh.validations.append((r, c, {"validate": "list", "source": f"={spec.PERIOD_NAME}",
                                  "input_title": "Base quarter", "input_message": "A calendar quarter"}))


def _calculations(lay: Layout) -> None:
    sh = _timeline_sheet(lay, spec.CALCS, "Calculations",
                         "Every cell is a formula; one formula across each row. Blank where an input is "
                         "missing. US$ millions unless marked.")
    sh.protect = True
    first = xl_rowcol_to_cell(grid.HEADER_ROW, P0, True, True)

    def expand(tmpl: str, c: int) -> str:       # the timeline's first and this column's header
        return tmpl.replace("{t_first}", first).replace(
            "{t_here}", xl_rowcol_to_cell(grid.HEADER_ROW, c, True, False))
    calc_rows(lay, sh, spec.CALC_ROWS, expand, text_unit="")


def comparison_quarters(lay: Layout) -> dict[int, str]:
    """Comparison column -> the calendar quarter it shows: the latest spec.COMPARISON_QUARTERS
    (all of them on a shorter timeline), so the meeting page prints legibly on one page;
    the chart sheets and Calculations keep the whole history."""
    labels = [p.label for p in lay.inputs.periods][-spec.COMPARISON_QUARTERS:]
    return {P0 + i: label for i, label in enumerate(labels)}


def _comparison(lay: Layout) -> None:
    mi = lay.inputs
    sh = SheetLayout(spec.COMPARISON, protect=True, freeze=(0, P0))
    lay.sheets[spec.COMPARISON] = sh
    sh.put(0, 0, "AI server peers: Dell ISG, HPE Server, Supermicro and Lenovo ISG by calendar quarter", "title")
    sh.put(1, 0, "Each company's fiscal quarter sits in the calendar quarter of its middle month (Inputs shows "
                 "which). Operating margin = operating profit / revenue. The latest quarters below; the "
                 "whole history on Calculations and the charts.",
           "subtitle")
    hr = LATEST_HEAD_ROW
    lay.scalar_at["comparison_status"] = (spec.COMPARISON, hr - 1, C_LABEL)   # filled in by _checks
    sh.put(hr, C_LABEL, "Latest quarters of each company", "header")
    for c_ in range(C_UNIT, P0):
        sh.put(hr, c_, "", "header")
    for c_ in range(P0, max(COMPANY_COL.values()) + 2):
        sh.put(hr, c_, "", "header")
    for c in spec.COMPANIES:
        sh.put(hr, COMPANY_COL[c.company], c.name, "header")
    at: dict[str, int] = {}
    for n, (code, label, unit) in enumerate(spec.LATEST_ROWS):
        at[code] = hr + 1 + n
        _row_head(sh, at[code], label, unit, code)
    cq = spec.PERIOD_NAME
    for c in spec.COMPANIES:
        col = COMPANY_COL[c.company]
        texts = {}
        for prefix, positions in (("r", f"{c.slug}_rev_pos"), ("l", f"{c.slug}_both")):
            pos = xl_rowcol_to_cell(at[f"{prefix}_pos"], col)
            texts.update({
                f"{prefix}_pos": f'IF(MAX({{={positions}}})=0,"",MAX({{={positions}}}))',
                f"{prefix}_quarter": given([pos], f"INDEX({cq},{pos})"),
                f"{prefix}_fiscal": given([pos], f"INDEX({{={spec.fiscal_row(c)}}},{pos})"),
                f"{prefix}_revenue": given([pos], f"INDEX({{={c.code}.revenue}},{pos})"),
                f"{prefix}_growth": given([pos], f"INDEX({{={c.slug}_yoy}},{pos})"),
                f"{prefix}_margin": given([pos], f"INDEX({{={c.slug}_om}},{pos})"),
            })
        for code, label, unit in spec.LATEST_ROWS:
            sh.formula(at[code], col, lay.render(texts[code], col, spec.COMPARISON), f"calc|{unit}")
    lay.scalar_at.update({f"latest:{code}": (spec.COMPARISON, r, P0) for code, r in at.items()})
    r = hr + len(spec.LATEST_ROWS) + 2
    _row_head(sh, r, "Revenue index: base quarter (set on Assumptions)", "text", "c_base")
    sh.formula(r, C_VALUE, lay.render("{$index_base}", P0, spec.COMPARISON), "calc|text")
    lay.scalar_at["c_base"] = (spec.COMPARISON, r, C_VALUE)
    r += 2
    th = r
    for c_, head in enumerate(grid.TIMELINE_HEADS + ("",)):
        sh.put(th, c_, head, "header")
    shown = comparison_quarters(lay)
    for c_, label in shown.items():
        sh.put(th, c_, label, "header_period")
    lay.scalar_at["comparison_header"] = (spec.COMPARISON, th, P0)
    section = None
    for sec, code, label, unit, key in spec.COMPARISON_ROWS:
        if sec != section:
            r += 2 if section else 1
            sh.put(r, C_LABEL, sec, "section")
            section = sec
        r += 1
        # not in row_of: these rows show only the latest quarters, not the whole timeline
        lay.scalar_at[f"comparison:{code}"] = (spec.COMPARISON, r, P0)
        _row_head(sh, r, label, unit, code)
        for c_, label in shown.items():     # the formula of the timeline column of that quarter
            sh.formula(r, c_, lay.render(given([f"{{{key}}}"], f"{{{key}}}"), lay.col_of(label), spec.COMPARISON),
                       f"calc|{unit}")
    r += 2
    for line in spec.COMPARABILITY:
        sh.put(r, C_LABEL, line, "note")
        r += 1
    sh.widths = {C_LABEL: 46, C_UNIT: 5, C_CODE: 11, C_NOTE: 1, C_VALUE: 8}
    sh.widths.update({c_: 8.5 for c_ in range(P0, max(max(shown), max(COMPANY_COL.values()) + 1) + 1)})
    sh.print_titles = (0, 1)


def _checks(lay: Layout) -> None:
    sh = _timeline_sheet(lay, spec.CHECKS, "Checks",
                         "Each flag is 1 where a check fails. The master check must be 0.", "Failures")
    sh.protect = True
    mr = grid.HEADER_ROW + 1
    first = grid.FIRST_BODY_ROW
    counted = [c for c in spec.CHECKS_LIST if not c.warning]
    ordered = counted + [c for c in spec.CHECKS_LIST if c.warning]
    for n, chk in enumerate(ordered):
        lay.row_of[chk.key] = (spec.CHECKS, first + n + (1 if chk.warning else 0))
    last = first + len(counted) - 1
    total = xl_rowcol_to_cell(mr, C_VALUE, True, True)
    lay.master_check = (spec.CHECKS, mr, C_VALUE)
    sh.put(mr, C_LABEL, grid.MASTER_LABEL, "master_label")
    sh.put(mr, C_UNIT, "count", "unit")
    sh.formula(mr, C_NOTE, f'IF({total}=0,"OK","FAIL")', "master")
    sh.formula(mr, C_VALUE, f"SUM({xl_rowcol_to_cell(first, C_VALUE)}:{xl_rowcol_to_cell(last, C_VALUE)})",
               "check_total")
    cs, cr, cc = lay.scalar_at["comparison_status"]
    chk_sheet = quote_sheetname(spec.CHECKS)
    warn = ",".join(f"{chk_sheet}!{xl_rowcol_to_cell(lay.row_of[c.key][1], C_VALUE)}"
                    for c in spec.CHECKS_LIST if c.warning)
    lay.sheets[cs].formula(cr, cc, f'IF({chk_sheet}!{total}=0,"Checks: all pass",'
                                   f'"Checks: "&{chk_sheet}!{total}&" failing, see the Checks sheet")'
                                   f'&IF(SUM({warn})=0,"","; warnings: "&SUM({warn})&", see the Checks sheet")',
                           "master")
    # the Comparison's first rows quote the master check: counting errors there would be a
    # circular reference, so its error count starts below them
    lr, lc = lay.sheets[spec.COMPARISON].extent
    below = (f"{quote_sheetname(spec.COMPARISON)}!{xl_rowcol_to_cell(LATEST_HEAD_ROW, 0, True, True)}:"
             f"{xl_rowcol_to_cell(lr, lc, True, True)}")
    for chk in spec.CHECKS_LIST:
        check_row(lay, sh, lay.row_of[chk.key][1], chk,
                  whole=chk.formula.replace("{!" + spec.COMPARISON + "}", below))


def _chart_data(lay: Layout) -> None:
    """What the charts plot: a model row where it has a value, else #N/A (a gap, not a zero)."""
    sh = _timeline_sheet(lay, spec.CHART_DATA, "Chart data",
                         "What the chart sheets plot: a model row where it has a value, else #N/A, which "
                         "charts draw as a gap rather than a zero. Not for reading.")
    sh.protect = True
    r = grid.FIRST_BODY_ROW
    for code, label, unit, key in spec.FEED_ROWS:
        lay.row_of[code] = (spec.CHART_DATA, r)
        _row_head(sh, r, label, unit, code)
        for c in range(P0, lay.last_col + 1):
            sh.formula(r, c, lay.render(f'IF({{{key}}}="",NA(),{{{key}}})', c, spec.CHART_DATA), f"calc|{unit}")
        r += 1
    r += 1
    sh.put(r, C_LABEL, "The scatter's points: each company's latest quarter (one column each)", "section")
    for c in spec.COMPANIES:
        sh.put(r, COMPANY_COL[c.company], c.name, "header_period")
    for code, label, unit, src in spec.SCATTER_ROWS:
        r += 1
        _row_head(sh, r, label, unit, code)
        lay.scalar_at[f"scatter:{code}"] = (spec.CHART_DATA, r, P0)
        for c in spec.COMPANIES:
            col = COMPANY_COL[c.company]
            _, sr, _ = lay.scalar_at[f"latest:{src}"]
            a = f"{quote_sheetname(spec.COMPARISON)}!{xl_rowcol_to_cell(sr, col)}"
            if code == "sx_name":           # the company's name over its column, and the quarter
                name = f"{quote_sheetname(spec.COMPARISON)}!{xl_rowcol_to_cell(LATEST_HEAD_ROW, col)}"
                sh.formula(r, col, f'IF({a}="",{name},{name}&" ("&{a}&")")', "calc|text")
            else:
                sh.formula(r, col, f'IF({a}="",NA(),{a})', f"calc|{unit}")


def _sources(lay: Layout, order: dict[tuple[str, str], int] | None = None) -> dict[str, int]:
    """One line per figure: the shared Sources columns, then company, fiscal quarter, data file,
    quote. ``order``, the row of each (calendar label, key) already on a workbook's Sources
    sheet, keeps those rows where they stand; other figures follow below the last of them."""
    mi = lay.inputs
    sh = SheetLayout(spec.SOURCES, freeze=(1, 0))
    lay.sheets[spec.SOURCES] = sh
    extra = (("Company", 14), ("Fiscal quarter", 14), ("Data file", 22), ("Quote read in the source", 80))
    cols = list(grid.SOURCES_COLUMNS)
    for c, col in enumerate(cols):
        sh.put(0, c, col.head, "header")
        sh.widths[c] = col.width
    for j, (head, w) in enumerate(extra):
        sh.put(0, len(cols) + j, head, "header")
        sh.widths[len(cols) + j] = w
    rank = {r.key: n for n, r in enumerate(mi.rows)}
    entries = sorted(((p, k_, e) for (p, k_), e in mi.figures.items() if k_ in spec.INPUT_KEYS
                      and (e.data_value is not None or e.basis != "user")),
                     key=lambda t: (rank.get(t[1], len(rank)), t[0]))
    first: dict[str, int] = {}
    src = grid.SRC
    at = dict(order or {})
    below = max(at.values(), default=0) + 1
    for p, key, e in entries:
        n = at.get((p.label, key))
        if n is None:
            n, below = below, below + 1
        row = spec.INPUT_KEYS[key]
        first[key] = min(first.get(key, n), n)
        sh.put(n, src["period"], p.label, "text")
        sh.put(n, src["entity"], row.code, "text")
        sh.put(n, src["metric"], row.metric, "text")
        sh.put(n, src["data_value"], e.data_value, f"plain|{row.unit}")
        sh.put(n, src["unit"], row.unit, "text")
        sh.put(n, src["basis"], e.data_basis or e.basis, "text")
        sh.put(n, src["source_title"], e.source_title, "text")
        url = e.source_url if e.source_url.lower().startswith(("http://", "https://")) else None
        sh.put(n, src["source_url"], e.source_url, "link" if url else "text", url=url)
        sh.put(n, src["data_row"], e.data_row, "plain|count")
        c0 = len(cols)
        sh.put(n, c0, spec.BY_COMPANY[row.company].name, "text")
        sh.put(n, c0 + 1, fiscal_label(row.company, p), "text")
        sh.put(n, c0 + 2, "lenovo_quarterly.csv" if row.company == "Lenovo" else "peers_quarterly.csv", "text")
        sh.put(n, c0 + 3, mi.quotes.get((p.label, key), e.quote), "text")
    return first


def _cover(lay: Layout) -> None:
    """The Cover from templates/peers_cover.txt (short lines, continued on the next row:
    LibreOffice does not grow a row for wrapped text)."""
    cover_sheet(lay, spec.COVER, COVER_TEMPLATE, text_style="text", empty_labels=False)


def lay_out(mi: ModelInputs, source_order=None) -> Layout:
    """Inputs -> every sheet's cells, names and rows (``source_order``: see _sources)."""
    if not mi.periods:
        raise ValueError("no periods to lay out")
    from .. import models
    lay = Layout(mi, model=models.get("ai_server_peers"))
    for name in spec.WORKSHEETS:
        lay.sheets[name] = SheetLayout(name)
    source_rows = _sources(lay, source_order)
    _inputs(lay, source_rows)
    lay.names[spec.PERIOD_NAME] = (f"{spec.INPUTS}!{xl_rowcol_to_cell(grid.HEADER_ROW, P0, True, True)}:"
                                   f"{xl_rowcol_to_cell(grid.HEADER_ROW, lay.last_col, True, True)}")
    _assumptions(lay)
    _calculations(lay)
    _comparison(lay)
    _checks(lay)
    _chart_data(lay)
    _cover(lay)
    for name, key in spec.defined_names().items():
        lay.names[name] = lay.row_range(key)
    return lay
