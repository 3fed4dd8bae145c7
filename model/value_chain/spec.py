"""Where the AI-server profit goes: the value-chain model, declared once.

Nine businesses in four layers of the AI-server chain, on the calendar-quarter timeline
of the peers workbook (each fiscal quarter in the calendar quarter of its middle month):

    accelerators   NVIDIA (whole company), AMD Data Center
    foundry        TSMC
    memory         Micron, SK hynix (margin only: it reports in won)
    server makers  Dell ISG, HPE (Server segment; from fiscal 2026 Cloud & AI), Supermicro, Lenovo ISG

and "per $1 of AI rack": Low / Base / High slices from analysts' statements
(data/unit_economics.csv), each slice naming its statements.

Every input row, calculated row (a formula template, see model.layout.Layout.render),
check, chart, public name and scalar is listed here; the layout puts them on sheets,
the reader and the reference find them by the same keys. No cell address is typed here.
Row keys of figures are ``<entity code>.<metric>``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.spec import CalcRow, Chart, Check, Scalar, Series, given, k


# --- sheets -------------------------------------------------------------------
COVER, MEETING, INPUTS, ASSUMPTIONS, CALCS, CHECKS, CHART_DATA, SOURCES, QUOTES = (
    "Cover", "Meeting", "Inputs", "Assumptions", "Calculations", "Checks", "Chart data", "Sources", "Quotes")
WORKSHEETS = (COVER, MEETING, INPUTS, ASSUMPTIONS, CALCS, CHECKS, CHART_DATA, SOURCES, QUOTES)
TIMELINE_SHEETS = (INPUTS, CALCS, CHECKS, CHART_DATA)
PERIOD_NAME = "CalendarQuarters"
PERIOD_REGEX = r"^\d{4} Q[1-4]$"
FIRST_QUARTER = (2023, 1)       # the timeline starts here (figures before it are not shown)

# --- companies and their fiscal calendars ----------------------------------------
# month the fiscal year ends, and how the year is named ('end': FY2026 ends in 2026;
# 'start': Lenovo's FY2025/26 starts in 2025). Dell, HPE, Supermicro and Lenovo: model.calendar.
FISCAL_YEAR_END = {
    "NVIDIA": (1, "end"),        # the last Sunday of January
    "TSMC": (12, "end"),
    "AMD": (12, "end"),          # the last Saturday of December
    "Micron": (8, "end"),        # the Thursday nearest 31 August
    "SK hynix": (12, "end"),
    "Broadcom": (10, "end"),     # the Sunday nearest 31 October
}
VALUE_CHAIN_COMPANIES = tuple(FISCAL_YEAR_END)
PEER_COMPANIES = ("Dell", "HPE", "Supermicro", "Lenovo")
CODE_PREFIX = {"SK hynix": "SKhynix"}


def entity_code(company: str, entity: str) -> str:
    """'NVIDIA', 'Data-Center' -> 'NVIDIA-Data-Center'; Supermicro's 'Group' -> 'Supermicro'
    (as in the peers workbook); 'SK hynix' -> 'SKhynix-Group'."""
    if (company, entity) == ("Supermicro", "Group"):
        return "Supermicro"
    return f"{CODE_PREFIX.get(company, company)}-{entity}"


METRICS = {  # metric -> (words, data unit)
    "revenue": ("revenue", "usd_m"),
    "operating_profit": ("operating profit", "usd_m"),
    "gross_profit": ("gross profit", "usd_m"),
    "gross_margin_pct": ("gross margin as given", "pct"),
    "gross_margin_pct_nongaap": ("non-GAAP gross margin as given", "pct"),
    "operating_margin_pct": ("operating margin as given", "pct"),
    "revenue_share_pct": ("share as given", "pct"),
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
        return f"{self.company}: {self.words} ({self.unit})"


def _rows(company, entity, *pairs):
    return tuple(InputRow(company, entity, m, w) for m, w in pairs)


INPUT_ROWS = (
    _rows("NVIDIA", "Group", ("revenue", "revenue, whole company"),
          ("gross_profit", "gross profit, whole company"),
          ("gross_margin_pct", "gross margin (GAAP) as given"),
          ("gross_margin_pct_nongaap", "gross margin (non-GAAP) as given"),
          ("operating_profit", "operating profit (GAAP), whole company"),
          ("operating_margin_pct", "operating margin as given"))
    + _rows("NVIDIA", "Data-Center", ("revenue", "Data Center revenue"),
            ("revenue_share_pct", "Data Center share of revenue as given"))
    + _rows("NVIDIA", "Data-Center-Hyperscale", ("revenue", "Data Center revenue from hyperscalers"))
    + _rows("NVIDIA", "Data-Center-ACIE", ("revenue", "Data Center revenue, AI clouds, industrial, enterprise"))
    + _rows("AMD", "Data-Center", ("revenue", "Data Center segment revenue"),
            ("operating_profit", "Data Center segment operating profit"),
            ("operating_margin_pct", "Data Center operating margin as given (where the profit is not)"))
    + _rows("Broadcom", "AI-Semiconductor", ("revenue", "AI semiconductor revenue (custom accelerators, networking)"))
    + _rows("TSMC", "Group", ("revenue", "revenue (US$)"), ("gross_margin_pct", "gross margin as given"),
            ("operating_margin_pct", "operating margin as given"))
    + _rows("TSMC", "HPC", ("revenue_share_pct", "HPC (high-performance computing) share of revenue"))
    + _rows("Micron", "Group", ("revenue", "revenue, whole company"), ("gross_margin_pct", "gross margin as given"),
            ("operating_profit", "operating profit"), ("operating_margin_pct", "operating margin as given"))
    + _rows("Micron", "Cloud-Memory-BU", ("revenue", "Cloud Memory unit revenue"),
            ("gross_margin_pct", "Cloud Memory unit gross margin"),
            ("operating_margin_pct", "Cloud Memory unit operating margin"))
    + _rows("Micron", "Core-Data-Center-BU", ("revenue", "Core Data Center unit revenue"),
            ("operating_margin_pct", "Core Data Center unit operating margin"))
    + _rows("SK hynix", "Group", ("operating_margin_pct", "operating margin as given (it reports in won)"))
    + _rows("Dell", "ISG", ("revenue", "ISG revenue"), ("operating_profit", "ISG operating profit"))
    + _rows("HPE", "Server", ("revenue", "Server segment revenue"),
            ("operating_profit", "Server segment operating profit"),
            ("operating_margin_pct", "Server operating margin as given (where the profit is not)"))
    + _rows("HPE", "Cloud-AI", ("revenue", "Cloud & AI segment revenue (holds Server from fiscal 2026)"),
            ("operating_margin_pct", "Cloud & AI segment operating margin as given"))
    + _rows("Supermicro", "Group", ("revenue", "revenue, whole company"), ("gross_profit", "gross profit"),
            ("gross_margin_pct", "gross margin as given (where the profit is not)"),
            ("operating_profit", "operating profit"))
    + _rows("Lenovo", "ISG", ("revenue", "ISG revenue"), ("operating_profit", "ISG operating profit"))
    + _rows("Lenovo", "ISG-CSP", ("revenue", "CSP (cloud service provider) revenue within ISG, an estimate"),
            ("operating_profit", "CSP operating profit, The Next Platform's estimate"))
)
INPUT_KEYS = {r.key: r for r in INPUT_ROWS}
ALLOWED = {(r.company, r.entity, r.metric) for r in INPUT_ROWS}
REVENUE_KEYS = tuple(r.key for r in INPUT_ROWS if r.metric == "revenue")
INPUT_COMPANIES = tuple(dict.fromkeys(r.company for r in INPUT_ROWS))
COMPANY_NOTE = {
    "NVIDIA": "the whole company: NVIDIA publishes no Data Center operating profit (Data Center is about "
              "90% of its revenue)",
    "AMD": "the Data Center segment (EPYC CPUs and Instinct accelerators)",
    "Broadcom": "AI semiconductors only: revenue, no profit; not in the profit pool",
    "TSMC": "the whole company; HPC (AI and server chips among it) is its largest platform",
    "Micron": "the whole company; its cloud and data-center units below",
    "SK hynix": "the whole company; it reports in won, so only its margin is here: not in the profit pool",
    "Dell": "Infrastructure Solutions Group (servers and networking, storage)",
    "HPE": "Server segment to fiscal 2025; from fiscal 2026 Server sits in the Cloud & AI segment",
    "Supermicro": "the whole company (servers and storage)",
    "Lenovo": "Infrastructure Solutions Group, from data/lenovo_quarterly.csv",
}


# --- members of the chain and layers ------------------------------------------------
@dataclass(frozen=True)
class Member:
    slug: str             # prefix of its calculated rows
    name: str             # shown
    company: str          # data company (its fiscal row on Inputs)
    layer: str            # layer key
    revenue: str          # revenue input key ('' for a member given as a margin only)
    scope: str


MEMBERS = (
    Member("nvda", "NVIDIA", "NVIDIA", "acc", "NVIDIA-Group.revenue", "whole company"),
    Member("amd", "AMD Data Center", "AMD", "acc", "AMD-Data-Center.revenue", "segment"),
    Member("tsmc", "TSMC", "TSMC", "fab", "TSMC-Group.revenue", "whole company"),
    Member("mu", "Micron", "Micron", "mem", "Micron-Group.revenue", "whole company"),
    Member("skh", "SK hynix", "SK hynix", "mem", "", "whole company, margin only"),
    Member("dell", "Dell ISG", "Dell", "oem", "Dell-ISG.revenue", "segment"),
    Member("hpe", "HPE Server / Cloud & AI", "HPE", "oem", "", "segment"),
    Member("smci", "Supermicro", "Supermicro", "oem", "Supermicro.revenue", "whole company"),
    Member("lenovo", "Lenovo ISG", "Lenovo", "oem", "Lenovo-ISG.revenue", "segment"),
    Member("lcsp", "Lenovo CSP business", "Lenovo", "oem", "Lenovo-ISG-CSP.revenue", "estimate, inside ISG"),
)
BY_SLUG = {m.slug: m for m in MEMBERS}
LAYERS = (("acc", "Accelerators"), ("fab", "Foundry"), ("mem", "Memory"), ("oem", "Server makers"))
LAYER_NAME = dict(LAYERS)
# members whose operating profit is in dollars (the pool); SK hynix gives a margin only
# (Lenovo's CSP business is inside Lenovo ISG: shown beside it, never added again)
POOL_MEMBERS = tuple(m for m in MEMBERS if m.slug not in ("skh", "lcsp"))
LAYER_MEMBERS = {lk: tuple(m.slug for m in POOL_MEMBERS if m.layer == lk) for lk, _ in LAYERS}
WITH_ONE_OFFS = ("nvda", "amd")
# rows giving each shown business's last revenue quarter (beside its margin quarter on the Meeting)
REV_POS = {m.slug: ((m.slug,) if m.slug != "hpe" else ("hpes", "hpec")) for m in MEMBERS if m.slug != "skh"}
SHOWN_WORDS = {"hpes": "HPE Server", "hpec": "HPE Cloud & AI"}
SET_WORD = {"dell": "Dell", "hpe": "HPE", "smci": "Supermicro", "lenovo": "Lenovo"}
CONSTANT_SET = ("dell", "lenovo")           # both figures in every quarter from 2023, one segment throughout
CONSTANT_WORDS = "Dell ISG + Lenovo ISG"
WITH_GROSS = ("nvda", "tsmc", "mu", "smci")
COLOURS = {"nvda": "#76B900", "amd": "#C00000", "tsmc": "#7F7F7F", "mu": "#1F4E79", "skh": "#F4B183",
           "dell": "#2E75B6", "hpe": "#00A3A1", "hpes": "#00A3A1", "hpec": "#005F5E", "smci": "#7030A0", "lenovo": "#7F6000", "lcsp": "#BF9000",
           "oem": "#000000"}
CS_COLOUR = "#E7298A"        # the like-for-like server line: no other series' colour family (TSMC is grey)
LAYER_COLOURS = {"acc": "#76B900", "fab": "#7F7F7F", "mem": "#1F4E79", "oem": "#C55A11"}


def fiscal_row(company: str) -> str:
    """Code of the Inputs row giving the company's fiscal quarter in each calendar column."""
    return f"fiscal_{CODE_PREFIX.get(company, company)}"


