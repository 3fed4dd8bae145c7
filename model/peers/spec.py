"""The AI-server peers model, declared once.

Four server businesses on one calendar-quarter timeline: Dell ISG, HPE Server,
Supermicro (the whole company) and Lenovo ISG. Every input row, calculated row (as a
formula template, see model.core.layout.Layout.render), check, chart, public name and
scalar of the workbook is listed here; the layout puts them on sheets, the reader and
the reference find them by the same keys. No cell address is typed here or anywhere else.

Row keys of figures are ``<entity code>.<metric>``; an entity code is the company and
its entity in the data file, joined by '-' ('Dell-ISG-AI'), except Supermicro, which
reports only as a whole ('Supermicro').
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.spec import CalcRow, Chart, Check, Scalar, Series, given, k

# --- sheets -------------------------------------------------------------------
COVER, COMPARISON, INPUTS, ASSUMPTIONS, CALCS, CHECKS, CHART_DATA, SOURCES = (
    "Cover", "Comparison", "Inputs", "Assumptions", "Calculations", "Checks", "Chart data", "Sources")
WORKSHEETS = (COVER, COMPARISON, INPUTS, ASSUMPTIONS, CALCS, CHECKS, CHART_DATA, SOURCES)
TIMELINE_SHEETS = (INPUTS, CALCS, CHECKS, CHART_DATA)
PERIOD_NAME = "CalendarQuarters"
PERIOD_REGEX = r"^\d{4} Q[1-4]$"


# --- companies ------------------------------------------------------------------
@dataclass(frozen=True)
class Company:
    company: str          # as in the data file's company column (and model.core.calendar)
    name: str             # shown: 'Dell ISG'
    code: str             # entity code of the server business: 'Dell-ISG'
    slug: str             # prefix of its calculated rows: 'dell'
    business: str         # what the figures cover
    names_prefix: str     # public defined names: 'Dell_ISG'


COMPANIES = (
    Company("Dell", "Dell ISG", "Dell-ISG", "dell", "Infrastructure Solutions Group (servers, networking, storage)",
            "Dell_ISG"),
    Company("HPE", "HPE Server", "HPE-Server", "hpe", "Server segment", "HPE_Server"),
    Company("Supermicro", "Supermicro", "Supermicro", "smci", "the whole company (servers and storage)",
            "Supermicro"),
    Company("Lenovo", "Lenovo ISG", "Lenovo-ISG", "lenovo", "Infrastructure Solutions Group", "Lenovo_ISG"),
)
COLOURS = ("#1F4E79", "#00A3A1", "#C00000", "#7F6000")    # one per company, in COMPANIES order
BY_COMPANY = {c.company: c for c in COMPANIES}


def entity_code(company: str, entity: str) -> str:
    """'Dell', 'ISG-AI' -> 'Dell-ISG-AI'; Supermicro's 'Group' -> 'Supermicro'."""
    return company if (company, entity) == ("Supermicro", "Group") else f"{company}-{entity}"


METRICS = {  # metric -> (words, data unit)
    "revenue": ("revenue", "usd_m"),
    "operating_profit": ("operating profit", "usd_m"),
    "operating_margin_pct": ("operating margin as given", "pct"),
    "gross_profit": ("gross profit", "usd_m"),
    "orders": ("orders", "usd_m"),
    "shipments": ("shipments", "usd_m"),
    "backlog": ("backlog", "usd_m"),
}
UNIT_LABEL = {"usd_m": "$M", "pct": "%"}


@dataclass(frozen=True)
class InputRow:
    """One figure series on Inputs."""
    company: str
    entity: str           # as in the data file
    metric: str
    words: str            # what the row holds, for its label

    @property
    def code(self) -> str:
        return entity_code(self.company, self.entity)

    @property
    def key(self) -> str:
        return f"{self.code}.{self.metric}"

    @property
    def unit(self) -> str:
        return UNIT_LABEL[METRICS[self.metric][1]]

    @property
    def label(self) -> str:
        return f"{BY_COMPANY[self.company].name}: {self.words} ({self.unit})"


