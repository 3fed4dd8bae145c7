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
    "operating_profit_adjusted": ("operating profit before non-cash items (adjusted)", "usd_m"),
    "net_income": ("net income", "usd_m"),
    "pipeline": ("pipeline", "usd_m"),
    "gross_margin_pct": ("gross margin", "pct"),
    "revenue_yoy_pct": ("revenue growth as given, year on year", "pct"),
}
# the range a figure of each metric may take on Inputs ($M: at most $1 trillion a quarter)
FIGURE_RANGES = {"revenue": (0.0, 1e6), "gross_profit": (-1e6, 1e6), "operating_profit": (-1e6, 1e6),
                 "operating_profit_adjusted": (-1e6, 1e6),
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
    # added in 0.4.0: growth that derives CSP and enterprise/SMB revenue, adjusted operating profit
    InputRow("ISG-CSP", "revenue_yoy_pct"), InputRow("ISG-ESMB", "revenue_yoy_pct"),
    InputRow("Group", "operating_profit_adjusted"),
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
) + (  # added in 0.4.0: laid out below the scenario rows, so no row of an older workbook moves
    Scalar("excsp_carry", "Ex-CSP margin where none is sourced: carry the margin, or its spread over "
           "the blended margin", "text", "margin",
           "margin = the scenario's margin as typed below (the sourced 17.2% carried); spread = the "
           "sourced quarter's margin less its blended margin, added to each quarter's blended margin.",
           ("margin", "spread")),
    Scalar("op_basis", "Group operating profit that feeds the opex pool", "text", "reported",
           "reported = HKFRS, as The Next Platform used it; adjusted = before non-cash items (the "
           "warrants' fair-value change) where Lenovo gives it, else reported.", ("reported", "adjusted")),
    Scalar("op_materiality", "Reported vs adjusted operating profit: a material difference ($M)", "$M",
           100.0, "Quarters where the two differ by more show CSP operating profit on both bases.",
           valid=(0.0, 100000.0)),
    Scalar("split_tolerance", "Derived CSP + enterprise/SMB revenue vs reported ISG revenue "
           "tolerance (%)", "%", 0.02,
           'Growth is given to the whole percent ("nearly doubled" = 100%): 2% of ISG revenue.',
           valid=(0.0, 0.5)),
    Scalar("esmb_case", "Enterprise/SMB operating margin case for the segment method", "text", "Base",
           "Pick Low, Base or High (their values and reasons are the next three rows).", SCENARIOS),
    Scalar("esmb_om_low", "Enterprise/SMB operating margin, Low (%)", "%", 0.03,
           "Low 3%: a commodity server maker: Supermicro's whole-company operating margin in its "
           "latest quarters (3.2-4.0%), an ODM's 'three points' (The Next Platform).", valid=(-1.0, 1.0)),
    Scalar("esmb_om_base", "Enterprise/SMB operating margin, Base (%)", "%", 0.06,
           "Base 6%: HPE Server in fiscal 2025 Q2-Q3 (6.0-6.4%) and Dell's AI servers at '5 to 7 "
           "percent' (The Next Platform): servers at today's prices, about ISG's best before 2026.",
           valid=(-1.0, 1.0)),
    Scalar("esmb_om_high", "Enterprise/SMB operating margin, High (%)", "%", 0.10,
           "High 10%: enterprise servers with storage: Dell ISG (8.0-18.1% since fiscal 2024) and HPE "
           "Server in fiscal 2023-24 (10-16%) at their typical levels.", valid=(-1.0, 1.0)),
    Scalar("method_tolerance", "Allocation vs segment-constrained CSP operating profit tolerance ($M)",
           "$M", 100.0, "A larger gap is flagged on Checks and the Summary (a warning: the two methods "
           "rest on different assumptions, neither is the reported figure).", valid=(0.0, 100000.0)),
)
SCALARS_BEFORE_040 = 5          # the first five sit above the scenario rows (0.1.0 to 0.3.0)
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

# The Inputs row whose columns count the timeline (any row spans it): a quarter's position.
_POS = "MATCH({hdr},Periods,0)"


