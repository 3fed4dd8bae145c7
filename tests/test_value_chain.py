"""The AI value-chain workbook: data and calendar, LibreOffice's recalculation against the
independent recompute (model/value_chain/reference.py) and against figures computed here
from the CSV rows themselves, the one-off switch, random data (a layer with no dollar
profit, a company with one quarter, gaps), refresh and audit, and the rendered Meeting page."""
from __future__ import annotations

import csv
import shutil
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.core import grid
from model.core.calendar import CalendarQuarter
from model.core.dataset import DataError
from model.value_chain import model as vc_model
from model.value_chain import spec

from .conftest import ROOT

VC = ROOT / "data" / "value_chain_quarterly.csv"
UE = ROOT / "data" / "unit_economics.csv"
PEERS = ROOT / "data" / "peers_quarterly.csv"
LENOVO = ROOT / "data" / "lenovo_quarterly.csv"
FILES = [VC, UE, PEERS, LENOVO]


@pytest.fixture(scope="module")
def m():
    return vc_model()


@pytest.fixture(scope="module")
def ds(m):
    return m.load(FILES)


@pytest.fixture(scope="module")
def mi(m, ds):
    return m.from_dataset(ds)


def _csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _row(rows, company, fy, fq, entity, metric):
    r = [r for r in rows if r.get("company", "Lenovo") == company and r["fiscal_year"] == fy
         and r["fiscal_quarter"] == fq and r["entity"] == entity and r["metric"] == metric]
    assert len(r) == 1, (company, fy, fq, entity, metric)
    return float(r[0]["value"])


# --- data and calendar (fast) --------------------------------------------------------------

def test_the_four_files_load_and_the_timeline_runs_from_2023_q1(ds):
    vc = _csv(VC)
    assert len(vc) == 277
    assert sum(f.file == VC.name for f in ds.figures) == 277       # every value-chain figure is 2023 or later
    assert len(ds.statements) == len(_csv(UE)) == 61
    labels = [p.label for p in ds.periods]
    assert labels[0] == "2023 Q1" and labels[-1] == "2026 Q3"     # Micron's fiscal 2026 Q4 (Jun-Aug 2026)
    assert all(f.period >= CalendarQuarter(2023, 1) for f in ds.figures)


@pytest.mark.parametrize("company, fiscal, key, value, calendar", [
    ("NVIDIA", "FY2026 Q1", "NVIDIA-Group.revenue", 44062, "2025 Q1"),        # Feb-Apr 2025
    ("NVIDIA", "FY2024 Q1", "NVIDIA-Data-Center.revenue", 4284, "2023 Q1"),
    ("Micron", "FY2026 Q4", "Micron-Group.revenue", 54200, "2026 Q3"),        # Jun-Aug 2026
    ("Micron", "FY2023 Q2", "Micron-Group.revenue", 3693, "2023 Q1"),         # Dec 2022-Feb 2023
    ("Broadcom", "FY2026 Q1", "Broadcom-AI-Semiconductor.revenue", 8400, "2025 Q4"),   # Nov 2025-Jan 2026
    ("AMD", "FY2025 Q2", "AMD-Data-Center.revenue", 3240, "2025 Q2"),
    ("TSMC", "FY2026 Q2", "TSMC-Group.revenue", 40200, "2026 Q2"),
    ("Dell", "FY2027 Q1", "Dell-ISG.revenue", 29000, "2026 Q1"),
    ("Lenovo", "FY2025/26 Q1", "Lenovo-ISG.revenue", 4290, "2025 Q2"),
])
def test_figures_sit_in_the_calendar_quarter_of_their_middle_month(ds, company, fiscal, key, value, calendar):
    f = next(f for f in ds.figures if f.key == key and f.fiscal == fiscal)
    assert (f.period.label, f.value, f.company) == (calendar, value, company)


def test_fiscal_labels_on_inputs(m, mi):
    from model.value_chain.data import fiscal_label
    assert fiscal_label("NVIDIA", CalendarQuarter(2025, 1)) == "FY2026 Q1"
    assert fiscal_label("Micron", CalendarQuarter(2026, 3)) == "FY2026 Q4"
    assert fiscal_label("Lenovo", CalendarQuarter(2025, 2)) == "FY2025/26 Q1"
    assert fiscal_label("SK hynix", CalendarQuarter(2024, 4)) == "FY2024 Q4"
    lay = m.lay_out(mi)
    sheet, r = lay.row_of[spec.fiscal_row("Micron")]
    assert lay.sheets[sheet].cells[(r, lay.col_of("2023 Q1"))].value == "FY2023 Q2"