INPUT_ROWS = (
    InputRow("Dell", "ISG", "revenue", "ISG revenue"),
    InputRow("Dell", "ISG", "operating_profit", "ISG operating profit"),
    InputRow("Dell", "ISG-SN", "revenue", "servers and networking revenue"),
    InputRow("Dell", "ISG-SN-Traditional", "revenue", "traditional servers and networking revenue"),
    InputRow("Dell", "ISG-Storage", "revenue", "storage revenue"),
    InputRow("Dell", "ISG-AI", "revenue", "AI server revenue"),
    InputRow("Dell", "ISG-AI", "orders", "AI server orders"),
    InputRow("Dell", "ISG-AI", "shipments", "AI server shipments"),
    InputRow("Dell", "ISG-AI", "backlog", "AI server backlog, end of quarter"),
    InputRow("HPE", "Server", "revenue", "Server segment revenue"),
    InputRow("HPE", "Server", "operating_profit", "Server segment operating profit"),
    InputRow("HPE", "Server", "operating_margin_pct", "Server operating margin as given (where the profit is not)"),
    InputRow("HPE", "Server-AI", "revenue", "AI systems revenue"),
    InputRow("HPE", "Server-AI", "orders", "AI systems orders"),
    InputRow("HPE", "Server-AI", "backlog", "AI systems backlog, end of quarter"),
    InputRow("Supermicro", "Group", "revenue", "revenue"),
    InputRow("Supermicro", "Group", "gross_profit", "gross profit"),
    InputRow("Supermicro", "Group", "operating_profit", "operating profit"),
    InputRow("Lenovo", "ISG", "revenue", "ISG revenue"),
    InputRow("Lenovo", "ISG", "operating_profit", "ISG operating profit"),
)
INPUT_KEYS = {r.key: r for r in INPUT_ROWS}
ALLOWED = {(r.company, r.entity, r.metric) for r in INPUT_ROWS}
LENOVO_TAKEN = {(r.entity, r.metric) for r in INPUT_ROWS if r.company == "Lenovo"}
REVENUE_KEYS = tuple(r.key for r in INPUT_ROWS if r.metric == "revenue")
# AI figures of each company that reports them: (company, AI entity code)
AI_OF = {"Dell": "Dell-ISG-AI", "HPE": "HPE-Server-AI"}


def fiscal_row(c: Company) -> str:
    """Code of the Inputs row giving the company's fiscal quarter in each calendar column."""
    return f"fiscal_{c.slug}"


# --- scalars (Assumptions, column E) ------------------------------------------------
SCALARS = (
    Scalar("index_base", "Base quarter of the revenue index (calendar quarter)", "text", None,
           "Pick from the drop-down; by default the first quarter in which all four companies have revenue."),
    Scalar("index_value", "Index value of the base quarter (index)", "index", 100.0,
           "Each company's revenue in the base quarter = this value."),
    Scalar("margin_bound", "Largest plausible absolute operating or gross margin (%)", "%", 0.5,
           "Margins beyond +/- this fail the bounds check.", valid=(0.0, 1.0)),
    Scalar("rounding_tolerance", "Rounding tolerance for reported splits ($M)", "$M", 100.0,
           "Dell gives segment revenue in $0.1 billion steps: two rounded parts may differ from "
           "their rounded total by up to $100M.", valid=(0.0, 1000.0)),
    Scalar("margin_tolerance", "Tolerance between a given margin and profit / revenue (%)", "%", 0.005,
           "A margin given to 0.1 point agrees with profit / revenue within this.", valid=(0.0, 0.1)),
)
SCALAR_KEYS = {s.key: s for s in SCALARS}


# --- calculated rows (Calculations): model.core.spec.CalcRow ------------------------------


def _ratio(num: str, den: str) -> str:
    return given([k(num), k(den)], f"{k(num)}/{k(den)}", also=[f"{k(den)}=0"])


def _growth(key: str, lag: int = 4) -> str:
    prior = k(f"{key}@-{lag}")
    return given([k(key), prior], f"{k(key)}/{prior}-1", also=[f"{prior}=0"])


def _op_formula(c: Company) -> str:
    op, rev = k(f"{c.code}.operating_profit"), k(f"{c.code}.revenue")
    if c.company == "HPE":      # reported profit, else revenue x the margin HPE gave
        m = k(f"{c.code}.operating_margin_pct")
        return f'IF({op}="",{given([rev, m], f"{rev}*{m}")},{op})'
    return given([op], op)


def _op_label(c: Company) -> str:
    if c.company == "HPE":
        return f"{c.name} operating profit: reported, else revenue x the margin given ($M)"
    return f"{c.name} operating profit, as given ($M)"


def _index(c: Company) -> str:
    rev = k(f"{c.code}.revenue")
    base = f"INDEX({{={c.code}.revenue}},MATCH({{$index_base}},{PERIOD_NAME},0))"
    return given([rev, base], f"{rev}/{base}*{{$index_value}}", also=[f"{base}=0"])


