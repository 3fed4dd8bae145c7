"""Lay the Lenovo model out on sheets: every cell's address, content and style.

``lay_out(inputs)`` turns plain inputs and the spec into a ``Layout``: plain
data that the writer puts on disk and the audit compares a workbook against
(the Layout type and the helpers every model shares: model.core.layout).
"""
from __future__ import annotations

from pathlib import Path

from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell

from ..core.inputs import ModelInputs
from ..core.layout import (  # noqa: F401 (re-exported)
    Layout, SheetLayout, calc_rows, check_row, cover_sheet, row_head)
from ..core.reader import Formula
from . import spec

from ..core.grid import C_CODE, C_LABEL, C_NOTE, C_UNIT, C_VALUE  # noqa: F401 (re-exported)
from ..core.grid import MASTER_LABEL, SOURCES_COLUMNS, SRC, TIMELINE_HEADS

P0 = spec.FIRST_PERIOD_COL


def _timeline_sheet(lay: Layout, name: str, title: str, subtitle: str, value_head: str = "") -> SheetLayout:
    sh = SheetLayout(name, freeze=(spec.HEADER_ROW + 1, P0))
    sh.put(0, 0, title, "title")
    sh.put(1, 0, subtitle, "subtitle")
    r = spec.HEADER_ROW
    for c, head in enumerate(TIMELINE_HEADS + (value_head,)):
        sh.put(r, c, head, "header")
    for i, p in enumerate(lay.inputs.periods):
        sh.put(r, P0 + i, p.label, "header_period")
    sh.widths = {C_LABEL: 62, C_UNIT: 6, C_CODE: 20, C_NOTE: 10, C_VALUE: 14}
    sh.widths.update({c: 12 for c in range(P0, lay.last_col + 1)})
    lay.sheets[name] = sh
    return sh


def _inputs(lay: Layout, source_rows: dict[str, int]) -> None:
    mi = lay.inputs
    sh = _timeline_sheet(lay, spec.INPUTS, "Inputs: segment figures by fiscal quarter",
                         "US$ millions unless marked %. Yellow cells are inputs. "
                         "Markers: e = estimate, ~ = approximate, ≥ = lower bound, d = derived "
                         "(tinted cells). Sources: see the Sources sheet.", "Your notes")
    sh.put(spec.PERIOD_END_ROW, C_LABEL, "Period end", "label")
    for i, p in enumerate(mi.periods):
        sh.put(spec.PERIOD_END_ROW, P0 + i, mi.period_ends.get(p), "date")
    for n, row in enumerate(mi.rows):
        r = spec.FIRST_BODY_ROW + n
        lay.row_of[row.key] = (spec.INPUTS, r)
        row_head(sh, r, row.label, row.unit, row.key)
        if row.key in source_rows:
            sh.put(r, C_NOTE, "Sources", "link",
                   url=f"internal:{spec.SOURCES}!A{source_rows[row.key] + 1}")
        note = mi.notes.get(row.key)
        if isinstance(note, Formula):     # a note may be a formula of the person's own
            sh.formula(r, C_VALUE, str(note)[1:], "input|text|reported")
        else:
            sh.put(r, C_VALUE, note, "input|text|reported")
        for i, p in enumerate(mi.periods):
            e = mi.figures.get((p, row.key))
            basis = e.basis if e and e.basis in spec.BASIS_MARK else "reported"
            sh.put(r, P0 + i, e.value if e else None, f"input|{row.unit}|{basis}")


def _assumptions(lay: Layout) -> None:
    mi = lay.inputs
    sh = _timeline_sheet(lay, spec.ASSUMPTIONS, "Assumptions",
                         "Yellow cells are inputs: change them and every calculation "
                         "and chart follows.", "Value")
    def scalar(r, s, choose=False):
        lay.scalar_at[s.key] = (spec.ASSUMPTIONS, r, C_VALUE)
        row_head(sh, r, s.label, s.unit, s.key, text_unit="")
        sh.put(r, P0, s.note, "note")
        sh.put(r, C_VALUE, mi.scalars.get(s.key, s.default), f"input|{s.unit}|reported")
        if choose and s.choices:
            sh.validations.append((r, C_VALUE, {"validate": "list", "source": list(s.choices)}))

    for n, s in enumerate(spec.SCALARS[:spec.SCALARS_BEFORE_040]):
        scalar(spec.SCALAR_FIRST_ROW + n, s)
    r = spec.SCALAR_FIRST_ROW + spec.SCALARS_BEFORE_040 + 1
    sh.put(r, C_LABEL, "Ex-CSP gross margin by quarter and scenario (%)", "section")
    sh.put(r, P0, spec.EXCSP_DEFAULT_NOTE + " Tinted: a figure from the data file.", "note")
    first = r + 1
    for n, s in enumerate(spec.SCENARIO_ROWS):
        r = first + n
        lay.row_of[s.key] = (spec.ASSUMPTIONS, r)
        sh.put(r, C_LABEL, f"Ex-CSP gross margin, {s.scenario} scenario (%)", "label")
        sh.put(r, C_UNIT, "%", "unit")
        sh.put(r, C_CODE, s.scenario, "code")
        for i, p in enumerate(mi.periods):
            e = mi.scenarios.get((p, s.key))
            basis = e.basis if e and e.basis in spec.BASIS_MARK else "reported"
            sh.put(r, P0 + i, e.value if e else None, f"input|%|{basis}")
    lay.scalar_at["scenario_names"] = (spec.ASSUMPTIONS, (first, first + len(spec.SCENARIO_ROWS) - 1),
                                       C_CODE)
    # added in 0.2.0, below the scenario rows: where each quarter's Base margin comes from, and
    # what each scenario rests on
    r = first + len(spec.SCENARIO_ROWS)
    lay.row_of["excsp_base_source"] = (spec.ASSUMPTIONS, r)
    sh.put(r, C_LABEL, "Base margin: sourced, or carried from the CFO's statement (text)", "label")
    sh.put(r, C_CODE, "excsp_base_source", "code")
    for i, p in enumerate(mi.periods):
        e = mi.scenarios.get((p, "excsp_base"))
        if e is None:
            text = ""
        elif e.basis == "assumption":
            text = "carried"
        elif e.basis == "user":
            text = "your value"
        else:
            text = f"sourced ({e.basis})"
        sh.put(r, P0 + i, text, "note")
    for n, srow in enumerate(spec.SCENARIO_ROWS):
        sh.put(r + 2 + n, C_LABEL, f"{srow.scenario} = {spec.SCENARIO_MEANING[srow.scenario]}. "
                                   f"{spec.SCENARIO_REASON[srow.scenario]}", "note")
    # added in 0.4.0, below everything above: the choices of this release
    r += 2 + len(spec.SCENARIO_ROWS) + 1
    sh.put(r, C_LABEL, "Choices of the method (0.4.0): yellow cells are inputs", "section")
    for n, s in enumerate(spec.SCALARS[spec.SCALARS_BEFORE_040:]):
        scalar(r + 1 + n, s, choose=True)
    sc = lay.scalar_at["scenario"]
    rng = lay.render("={$scenario_names}", 0, spec.ASSUMPTIONS)
    sh.validations.append((sc[1], sc[2], {"validate": "list", "source": rng,
                                          "input_title": "Scenario",
                                          "input_message": "Low, Base or High"}))


def _calculations(lay: Layout) -> None:
    sh = _timeline_sheet(lay, spec.CALCS, "Calculations",
                         "Every cell is a formula; one formula across each row. "
                         "Blank where an input is missing. US$ millions unless marked.")
    sh.protect = True
    # {hdr}: this column's quarter label on the sheet's own header row (a quarter's position is
    # found by MATCH on it: no range that ends at the cell's own column, which a refresh adding a
    # quarter would stretch)
    calc_rows(lay, sh, spec.CALC_ROWS,
              expand=lambda t, c: t.replace("{hdr}", f"{xl_col_to_name(c)}${spec.HEADER_ROW + 1}"))


def _sensitivity(lay: Layout) -> None:
    mi = lay.inputs
    sh = SheetLayout(spec.SENS, protect=True)
    lay.sheets[spec.SENS] = sh
    sh.widths = {C_LABEL: 52, C_UNIT: 6, C_CODE: 4, C_NOTE: 4, C_VALUE: 14}
    sh.widths.update({P0 + i: 14 for i in range(len(mi.sens_intensities))})
    sh.put(0, 0, "Sensitivity: CSP operating profit ($M) for one quarter", "title")
    sh.put(1, 0, "Rows: ex-CSP gross margin. Columns: CSP opex intensity vs group "
                 "average (1.00x = allocation by revenue share). Yellow cells are inputs.",
           "subtitle")
    qr = 3
    sh.put(qr, C_LABEL, "Quarter shown", "label")
    sh.put(qr, C_VALUE, mi.sens_quarter, "input|text|reported")
    sh.validations.append((qr, C_VALUE, {"validate": "list", "source": "=Periods"}))
    q = xl_rowcol_to_cell(qr, C_VALUE, True, True)
    at = {}
    for n, (key, label, src) in enumerate(spec.SENS_LOOKUPS):
        r = qr + 2 + n
        at[key] = xl_rowcol_to_cell(r, C_VALUE, True, True)
        sh.put(r, C_LABEL, label, "label")
        sh.put(r, C_UNIT, "$M", "unit")
        sh.formula(r, C_VALUE, f"INDEX({lay.row_range(src)},1,MATCH({q},Periods,0))", "calc|$M")
    hr = qr + 2 + len(spec.SENS_LOOKUPS) + 1
    sh.put(hr, C_LABEL, "Ex-CSP gross margin (%) down; opex intensity (x) across", "section")
    sh.put(hr, C_VALUE, "Margin \\ intensity", "header")
    for j, k in enumerate(mi.sens_intensities):
        sh.put(hr, P0 + j, k, "input|x|reported")
    lay.sens_grid = (hr + 1, P0)
    gp, rev, csp, pool = at["s_gp"], at["s_rev"], at["s_csp"], at["s_pool"]

    for i, m in enumerate(mi.sens_margins):
        r = hr + 1 + i
        sh.put(r, C_LABEL, "CSP operating profit ($M) at ex-CSP margin", "label")
        sh.put(r, C_UNIT, "$M", "unit")
        sh.put(r, C_VALUE, m, "input|%2|reported")
        for j in range(len(mi.sens_intensities)):
            mcell = xl_col_to_name(C_VALUE, True) + str(r + 1)
            kcell = xl_col_to_name(P0 + j) + "$" + str(hr + 1)
            sh.formula(r, P0 + j, spec.given([gp, rev, csp, pool],
                                             f"{gp}-({rev}-{csp})*{mcell}-{pool}*{csp}/{rev}*{kcell}",
                                             also=[f"{rev}=0"]), "calc|$M")
    _sensitivity_extras(lay, sh, q, hr, at["s_op"])