# --- the per-$1 split: slices and the statements each rests on ----------------------------
@dataclass(frozen=True)
class Statement:
    key: str              # scalar key on Assumptions
    slice: str            # 'acc', 'mem', 'oem' or 'context'
    text: str             # the statement, exactly as in unit_economics.csv
    short: str            # how the meeting page names it


STATEMENTS = (
    Statement("ue_acc_gb_hi_cost", "acc",
              "Grace Blackwell NVL72: GPUs' share of rack cost, using the high rack cost (2.5 / 4.0)",
              "GB200 GPUs / rack at $4.0M"),
    Statement("ue_acc_gb_lo_cost", "acc",
              "Grace Blackwell NVL72: GPUs' share of rack cost, using the low rack cost (2.5 / 3.5)",
              "GB200 GPUs / rack at $3.5M"),
    # not a rack statement (GPU content over a data centre's IT content per gigawatt): shown for comparison,
    # kept out of the accelerator's rack range
    Statement("ue_acc_per_gw", "context",
              "AI data center per GW: NVIDIA GPU content as share of IT content (22 / 34)",
              "NVIDIA GPU content / IT content per GW"),
    Statement("ue_mem_gb_lo", "mem", "Grace Blackwell NVL72: memory share of rack BOM, low end",
              "GB200 memory / rack BOM, low"),
    Statement("ue_mem_gb_hi", "mem", "Grace Blackwell NVL72: memory share of rack BOM, high end",
              "GB200 memory / rack BOM, high"),
    Statement("ue_oem_odm", "oem",
              "ODM (Quanta, Foxconn) margin for building AI racks (analyst view, 'three points')",
              "ODM rack margin"),
    Statement("ue_oem_dell_lo", "oem", "Dell AI-server business operating margin, low end (analyst view)",
              "Dell AI servers, low"),
    Statement("ue_oem_dell_hi", "oem", "Dell AI-server business operating margin, high end (analyst view)",
              "Dell AI servers, high"),
    Statement("ue_ctx_vr_gpu", "context",
              "Vera Rubin NVL72: GPUs' share of rack cost (72 x $55,000 = $3.96M / $7,803,148)",
              "Vera Rubin NVL72 rack: GPUs' share"),
    Statement("ue_ctx_vr_cpu", "context",
              "Vera Rubin NVL72: GPU + CPU silicon share of rack cost ($4.3M / $7.8M)",
              "Vera Rubin rack: GPU + CPU share"),
    Statement("ue_ctx_vr_mem", "context",
              "Vera Rubin NVL72: memory share of rack cost (2,001,600 / 7,803,148)",
              "Vera Rubin NVL72 rack: memory share"),
    Statement("ue_ctx_lenovo_csp", "context",
              "Lenovo CSP operating margin, FY2025/26 Q1 (-305 / 2,410)",
              "Lenovo CSP operating margin (loss case)"),
)
STATEMENT_KEYS = {s.key: s for s in STATEMENTS}
SLICES = (("acc", "NVIDIA GPUs (GPU line; HBM and TSMC's margin inside)"),
          ("mem", "of which memory (HBM + LPDDR5X): inside GPUs, Other"),
          ("other", "Other: NVIDIA CPUs, NVLink, NICs; cooling, power, chassis"),
          ("oem", "Server maker's operating margin (its costs sit in Other)"))
