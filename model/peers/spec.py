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
    legend: str = ""      # name and basis, for chart legends: 'Supermicro (whole company)'
    indexed: bool = True  # on the revenue index (a segment that starts late is not)


COMPANIES = (
    Company("Dell", "Dell ISG", "Dell-ISG", "dell", "Infrastructure Solutions Group (servers, networking, storage)",
            "Dell_ISG", "Dell ISG (segment)"),
    Company("HPE", "HPE Server", "HPE-Server", "hpe", "Server segment to fiscal 2025; from fiscal 2026 server "
            "revenue within Cloud & AI", "HPE_Server", "HPE Server (segment, to FY2025)"),
    Company("HPE", "HPE Cloud & AI", "HPE-Cloud-AI", "hpeca", "Cloud & AI segment from fiscal 2026 (holds Server)",
            "HPE_CloudAI", "HPE Cloud & AI (segment, from FY2026)", indexed=False),
    Company("Supermicro", "Supermicro", "Supermicro", "smci", "the whole company (servers and storage)",
            "Supermicro", "Supermicro (whole company)"),
    Company("Lenovo", "Lenovo ISG", "Lenovo-ISG", "lenovo", "Infrastructure Solutions Group",
            "Lenovo_ISG", "Lenovo ISG (segment)"),
)
COLOURS = ("#1F4E79", "#00A3A1", "#70AD47", "#C00000", "#7F6000")    # one per business, in COMPANIES order
BY_COMPANY = {}                     # company -> its first business (HPE: HPE Server)
for _c in COMPANIES:
    BY_COMPANY.setdefault(_c.company, _c)
BY_CODE = {c.code: c for c in COMPANIES}
INDEXED = tuple(c for c in COMPANIES if c.indexed)
# On the growth-against-margin scatter, all at one calendar quarter: HPE Cloud & AI is left out
# (a segment from fiscal 2026 has no year-earlier quarter, so no growth, before fiscal 2027)
SCATTERED = tuple(c for c in COMPANIES if c.code != "HPE-Cloud-AI")
NOT_SCATTERED = "not charted"
# the companies as the data files name them, each once (the fiscal-quarter rows on Inputs)
FISCAL_COMPANIES = tuple(BY_COMPANY.values())
# A change of segment: HPE stopped reporting Server as a segment in fiscal 2026; its server
# revenue from then sits in the Cloud & AI segment. (company, first fiscal year, before, after)
RECAST = ("HPE", 2026, "Server", "Cloud & AI")


def business_of(code: str) -> Company:
    """The business a row code belongs to: the longest business code it starts with."""
    return max((c for c in COMPANIES if code == c.code or code.startswith(c.code + "-")),
               key=lambda c: len(c.code))


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
    "gross_margin_pct": ("gross margin as given", "pct"),
    "revenue_yoy_pct": ("revenue growth as given, year on year", "pct"),
}
UNIT_LABEL = {"usd_m": "$M", "pct": "%"}
# the range a figure of each metric may take on Inputs ($M: at most $1 trillion a quarter)
FIGURE_RANGES = {"revenue": (0.0, 1e6), "operating_profit": (-1e6, 1e6), "operating_margin_pct": (-1.0, 1.0),
                 "gross_profit": (-1e6, 1e6), "orders": (0.0, 1e6), "shipments": (0.0, 1e6),
                 "backlog": (0.0, 1e6), "gross_margin_pct": (-1.0, 1.0), "revenue_yoy_pct": (-1.0, 10.0)}


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
        return f"{business_of(self.code).name}: {self.words} ({self.unit})"