SENS_EXTRAS = (  # (key, label, unit) below the grid, added in 0.2.0
    ("sx_margin", "Ex-CSP gross margin of the scenario in use, this quarter (%)", "%"),
    ("sx_cell", "Grid cell at that margin and the intensity in use ($M)", "$M"),
    ("sx_diff", "Difference: that grid cell less CSP operating profit on Calculations ($M)", "$M"),
    ("sx_missing", "This quarter's CSP answer: what is missing (blank = answered)", "text"),
)


def _sensitivity_extras(lay: Layout, sh: SheetLayout, q: str, hr: int, s_op: str) -> None:
    """Below the grid: the grid's cell for the scenario in use, reconciled with Calculations,
    and what a quarter without an answer lacks. The Base case is highlighted on the grid."""
    mi = lay.inputs
    n, m_ = len(mi.sens_intensities), len(mi.sens_margins)
    margins = (f"{xl_rowcol_to_cell(hr + 1, C_VALUE, True, True)}:"
               f"{xl_rowcol_to_cell(hr + m_, C_VALUE, True, True)}")
    ints = f"{xl_rowcol_to_cell(hr, P0, True, True)}:{xl_rowcol_to_cell(hr, P0 + n - 1, True, True)}"
    grid = (f"{xl_rowcol_to_cell(hr + 1, P0, True, True)}:"
            f"{xl_rowcol_to_cell(hr + m_, P0 + n - 1, True, True)}")
    k_in = lay.render("{$opex_intensity}", P0, spec.SENS)
    r0 = hr + m_ + 2
    cell = {key: xl_rowcol_to_cell(r0 + i, C_VALUE, True, True) for i, (key, _, _) in enumerate(SENS_EXTRAS)}
    text = {
        "sx_margin": f"INDEX({lay.row_range('excsp_gm')},1,MATCH({q},Periods,0))",
        "sx_cell": spec.given([cell["sx_margin"]],
                              f"INDEX({grid},MATCH({cell['sx_margin']},{margins},0),MATCH({k_in},{ints},0))",
                              also=[f"COUNTIF({margins},{cell['sx_margin']})=0",
                                    f"COUNTIF({ints},{k_in})=0"]),
        "sx_diff": spec.given([cell["sx_cell"], s_op], f"{cell['sx_cell']}-{s_op}"),
        "sx_missing": f"INDEX({lay.row_range('csp_missing')},1,MATCH({q},Periods,0))",
    }
    for i, (key, label, unit) in enumerate(SENS_EXTRAS):
        r = r0 + i
        row_head(sh, r, label, unit, key, text_unit="")
        sh.formula(r, C_VALUE, text[key], f"calc|{unit}")
    lay.scalar_at["sens_diff"] = (spec.SENS, r0 + 2, C_VALUE)
    # the chart's title names the quarter shown
    rt = r0 + len(SENS_EXTRAS) + 1
    sh.formula(rt, C_LABEL, f'"CSP operating profit by ex-CSP margin and opex intensity ($M), "&{q}',
               "note")
    lay.scalar_at["sens_title"] = (spec.SENS, rt, C_LABEL)
    # the scenario in use at the intensity in use: highlighted where it is on the grid
    top = xl_rowcol_to_cell(hr + 1, C_VALUE, row_abs=False, col_abs=True)
    left = xl_rowcol_to_cell(hr, P0, row_abs=True, col_abs=False)
    sh.conditional.append((hr + 1, P0, hr + m_, P0 + n - 1, {
        "type": "formula", "criteria": f"=AND({top}={cell['sx_margin']},{left}={k_in})",
        "format": "highlight"}))


def _checks(lay: Layout) -> None:
    sh = _timeline_sheet(lay, spec.CHECKS, "Checks",
                         "Each flag is 1 where a check fails. The master check must be 0.",
                         "Failures")
    sh.protect = True
    mr = spec.HEADER_ROW + 1
    first = spec.FIRST_BODY_ROW
    # in the spec's order, which keeps every row of an older workbook where it was; the master
    # check sums the counted ones (warnings and notes are shown, not counted)
    for n, chk in enumerate(spec.CHECKS_LIST):
        lay.row_of[chk.key] = (spec.CHECKS, first + n)
    runs: list[list[int]] = []
    for n, chk in enumerate(spec.CHECKS_LIST):
        if chk.warning:
            continue
        if runs and runs[-1][1] == first + n - 1:
            runs[-1][1] = first + n
        else:
            runs.append([first + n, first + n])
    total = xl_rowcol_to_cell(mr, C_VALUE, True, True)
    lay.master_check = (spec.CHECKS, mr, C_VALUE)
    sh.put(mr, C_LABEL, MASTER_LABEL, "master_label")
    sh.put(mr, C_UNIT, "count", "unit")
    sh.formula(mr, C_NOTE, f'IF({total}=0,"OK","FAIL")', "master")
    sh.formula(mr, C_VALUE, "SUM(" + ",".join(
        f"{xl_rowcol_to_cell(a, C_VALUE)}:{xl_rowcol_to_cell(b, C_VALUE)}" for a, b in runs) + ")",
               "check_total")
    for chk in spec.CHECKS_LIST:
        check_row(lay, sh, lay.row_of[chk.key][1], chk)


def _sources(lay: Layout, order: dict[tuple[str, str], int] | None = None) -> dict[str, int]:
    """The Sources sheet; returns the first row of each series for links. ``order``, the
    row of each (period label, key) already on a workbook's Sources sheet, keeps those
    rows where they stand; other figures follow below the last of them."""
    mi = lay.inputs
    sh = SheetLayout(spec.SOURCES, freeze=(1, 0))
    lay.sheets[spec.SOURCES] = sh
    sh.widths = {i: col.width for i, col in enumerate(SOURCES_COLUMNS)}
    for c, col in enumerate(SOURCES_COLUMNS):
        sh.put(0, c, col.head, "header")
    entries = [(p, k, e) for (p, k), e in mi.figures.items()]
    entries += [(p, "Group-exCSP.gross_margin_pct", e) for (p, k), e in mi.scenarios.items()
                if k == "excsp_base" and e.basis != "assumption"]
    entries.sort(key=lambda t: (t[1], t[0]))
    at = dict(order or {})
    below = max(at.values(), default=0) + 1
    first: dict[str, int] = {}
    for p, key, e in entries:
        n = at.get((p.label, key))
        if n is None:
            n, below = below, below + 1
        entity, metric = key.split(".")
        unit = spec.UNIT_LABEL[spec.METRICS[metric][1]]
        first[key] = min(first.get(key, n), n)
        sh.put(n, SRC["period"], p.label, "text")
        sh.put(n, SRC["entity"], entity, "text")
        sh.put(n, SRC["metric"], metric, "text")
        sh.put(n, SRC["data_value"], e.data_value, f"plain|{unit}")
        sh.put(n, SRC["unit"], unit, "text")
        sh.put(n, SRC["basis"], e.data_basis or e.basis, "text")
        sh.put(n, SRC["source_title"], e.source_title, "text")
        url = e.source_url if e.source_url.lower().startswith(("http://", "https://")) else None
        sh.put(n, SRC["source_url"], e.source_url, "link" if url else "text", url=url)
        sh.put(n, SRC["data_row"], e.data_row, "plain|count")
    return first


COVER_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "cover.txt"


def _cover(lay: Layout) -> None:
    """The Cover sheet from templates/cover.txt, with the master check's formula."""
    cover_sheet(lay, spec.COVER, COVER_TEMPLATE)


def lay_out(mi: ModelInputs, source_order: dict[tuple[str, str], int] | None = None) -> Layout:
    """Inputs -> every sheet's cells, names and rows (``source_order``: see _sources)."""
    if not mi.periods:
        raise ValueError("no periods to lay out")
    from .. import models
    lay = Layout(mi, model=models.get("lenovo_isg"))
    for name in (spec.COVER, SUMMARY, "Annual", "Outlook") + spec.WORKSHEETS[1:-1] + (spec.CHART_DATA, spec.SOURCES):
        lay.sheets[name] = SheetLayout(name)
    source_rows = _sources(lay, source_order)
    _inputs(lay, source_rows)
    _assumptions(lay)
    _calculations(lay)
    _sensitivity(lay)
    lay.scalar_at["summary_col"] = (SUMMARY, S_COL_ROW, S_VAL)
    _checks(lay)
    _chart_data(lay)
    _summary(lay)
    _annual(lay)
    _outlook(lay)
    _quotes(lay, getattr(source_order, "quotes", None))
    _cover(lay)
    lay.names["Periods"] = (f"{spec.INPUTS}!{xl_rowcol_to_cell(spec.HEADER_ROW, P0, True, True)}:"
                            f"{xl_rowcol_to_cell(spec.HEADER_ROW, lay.last_col, True, True)}")
    for name, key in spec.defined_names().items():
        lay.names[name] = lay.row_range(key)
    sheet, r, c = lay.scalar_at["op_basis"]
    lay.names["OperatingProfit_Basis"] = f"{sheet}!{xl_rowcol_to_cell(r, c, True, True)}"
    return lay