# the slices that add to $1 (memory is inside the GPU slice, HBM, and Other, LPDDR5X: shown, not stacked)
IN_STACK = ("acc", "other", "oem")
SCENARIOS = ("Low", "Base", "High")
SCENARIO_RULE = {"Low": "MIN", "Base": "MEDIAN", "High": "MAX"}
OVERLAP = ("Overlap: TSMC's and the HBM makers' margins sit inside the GPUs' price (NVIDIA's cost of goods), "
           "so slices are what the buyer pays each supplier, not who keeps the profit. Memory (the source's "
           "'aggregate memory cost share', HBM + LPDDR5X) is inside the GPU slice (HBM) and Other (LPDDR5X): shown "
           "as 'of which', not added, so nothing is counted twice. Other is the rest of $1 and holds NVIDIA's Grace "
           "CPUs, NVLink switches and NICs: no GB200 statement prices them; for Vera Rubin the CPUs add the "
           "points the Meeting shows (GPU + CPU share less GPU share). Low / Base / High: each slice at its own lowest / median / highest "
           "statement, per-slice ranges, not scenarios. The maker's slice is a margin. The per-GW statement is not "
           "a rack statement: for comparison only.")

# --- scalars (Assumptions, column E) ------------------------------------------------
ONE_OFFS = (  # key, member, words, default quarter, default $M, why
    ("oo_nvda_h20", "nvda", "NVIDIA H20 excess-inventory and purchase-obligation charge", "2025 Q1", 4500.0,
     "NVIDIA fiscal 2026 Q1 (Feb-Apr 2025) includes a US$4.5bn H20 charge (data file source note); a "
     "charge in cost of revenue: it lowers gross and operating profit."),
    ("oo_amd_mi308", "amd", "AMD MI308 export-control inventory and related charges", "2025 Q2", 800.0,
     "AMD 2025 Q2 Data Center operating loss includes about US$800m of MI308 charges (source note; approx)."),
    ("oo_amd_release", "amd", "AMD MI308 inventory-reserve release (a gain, negative charge)", "2025 Q4", -360.0,
     "AMD 2025 Q4 Data Center operating income includes a US$360m MI308 reserve release (source note)."),
)


# each one-off item's label at its quarter on the margin charts ({:.1f}: the amount in US$bn)
ONE_OFF_LABEL = {"oo_nvda_h20": "H20 charge ${:.1f}bn", "oo_amd_mi308": "MI308 charges ${:.1f}bn",
                 "oo_amd_release": "reserve release ${:.2f}bn"}


def _scalars() -> tuple[Scalar, ...]:
    out = [Scalar("one_offs", "Operating profit and margins: with or without the one-off items (text)", "text",
                  "with", "with = as reported; without = the one-off items below added back (charges) or "
                  "taken out (releases). Micron's fiscal 2023 inventory write-downs are in its figures "
                  "either way: the data do not give their amount.", ("with", "without"))]
    for key, _, words, q, amount, why in ONE_OFFS:
        out += [Scalar(f"{key}_q", f"{words}: calendar quarter (text)", "text", q,
                       "A calendar quarter on the timeline (Inputs shows the company's fiscal quarter)."),
                Scalar(key, f"{words}: amount in reported operating profit ($M)", "$M", amount, why,
                       valid=(-100000.0, 100000.0))]
    out += [
        Scalar("margin_bound", "Largest plausible absolute operating or gross margin (%)", "%", 1.0,
               "Margins beyond +/- this fail the bounds check (Micron's 2026 gross margin is 87%).",
               valid=(0.0, 1.0)),
        Scalar("pct_point", "One percentage point, the unit a change in margin is shown in (%)", "%", 0.01,
               "A margin change (latest less first) divided by this reads in points: 0.365 -> 36.5 pts.",
               valid=(0.01, 0.01)),
        Scalar("margin_tolerance", "Tolerance between a given margin and profit / revenue (%)", "%", 0.005,
               "A margin given to 0.1 point agrees with profit / revenue within this.", valid=(0.0, 0.1)),
    ]
    for s in STATEMENTS:
        out.append(Scalar(s.key, f"{s.text} (%)", "%", None,
                          "from data/unit_economics.csv (an analyst's estimate unless the Quotes sheet says "
                          "otherwise)", valid=(-1.0, 1.0)))
    return tuple(out)


