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
from ..core.layout import Layout, SheetLayout, calc_rows, check_row, cover_sheet, master_check, row_head
from ..core.quarterly import sources_sheet
from ..core.formats import BASIS_MARK
from ..core.spec import given
from . import spec
from .place import COMPANY_COL, comparison_quarters
from .data import fiscal_label

COVER_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "peers_cover.txt"
LATEST_HEAD_ROW = 3            # Comparison: company names over the latest-quarter block


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
    for c in spec.FISCAL_COMPANIES:
        r += 1
        lay.row_of[spec.fiscal_row(c)] = (spec.INPUTS, r)
        _row_head(sh, r, f"{c.company} fiscal quarter (text)", "text", spec.fiscal_row(c))
        for i, p in enumerate(mi.periods):
            sh.put(r, P0 + i, fiscal_label(c.company, p), "plain|text")
    added = {row.key for row in spec.INPUT_ROWS_ADDED}
    by_business = defaultdict(list)
    for row in mi.rows:
        by_business[(row.key in added, spec.business_of(row.code).code)].append(row)

    def figure_rows(r, rows):
        for row in rows:
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
        return r

    for c in spec.COMPANIES:            # release 0.3.0's rows where they were
        if by_business[(False, c.code)]:
            r += 2
            sh.put(r, C_LABEL, f"{c.name}: {c.business}", "section")
            r = figure_rows(r, by_business[(False, c.code)])
    for c in spec.COMPANIES:            # the rows added with the v3 data, below them
        if not by_business[(True, c.code)]:
            continue
        r += 2
        sh.put(r, C_LABEL, f"{c.name}: {c.business}" + (" (added with the v3 data)"
                                                       if by_business[(False, c.code)] else ""), "section")
        r = figure_rows(r, by_business[(True, c.code)])
    r += 2                              # the change of segment, shown quarter by quarter (text, not a figure)
    company, first, before, after = spec.RECAST
    sh.put(r, C_LABEL, f"{company}'s change of segment", "section")
    r += 1
    lay.row_of[spec.SEGMENT_ROW] = (spec.INPUTS, r)
    _row_head(sh, r, f"{company} segment that reports server revenue: {before} to fiscal {first - 1}, "
                     f"{after} from fiscal {first} (text)", "text", spec.SEGMENT_ROW)
    for i, p in enumerate(mi.periods):
        sh.put(r, P0 + i, spec.segment_of(int(fiscal_label(company, p)[2:6])), "plain|text")


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