def calc_rows() -> tuple[CalcRow, ...]:
    rows: list[CalcRow] = [CalcRow("t_pos", "Position on the timeline: 1 = the first calendar quarter (count)",
                                   "count", "COLUMNS({t_first}:{t_here})", section="Timeline")]
    for c in COMPANIES:
        s, code = c.slug, c.code
        rows += [
            CalcRow(f"{s}_op", _op_label(c), "$M", _op_formula(c), section=f"{c.name} ({c.business})"),
            CalcRow(f"{s}_om", f"{c.name} operating margin: operating profit / revenue (%)", "%",
                    _ratio(f"{s}_op", f"{code}.revenue"), f"{c.names_prefix}_OperatingMargin"),
            CalcRow(f"{s}_yoy", f"{c.name} revenue growth, year on year (4 calendar quarters earlier) (%)", "%",
                    _growth(f"{code}.revenue")),
            CalcRow(f"{s}_index", f"{c.name} revenue indexed to the base quarter (index)", "index", _index(c)),
            CalcRow(f"{s}_both", f"{c.name}: position of a quarter with both growth and margin, else blank (count)",
                    "count", given([k(f"{s}_yoy"), k(f"{s}_om")], k("t_pos"))),
            CalcRow(f"{s}_rev_pos", f"{c.name}: position of a quarter with revenue, else blank (count)",
                    "count", given([k(f"{code}.revenue")], k("t_pos"))),
        ]
        if c.company == "Dell":
            rows += [
                CalcRow("dell_split_diff", "Dell servers and networking + storage less ISG revenue ($M)", "$M",
                        given([k("Dell-ISG-SN.revenue"), k("Dell-ISG-Storage.revenue"), k("Dell-ISG.revenue")],
                              "{Dell-ISG-SN.revenue}+{Dell-ISG-Storage.revenue}-{Dell-ISG.revenue}")),
                CalcRow("dell_sn_share", "Dell servers and networking share of ISG revenue (%)", "%",
                        _ratio("Dell-ISG-SN.revenue", "Dell-ISG.revenue")),
            ]
        if c.company == "HPE":
            rows.append(CalcRow(
                "hpe_margin_diff", "HPE margin as given less operating profit / revenue, where all three are given (%)",
                "%", given([k("HPE-Server.operating_margin_pct"), k("HPE-Server.operating_profit"),
                            k("HPE-Server.revenue")],
                           "{HPE-Server.operating_margin_pct}-{HPE-Server.operating_profit}/{HPE-Server.revenue}",
                           also=["{HPE-Server.revenue}=0"])))
        if c.company == "Supermicro":
            rows.append(CalcRow("smci_gm", "Supermicro gross margin: gross profit / revenue (%)", "%",
                                _ratio("Supermicro.gross_profit", "Supermicro.revenue")))
        if c.company in AI_OF:
            ai = AI_OF[c.company]
            rows += [
                CalcRow(f"{s}_ai_backlog_x", f"{c.name} AI backlog / quarterly {c.name} revenue (x)", "x",
                        _ratio(f"{ai}.backlog", f"{code}.revenue")),
                CalcRow(f"{s}_ai_share", f"{c.name} AI revenue share of revenue (%)", "%",
                        _ratio(f"{ai}.revenue", f"{code}.revenue")),
                CalcRow(f"{s}_ai_book_to_bill",
                        f"{c.name} AI orders / AI {'shipments' if c.company == 'Dell' else 'revenue'} "
                        "(book to bill) (x)", "x",
                        _ratio(f"{ai}.orders", f"{ai}.shipments" if c.company == "Dell" else f"{ai}.revenue")),
            ]
    return tuple(rows)


CALC_ROWS = calc_rows()
CALC_KEYS = {r.key: r for r in CALC_ROWS}