# --- Summary: the page a finance team takes into a meeting (added in 0.2.0; 0.4.0: every answered
# quarter side by side, both methods, a conclusion by formulas, a CSP-only bridge) ------------------

SUMMARY = "Summary"
S_VAL = 3                    # column D: the value (Low/Base/High across D:F for scenarios)
S_QUARTER_ROW, S_COL_ROW = 3, 4
S_SLOTS = 8                  # answered quarters side by side (D:K)
S_PRINT_LAST = S_VAL + S_SLOTS - 1   # the print area ends at column K; helpers lie beyond it
S_LIST_COL = 20              # column U: the drop-down's list of answered quarters (a helper)
S_CODE_COL = 18             # column S: the row codes the tools read (not printed)
S_SLOT_COL = 22             # columns W:AD: the strip's slot numbers 1..8
S_BRIDGE_HELP = 13           # columns N:R: the bridge's start, end, base, above, below
SUMMARY_STRIP = (  # (code, label, unit, Calculations row)
    ("st_rev", "CSP revenue ($M)", "$M", "csp_revenue"),
    ("st_how", "   how CSP revenue was found (d = derived from growth)", "text", "csp_rev_how"),
    ("st_gp", "CSP gross profit ($M)", "$M", "csp_gross_profit"),
    ("st_gm", "CSP gross margin (%)", "%", "csp_gm"),
    ("st_excsp", "Ex-CSP gross margin in use (%)", "%", "excsp_gm"),
    ("st_excsp_how", "   sourced, or carried and how", "text", "excsp_how"),
    ("st_opex", "CSP allocated operating expense ($M)", "$M", "csp_opex"),
    ("st_op", "CSP operating profit, allocation method ($M)", "$M", "csp_op"),
    ("st_op_seg", "CSP operating profit, segment-constrained method ($M)", "$M", "csp_op_segment"),
    ("st_gap", "Allocation less segment-constrained ($M)", "$M", "method_gap"),
    ("st_op_adj", "CSP operating profit, pool on adjusted operating profit (where it differs "
                  "materially) ($M)", "$M", "csp_op_adj_basis"),
    ("st_per_loss", "CSP revenue per $1 of operating loss, allocation (x)", "x", "csp_rev_per_loss"),
)
SUMMARY_HEADLINE = (  # (code, label, unit, Calculations row)
    ("h_csp_revenue", "CSP revenue ($M)", "$M", "csp_revenue"),
    ("h_group_gp", "Group gross profit ($M)", "$M", "group_gross_profit"),
    ("h_excsp_gp", "Ex-CSP gross profit at the scenario in use ($M)", "$M", "excsp_gross_profit"),
    ("h_csp_gp", "CSP gross profit ($M)", "$M", "csp_gross_profit"),
    ("h_csp_gm", "CSP gross margin (%)", "%", "csp_gm"),
    ("h_csp_opex", "CSP allocated operating expense ($M)", "$M", "csp_opex"),
    ("h_csp_op", "CSP operating profit, allocation method ($M)", "$M", "csp_op"),
    ("h_per_loss", "CSP revenue per $1 of operating loss (x)", "x", "csp_rev_per_loss"),
    ("h_breakeven", "CSP gross margin needed to break even (%)", "%", "csp_breakeven_gm"),
    ("h_excsp_gm", "Ex-CSP gross margin in use (%)", "%", "excsp_gm"),
    ("h_excsp_source", "Ex-CSP margin: sourced, or carried and how (text)", "text", "excsp_how"),
    ("h_esmb_om", "Enterprise/SMB operating margin the allocation implies (%)", "%", "esmb_om"),
    ("h_esmb_om_used", "Enterprise/SMB operating margin the segment method assumes (%)", "%", "esmb_om_used"),
    ("h_csp_op_seg", "CSP operating profit, segment-constrained method ($M)", "$M", "csp_op_segment"),
    ("h_csp_op_low", "Range of the two methods: low ($M)", "$M", "csp_op_min"),
    ("h_csp_op_high", "Range of the two methods: high ($M)", "$M", "csp_op_max"),
    ("h_op_in_use", "Group operating profit feeding the opex pool, basis on Assumptions ($M)", "$M", "op_in_use"),
    ("h_csp_op_rep", "CSP operating profit, pool on reported operating profit ($M)", "$M", "csp_op_rep_basis"),
    ("h_csp_op_adj", "CSP operating profit, pool on adjusted operating profit ($M)", "$M", "csp_op_adj_basis"),
)
SUMMARY_RECON = (  # (code, label, published row, our row, implied-margin row)
    ("rec_gp", "CSP gross profit ($M)", "pub_csp_gp", "csp_gross_profit", "implied_gm_from_gp"),
    ("rec_op", "CSP operating profit ($M)", "pub_csp_op", "csp_op", "implied_gm_from_op"),
    ("rec_esmb", "Enterprise/SMB operating profit ($M)", "pub_esmb_op", "esmb_op", "implied_gm_from_esmb"),
)
SUMMARY_SCEN = (  # (code, label, unit)
    ("sc_margin", "Ex-CSP gross margin (%)", "%"),
    ("sc_gp", "CSP gross profit ($M)", "$M"),
    ("sc_gm", "CSP gross margin (%)", "%"),
    ("sc_op", "CSP operating profit ($M)", "$M"),
    ("sc_per_loss", "CSP revenue per $1 of operating loss (x)", "x"),
)
BRIDGE = (  # (code, label, kind): a total starts at zero, a step from the previous total
    ("br_csp_rev", "CSP revenue", "total"),
    ("br_cogs", "less CSP cost of sales", "step"),
    ("br_csp_gp", "= CSP gross profit", "total"),
    ("br_opex", "less CSP allocated opex", "step"),
    ("br_csp_op", "= CSP operating profit", "total"),
)
BRIDGE_COLS = ("Start ($M)", "End ($M)", "Invisible base ($M)", "Above zero ($M)", "Below zero ($M)")


def _s_head(sh: SheetLayout, r: int, label: str, unit: str, code: str) -> None:
    """A Summary row's label and unit (columns A, B) and its code in column S (not printed)."""
    sh.put(r, C_LABEL, label, "label")
    sh.put(r, C_UNIT, "" if unit == "text" else unit, "unit")
    sh.put(r, S_CODE_COL, code, "code")


def _fmt_money(cell: str) -> str:
    """A $M figure as text in a sentence: 1,234 or -1,234."""
    return f'TEXT({cell},"#,##0;-#,##0")'