def _comparison(lay: Layout) -> None:
    mi = lay.inputs
    sh = SheetLayout(spec.COMPARISON, protect=True, freeze=(0, P0))
    lay.sheets[spec.COMPARISON] = sh
    sh.put(0, 0, "AI server peers: Dell ISG, HPE Server and Cloud & AI, Supermicro and Lenovo ISG by calendar "
                 "quarter", "title")
    sh.put(1, 0, "Each company's fiscal quarter sits in the calendar quarter of its middle month (Inputs shows "
                 "which). Operating margin = operating profit / revenue. ~ approximate, d derived, e estimate, "
                 "as on Inputs. The latest quarters below; the whole history on Calculations and the charts.",
           "subtitle")
    hr = LATEST_HEAD_ROW
    lay.scalar_at["comparison_status"] = (spec.COMPARISON, hr - 1, C_LABEL)   # filled in by _checks
    sh.put(hr, C_LABEL, "Latest quarters of each business", "header")
    for c_ in range(C_UNIT, P0):
        sh.put(hr, c_, "", "header")
    for c_ in range(P0, max(COMPANY_COL.values()) + 2):
        sh.put(hr, c_, "", "header")
    for c in spec.COMPANIES:
        sh.put(hr, COMPANY_COL[c.code], c.name, "header")
    at: dict[str, int] = {}
    for n, (code, label, unit) in enumerate(spec.LATEST_ROWS):
        at[code] = hr + 1 + n
        _row_head(sh, at[code], label, unit, code)
    cq = spec.PERIOD_NAME
    for c in spec.COMPANIES:
        col = COMPANY_COL[c.code]
        texts = {}
        # the scatter's quarter ('l'): one for every charted business (spec.SCATTERED)
        for prefix, positions in (("r", f"{c.slug}_rev_pos"), ("l", "all_both"), ("m", f"{c.slug}_om_pos")):
            texts[f"{prefix}_pos"] = f'IF(MAX({{={positions}}})=0,"",MAX({{={positions}}}))'
        r_pos, l_pos, m_pos = (xl_rowcol_to_cell(at[f"{x}_pos"], col) for x in "rlm")

        def at_pos(pos, row):
            return given([pos], f"INDEX({{={row}}},1,{pos})")       # (range, 1, n): every engine
        for prefix, pos in (("r", r_pos), ("l", l_pos)) if c in spec.SCATTERED else (("r", r_pos),):
            texts.update({
                f"{prefix}_quarter": given([pos], f"INDEX({cq},1,{pos})"),
                f"{prefix}_fiscal": at_pos(pos, spec.fiscal_row(c)),
                f"{prefix}_revenue": at_pos(pos, f"{c.code}.revenue"),
                f"{prefix}_growth": at_pos(pos, f"{c.slug}_yoy"),
                f"{prefix}_margin": at_pos(pos, f"{c.slug}_om"),
            })
        texts["r_rev_ttm"] = at_pos(r_pos, f"{c.slug}_rev_ttm")
        if c.code in spec.GM_OF:
            texts["r_gm"] = at_pos(r_pos, spec.GM_OF[c.code])
        if c.code in spec.AI_OF:
            texts["r_ai_share"] = at_pos(r_pos, f"{c.slug}_ai_share")
        texts["m_quarter"] = given([m_pos], f"INDEX({cq},1,{m_pos})")
        texts["m_om_ttm"] = at_pos(m_pos, f"{c.slug}_om_ttm")
        texts["m_stale"] = given([r_pos], f'IF({m_pos}="",1,IF({m_pos}<{r_pos},1,0))')
        if c not in spec.SCATTERED:
            texts = {k_: v for k_, v in texts.items() if not k_.startswith("l_")}
        for code, label, unit in spec.LATEST_ROWS:
            if code in texts:
                sh.formula(at[code], col, lay.render(texts[code], col, spec.COMPARISON), f"calc|{unit}")
            elif code.startswith("l_"):     # not on the growth-against-margin chart: said why
                if code == "l_pos":
                    sh.put(at[code], col, spec.NOT_SCATTERED, "note")
            else:                       # a figure the business does not report: said, not left blank
                sh.put(at[code], col, spec.NO_GM if code == "r_gm" else spec.NO_AI, "note")
    # Lenovo's CSP business (an estimate, inside Lenovo ISG) beside the businesses: its latest estimated quarter
    col = COMPANY_COL[spec.CSP_CODE]
    sh.put(hr, col, spec.CSP_NAME, "header")
    pos = "MAX({=lenovo_csp_pos})"
    for code, key in spec.CSP_LATEST.items():
        f_ = {"r_quarter": f"INDEX({cq},1,{pos})", "r_fiscal": f"INDEX({{={spec.fiscal_row(spec.BY_COMPANY['Lenovo'])}}},1,{pos})"}.get(
            code, f"INDEX({{={key}}},1,{pos})")
        unit = dict((c_, u) for c_, _, u in spec.LATEST_ROWS)[code]
        sh.formula(at[code], col, lay.render(f'IF(COUNT({{=lenovo_csp_pos}})=0,"",{f_})', col, spec.COMPARISON),
                   f"calc|{unit}" + ("|estimate" if key else ""))
    lay.scalar_at.update({f"latest:{code}": (spec.COMPARISON, r, P0) for code, r in at.items()})
    r = hr + len(spec.LATEST_ROWS) + 2
    for line in spec.COMPARABILITY:     # the caveats on the first page, under the latest quarters
        sh.put(r, C_LABEL, line, "note")
        r += 1
    r += 1
    _row_head(sh, r, "Revenue index: base quarter (set on Assumptions)", "text", "c_base")
    sh.formula(r, C_VALUE, lay.render("{$index_base}", P0, spec.COMPARISON), "calc|text")
    lay.scalar_at["c_base"] = (spec.COMPARISON, r, C_VALUE)
    r += 2
    th = r
    sh.page_breaks = [th]               # printed: the latest quarters on page 1, the quarters after
    for c_, head in enumerate(grid.TIMELINE_HEADS + ("",)):
        sh.put(th, c_, head, "header")
    shown = comparison_quarters(lay)
    for c_, label in shown.items():     # the quarter of the column each row below reads
        sh.formula(th, c_, f"{quote_sheetname(spec.INPUTS)}!{xl_rowcol_to_cell(grid.HEADER_ROW, lay.col_of(label))}",
                   "header_period")
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
    sh.widths = {C_LABEL: 50, C_UNIT: 5, C_CODE: 11, C_NOTE: 1, C_VALUE: 8}
    sh.widths.update({c_: 8.5 for c_ in range(P0, max(max(shown), max(COMPANY_COL.values()) + 1) + 1)})
    sh.print_titles = (0, 1)