def _derived_rev(entity: str, key: str, what: str) -> tuple:
    """Revenue found from the growth Lenovo gave: a later quarter from the year-earlier dollars
    x (1 + growth), an earlier one from the year-later dollars / (1 + that quarter's growth)."""
    g = f"{entity}.revenue_yoy_pct"
    return (
        CalcRow(f"{key}_fwd", f"{what} derived forward: a year earlier's x (1 + growth) ($M)", "$M",
                given([k(f"{key}_given@-4"), k(g)], f"{{{key}_given@-4}}*(1+{{{g}}})")),
        CalcRow(f"{key}_back", f"{what} derived back: a year later's / (1 + its growth) ($M)", "$M",
                given([k(f"{key}_given@4"), k(f"{g}@4")], f"{{{key}_given@4}}/(1+{{{g}@4}})",
                      also=[f"1+{{{g}@4}}=0"])),
    )


def _how(given_key: str, reported: str, rest: str, key: str) -> str:
    """How a revenue figure was found, in words: given, the ISG remainder, or derived from growth."""
    return (f'IF({{{reported}}}<>"","as given (Inputs)",IF({{{given_key}}}<>"","{rest}",'
            f'IF({{{key}_fwd}}<>"","derived: "&INDEX(Periods,1,{{q_pos}}-4)&" x (1 + growth)",'
            f'IF({{{key}_back}}<>"","derived: "&INDEX(Periods,1,{{q_pos}}+4)&" / (1 + its growth)",""))))')