def _summary(lay: Layout) -> None:
    mi = lay.inputs
    sh = SheetLayout(SUMMARY, protect=True, freeze=(S_COL_ROW + 1, 0))
    lay.sheets[SUMMARY] = sh
    sh.widths = {0: 58, 1: 5, 2: 14} | {S_VAL + j: 14 for j in range(S_SLOTS)}
    sh.widths[2] = 2                              # row codes sit in column S, outside the print area
    sh.widths[S_CODE_COL] = 16
    sh.tab_color = "#1F4E79"
    sh.put(0, 0, "Summary: what Lenovo's CSP business earns or loses, every quarter the data can answer",
           "title")
    sh.put(1, 0, "US$ millions; a loss is negative; d = derived from growth Lenovo gave. Every number is a "
                 "formula on the model's sheets.", "subtitle")
    sh.put(2, 0, "Two methods: allocation (group opex by revenue share, as The Next Platform did) and "
                 "segment-constrained (ISG less enterprise/SMB at an assumed margin).", "subtitle")
    qcell = xl_rowcol_to_cell(S_QUARTER_ROW, S_VAL, True, True)
    col = xl_rowcol_to_cell(S_COL_ROW, S_VAL, True, True)
    sh.put(S_QUARTER_ROW, 0, "Quarter shown in detail below (pick one: quarters with a CSP answer are listed)",
           "label_bold")
    sh.put(S_QUARTER_ROW, S_CODE_COL, "quarter", "code")
    sh.put(S_QUARTER_ROW, S_VAL, mi.summary_quarter, "input|text|reported")
    sh.put(S_COL_ROW, 0, "Its column on the timeline (count; blank when it is not a quarter)", "label")
    sh.put(S_COL_ROW, S_CODE_COL, "column", "code")
    sh.formula(S_COL_ROW, S_VAL, f'IF(COUNTIF(Periods,{qcell})=0,"",MATCH({qcell},Periods,0))', "calc|count")
    lay.scalar_at["summary_quarter"] = (SUMMARY, S_QUARTER_ROW, S_VAL)
    lay.scalar_at["summary_col"] = (SUMMARY, S_COL_ROW, S_VAL)

    def pick(key):                                   # one lookup: the row at the chosen column
        return spec.given([col], f"INDEX({lay.row_range(key)},1,{col})")

    def check_total(key):
        return f"{quote_sheetname(spec.CHECKS)}!{xl_rowcol_to_cell(lay.row_of[key][1], C_VALUE, True, True)}"

    # the master check, red or green, and what failed
    s, mr, mc = lay.master_check
    total = f"{quote_sheetname(s)}!{xl_rowcol_to_cell(mr, mc, True, True)}"
    r = 6
    sh.put(r, 0, "Master check (every counted check on the Checks sheet)", "label_bold")
    sh.put(r, S_CODE_COL, "master", "code")
    sh.formula(r, S_VAL, f'IF({total}=0,"OK","FAILED: "&{total}&" item(s)")', "master")
    sh.conditional.append((r, S_VAL, r, S_VAL, {"type": "text", "criteria": "begins with",
                                                 "value": "OK", "format": "good"}))
    sh.conditional.append((r, S_VAL, r, S_VAL, {"type": "text", "criteria": "begins with",
                                                 "value": "FAILED", "format": "bad"}))
    failed = "&".join(f'IF({check_total(c.key)}>0,"{c.key}; ","")' for c in spec.CHECKS_LIST if not c.warning)
    r += 1
    sh.put(r, 0, "What failed (check codes; see the Checks sheet)", "label")
    sh.put(r, S_CODE_COL, "failed", "code")
    sh.formula(r, S_VAL, failed, "calc|text")
    tol = lay.render("{$method_tolerance}", P0, SUMMARY)
    for code, text in (
            ("warn_methods", f'IF({check_total("methods_agree")}>0,"The two methods differ by more than $"&'
                             f'{tol}&"M in "&{check_total("methods_agree")}&" quarter(s).","")'),
            ("warn_esmb", f'IF({check_total("esmb_margin_range")}>0,"Allocation leaves enterprise/SMB a '
                          f'margin beyond any ISG margin in "&{check_total("esmb_margin_range")}&" quarter(s).","")'),
            ("warn_quarter", f'IF({check_total("summary_answered")}>0,"The quarter picked has no CSP answer: '
                             f'see the next line.","")')):
        r += 1
        sh.put(r, 0, "Warning (shown, not a failure; see the Checks sheet)", "label")
        sh.put(r, S_CODE_COL, code, "code")
        sh.formula(r, S_VAL, text, "calc|text")
        sh.conditional.append((r, S_VAL, r, S_VAL, {
            "type": "formula", "criteria": f'=LEN({xl_rowcol_to_cell(r, S_VAL)})>0', "format": "warn"}))
    r += 1
    sh.put(r, 0, "What the quarter picked lacks for a CSP answer (blank = answered)", "label")
    sh.put(r, S_CODE_COL, "missing", "code")
    sh.formula(r, S_VAL, pick("csp_missing"), "calc|text")
    lay.names["Summary_Quarter"] = f"{SUMMARY}!{qcell}"

    # every answered quarter side by side
    r += 2
    sh.put(r, 0, "Every quarter the data can answer, side by side (the CSP P&L strip)", "section")
    r += 1
    head = r
    for j in range(S_SLOTS):                         # slot numbers 1..8: helpers outside the print area
        sh.put(head, S_SLOT_COL + j, j + 1, "plain|count")
    rank = lay.row_range("csp_answer_rank")
    sh.put(r, 0, "Quarter (FY ends 31 March)", "header")
    sh.put(r, 1, "", "header")
    sh.put(r, S_CODE_COL, "st_q", "code")
    for j in range(S_SLOTS):
        nn = xl_rowcol_to_cell(head, S_SLOT_COL + j)
        sh.formula(r, S_VAL + j, f'IFERROR(INDEX(Periods,1,MATCH({nn},{rank},0)),"")', "header_period")
    lay.names["Answered_Quarters"] = (f"{SUMMARY}!{xl_rowcol_to_cell(head, S_VAL, True, True)}:"
                                      f"{xl_rowcol_to_cell(head, S_VAL + S_SLOTS - 1, True, True)}")
    strip = {}
    for code, label, unit, key in SUMMARY_STRIP:
        r += 1
        strip[code] = r
        _s_head(sh, r, label, unit, code)
        if unit == "text":
            sh.heights[r] = 38                       # three lines of wrapped text
        for j in range(S_SLOTS):
            q = xl_rowcol_to_cell(head, S_VAL + j, row_abs=True)
            look = f"INDEX({lay.row_range(key)},1,MATCH({q},Periods,0))"
            if code == "st_op_adj":
                differs = f"INDEX({lay.row_range('op_basis_differs')},1,MATCH({q},Periods,0))"
                look = f'IF({differs}=1,{look},"")'
            sh.formula(r, S_VAL + j, f'IF({q}="","",{look})', "calc|" + ("wtext" if unit == "text" else unit))
    # the derived quarters' revenue marked d where it shows
    sh.conditional.append((strip["st_rev"], S_VAL, strip["st_rev"], S_VAL + S_SLOTS - 1, {
        "type": "formula", "criteria": f'=LEFT({xl_rowcol_to_cell(strip["st_how"], S_VAL, row_abs=True)},7)="derived"',
        "format": "derived"}))
    r += 1
    sh.put(r, 0, "Segment-constrained: CSP operating profit = ISG operating profit less enterprise/SMB "
                 "revenue x the enterprise/SMB margin case on Assumptions (Low 3%, Base 6%, High 10%: peers' "
                 "server margins). Range = the two methods' low and high.", "note")
    # the conclusion, by formulas
    r += 2
    ops = f"{xl_rowcol_to_cell(strip['st_op'], S_VAL, True, True)}:{xl_rowcol_to_cell(strip['st_op'], S_PRINT_LAST, True, True)}"
    segs = f"{xl_rowcol_to_cell(strip['st_op_seg'], S_VAL, True, True)}:{xl_rowcol_to_cell(strip['st_op_seg'], S_PRINT_LAST, True, True)}"
    sh.put(r, 0, "Conclusion (built by formulas)", "label_bold")
    sh.put(r, S_CODE_COL, "conclusion_all", "code")
    sh.formula(r, S_VAL, (
        f'COUNT({ops})&" quarters answered: CSP loses money in "&COUNTIF({ops},"<0")&" of them by the '
        f'allocation method and in "&COUNTIF({segs},"<0")&" by the segment-constrained method."'), "calc|text")
    r += 1
    sh.put(r, S_CODE_COL, "conclusion", "code")
    h = {c: f"INDEX({lay.row_range(k_)},1,{col})" for c, k_ in (
        ("rev", "csp_revenue"), ("how", "csp_rev_how"), ("op", "csp_op"), ("seg", "csp_op_segment"),
        ("miss", "csp_missing"))}
    sh.formula(r, S_VAL, (
        f'IF({col}="","The quarter picked is not on the timeline.",IF({h["miss"]}<>"",{qcell}&": no CSP '
        f'answer ("&{h["miss"]}&").",{qcell}&": CSP revenue $"&{_fmt_money(h["rev"])}&"M ("&{h["how"]}&")."))'),
        "calc|text")
    r += 1
    sh.put(r, S_CODE_COL, "conclusion_op", "code")
    sh.formula(r, S_VAL, (
        f'IF({col}="","",IF({h["miss"]}<>"","",IF({h["seg"]}="","Operating profit $"&{_fmt_money(h["op"])}&'
        f'"M by allocation; no segment-constrained figure (ISG operating profit not given).",'
        f'"Operating profit $"&{_fmt_money(h["op"])}&"M by allocation, $"&'
        f'{_fmt_money(h["seg"])}&"M segment-constrained: "&IF(MAX({h["op"]},{h["seg"]})<0,"a loss either way.",'
        f'IF(MIN({h["op"]},{h["seg"]})>=0,"a profit either way.","the methods disagree on the sign.")))))'),
        "calc|text")

    # the chosen quarter's detail
    r += 2
    sh.page_breaks.append(r)
    sh.formula(r, 0, f'"Detail for "&{qcell}&", ex-CSP margin scenario in use: "&'
                     f'{lay.render("{$scenario}", P0, SUMMARY)}', "section")
    sh.put(r, S_VAL, "Value", "header")
    for code, label, unit, key in SUMMARY_HEADLINE:
        r += 1
        _s_head(sh, r, label, unit, code)
        sh.formula(r, S_VAL, pick(key), f"calc|{unit}")
        if code == "h_csp_op":
            lay.names["Summary_CSP_OperatingProfit"] = f"{SUMMARY}!{xl_rowcol_to_cell(r, S_VAL, True, True)}"
    at = {code: xl_rowcol_to_cell(r0, S_VAL, True, True) for r0, (code, *_) in
          zip(range(r - len(SUMMARY_HEADLINE) + 1, r + 1), SUMMARY_HEADLINE)}

    r += 2
    sh.put(r, 0, "Reconciliation with the published analysis (The Next Platform, estimates)", "section")
    for j, hd in enumerate(("Published", "Ours", "Variance", "Implied margin")):
        sh.put(r, S_VAL + j, hd, "header_wrap")
    for code, label, pub, ours, implied in SUMMARY_RECON:
        r += 1
        sh.put(r, 0, label, "label")
        sh.put(r, 1, "$M", "unit")
        sh.put(r, S_CODE_COL, code, "code")
        d, e = (xl_rowcol_to_cell(r, S_VAL + j, True, True) for j in (0, 1))
        sh.formula(r, S_VAL, pick(pub), "calc|$M")
        sh.formula(r, S_VAL + 1, pick(ours), "calc|$M")
        sh.formula(r, S_VAL + 2, spec.given([d, e], f"{e}-{d}"), "calc|$M")
        sh.formula(r, S_VAL + 3, pick(implied), "calc|%2")
        if code == "rec_op":
            lay.names["Published_CSP_OperatingProfit"] = f"{SUMMARY}!{d}"
            lay.names["Implied_ExCSP_GrossMargin"] = (
                f"{SUMMARY}!{xl_rowcol_to_cell(r, S_VAL + 3, True, True)}")
    r += 1
    sh.put(r, 0, "Variance = ours less published. Implied margin = the ex-CSP gross margin (%) that gives "
                 "the published figure: (group gross profit [- CSP allocated opex] - published) / ex-CSP "
                 "revenue; compare it with the margin in use above.", "note")

    r += 2
    sh.formula(r, 0, f'"Ex-CSP margin scenarios side by side (as typed on Assumptions), "&{qcell}', "section")
    heads = r
    for j, srow in enumerate(spec.SCENARIO_ROWS):
        a_sheet, a_row = lay.row_of[srow.key]
        sh.formula(r, S_VAL + j, f"{quote_sheetname(a_sheet)}!{xl_rowcol_to_cell(a_row, C_CODE, True, True)}",
                   "header")
    sh.put(r, S_VAL + 3, "Why this value", "header")
    lay.names["Scenario_Names"] = (f"{SUMMARY}!{xl_rowcol_to_cell(heads, S_VAL, True, True)}:"
                                   f"{xl_rowcol_to_cell(heads, S_VAL + 2, True, True)}")
    r += 1
    sh.put(r, 0, "What it means for CSP", "label")
    for j, srow in enumerate(spec.SCENARIO_ROWS):
        sh.put(r, S_VAL + j, spec.SCENARIO_MEANING[srow.scenario], "wrap")
    rows = {}
    for code, label, unit in SUMMARY_SCEN:
        r += 1
        rows[code] = r
        _s_head(sh, r, label, unit, code)
    for j, srow in enumerate(spec.SCENARIO_ROWS):
        s_key = srow.key.split("_")[1]
        c = S_VAL + j
        cell = {code: xl_rowcol_to_cell(rows[code], c) for code in rows}
        sh.formula(rows["sc_margin"], c, pick(srow.key), "calc|%2")
        sh.formula(rows["sc_gp"], c, pick(f"csp_gp_{s_key}"), "calc|$M")
        sh.formula(rows["sc_gm"], c, spec.given([cell["sc_gp"], at["h_csp_revenue"]],
                                                f"{cell['sc_gp']}/{at['h_csp_revenue']}",
                                                also=[f"{at['h_csp_revenue']}=0"]), "calc|%")
        sh.formula(rows["sc_op"], c, pick(f"csp_op_{s_key}"), "calc|$M")
        sh.formula(rows["sc_per_loss"], c, spec.given(
            [cell["sc_op"], at["h_csp_revenue"]],
            f'IF({cell["sc_op"]}<0,{at["h_csp_revenue"]}/-{cell["sc_op"]},"")'), "calc|x")
    for name, code in (("Scenario_ExCSP_GrossMargin", "sc_margin"), ("Scenario_CSP_OperatingProfit", "sc_op")):
        lay.names[name] = (f"{SUMMARY}!{xl_rowcol_to_cell(rows[code], S_VAL, True, True)}:"
                           f"{xl_rowcol_to_cell(rows[code], S_VAL + 2, True, True)}")
    for i, srow in enumerate(spec.SCENARIO_ROWS):
        r += 1
        sh.put(r, 0, f"Why {srow.scenario}: {spec.SCENARIO_REASON[srow.scenario]}", "note")

    # the bridge: CSP revenue -> CSP operating profit, drawn as a waterfall
    r += 2
    sh.page_breaks.append(r)                  # the bridge and its chart print on a page of their own
    sh.formula(r, 0, f'"CSP bridge: revenue to operating profit (allocation method), "&{qcell}', "section")
    sh.put(r, S_VAL, "Amount ($M)", "header_wrap")
    for j, hd in enumerate(BRIDGE_COLS):
        sh.put(r, S_BRIDGE_HELP + j, hd, "header_wrap")
    amount = {"br_csp_rev": at["h_csp_revenue"], "br_csp_gp": at["h_csp_gp"],
              "br_opex": at["h_csp_opex"], "br_csp_op": at["h_csp_op"]}
    first_bridge = r + 1
    prev_end = None
    for code, label, kind in BRIDGE:
        r += 1
        sh.put(r, 0, label, "label")
        sh.put(r, 1, "$M", "unit")
        sh.put(r, S_CODE_COL, code, "code")
        a = xl_rowcol_to_cell(r, S_VAL)
        st, en, base, up, down = (xl_rowcol_to_cell(r, S_BRIDGE_HELP + j) for j in range(5))
        if code == "br_cogs":
            sh.formula(r, S_VAL, spec.given([at["h_csp_revenue"], at["h_csp_gp"]],
                                            f"{at['h_csp_revenue']}-{at['h_csp_gp']}"), "calc|$M")
        else:
            sh.formula(r, S_VAL, spec.given([amount[code]], amount[code]), "calc|$M")
        if kind == "total":
            sh.formula(r, S_BRIDGE_HELP, spec.given([a], "0"), "calc|$M")
            sh.formula(r, S_BRIDGE_HELP + 1, spec.given([a], a), "calc|$M")
        else:
            sh.formula(r, S_BRIDGE_HELP, spec.given([prev_end], prev_end), "calc|$M")
            sh.formula(r, S_BRIDGE_HELP + 1, spec.given([st, a], f"{st}-{a}"), "calc|$M")
        lo_, hi_ = f"MIN({st},{en})", f"MAX({st},{en})"
        sh.formula(r, S_BRIDGE_HELP + 2, spec.given([st, en], f"IF({lo_}>0,{lo_},IF({hi_}<0,{hi_},0))"), "calc|$M")
        sh.formula(r, S_BRIDGE_HELP + 3, spec.given([st, en], f"MAX({hi_},0)-MAX({lo_},0)"), "calc|$M")
        sh.formula(r, S_BRIDGE_HELP + 4, spec.given([st, en], f"MIN({lo_},0)-MIN({hi_},0)"), "calc|$M")
        prev_end = en
    last_bridge = r
    r += 1
    title_cell = xl_rowcol_to_cell(r, 0, True, True)
    sh.formula(r, 0, f'"CSP bridge, "&{qcell}&" ($M): revenue to operating profit (labels: amounts)"', "note")
    sh.charts.append({"kind": "bridge", "anchor": (r + 2, 0), "title": f"={SUMMARY}!{title_cell}",
                      "title_now": f"CSP bridge, {mi.summary_quarter} ($M): revenue to operating profit "
                                   "(labels: amounts)",
                      "rows": (first_bridge, last_bridge), "help": S_BRIDGE_HELP, "amount": S_VAL,
                      "totals": [i for i, b in enumerate(BRIDGE) if b[2] == "total"]})

    # quarters with an answer, for the drop-down (the k-th answered quarter, k = 1, 2, ...): helpers
    lc = S_LIST_COL
    sh.widths[lc] = 16
    sh.put(2, lc, "Answered", "header_wrap")
    n = len(mi.periods)
    for i in range(n):
        kk = xl_rowcol_to_cell(3 + i, lc - 1)
        sh.put(3 + i, lc - 1, i + 1, "plain|count")
        sh.formula(3 + i, lc, f'IFERROR(INDEX(Periods,1,MATCH({kk},{rank},0)),"")', "calc|text")
    sh.widths[lc - 1] = 5
    lst = f"={xl_rowcol_to_cell(3, lc, True, True)}:{xl_rowcol_to_cell(2 + n, lc, True, True)}"
    sh.validations.insert(0, (S_QUARTER_ROW, S_VAL, {"validate": "list", "source": lst,
                                                     "input_title": "Quarter",
                                                     "input_message": "Quarters with a CSP answer"}))
    sh.print_titles = (0, 1)
    sh.print_last_col = S_PRINT_LAST