INPUT_ROWS_030 = (          # release 0.3.0's rows, in its order (a refresh finds them where they were)
    InputRow("Dell", "ISG", "revenue", "ISG revenue"),
    InputRow("Dell", "ISG", "operating_profit", "ISG operating profit"),
    InputRow("Dell", "ISG-SN", "revenue", "servers and networking revenue"),
    InputRow("Dell", "ISG-SN-Traditional", "revenue", "traditional servers and networking revenue"),
    InputRow("Dell", "ISG-Storage", "revenue", "storage revenue"),
    InputRow("Dell", "ISG-AI", "revenue", "AI server revenue"),
    InputRow("Dell", "ISG-AI", "orders", "AI server orders"),
    InputRow("Dell", "ISG-AI", "shipments", "AI server shipments"),
    InputRow("Dell", "ISG-AI", "backlog", "AI server backlog, end of quarter"),
    InputRow("HPE", "Server", "revenue", "Server revenue (from fiscal 2026 within Cloud & AI)"),
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
INPUT_ROWS_ADDED = (        # added with the v3 data, below every earlier row
    InputRow("HPE", "Server", "revenue_yoy_pct", "Server revenue growth as given, year on year (from fiscal 2026)"),
    InputRow("HPE", "Cloud-AI", "revenue", "Cloud & AI segment revenue"),
    InputRow("HPE", "Cloud-AI", "operating_margin_pct", "Cloud & AI segment operating margin as given"),
    InputRow("Supermicro", "Group", "gross_margin_pct", "gross margin as given (where the profit is not)"),
    InputRow("Supermicro", "Group", "orders", "new orders in the quarter"),
    InputRow("Lenovo", "ISG-CSP", "revenue", "cloud service provider (CSP) revenue, analyst estimate"),
    InputRow("Lenovo", "ISG-CSP", "operating_profit", "CSP operating profit, analyst estimate"),
)
INPUT_ROWS = INPUT_ROWS_030 + INPUT_ROWS_ADDED
INPUT_KEYS = {r.key: r for r in INPUT_ROWS}
ALLOWED = {(r.company, r.entity, r.metric) for r in INPUT_ROWS}
LENOVO_TAKEN = {(r.entity, r.metric) for r in INPUT_ROWS if r.company == "Lenovo"}
REVENUE_KEYS = tuple(r.key for r in INPUT_ROWS if r.metric == "revenue")
# AI figures of each business that reports them: business code -> AI entity code
AI_OF = {"Dell-ISG": "Dell-ISG-AI", "HPE-Server": "HPE-Server-AI"}
# the AI backlog chart's legend: what each AI series covers (HPE's runs past its Server segment)
AI_LEGEND = {   # business -> (backlog series, backlog / revenue series)
    "Dell-ISG": ("Dell ISG (segment): AI backlog ($M)",
                 "Dell ISG: AI backlog / quarterly ISG revenue (x, right axis)"),
    "HPE-Server": ("HPE AI systems (Server; in Cloud & AI from FY2026): AI backlog ($M; FY2026 ~)",
                   "HPE AI systems: AI backlog / quarterly HPE Server revenue (x, right axis; FY2026 ~)")}
# Gross margin: only Supermicro reports one (Dell ISG, HPE's segments and Lenovo ISG give none)
GM_OF = {"Supermicro": "smci_gm"}
# the latest block's column beside the businesses: Lenovo's CSP business, an analyst's estimate ('e')
CSP_CODE, CSP_NAME = "Lenovo-ISG-CSP", "Lenovo CSP (est.)"
CSP_LATEST = {"r_quarter": None, "r_fiscal": None, "r_revenue": "Lenovo-ISG-CSP.revenue",
              "r_margin": "lenovo_csp_om"}       # latest-block row -> the timeline row it shows (None: a label)
NO_GM = "none reported"          # what the Comparison says where a business gives no gross margin
NO_AI = "not disclosed"          # ... and where it gives no AI revenue


def fiscal_row(c: Company) -> str:
    """Code of the Inputs row giving the company's fiscal quarter in each calendar column
    (one per company: HPE's two businesses share HPE's)."""
    return f"fiscal_{BY_COMPANY[c.company].slug}"


SEGMENT_ROW = "segment_hpe"      # Inputs: the HPE segment that reports server revenue, per quarter


def segment_of(fiscal_year: int) -> str:
    """HPE's segment that reports server revenue in a fiscal year (RECAST)."""
    _, first, before, after = RECAST
    return after if fiscal_year >= first else before


# --- scalars (Assumptions, column E) ------------------------------------------------
SCALARS = (
    Scalar("index_base", "Base quarter of the revenue index (calendar quarter)", "text", None,
           "Default: the first quarter with every indexed business's revenue. It may be a trough: the chart's "
           "axis is logarithmic."),
    Scalar("index_value", "Index value of the base quarter (index)", "index", 100.0,
           "Each company's revenue in the base quarter = this value.", valid=(1.0, 10000.0)),
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


def _ttm(key: str) -> str:
    """This quarter and the three before it, summed; blank unless all four are given."""
    refs = [k(key)] + [k(f"{key}@-{lag}") for lag in (1, 2, 3)]
    return given(refs, "+".join(refs))


def _op_formula(c: Company) -> str:
    op, rev, m = (k(f"{c.code}.{x}") for x in ("operating_profit", "revenue", "operating_margin_pct"))
    has_op = f"{c.code}.operating_profit" in INPUT_KEYS
    if f"{c.code}.operating_margin_pct" in INPUT_KEYS:     # revenue x the margin given
        from_margin = given([rev, m], f"{rev}*{m}")
        return f'IF({op}="",{from_margin},{op})' if has_op else from_margin
    return given([op], op)


def _op_label(c: Company) -> str:
    if f"{c.code}.operating_margin_pct" in INPUT_KEYS:
        if f"{c.code}.operating_profit" in INPUT_KEYS:
            return f"{c.name} operating profit: reported, else revenue x the margin given ($M)"
        return f"{c.name} operating profit: revenue x the margin given ($M)"
    return f"{c.name} operating profit, as given ($M)"


def _yoy(c: Company) -> str:
    growth = _growth(f"{c.code}.revenue")
    if c.code != "HPE-Server":
        return growth
    g = k("HPE-Server.revenue_yoy_pct")       # HPE's own figure, else computed unless across the recast
    return f'IF({g}<>"",{g},IF({k("hpe_recast")}=1,"",{k("hpe_yoy_calc")}))'


def _yoy_label(c: Company) -> str:
    if c.code == "HPE-Server":
        return ("HPE Server revenue growth, year on year: HPE's figure where given, else computed; "
                "never computed across the change of segment (%)")
    return f"{c.name} revenue growth, year on year (4 calendar quarters earlier) (%)"


def _index(c: Company) -> str:
    rev = k(f"{c.code}.revenue")
    at_base = f"MATCH({{$index_base}},{PERIOD_NAME},0)"
    base = f"INDEX({{={c.code}.revenue}},1,{at_base})"
    index = given([rev, base], f"{rev}/{base}*{{$index_value}}", also=[f"{base}=0"])
    if c.company == RECAST[0] and c.code == "HPE-Server":     # none across the change of segment
        return f'IF({k(SEGMENT_ROW)}<>INDEX({{={SEGMENT_ROW}}},1,{at_base}),"",{index})'
    return index


def _company_rows(c: Company) -> list[CalcRow]:
    s, code = c.slug, c.code
    rows = [
        CalcRow(f"{s}_op", _op_label(c), "$M", _op_formula(c), section=f"{c.name} ({c.business})"),
        CalcRow(f"{s}_om", f"{c.name} operating margin: operating profit / revenue (%)", "%",
                _ratio(f"{s}_op", f"{code}.revenue"), f"{c.names_prefix}_OperatingMargin"),
        CalcRow(f"{s}_yoy", _yoy_label(c), "%", _yoy(c)),
    ]
    if c.indexed:
        rows.append(CalcRow(f"{s}_index", f"{c.name} revenue indexed to the base quarter"
                            + (", none across the change of segment" if c.code == "HPE-Server" else "")
                            + " (index)", "index", _index(c)))
    return rows + [
        CalcRow(f"{s}_both", f"{c.name}: position of a quarter with both growth and margin, else blank (count)",
                "count", given([k(f"{s}_yoy"), k(f"{s}_om")], k("t_pos"))),
        CalcRow(f"{s}_rev_pos", f"{c.name}: position of a quarter with revenue, else blank (count)",
                "count", given([k(f"{code}.revenue")], k("t_pos"))),
    ]


def _ai_rows(c: Company) -> list[CalcRow]:
    s, code, ai = c.slug, c.code, AI_OF[c.code]
    return [
        CalcRow(f"{s}_ai_backlog_x", f"{c.name} AI backlog / quarterly {c.name} revenue (x)", "x",
                _ratio(f"{ai}.backlog", f"{code}.revenue")),
        CalcRow(f"{s}_ai_share", f"{c.name} AI revenue share of revenue (%)", "%",
                _ratio(f"{ai}.revenue", f"{code}.revenue")),
        CalcRow(f"{s}_ai_backlog_aix", f"{c.name} AI backlog / quarterly AI revenue (quarters of AI revenue) (x)",
                "x", _ratio(f"{ai}.backlog", f"{ai}.revenue")),
        CalcRow(f"{s}_ai_book_to_bill",
                f"{c.name} AI orders / AI {'shipments' if c.company == 'Dell' else 'revenue'} "
                "(book to bill) (x)", "x",
                _ratio(f"{ai}.orders", f"{ai}.shipments" if c.company == "Dell" else f"{ai}.revenue")),
    ]


def calc_rows() -> tuple[CalcRow, ...]:
    """Release 0.3.0's rows in its order (a refresh of its workbooks finds them where they
    were), then the rows added with the v3 data, below them."""
    rows: list[CalcRow] = [CalcRow("t_pos", "Position on the timeline: 1 = the first calendar quarter (count)",
                                   "count", "COLUMNS({t_first}:{t_here})", section="Timeline")]
    for c in COMPANIES:
        if c.code == "HPE-Cloud-AI":
            continue
        rows += _company_rows(c)
        if c.company == "Dell":
            rows += [
                CalcRow("dell_split_diff", "Dell servers and networking + storage less ISG revenue ($M)", "$M",
                        given([k("Dell-ISG-SN.revenue"), k("Dell-ISG-Storage.revenue"), k("Dell-ISG.revenue")],
                              "{Dell-ISG-SN.revenue}+{Dell-ISG-Storage.revenue}-{Dell-ISG.revenue}")),
                CalcRow("dell_sn_share", "Dell servers and networking share of ISG revenue (%)", "%",
                        _ratio("Dell-ISG-SN.revenue", "Dell-ISG.revenue")),
            ]
        if c.code == "HPE-Server":
            rows.append(CalcRow(
                "hpe_margin_diff", "HPE margin as given less operating profit / revenue, where all three are given (%)",
                "%", given([k("HPE-Server.operating_margin_pct"), k("HPE-Server.operating_profit"),
                            k("HPE-Server.revenue")],
                           "{HPE-Server.operating_margin_pct}-{HPE-Server.operating_profit}/{HPE-Server.revenue}",
                           also=["{HPE-Server.revenue}=0"])))
        if c.company == "Supermicro":
            gm = k("Supermicro.gross_margin_pct")
            rows.append(CalcRow("smci_gm", "Supermicro gross margin: gross profit / revenue, else the margin given (%)",
                                "%", f'IF({k("Supermicro.gross_profit")}="",{given([gm], gm)},'
                                     f'{_ratio("Supermicro.gross_profit", "Supermicro.revenue")})'))
        if c.code in AI_OF:
            rows += _ai_rows(c)
    # --- added with the v3 data, below every earlier row ---
    seg = k(SEGMENT_ROW)
    rows += [
        CalcRow("hpe_recast", "HPE: server revenue in another segment four quarters earlier, 1 = yes (flag)",
                "count", given([seg, k(f"{SEGMENT_ROW}@-4")], f"IF({seg}<>{k(f'{SEGMENT_ROW}@-4')},1,0)"),
                section="HPE's change of segment (fiscal 2026): Server revenue within Cloud & AI"),
        # its own row: a formula looking four quarters back is blank in the first four, and HPE's
        # given growth must show there too
        CalcRow("hpe_yoy_calc", "HPE Server revenue growth, computed: revenue / revenue four quarters earlier - 1 (%)",
                "%", _growth("HPE-Server.revenue")),
        CalcRow("hpe_server_in_ca", "HPE Server revenue / Cloud & AI segment revenue (%)", "%",
                _ratio("HPE-Server.revenue", "HPE-Cloud-AI.revenue")),
    ]
    rows += _company_rows(BY_CODE["HPE-Cloud-AI"])
    for n, c in enumerate(COMPANIES):
        s, code = c.slug, c.code
        rows += [
            CalcRow(f"{s}_rev_ttm", f"{c.name} revenue, trailing four quarters, blank unless all four given ($M)",
                    "$M", _ttm(f"{code}.revenue"),
                    section="" if n else "Trailing four quarters, and the quarters with an operating margin"),
            CalcRow(f"{s}_op_ttm", f"{c.name} operating profit, trailing four quarters ($M)", "$M", _ttm(f"{s}_op")),
            CalcRow(f"{s}_om_ttm", f"{c.name} operating margin, trailing four quarters (%)", "%",
                    _ratio(f"{s}_op_ttm", f"{s}_rev_ttm")),
            CalcRow(f"{s}_om_pos", f"{c.name}: position of a quarter with operating margin, else blank (count)",
                    "count", given([k(f"{s}_om")], k("t_pos"))),
        ]
    gm = k("Supermicro.gross_margin_pct")
    rows += [
        CalcRow("smci_gm_diff", "Supermicro gross margin as given less gross profit / revenue, where all three "
                "are given (%)", "%", given([gm, k("Supermicro.gross_profit"), k("Supermicro.revenue")],
                                            f"{gm}-{{Supermicro.gross_profit}}/{{Supermicro.revenue}}",
                                            also=["{Supermicro.revenue}=0"]),
                section="Gross margin, and Lenovo's CSP revenue estimate beside Supermicro"),
        CalcRow("lenovo_csp", "Lenovo CSP revenue, analyst estimate (The Next Platform's method) ($M)", "$M",
                given([k("Lenovo-ISG-CSP.revenue")], k("Lenovo-ISG-CSP.revenue"))),
        CalcRow("lenovo_csp_share", "Lenovo CSP revenue (estimate) / ISG revenue (%)", "%",
                _ratio("Lenovo-ISG-CSP.revenue", "Lenovo-ISG.revenue")),
        CalcRow("lenovo_csp_om", "Lenovo CSP operating margin, analyst estimate: CSP operating profit / CSP "
                "revenue (%)", "%", _ratio("Lenovo-ISG-CSP.operating_profit", "Lenovo-ISG-CSP.revenue")),
        CalcRow("lenovo_csp_pos", "Lenovo CSP: position of a quarter with an estimated revenue, else blank (count)",
                "count", given([k("Lenovo-ISG-CSP.revenue")], k("t_pos"))),
    ]
    rows.append(CalcRow("all_both", "All charted businesses have growth and margin: position, else blank (count)",
                        "count",
                        given([k(f"{c.slug}_both") for c in SCATTERED], k("t_pos")),
                        section="The growth-against-margin chart's quarter"))
    return tuple(rows)


CALC_ROWS = calc_rows()
CALC_KEYS = {r.key: r for r in CALC_ROWS}
# A calculated row that shows an input where it is given (else a computed figure): its
# marker is that input's alone where it is given (model.peers.marks)
SHOWS_GIVEN = {"hpe_yoy": "HPE-Server.revenue_yoy_pct", "hpe_op": "HPE-Server.operating_profit",
               "smci_gm": "Supermicro.gross_profit"}


# --- the Comparison sheet ------------------------------------------------------------
# Latest quarter of each business (one column each): row code, label, unit. The latest
# quarter with revenue ('last reported': how recent each company's figures are), its latest
# with an operating margin, and its latest with both growth and margin (the growth-against-
# margin chart's point, which may be older).
LATEST_ROWS = (
    ("r_pos", "Last reported (latest with revenue): position (count)", "count"),
    ("r_quarter", "Last reported: calendar quarter (text)", "text"),
    ("r_fiscal", "... the company's own fiscal quarter (text)", "text"),
    ("r_revenue", "... revenue ($M)", "$M"),
    ("r_growth", "... revenue growth, year on year (%)", "%"),
    ("r_margin", "... operating margin, blank where not yet reported (%)", "%"),
    ("r_gm", "... gross margin, where the business reports one (%)", "%"),
    ("r_ai_share", "... AI revenue share of revenue (%)", "%"),
    ("r_rev_ttm", "... revenue, trailing four quarters ($M)", "$M"),
    ("m_pos", "Latest quarter with operating margin: position (count)", "count"),
    ("m_quarter", "Latest quarter with operating margin (text)", "text"),
    ("m_om_ttm", "... operating margin, trailing four quarters (%)", "%"),
    ("m_stale", "Latest margin older than the last reported revenue, 1 = yes (flag)", "count"),
    ("l_pos", "Charted quarter (latest all charted have both): position (count)", "count"),
    ("l_quarter", "Charted quarter, growth against margin, one for all (text)", "text"),
    ("l_fiscal", "... the company's own fiscal quarter (text)", "text"),
    ("l_revenue", "... revenue ($M)", "$M"),
    ("l_growth", "... revenue growth, year on year (%)", "%"),
    ("l_margin", "... operating margin (%)", "%"),
)
LATEST_CODES = {code: (label, unit) for code, label, unit in LATEST_ROWS}
COMPARISON_QUARTERS = 13    # quarters the Comparison shows: three years and the quarter a year before them
# Timeline blocks: (section, row code prefix, calc row suffix, unit, words)
COMPARISON_BLOCKS = (
    ("Revenue ($M)", "c_rev", ".revenue", "$M", "revenue ($M)"),
    ("Revenue, trailing four quarters ($M)", "c_ttm", "rev_ttm", "$M", "revenue, trailing four quarters ($M)"),
    ("Operating margin (%)", "c_om", "om", "%", "operating margin (%)"),
    ("Operating margin, trailing four quarters (%)", "c_omt", "om_ttm", "%",
     "operating margin, trailing four quarters (%)"),
    ("Gross margin (%): only Supermicro reports one", "c_gm", "gm", "%", "gross margin (%)"),
    ("Revenue indexed to the base quarter (index)", "c_index", "index", "index", "revenue, indexed (index)"),
    ("Revenue growth, year on year (%)", "c_yoy", "yoy", "%", "revenue growth (%)"),
    ("AI revenue share of revenue (%)", "c_aish", "ai_share", "%", "AI revenue share (%)"),
    ("AI backlog against quarterly revenue (x): over the segment's revenue (Dell ISG, HPE Server), over AI "
     "revenue, and AI book to bill", "c_ai", "ai_backlog_x", "x", "AI backlog / segment revenue (x)"),
)
# Rows placed right after a business's row in a block: (block prefix, business code) -> rows
COMPARISON_EXTRA = {
    ("c_rev", "Supermicro"): (("c_rev_lenovo_csp", "Lenovo CSP revenue, estimate ($M)", "$M", "lenovo_csp"),),
    ("c_om", "Supermicro"): (("c_om_lenovo_csp", "Lenovo CSP operating margin, estimate (%)", "%",
                              "lenovo_csp_om"),),
    ("c_ai", "Dell-ISG"): (("c_bx_dell", "Dell ISG AI backlog / quarterly AI server revenue (x)", "x",
                            "dell_ai_backlog_aix"),
                           ("c_btb_dell", "Dell ISG AI orders / AI shipments, book to bill (x)", "x",
                            "dell_ai_book_to_bill")),
    ("c_ai", "HPE-Server"): (("c_bx_hpe", "HPE AI systems backlog / quarterly AI systems revenue (x)", "x",
                              "hpe_ai_backlog_aix"),
                             ("c_btb_hpe", "HPE AI systems orders / AI revenue, book to bill (x)", "x",
                              "hpe_ai_book_to_bill")),
    ("c_aish", "HPE-Server"): (("c_hpe_in_ca", "HPE Server revenue / Cloud & AI revenue (%)", "%",
                                "hpe_server_in_ca"),),
}


def comparison_rows() -> list[tuple[str, str, str, str, str]]:
    """(section, code, label, unit, calc key) of the Comparison sheet's timeline rows."""
    out = []
    for section, prefix, suffix, unit, words in COMPARISON_BLOCKS:
        for c in COMPANIES:
            key = f"{c.code}{suffix}" if suffix.startswith(".") else f"{c.slug}_{suffix}"
            if key in CALC_KEYS or key in INPUT_KEYS:
                out.append((section, f"{prefix}_{c.slug}", f"{c.name} {words}", unit, key))
            for code, label, unit_, key_ in COMPARISON_EXTRA.get((prefix, c.code), ()):
                out.append((section, code, label, unit_, key_))
    return out


COMPARISON_ROWS = comparison_rows()

# Chart-feed rows (Chart data): a row where it has a value, else #N/A (a gap, not a zero)
_FEEDS = tuple((f"f_{code[2:]}", f"{label}, #N/A where missing", unit, key)
               for _, code, label, unit, key in COMPARISON_ROWS
               if code.startswith(("c_om_", "c_index_", "c_ai_"))) + tuple(
    (f"f_ai_backlog_{c.slug}", f"{c.name} AI backlog ($M), #N/A where missing", "$M", f"{AI_OF[c.code]}.backlog")
    for c in COMPANIES if c.code in AI_OF)
FEEDS_ADDED = ("f_om_hpeca", "f_om_lenovo_csp")       # below release 0.3.0's feed rows
FEED_ROWS = tuple(f for f in _FEEDS if f[0] not in FEEDS_ADDED) + tuple(f for f in _FEEDS if f[0] in FEEDS_ADDED)
# The scatter's points (Chart data, one column per company): growth (x) and margin (y), #N/A when none
SCATTER_ROWS = (("sx_growth", "Latest revenue growth, #N/A when none (%)", "%", "l_growth"),
                ("sx_margin", "Latest operating margin, #N/A when none (%)", "%", "l_margin"),
                ("sx_name", "The point's label: company, basis and quarter (text)", "text", "l_quarter"))
# ... and beside them, hollow: each business at its own latest quarter (the latest with revenue); its
# four-quarter margin (to its latest margin quarter) where that quarter has no margin, said in the label
SCATTER_LATEST_ROWS = (("sy_growth", "Latest quarter's revenue growth, #N/A when none (%)", "%"),
                       ("sy_margin", "Latest quarter's operating margin, else the four-quarter margin to the latest "
                                     "margin quarter, #N/A when none (%)", "%"),
                       ("sy_name", "The hollow point's label: company, its latest quarter, and where the margin "
                                   "is four quarters' (text)", "text"))
TTM_WORDS = "; margin: 4 qtrs to "


def latest_point_name(legend: str, quarter, margin_quarter, ttm: bool) -> str:
    """The hollow point's label (the formula on Chart data says the same)."""
    if not isinstance(quarter, str) or not quarter:
        return f"{legend} latest"
    return f"{legend} latest ({quarter}" + (f"{TTM_WORDS}{margin_quarter}" if ttm else "") + ")"


INDEX_TITLE = "index_title"     # Chart data: the revenue index chart's title, with the base quarter


def index_title(base, value) -> str:
    """The revenue index chart's title (the formula on Chart data says the same)."""
    v = float(value) if isinstance(value, (int, float)) else value
    return f"Revenue indexed to {base or ''} = {v:g} (base quarter on Assumptions; log scale)" if isinstance(
        v, float) else f"Revenue indexed to {base or ''} = {v} (base quarter on Assumptions; log scale)"
# Printed under the Comparison: what is and is not like for like
COMPARABILITY = (
    "Like for like? Dell ISG, HPE's segments and Lenovo ISG are segments: their operating profit is before "
    "corporate costs",
    "(and, at Dell and HPE, before stock-based compensation); Supermicro is the whole company (GAAP operating "
    "income). Dell ISG and Lenovo ISG include storage; HPE Server does not.",
    "HPE stopped reporting Server as a segment in fiscal 2026: its server revenue since sits in the Cloud & AI "
    "segment (shown apart),",
    "with no server operating profit; HPE Server growth across the change is HPE's own figure, never computed, "
    "and its index stops there (2025 Q3).",
    "Supermicro's latest gross margin (fiscal 2026 Q4, 17.5% against 9.9% a quarter before) is as its release "
    "gives it; the data's quote gives no cause (mix, one-off or",
    "restatement): verify against the 10-K text before using it. The full year's gross profit supports about "
    "17.4% for the quarter.",
    "Gross margin: only Supermicro reports one; Dell ISG, HPE's segments and Lenovo ISG give none. Lenovo's "
    "CSP revenue and margin are",
    "an analyst's estimate (The Next Platform), shown beside Supermicro, the CSP server maker. Blank = not "
    "disclosed or not yet in the data.",
    "Markers as on Inputs: ~ rests on an approximate figure, d on a derived one, e on an estimate, ≥ on a lower "
    "bound (italic).",
    "Calendar quarters: each company's fiscal quarter sits in the calendar quarter of its middle month; "
    "Dell's and HPE's quarters end a month",
    "(Dell: up to five weeks) after the calendar quarter's.",
)


# --- checks -------------------------------------------------------------------------
def _err_count(sheet: str) -> str:
    return f"SUMPRODUCT(IFERROR(({{!{sheet}}}={{!{sheet}}})*0,1))"   # errors: 1 each, portable (engines.md)


def _any(parts) -> str:
    return "IF(OR(" + ",".join(parts) + "),1,0)"


MARGIN_ROWS = tuple(f"{c.slug}_om" for c in COMPANIES) + (
    "smci_gm", "lenovo_csp_om", "HPE-Server.operating_margin_pct", "HPE-Cloud-AI.operating_margin_pct", "Supermicro.gross_margin_pct")


def _checks() -> tuple[Check, ...]:
    op_in_rev = [given([k(f"{c.slug}_op"), k(f"{c.code}.revenue")],
                       f"{k(f'{c.slug}_op')}>{k(f'{c.code}.revenue')}", blank="0") for c in COMPANIES]
    bounds = [given([k(m)], f"ABS({k(m)})>{{$margin_bound}}", blank="0") for m in MARGIN_ROWS]
    ai_in = [given([k(f"{ai}.revenue"), k(f"{code}.revenue")],
                   f"{k(f'{ai}.revenue')}>{k(f'{code}.revenue')}", blank="0")
             for code, ai in AI_OF.items()]
    base_revenue = ",".join(f'INDEX({{={c.code}.revenue}},1,MATCH({{$index_base}},{PERIOD_NAME},0))=""'
                            for c in INDEXED)
    lags = "+".join(f"IF(MAX({{={c.slug}_rev_pos}})>MAX({{={c.slug}_om_pos}}),1,0)" for c in COMPANIES)
    return (
        Check("revenue_sign", "No negative revenue (any revenue row)",
              _any(f"{k(key)}<0" for key in REVENUE_KEYS)),
        Check("op_in_revenue", "Operating profit not above revenue (each business)", _any(op_in_rev)),
        Check("margin_bounds", "Operating and gross margins within the plausible bound", _any(bounds)),
        Check("dell_split", "Dell servers and networking + storage = ISG revenue (within rounding)",
              given([k("dell_split_diff")], "IF(ABS({dell_split_diff})>{$rounding_tolerance},1,0)", blank="0")),
        Check("hpe_margin", "HPE margin as given agrees with operating profit / revenue (within tolerance)",
              given([k("hpe_margin_diff")], "IF(ABS({hpe_margin_diff})>{$margin_tolerance},1,0)", blank="0")),
        Check("ai_in_revenue", "AI revenue not above the server business's revenue", _any(ai_in)),
        Check("hpe_in_cloud_ai", "HPE Server revenue not above the Cloud & AI segment's that holds it",
              given([k("HPE-Server.revenue"), k("HPE-Cloud-AI.revenue")],
                    "IF({HPE-Server.revenue}>{HPE-Cloud-AI.revenue},1,0)", blank="0")),
        Check("recast_growth", "No HPE Server growth computed across the change of segment (only HPE's own figure)",
              given([k("hpe_recast")],
                    'IF(AND({hpe_recast}=1,{hpe_yoy}<>"",{HPE-Server.revenue_yoy_pct}=""),1,0)', blank="0")),
        Check("smci_gm_given", "Supermicro gross margin as given agrees with gross profit / revenue (within tolerance)",
              given([k("smci_gm_diff")], "IF(ABS({smci_gm_diff})>{$margin_tolerance},1,0)", blank="0")),
        Check("errors_inputs", "No error values on Inputs", _err_count(INPUTS), per_period=False, array=True),
        Check("errors_assumptions", "No error values on Assumptions", _err_count(ASSUMPTIONS), per_period=False, array=True),
        Check("errors_calcs", "No error values on Calculations", _err_count(CALCS), per_period=False, array=True),
        Check("errors_comparison", "No error values on Comparison", _err_count(COMPARISON), per_period=False, array=True),
        Check("text_in_inputs", "No text or other non-number in a numeric input (figures, assumption values)",
              "COUNTA({#figures})-COUNT({#figures})+" + "+".join(
                  f"COUNTA({{${s.key}}})-COUNT({{${s.key}}})" for s in SCALARS if s.unit != "text"),
              per_period=False),
        Check("index_base_ok", "WARNING (not counted): index base quarter lacks a company's revenue",
              f"IF(ISNA(MATCH({{$index_base}},{PERIOD_NAME},0)),1,IF(OR({base_revenue}),1,0))",
              per_period=False, warning=True),
        Check("margin_lags", "WARNING (not counted): businesses whose latest margin is older than their revenue",
              lags, per_period=False, warning=True),
    )


CHECKS_LIST = _checks()
CHECK_KEYS = {c.key: c for c in CHECKS_LIST}
CHECKS_ADDED = ("hpe_in_cloud_ai", "recast_growth", "smci_gm_given", "margin_lags")   # below 0.3.0's


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
    Chart(CHART_MARGINS, "Operating margin by business and calendar quarter (%)", "Operating margin (%)", "0%",
          tuple(Series(f"f_om_{c.slug}", c.legend, "line", colour=col) for c, col in zip(COMPANIES, COLOURS))
          + (Series("f_om_lenovo_csp", "Lenovo CSP (analyst estimate, The Next Platform) e", "line",
                    colour="#F4B183"),),
          x_title="Calendar quarter (each fiscal quarter in the calendar quarter of its middle month)"),
    Chart(CHART_INDEX, "Revenue indexed to the base quarter on Assumptions (base = 100)",
          "Revenue index (base quarter = 100, logarithmic scale)", "0",
          tuple(Series(f"f_index_{c.slug}", c.legend, "line", colour=col)
                for c, col in zip(COMPANIES, COLOURS) if c.indexed),
          x_title="Calendar quarter. HPE Server's line stops at 2025 Q3: from fiscal 2026 HPE reports Server "
                  "inside Cloud & AI (segment recast)"),
    Chart(CHART_SCATTER, "Revenue growth year on year against operating margin: circles, all at one calendar "
          "quarter (the latest in which every charted business has both); hollow diamonds, each at its own latest quarter",
          "Operating margin (%)", "0%", (),
          x_title="Revenue growth, year on year (%). HPE Cloud & AI not charted: a segment from fiscal 2026 "
                  "has no growth before fiscal 2027", x_format="0%"),
    Chart(CHART_AI, "AI backlog ($M, columns) and AI backlog / quarterly revenue (x, lines)",
          "AI backlog ($M)", WHOLE_M,
          tuple(Series(f"f_ai_backlog_{c.slug}", AI_LEGEND[c.code][0]) for c in COMPANIES if c.code in AI_OF)
          + tuple(Series(f"f_ai_{c.slug}", AI_LEGEND[c.code][1], "line", True)
                  for c in COMPANIES if c.code in AI_OF),
          "AI backlog / quarterly revenue (x)", '0.0"x"', x_title="Calendar quarter"),
)
