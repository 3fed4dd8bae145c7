"""Lay the value-chain model out on sheets: every cell's address, content and style.

Uses the shared Layout (model.layout) and its template renderer; the rows, checks and
charts come from model.value_chain.spec, the grid from model.grid. Two tokens are this
model's own, replaced before a template is rendered: ``{t_first}`` / ``{t_here}`` (the
timeline's first header and this column's) and ``{rack:<slice>[:<case>]}`` (a cell of the
per-$1 block on Calculations: the same case's column, or the named case's).
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from ..core import grid
from ..core.grid import C_CODE, C_LABEL, C_NOTE, C_UNIT, C_VALUE, FIRST_PERIOD_COL as P0
from ..core.inputs import ModelInputs
from ..core.layout import (Layout, SheetLayout, calc_rows, check_row, cover_sheet, fit_row_heights, master_check,
                           row_head)
from ..core.quarterly import sources_sheet
from ..core.spec import given
from ..core.formats import BASIS_MARK
from ..core.spec import given
from . import spec
from .data import fiscal_label
from .inputs import STATEMENT

COVER_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "value_chain_cover.txt"
DATA_FILE = {**{c: "value_chain_quarterly.csv" for c in spec.VALUE_CHAIN_COMPANIES},
             "Dell": "peers_quarterly.csv", "HPE": "peers_quarterly.csv", "Supermicro": "peers_quarterly.csv",
             "Lenovo": "lenovo_quarterly.csv"}
NOTE_WIDTH = 160                    # characters of a note line (a long note goes on several rows)
LEFT_WIDTH = 98                     # ... on the Meeting's lower left, beside its chart
STATUS_ROW = 2                      # Meeting: the checks line
CASE_COL = {sc: P0 + i for i, sc in enumerate(spec.SCENARIOS)}      # per-$1 block: Low, Base, High
_RACK = re.compile(r"\{rack:(\w+)(?::(\w+))?\}")


def _row_head(sh: SheetLayout, r: int, label: str, unit: str, code: str) -> None:
    row_head(sh, r, label, unit, code, text_unit="")


def _timeline_sheet(lay: Layout, name: str, title: str, subtitle: str, value_head: str = "") -> SheetLayout:
    # printed two pages across (the label columns repeated), so no page holds a lone quarter
    sh = SheetLayout(name, freeze=(grid.HEADER_ROW + 1, P0), fit_width=2)
    sh.put(0, 0, title, "title")
    sh.put(1, 0, subtitle, "subtitle")
    for c, head in enumerate(grid.TIMELINE_HEADS + (value_head,)):
        sh.put(grid.HEADER_ROW, c, head, "header")
    for i, p in enumerate(lay.inputs.periods):
        sh.put(grid.HEADER_ROW, P0 + i, p.label, "header_period")
    sh.widths = {C_LABEL: 66, C_UNIT: 6, C_CODE: 26, C_NOTE: 8, C_VALUE: 12}
    sh.widths.update({c: 11 for c in range(P0, lay.last_col + 1)})
    lay.sheets[name] = sh
    return sh


def rack(lay: Layout, tmpl: str, here: str, case: str | None = None) -> str:
    """Replace ``{rack:slice}`` (the ``case`` column) and ``{rack:slice:case}`` by cells."""
    def sub(m):
        sheet, r, c = lay.scalar_at[f"rack:{m.group(1)}:{m.group(2) or case}"]
        a = xl_rowcol_to_cell(r, c, True, True)
        return a if sheet == here else f"{quote_sheetname(sheet)}!{a}"
    return _RACK.sub(sub, tmpl)


def _inputs(lay: Layout, source_rows: dict[str, int]) -> None:
    mi = lay.inputs
    sh = _timeline_sheet(lay, spec.INPUTS, "Inputs: AI-server chain figures by calendar quarter",
                         "US$ millions unless marked %. Yellow cells are inputs; tinted: ~ approximate, "
                         "d derived, e estimate, ≥ lower bound. Sources: the Sources sheet.", "Your notes")
    sh.put(grid.PERIOD_END_ROW, C_LABEL, "Calendar quarter ends", "label")
    for i, p in enumerate(mi.periods):
        sh.put(grid.PERIOD_END_ROW, P0 + i, mi.period_ends.get(p), "date")
    r = grid.FIRST_BODY_ROW
    sh.put(r, C_LABEL, "Each company's own fiscal quarter in this calendar quarter (the middle month's) (text)",
           "section")
    for company in spec.INPUT_COMPANIES:
        r += 1
        code = spec.fiscal_row(company)
        lay.row_of[code] = (spec.INPUTS, r)
        _row_head(sh, r, f"{company} fiscal quarter (text)", "text", code)
        for i, p in enumerate(mi.periods):
            sh.put(r, P0 + i, fiscal_label(company, p), "plain|text")
    for company in spec.INPUT_COMPANIES:
        r += 2
        sh.put(r, C_LABEL, f"{company}: {spec.COMPANY_NOTE[company]}", "section")
        for row in (x for x in mi.rows if x.company == company):
            r += 1
            lay.row_of[row.key] = (spec.INPUTS, r)
            _row_head(sh, r, row.label, row.unit, row.key)
            if row.key in source_rows:
                sh.put(r, C_NOTE, grid.LINK_TEXT, "link", url=f"internal:{spec.SOURCES}!A{source_rows[row.key] + 1}")
            sh.put(r, C_VALUE, mi.notes.get(row.key), "input|text|reported")
            for i, p in enumerate(mi.periods):
                e = mi.figures.get((p, row.key))
                basis = e.basis if e and e.basis in BASIS_MARK else "reported"
                sh.put(r, P0 + i, e.value if e else None, f"input|{row.unit}|{basis}")


def statement_of(mi: ModelInputs, text: str):
    """(value, unit, basis, source title, link, quote, data row) of a unit-economics statement, or None."""
    return mi.quotes.get((STATEMENT, text))


def _assumptions(lay: Layout) -> None:
    mi = lay.inputs
    sh = SheetLayout(spec.ASSUMPTIONS, freeze=(grid.HEADER_ROW + 1, 0))
    lay.sheets[spec.ASSUMPTIONS] = sh
    sh.put(0, 0, "Assumptions", "title")
    sh.put(1, 0, "Yellow (or tinted) cells are inputs: change them and every calculation, the Meeting page and the "
                 "charts follow.", "subtitle")
    for c, head in enumerate(grid.TIMELINE_HEADS + ("Value",)):
        sh.put(grid.HEADER_ROW, c, head, "header")
    sh.put(grid.HEADER_ROW, P0, "Why, and where from", "header")
    sh.widths = {C_LABEL: 80, C_UNIT: 6, C_CODE: 20, C_NOTE: 4, C_VALUE: 12, P0: 110}
    r = grid.SCALAR_FIRST_ROW
    groups = (("One-off items: shown, and a choice to take them out", lambda s: s.key == "one_offs"
               or s.key.startswith("oo_")),
              ("Tolerances and units", lambda s: s.key in ("margin_bound", "margin_tolerance", "pct_point")),
              ("Per $1 of AI rack: the statements each slice rests on (Low = the lowest, Base = the median, "
               "High = the highest of a slice's statements)", lambda s: s.key.startswith("ue_")))
    for title, pick in groups:
        sh.put(r, C_LABEL, title, "section")
        r += 1
        for s in (x for x in spec.SCALARS if pick(x)):
            lay.scalar_at[s.key] = (spec.ASSUMPTIONS, r, C_VALUE)
            basis, note = "reported", s.note
            if s.key in spec.STATEMENT_KEYS:
                st = spec.STATEMENT_KEYS[s.key]
                got = statement_of(mi, st.text)
                slice_name = dict(spec.SLICES).get(st.slice, "context, not in the split")
                if got is not None:
                    basis = got[2] if got[2] in BASIS_MARK else "reported"
                    note = f"{slice_name.split(' (')[0]}; {got[2]}; {got[3]} (unit_economics.csv row {got[6]})"
                else:
                    note = f"{slice_name.split(' (')[0]}; not in the data file"
            _row_head(sh, r, s.label, s.unit, s.key)
            sh.put(r, P0, note, "note")
            sh.put(r, C_VALUE, mi.scalars.get(s.key), f"input|{s.unit}|{basis}")
            if s.choices:
                sh.validations.append((r, C_VALUE, {"validate": "list", "source": list(s.choices)}))
            elif s.key in spec.QUARTER_SCALARS:
                sh.validations.append((r, C_VALUE, {"validate": "list", "source": f"={spec.PERIOD_NAME}"}))
            r += 1
        if title.startswith("One-off"):
            sh.put(r, C_LABEL, "Micron fiscal 2023 (2023 Q1 to Q3): inventory write-downs are in its reported "
                               "margins; the data do not give their amount, so they are not taken out.", "note")
            r += 1
        r += 1


def _calculations(lay: Layout) -> None:
    sh = _timeline_sheet(lay, spec.CALCS, "Calculations",
                         "Every cell is a formula; one formula across each row. Blank where an input is "
                         "missing. US$ millions unless marked. The per-$1 block is below the quarters.")
    sh.protect = True
    first = xl_rowcol_to_cell(grid.HEADER_ROW, P0, True, True)

    def expand(tmpl: str, c: int) -> str:
        return tmpl.replace("{t_first}", first).replace(
            "{t_here}", xl_rowcol_to_cell(grid.HEADER_ROW, c, True, False))
    calc_rows(lay, sh, spec.CALC_ROWS, expand, text_unit="")
    r = max(r_ for s_, r_ in lay.row_of.values() if s_ == spec.CALCS) + 3
    sh.put(r, C_LABEL, "Per $1 of AI rack (Grace Blackwell NVL72), analysts' estimates: not over quarters", "section")
    r += 1
    hr = r
    lay.scalar_at["rack_header"] = (spec.CALCS, hr, P0)
    sh.put(hr, C_LABEL, "Slice of the rack's price", "header")
    for c_ in range(C_UNIT, P0):
        sh.put(hr, c_, "", "header")
    for sc, c_ in CASE_COL.items():
        sh.put(hr, c_, sc, "header_period")

    rows = {}
    for n, (sl, words) in enumerate(spec.SLICES):
        rows[sl] = hr + 1 + n
        for sc, c_ in CASE_COL.items():
            lay.scalar_at[f"rack:{sl}:{sc}"] = (spec.CALCS, rows[sl], c_)
    for sl, words in spec.SLICES:
        rr = rows[sl]
        _row_head(sh, rr, f"{words} (%)", "%", f"rack_{sl}")
        for sc, c_ in CASE_COL.items():
            tmpl = rack(lay, spec.slice_formula(sl, sc), spec.CALCS, sc)
            sh.formula(rr, c_, lay.render(tmpl, c_, spec.CALCS), "calc|%")
    rr = hr + 1 + len(spec.SLICES)
    _row_head(sh, rr, "Total of the slices that add to $1: GPUs, Other, maker's margin (%)", "%", "rack_total")
    for sc, c_ in CASE_COL.items():
        sh.formula(rr, c_, "+".join(xl_rowcol_to_cell(rows[sl], c_) for sl in spec.IN_STACK), "calc|%")
    lay.scalar_at["rack:total"] = (spec.CALCS, rr, P0)
    # how each slice is found, below the block from column A (printed whole within the first page across)
    how = [f"{words.split(' (')[0].split(':')[0]}: " + ("1 less the GPUs and the maker's margin (memory is "
           "inside them)" if sl == "other" else
           "Low / Base / High = MIN / MEDIAN / MAX of " + "; ".join(s.short for s in spec.STATEMENTS if s.slice == sl))
           for sl, words in spec.SLICES]
    for n, part in enumerate(how + textwrap.wrap(spec.OVERLAP, NOTE_WIDTH)):
        sh.put(rr + 1 + n, C_LABEL, part, "note")


def _meeting(lay: Layout) -> None:
    sh = SheetLayout(spec.MEETING, protect=True, freeze=(0, 0))
    lay.sheets[spec.MEETING] = sh
    last = lay.inputs.periods[-1].label
    sh.put(0, 0, "Where the AI-server profit goes: who earned what margin, how it moved since 2023, "
                 "and what is left for the server maker per $1", "title")
    sh.put(1, 0, f"Calendar quarters 2023 Q1 to {last}; each company's fiscal quarter sits in the calendar quarter "
                 "of its middle month. Operating margin = operating profit / revenue. Whole history: Calculations "
                 "and the chart sheets.", "subtitle")
    lay.scalar_at["meeting_status"] = (spec.MEETING, STATUS_ROW, C_LABEL)
    sh.put(STATUS_ROW, P0, "Markers as on Inputs (italic): ~ rests on an approximate figure (many are chart "
                           "reconstructions), d derived, e estimate, ≥ lower bound.", "note")
    cq = spec.PERIOD_NAME

    def header(r, title, heads):
        sh.put(r, C_LABEL, title, "header")
        for c_ in range(C_UNIT, P0):
            sh.put(r, c_, "", "header")
        sh.put(r, C_VALUE, "Layer" if "Latest" in title else "", "header")
        for i, h in enumerate(heads):
            sh.put(r, P0 + i, h, "header_period")

    # 1. the latest quarter each company reported
    r = 4
    sh.put(r - 1, P0, "Latest quarter with an operating margin", "section")
    sh.put(r - 1, P0 + 8, "First quarter from 2023 with one", "section")
    header(r, "Latest quarter each company reported", [h for _, h, _ in spec.LATEST_FIELDS])
    col = {code: P0 + i for i, (code, _, _) in enumerate(spec.LATEST_FIELDS)}
    unit = {code: u for code, _, u in spec.LATEST_FIELDS}
    for m in spec.SHOWN:
        r += 1
        slug = m.slug
        code = f"m_{slug}"
        _row_head(sh, r, m.name, "", code)
        sh.put(r, C_VALUE, spec.LAYER_NAME[m.layer], "text")
        lay.scalar_at[f"latest:{slug}"] = (spec.MEETING, r, P0)
        om, om0 = (xl_rowcol_to_cell(r, col[x]) for x in ("om", "om0"))
        pos_row = f"{slug}_pos"
        none = f"COUNT({{={pos_row}}})=0"           # no quarter with a margin
        pos, pos0 = f"MAX({{={pos_row}}})", f"MIN({{={pos_row}}})"

        def at(expr):
            return f'IF({none},"",{expr})'
        f = {
            "q": at(f"INDEX({cq},1,{pos})"),
            "q0": at(f"INDEX({cq},1,{pos0})"),
            "om": at(f"INDEX({{={slug}_om}},1,{pos})"),
            "om0": at(f"INDEX({{={slug}_om}},1,{pos0})"),
        }
        if slug != "oem":        # the set of makers changes: no change over it (the like-for-like row has one)
            f["d"] = given([om, om0], f"({om}-{om0})/{{$pct_point}}")
        if m.company is not None:
            f["fiscal"] = at(f"INDEX({{={spec.fiscal_row(m.company)}}},1,{pos})")
        elif slug == "oem":
            f["fiscal"] = at(f'INDEX({{=oem_nb}},1,{pos})&": "&INDEX({{=oem_set}},1,{pos})')
        if m.dollars:
            rev, op = ("oem_both_rev", "oem_both_op") if slug == "oem" else (f"{slug}_rev", f"{slug}_op")
            f["rev"] = at(f"INDEX({{={rev}}},1,{pos})")
            f["op"] = at(f"INDEX({{={op}}},1,{pos})")
        if slug in spec.WITH_GROSS:
            f["gm"] = at(f"INDEX({{={slug}_gm}},1,{pos})")
        if m.dollars and slug not in ("oem", "oemcs"):
            rq = f'IF(COUNT({{={slug}_rpos}})=0,"",MAX({{={slug}_rpos}}))'
            f["rq"] = f'IF(COUNT({{={slug}_rpos}})=0,"",INDEX({cq},1,MAX({{={slug}_rpos}})))'
            f["stale"] = at(f'IF({rq}>{pos},"yes","")')
        for code_, text in f.items():
            sh.formula(r, col[code_], lay.render(text, P0, spec.MEETING), f"calc|{unit[code_]}")
    r += 1
    _row_head(sh, r, "One-off items in these margins (with = as reported; set on Assumptions)", "", "oneoff_line")
    sh.formula(r, P0, lay.render("{$one_offs}", P0, spec.MEETING), "calc|text")
    r += 1
    sh.put(r, C_LABEL, "Blank: not given (AMD, Dell, HPE and Lenovo give no segment gross margin; SK hynix no "
                       "dollar figures). Lenovo CSP: estimates, inside Lenovo ISG.", "note")

    # 2. the profit pool: every quarter over the companies that reported; the latest with every layer in it
    r += 2
    sh.put(r - 1, P0, "First and latest quarter with every layer in the pool", "section")
    header(r, "The chain's operating profit pool by layer", [h for _, h, _ in spec.POOL_FIELDS])
    pool_hr = r
    r += 1
    # the first and the latest quarter with every layer: their positions on the timeline, in each formula
    none, p0, p1 = "COUNT({=pool_pos})=0", "MIN({=pool_pos})", "MAX({=pool_pos})"

    def at_pool(expr):
        return lay.render(f'IF({none},"",{expr})', P0, spec.MEETING)
    _row_head(sh, r, "Quarter (the companies that reported an operating profit in it)", "", "pool_q")
    sh.formula(r, P0, at_pool(f"INDEX({cq},1,{p0})"), "calc|text")
    sh.formula(r, P0 + 2, at_pool(f"INDEX({cq},1,{p1})"), "calc|text")
    lay.scalar_at["pool:q"] = (spec.MEETING, r, P0)
    r += 1
    _row_head(sh, r, f"Companies in the pool, of {len(spec.POOL_MEMBERS)} (count)", "count", "pool_cov")
    for i, p in ((0, p0), (2, p1)):
        sh.formula(r, P0 + i, at_pool(f"INDEX({{=pool_n}},1,{p})"), "calc|count")
    for lk, ln in list(spec.LAYERS) + [("total", "The pool")]:
        r += 1
        members = ", ".join(spec.COV_NAME.get(s, spec.BY_SLUG[s].name) for s in spec.LAYER_MEMBERS[lk]) \
            if lk != "total" else "those that reported"
        _row_head(sh, r, f"{ln} ({members})", "", f"pool_{lk}")
        lay.scalar_at[f"pool:{lk}"] = (spec.MEETING, r, P0)
        for i, p in ((0, p0), (2, p1)):
            op_row = "pool_op" if lk == "total" else f"{lk}_op"
            sh.formula(r, P0 + i, at_pool(f"INDEX({{={op_row}}},1,{p})"), "calc|$M")
            if lk != "total":
                sh.formula(r, P0 + i + 1, at_pool(f"INDEX({{={lk}_share}},1,{p})"), "calc|%")
    # beside it: who is in the latest such quarter, and the share of the pool each held (when last in it, if out)
    # (one row more than the pool's: the last ends one row below it)
    assert r - pool_hr + 1 == len(spec.POOL_MEMBERS), "the who-is-in block sits beside the pool block, row for row"
    c0 = P0 + spec.COV_COL
    sh.put(pool_hr - 1, c0, "Who is in the latest pool quarter", "section")
    for i, h in enumerate(("Company", "In it?", "Share %", "Share of", "Last in")):
        sh.put(pool_hr, c0 + i, h, "header_period")
    for n, m in enumerate(spec.POOL_MEMBERS):
        rr = pool_hr + 1 + n
        s_ = m.slug
        sh.put(rr, c0, spec.COV_NAME.get(s_, m.name), "text")
        last = f'MAX({{={s_}_pspos}})'
        here = f'INDEX({{={s_}_psh}},1,{p1})'
        inn, at = xl_rowcol_to_cell(rr, c0 + 1), xl_rowcol_to_cell(rr, c0 + 3)
        f_ = {
            0: at_pool(f'IF({here}="","out","in")'),
            3: lay.render(f'IF(COUNT({{={s_}_pspos}})=0,"",INDEX({cq},1,{last}))', P0, spec.MEETING),
            2: at_pool(f'IF({inn}="in",INDEX({cq},1,{p1}),IF(COUNT({{={s_}_pspos}})=0,"",INDEX({cq},1,{last})))'),
            1: lay.render(given([at], f'IF({inn}="in",{here},INDEX({{={s_}_psh}},1,{last}))'), P0, spec.MEETING),
        }
        for i, text in f_.items():
            sh.formula(rr, c0 + 1 + i, text, "calc|%" if i == 1 else "calc|text")
    lay.scalar_at["cov:first"] = (spec.MEETING, pool_hr + 1, c0)
    # the makers' share of the pooled revenue beside their share of the profit (first, latest pool quarter)
    r += 1
    _row_head(sh, r, "Server makers: share of revenue | of profit (revenues overlap)",
              "%", "pool_rsh")
    lay.scalar_at["pool:rsh"] = (spec.MEETING, r, P0)
    for i, p in ((0, p0), (2, p1)):
        sh.formula(r, P0 + i, at_pool(f"INDEX({{=oem_rsh}},1,{p})"), "calc|%")
        sh.formula(r, P0 + i + 1, at_pool(f"INDEX({{=oem_share}},1,{p})"), "calc|%")
    r += 1
    chart_row = r + 1                   # the margin chart: right of the caveats and the per-$1 block
    for line in spec.MEETING_CAVEAT:
        for part in textwrap.wrap(line, LEFT_WIDTH):
            sh.put(r, C_LABEL, part, "note")
            r += 1

    # 3. per $1 of AI rack
    header(r, "Per $1 of AI rack, analysts' estimates: each slice's own range (not scenarios)",
           list(spec.SCENARIOS) + ["Rests on"])
    for sl, words in spec.SLICES:
        r += 1
        _row_head(sh, r, words, "%", f"rack_m_{sl}")
        lay.scalar_at[f"rack_m:{sl}"] = (spec.MEETING, r, P0)
        for sc, c_ in CASE_COL.items():
            sh.formula(r, c_, rack(lay, f"{{rack:{sl}:{sc}}}", spec.MEETING), "calc|%")
        sh.put(r, P0 + len(spec.SCENARIOS), spec.RACK_RESTS[sl], "note")
    for s in (x for x in spec.STATEMENTS if x.slice == "context"):
        r += 1
        _row_head(sh, r, f"For comparison: {s.short}", "%", f"ctx_{s.key}")
        lay.scalar_at[f"ctx:{s.key}"] = (spec.MEETING, r, CASE_COL["Base"])
        sh.formula(r, CASE_COL["Base"], lay.render(f"{{${s.key}}}", P0, spec.MEETING), "calc|%")
    r += 1
    _row_head(sh, r, "Vera Rubin: its Vera CPUs add to NVIDIA's share (pts)", "pts",
              "ctx_vr_cpu_pts")
    sh.formula(r, CASE_COL["Base"], lay.render(
        given(["{$ue_ctx_vr_cpu}", "{$ue_ctx_vr_gpu}"], "({$ue_ctx_vr_cpu}-{$ue_ctx_vr_gpu})/{$pct_point}"),
        P0, spec.MEETING), "calc|pts")
    r += 1
    for line in spec.MEETING_NOTES:
        for part in textwrap.wrap(line, LEFT_WIDTH):
            sh.put(r, C_LABEL, part, "note")
            r += 1
    for (r_, c_), cell in list(sh.cells.items()):
        if c_ == C_CODE and cell.value:       # a space beside each code stops it spilling into print
            sh.put(r_, C_UNIT, None, "unit")
            if (r_, C_NOTE) not in sh.cells:
                sh.put(r_, C_NOTE, " ", "text")
    # codes, units and helper positions sit in near-zero columns (they do not show when printed); the page fits
    # its width, so fewer, narrower columns print larger
    hid = 0.5
    sh.widths = {C_LABEL: 47, C_UNIT: hid, C_CODE: hid, C_NOTE: hid, C_VALUE: 11}
    narrow = {"q": 7.5, "fiscal": 11, "rev": 9.5, "gm": 8.5, "om": 9.5, "op": 9.5, "rq": 8, "stale": 8,
              "q0": 7.5, "om0": 8.5, "d": 11}
    sh.widths.update({col[x]: w for x, w in narrow.items()})
    # the margin chart over the lower right, from the caveats to the last note (about 20 px a row)
    c0 = P0 + spec.COV_COL
    px = sum(int(sh.widths[c] * 7 + 5) for c in range(c0, P0 + len(spec.LATEST_FIELDS)))
    sh.charts.append({"kind": "chart", "chart": spec.MEETING_CHART, "anchor": (chart_row, c0), "print_rows": 0,
                      "size": {"x_scale": px / 480, "y_scale": (r - chart_row) * 20 / 288,
                               "x_offset": 2, "y_offset": 4}})
    sh.fit_height = 1                   # one page: the chart prints with it
    first_m, last_m = (lay.scalar_at[f"latest:{x.slug}"][1] for x in (spec.SHOWN[0], spec.SHOWN[-1]))
    for x in ("om",):     # a bar in each latest-margin cell: the margins by layer at a glance
        sh.conditional.append((first_m, col[x], last_m, col[x], {
            "type": "data_bar", "bar_color": "#5B9BD5", "bar_solid": True, "format": "calc|%"}))


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
    master_check(lay, sh, mr, [(first, last)], spec.CHECKS_LIST, lay.scalar_at["meeting_status"])
    lr, lc = lay.sheets[spec.MEETING].extent
    below = (f"{quote_sheetname(spec.MEETING)}!{xl_rowcol_to_cell(STATUS_ROW + 1, 0, True, True)}:"
             f"{xl_rowcol_to_cell(lr, lc, True, True)}")
    for chk in spec.CHECKS_LIST:
        whole = rack(lay, chk.formula, spec.CHECKS).replace("{!" + spec.MEETING + "}", below)
        if chk.per_period:
            check_row(lay, sh, lay.row_of[chk.key][1], chk)
        else:
            check_row(lay, sh, lay.row_of[chk.key][1], chk, whole=whole)


def _chart_data(lay: Layout) -> None:
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


def _sources(lay: Layout, order=None) -> dict[str, int]:
    """One line per figure (model.core.quarterly.sources_sheet): the company, its fiscal quarter and
    the data file the figure came from."""
    return sources_sheet(lay, spec.SOURCES, spec.INPUT_KEYS, lambda row, p: (
        row.company, fiscal_label(row.company, p), DATA_FILE[row.company]), order)


QUOTES_HEADS = (("Statement", 32), ("Value in data file", 8), ("Unit", 5), ("Basis", 8), ("Source", 22),
                ("Link", 16), ("Quote read in the source", 44), ("Data file row", 5), ("Used in", 14))
QUOTES_WRAP = (0, 4, 6, 8)          # the statement, source, quote and use wrap in their cells


def _quotes(lay: Layout) -> None:
    """Every unit-economics statement, with its quote and the slice that uses it."""
    mi = lay.inputs
    sh = SheetLayout(spec.QUOTES, freeze=(1, 0))
    lay.sheets[spec.QUOTES] = sh
    for c, (head, w) in enumerate(QUOTES_HEADS):
        sh.put(0, c, head, "header")
        sh.widths[c] = w
    used = {s.text: s for s in spec.STATEMENTS}
    rows = sorted(((text, v) for (kind, text), v in mi.quotes.items() if kind == STATEMENT), key=lambda t: t[1][6])
    for n, (text, (value, unit, basis, title, url, quote, row)) in enumerate(rows, start=1):
        sh.put(n, 0, text, "text")
        sh.put(n, 1, value, "plain|count" if unit not in ("pct", "pct_pt", "usd_m") else "plain|$M")
        sh.put(n, 2, unit, "text")
        sh.put(n, 3, basis, "text")
        sh.put(n, 4, title, "text")
        link = url if str(url).lower().startswith(("http://", "https://")) else None
        sh.put(n, 5, url, "link" if link else "text", url=link)
        sh.put(n, 6, quote, "text")
        sh.put(n, 7, row, "plain|count")
        s = used.get(text)
        sh.put(n, 8, ("" if s is None else
                      dict(spec.SLICES).get(s.slice, "context on Meeting").split(" (")[0] + f" ({s.key})"), "text")
    for (r_, c_), cell in sh.cells.items():
        if r_ > 0 and c_ in QUOTES_WRAP:
            cell.style = "wrap"
    sh.print_titles = (0, 0)
    fit_row_heights(sh)


def _mark(lay: Layout) -> None:
    """Give each calculated cell the marker of the weakest figure it rests on (model.value_chain.marks):
    Calculations and Chart data by quarter, the Meeting by the quarter each cell shows."""
    from .marks import Marks, cell_style
    from .reference import reference
    marks = Marks(lay.inputs)
    labels = [p.label for p in lay.inputs.periods]

    def restyle(sheet, r, c, basis):
        cell = lay.sheets[sheet].cells.get((r, c))
        if cell is not None and cell.formula:
            unit = cell.style.split("|")[1]
            cell.style = cell_style(unit, basis)

    def at(label):
        return labels.index(label) if isinstance(label, str) and label in labels else None

    for key, (sheet, r) in lay.row_of.items():
        if sheet == spec.CALCS:
            for i in range(len(labels)):
                restyle(sheet, r, P0 + i, marks.basis(key, i))
    for code, _, _, key in spec.FEED_ROWS:
        _, r = lay.row_of[code]
        for i in range(len(labels)):
            restyle(spec.CHART_DATA, r, P0 + i, marks.basis(key, i))
    exp = reference(lay.inputs)
    col = {code: P0 + i for i, (code, _, _) in enumerate(spec.LATEST_FIELDS)}
    for m in spec.SHOWN:
        s_ = m.slug
        _, r, _ = lay.scalar_at[f"latest:{s_}"]
        d = exp.latest.get(s_, {})
        q, q0 = at(d.get("q")), at(d.get("q0"))
        keys = {"rev": "oem_both_rev" if s_ == "oem" else f"{s_}_rev",
                "op": "oem_both_op" if s_ == "oem" else f"{s_}_op", "gm": f"{s_}_gm", "om": f"{s_}_om"}
        for fld, key in keys.items():
            restyle(spec.MEETING, r, col[fld], marks.weakest((key, q)))
        restyle(spec.MEETING, r, col["om0"], marks.weakest((f"{s_}_om", q0)))
        restyle(spec.MEETING, r, col["d"], marks.weakest((f"{s_}_om", q), (f"{s_}_om", q0)))
    p0, p1 = (at(x) for x in (exp.pool["q"][0], exp.pool["q"][2]))
    for lk, _ in list(spec.LAYERS) + [("total", "")]:
        _, r, _ = lay.scalar_at[f"pool:{lk}"]
        for i, p in ((0, p0), (2, p1)):
            restyle(spec.MEETING, r, P0 + i, marks.weakest(("pool_op" if lk == "total" else f"{lk}_op", p)))
            restyle(spec.MEETING, r, P0 + i + 1, marks.weakest((f"{lk}_share", p)))
    _, hr, _ = lay.scalar_at["cov:first"]
    for n, m in enumerate(spec.POOL_MEMBERS):
        q = at(exp.pool[f"cov_{m.slug}"][2])
        restyle(spec.MEETING, hr + n, P0 + spec.COV_COL + 2, marks.weakest((f"{m.slug}_psh", q)))


def _cover(lay: Layout) -> None:
    cover_sheet(lay, spec.COVER, COVER_TEMPLATE, text_style="wrap", empty_labels=False)
    fit_row_heights(lay.sheets[spec.COVER])      # the long 'Built from' line wraps, not cut at the margin


def lay_out(mi: ModelInputs, source_order=None) -> Layout:
    """Inputs -> every sheet's cells, names and rows (``source_order``: see _sources)."""
    if not mi.periods:
        raise ValueError("no periods to lay out")
    from .. import models
    lay = Layout(mi, model=models.get("ai_value_chain"))
    for name in spec.WORKSHEETS:
        lay.sheets[name] = SheetLayout(name)
    source_rows = _sources(lay, source_order)
    _inputs(lay, source_rows)
    lay.names[spec.PERIOD_NAME] = (f"{spec.INPUTS}!{xl_rowcol_to_cell(grid.HEADER_ROW, P0, True, True)}:"
                                   f"{xl_rowcol_to_cell(grid.HEADER_ROW, lay.last_col, True, True)}")
    _assumptions(lay)
    _calculations(lay)
    _meeting(lay)
    _checks(lay)
    _chart_data(lay)
    _quotes(lay)
    _mark(lay)
    _cover(lay)
    for name, key in spec.defined_names().items():
        lay.names[name] = lay.row_range(key)
    for name, (sl, sc) in spec.CELL_NAMES.items():
        sheet, r, c = lay.scalar_at[f"rack:{sl}:{sc}"]
        lay.names[name] = f"{quote_sheetname(sheet)}!{xl_rowcol_to_cell(r, c, True, True)}"
    return lay