SCALARS = _scalars()
SCALAR_KEYS = {s.key: s for s in SCALARS}
QUARTER_SCALARS = tuple(f"{key}_q" for key, *_ in ONE_OFFS)


# --- calculated rows (Calculations): model.spec.CalcRow ------------------------------
def _ratio(num: str, den: str) -> str:
    return given([k(num), k(den)], f"{k(num)}/{k(den)}", also=[f"{k(den)}=0"])


def _growth(key: str, lag: int = 4) -> str:
    prior = k(f"{key}@-{lag}")
    return given([k(key), prior], f"{k(key)}/{prior}-1", also=[f"{prior}=0"])


def _reported_else(op: str, rev: str, margin: str) -> str:
    """Operating profit as reported, else revenue x the margin given (both needed)."""
    return f'IF({k(op)}="",{given([k(rev), k(margin)], f"{k(rev)}*{k(margin)}")},{k(op)})'


def _one_off(key: str) -> str:
    return (f'IF(OR({{${key}}}="",{{${key}_q}}=""),0,IF({{t_here}}={{${key}_q}},{{${key}}},0))')


def _member_rows(m: Member) -> list[CalcRow]:
    s = m.slug
    sec = f"{m.name} ({LAYER_NAME[m.layer].lower()}): " + (
        "an estimate of the cloud-service-provider business inside Lenovo ISG (The Next Platform's method): "
        "shown, not added to the pool again" if s == "lcsp" else COMPANY_NOTE[m.company])
    rows: list[CalcRow] = []
    if s == "skh":
        rows += [
            CalcRow("skh_om", "SK hynix operating margin, as given (%)", "%",
                    given([k("SKhynix-Group.operating_margin_pct")], k("SKhynix-Group.operating_margin_pct")),
                    section=sec),
        ]
    else:
        if s == "hpe":
            rows += [
                CalcRow("hpe_srv_op", "HPE Server operating profit: reported, else revenue x the margin given ($M)",
                        "$M", _reported_else("HPE-Server.operating_profit", "HPE-Server.revenue",
                                             "HPE-Server.operating_margin_pct"), section=sec),
                CalcRow("hpe_ca_op", "HPE Cloud & AI operating profit: revenue x the margin given ($M)", "$M",
                        given([k("HPE-Cloud-AI.revenue"), k("HPE-Cloud-AI.operating_margin_pct")],
                              "{HPE-Cloud-AI.revenue}*{HPE-Cloud-AI.operating_margin_pct}")),
                CalcRow("hpe_rev", "HPE revenue: Server, else Cloud & AI where only it has a profit ($M)", "$M",
                        'IF({hpe_srv_op}="",IF({hpe_ca_op}="",'
                        + given([k("HPE-Server.revenue")], k("HPE-Server.revenue"))
                        + ',{HPE-Cloud-AI.revenue}),'
                        + given([k("HPE-Server.revenue")], k("HPE-Server.revenue")) + ')'),
                CalcRow("hpe_op", "HPE operating profit: Server, else Cloud & AI ($M)", "$M",
                        'IF({hpe_srv_op}="",{hpe_ca_op},{hpe_srv_op})'),
                CalcRow("hpes_rev", "HPE Server segment revenue, to fiscal 2025 ($M)", "$M",
                        given([k("HPE-Server.revenue")], k("HPE-Server.revenue"))),
                CalcRow("hpes_op", "HPE Server segment operating profit ($M)", "$M", "{hpe_srv_op}"),
                CalcRow("hpes_om", "HPE Server segment operating margin (%)", "%", _ratio("hpes_op", "hpes_rev")),
                CalcRow("hpes_pos", "HPE Server: position of a quarter with an operating margin, else blank (count)",
                        "count", given([k("hpes_om")], k("t_pos"))),
                CalcRow("hpec_rev", "HPE Cloud & AI segment revenue, from fiscal 2026 ($M)", "$M",
                        given([k("HPE-Cloud-AI.revenue")], k("HPE-Cloud-AI.revenue"))),
                CalcRow("hpec_op", "HPE Cloud & AI segment operating profit ($M)", "$M", "{hpe_ca_op}"),
                CalcRow("hpec_om", "HPE Cloud & AI segment operating margin (%)", "%", _ratio("hpec_op", "hpec_rev")),
                CalcRow("hpec_pos", "HPE Cloud & AI: position of a quarter with an operating margin, else blank "
                                    "(count)", "count", given([k("hpec_om")], k("t_pos"))),
            ]
        else:
            rows.append(CalcRow(f"{s}_rev", f"{m.name} revenue ($M)", "$M", given([k(m.revenue)], k(m.revenue)),
                                section=sec))
            code = m.revenue.split(".")[0]
            if s == "tsmc":
                op = given([k(m.revenue), k(f"{code}.operating_margin_pct")],
                           f"{k(m.revenue)}*{k(code + '.operating_margin_pct')}")
                op_label = "TSMC operating profit: revenue x the operating margin given ($M)"
            elif s in ("nvda", "amd", "mu"):
                op = _reported_else(f"{code}.operating_profit", m.revenue, f"{code}.operating_margin_pct")
                op_label = f"{m.name} operating profit as reported, else revenue x the margin given ($M)"
            else:
                op = given([k(f"{code}.operating_profit")], k(f"{code}.operating_profit"))
                op_label = f"{m.name} operating profit as reported ($M)"
            if s in WITH_ONE_OFFS:
                items = [key for key, mem, *_ in ONE_OFFS if mem == s]
                rows += [
                    CalcRow(f"{s}_op_rep", op_label, "$M", op),
                    CalcRow(f"{s}_oneoff", f"{m.name} one-off items in reported operating profit (Assumptions) ($M)",
                            "$M", "+".join(_one_off(key) for key in items)),
                    CalcRow(f"{s}_op", f"{m.name} operating profit used: with or without one-off items, as chosen "
                                       "on Assumptions ($M)", "$M",
                            given([k(f"{s}_op_rep")],
                                  f'{k(f"{s}_op_rep")}+IF({{$one_offs}}="without",{k(f"{s}_oneoff")},0)')),
                ]
            else:
                rows.append(CalcRow(f"{s}_op", op_label, "$M", op))
        name = {"nvda": "NVIDIA_OperatingMargin", "amd": "AMD_DataCenter_OperatingMargin",
                "mu": "Micron_OperatingMargin"}.get(s)
        rows.append(CalcRow(f"{s}_om", f"{m.name} operating margin: operating profit / revenue (%)", "%",
                            _ratio(f"{s}_op", f"{s}_rev"), name))
        if s == "nvda":
            rows.append(CalcRow("nvda_gm", "NVIDIA gross margin (GAAP; without the H20 charge if so chosen) (%)", "%",
                                given([k("NVIDIA-Group.gross_margin_pct")],
                                      '{NVIDIA-Group.gross_margin_pct}+IF(AND({$one_offs}="without",{nvda_rev}<>""),'
                                      'IF({nvda_rev}=0,0,{nvda_oneoff}/{nvda_rev}),0)')))
        elif s == "tsmc":
            rows.append(CalcRow("tsmc_gm", "TSMC gross margin, as given (%)", "%",
                                given([k("TSMC-Group.gross_margin_pct")], k("TSMC-Group.gross_margin_pct")),
                                "TSMC_GrossMargin"))
        elif s == "mu":
            rows.append(CalcRow("mu_gm", "Micron gross margin, as given (%)", "%",
                                given([k("Micron-Group.gross_margin_pct")], k("Micron-Group.gross_margin_pct"))))
        elif s == "smci":
            rows.append(CalcRow("smci_gm", "Supermicro gross margin: gross profit / revenue, else as given (%)", "%",
                                'IF(' + _ratio("Supermicro.gross_profit", "Supermicro.revenue") + '="",'
                                + given([k("Supermicro.gross_margin_pct")], k("Supermicro.gross_margin_pct"))
                                + ',' + _ratio("Supermicro.gross_profit", "Supermicro.revenue") + ')'))
        growth = {"nvda": "NVIDIA-Data-Center.revenue", "hpe": "HPE-Server.revenue"}.get(s, m.revenue)
        words = {"nvda": "NVIDIA Data Center revenue growth", "hpe": "HPE Server revenue growth (none across "
                 "the fiscal 2026 recast into Cloud & AI)"}.get(s, f"{m.name} revenue growth")
        rows.append(CalcRow(f"{s}_yoy", f"{words}, year on year (4 calendar quarters earlier) (%)", "%",
                            _growth(growth)))
    rows.append(CalcRow(f"{s}_pos", f"{m.name}: position of a quarter with an operating margin, else blank (count)",
                        "count", given([k(f"{s}_om")], k("t_pos"))))
    for x in REV_POS.get(s, ()):
        rows.append(CalcRow(f"{x}_rpos", f"{SHOWN_WORDS.get(x, m.name)}: position of a quarter with revenue, "
                                         "else blank (count)", "count", given([k(f"{x}_rev")], k("t_pos"))))
    return rows


