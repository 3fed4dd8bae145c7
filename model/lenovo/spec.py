"""The model, declared once.

Every row, label, unit, number format, defined name, check and chart of the
workbook is listed here. The writer lays it out, the refresh finds cells by it
and the audit walks it, so no cell address is typed twice in the code.

Formula templates use ``{key}`` for the cell of row ``key`` in the same period
column, ``{key@-4}`` for the cell four periods earlier, ``{$key}`` for the
absolute address of a scalar input and ``{a:b}`` for the same-column range
from row ``a`` to row ``b``. Input rows are keyed ``Entity.metric``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.formats import BASIS_MARK, FORMATS, input_format  # noqa: F401
from ..core.spec import (  # noqa: F401
    NO_PRIOR_PERIOD, CalcRow, Chart, Check, Scalar, ScenarioRow, Series, given, k)

# --- vocabulary of the tidy data file ---------------------------------------

DATA_COLUMNS = (
    "fiscal_year", "fiscal_quarter", "period_end", "entity", "metric",
    "value", "unit", "basis", "source_title", "source_url",
)
OPTIONAL_COLUMNS = ("quote",)   # the sentence read in the source (files before it lack it)
ENTITIES = {
    "Group": "Group",
    "IDG": "IDG (devices)",
    "ISG": "ISG (infrastructure)",
    "SSG": "SSG (services)",
    "ISG-CSP": "ISG cloud service providers (CSP)",
    "ISG-ESMB": "ISG enterprise/SMB",
    "ISG-AI": "ISG AI systems",
    "Group-exCSP": "Group excluding CSP",
}
METRICS = {
    "revenue": ("revenue", "usd_m"),
    "gross_profit": ("gross profit", "usd_m"),
    "operating_profit": ("operating profit", "usd_m"),
    "net_income": ("net income", "usd_m"),
    "pipeline": ("pipeline", "usd_m"),
    "gross_margin_pct": ("gross margin", "pct"),
    "revenue_yoy_pct": ("revenue growth as given, year on year", "pct"),
}
# the range a figure of each metric may take on Inputs ($M: at most $1 trillion a quarter)
FIGURE_RANGES = {"revenue": (0.0, 1e6), "gross_profit": (-1e6, 1e6), "operating_profit": (-1e6, 1e6),
                 "net_income": (-1e6, 1e6), "pipeline": (0.0, 1e6), "gross_margin_pct": (-1.0, 1.0),
                 "revenue_yoy_pct": (-1.0, 10.0)}
BASES = ("reported", "estimate", "approx", "lower_bound", "derived")
UNIT_LABEL = {"usd_m": "$M", "pct": "%"}

# --- sheets -------------------------------------------------------------------

COVER, INPUTS, ASSUMPTIONS, CALCS, SENS, CHECKS, SOURCES = (
    "Cover", "Inputs", "Assumptions", "Calculations", "Sensitivity", "Checks", "Sources")
TIMELINE_SHEETS = (INPUTS, ASSUMPTIONS, CALCS, CHECKS)
PERIOD_REGEX = r"^FY\S+ Q[1-4]$"     # a quarter on the timeline: 'FY2025/26 Q1'
WORKSHEETS = (COVER, INPUTS, ASSUMPTIONS, CALCS, SENS, CHECKS, SOURCES)  # charts go before Sources
from ..core.grid import FIRST_BODY_ROW, FIRST_PERIOD_COL, HEADER_ROW, PERIOD_END_ROW  # noqa: E402,F401


@dataclass(frozen=True)
class InputRow:
    """One figure series on the Inputs sheet, keyed ``Entity.metric``."""
    entity: str
    metric: str

    @property
    def key(self) -> str:
        return f"{self.entity}.{self.metric}"

    @property
    def unit(self) -> str:
        return UNIT_LABEL[METRICS[self.metric][1]]

    @property
    def label(self) -> str:
        return f"{ENTITIES[self.entity]} {METRICS[self.metric][0]} ({self.unit})"


# Rows the calculations need: on the Inputs sheet even when the data has none.
CORE_INPUTS = (
    InputRow("Group", "revenue"), InputRow("Group", "gross_profit"),
    InputRow("Group", "operating_profit"), InputRow("Group", "net_income"),
    InputRow("Group", "gross_margin_pct"),
    InputRow("IDG", "revenue"), InputRow("IDG", "operating_profit"),
    InputRow("ISG", "revenue"), InputRow("ISG", "operating_profit"),
    InputRow("SSG", "revenue"), InputRow("SSG", "operating_profit"),
    InputRow("ISG-CSP", "revenue"), InputRow("ISG-ESMB", "revenue"),
    InputRow("ISG-AI", "revenue"), InputRow("ISG-AI", "pipeline"),
    # published results of the same method (The Next Platform): reconciled against, never fed
    InputRow("ISG-CSP", "gross_profit"), InputRow("ISG-CSP", "operating_profit"),
    InputRow("ISG-ESMB", "operating_profit"),
)
# Figures that feed an assumption row instead of an Inputs row.
ASSUMPTION_FIGURES = {("Group-exCSP", "gross_margin_pct"): "excsp_base"}
REVENUE_ROWS = ("Group.revenue", "IDG.revenue", "ISG.revenue", "SSG.revenue",
                "ISG-CSP.revenue", "ISG-ESMB.revenue", "ISG-AI.revenue")


SCENARIOS = ("Low", "Base", "High")
INTENSITY_RANGE = (0.0, 5.0)        # opex intensity vs the group average (x)
SCALARS = (
    Scalar("scenario", "Ex-CSP gross margin scenario in use", "text", "Base",
           "Pick Low, Base or High; every calculation follows.", SCENARIOS),
    Scalar("opex_intensity", "CSP operating-expense intensity vs group average (x)", "x", 1.0,
           "1.00x = opex allocated by revenue share (The Next Platform's method).",
           valid=INTENSITY_RANGE),
    Scalar("segment_tolerance", "Segment revenue vs group tolerance (%)", "%", 0.10,
           "IDG+ISG+SSG exceeds group revenue by intersegment sales (about 6-8%).", valid=(0.0, 0.5)),
    Scalar("rounding_tolerance", "Rounding tolerance for reported splits ($M)", "$M", 5.0,
           "Reported figures are rounded; differences up to this are accepted.", valid=(0.0, 100.0)),
    Scalar("margin_bound", "Largest plausible absolute margin (%)", "%", 1.0,
           "Margins beyond +/- this fail the bounds check.", valid=(0.0, 1.0)),
)
from ..core.grid import OVERRIDE_NOTE, SCALAR_FIRST_ROW  # noqa: E402,F401
BUTTON_CELL = (2, 1)        # the .xlsm's Refresh button on the Cover (row 3, column B)


EXCSP_DEFAULT_NOTE = ('CFO: gross margin "north of 17%" without CSP; '
                      "The Next Platform took 17.2%. Every scenario is at or above 17%.")
SCENARIO_ROWS = (
    ScenarioRow("excsp_low", "Low", 0.170),
    ScenarioRow("excsp_base", "Base", 0.172),
    ScenarioRow("excsp_high", "High", 0.175),
)
# What each scenario means for CSP, and the statement its value rests on (shown beside it).
SCENARIO_MEANING = {
    "Low": "CSP best case",
    "Base": "Base case",
    "High": "CSP worst case",
}
SCENARIO_REASON = {
    "Low": 'Low 17.0%: the least the CFO\'s "north of 17%" allows; a lower ex-CSP margin would '
           "leave more group gross profit to CSP than the statement does.",
    "Base": "Base 17.2%: The Next Platform's figure for FY2025/26 Q1, just north of 17%.",
    "High": 'High 17.5%: still "north of 17%" (it would round to 17% or 18%, not 19%); '
            "more gross profit to the rest of the group, so the most CSP loss the statement allows.",
}


def _either(first: str, fallback: str) -> str:
    """Row ``first`` where it has a figure, else ``fallback``."""
    return f'IF({k(first)}="",{fallback},{k(first)})'


def _both(a: str, b: str, expr: str) -> str:
    return given([k(a), k(b)], expr)


def _ratio(num: str, den: str) -> str:
    return given([k(num), k(den)], f"{k(num)}/{k(den)}", also=[f"{k(den)}=0"])


def _growth(key: str, lag: int) -> str:
    prior = k(f"{key}@-{lag}")
    return given([k(key), prior], f"{k(key)}/{prior}-1", also=[f"{prior}=0"])


def _ttm(key: str) -> str:
    """The sum of this quarter and the three before it; blank unless all four are given."""
    refs = [k(key)] + [k(f"{key}@-{lag}") for lag in (1, 2, 3)]
    return given(refs, "+".join(refs))


_SCEN = "INDEX({excsp_low:excsp_high},MATCH({$scenario},{$scenario_names},0))"

CALC_ROWS = (
    CalcRow("group_gross_profit", "Group gross profit, reported or revenue x reported margin ($M)", "$M",
            _either("Group.gross_profit", _both("Group.revenue", "Group.gross_margin_pct",
                                                "{Group.revenue}*{Group.gross_margin_pct}")),
            section="Group margin"),
    CalcRow("blended_gm", "Blended group gross margin (%)", "%",
            _ratio("group_gross_profit", "Group.revenue"), "Blended_GrossMargin"),
    CalcRow("excsp_gm", "Ex-CSP gross margin, scenario in use (%)", "%",
            given([_SCEN], _SCEN), "ExCSP_GrossMargin", "CSP split"),
    CalcRow("csp_revenue", "CSP revenue, reported or ISG less enterprise/SMB ($M)", "$M",
            _either("ISG-CSP.revenue", _both("ISG.revenue", "ISG-ESMB.revenue",
                                             "{ISG.revenue}-{ISG-ESMB.revenue}")), "CSP_Revenue"),
    CalcRow("excsp_revenue", "Ex-CSP revenue: group less CSP ($M)", "$M",
            _both("Group.revenue", "csp_revenue", "{Group.revenue}-{csp_revenue}")),
    CalcRow("excsp_gross_profit", "Ex-CSP gross profit: ex-CSP revenue x ex-CSP margin ($M)", "$M",
            _both("excsp_revenue", "excsp_gm", "{excsp_revenue}*{excsp_gm}")),
    CalcRow("csp_gross_profit", "CSP gross profit: group less ex-CSP ($M)", "$M",
            _both("group_gross_profit", "excsp_gross_profit",
                  "{group_gross_profit}-{excsp_gross_profit}"), "CSP_GrossProfit"),
    CalcRow("csp_gm", "CSP gross margin (%)", "%",
            _ratio("csp_gross_profit", "csp_revenue"), "CSP_GrossMargin"),
    CalcRow("opex_pool", "Operating expense pool: group gross profit less operating profit ($M)", "$M",
            _both("group_gross_profit", "Group.operating_profit",
                  "{group_gross_profit}-{Group.operating_profit}"), "Opex_Pool", "Operating expense allocation"),
    CalcRow("csp_revenue_share", "CSP share of group revenue (%)", "%",
            _ratio("csp_revenue", "Group.revenue")),
    CalcRow("csp_opex", "CSP allocated opex: pool x revenue share x intensity ($M)", "$M",
            _both("opex_pool", "csp_revenue_share",
                  "{opex_pool}*{csp_revenue_share}*{$opex_intensity}"), "CSP_AllocatedOpex"),
    CalcRow("csp_op", "CSP operating profit: gross profit less allocated opex ($M)", "$M",
            _both("csp_gross_profit", "csp_opex", "{csp_gross_profit}-{csp_opex}"),
            "CSP_OperatingProfit"),
    CalcRow("csp_rev_per_loss", "CSP revenue per $1 of CSP operating loss (x)", "x",
            _both("csp_op", "csp_revenue", 'IF({csp_op}<0,{csp_revenue}/-{csp_op},"")'),
            "CSP_RevenuePerDollarLost"),
    CalcRow("csp_breakeven_gm", "CSP gross margin needed to break even: allocated opex / revenue (%)", "%",
            _ratio("csp_opex", "csp_revenue"), "CSP_BreakevenGrossMargin"),
    CalcRow("esmb_revenue", "Enterprise/SMB revenue: ISG less CSP ($M)", "$M",
            _both("ISG.revenue", "csp_revenue", "{ISG.revenue}-{csp_revenue}"), section="ISG"),
    CalcRow("esmb_op", "Enterprise/SMB operating profit: ISG less CSP ($M)", "$M",
            _both("ISG.operating_profit", "csp_op", "{ISG.operating_profit}-{csp_op}")),
    CalcRow("isg_om", "ISG operating margin (%)", "%",
            _ratio("ISG.operating_profit", "ISG.revenue"), "ISG_OperatingMargin"),
    CalcRow("group_rev_yoy", "Group revenue growth, year on year (%)", "%",
            _growth("Group.revenue", 4), section="Growth"),
    CalcRow("group_rev_qoq", "Group revenue growth, quarter on quarter (%)", "%",
            _growth("Group.revenue", 1)),
    CalcRow("isg_rev_yoy", "ISG revenue growth, year on year (%)", "%", _growth("ISG.revenue", 4)),
    CalcRow("isg_rev_qoq", "ISG revenue growth, quarter on quarter (%)", "%", _growth("ISG.revenue", 1)),
    CalcRow("ai_rev_yoy", "AI systems revenue growth, year on year (%)", "%", _growth("ISG-AI.revenue", 4)),
    CalcRow("ai_rev_qoq", "AI systems revenue growth, quarter on quarter (%)", "%",
            _growth("ISG-AI.revenue", 1)),
    CalcRow("ai_pipeline_cover", "AI pipeline coverage: pipeline / quarterly AI revenue (x)", "x",
            _ratio("ISG-AI.pipeline", "ISG-AI.revenue")),
    # --- added in 0.2.0, below every earlier row so no row of an existing workbook moves ---
    CalcRow("csp_missing", "CSP answer: the inputs this quarter lacks, blank when answered (text)", "text",
            (
                'IF({csp_op}<>"","",TRIM("missing: "'
                '&IF({Group.revenue}="","group revenue; ",IF({Group.revenue}=0,"group revenue is zero; ",""))'
                '&IF({group_gross_profit}="","group gross profit (or group gross margin); ","")'
                '&IF({Group.operating_profit}="","group operating profit; ","")'
                '&IF({csp_revenue}="","CSP revenue (or ISG and enterprise/SMB revenue); ","")'
                '&IF({excsp_gm}="","ex-CSP gross margin; ","")))'),
            section="Answer and reconciliation"),
    CalcRow("csp_answered", "Quarter has a CSP answer, 1 = yes (count)", "count",
            'IF({csp_op}="",0,1)'),
    CalcRow("csp_answer_rank", "Quarters with an answer so far, blank when none here (count)", "count",
            'IF({csp_op}="","",SUM({csp_answered@run}))'),
    CalcRow("esmb_om", "Enterprise/SMB implied operating margin (%)", "%",
            _ratio("esmb_op", "esmb_revenue")),
    CalcRow("pub_csp_gp", "Published CSP gross profit, analyst estimate ($M)", "$M",
            given([k("ISG-CSP.gross_profit")], k("ISG-CSP.gross_profit"))),
    CalcRow("pub_csp_op", "Published CSP operating profit, analyst estimate ($M)", "$M",
            given([k("ISG-CSP.operating_profit")], k("ISG-CSP.operating_profit"))),
    CalcRow("pub_esmb_op", "Published enterprise/SMB operating profit, analyst estimate ($M)", "$M",
            given([k("ISG-ESMB.operating_profit")], k("ISG-ESMB.operating_profit"))),
    CalcRow("implied_gm_from_gp", "Ex-CSP gross margin that reproduces the published CSP gross profit (%)", "%",
            given([k("group_gross_profit"), k("pub_csp_gp"), k("excsp_revenue")],
                  "({group_gross_profit}-{pub_csp_gp})/{excsp_revenue}", also=['{excsp_revenue}=0'])),
    CalcRow("implied_gm_from_op", "Ex-CSP gross margin that reproduces the published CSP operating profit (%)",
            "%", given([k("group_gross_profit"), k("csp_opex"), k("pub_csp_op"), k("excsp_revenue")],
                       "({group_gross_profit}-{csp_opex}-{pub_csp_op})/{excsp_revenue}",
                       also=['{excsp_revenue}=0'])),
    CalcRow("implied_gm_from_esmb", "Ex-CSP gross margin that reproduces the published enterprise/SMB "
            "operating profit (%)", "%",
            given([k("group_gross_profit"), k("csp_opex"), k("ISG.operating_profit"), k("pub_esmb_op"),
                   k("excsp_revenue")],
                  "({group_gross_profit}-{csp_opex}-({ISG.operating_profit}-{pub_esmb_op}))/{excsp_revenue}",
                  also=['{excsp_revenue}=0'])),
) + tuple(
    row for s_key, s_name in (("low", "Low"), ("base", "Base"), ("high", "High")) for row in (
        CalcRow(f"csp_gp_{s_key}", f"CSP gross profit at the {s_name} scenario's ex-CSP margin ($M)", "$M",
                given([k("group_gross_profit"), k("excsp_revenue"), k(f"excsp_{s_key}")],
                      f"{{group_gross_profit}}-{{excsp_revenue}}*{{excsp_{s_key}}}"),
                section="Scenarios side by side" if s_key == "low" else ""),
        CalcRow(f"csp_op_{s_key}", f"CSP operating profit at the {s_name} scenario's ex-CSP margin ($M)", "$M",
                given([k(f"csp_gp_{s_key}"), k("csp_opex")], f"{{csp_gp_{s_key}}}-{{csp_opex}}")),
    )) + (
    CalcRow("ttm_group_revenue", "Group revenue, trailing four quarters ($M)", "$M", _ttm("Group.revenue"),
            section="Trailing four quarters"),
    CalcRow("ttm_group_op", "Group operating profit, trailing four quarters ($M)", "$M",
            _ttm("Group.operating_profit")),
    CalcRow("ttm_isg_revenue", "ISG revenue, trailing four quarters ($M)", "$M", _ttm("ISG.revenue")),
    CalcRow("ttm_isg_op", "ISG operating profit, trailing four quarters ($M)", "$M",
            _ttm("ISG.operating_profit")),
)

# Public interface: defined names over whole timeline rows.
INPUT_NAMES = {
    "Group_Revenue": "Group.revenue",
    "Group_GrossProfit": "Group.gross_profit",
    "Group_OperatingProfit": "Group.operating_profit",
    "ISG_Revenue": "ISG.revenue",
    "ISG_OperatingProfit": "ISG.operating_profit",
}


def defined_names() -> dict[str, str]:
    """Every public row name -> row key ('Periods' is the header row)."""
    names = dict(INPUT_NAMES)
    names.update({r.name: r.key for r in CALC_ROWS if r.name})
    return names


# --- checks: a flag per period (1 = fails) or one whole-sheet test ------------

def _err_count(sheet: str) -> str:
    return f"SUMPRODUCT(IFERROR(({{!{sheet}}}={{!{sheet}}})*0,1))"   # errors: 1 each, portable (engines.md)


CHECKS_LIST = (
    Check("seg_sum", "IDG + ISG + SSG revenue within tolerance of group revenue",
          given([k("IDG.revenue"), k("ISG.revenue"), k("SSG.revenue"), k("Group.revenue")],
                "IF(ABS({IDG.revenue}+{ISG.revenue}+{SSG.revenue}-{Group.revenue})"
                ">{$segment_tolerance}*{Group.revenue},1,0)", blank="0")),
    Check("isg_split", "Reported CSP + enterprise/SMB revenue equals ISG revenue (within rounding)",
          given([k("ISG-CSP.revenue"), k("ISG-ESMB.revenue"), k("ISG.revenue")],
                "IF(ABS({ISG-CSP.revenue}+{ISG-ESMB.revenue}-{ISG.revenue})>{$rounding_tolerance},1,0)",
                blank="0")),
    Check("csp_in_isg", "CSP revenue not above ISG revenue",
          given([k("csp_revenue"), k("ISG.revenue")],
                "IF({csp_revenue}>{ISG.revenue}+{$rounding_tolerance},1,0)", blank="0")),
    Check("gp_in_revenue", "Group gross profit not above group revenue",
          given([k("group_gross_profit"), k("Group.revenue")],
                "IF({group_gross_profit}>{Group.revenue},1,0)", blank="0")),
    Check("revenue_sign", "No negative revenue",
          "IF(OR(" + ",".join(f"{{{key}}}<0" for key in REVENUE_ROWS) + "),1,0)"),
    Check("margin_bounds", "Margins within the plausible bound",
          "IF(OR(" + ",".join(
              given([k(key)], f"OR({{{key}}}>{{$margin_bound}},{{{key}}}<-{{$margin_bound}})", blank="0")
              for key in ("blended_gm", "excsp_gm", "csp_gm", "isg_om")) + "),1,0)"),
    Check("excsp_set", "Ex-CSP margin set wherever CSP revenue is known",
          given([k("csp_revenue")], 'IF({excsp_gm}="",1,0)', blank="0")),
    Check("scenario_valid", "Scenario in use is one of Low, Base, High",
          "IF(ISNA(MATCH({$scenario},{$scenario_names},0)),1,0)", per_period=False),
    Check("errors_inputs", "No error values on Inputs", _err_count(INPUTS), per_period=False, array=True),
    Check("errors_assumptions", "No error values on Assumptions", _err_count(ASSUMPTIONS),
          per_period=False, array=True),
    Check("errors_calcs", "No error values on Calculations", _err_count(CALCS), per_period=False, array=True),
    Check("errors_sensitivity", "No error values on Sensitivity", _err_count(SENS), per_period=False, array=True),
    # --- added in 0.2.0, below the earlier checks ---
    Check("text_in_inputs", "No text or other non-number in a numeric input (figures, ex-CSP margins)",
          "COUNTA({#figures})-COUNT({#figures})+COUNTA({#margins})-COUNT({#margins})", per_period=False),
    Check("summary_answered", "The quarter chosen on the Summary has a CSP answer",
          'IF({$summary_col}="",1,IF(INDEX({=csp_answered},1,{$summary_col})=1,0,1))', per_period=False),
    Check("sens_reconciles", "Sensitivity grid at the scenario's margin and the intensity in use "
          "equals Calculations (within rounding)",
          'IF({$sens_diff}="",0,IF(ABS({$sens_diff})>{$rounding_tolerance},1,0))', per_period=False),
    Check("esmb_margin_range", "WARNING (not in the master check): implied enterprise/SMB operating "
          "margin outside the range of ISG operating margins ever reported",
          given([k("esmb_om")], "IF(OR({esmb_om}>MAX({=isg_om}),{esmb_om}<MIN({=isg_om})),1,0)",
                blank="0", also=["COUNT({=isg_om})=0"]), warning=True),
)

# --- sensitivity: CSP operating profit for one quarter over two drivers ------

SENS_MARGINS = (0.17, 0.171, 0.172, 0.174, 0.176, 0.178, 0.18)   # all 'north of 17%'; Base 17.2% on it
SENS_INTENSITIES = (0.5, 0.75, 1.0, 1.25, 1.5)
SENS_MARGIN_RANGE = (0.0, 1.0)          # ex-CSP gross margins down the grid (fractions)
SENS_INTENSITY_RANGE = INTENSITY_RANGE  # opex intensities across it
SENS_LOOKUPS = (  # (key, label, calc-or-input row looked up for the chosen quarter)
    ("s_gp", "Group gross profit ($M)", "group_gross_profit"),
    ("s_rev", "Group revenue ($M)", "Group.revenue"),
    ("s_csp", "CSP revenue ($M)", "csp_revenue"),
    ("s_pool", "Operating expense pool ($M)", "opex_pool"),
    ("s_op", "CSP operating profit at the scenario in use ($M)", "csp_op"),
)


# --- charts: one chart sheet each ---------------------------------------------

# Chart-feed rows (sheet 'Chart data'): a model row where it has a value, else #N/A, which
# Excel and LibreOffice both draw as a gap (a "" from a formula would be drawn as zero).
CHART_DATA = "Chart data"
FEED_ROWS = (  # (code, label, unit, row shown, row that must have a value for it to be shown)
    ("f_isg_revenue", "ISG revenue, #N/A where missing ($M)", "$M", "ISG.revenue", "ISG.revenue"),
    ("f_isg_op", "ISG operating profit, #N/A where missing ($M)", "$M", "ISG.operating_profit",
     "ISG.operating_profit"),
    ("f_csp_gm", "CSP gross margin, #N/A where missing (%)", "%", "csp_gm", "csp_gm"),
    ("f_blended_gm", "Blended group gross margin, #N/A where missing (%)", "%", "blended_gm", "blended_gm"),
    ("f_excsp_gm", "Ex-CSP gross margin where it is applied (a CSP answer), else #N/A (%)", "%",
     "excsp_gm", "csp_gm"),
    ("f_csp_gp", "CSP gross profit, #N/A where missing ($M)", "$M", "csp_gross_profit", "csp_gross_profit"),
    ("f_csp_op", "CSP operating profit, #N/A where missing ($M)", "$M", "csp_op", "csp_op"),
    ("f_per_loss", "CSP revenue per $1 of operating loss, #N/A where none (x)", "x", "csp_rev_per_loss",
     "csp_rev_per_loss"),
    ("f_ai_pipeline", "AI pipeline, #N/A where not given ($M)", "$M", "ISG-AI.pipeline", "ISG-AI.pipeline"),
    ("f_ai_revenue", "AI systems revenue, #N/A where not given ($M)", "$M", "ISG-AI.revenue", "ISG-AI.revenue"),
)
WHOLE_M = '#,##0_);(#,##0)'      # $M chart axes: no decimals

CHARTS = (
    Chart("Chart ISG", "ISG revenue grows, operating profit stays near zero (one axis, $M)",
          "US$ millions ($M)", WHOLE_M,
          (Series("f_isg_revenue", "ISG revenue ($M)"),
           Series("f_isg_op", "ISG operating profit ($M)", "line"))),
    Chart("Chart Margins", "CSP against non-CSP gross margin (dashed: assumed, where applied)",
          "Gross margin (%)", "0%",
          (Series("f_csp_gm", "CSP gross margin (%)"),
           Series("f_blended_gm", "Blended group gross margin (%)", "line"),
           Series("f_excsp_gm", "Ex-CSP gross margin, assumed (%)", "line"))),
    Chart("Chart CSP loss", "CSP gross and operating profit ($M); a gap: no CSP answer that quarter",
          "Profit ($M)", WHOLE_M,
          (Series("f_csp_gp", "CSP gross profit ($M)"),
           Series("f_csp_op", "CSP operating profit ($M)"),
           Series("f_per_loss", "CSP revenue per $1 of operating loss (x, right axis)", "line", True)),
          "CSP revenue per $1 of operating loss (x)", '0.0"x"'),
    Chart("Chart AI", "AI pipeline as Lenovo gave it, and AI systems revenue ($M)", "US$ millions ($M)",
          WHOLE_M,
          (Series("f_ai_pipeline", "AI pipeline ($M)", "line"),
           Series("f_ai_revenue", "AI systems revenue ($M)", "line"))),
    Chart("Chart Sensitivity", "CSP operating profit by ex-CSP margin and opex intensity",
          "CSP operating profit ($M)", WHOLE_M,
          tuple(Series(f"sens:{i}", f"Opex intensity {k:.2f}x", "line")
                for i, k in enumerate(SENS_INTENSITIES)),
          x_title="Ex-CSP gross margin (%)", x_format="0.00%"),
)