QUOTES = "Quotes"


def _quotes(lay: Layout, order: dict[tuple[str, str], int] | None = None) -> None:
    """What each source says, word for word (the data file's quote column), on a sheet of its
    own: Sources' columns beyond I may hold a person's notes, which a refresh keeps. ``order``,
    the row of each (period label, key) already on a workbook's Quotes sheet, keeps those
    rows where they stand, like Sources (a note beside a quote stays beside it); other
    quotes follow below the last of them."""
    sh = SheetLayout(QUOTES, freeze=(1, 0), protect=True)
    lay.sheets[QUOTES] = sh
    sh.widths = {0: 14, 1: 30, 2: 120}
    for c, h in enumerate(("Period", "Series (Entity.metric)", "Quote read in the source")):
        sh.put(0, c, h, "header")
    at = dict(order or {})
    below = max(at.values(), default=0) + 1
    for (label, key), quote in sorted(lay.inputs.quotes.items(), key=lambda t: (t[0][1], t[0][0])):
        n = at.get((label, key))
        if n is None:
            n, below = below, below + 1
        sh.put(n, 0, label, "text")
        sh.put(n, 1, key, "text")
        sh.put(n, 2, quote, "wrap")


def _chart_data(lay: Layout) -> None:
    """Rows the charts plot: each a model row where it has a value, else #N/A (a gap)."""
    sh = _timeline_sheet(lay, spec.CHART_DATA, "Chart data",
                         "What the chart sheets plot: a model row where it has a value, else #N/A, "
                         "which charts draw as a gap rather than a zero. Not for reading.")
    sh.protect = True
    for n, (code, label, unit, key, cond) in enumerate(spec.FEED_ROWS):
        r = spec.FIRST_BODY_ROW + n
        lay.row_of[code] = (spec.CHART_DATA, r)
        row_head(sh, r, label, unit, code)
        for c in range(P0, lay.last_col + 1):
            sh.formula(r, c, lay.render(f'IF({{{cond}}}="",NA(),{{{key}}})', c, spec.CHART_DATA),
                       f"calc|{unit}")


# --- Annual: fiscal-year totals (added in 0.2.0) ------------------------------------------

ANNUAL = "Annual"
ANNUAL_ROWS = (  # (code, label, Inputs row)
    ("fy_group_revenue", "Group revenue, fiscal year ($M)", "Group.revenue"),
    ("fy_group_op", "Group operating profit, fiscal year ($M)", "Group.operating_profit"),
    ("fy_isg_revenue", "ISG revenue, fiscal year ($M)", "ISG.revenue"),
    ("fy_isg_op", "ISG operating profit, fiscal year ($M)", "ISG.operating_profit"),
)
A_FIRST = 3                  # column D: the first fiscal year


def fiscal_years(periods) -> list[tuple[str, list]]:
    """(fiscal-year label, its quarters on the timeline) in order."""
    out: dict[str, list] = {}
    for p in periods:
        out.setdefault(f"FY{p.fiscal_year}", []).append(p)
    return list(out.items())