def _all_given(keys) -> str:
    return "AND(" + ",".join(f'{k(x)}<>""' for x in keys) + ")"


def calc_rows() -> tuple[CalcRow, ...]:
    rows: list[CalcRow] = [CalcRow("t_pos", "Position on the timeline: 1 = the first calendar quarter (count)",
                                   "count", "COLUMNS({t_first}:{t_here})", section="Timeline")]
    for m in MEMBERS:
        rows += _member_rows(m)
    ops = {m.slug: f"{m.slug}_op" for m in POOL_MEMBERS}
    first = True
    for lk, lname in LAYERS:
        keys = [ops[s] for s in LAYER_MEMBERS[lk]]
        cnt = "COUNT(" + ",".join(k(x) for x in keys) + ")"
        rows += [
            CalcRow(f"{lk}_op", f"{lname}: operating profit of the companies that reported it ($M)", "$M",
                    f'IF({cnt}=0,"",SUM({",".join(k(x) for x in keys)}))',
                    section="The chain's operating profit pool: whole-company or segment operating profit, not "
                            "AI-only (NVIDIA reports no Data Center operating profit; SK hynix gives no dollar "
                            "profit: not in it)"
                    if first else ""),
            CalcRow(f"{lk}_n", f"{lname}: companies with an operating profit (count)", "count", cnt),
        ]
        first = False
    layer_ops = ",".join(k(f"{lk}_op") for lk, _ in LAYERS)
    rows += [
        CalcRow("pool_complete", "Complete quarter: every company of the pool gave an operating profit (1 = yes) "
                                 "(count)", "count", f"IF({_all_given(ops.values())},1,0)"),
        CalcRow("pool_n", "Companies in the pool this quarter: those that reported an operating profit (count)",
                "count", "COUNT(" + ",".join(k(x) for x in ops.values()) + ")"),
        CalcRow("pool_op", "Operating profit pool of the companies that reported this quarter ($M)", "$M",
                f'IF({{pool_n}}=0,"",SUM({layer_ops}))'),
        CalcRow("pool_layers", "Every layer has at least one company in the pool (1 = yes) (count)", "count",
                f"IF({_all_given(f'{lk}_op' for lk, _ in LAYERS)},1,0)"),
    ]
    for lk, lname in LAYERS:
        rows.append(CalcRow(f"{lk}_share", f"{lname}: share of the pool of the companies that reported (%)", "%",
                            _ratio(f"{lk}_op", "pool_op")))
    for lk, lname in LAYERS:
        rows.append(CalcRow(f"{lk}_pool", f"{lname}: operating profit where every layer is in the pool ($M)", "$M",
                            'IF({pool_layers}=1,' + k(f"{lk}_op") + ',"")'))
    rows.append(CalcRow("pool_pos", "Position of a quarter with every layer in the pool, else blank (count)",
                        "count", 'IF({pool_layers}=1,{t_pos},"")'))
    rows.append(CalcRow("pool_label", "The pool chart's mark under an incomplete bar: companies in the pool / all "
                                      "(blank where complete or not charted) (text)", "text",
                        'IF(AND({pool_layers}=1,{pool_complete}=0),{pool_n}&"/"&({pool_n}+'
                        + "+".join(f'IF({k(x)}="",1,0)' for x in ops.values()) + '),"")'))
    for m in POOL_MEMBERS:
        rows.append(CalcRow(f"{m.slug}_psh", f"{m.name}: share of the pool of the companies that reported (%)",
                            "%", _ratio(f"{m.slug}_op", "pool_op")))
        rows.append(CalcRow(f"{m.slug}_pspos", f"{m.name}: position of a quarter it is in the pool, else blank "
                                               "(count)", "count", given([k(f"{m.slug}_psh")], k("t_pos"))))
    in_pool = {m.slug: f'IF(OR({k(m.slug + "_op")}="",{k(m.slug + "_rev")}=""),0,{k(m.slug + "_rev")})'
               for m in POOL_MEMBERS}
    rows += [
        CalcRow("pool_rev", "Revenue of the companies in the pool this quarter (those with an operating profit "
                            "and revenue; revenues overlap: suppliers' revenue is in the makers' costs) ($M)", "$M",
                'IF({pool_n}=0,"",' + "+".join(in_pool.values()) + ")",
                section="Share of revenue against share of profit (revenues overlap: NVIDIA's revenue is in the "
                        "server makers' cost of goods, so the revenue shares are of a sum, not of a market)"),
        CalcRow("oem_prev", "Server makers in the pool: their revenue ($M)", "$M",
                'IF({pool_n}=0,"",' + "+".join(in_pool[s_] for s_ in LAYER_MEMBERS["oem"]) + ")"),
        CalcRow("oem_rsh", "Server makers: share of the pooled companies' revenue (%)", "%",
                _ratio("oem_prev", "pool_rev")),
    ]
    oem = LAYER_MEMBERS["oem"]
    both_op = "+".join(f'IF(OR({k(s + "_op")}="",{k(s + "_rev")}=""),0,{k(s + "_op")})' for s in oem)
    both_rev = "+".join(f'IF(OR({k(s + "_op")}="",{k(s + "_rev")}=""),0,{k(s + "_rev")})' for s in oem)
    rows += [
        CalcRow("oem_both_op", "Server makers with both revenue and operating profit: their operating profit ($M)",
                "$M", both_op, section="Server makers together (revenue-weighted)"),
        CalcRow("oem_both_rev", "... their revenue ($M)", "$M", both_rev),
        CalcRow("oem_nb", "... how many they are (count)", "count",
                "+".join(f'IF(OR({k(s + "_op")}="",{k(s + "_rev")}=""),0,1)' for s in oem)),
        CalcRow("oem_set", "... which they are (text)", "text",
                "TRIM(" + "&".join(
                    f'IF(OR({k(s + "_op")}="",{k(s + "_rev")}=""),"",'
                    + f'"{SET_WORD[s]} "'
                    + ")" for s in oem) + ")"),
        CalcRow("oem_om", "Server makers' operating margin, revenue-weighted over those reporting that quarter "
                          "(the set changes: see the two rows above) (%)", "%",
                'IF({oem_both_rev}=0,"",{oem_both_op}/{oem_both_rev})', "ServerMakers_OperatingMargin"),
        CalcRow("oem_pos", "Server makers: position of a quarter with a weighted margin, else blank (count)",
                "count", given([k("oem_om")], k("t_pos"))),
        CalcRow("oemcs_op", f"{CONSTANT_WORDS}: operating profit, where all of them reported ($M)", "$M",
                given([k(f"{s}_{x}") for s in CONSTANT_SET for x in ("op", "rev")],
                      "+".join(k(f"{s}_op") for s in CONSTANT_SET)),
                section=f"Server makers on a constant set: {CONSTANT_WORDS}, the makers that report both "
                        "figures in every quarter from 2023 on one segment (HPE changed segment; Supermicro's "
                        "newest operating profit is older)"),
        CalcRow("oemcs_rev", f"{CONSTANT_WORDS}: revenue, where all of them reported ($M)", "$M",
                given([k("oemcs_op")], "+".join(k(f"{s}_rev") for s in CONSTANT_SET))),
        CalcRow("oemcs_om", f"{CONSTANT_WORDS}: operating margin, revenue-weighted (%)", "%",
                _ratio("oemcs_op", "oemcs_rev")),
        CalcRow("oemcs_pos", "Constant set: position of a quarter with a weighted margin, else blank (count)",
                "count", given([k("oemcs_om")], k("t_pos"))),
    ]
    return tuple(rows)