def test_bad_lines_are_named_by_file_and_row_and_nothing_loads(m, tmp_path):
    rows = list(csv.reader(open(VC, newline="", encoding="utf-8")))
    rows[3][5] = "ebitda"                                    # a series this model does not have
    rows[10][3] = "2023-12-31"                               # a period end in another quarter
    bad = tmp_path / "vc.csv"
    with open(bad, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    ue = [r for r in csv.reader(open(UE, newline="", encoding="utf-8"))
          if not r[0].startswith("Dell AI-server business operating margin, high end")]
    ue_bad = tmp_path / "ue.csv"
    with open(ue_bad, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ue)
    with pytest.raises(DataError) as err:
        m.load([bad, ue_bad, PEERS, LENOVO])
    text = "\n".join(err.value.problems)
    assert f"{bad}:4: NVIDIA has no series Group.ebitda" in text
    assert f"{bad}:11: NVIDIA FY2024 Q2 ending 2023-12-31 falls in 2023 Q4" in text
    assert "no statement 'Dell AI-server business operating margin, high end (analyst view)'" in text
    with pytest.raises(DataError, match="expected the value-chain, unit-economics, peers and Lenovo files"):
        m.load([VC, UE, PEERS])


def test_v2_and_v3_peers_and_lenovo_rows_both_load(m, tmp_path):
    """v3 adds HPE's Cloud & AI segment, Supermicro's gross margin and orders, HPE Server growth,
    Lenovo's adjusted operating profit: the model takes what it uses and skips the rest."""
    def add_missing(src, out, rows, key_cols):
        """Copy ``src`` and append the v3 rows it does not hold yet (data/ may already be v3)."""
        have = list(csv.reader(open(src, newline="", encoding="utf-8")))
        keys = {tuple(r[i] for i in key_cols) for r in have[1:]}
        with open(out, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(have + [r for r in rows if tuple(r[i] for i in key_cols) not in keys])
    peers, lenovo = tmp_path / "peers.csv", tmp_path / "lenovo.csv"
    add_missing(PEERS, peers, [
        ["HPE", "FY2026", "Q1", "2026-01-31", "Cloud-AI", "operating_margin_pct", "10", "pct", "approx",
         "t", "https://x", "q"],
        ["HPE", "FY2026", "Q1", "2026-01-31", "Cloud-AI", "revenue", "6334", "usd_m", "reported",
         "t", "https://x", "q"],
        ["HPE", "FY2026", "Q2", "2026-04-30", "Server", "revenue_yoy_pct", "32.7", "pct", "reported",
         "t", "https://x", "q"],
        ["Supermicro", "FY2026", "Q4", "2026-06-30", "Group", "orders", "60000", "usd_m", "reported",
         "t", "https://x", "q"]], (0, 1, 2, 4, 5))
    add_missing(LENOVO, lenovo, [["2026/27", "Q1", "2026-06-30", "ISG", "operating_profit_adjusted", "1523", "usd_m",
                                  "reported", "t", "https://x", "q"]], (0, 1, 3, 4))
    ds = m.load([VC, UE, peers, lenovo])
    got = {(f.key, f.period.label): f.value for f in ds.figures}
    assert got[("HPE-Cloud-AI.revenue", "2025 Q4")] == 6334
    assert got[("HPE-Cloud-AI.operating_margin_pct", "2025 Q4")] == pytest.approx(0.10)
    assert not any(f.metric in ("revenue_yoy_pct", "orders", "operating_profit_adjusted") for f in ds.figures)


# --- LibreOffice ------------------------------------------------------------------------------

def _build(m, mi, out: Path) -> Path:
    from model.build import stamp
    from model.writer import write
    stamp(mi)
    lay = m.lay_out(mi)
    return write(lay, out, None, m.cached(lay, m.reference(mi)))


def _split(res):
    return {k: v.values for k, v in res.items()}, {k: v.errors for k, v in res.items()}


@pytest.fixture(scope="module")
def book(m, mi, tmp_path_factory):
    return _build(m, mi, tmp_path_factory.mktemp("vc") / "ai_value_chain.xlsx")


@pytest.fixture(scope="module")
def recalculated(lo, book):
    return _split(lo.recalculate(book))


def test_libreoffice_agrees_with_the_reference_cell_by_cell(m, mi, recalculated):
    values, errors = recalculated
    assert m.compare(m.reference(mi), values, errors) == []
    for sheet in spec.WORKSHEETS:
        if sheet != spec.CHART_DATA:
            assert errors.get(sheet, {}) == {}, sheet
    assert set(errors[spec.CHART_DATA].values()) <= {"#N/A"}
    chk = values[spec.CHECKS]
    master_row = next(r for (r, c), v in chk.items() if c == 0 and v == grid.MASTER_LABEL)
    assert chk[(master_row, 4)] == 0


def test_the_comparison_does_look(m, mi, recalculated):
    values, errors = recalculated
    exp = m.reference(mi)
    exp.calcs.loc["oem_om", "2025 Q3"] += 0.01
    exp.latest["mu"]["om"] = 0.5
    exp.pool["acc"][3] = 0.99
    exp.rack["oem"]["Base"] = 0.06
    got = {x.what for x in m.compare(exp, values, errors)}
    assert got == {"oem_om 2025 Q3", "om mu", "pool acc 3", "rack oem Base", "meeting rack oem Base"}


def _at(values, sheet, code, label):
    cells = values[sheet]
    r = next(r for (r, c), v in cells.items() if c == 2 and v == code)
    hr = next(r for (r, c), v in cells.items() if c == 2 and v == "Code")
    c = next(c for (r_, c), v in cells.items() if r_ == hr and v == label)
    return cells.get((r, c))


def _named(values, lay, name):
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
    sheet, ref = lay.names[name].split("!")
    col, row = coordinate_from_string(ref.replace("$", ""))
    return values[sheet.strip("'")][(row - 1, column_index_from_string(col) - 1)]


def test_hand_checked_figures(m, mi, recalculated):
    """From the CSV rows, computed here: NVIDIA's latest margin, TSMC's profit from its margin,
    the 2025 Q3 pool and its shares, the server makers' weighted margin, the per-$1 Base split."""
    values, _ = recalculated
    vc, peers, lenovo, ue = _csv(VC), _csv(PEERS), _csv(LENOVO), _csv(UE)
    nv = _row(vc, "NVIDIA", "FY2027", "Q2", "Group", "operating_profit") / _row(
        vc, "NVIDIA", "FY2027", "Q2", "Group", "revenue")
    assert nv == pytest.approx(63700 / 96200)
    assert _at(values, spec.CALCS, "nvda_om", "2026 Q2") == pytest.approx(nv)
    assert _at(values, spec.CALCS, "tsmc_op", "2026 Q2") == pytest.approx(40200 * 0.60)
    assert _at(values, spec.CALCS, "amd_op", "2023 Q2") == pytest.approx(1320 * 0.11)    # margin x revenue
    assert _at(values, spec.CALCS, "skh_om", "2026 Q1") == pytest.approx(0.72)
    # 2025 Q3: NVIDIA FY2026 Q3, AMD 2025 Q3, TSMC 2025 Q3, Micron FY2025 Q4, Dell FY2026 Q3, HPE FY2025 Q4,
    # Supermicro FY2026 Q1, Lenovo FY2025/26 Q2
    acc = _row(vc, "NVIDIA", "FY2026", "Q3", "Group", "operating_profit") + _row(
        vc, "AMD", "FY2025", "Q3", "Data-Center", "operating_profit")
    fab = _row(vc, "TSMC", "FY2025", "Q3", "Group", "revenue") * _row(
        vc, "TSMC", "FY2025", "Q3", "Group", "operating_margin_pct") / 100
    mem = _row(vc, "Micron", "FY2025", "Q4", "Group", "operating_profit")
    oem_parts = [(_row(peers, "Dell", "FY2026", "Q3", "ISG", "operating_profit"),
                  _row(peers, "Dell", "FY2026", "Q3", "ISG", "revenue")),
                 (_row(peers, "HPE", "FY2025", "Q4", "Server", "operating_profit"),
                  _row(peers, "HPE", "FY2025", "Q4", "Server", "revenue")),
                 (_row(peers, "Supermicro", "FY2026", "Q1", "Group", "operating_profit"),
                  _row(peers, "Supermicro", "FY2026", "Q1", "Group", "revenue")),
                 (_row(lenovo, "Lenovo", "2025/26", "Q2", "ISG", "operating_profit"),
                  _row(lenovo, "Lenovo", "2025/26", "Q2", "ISG", "revenue"))]
    oem = sum(op for op, _ in oem_parts)
    pool = acc + fab + mem + oem
    assert (acc, fab) == (pytest.approx(37110), pytest.approx(16748.6))
    assert _at(values, spec.CALCS, "pool_op", "2025 Q3") == pytest.approx(pool)
    for key, part in (("acc", acc), ("fab", fab), ("mem", mem), ("oem", oem)):
        assert _at(values, spec.CALCS, f"{key}_share", "2025 Q3") == pytest.approx(part / pool)
    assert _at(values, spec.CALCS, "oem_om", "2025 Q3") == pytest.approx(oem / sum(r for _, r in oem_parts))
    assert _at(values, spec.CALCS, "pool_n", "2023 Q4") == 7     # AMD gave no 2023 Q4 profit: 7 of 8 in it
    # 2026 Q2, the latest quarter with every layer: Supermicro (no operating profit since FY2026 Q1) is out.
    # NVIDIA FY2027 Q2, AMD 2026 Q2 (revenue x margin), TSMC 2026 Q2, Micron FY2026 Q3, Dell FY2027 Q2,
    # HPE Cloud & AI FY2026 Q3 (revenue x margin), Lenovo ISG FY2026/27 Q1
    acc2 = _row(vc, "NVIDIA", "FY2027", "Q2", "Group", "operating_profit") + _row(
        vc, "AMD", "FY2026", "Q2", "Data-Center", "revenue") * _row(
        vc, "AMD", "FY2026", "Q2", "Data-Center", "operating_margin_pct") / 100
    fab2 = 40200 * 0.60
    mem2 = _row(vc, "Micron", "FY2026", "Q3", "Group", "operating_profit")
    oem2 = (_row(peers, "Dell", "FY2027", "Q2", "ISG", "operating_profit")
            + _row(peers, "HPE", "FY2026", "Q3", "Cloud-AI", "revenue")
            * _row(peers, "HPE", "FY2026", "Q3", "Cloud-AI", "operating_margin_pct") / 100
            + _row(lenovo, "Lenovo", "2026/27", "Q1", "ISG", "operating_profit"))
    pool2 = acc2 + fab2 + mem2 + oem2
    assert pool2 == pytest.approx(65777 + 24120 + 33318 + 7106.9)   # by hand
    assert _at(values, spec.CALCS, "pool_op", "2026 Q2") == pytest.approx(pool2)
    assert _at(values, spec.CALCS, "pool_n", "2026 Q2") == 7
    meet = values[spec.MEETING]

    def mrow(code):
        return next(r for (r, c), v in meet.items() if c == 2 and v == code)
    P = grid.FIRST_PERIOD_COL
    assert meet[(mrow("pool_q"), P + 2)] == "2026 Q2"
    assert meet[(mrow("pool_cov"), P + 2)] == 7
    for key, part in (("acc", acc2), ("fab", fab2), ("mem", mem2), ("oem", oem2)):
        assert meet[(mrow(f"pool_{key}"), P + 3)] == pytest.approx(part / pool2)
    assert meet[(mrow("pool_mem"), P + 3)] == pytest.approx(0.2557, abs=5e-4)      # memory: about a quarter
    # who is out: Supermicro, with its share of the pool when last in it (2025 Q3)
    who = {meet.get((r, P + spec.COV_COL)): r for r in range(mrow("pool_q"), mrow("pool_total") + 2)}
    rs, rm, C = who["Supermicro"], who["Micron"], P + spec.COV_COL + 1
    smci = _row(peers, "Supermicro", "FY2026", "Q1", "Group", "operating_profit")
    assert [meet[(rs, C + i)] for i in (0, 2, 3)] == ["out", "2025 Q3", "2025 Q3"]
    assert meet[(rs, C + 1)] == pytest.approx(smci / pool)
    assert meet[(rm, C)] == "in"
    assert meet[(rm, C + 1)] == pytest.approx(mem2 / pool2)
    rn = next(r for (r, c), v in meet.items() if c == 2 and v == "m_nvda")
    cols = {h: grid.FIRST_PERIOD_COL + i for i, (h, _, _) in enumerate(spec.LATEST_FIELDS)}
    assert (meet[(rn, cols["q"])], meet[(rn, cols["fiscal"])]) == ("2026 Q2", "FY2027 Q2")
    assert meet[(rn, cols["om"])] == pytest.approx(nv)
    first = _row(vc, "NVIDIA", "FY2024", "Q1", "Group", "operating_profit") / _row(
        vc, "NVIDIA", "FY2024", "Q1", "Group", "revenue")
    assert meet[(rn, cols["d"])] == pytest.approx((nv - first) * 100)         # points
    # server makers like for like: Dell ISG + Lenovo ISG in 2023 Q1 (Dell FY2024 Q1, Lenovo FY2022/23 Q4)
    # and 2026 Q2 (Dell FY2027 Q2, Lenovo FY2026/27 Q1); the all-reporting row shows its set, no change
    lfl = [(_row(peers, "Dell", fy, q, "ISG", "operating_profit") + _row(lenovo, "Lenovo", lfy, lq, "ISG",
                                                                        "operating_profit"),
            _row(peers, "Dell", fy, q, "ISG", "revenue") + _row(lenovo, "Lenovo", lfy, lq, "ISG", "revenue"))
           for fy, q, lfy, lq in (("FY2024", "Q1", "2022/23", "Q4"), ("FY2027", "Q2", "2026/27", "Q1"))]
    (op0, rev0), (op1, rev1) = lfl
    assert (op1, rev1) == (pytest.approx(4800 + 776.9, abs=0.05), pytest.approx(31800 + 8510.1, abs=0.05))
    rc = mrow("m_oemcs")
    assert meet[(rc, cols["q0"])] == "2023 Q1" and meet[(rc, cols["q"])] == "2026 Q2"
    assert meet[(rc, cols["om"])] == pytest.approx(op1 / rev1)
    assert meet[(rc, cols["om0"])] == pytest.approx(op0 / rev0)
    assert meet[(rc, cols["d"])] == pytest.approx((op1 / rev1 - op0 / rev0) * 100)      # in points
    ro = mrow("m_oem")
    assert meet[(ro, cols["fiscal"])] == "3: Dell HPE Lenovo"       # Supermicro is not in it
    assert meet.get((ro, cols["d"])) in (None, "")
    # HPE: two businesses, no change across the recast
    rh = mrow("m_hpec")
    assert (meet[(rh, cols["q0"])], meet[(rh, cols["q"])]) == ("2025 Q4", "2026 Q2")
    assert meet[(rh, cols["om0"])] == pytest.approx(_row(peers, "HPE", "FY2026", "Q1", "Cloud-AI",
                                                         "operating_margin_pct") / 100)
    # per $1: the median of the accelerator's statements and of the server maker's
    by = {r["statement"]: float(r["value"]) / 100 for r in ue}
    lay = m.lay_out(mi)
    acc_base = statistics.median(by[s.text] for s in spec.STATEMENTS if s.slice == "acc")
    oem_base = statistics.median(by[s.text] for s in spec.STATEMENTS if s.slice == "oem")
    # the accelerator's rack range rests on the two GB200 rack statements (2.5 / 4.0 and 2.5 / 3.5), not the
    # per-GW one (22 / 34, a data centre's IT content)
    assert (acc_base, oem_base) == (pytest.approx((2.5 / 4.0 + 2.5 / 3.5) / 2, abs=5e-4), pytest.approx(0.05))
    assert _named(values, lay, "Rack_Accelerator_Share_Base") == pytest.approx(acc_base)
    assert _named(values, lay, "Rack_ServerMaker_Share_Base") == pytest.approx(oem_base)


def test_one_off_items_taken_out(lo, m, mi, tmp_path):
    """'without': NVIDIA's 2025 Q1 operating profit gains its US$4.5bn H20 charge back, AMD's
    2025 Q2 its MI308 charges; the 2025 Q4 release comes out."""
    from dataclasses import replace
    mi2 = replace(mi, scalars=dict(mi.scalars, one_offs="without"), provenance=dict(mi.provenance))
    values, errors = _split(lo.recalculate(_build(m, mi2, tmp_path / "without.xlsx")))
    assert m.compare(m.reference(mi2), values, errors) == []
    vc = _csv(VC)
    nv_op = _row(vc, "NVIDIA", "FY2026", "Q1", "Group", "operating_profit") + 4500
    assert _at(values, spec.CALCS, "nvda_op", "2025 Q1") == pytest.approx(nv_op)
    assert _at(values, spec.CALCS, "nvda_om", "2025 Q1") == pytest.approx(nv_op / 44062)
    assert _at(values, spec.CALCS, "nvda_gm", "2025 Q1") == pytest.approx(0.605 + 4500 / 44062)
    assert _at(values, spec.CALCS, "amd_op", "2025 Q2") == pytest.approx(-155 + 800)
    assert _at(values, spec.CALCS, "amd_op", "2025 Q4") == pytest.approx(1800 - 360)
    assert _at(values, spec.CALCS, "amd_op_rep", "2025 Q2") == pytest.approx(-155)


# --- random data through LibreOffice ----------------------------------------------------------------

TIDY = ["fiscal_year", "fiscal_quarter", "period_end", "entity", "metric", "value", "unit", "basis",
        "source_title", "source_url", "quote"]
VC_SERIES = {
    "NVIDIA": [("Group", "revenue"), ("Group", "operating_profit"), ("Group", "gross_margin_pct"),
               ("Data-Center", "revenue")],
    "AMD": [("Data-Center", "revenue"), ("Data-Center", "operating_profit"), ("Data-Center", "operating_margin_pct")],
    "TSMC": [("Group", "revenue"), ("Group", "operating_margin_pct"), ("Group", "gross_margin_pct")],
    "Micron": [("Group", "revenue"), ("Group", "operating_profit"), ("Group", "operating_margin_pct")],
    "SK hynix": [("Group", "operating_margin_pct")],
    "Broadcom": [("AI-Semiconductor", "revenue")],
}
PEER_SERIES = {
    "Dell": [("ISG", "revenue"), ("ISG", "operating_profit")],
    "HPE": [("Server", "revenue"), ("Server", "operating_profit"), ("Cloud-AI", "revenue"),
            ("Cloud-AI", "operating_margin_pct")],
    "Supermicro": [("Group", "revenue"), ("Group", "gross_profit"), ("Group", "operating_profit")],
}


def _fiscal(company, p):
    from model.value_chain.data import fiscal_label
    fy, fq = fiscal_label(company, p).split()
    return fy, fq


@st.composite
def chain_data(draw):
    n = draw(st.integers(3, 7))
    start = CalendarQuarter(2023, 1)
    no_dollars = draw(st.sampled_from(["Micron", "TSMC", None]))   # a layer with no dollar profit
    single = draw(st.sampled_from(["AMD", "Dell", "Broadcom"]))     # a company with one quarter
    vc, peers, lenovo = [], [], []

    def value(metric):
        if metric.endswith("_pct"):
            return draw(st.integers(-400, 800)) / 10, "pct"
        if metric == "operating_profit":
            return draw(st.integers(-3000, 9000)), "usd_m"
        return draw(st.integers(1, 50000)), "usd_m"

    for i in range(n):
        p = start.shifted(i)
        for table, series, out in ((VC_SERIES, "vc", vc), (PEER_SERIES, "peers", peers)):
            for company, pairs in table.items():
                if company == single and i != n - 1:
                    continue
                fy, fq = _fiscal(company, p)
                for entity, metric in pairs:
                    if company == no_dollars and metric in ("operating_profit", "operating_margin_pct"):
                        continue
                    if not draw(st.booleans()) and not (metric == "revenue" and entity in ("Group", "Data-Center")):
                        continue                                   # gaps
                    v, unit = value(metric)
                    out.append([company, fy, fq, "", entity, metric, str(v), unit, "reported", "t", "https://x", "q"])
        fy, fq = _fiscal("Lenovo", p)
        for metric in ("revenue", "operating_profit"):
            if draw(st.booleans()):
                v = draw(st.integers(1, 6000)) if metric == "revenue" else draw(st.integers(-300, 400))
                lenovo.append([fy[2:], fq, "", "ISG", metric, str(v), "usd_m", "reported", "t", "https://x", "q"])
    without = draw(st.booleans())
    return vc, peers, lenovo, no_dollars, without


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=chain_data())
def test_random_data_libreoffice_equals_the_reference(lo, m, tmp_path_factory, data):
    vc, peers, lenovo, no_dollars, without = data
    d = tmp_path_factory.mktemp("rnd")
    for name, head, rows in (("vc.csv", ["company"] + TIDY, vc), ("peers.csv", ["company"] + TIDY, peers),
                             ("lenovo.csv", TIDY, lenovo)):
        with open(d / name, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(head)
            w.writerows(rows)
    mi = m.from_dataset(m.load([d / "vc.csv", UE, d / "peers.csv", d / "lenovo.csv"]))
    if without:
        mi.scalars["one_offs"] = "without"
        mi.scalars["oo_nvda_h20_q"] = mi.periods[0].label          # a charge inside the short timeline
    values, errors = _split(lo.recalculate(_build(m, mi, d / "book.xlsx")))
    exp = m.reference(mi)
    assert m.compare(exp, values, errors) == []
    if no_dollars is not None:         # that layer never reports a dollar profit: no quarter with every layer
        layer = {"Micron": "mem", "TSMC": "fab"}[no_dollars]
        for lab in exp.labels:
            assert _at(values, spec.CALCS, "pool_pos", lab) in (None, "")   # no quarter with every layer
            assert _at(values, spec.CALCS, f"{layer}_op", lab) in (None, "")
            assert _at(values, spec.CALCS, f"{layer}_share", lab) in (None, "")


# --- refresh, audit and the commands -------------------------------------------------------------

def _older(path, out, before="2026-05-01"):
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    end = rows[0].index("period_end")
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([rows[0]] + [r for r in rows[1:] if r[end] < before])
    return out


def test_refresh_brings_the_new_quarters_and_the_audit_is_clean(lo, m, tmp_path):
    from model.audit import audit
    from model.build import build
    from model.refresh import refresh
    old = [_older(VC, tmp_path / "vc.csv"), UE, _older(PEERS, tmp_path / "peers.csv"),
           _older(LENOVO, tmp_path / "lenovo.csv")]      # v3 Lenovo has 2026 Q2 (FY2026/27 Q1) too
    book = build(old, tmp_path / "ai_value_chain.xlsx", "ai_value_chain")
    # a person's work: the one-off choice, a restated figure with its reason, a comment, a note sheet
    import openpyxl
    from openpyxl.comments import Comment

    from .excel_like import save_like_excel
    wb = openpyxl.load_workbook(book)
    ass, inp = wb["Assumptions"], wb["Inputs"]
    r_oo = next(r for r in range(1, 80) if ass.cell(r, 3).value == "one_offs")
    ass.cell(r_oo, 5).value = "without"
    r_dell = next(r for r in range(1, 200) if inp.cell(r, 3).value == "Dell-ISG.revenue")
    c_q = next(c for c in range(6, 40) if inp.cell(4, c).value == "2025 Q3")
    inp.cell(r_dell, c_q).value = 14000
    inp.cell(r_dell, c_q).comment = Comment("restated in the 10-Q", "AB")
    inp.cell(r_dell, 5).value = "override: restated"
    wb.create_sheet("My notes")["A1"] = "for the board pack"
    save_like_excel(wb, book)
    new_rows = [r for r in _csv(VC) + _csv(PEERS) + _csv(LENOVO) if r["period_end"] >= "2026-05-01"
                and (r.get("company", "Lenovo"), r["entity"], r["metric"]) in spec.ALLOWED]
    rep = refresh(book, FILES, now=datetime(2026, 10, 1))
    assert rep.written
    conflict, = rep.conflicts                             # the person's restatement, kept
    assert (conflict.kept, conflict.yours, conflict.data) == ("yours", 14000, 14107)
    assert rep.new_periods == ["2026 Q2", "2026 Q3"]
    assert len(rep.added) == len(new_rows)
    wb = openpyxl.load_workbook(book)
    assert wb["Assumptions"].cell(r_oo, 5).value == "without"
    assert wb["Inputs"].cell(r_dell, c_q).value == 14000
    assert "restated" in wb["Inputs"].cell(r_dell, c_q).comment.text
    assert wb["My notes"]["A1"].value == "for the board pack"
    errors = [f for f in audit(book, lo) if f.severity == "error"
              and (f.rule, f.sheet) != ("STRUCT-SHEET-ADDED", "My notes")]
    assert errors == [], "\n".join(map(str, errors))
    before = book.read_bytes()
    assert not refresh(book, FILES, now=datetime(2026, 10, 2)).written
    assert book.read_bytes() == before


def test_the_commands_build_audit_diff_and_textconv_it(lo, tmp_path):
    out = tmp_path / "ai_value_chain.xlsx"
    run = dict(cwd=ROOT, capture_output=True, text=True, timeout=600)
    done = subprocess.run([sys.executable, "-m", "model", "build", "--model", "ai_value_chain", "--out", str(out)],
                          **run)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-m", "model", "audit", str(out)], **run)
    assert done.returncode == 0 and f"{out}: clean" in done.stdout, done.stdout + done.stderr
    done = subprocess.run([sys.executable, "-m", "model", "textconv", str(out)], **run)
    assert done.returncode == 0 and "NVIDIA-Data-Center.revenue" in done.stdout, done.stderr
    older = tmp_path / "older.xlsx"
    vc = _older(VC, tmp_path / "vc.csv")
    done = subprocess.run([sys.executable, "-m", "model", "build", "--model", "ai_value_chain", "--out", str(older),
                           "--data", str(vc), "--data", str(UE), "--data", str(PEERS), "--data", str(LENOVO)], **run)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-m", "model", "diff", str(older), str(out)], **run)
    assert done.returncode in (0, 1) and "NVIDIA-Data-Center.revenue" in done.stdout, done.stdout + done.stderr


def test_the_meeting_page_prints_on_one_page(lo, book, tmp_path):
    from .render import chart_pages, page_texts
    pdf = lo.to_pdf(book, tmp_path / "vc.pdf")
    texts = page_texts(pdf)
    meeting = [t for t in texts if "Latest quarter each company reported" in t]
    assert len(meeting) == 1
    assert "The chain's operating profit pool by layer" in meeting[0] and "Per $1 of AI rack" in meeting[0]
    pix = chart_pages(lo, book, [c.title for c in spec.CHARTS], tmp_path)
    assert all(v > 100 for v in pix.values()), pix


def test_text_typed_into_numeric_inputs_fails_the_master_check(lo, m, mi, tmp_path):
    from model.writer import write
    lay = m.lay_out(mi)
    r = lay.row_of["TSMC-Group.revenue"][1]
    lay.sheets[spec.INPUTS].cells[(r, lay.col_of("2025 Q3"))].value = "33,100"
    _, sr, sc = lay.scalar_at["ue_oem_dell_lo"]
    lay.sheets[spec.ASSUMPTIONS].cells[(sr, sc)].value = "five"
    values, _ = _split(lo.recalculate(write(lay, tmp_path / "text.xlsx")))
    chk = values[spec.CHECKS]
    row = {v: r_ for (r_, c), v in chk.items() if c == grid.C_CODE}
    assert chk[(row["text_in_inputs"], grid.C_VALUE)] == 2
    master = next(r_ for (r_, c), v in chk.items() if c == 0 and v == grid.MASTER_LABEL)
    assert chk[(master, grid.C_VALUE)] >= 2 and chk[(master, grid.C_NOTE)] == "FAIL"


# --- chart markers, the Meeting's chart, print setup (issue 20's second review) -----------------

def _parts(book):
    import zipfile
    with zipfile.ZipFile(book) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml") or n.endswith(".rels")}


def _sheet_xml(parts, name):
    """The worksheet part of sheet ``name`` (through workbook.xml and its relationships)."""
    import re
    rid = re.search(rf'<sheet name="{re.escape(name)}" sheetId="\d+" r:id="(rId\d+)"', parts["xl/workbook.xml"]).group(1)
    rels = parts["xl/_rels/workbook.xml.rels"]
    target = (re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(rf'Target="([^"]+)"[^>]*Id="{rid}"', rels))
    return parts["xl/" + target.group(1).lstrip("/").replace("xl/", "")]


def _calendar_of(period_end: str) -> str:
    """A fiscal quarter's calendar quarter, found here as the reviewer did: period end less 45 days."""
    from datetime import timedelta
    d = datetime.strptime(period_end, "%Y-%m-%d").date() - timedelta(days=45)
    return f"{d.year} Q{(d.month - 1) // 3 + 1}"


def test_chart_points_resting_on_a_marked_figure_have_their_marker(book, mi):
    """NVIDIA's margin points on the margins chart: a diamond where a figure it rests on (revenue,
    operating profit or the margin as given, whole company) is approximate, a square where the
    weakest is derived, the series' own circle where all are reported (bases read from the CSV)."""
    import re
    rank = {"reported": 0, "derived": 1, "approx": 3, "estimate": 4}
    weakest: dict = {}
    for r in _csv(VC):
        if (r["company"], r["entity"]) == ("NVIDIA", "Group") and r["metric"] in (
                "revenue", "operating_profit", "operating_margin_pct"):
            q = _calendar_of(r["period_end"])
            weakest[q] = max(weakest.get(q, "reported"), r["basis"], key=rank.get)
    labels = [p.label for p in mi.periods]
    want = {labels.index(q): {"approx": "diamond", "derived": "square", "estimate": "triangle"}[b]
            for q, b in weakest.items() if b != "reported" and q in labels}
    assert want, "the CSV has marked NVIDIA figures (the test would prove nothing without them)"
    chart = next(x for x in _parts(book).values() if "suppliers against the server" in x)
    ser = next(s for s in re.findall(r"<c:ser>.*?</c:ser>", chart, re.S) if "<c:v>NVIDIA (whole company)</c:v>" in s)
    got = {int(i): sym for i, sym in re.findall(r'<c:dPt><c:idx val="(\d+)"/><c:marker><c:symbol val="(\w+)"/>', ser)}
    assert got == want
    for words in ("~: the point rests on an approximate figure", "d: the point rests on a derived figure"):
        assert f"<c:v>{words}</c:v>" in chart          # one legend entry per basis drawn


def test_the_meeting_page_holds_the_margin_chart(book):
    """An embedded chart on the Meeting (not only on chart sheets), plotting the Chart data rows."""
    import re
    parts = _parts(book)
    meeting = _sheet_xml(parts, spec.MEETING)
    assert "<drawing r:id=" in meeting
    chart = next(x for x in parts.values() if spec.MEETING_CHART.title in x and "<c:chart>" in x)
    assert len(re.findall(r"<c:ser>", chart)) >= len(spec.MEETING_CHART.series) + 1
    assert "'Chart data'!$F$" in chart
    assert 'fitToPage="1"' in meeting and "fitToHeight=" not in meeting     # one page wide and tall (the default)


def test_print_setup_is_legible_with_no_lone_column(book):
    """Timeline sheets two pages across (not a fixed scale leaving one quarter on a page); Sources
    two across with period, entity and metric on each and its wrapped rows given their height."""
    import re
    parts = _parts(book)
    for name in (spec.INPUTS, spec.CALCS, spec.CHECKS, spec.CHART_DATA, spec.SOURCES):
        xml = _sheet_xml(parts, name)
        assert 'fitToWidth="2"' in xml and 'fitToHeight="0"' in xml, name
        assert not re.search(r'<pageSetup[^>]* scale="', xml), name
    assert re.search(r"_xlnm.Print_Titles[^>]*>Sources!\$A:\$C,Sources!\$1:\$1<", parts["xl/workbook.xml"])
    src = _sheet_xml(parts, spec.SOURCES)
    assert len(re.findall(r'<row r="\d+"[^>]* ht="[\d.]+" customHeight="1"', src)) > 100


def test_makers_share_of_revenue_beside_their_share_of_profit_and_the_rack_by_hand(recalculated):
    """Review 2, V1, V2, V4: from the CSV rows. In 2026 Q2 (the latest pool quarter, Supermicro out) the
    three server makers book about 21% of the seven pooled companies' revenue and earn about 5.5% of their
    operating profit; memory is 'of which' (not added), Other = 1 - GPUs - the maker's margin; Vera Rubin's
    CPUs add 55.1 - 50.7 = 4.4 pts."""
    values, _ = recalculated
    vc, peers, lenovo, ue = _csv(VC), _csv(PEERS), _csv(LENOVO), _csv(UE)
    rev = {"nvda": _row(vc, "NVIDIA", "FY2027", "Q2", "Group", "revenue"),           # May-Jul 2026
           "amd": _row(vc, "AMD", "FY2026", "Q2", "Data-Center", "revenue"),
           "tsmc": _row(vc, "TSMC", "FY2026", "Q2", "Group", "revenue"),
           "mu": _row(vc, "Micron", "FY2026", "Q3", "Group", "revenue"),             # Mar-May 2026
           "dell": _row(peers, "Dell", "FY2027", "Q2", "ISG", "revenue"),
           "hpe": _row(peers, "HPE", "FY2026", "Q3", "Cloud-AI", "revenue"),         # May-Jul 2026
           "lenovo": _row(lenovo, "Lenovo", "2026/27", "Q1", "ISG", "revenue")}      # Apr-Jun 2026
    makers = rev["dell"] + rev["hpe"] + rev["lenovo"]
    share = makers / sum(rev.values())
    assert share == pytest.approx(0.21, abs=0.005)
    meet = values[spec.MEETING]
    r = next(r for (r, c), v in meet.items() if c == 2 and v == "pool_rsh")
    P = grid.FIRST_PERIOD_COL
    assert meet[(r, P + 2)] == pytest.approx(share)
    assert meet[(r, P + 3)] == pytest.approx(0.0545, abs=5e-4)             # their share of the profit
    assert meet[(r, P + 3)] < meet[(r, P + 2)] / 3
    by = {x["statement"]: float(x["value"]) / 100 for x in ue}
    acc = statistics.median([2.5 / 4.0, 2.5 / 3.5])
    assert _at_rack(meet, "rack_m_other", 1) == pytest.approx(1 - acc - 0.05, abs=5e-4)      # 28.1%
    assert _at_rack(meet, "rack_m_mem", 1) == pytest.approx(0.075)
    cpu = by["Vera Rubin NVL72: GPU + CPU silicon share of rack cost ($4.3M / $7.8M)"] - by[
        "Vera Rubin NVL72: GPUs' share of rack cost (72 x $55,000 = $3.96M / $7,803,148)"]
    assert cpu == pytest.approx(0.044)
    assert _at_rack(meet, "ctx_vr_cpu_pts", 1) == pytest.approx(4.4)
    calcs = values[spec.CALCS]
    total = next(r for (r, c), v in calcs.items() if c == 2 and v == "rack_total")
    assert [calcs[(total, P + i)] for i in range(3)] == [pytest.approx(1.0)] * 3


def _at_rack(cells, code, i):
    r = next(r for (r, c), v in cells.items() if c == 2 and v == code)
    return cells.get((r, grid.FIRST_PERIOD_COL + i))


def test_pool_chart_marks_incomplete_quarters(recalculated):
    """Review 2, V5: from the CSV rows, 2023 Q4 has no AMD Data Center operating profit (7 of 8 in the
    pool), 2024 Q1 none for HPE Server nor Lenovo ISG (6 of 8), 2026 Q2 none for Supermicro (7 of 8);
    2023 Q1 is complete (no mark)."""
    values, _ = recalculated
    got = [_at(values, spec.CALCS, "pool_label", q) or "" for q in ("2023 Q1", "2023 Q4", "2024 Q1", "2026 Q2")]
    assert got == ["", "7/8", "6/8", "7/8"]
