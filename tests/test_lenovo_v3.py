"""The Lenovo workbook built from the v3 data, against figures worked out by hand from the
CSV rows (plain Python over the file; nothing from the model's loader, layout or reference).

The method, as a finance person would do it on paper:
    CSP revenue       reported (The Next Platform's estimate), else year-earlier dollars x
                      (1 + growth Lenovo gave), else a year later's dollars / (1 + that growth)
    enterprise/SMB    reported, else ISG less CSP where CSP is given, else by growth the same way
    allocation        CSP OP = group GP - (group revenue - CSP) x ex-CSP margin
                               - (group GP - group OP) x CSP / group revenue
    segment           CSP OP = ISG OP - (ISG revenue - CSP revenue) x enterprise/SMB margin
"""
import csv
import shutil

import pytest

from .conftest import DATA

ANSWERED = ["FY2024/25 Q1", "FY2024/25 Q2", "FY2025/26 Q1", "FY2025/26 Q2", "FY2026/27 Q1"]
EXCSP = 0.172          # The Next Platform's ex-CSP margin (FY2025/26 Q1), carried
ESMB_BASE = 0.06       # enterprise/SMB operating margin, Base (Assumptions)


def _label(fy: str, q: str) -> str:
    return f"FY{fy} {q}"


def _figures() -> dict:
    with open(DATA, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for r in rows:
        v = float(r["value"]) / (100 if r["unit"] == "pct" else 1)
        out[(_label(r["fiscal_year"], r["fiscal_quarter"]), r["entity"], r["metric"])] = v
    return out


F = _figures()


def f(q, entity, metric):
    return F.get((q, entity, metric))


def shift(q: str, n: int) -> str:
    fy, qq = q[2:].split(" ")
    i = int(fy[:4]) * 4 + int(qq[1]) - 1 + n
    y = i // 4
    return f"FY{y}/{(y + 1) % 100:02d} Q{i % 4 + 1}"


def csp_given(q):
    if f(q, "ISG-CSP", "revenue") is not None:
        return f(q, "ISG-CSP", "revenue")
    if f(q, "ISG", "revenue") is not None and f(q, "ISG-ESMB", "revenue") is not None:
        return f(q, "ISG", "revenue") - f(q, "ISG-ESMB", "revenue")
    return None


def esmb_given(q):
    if f(q, "ISG-ESMB", "revenue") is not None:
        return f(q, "ISG-ESMB", "revenue")
    if f(q, "ISG", "revenue") is not None and f(q, "ISG-CSP", "revenue") is not None:
        return f(q, "ISG", "revenue") - f(q, "ISG-CSP", "revenue")
    return None


def by_growth(given, entity, q):
    """(value, how): given, else year-earlier x (1+g), else year-later / (1+g later)."""
    if given(q) is not None:
        return given(q), "given"
    g = f(q, entity, "revenue_yoy_pct")
    if g is not None and given(shift(q, -4)) is not None:
        return given(shift(q, -4)) * (1 + g), "forward"
    later = shift(q, 4)
    g = f(later, entity, "revenue_yoy_pct")
    if g is not None and given(later) is not None:
        return given(later) / (1 + g), "back"
    return None, ""


def csp(q):
    return by_growth(csp_given, "ISG-CSP", q)[0]


def gp(q):
    return f(q, "Group", "gross_profit") or f(q, "Group", "revenue") * f(q, "Group", "gross_margin_pct")


def allocation(q, margin=EXCSP, op=None):
    rev, c = f(q, "Group", "revenue"), csp(q)
    op = f(q, "Group", "operating_profit") if op is None else op
    return gp(q) - (rev - c) * margin - (gp(q) - op) * c / rev


def segment(q, esmb_margin=ESMB_BASE):
    return f(q, "ISG", "operating_profit") - (f(q, "ISG", "revenue") - csp(q)) * esmb_margin


# --- the data ---------------------------------------------------------------------------------

def test_the_data_is_v3():
    with open(DATA, encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == 225
    assert f("FY2026/27 Q1", "Group", "revenue") == 26943
    assert f("FY2026/27 Q1", "Group", "operating_profit_adjusted") == 1523
    assert f("FY2024/25 Q2", "Group", "operating_profit") == 651       # a v3 correction (was 656)


def test_hand_figures_of_the_issue():
    """The issue's own figures, from the CSV by hand: derived CSP + enterprise/SMB against ISG."""
    pairs = {q: (by_growth(csp_given, "ISG-CSP", q)[0], by_growth(esmb_given, "ISG-ESMB", q)[0])
             for q in ANSWERED}
    assert sum(pairs["FY2024/25 Q1"]) == pytest.approx(3164.6, abs=0.1)      # vs 3,159.8
    assert sum(pairs["FY2024/25 Q2"]) == pytest.approx(3304.1, abs=0.1)      # vs 3,305.4
    assert sum(pairs["FY2026/27 Q1"]) == pytest.approx(8580, abs=0.1)        # vs 8,510
    q = "FY2026/27 Q1"
    assert gp(q) - f(q, "Group", "operating_profit") == 4433
    assert gp(q) - f(q, "Group", "operating_profit_adjusted") == 2929


# --- the workbook, recalculated by LibreOffice -----------------------------------------------

def _calc(values, key):
    from model.core.reader import timeline
    from model.lenovo.reader import PERIOD
    cells = values["Calculations"].values
    tl = timeline("Calculations", cells, PERIOD)
    return {q: cells.get((tl.rows[key], c)) for q, c in tl.cols.items()}


def test_every_quarter_the_data_can_answer_is_answered(default_values):
    op = _calc(default_values, "csp_op")
    assert [q for q, v in op.items() if v is not None] == ANSWERED
    assert list(op)[-1] == "FY2026/27 Q1"          # the latest quarter is on the timeline


@pytest.mark.parametrize("q", ANSWERED)
def test_csp_revenue_and_both_methods_by_hand(default_values, q):
    assert _calc(default_values, "csp_revenue")[q] == pytest.approx(csp(q), rel=1e-12)
    assert _calc(default_values, "csp_op")[q] == pytest.approx(allocation(q), rel=1e-9)
    assert _calc(default_values, "csp_op_segment")[q] == pytest.approx(segment(q), rel=1e-9)
    lo_, hi_ = sorted((allocation(q), segment(q)))
    assert _calc(default_values, "csp_op_min")[q] == pytest.approx(lo_, rel=1e-9)
    assert _calc(default_values, "csp_op_max")[q] == pytest.approx(hi_, rel=1e-9)


def test_how_each_csp_revenue_was_found(default_values):
    how = _calc(default_values, "csp_rev_how")
    assert how["FY2025/26 Q1"].startswith("as given")
    assert how["FY2026/27 Q1"] == "derived: FY2025/26 Q1 x (1 + growth)"
    assert how["FY2024/25 Q1"] == "derived: FY2025/26 Q1 / (1 + its growth)"
    assert how["FY2024/25 Q2"] == "derived: FY2025/26 Q2 / (1 + its growth)"
    # the derived values, by hand
    assert _calc(default_values, "csp_revenue")["FY2026/27 Q1"] == pytest.approx(2410 * 2.0)
    assert _calc(default_values, "csp_revenue")["FY2024/25 Q1"] == pytest.approx(2410 / 1.36)
    gap = _calc(default_values, "split_gap")
    assert gap["FY2024/25 Q1"] == pytest.approx(2410 / 1.36 + (4290 - 2410) / 1.35 - 3159.8)
    assert gap["FY2026/27 Q1"] == pytest.approx(2410 * 2 + 1880 * 2 - 8510.078)


def test_both_operating_profit_bases_where_they_differ(default_values):
    q = "FY2026/27 Q1"
    assert _calc(default_values, "opex_pool_reported")[q] == pytest.approx(4433)
    assert _calc(default_values, "opex_pool_adjusted")[q] == pytest.approx(2929)
    assert _calc(default_values, "csp_op_adj_basis")[q] == pytest.approx(
        allocation(q, op=f(q, "Group", "operating_profit_adjusted")))
    assert _calc(default_values, "op_basis_differs")[q] == 1
    assert _calc(default_values, "op_basis_differs")["FY2025/26 Q4"] == 0     # 886 vs 834: within $100M


def _edited(lo, book, tmp_path, edits):
    import openpyxl
    path = shutil.copy(book, tmp_path / "edited.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Assumptions"]
    rows = {ws.cell(r, 3).value: r for r in range(1, ws.max_row + 1)}
    for code, value in edits.items():
        ws.cell(rows[code], 5).value = value
    wb.save(path)
    return lo.recalculate(path)


def test_the_spread_choice_and_the_adjusted_basis(lo, default_book, tmp_path):
    """Carry the sourced margin's spread over the blended margin (FY2025/26 Q1: 17.2% against
    2,774 / 18,830) and feed the pool with adjusted operating profit where it is given."""
    values = _edited(lo, default_book, tmp_path, {"excsp_carry": "spread", "op_basis": "adjusted"})
    spread = EXCSP - 2774 / 18830
    for q in ANSWERED:
        blended = gp(q) / f(q, "Group", "revenue")
        m = EXCSP if q == "FY2025/26 Q1" else blended + spread
        adj = f(q, "Group", "operating_profit_adjusted")
        assert _calc(values, "excsp_gm")[q] == pytest.approx(m, rel=1e-12), q
        assert _calc(values, "csp_op")[q] == pytest.approx(allocation(q, m, adj), rel=1e-9), q
    assert _calc(values, "excsp_how")["FY2025/26 Q2"] == "carried: spread from FY2025/26 Q1"
    assert _calc(values, "excsp_how")["FY2025/26 Q1"] == "sourced"
    # FY2025/26 Q2 at the spread: within 0.1 point of the margin that gives the published -349
    assert _calc(values, "excsp_gm")["FY2025/26 Q2"] == pytest.approx(0.1785, abs=0.0001)


def test_the_outlook_reaches_breakeven_and_4x(default_values):
    """Base quarter FY2026/27 Q1: revenue 4,820 compounding to 4x in 3.5 years (14 quarters),
    margin +0.5 point a quarter, opex +5% a quarter, by hand."""
    q = "FY2026/27 Q1"
    rev0 = csp(q)
    gm0 = (gp(q) - (f(q, "Group", "revenue") - rev0) * EXCSP) / rev0
    opex0 = (gp(q) - f(q, "Group", "operating_profit")) * rev0 / f(q, "Group", "revenue")
    g = 4 ** (1 / 14) - 1
    t_be = next(t for t in range(1, 40) if rev0 * (1 + g) ** t * (gm0 + 0.005 * t) - opex0 * 1.05 ** t >= 0)
    cum = sum(rev0 * (1 + g) ** t * (gm0 + 0.005 * t) - opex0 * 1.05 ** t for t in range(1, t_be))
    names = default_values["Outlook"].values
    flat = {v for v in names.values() if isinstance(v, str)}
    assert shift(q, t_be) in flat and shift(q, 14) in flat
    got = _named(default_values, "Outlook")
    assert got["o_be_q"] == shift(q, t_be)
    assert got["o_4x_q"] == shift(q, 14)
    assert got["o_cum_to_be"] == pytest.approx(cum, rel=1e-9)


def _named(values, sheet):
    cells = values[sheet].values
    return {v: cells.get((r, 3)) for (r, c), v in cells.items() if c == 2 and isinstance(v, str)}


def test_every_row_code_is_used_once():
    """Two rows under one code would hide one of them from every lookup by code."""
    from model.lenovo import spec
    keys = [r.key for r in spec.CALC_ROWS] + [c.key for c in spec.CHECKS_LIST]
    assert len(keys) == len(set(keys))


def test_the_seed_figures_by_formula(default_values):
    """The seed articles: first half FY2025/26 revenue $39.28B 'up nearly 18%', net profit 'over
    40%'; AI systems ~$3B 'up 2.8 times over a year and 18.7%' on the quarter; FY2025/26 complete."""
    got = _named(default_values, "Annual")
    h1 = f("FY2025/26 Q1", "Group", "revenue") + f("FY2025/26 Q2", "Group", "revenue")
    prior = f("FY2024/25 Q1", "Group", "revenue") + f("FY2024/25 Q2", "Group", "revenue")
    assert got["seed_h1_rev"] == pytest.approx(h1) and round(h1 / 1000, 2) == 39.28
    assert got["seed_h1_growth"] == pytest.approx(h1 / prior - 1) and round(h1 / prior - 1, 2) == 0.18
    ni = f("FY2025/26 Q1", "Group", "net_income") + f("FY2025/26 Q2", "Group", "net_income")
    ni0 = f("FY2024/25 Q1", "Group", "net_income") + f("FY2024/25 Q2", "Group", "net_income")
    assert got["seed_h1_ni_growth"] == pytest.approx(ni / ni0 - 1) and ni / ni0 - 1 > 0.40
    assert got["seed_ai_py"] == pytest.approx(3000 / 2.8)
    assert got["seed_ai_pq"] == pytest.approx(3000 / 1.187)
    assert got["seed_pipe_lb"] == 10000 and got["seed_pipe_pt"] == 12000
    # FY2025/26 is complete on Annual and ISG's full year is a profit
    cells = default_values["Annual"].values
    codes = {v: r for (r, c), v in cells.items() if c == 2 and isinstance(v, str)}
    years = {v: c for (r, c), v in cells.items() if r == 3 and isinstance(v, str) and v.startswith("FY")}
    isg = sum(f(q, "ISG", "operating_profit") for q in ("FY2025/26 Q1", "FY2025/26 Q2", "FY2025/26 Q3",
                                                          "FY2025/26 Q4"))
    assert cells[(codes["fy_isg_op"], years["FY2025/26"])] == pytest.approx(isg) and isg > 0
    assert cells[(codes["fy_isg_verdict"], years["FY2025/26"])] == "profit"


def test_the_public_names_of_the_issue(default_book, default_values):
    import openpyxl
    wb = openpyxl.load_workbook(default_book)
    names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
    rows = ("CSP_Revenue", "CSP_OperatingProfit", "CSP_OperatingProfit_Segment", "ESMB_OperatingMargin",
            "ExCSP_GrossMargin")
    for n in rows:
        assert names[n].startswith("Calculations!$F$") and names[n].endswith("$Z$" + names[n].split("$")[-1])
    for n in ("OperatingProfit_Basis", "Outlook_Breakeven_Quarter", "Outlook_Quarter_4x",
              "Outlook_CumulativeLoss_ToBreakeven", "Answered_Quarters"):
        assert n in names, n
    assert names["OperatingProfit_Basis"].startswith("Assumptions!")
    sheet, ref = names["Answered_Quarters"].split("!")
    first = openpyxl.utils.cell.coordinate_from_string(ref.split(":")[0].replace("$", ""))
    r, c = first[1] - 1, openpyxl.utils.column_index_from_string(first[0]) - 1
    cells = default_values[sheet].values
    assert [cells.get((r, c + j)) for j in range(6)] == ANSWERED + [None]