CALC_ROWS_040 = (  # added in 0.4.0, below every earlier row so no row of an older workbook moves
    CalcRow("q_pos", "Position of the quarter on the timeline (count)", "count", _POS,
            section="Every quarter the data can answer: revenue derived from growth (0.4.0)"),
    CalcRow("csp_rev_given", "CSP revenue as given: reported, else ISG less reported enterprise/SMB ($M)", "$M",
            _either("ISG-CSP.revenue", _both("ISG.revenue", "ISG-ESMB.revenue",
                                             "{ISG.revenue}-{ISG-ESMB.revenue}"))),
    CalcRow("esmb_rev_given", "Enterprise/SMB revenue as given: reported, else ISG less reported CSP ($M)",
            "$M", _either("ISG-ESMB.revenue", _both("ISG.revenue", "ISG-CSP.revenue",
                                                    "{ISG.revenue}-{ISG-CSP.revenue}"))),
) + _derived_rev("ISG-CSP", "csp_rev", "CSP revenue") + _derived_rev("ISG-ESMB", "esmb_rev",
                                                                      "Enterprise/SMB revenue") + (
    CalcRow("esmb_rev_all", "Enterprise/SMB revenue: given, else derived from growth ($M)", "$M",
            'IF({esmb_rev_given}<>"",{esmb_rev_given},IF({esmb_rev_fwd}<>"",{esmb_rev_fwd},{esmb_rev_back}))'),
    CalcRow("csp_rev_how", "CSP revenue: how it was found (text)", "text",
            _how("csp_rev_given", "ISG-CSP.revenue", "ISG less enterprise/SMB", "csp_rev")),
    CalcRow("esmb_rev_how", "Enterprise/SMB revenue: how it was found (text)", "text",
            _how("esmb_rev_given", "ISG-ESMB.revenue", "ISG less CSP", "esmb_rev")),
    CalcRow("split_sum", "CSP + enterprise/SMB revenue where either is derived ($M)", "$M",
            given([k("csp_revenue"), k("esmb_rev_all")], "{csp_revenue}+{esmb_rev_all}",
                  also=['AND({csp_rev_given}<>"",{esmb_rev_given}<>"")'])),
    CalcRow("split_gap", "Derived split less reported ISG revenue ($M)", "$M",
            _both("split_sum", "ISG.revenue", "{split_sum}-{ISG.revenue}")),
    CalcRow("excsp_src_flag", "Base ex-CSP margin sourced in this quarter, 1 = yes (count)", "count",
            'IF(LEFT({excsp_base_source},7)="sourced",1,0)',
            section="Ex-CSP margin where none is sourced (0.4.0)"),
    CalcRow("excsp_src_count", "Quarters with a sourced margin so far (count)", "count",
            'COUNTIFS({=excsp_src_flag},1,{=q_pos},"<="&{q_pos})'),
    CalcRow("excsp_src_pos", "Sourced quarter number here, blank elsewhere (count)", "count",
            'IF({excsp_src_flag}=1,{excsp_src_count},"")'),
    CalcRow("excsp_anchor_pos", "Sourced quarter carried: the latest so far, else the first, by position (count)",
            "count", 'IF({excsp_src_count}>0,MATCH({excsp_src_count},{=excsp_src_pos},0),'
                     'IF(COUNTIF({=excsp_src_flag},1)>0,MATCH(1,{=excsp_src_flag},0),""))'),
    CalcRow("excsp_anchor", "Sourced quarter carried (text)", "text",
            'IF({excsp_anchor_pos}="","",INDEX(Periods,1,{excsp_anchor_pos}))'),
    CalcRow("excsp_gm_carry", "Ex-CSP gross margin carried: the scenario's margin as on Assumptions (%)", "%",
            given([_SCEN], _SCEN)),
    CalcRow("excsp_gm_spread", "Ex-CSP gross margin at the sourced quarter's spread over blended (%)", "%",
            given([k("blended_gm"), k("excsp_anchor_pos")],
                  'IF(INDEX({=blended_gm},1,{excsp_anchor_pos})="","",'
                  "{blended_gm}+INDEX({#margins},MATCH({$scenario},{$scenario_names},0),{excsp_anchor_pos})"
                  "-INDEX({=blended_gm},1,{excsp_anchor_pos}))")),
    CalcRow("excsp_how", "Ex-CSP margin in use: sourced, or carried and how (text)", "text",
            'IF({excsp_gm}="","",IF({excsp_src_flag}=1,"sourced",IF({$excsp_carry}="margin",'
            '"carried: margin","carried: spread from "&{excsp_anchor})))'),
    CalcRow("op_in_use", "Group operating profit feeding the pool: the basis chosen on Assumptions ($M)", "$M",
            'IF(AND({$op_basis}="adjusted",{Group.operating_profit_adjusted}<>""),'
            '{Group.operating_profit_adjusted},' + given([k("Group.operating_profit")], k("Group.operating_profit")) + ')',
            section="Operating profit basis: reported or adjusted (0.4.0)"),
    CalcRow("opex_pool_reported", "Opex pool on reported operating profit ($M)", "$M",
            _both("group_gross_profit", "Group.operating_profit", "{group_gross_profit}-{Group.operating_profit}")),
    CalcRow("opex_pool_adjusted", "Opex pool on adjusted operating profit ($M)", "$M",
            _both("group_gross_profit", "Group.operating_profit_adjusted",
                  "{group_gross_profit}-{Group.operating_profit_adjusted}")),
    CalcRow("csp_op_rep_basis", "CSP operating profit, pool on reported operating profit ($M)", "$M",
            given([k("csp_gross_profit"), k("opex_pool_reported"), k("csp_revenue_share")],
                  "{csp_gross_profit}-{opex_pool_reported}*{csp_revenue_share}*{$opex_intensity}")),
    CalcRow("csp_op_adj_basis", "CSP operating profit, pool on adjusted operating profit ($M)", "$M",
            given([k("csp_gross_profit"), k("opex_pool_adjusted"), k("csp_revenue_share")],
                  "{csp_gross_profit}-{opex_pool_adjusted}*{csp_revenue_share}*{$opex_intensity}")),
    CalcRow("op_basis_differs", "Reported and adjusted differ by more than the materiality, 1 = yes (count)",
            "count", given([k("Group.operating_profit"), k("Group.operating_profit_adjusted")],
                           "IF(ABS({Group.operating_profit_adjusted}-{Group.operating_profit})>{$op_materiality},1,0)",
                           blank="0")),
    CalcRow("esmb_om_used", "Enterprise/SMB operating margin the segment method uses (case on Assumptions) (%)",
            "%", given([k("esmb_revenue")],
                       'IF({$esmb_case}="Low",{$esmb_om_low},IF({$esmb_case}="Base",{$esmb_om_base},'
                       'IF({$esmb_case}="High",{$esmb_om_high},"")))'),
            "ESMB_OperatingMargin", "Second method: segment-constrained CSP operating profit (0.4.0)"),
    CalcRow("csp_op_segment", "CSP operating profit, segment-constrained: ISG less enterprise/SMB x its "
            "margin ($M)", "$M",
            given([k("ISG.operating_profit"), k("esmb_revenue"), k("esmb_om_used")],
                  "{ISG.operating_profit}-{esmb_revenue}*{esmb_om_used}"), "CSP_OperatingProfit_Segment"),
    CalcRow("csp_op_min", "CSP operating profit, the lower of the two methods ($M)", "$M",
            _both("csp_op", "csp_op_segment", "MIN({csp_op},{csp_op_segment})")),
    CalcRow("csp_op_max", "CSP operating profit, the higher of the two methods ($M)", "$M",
            _both("csp_op", "csp_op_segment", "MAX({csp_op},{csp_op_segment})")),
    CalcRow("method_gap", "Allocation less segment-constrained CSP operating profit ($M)", "$M",
            _both("csp_op", "csp_op_segment", "{csp_op}-{csp_op_segment}")),
    CalcRow("csp_om_segment", "CSP operating margin, segment-constrained (%)", "%",
            _ratio("csp_op_segment", "csp_revenue")),
)