def _annual(lay: Layout) -> None:
    mi = lay.inputs
    sh = SheetLayout(ANNUAL, protect=True, freeze=(4, 3))
    lay.sheets[ANNUAL] = sh
    years = fiscal_years(mi.periods)
    sh.widths = {0: 50, 1: 6, 2: 18} | {A_FIRST + i: 13 for i in range(len(years))}
    sh.put(0, 0, "Annual: fiscal-year totals (Lenovo's year ends 31 March)", "title")
    sh.put(1, 0, "A year is totalled only when all four of its quarters are given; otherwise the row "
                 "below says how many are. Trailing four quarters: see Calculations.", "subtitle")
    hr = 3
    for c, h in enumerate(("Line item", "Unit", "Code")):
        sh.put(hr, c, h, "header")
    for i, (fy, _) in enumerate(years):
        sh.put(hr, A_FIRST + i, fy, "header_period")
    last = A_FIRST + len(years) - 1
    r = hr + 1
    rows = {}
    for code, label, key in ANNUAL_ROWS:
        r += 1
        rows[code] = r
        sh.put(r, 0, label, "label")
        sh.put(r, 1, "$M", "unit")
        sh.put(r, 2, code, "code")
        sh.put(r + 1, 0, "  quarters given of the year's four (blank when complete)", "note")
        sh.put(r + 1, 2, code + "_status", "code")
        for i, (fy, qs) in enumerate(years):
            a = lay.address(key, lay.col_of(qs[0].label), ANNUAL)
            b = lay.address(key, lay.col_of(qs[-1].label), ANNUAL).split("!")[-1]
            rng = f"{a}:{b}"
            if len(qs) < 4:          # the timeline starts or ends inside this year
                sh.put(r, A_FIRST + i, None, "calc|$M")
                sh.put(r + 1, A_FIRST + i, f"incomplete: {len(qs)} of its quarters on the timeline", "wrap")
                continue
            sh.formula(r, A_FIRST + i, f'IF(COUNT({rng})=COLUMNS({rng}),SUM({rng}),"")', "calc|$M")
            sh.formula(r + 1, A_FIRST + i,
                       f'IF(COUNT({rng})=COLUMNS({rng}),"","incomplete: "&COUNT({rng})&" of "&COLUMNS({rng}))',
                       "calc|text")
        r += 1
    span = (f"{xl_rowcol_to_cell(hr, A_FIRST, True, True)}:{xl_rowcol_to_cell(hr, last, True, True)}")
    lay.names["FiscalYears"] = f"{ANNUAL}!{span}"
    for name, code in (("ISG_Revenue_FY", "fy_isg_revenue"), ("ISG_OperatingProfit_FY", "fy_isg_op")):
        lay.names[name] = (f"{ANNUAL}!{xl_rowcol_to_cell(rows[code], A_FIRST, True, True)}:"
                           f"{xl_rowcol_to_cell(rows[code], last, True, True)}")
    # 0.4.0: each complete year's ISG result in a word, and the seed articles' other figures
    r += 1
    sh.put(r, 0, "ISG full year: operating profit or loss (text)", "label")
    sh.put(r, 2, "fy_isg_verdict", "code")
    for i in range(len(years)):
        fy_op = xl_rowcol_to_cell(rows["fy_isg_op"], A_FIRST + i)
        sh.formula(r, A_FIRST + i, f'IF({fy_op}="","",IF({fy_op}>0,"profit",IF({fy_op}<0,"loss","nil")))',
                   "calc|text")
    r = _seed_block(lay, sh, r + 2)
    sh.charts.append({"kind": "annual", "anchor": (r + 2, 0), "cats": f"={ANNUAL}!{span}",
                      "revenue": "=" + lay.names["ISG_Revenue_FY"],
                      "profit": "=" + lay.names["ISG_OperatingProfit_FY"]})
    sh.print_titles = (0, hr)


SEED_INPUTS = {  # code -> (value, style, source note)
    "seed_q": ("FY2025/26 Q1", "input|text|reported",
               "The Next Platform: 'nearly $3 billion in AI systems in the first quarter F2026' (seed article)."),
    "seed_ai_x": (2.8, "input|x|reported", "'up 2.8 times over a year' (seed article, The Next Platform)."),
    "seed_ai_qoq": (0.187, "input|%|reported", "'and 18.7% compared to the fourth quarter' (seed article)."),
    "seed_pipe_pt": (12000.0, "input|$M|estimate",
                     "'more than $10 billion, probably nearly $12 billion' (seed article): the point estimate."),
}
SEED_ROWS = (  # (code, label, unit)
    ("seed_q", "Quarter of the seed's AI figures (text)", "text"),
    ("seed_ai", "AI systems revenue that quarter, approx, from Inputs ($M)", "$M"),
    ("seed_ai_x", "AI systems growth over a year, as stated (x)", "x"),
    ("seed_ai_qoq", "AI systems growth over the quarter, as stated (%)", "%"),
    ("seed_ai_py", "AI systems revenue a year earlier, implied: revenue / multiple, derived ($M)", "$M"),
    ("seed_ai_pq", "AI systems revenue the quarter before, implied: revenue / (1 + growth), derived ($M)", "$M"),
    ("seed_pipe_lb", "AI pipeline that quarter, lower bound, from Inputs ($M)", "$M"),
    ("seed_pipe_pt", "AI pipeline, the article's point estimate ($M)", "$M"),
    ("seed_h1_rev", "First half of that fiscal year: group revenue, Q1 + Q2 ($M)", "$M"),
    ("seed_h1_growth", "First half group revenue growth on the year before (%)", "%"),
    ("seed_h1_ni", "First half net income, Q1 + Q2 ($M)", "$M"),
    ("seed_h1_ni_growth", "First half net income growth on the year before (%)", "%"),
)


def _seed_block(lay: Layout, sh: SheetLayout, r: int) -> int:
    """The seed articles' other figures, worked by formulas from Inputs; returns the last row."""
    sh.put(r, 0, "The seed articles' other figures, by formula", "section")
    at = {code: xl_rowcol_to_cell(r + 1 + i, A_FIRST, True, True) for i, (code, _, _) in enumerate(SEED_ROWS)}
    q = at["seed_q"]
    col = f"MATCH({q},Periods,0)"

    def look(key, off=0):
        return f"INDEX({lay.row_range(key)},1,{col}{'+' if off >= 0 else ''}{off})" if off else \
            f"INDEX({lay.row_range(key)},1,{col})"

    def half(key, off):
        a, b = look(key, off), look(key, off + 1)
        inside = f"OR({col}+({off})<1,{col}+({off})+1>COLUMNS(Periods))"
        return f'IF({inside},"",IF(OR({a}="",{b}=""),"",{a}+{b}))'
    f = {
        "seed_ai": f'IF(COUNTIF(Periods,{q})=0,"",{look("ISG-AI.revenue")})',
        "seed_ai_py": spec.given([at["seed_ai"], at["seed_ai_x"]], f'{at["seed_ai"]}/{at["seed_ai_x"]}',
                                 also=[f'{at["seed_ai_x"]}=0']),
        "seed_ai_pq": spec.given([at["seed_ai"], at["seed_ai_qoq"]], f'{at["seed_ai"]}/(1+{at["seed_ai_qoq"]})',
                                 also=[f'1+{at["seed_ai_qoq"]}=0']),
        "seed_pipe_lb": f'IF(COUNTIF(Periods,{q})=0,"",{look("ISG-AI.pipeline")})',
        "seed_h1_rev": f'IF(COUNTIF(Periods,{q})=0,"",{half("Group.revenue", 0)})',
        "seed_h1_ni": f'IF(COUNTIF(Periods,{q})=0,"",{half("Group.net_income", 0)})',
    }
    for code, key in (("seed_h1_growth", "Group.revenue"), ("seed_h1_ni_growth", "Group.net_income")):
        now = at["seed_h1_rev" if code == "seed_h1_growth" else "seed_h1_ni"]
        prior = half(key, -4)
        f[code] = (f'IF(COUNTIF(Periods,{q})=0,"",IF({col}<=4,"",IF(OR({now}="",{prior}=""),"",'
                   f'IF({prior}=0,"",{now}/({prior})-1))))')
    for i, (code, label, unit) in enumerate(SEED_ROWS):
        rr = r + 1 + i
        row_head(sh, rr, label, unit, code)
        if code in SEED_INPUTS:
            value, style, note = SEED_INPUTS[code]
            sh.put(rr, A_FIRST, value, style)
            sh.put(rr, A_FIRST + 1, note, "note")
        else:
            sh.formula(rr, A_FIRST, f[code], f"calc|{unit}")
    r += len(SEED_ROWS) + 1
    sh.put(r, 0, "The seed: 'revenue of US $39.28 billion, up nearly 18% year on year, with net profit rising "
                 "over 40%' (first half FY2025/26); 'nearly $3 billion in AI systems ..., up 2.8 times over a "
                 "year and 18.7% compared to the fourth quarter'.", "note")
    return r


# --- Outlook: forward quarters from drivers (added in 0.2.0; to 4x and beyond in 0.4.0) ----