# --- the Comparison sheet ------------------------------------------------------------
# Latest quarter of each company (one column per company): row code, label, unit
# (the latest quarter with revenue: how recent each company's figures are; the latest with
# both growth and margin: the growth-against-margin chart's point, which may be older)
LATEST_ROWS = (
    ("r_pos", "Latest with revenue: position on the timeline (count)", "count"),
    ("r_quarter", "Latest calendar quarter with revenue (text)", "text"),
    ("r_fiscal", "... the company's own fiscal quarter (text)", "text"),
    ("r_revenue", "... revenue ($M)", "$M"),
    ("r_growth", "... revenue growth, year on year (%)", "%"),
    ("r_margin", "... operating margin, blank where not yet reported (%)", "%"),
    ("l_pos", "Latest with growth and margin: position (count)", "count"),
    ("l_quarter", "Latest quarter with growth and margin, charted (text)", "text"),
    ("l_fiscal", "... the company's own fiscal quarter (text)", "text"),
    ("l_revenue", "... revenue ($M)", "$M"),
    ("l_growth", "... revenue growth, year on year (%)", "%"),
    ("l_margin", "... operating margin (%)", "%"),
)
COMPARISON_QUARTERS = 13    # quarters the Comparison shows: three years and the quarter a year before them
# Timeline blocks: (section, row code prefix, calc row suffix, unit, words)
COMPARISON_BLOCKS = (
    ("Revenue ($M)", "c_rev", ".revenue", "$M", "revenue ($M)"),
    ("Operating margin (%)", "c_om", "om", "%", "operating margin (%)"),
    ("Revenue indexed to the base quarter (index)", "c_index", "index", "index", "revenue, indexed (index)"),
    ("Revenue growth, year on year (%)", "c_yoy", "yoy", "%", "revenue growth (%)"),
    ("AI backlog against quarterly revenue (x)", "c_ai", "ai_backlog_x", "x", "AI backlog / revenue (x)"),
)


def comparison_rows() -> list[tuple[str, str, str, str, str]]:
    """(section, code, label, unit, calc key) of the Comparison sheet's timeline rows."""
    out = []
    for section, prefix, suffix, unit, words in COMPARISON_BLOCKS:
        for c in COMPANIES:
            key = f"{c.code}{suffix}" if suffix.startswith(".") else f"{c.slug}_{suffix}"
            if key in CALC_KEYS or key in INPUT_KEYS:
                out.append((section, f"{prefix}_{c.slug}", f"{c.name} {words}", unit, key))
    return out


COMPARISON_ROWS = comparison_rows()

# Chart-feed rows (Chart data): a row where it has a value, else #N/A (a gap, not a zero)
FEED_ROWS = tuple((f"f_{code[2:]}", f"{label}, #N/A where missing", unit, key)
                  for _, code, label, unit, key in COMPARISON_ROWS if not code.startswith(("c_yoy", "c_rev"))) + tuple(
    (f"f_ai_backlog_{c.slug}", f"{c.name} AI backlog ($M), #N/A where missing", "$M", f"{AI_OF[c.company]}.backlog")
    for c in COMPANIES if c.company in AI_OF)
# The scatter's points (Chart data, one column per company): growth (x) and margin (y), #N/A when none
SCATTER_ROWS = (("sx_growth", "Latest revenue growth, #N/A when none (%)", "%", "l_growth"),
                ("sx_margin", "Latest operating margin, #N/A when none (%)", "%", "l_margin"),
                ("sx_name", "The point's label: company and quarter (text)", "text", "l_quarter"))
# Printed under the Comparison: what is and is not like for like
COMPARABILITY = (
    "Like for like? Dell ISG, HPE Server and Lenovo ISG are segments: their operating profit is before "
    "corporate costs (and, at Dell and HPE, before stock-based compensation); Supermicro is the whole "
    "company (GAAP operating income).",
    "Dell ISG and Lenovo ISG include storage; HPE Server does not. HPE's fiscal 2026 server revenue is "
    "given within its Cloud and AI segment, so it may not be on the basis of the Server segment before it.",
    "Calendar quarters: each company's fiscal quarter sits in the calendar quarter of its middle month; "
    "Dell's and HPE's quarters end a month (Dell: up to five weeks) after the calendar quarter's.",
)


# --- checks -------------------------------------------------------------------------
def _err_count(sheet: str) -> str:
    return f"SUMPRODUCT(--ISERROR({{!{sheet}}}))"


def _any(parts) -> str:
    return "IF(OR(" + ",".join(parts) + "),1,0)"


MARGIN_ROWS = tuple(f"{c.slug}_om" for c in COMPANIES) + ("smci_gm", "HPE-Server.operating_margin_pct")