CALC_ROWS = calc_rows()
CALC_KEYS = {r.key: r for r in CALC_ROWS}
MARGIN_ROWS = tuple(f"{m.slug}_om" for m in MEMBERS) + tuple(f"{s}_gm" for s in WITH_GROSS)
# given margin against profit / revenue, where both are given: (margin key, profit key, revenue key)
MARGIN_PAIRS = (
    ("NVIDIA-Group.operating_margin_pct", "NVIDIA-Group.operating_profit", "NVIDIA-Group.revenue"),
    ("Micron-Group.operating_margin_pct", "Micron-Group.operating_profit", "Micron-Group.revenue"),
    ("HPE-Server.operating_margin_pct", "HPE-Server.operating_profit", "HPE-Server.revenue"),
    ("AMD-Data-Center.operating_margin_pct", "AMD-Data-Center.operating_profit", "AMD-Data-Center.revenue"),
)

# --- the per-$1 block (Calculations, below the timeline; columns Low, Base, High) ----------


def slice_formula(slice_key: str, scenario: str) -> str:
    """A slice's value in a scenario: MIN / MEDIAN / MAX of its statements; other components
    = 1 - the GPUs - the maker's margin (memory is inside those two: not subtracted)."""
    if slice_key == "other":
        return "1-" + "-".join(f"{{rack:{s}}}" for s in IN_STACK if s != "other")
    keys = [s.key for s in STATEMENTS if s.slice == slice_key]
    return f"{SCENARIO_RULE[scenario]}(" + ",".join(f"{{${x}}}" for x in keys) + ")"


# --- the Meeting sheet ---------------------------------------------------------------------
# Latest quarter each company reported (one row per company): field code, header, unit
LATEST_FIELDS = (   # headers fit one line: LibreOffice does not grow a row for wrapped text
    ("q", "Latest", "text"),
    ("fiscal", "Fiscal qtr", "text"),
    ("rev", "Rev. $M", "$M"),
    ("gm", "Gross %", "%"),
    ("om", "Op. mgn %", "%"),
    ("op", "Op. $M", "$M"),
    ("rq", "Last rev.", "text"),
    ("stale", "Older?", "text"),
    ("q0", "First", "text"),
    ("om0", "Op. mgn %", "%"),
    ("d", "Change, pts", "pts"),
)
POOL_CAVEAT = (
    "Out = no operating profit for that quarter yet (its share when last in beside it). Not an AI-only pool: "
    "whole-company or segment profit (all of NVIDIA, TSMC, Micron; Dell ISG with storage). NVIDIA gives no Data "
    "Center operating profit; TSMC's HPC share and Micron's data-center units are on Inputs, with no segment "
    "profit to use. SK hynix gives only a margin (won): left out, not guessed.")