OUTLOOK = "Outlook"
O_VAL = 3                     # column D: driver values; forecast quarters from column D too
OUTLOOK_QUARTERS = 24         # six years: break-even and 4x (3 to 4 years) fall inside it
OUTLOOK_DRIVERS = (  # (code, label, unit, default or None for a formula, note)
    ("o_base", "Base quarter: the forecast starts after it", "text", None,
     "Default: the latest quarter with a CSP answer (its CSP revenue, margin and opex are the start)."),
    ("o_qpy", "Quarters per year (count)", "count", 4, "Calendar arithmetic."),
    ("o_multiple", "Growth multiple of CSP revenue (x)", "x", 4.0,
     'Lenovo (CES 2026): "four times the scale of its Nvidia-related business". That business is '
     "not CSP revenue (it includes enterprise AI): applied to CSP revenue here as a stated assumption."),
    ("o_years", "Years to reach it (years)", "years", 3.5, '"over the next three to four years": the midpoint.'),
    ("o_gm_step", "CSP gross margin change per quarter (%)", "%", 0.005,
     "Assumption: +0.5 points a quarter as scale and mix improve."),
    ("o_opex_growth", "CSP allocated opex growth per quarter (%)", "%", 0.05,
     "Assumption: opex grows slower than revenue (part of it is fixed)."),
    ("o_pipeline", "AI pipeline at the latest report ($M)", "$M", 54000.0,
     "Lenovo: $54B at FY2026/27 Q1 ($21B at FY2025/26 Q4, $15.5B at Q3, 'over $10B' at Q1)."),
    ("o_conversion", "Share of the pipeline that becomes revenue (%)", "%", 0.5,
     "Assumption: half of the pipeline converts (a pipeline is not a backlog)."),
    ("o_lag", "Quarters before the pipeline starts converting (count)", "count", 1, "Assumption."),
    ("o_spread", "Quarters over which it converts (count)", "count", 4, "Assumption."),
)
# the range each driver may take (the audit flags a value outside it: 5 typed for 5%)
OUTLOOK_VALID = {"o_qpy": (1, 12), "o_multiple": (0.1, 20.0), "o_years": (0.25, 30.0),
                 "o_gm_step": (-0.05, 0.05), "o_opex_growth": (-0.5, 0.5),
                 "o_pipeline": (0.0, 1_000_000.0), "o_conversion": (0.0, 1.0),
                 "o_lag": (0, 40), "o_spread": (1, 40)}
OUTLOOK_CALC = (  # (code, label, unit) of the derived drivers and the results
    ("o_growth", "CSP revenue growth per quarter implied by the multiple (%)", "%"),
    ("o_rev0", "CSP revenue in the base quarter ($M)", "$M"),
    ("o_gm0", "CSP gross margin in the base quarter (%)", "%"),
    ("o_opex0", "CSP allocated opex in the base quarter ($M)", "$M"),
    ("o_q4x", "Quarters to reach the multiple: years x quarters per year (count)", "count"),
    ("o_be_q", "Break-even quarter: the first forecast quarter with CSP operating profit >= 0 (text)", "text"),
    ("o_cum_to_be", "Cumulative CSP operating loss before break-even, forecast ($M)", "$M"),
    ("o_4x_q", "Quarter CSP revenue reaches the multiple (text)", "text"),
    ("o_rev_4x", "CSP revenue that quarter, forecast ($M)", "$M"),
    ("o_gm_4x", "CSP gross margin that quarter, forecast (%)", "%"),
    ("o_op_4x", "CSP operating profit that quarter, forecast ($M)", "$M"),
    ("o_ai_total", "AI revenue from the pipeline over the horizon: pipeline x conversion ($M)", "$M"),
)
OUTLOOK_ROWS = (  # (code, label, unit)
    ("o_t", "Quarters after the base quarter (count)", "count"),
    ("o_label", "Quarter (text)", "text"),
    ("o_rev", "CSP revenue, forecast ($M)", "$M"),
    ("o_gm", "CSP gross margin, forecast (%)", "%"),
    ("o_gp", "CSP gross profit, forecast ($M)", "$M"),
    ("o_opex", "CSP allocated opex, forecast ($M)", "$M"),
    ("o_op", "CSP operating profit, forecast ($M)", "$M"),
    ("o_cum", "Cumulative CSP operating profit from the base quarter, forecast ($M)", "$M"),
    ("o_breakeven", "CSP gross margin needed to break even at that scale (%)", "%"),
    ("o_ai", "AI revenue from the pipeline, forecast ($M)", "$M"),
    ("o_act_rev", "CSP revenue, actual: the model's figure where the quarter is reported ($M)", "$M"),
    ("o_act_op", "CSP operating profit, actual: the model's figure where reported ($M)", "$M"),
    ("o_be_flag", "CSP operating profit at or above zero this quarter, 1 = yes (count)", "count"),
    ("o_4x_flag", "CSP revenue at or above the multiple of the base quarter's, 1 = yes (count)", "count"),
)
# the scenario table: years to 4x x CSP margin path x opex growth (27 rows)
O_SCEN_YEARS = (3.0, 3.5, 4.0)
O_SCEN_STEPS = (0.0025, 0.005, 0.0075)
O_SCEN_OPEX = (0.03, 0.05, 0.07)
O_SCEN_HEADS = ("Years to 4x (years)", "Margin step per quarter (%)", "Opex growth per quarter (%)",
                "Break-even quarter (text)", "Cumulative loss to break-even ($M)", "Quarter of 4x (text)",
                "CSP gross margin at 4x (%)", "Quarters to break-even (count)")


def outlook_label(base: str, t: str) -> str:
    """The label of the quarter ``t`` quarters after the label in cell ``base``, by formula:
    FY2026/27 Q1 + 3 = FY2026/27 Q4."""
    idx = f"(VALUE(MID({base},3,4))*4+VALUE(RIGHT({base},1))-1+{t})"
    return (f'IF({base}="","","FY"&INT({idx}/4)&"/"&TEXT(MOD(INT({idx}/4)+1,100),"00")'
            f'&" Q"&(MOD({idx},4)+1))')