CALC_ROWS = (
    CalcRow("group_gross_profit", "Group gross profit, reported or revenue x reported margin ($M)", "$M",
            _either("Group.gross_profit", _both("Group.revenue", "Group.gross_margin_pct",
                                                "{Group.revenue}*{Group.gross_margin_pct}")),
            section="Group margin"),
    CalcRow("blended_gm", "Blended group gross margin (%)", "%",
            _ratio("group_gross_profit", "Group.revenue"), "Blended_GrossMargin"),
    CalcRow("excsp_gm", "Ex-CSP gross margin in use: sourced, else carried as chosen on Assumptions (%)", "%",
            'IF(OR({$excsp_carry}="margin",{excsp_src_flag}=1),{excsp_gm_carry},{excsp_gm_spread})',
            "ExCSP_GrossMargin", "CSP split"),
    CalcRow("csp_revenue", "CSP revenue: given, else derived from growth (how: row csp_rev_how) ($M)", "$M",
            'IF({csp_rev_given}<>"",{csp_rev_given},IF({csp_rev_fwd}<>"",{csp_rev_fwd},{csp_rev_back}))',
            "CSP_Revenue"),
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
            _both("group_gross_profit", "op_in_use",
                  "{group_gross_profit}-{op_in_use}"), "Opex_Pool", "Operating expense allocation"),
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
                '&IF({op_in_use}="","group operating profit; ","")'
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
) + CALC_ROWS_040



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
    Check("summary_answered", "NOTE (not in the master check): the quarter chosen on the Summary has "
          "no CSP answer; the Summary says what it lacks",
          'IF({$summary_col}="",1,IF(INDEX({=csp_answered},1,{$summary_col})=1,0,1))', per_period=False,
          warning=True),
    Check("sens_reconciles", "Sensitivity grid at the scenario's margin and the intensity in use "
          "equals Calculations (within rounding)",
          'IF({$sens_diff}="",0,IF(ABS({$sens_diff})>{$rounding_tolerance},1,0))', per_period=False),
    Check("esmb_margin_range", "WARNING (not in the master check): implied enterprise/SMB operating "
          "margin outside the range of ISG operating margins ever reported",
          given([k("esmb_om")], "IF(OR({esmb_om}>MAX({=isg_om}),{esmb_om}<MIN({=isg_om})),1,0)",
                blank="0", also=["COUNT({=isg_om})=0"]), warning=True),
    # --- added in 0.4.0 ---
    Check("split_derived", "Derived CSP + enterprise/SMB revenue within tolerance of reported ISG revenue",
          given([k("split_gap"), k("ISG.revenue")],
                "IF(ABS({split_gap})>{$split_tolerance}*{ISG.revenue},1,0)", blank="0")),
    Check("methods_agree", "WARNING (not in the master check): the two methods' CSP operating profit "
          "differ by more than the tolerance on Assumptions",
          given([k("method_gap")], "IF(ABS({method_gap})>{$method_tolerance},1,0)", blank="0"),
          warning=True),
)

# --- sensitivity: CSP operating profit for one quarter over two drivers ------

SENS_MARGINS = (0.17, 0.172, 0.174, 0.176, 0.178, 0.18)   # even steps, 'north of 17%'; Base 17.2% on it
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
    ("f_csp_op_seg", "CSP operating profit, segment-constrained, #N/A where missing ($M)", "$M", "csp_op_segment",
     "csp_op_segment"),
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
    Chart("Chart CSP loss", "CSP gross profit and operating profit by both methods ($M, one axis); "
          "a gap: no CSP answer that quarter",
          "Profit ($M)", WHOLE_M,
          (Series("f_csp_gp", "CSP gross profit ($M)"),
           Series("f_csp_op", "CSP operating profit, allocation method ($M)"),
           Series("f_csp_op_seg", "CSP operating profit, segment-constrained method ($M)"))),
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