COV_COL = 5           # the who-is-in block starts this many columns right of the first value column
COV_NAME = {"hpe": "HPE", "amd": "AMD DC"}
POOL_FIELDS = (("op0", "First: $M", "$M"), ("sh0", "share %", "%"),
               ("op1", "Latest: $M", "$M"), ("sh1", "share %", "%"))
# the Meeting's caveats, short enough for its left half (the chart sits to their right); the long forms
# are on Calculations and the chart sheets
MEETING_CAVEAT = (
    "Out = no operating profit for that quarter yet (its share when last in beside it). Not an AI-only pool: "
    "whole-company or segment profit (all of NVIDIA, TSMC, Micron; Dell ISG with storage); NVIDIA gives no Data "
    "Center profit. SK hynix gives only a margin (won): left out, not guessed.",
    "Which way the gaps bias the shares: memory's share is a floor (SK hynix, at a higher margin, and Samsung are "
    "out); server makers are four OEMs, not the ODMs (Quanta, Foxconn, Wiwynn) that build most hyperscale racks; "
    "whole companies lift NVIDIA, TSMC and Micron above their AI-only profit.")
MEETING_NOTES = (
    "Overlap: TSMC's and the HBM makers' margins sit inside the GPUs' price, so slices are what the buyer pays "
    "each supplier, not who keeps the profit. Memory (HBM + LPDDR5X) sits inside the GPUs and Other: 'of which', "
    "not added. Other holds NVIDIA's Grace CPUs, NVLink switches and NICs (no GB200 statement prices them; Vera "
    "Rubin's CPUs add the points below). The maker's slice is a margin. "
    "Low / Base / High: each slice at its own lowest / median / highest statement (Assumptions), not scenarios.",
    "Whole companies: NVIDIA, TSMC, Micron, Supermicro; segments: AMD DC, Dell ISG, HPE, Lenovo ISG. HPE: "
    "Server to FY2025, then Cloud & AI (holds Server): two rows, no change across the recast.",
    "The average over the makers reporting changes its set (named under Fiscal qtr): no change shown; the "
    "like-for-like row (Dell ISG + Lenovo ISG) has one.",
    "One-offs: NVIDIA 2025 Q1 US$4.5bn H20 charge; AMD DC 2025 Q2 ~US$800m MI308 charges, 2025 Q4 US$360m "
    "release (Assumptions can take these out; labelled on the charts). * Micron 2023: inventory write-downs "
    "(amount not given), so its change since 2023 includes them.",
)
# per-$1 rows on the Meeting: the statements each slice rests on, in a few words
RACK_RESTS = {"acc": "GB200 GPUs / rack", "mem": "GB200 memory / BOM", "other": "1 - GPUs - margin",
              "oem": "ODM; Dell AI servers"}
NOTES = (
    "Like for like? NVIDIA, TSMC, Micron and Supermicro are whole companies; AMD Data Center, Dell ISG, HPE and "
    "Lenovo ISG are segments (before corporate costs). HPE: Server to fiscal 2025, then Cloud & AI (which holds "
    "Server): two rows, no change across the recast.",
    "Server makers: the average over those reporting changes its set (the Fiscal qtr column names it), so it shows "
    "no change; the like-for-like row (Dell ISG + Lenovo ISG, both in every quarter) does.",
    "One-off items in the margins: NVIDIA 2025 Q1 holds its US$4.5bn H20 charge, AMD Data Center 2025 Q2 about "
    "US$800m of MI308 charges and 2025 Q4 a US$360m release, Micron 2023 its inventory write-downs (amount not "
    "given). Assumptions takes the first three out ('without').",
)


# One row per business on the Meeting page (HPE as two businesses: no change across its recast), then
# the server makers together: (slug, name, fiscal-calendar company or None, layer, dollar figures?)
@dataclass(frozen=True)
class Shown:
    slug: str
    name: str
    company: str | None
    layer: str
    dollars: bool = True


SHOWN_NAME = {"mu": "Micron (whole company; 2023 holds write-downs) *"}     # * the one-off note below
SHOWN = tuple(
    (Shown("hpes", "HPE Server (segment, to fiscal 2025)", "HPE", "oem"),
     Shown("hpec", "HPE Cloud & AI (segment from fiscal 2026; holds Server)", "HPE", "oem"))
    if m.slug == "hpe" else (Shown(m.slug, SHOWN_NAME.get(m.slug, f"{m.name} ({m.scope})"), m.company, m.layer,
                                   m.slug != "skh"),)
    for m in MEMBERS)
SHOWN = tuple(x for group in SHOWN for x in group) + (
    Shown("oem", "Server makers, revenue-weighted, those reporting (set changes)", None, "oem"),
    Shown("oemcs", f"Server makers like for like: {CONSTANT_WORDS} (same two)", None, "oem"))


# --- checks -------------------------------------------------------------------------
def _err_count(sheet: str) -> str:
    return f"SUMPRODUCT(IFERROR(({{!{sheet}}}={{!{sheet}}})*0,1))"   # errors: 1 each, portable (engines.md)


def _any(parts) -> str:
    return "IF(OR(" + ",".join(parts) + "),1,0)"