def _outlook(lay: Layout) -> None:
    mi = lay.inputs
    sh = SheetLayout(OUTLOOK, protect=True, freeze=(0, 3))
    lay.sheets[OUTLOOK] = sh
    sh.widths = {0: 62, 1: 6, 2: 14} | {O_VAL + i: 15 for i in range(OUTLOOK_QUARTERS)}
    sh.tab_color = "#7F6000"
    sh.put(0, 0, "Outlook: CSP profit by future quarter to 4x and beyond, from the drivers below (FORECAST)",
           "title")
    sh.put(1, 0, "Yellow cells are drivers: change them and the forecast follows. Forecast columns "
                 "are shaded and marked (F); nothing here is reported. The allocation method's CSP "
                 "figures of the base quarter are the start.", "subtitle")
    cell = {}
    r = 3
    for code, label, unit, default, note in OUTLOOK_DRIVERS:
        cell[code] = xl_rowcol_to_cell(r, O_VAL, True, True)
        sh.put(r, 0, label, "label")
        sh.put(r, 1, "" if unit == "text" else unit, "unit")
        sh.put(r, 2, code, "code")
        value = mi.outlook.get(code, mi.summary_quarter if code == "o_base" else default)
        sh.put(r, O_VAL, value, f"input|{unit if unit in spec.FORMATS else 'text'}|reported")
        sh.put(r, O_VAL + 1, note, "note")
        r += 1
    lay.scalar_at["outlook_base"] = (OUTLOOK, 3, O_VAL)
    lst = lay.sheets[SUMMARY].validations[0][2]["source"].replace("=", f"={SUMMARY}!", 1)
    sh.validations.append((3, O_VAL, {"validate": "list", "source": lst}))
    col = f"MATCH({cell['o_base']},Periods,0)"
    # where the results and the quarter rows will sit (laid out below)
    first_calc = r
    calc_at = {code: xl_rowcol_to_cell(first_calc + i, O_VAL, True, True)
               for i, (code, _, _) in enumerate(OUTLOOK_CALC)}
    cell.update(calc_at)
    hr = first_calc + len(OUTLOOK_CALC) + 1
    rows = {code: hr + 1 + i for i, (code, _, _) in enumerate(OUTLOOK_ROWS)}
    last = O_VAL + OUTLOOK_QUARTERS - 1

    def span(code):
        return (f"{xl_rowcol_to_cell(rows[code], O_VAL, True, True)}:"
                f"{xl_rowcol_to_cell(rows[code], last, True, True)}")
    be, fx = span("o_be_flag"), span("o_4x_flag")
    none_be = f'"not within {OUTLOOK_QUARTERS} quarters"'
    formulas = {
        "o_growth": spec.given([cell["o_multiple"], cell["o_years"], cell["o_qpy"]],
                               f"{cell['o_multiple']}^(1/({cell['o_years']}*{cell['o_qpy']}))-1",
                               also=[f"{cell['o_years']}*{cell['o_qpy']}=0"]),
        "o_rev0": f"INDEX({lay.row_range('csp_revenue')},1,{col})",
        "o_gm0": f"INDEX({lay.row_range('csp_gm')},1,{col})",
        "o_opex0": f"INDEX({lay.row_range('csp_opex')},1,{col})",
        "o_q4x": spec.given([cell["o_years"], cell["o_qpy"]], f"{cell['o_years']}*{cell['o_qpy']}"),
        "o_be_q": f'IF(COUNTIF({be},1)=0,{none_be},INDEX({span("o_label")},1,MATCH(1,{be},0)))',
        "o_cum_to_be": (f'IF(COUNTIF({be},1)=0,"",INDEX({span("o_cum")},1,MATCH(1,{be},0))'
                        f'-INDEX({span("o_op")},1,MATCH(1,{be},0)))'),
        "o_4x_q": f'IF(COUNTIF({fx},1)=0,{none_be},INDEX({span("o_label")},1,MATCH(1,{fx},0)))',
        "o_rev_4x": f'IF(COUNTIF({fx},1)=0,"",INDEX({span("o_rev")},1,MATCH(1,{fx},0)))',
        "o_gm_4x": f'IF(COUNTIF({fx},1)=0,"",INDEX({span("o_gm")},1,MATCH(1,{fx},0)))',
        "o_op_4x": f'IF(COUNTIF({fx},1)=0,"",INDEX({span("o_op")},1,MATCH(1,{fx},0)))',
        "o_ai_total": spec.given([cell["o_pipeline"], cell["o_conversion"]],
                                 f"{cell['o_pipeline']}*{cell['o_conversion']}"),
    }
    for code, label, unit in OUTLOOK_CALC:
        row_head(sh, r, label, unit, code)
        sh.formula(r, O_VAL, formulas[code], f"calc|{unit}")
        r += 1
    for code, name in (("o_be_q", "Outlook_Breakeven_Quarter"), ("o_4x_q", "Outlook_Quarter_4x"),
                       ("o_cum_to_be", "Outlook_CumulativeLoss_ToBreakeven")):
        lay.names[name] = f"{OUTLOOK}!{calc_at[code]}"
    r = hr
    sh.put(hr, 0, "Forecast quarter (headers: the base quarter plus n, by formula)", "header")
    sh.put(hr, 2, "Code", "header")
    for i in range(OUTLOOK_QUARTERS):
        lab = xl_rowcol_to_cell(rows["o_label"], O_VAL + i)
        sh.formula(hr, O_VAL + i, f'IF({lab}="","",{lab}&" (F)")', "header_forecast")
    lay.names["Outlook_Periods"] = (f"{OUTLOOK}!{xl_rowcol_to_cell(hr, O_VAL, True, True)}:"
                                    f"{xl_rowcol_to_cell(hr, last, True, True)}")
    for code, label, unit in OUTLOOK_ROWS:
        row_head(sh, rows[code], label, unit, code)
    for i in range(OUTLOOK_QUARTERS):
        c = O_VAL + i
        at = {code: xl_rowcol_to_cell(rr, c) for code, rr in rows.items()}
        prev = {code: xl_rowcol_to_cell(rr, c - 1) for code, rr in rows.items()} if i else {}
        sh.put(rows["o_t"], c, i + 1, "forecast|count")
        f = {
            "o_label": outlook_label(cell["o_base"], at["o_t"]),
            "o_rev": spec.given([cell["o_rev0"], cell["o_growth"]],
                                f"{cell['o_rev0']}*(1+{cell['o_growth']})^{at['o_t']}"),
            "o_gm": spec.given([cell["o_gm0"], cell["o_gm_step"]],
                               f"{cell['o_gm0']}+{cell['o_gm_step']}*{at['o_t']}"),
            "o_gp": spec.given([at["o_rev"], at["o_gm"]], f"{at['o_rev']}*{at['o_gm']}"),
            "o_opex": spec.given([cell["o_opex0"], cell["o_opex_growth"]],
                                 f"{cell['o_opex0']}*(1+{cell['o_opex_growth']})^{at['o_t']}"),
            "o_op": spec.given([at["o_gp"], at["o_opex"]], f"{at['o_gp']}-{at['o_opex']}"),
            "o_cum": (spec.given([at["o_op"]], at["o_op"]) if not i else
                      spec.given([at["o_op"], prev["o_cum"]], f"{prev['o_cum']}+{at['o_op']}")),
            "o_breakeven": spec.given([at["o_opex"], at["o_rev"]], f"{at['o_opex']}/{at['o_rev']}",
                                      also=[f"{at['o_rev']}=0"]),
            "o_ai": spec.given([cell["o_pipeline"], cell["o_conversion"], cell["o_lag"], cell["o_spread"]],
                               f"IF(AND({at['o_t']}>{cell['o_lag']},{at['o_t']}<={cell['o_lag']}+{cell['o_spread']}),"
                               f"{cell['o_pipeline']}*{cell['o_conversion']}/{cell['o_spread']},0)",
                               also=[f"{cell['o_spread']}=0"]),
            "o_act_rev": (f'IF(COUNTIF(Periods,{at["o_label"]})=0,"",'
                          f'INDEX({lay.row_range("csp_revenue")},1,MATCH({at["o_label"]},Periods,0)))'),
            "o_act_op": (f'IF(COUNTIF(Periods,{at["o_label"]})=0,"",'
                         f'INDEX({lay.row_range("csp_op")},1,MATCH({at["o_label"]},Periods,0)))'),
            "o_be_flag": spec.given([at["o_op"]], f"IF({at['o_op']}>=0,1,0)", blank="0"),
            "o_4x_flag": spec.given([at["o_rev"], cell["o_rev0"], cell["o_multiple"]],
                                    f"IF(ROUND({at['o_rev']}/{cell['o_rev0']},6)>={cell['o_multiple']},1,0)",
                                    blank="0", also=[f"{cell['o_rev0']}=0"]),
        }
        for code, text in f.items():
            unit = next(u for k_, _, u in OUTLOOK_ROWS if k_ == code)
            sh.formula(rows[code], c, text, f"forecast|{unit}")
    for name, code in (("Outlook_CSP_Revenue", "o_rev"), ("Outlook_CSP_OperatingProfit", "o_op")):
        lay.names[name] = f"{OUTLOOK}!{span(code)}"
    r = rows[OUTLOOK_ROWS[-1][0]] + 2
    sh.put(r, 0, "Note: Lenovo's 4x aim is for its Nvidia-related business (CES 2026), which is not the "
                 "same as CSP revenue (it includes enterprise AI systems and excludes CSP work without "
                 "Nvidia parts); the multiple is applied to CSP revenue as an assumption. The AI pipeline "
                 "is what Lenovo calls a pipeline, not a backlog: its conversion is an assumption too.",
           "note")
    # the scenario table: years to 4x x margin path x opex growth
    r += 2
    sh.put(r, 0, "Scenario table: years to 4x x CSP margin step x opex growth (base quarter and "
                 "multiple as above)", "section")
    r += 1
    t_row = r
    sh.put(t_row, 0, "Quarter after the base (count), the grid's columns", "label")
    sh.put(t_row, 2, "os_t", "code")
    g_op = O_VAL + OUTLOOK_QUARTERS + 1                # helper grids right of the forecast columns
    g_be = g_op + OUTLOOK_QUARTERS + 1
    for i in range(OUTLOOK_QUARTERS):
        sh.put(t_row, g_op + i, i + 1, "plain|count")
        sh.put(t_row, g_be + i, i + 1, "plain|count")
    r += 1
    for j, h in enumerate(O_SCEN_HEADS):
        sh.put(r, O_VAL + j, h, "header_wrap")
    sh.heights[r] = 40
    sh.put(r, 0, "Scenario", "header")
    sh.put(r, g_op, "CSP operating profit by quarter after the base, forecast ($M): helper grid", "note")
    sh.put(r, g_be, "Quarter number where that profit is >= 0, else blank: helper grid", "note")
    n = 0
    units = ("years", "%", "%", "text", "$M", "text", "%")
    for y in O_SCEN_YEARS:
        for st in O_SCEN_STEPS:
            for og in O_SCEN_OPEX:
                r += 1
                n += 1
                sh.put(r, 0, f"Scenario {n}", "label")
                sh.put(r, 2, f"os_{n}", "code")
                sh.put(r, O_VAL, y, "plain|years")
                sh.put(r, O_VAL + 1, st, "plain|%2")
                sh.put(r, O_VAL + 2, og, "plain|%")
                yc, sc, oc = (xl_rowcol_to_cell(r, O_VAL + j, col_abs=True) for j in range(3))
                g = f"{cell['o_multiple']}^(1/({yc}*{cell['o_qpy']}))-1"
                grid = f"{xl_rowcol_to_cell(r, g_op)}:{xl_rowcol_to_cell(r, g_op + OUTLOOK_QUARTERS - 1)}"
                flags = f"{xl_rowcol_to_cell(r, g_be)}:{xl_rowcol_to_cell(r, g_be + OUTLOOK_QUARTERS - 1)}"
                tr = (f"{xl_rowcol_to_cell(t_row, g_op, True, True)}:"
                      f"{xl_rowcol_to_cell(t_row, g_op + OUTLOOK_QUARTERS - 1, True, True)}")
                for i in range(OUTLOOK_QUARTERS):
                    t = xl_rowcol_to_cell(t_row, g_op + i, row_abs=True)
                    op_ = xl_rowcol_to_cell(r, g_op + i)
                    sh.formula(r, g_op + i, spec.given(
                        [cell["o_rev0"], cell["o_gm0"], cell["o_opex0"]],
                        f"{cell['o_rev0']}*(1+{g})^{t}*({cell['o_gm0']}+{sc}*{t})"
                        f"-{cell['o_opex0']}*(1+{oc})^{t}"), "calc|$M")
                    sh.formula(r, g_be + i, spec.given([op_], f'IF({op_}>=0,{t},"")'), "calc|count")
                # the first quarter at or above zero: the smallest quarter number in the flag grid
                first = f'IF(COUNT({flags})=0,"",MIN({flags}))'
                tb = xl_rowcol_to_cell(r, O_VAL + 7)
                sh.formula(r, O_VAL + 7, first, "calc|count")
                sh.formula(r, O_VAL + 3, f'IF({tb}="",{none_be},{outlook_label(cell["o_base"], tb)})',
                           "calc|text")
                sh.formula(r, O_VAL + 4, f'IF({tb}="","",SUMIF({tr},"<"&{tb},{grid}))', "calc|$M")
                q4 = f"ROUNDUP(ROUND({yc}*{cell['o_qpy']},9),0)"
                sh.formula(r, O_VAL + 5, outlook_label(cell["o_base"], q4), "calc|text")
                sh.formula(r, O_VAL + 6, spec.given([cell["o_gm0"]], f"{cell['o_gm0']}+{sc}*{q4}"), "calc|%")
    sh.put(r + 1, 0, "Right of the forecast columns (not printed): each scenario's CSP operating profit by "
                     "quarter, the grid the break-even and the cumulative loss are read from.", "note")
    sh.print_last_col = O_VAL + OUTLOOK_QUARTERS - 1
    sh.print_scale = 55
    sh.repeat_cols = (0, 2)
    sh.charts.append({"kind": "outlook", "anchor": (r + 3, 0), "cats": "=" + lay.names["Outlook_Periods"],
                      "op": "=" + lay.names["Outlook_CSP_OperatingProfit"],
                      "cum": f"={OUTLOOK}!{span('o_cum')}",
                      "breakeven": f"={OUTLOOK}!{span('o_breakeven')}"})
    sh.print_titles = (0, 1)