def _checks(lay: Layout) -> None:
    sh = _timeline_sheet(lay, spec.CHECKS, "Checks",
                         "Each flag is 1 where a check fails. The master check must be 0.", "Failures")
    sh.protect = True
    mr = grid.HEADER_ROW + 1
    first = grid.FIRST_BODY_ROW
    # release 0.3.0's checks where they were (counted, a blank row, warnings), then the checks
    # added with the v3 data below them, in the same order
    counted_ranges = []
    r = first
    for group in ([c for c in spec.CHECKS_LIST if c.key not in spec.CHECKS_ADDED],
                  [c for c in spec.CHECKS_LIST if c.key in spec.CHECKS_ADDED]):
        counted = [c for c in group if not c.warning]
        for chk in counted:
            lay.row_of[chk.key] = (spec.CHECKS, r)
            r += 1
        counted_ranges.append((r - len(counted), r - 1))
        r += 1
        for chk in (c for c in group if c.warning):
            lay.row_of[chk.key] = (spec.CHECKS, r)
            r += 1
        r += 1
    master_check(lay, sh, mr, counted_ranges, spec.CHECKS_LIST, lay.scalar_at["comparison_status"])
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
    _row_head(sh, r, "The revenue index chart's title, with the base quarter on Assumptions (text)", "text",
              spec.INDEX_TITLE)
    lay.scalar_at[spec.INDEX_TITLE] = (spec.CHART_DATA, r, C_VALUE)
    sh.formula(r, C_VALUE, lay.render('"Revenue indexed to "&{$index_base}&" = "&{$index_value}'
                                      '&" (base quarter on Assumptions; log scale)"', P0, spec.CHART_DATA), "calc|text")
    r += 2
    sh.put(r, C_LABEL, "The scatter's points: each charted business at one quarter, the latest in which "
                       "all have growth and margin (one column each, not quarters)", "section")
    for c in spec.SCATTERED:
        sh.put(r, COMPANY_COL[c.code], c.name, "header")
    for code, label, unit, src in spec.SCATTER_ROWS:
        r += 1
        _row_head(sh, r, label, unit, code)
        lay.scalar_at[f"scatter:{code}"] = (spec.CHART_DATA, r, P0)
        for c in spec.SCATTERED:
            col = COMPANY_COL[c.code]
            _, sr, _ = lay.scalar_at[f"latest:{src}"]
            a = f"{quote_sheetname(spec.COMPARISON)}!{xl_rowcol_to_cell(sr, col)}"
            if code == "sx_name":           # the business's name and basis, and the quarter
                sh.formula(r, col, f'IF({a}="","{c.legend}","{c.legend} ("&{a}&")")', "calc|text")
            else:
                sh.formula(r, col, f'IF({a}="",NA(),{a})', f"calc|{unit}")
    r += 2
    sh.put(r, C_LABEL, "Beside them, hollow: each charted business at its own latest quarter (the four-quarter "
                       "margin where that quarter has no margin yet)", "section")
    for c in spec.SCATTERED:
        sh.put(r, COMPANY_COL[c.code], c.name, "header")
    for code, label, unit in spec.SCATTER_LATEST_ROWS:
        r += 1
        _row_head(sh, r, label, unit, code)
        lay.scalar_at[f"scatter:{code}"] = (spec.CHART_DATA, r, P0)
        for c in spec.SCATTERED:
            col = COMPANY_COL[c.code]

            def cell(src):
                _, sr, _ = lay.scalar_at[f"latest:{src}"]
                return f"{quote_sheetname(spec.COMPARISON)}!{xl_rowcol_to_cell(sr, col)}"
            g_, m_, t_, q_, mq = (cell(x) for x in ("r_growth", "r_margin", "m_om_ttm", "r_quarter", "m_quarter"))
            if code == "sy_growth":
                sh.formula(r, col, f'IF({g_}="",NA(),{g_})', f"calc|{unit}")
            elif code == "sy_margin":
                sh.formula(r, col, f'IF({m_}="",IF({t_}="",NA(),{t_}),{m_})', f"calc|{unit}")
            else:
                sh.formula(r, col, f'IF({q_}="","{c.legend} latest","{c.legend} latest ("&{q_}'
                                   f'&IF(AND({m_}="",{t_}<>""),"{spec.TTM_WORDS}"&{mq},"")&")")', "calc|text")