def _checks() -> tuple[Check, ...]:
    op_in_rev = [given([k(f"{c.slug}_op"), k(f"{c.code}.revenue")],
                       f"{k(f'{c.slug}_op')}>{k(f'{c.code}.revenue')}", blank="0") for c in COMPANIES]
    bounds = [given([k(m)], f"ABS({k(m)})>{{$margin_bound}}", blank="0") for m in MARGIN_ROWS]
    ai_in = [given([k(f"{ai}.revenue"), k(f"{BY_COMPANY[co].code}.revenue")],
                   f"{k(f'{ai}.revenue')}>{k(f'{BY_COMPANY[co].code}.revenue')}", blank="0")
             for co, ai in AI_OF.items()]
    base_revenue = ",".join(f'INDEX({{={c.code}.revenue}},MATCH({{$index_base}},{PERIOD_NAME},0))=""'
                            for c in COMPANIES)
    return (
        Check("revenue_sign", "No negative revenue (any revenue row)",
              _any(f"{k(key)}<0" for key in REVENUE_KEYS)),
        Check("op_in_revenue", "Operating profit not above revenue (each company)", _any(op_in_rev)),
        Check("margin_bounds", "Operating and gross margins within the plausible bound", _any(bounds)),
        Check("dell_split", "Dell servers and networking + storage = ISG revenue (within rounding)",
              given([k("dell_split_diff")], "IF(ABS({dell_split_diff})>{$rounding_tolerance},1,0)", blank="0")),
        Check("hpe_margin", "HPE margin as given agrees with operating profit / revenue (within tolerance)",
              given([k("hpe_margin_diff")], "IF(ABS({hpe_margin_diff})>{$margin_tolerance},1,0)", blank="0")),
        Check("ai_in_revenue", "AI revenue not above the server business's revenue", _any(ai_in)),
        Check("errors_inputs", "No error values on Inputs", _err_count(INPUTS), per_period=False),
        Check("errors_assumptions", "No error values on Assumptions", _err_count(ASSUMPTIONS), per_period=False),
        Check("errors_calcs", "No error values on Calculations", _err_count(CALCS), per_period=False),
        Check("errors_comparison", "No error values on Comparison", _err_count(COMPARISON), per_period=False),
        Check("text_in_inputs", "No text in a numeric input cell (Inputs figures, Assumptions values)",
              "SUMPRODUCT(--ISTEXT({#figures}))+" + "+".join(
                  f"--ISTEXT({{${s.key}}})" for s in SCALARS if s.unit != "text"), per_period=False),
        Check("index_base_ok", "WARNING (not counted): index base quarter lacks a company's revenue",
              f"IF(ISNA(MATCH({{$index_base}},{PERIOD_NAME},0)),1,IF(OR({base_revenue}),1,0))",
              per_period=False, warning=True),
    )


CHECKS_LIST = _checks()
CHECK_KEYS = {c.key: c for c in CHECKS_LIST}


# --- public names ----------------------------------------------------------------------
def defined_names() -> dict[str, str]:
    """Public defined names -> row key (CalendarQuarters, the header row, is added by the layout)."""
    out = {}
    for c in COMPANIES:
        out[f"{c.names_prefix}_Revenue"] = f"{c.code}.revenue"
        out[f"{c.names_prefix}_OperatingMargin"] = f"{c.slug}_om"
    return out


# --- charts (one chart sheet each) --------------------------------------------------------
WHOLE_M = '#,##0_);(#,##0)'
CHART_MARGINS, CHART_INDEX, CHART_SCATTER, CHART_AI = (
    "Chart Margins", "Chart Revenue index", "Chart Growth v margin", "Chart AI backlog")
CHARTS = (
    Chart(CHART_MARGINS, "Operating margin by company and calendar quarter (%)", "Operating margin (%)", "0%",
          tuple(Series(f"f_om_{c.slug}", c.name, "line", colour=col) for c, col in zip(COMPANIES, COLOURS)),
          x_title="Calendar quarter"),
    Chart(CHART_INDEX, "Revenue indexed to the base quarter on Assumptions (base = 100)", "Revenue index",
          "0", tuple(Series(f"f_index_{c.slug}", c.name, "line", colour=col) for c, col in zip(COMPANIES, COLOURS)),
          x_title="Calendar quarter"),
    Chart(CHART_SCATTER, "Latest quarter with both: revenue growth year on year against operating margin",
          "Operating margin (%)", "0%", (), x_title="Revenue growth, year on year (%)", x_format="0%"),
    Chart(CHART_AI, "AI backlog ($M, columns) and AI backlog / quarterly revenue (x, lines)",
          "AI backlog ($M)", WHOLE_M,
          tuple(Series(f"f_ai_backlog_{c.slug}", f"{c.name} AI backlog ($M)") for c in COMPANIES
                if c.company in AI_OF)
          + tuple(Series(f"f_ai_{c.slug}", f"{c.name} AI backlog / revenue (x, right axis)", "line", True)
                  for c in COMPANIES if c.company in AI_OF),
          "AI backlog / quarterly revenue (x)", '0.0"x"', x_title="Calendar quarter"),
)