def _checks() -> tuple[Check, ...]:
    op_in_rev = [given([k(f"{m.slug}_op"), k(f"{m.slug}_rev")],
                       f"{k(f'{m.slug}_op')}>{k(f'{m.slug}_rev')}", blank="0") for m in POOL_MEMBERS]
    bounds = [given([k(x)], f"ABS({k(x)})>{{$margin_bound}}", blank="0") for x in MARGIN_ROWS]
    agree = [given([k(mg), k(op), k(rev)], f"ABS({k(mg)}-{k(op)}/{k(rev)})>{{$margin_tolerance}}",
                   blank="0", also=[f"{k(rev)}=0"]) for mg, op, rev in MARGIN_PAIRS]
    order = ",".join(f"{{rack:{s}:Low}}>{{rack:{s}:Base}},{{rack:{s}:Base}}>{{rack:{s}:High}}"
                     for s in ("acc", "mem", "oem"))
    rest = ",".join(f"{{rack:other:{sc}}}<0" for sc in SCENARIOS)
    quarters = ",".join(f'ISNA(MATCH({{${q}}},{PERIOD_NAME},0))' for q in QUARTER_SCALARS)
    return (
        Check("revenue_sign", "No negative revenue (any revenue row)",
              _any(f"{k(key)}<0" for key in REVENUE_KEYS)),
        Check("op_in_revenue", "Operating profit not above revenue (each company)", _any(op_in_rev)),
        Check("margin_bounds", "Operating and gross margins within the plausible bound", _any(bounds)),
        Check("margin_agrees", "A margin given agrees with operating profit / revenue where both are given "
                               "(within tolerance)", _any(agree)),
        Check("rack_order", "Per $1 of rack: each slice's Low <= Base <= High",
              f"IF(OR({order}),1,0)", per_period=False),
        Check("rack_rest", "Per $1 of rack: the named slices leave a non-negative rest (other components)",
              f"IF(OR({rest}),1,0)", per_period=False),
        Check("one_off_quarters", "Each one-off item's quarter is on the timeline",
              f"IF(OR({quarters}),1,0)", per_period=False),
        Check("errors_inputs", "No error values on Inputs", _err_count(INPUTS), per_period=False, array=True),
        Check("errors_assumptions", "No error values on Assumptions", _err_count(ASSUMPTIONS), per_period=False, array=True),
        Check("errors_calcs", "No error values on Calculations", _err_count(CALCS), per_period=False, array=True),
        Check("errors_meeting", "No error values on Meeting", _err_count(MEETING), per_period=False, array=True),
        Check("text_in_inputs", "No text or other non-number in a numeric input (figures, assumption values)",
              "COUNTA({#figures})-COUNT({#figures})+" + "+".join(
                  f"COUNTA({{${s.key}}})-COUNT({{${s.key}}})" for s in SCALARS if s.unit != "text"),
              per_period=False),
        Check("latest_incomplete", "WARNING (not counted): the latest quarter is not complete (a pool company "
                                   "has not reported its operating profit yet)",
              "IF(INDEX({=pool_complete},1,COLUMNS({=pool_complete}))=1,0,1)", per_period=False, warning=True),
    )


CHECKS_LIST = _checks()
CHECK_KEYS = {c.key: c for c in CHECKS_LIST}


# --- public names ----------------------------------------------------------------------
def defined_names() -> dict[str, str]:
    """Public row names -> row key (CalendarQuarters and the two rack cells are added by the layout)."""
    names = {"NVIDIA_DataCenter_Revenue": "NVIDIA-Data-Center.revenue"}
    names.update({r.name: r.key for r in CALC_ROWS if r.name})
    return names


CELL_NAMES = {"Rack_ServerMaker_Share_Base": ("oem", "Base"), "Rack_Accelerator_Share_Base": ("acc", "Base")}

# --- chart feeds and charts ---------------------------------------------------------------
SUPPLIERS = ("nvda", "amd", "tsmc", "mu", "skh")
SERVER_MAKERS = ("dell", "hpes", "hpec", "smci", "lenovo", "lcsp")
SHOWN_BY = {x.slug: x for x in SHOWN}
OEM_ALL_WORDS = "Server makers, revenue-weighted over those reporting (2-4 companies; which: Calculations)"
OEM_CS_WORDS = f"Server makers like for like: {CONSTANT_WORDS}, revenue-weighted"
FEED_ROWS = (tuple((f"f_om_{s}", f"{SHOWN_BY[s].name.removesuffix(' *')} operating margin, #N/A where missing (%)", "%", f"{s}_om")
                   for s in SUPPLIERS + SERVER_MAKERS)
             + (("f_om_oem", f"{OEM_ALL_WORDS}, #N/A where missing (%)", "%", "oem_om"),
                ("f_om_oemcs", f"{OEM_CS_WORDS}, #N/A where missing (%)", "%", "oemcs_om"))
             + tuple((f"f_pool_{lk}", f"{ln}: operating profit of the companies that reported, where every layer "
                      "is in the pool, #N/A elsewhere ($M)", "$M",
                      f"{lk}_pool") for lk, ln in LAYERS))
WHOLE_M = '#,##0_);(#,##0)'
CHART_MARGINS, CHART_OEM, CHART_POOL, CHART_RACK = (
    "Chart Margins", "Chart Server makers", "Chart Profit pool", "Chart Per dollar")
# the Meeting's own chart (embedded beside its per-$1 block): how the margins moved since 2023
MEETING_CHART = Chart(
    MEETING, "Operating margin by calendar quarter (%)", "Operating margin (%)", "0%",
    tuple(Series(f"f_om_{s}", w, "line", colour=COLOURS[s]) for s, w in (
        ("nvda", "NVIDIA"), ("amd", "AMD Data Center"), ("tsmc", "TSMC"), ("mu", "Micron"), ("skh", "SK hynix")))
    + (Series("f_om_oemcs", f"Server makers ({CONSTANT_WORDS})", "line", colour=COLOURS["oem"]),),
    x_title="Calendar quarter")
CHARTS = (
    Chart(CHART_MARGINS, "Operating margin by calendar quarter: suppliers against the server makers (%)",
          "Operating margin (%)", "0%",
          tuple(Series(f"f_om_{s}", SHOWN_BY[s].name.removesuffix(" *"), "line", colour=COLOURS[s]) for s in SUPPLIERS)
          + (Series("f_om_oem", OEM_ALL_WORDS, "line", colour=COLOURS["oem"]),
             Series("f_om_oemcs", OEM_CS_WORDS, "line", colour=CS_COLOUR)),
          x_title="Calendar quarter"),
    Chart(CHART_OEM, "Server makers' operating margin by calendar quarter (%)", "Operating margin (%)", "0%",
          tuple(Series(f"f_om_{s}", SHOWN_BY[s].name.removesuffix(" *"), "line", colour=COLOURS[s]) for s in SERVER_MAKERS)
          + (Series("f_om_oem", OEM_ALL_WORDS, "line", colour=COLOURS["oem"]),
             Series("f_om_oemcs", OEM_CS_WORDS, "line", colour=CS_COLOUR)),
          x_title="Calendar quarter"),
    Chart(CHART_POOL, "Operating profit by layer of the companies that reported each quarter (whole companies "
                      "or segments, not AI-only; n/8 at a bar's foot: an incomplete quarter) ($M)", "Operating profit ($M)",
          WHOLE_M, tuple(Series(f"f_pool_{lk}", ln) for lk, ln in LAYERS), x_title="Calendar quarter"),
    Chart(CHART_RACK, "Per $1 of AI rack (Grace Blackwell NVL72), analysts' estimates: each slice's own range, not scenarios",
          "Share of the rack's price (%)", "0%", (), x_title="Each slice at its own lowest, median or highest statement (the columns are not scenarios). "
                  "Memory (HBM + LPDDR5X) sits inside the GPUs and Other: not stacked again"),
)