def _sources(lay: Layout, order: dict[tuple[str, str], int] | None = None) -> dict[str, int]:
    """One line per figure (model.core.quarterly.sources_sheet): the business, its fiscal quarter and
    the data file the figure came from. ``order``, the row of each (calendar label, key) already on a
    workbook's Sources sheet, keeps those rows where they stand; other figures follow below them."""
    return sources_sheet(lay, spec.SOURCES, spec.INPUT_KEYS, lambda row, p: (
        spec.business_of(row.code).name, fiscal_label(row.company, p),
        "lenovo_quarterly.csv" if row.company == "Lenovo" else "peers_quarterly.csv"), order)


# the latest-block rows that show a row of the timeline: code -> (which latest quarter, row key of a business)
_LATEST_SHOWS = {
    "r_revenue": ("r", lambda c: f"{c.code}.revenue"), "r_growth": ("r", lambda c: f"{c.slug}_yoy"),
    "r_margin": ("r", lambda c: f"{c.slug}_om"), "r_gm": ("r", lambda c: spec.GM_OF.get(c.code)),
    "r_ai_share": ("r", lambda c: f"{c.slug}_ai_share"), "r_rev_ttm": ("r", lambda c: f"{c.slug}_rev_ttm"),
    "m_om_ttm": ("m", lambda c: f"{c.slug}_om_ttm"),
    "l_revenue": ("l", lambda c: f"{c.code}.revenue"), "l_growth": ("l", lambda c: f"{c.slug}_yoy"),
    "l_margin": ("l", lambda c: f"{c.slug}_om"),
}


def _mark(lay: Layout) -> None:
    """Give each calculated cell the marker of the weakest figure it rests on (model.peers.marks)."""
    from .marks import Marks, style
    from .reference import reference
    marks = Marks(lay.inputs)
    labels = [p.label for p in lay.inputs.periods]

    def restyle(sheet, r, c, key, i):
        cell = lay.sheets[sheet].cells.get((r, c))
        if cell is not None and cell.formula and key:
            unit = cell.style.split("|")[1]
            cell.style = style(unit, marks.basis(key, i))

    for key, (sheet, r) in lay.row_of.items():
        if sheet == spec.CALCS:
            for i in range(len(labels)):
                restyle(sheet, r, P0 + i, key, i)
    for code, _, _, key in spec.FEED_ROWS:
        _, r = lay.row_of[code]
        for i in range(len(labels)):
            restyle(spec.CHART_DATA, r, P0 + i, key, i)
    shown = comparison_quarters(lay)
    for _, code, _, _, key in spec.COMPARISON_ROWS:
        _, r, _ = lay.scalar_at[f"comparison:{code}"]
        for c_, label in shown.items():
            restyle(spec.COMPARISON, r, c_, key, labels.index(label))
    exp = reference(lay.inputs)
    quarter = {"r": "r_quarter", "l": "l_quarter", "m": "m_quarter"}
    for code, (which, key_of) in _LATEST_SHOWS.items():
        _, r, _ = lay.scalar_at[f"latest:{code}"]
        for c in spec.COMPANIES:
            q = exp.latest[quarter[which]].get(c.code)
            if isinstance(q, str) and q in labels:
                restyle(spec.COMPARISON, r, COMPANY_COL[c.code], key_of(c), labels.index(q))
    for code, key_of in (("sx_growth", lambda c: f"{c.slug}_yoy"), ("sx_margin", lambda c: f"{c.slug}_om")):
        _, r, _ = lay.scalar_at[f"scatter:{code}"]
        for c in spec.SCATTERED:
            q = exp.latest["l_quarter"].get(c.code)
            if isinstance(q, str) and q in labels:
                restyle(spec.CHART_DATA, r, COMPANY_COL[c.code], key_of(c), labels.index(q))
    # the hollow points: growth at the latest quarter; margin there, else the four quarters' to the margin quarter
    _, rg, _ = lay.scalar_at["scatter:sy_growth"]
    _, rm, _ = lay.scalar_at["scatter:sy_margin"]
    for c in spec.SCATTERED:
        q, mq = exp.latest["r_quarter"].get(c.code), exp.latest["m_quarter"].get(c.code)
        if isinstance(q, str) and q in labels:
            restyle(spec.CHART_DATA, rg, COMPANY_COL[c.code], f"{c.slug}_yoy", labels.index(q))
            if mq == q:
                restyle(spec.CHART_DATA, rm, COMPANY_COL[c.code], f"{c.slug}_om", labels.index(q))
            elif isinstance(mq, str) and mq in labels:
                restyle(spec.CHART_DATA, rm, COMPANY_COL[c.code], f"{c.slug}_om_ttm", labels.index(mq))


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
    _mark(lay)
    return lay
