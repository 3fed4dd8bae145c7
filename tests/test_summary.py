"""The meeting pages: the Summary, the reconciliation, scenarios, the bridge and the annual
figures, recalculated by LibreOffice, against the sources and independent arithmetic."""
import pandas as pd
import pytest

from model.lenovo.reader import PERIOD

from .conftest import DATA


def _by_code(values, sheet):
    """Row codes: column C, on the Summary column S (outside its print area)."""
    cells = values[sheet].values
    cc = 18 if sheet == "Summary" else 2
    return {v: r for (r, c), v in cells.items() if c == cc and isinstance(v, str)}, cells


def test_every_quarter_with_the_inputs_has_an_answer_and_the_others_say_what_is_missing(default_values):
    from model.core.reader import timeline
    cells = default_values["Calculations"].values
    tl = timeline("Calculations", cells, PERIOD)
    op = {q: cells.get((tl.rows["csp_op"], c)) for q, c in tl.cols.items()}
    why = {q: cells.get((tl.rows["csp_missing"], c)) for q, c in tl.cols.items()}
    assert [q for q, v in op.items() if v is not None] == ["FY2024/25 Q1", "FY2024/25 Q2", "FY2025/26 Q1",
                                                          "FY2025/26 Q2", "FY2026/27 Q1"]
    for q, v in op.items():
        assert (v is None) == bool(why[q]), q
    # FY2025/26 Q3: group figures given, no CSP/enterprise split in the sources
    assert why["FY2025/26 Q3"] == "missing: CSP revenue (or ISG and enterprise/SMB revenue);"
    # FY2022/23 Q2: no operating profit, no CSP split
    assert "group operating profit" in why["FY2022/23 Q2"]


def test_the_summary_shows_the_latest_answer_and_reconciles_with_the_published_figure(lo, default_book,
                                                                                   default_values, tmp_path):
    import shutil

    import openpyxl
    codes, cells = _by_code(default_values, "Summary")
    assert cells[(3, 3)] == "FY2026/27 Q1"          # the latest answered quarter
    path = shutil.copy(default_book, tmp_path / "q2.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Summary"]["D4"] = "FY2025/26 Q2"
    wb.save(path)
    codes, cells = _by_code(lo.recalculate(path), "Summary")
    # The Next Platform's FY2025/26 Q2 CSP operating profit -349 and enterprise/SMB +317 (data file)
    assert cells[(codes["rec_op"], 3)] == -349
    assert cells[(codes["rec_esmb"], 3)] == 317
    # ours at 17.2%: group GP 3,147 - (20,452 - 2,760) x 17.2% - opex pool (3,147 - 643) x 2,760 / 20,452
    gp, rev, csp, op = 3147.0, 20452.0, 2760.0, 643.0
    ours = gp - (rev - csp) * 0.172 - (gp - op) * csp / rev
    assert cells[(codes["rec_op"], 4)] == pytest.approx(ours)
    # the ex-CSP margin that gives -349: (GP - opex - (-349)) / ex-CSP revenue
    implied = (gp - (gp - op) * csp / rev + 349) / (rev - csp)
    assert cells[(codes["rec_op"], 6)] == pytest.approx(implied)
    assert round(implied * 100, 1) == 17.9           # v3: 3,147 and 20,452 (v2 had 17.8 from 3,146 and 20,450)
    assert cells[(codes["master"], 3)] == "OK"


def test_fy2025_26_q1_reproduces_the_published_analysis(lo, default_book, tmp_path):
    """Choose FY2025/26 Q1 on the Summary: -50.2 / -304.8 / 7.91, and the ex-CSP margin that
    reproduces the published -305 is 17.2% to the first decimal."""
    import shutil

    import openpyxl
    path = shutil.copy(default_book, tmp_path / "q1.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Summary"]["D4"] = "FY2025/26 Q1"
    wb.save(path)
    values = lo.recalculate(path)
    codes, cells = _by_code(values, "Summary")
    assert cells[(codes["h_csp_gp"], 3)] == pytest.approx(-50.2, abs=0.05)
    assert cells[(codes["h_csp_op"], 3)] == pytest.approx(-304.8, abs=0.05)
    assert cells[(codes["h_per_loss"], 3)] == pytest.approx(7.91, abs=0.005)
    assert round(cells[(codes["rec_op"], 6)] * 100, 1) == 17.2
    assert cells[(codes["rec_gp"], 3)] == -50
    # scenarios side by side: a higher ex-CSP margin is a bigger CSP loss, and every one is >= 17%
    lo_, base, hi = (cells[(codes["sc_op"], 3 + j)] for j in range(3))
    assert lo_ > base > hi and base == pytest.approx(cells[(codes["h_csp_op"], 3)])
    assert all(cells[(codes["sc_margin"], 3 + j)] >= 0.17 for j in range(3))
    # the bridge ends where the headline does
    assert cells[(codes["br_csp_op"], 14)] == pytest.approx(cells[(codes["h_csp_op"], 3)])
    assert cells[(codes["br_csp_rev"], 3)] == 2410          # the CSP-only bridge starts at CSP revenue


def test_annual_totals_only_for_complete_years(default_values):
    df = pd.read_csv(DATA, dtype={"fiscal_year": str})
    isg = df[(df.entity == "ISG") & (df.metric == "revenue")]
    codes, cells = _by_code(default_values, "Annual")
    years = {cells[(3, c)]: c for c in range(3, 12) if cells.get((3, c))}
    for fy, c in years.items():
        got = isg[isg.fiscal_year == fy[2:]]
        want = got.value.sum() if len(got) == 4 else None
        assert cells.get((codes["fy_isg_revenue"], c)) == (pytest.approx(want) if want else None), fy
    op = df[(df.entity == "ISG") & (df.metric == "operating_profit")]
    # FY2023/24 Q4 ISG operating profit is not in the sources: the year says so
    assert cells[(codes["fy_isg_op_status"], years["FY2023/24"])] == "incomplete: 3 of 4"
    assert len(op[op.fiscal_year == "2023/24"]) == 3


def test_values_are_stored_with_the_formulas_and_match_a_fresh_recalculation(default_book, default_values):
    """A reader that does not recalculate (pandas, Power Query, a preview) sees the numbers:
    every value stored with a formula is what LibreOffice computes afresh."""
    import openpyxl

    from model.core.compare import same
    wb = openpyxl.load_workbook(default_book, data_only=True)
    seen = 0
    for name, sv in default_values.items():
        if name not in wb.sheetnames or not hasattr(wb[name], "iter_rows"):
            continue
        for row in wb[name].iter_rows():
            for cell in row:
                if cell.value is None or cell.value == "":
                    continue
                got = sv.errors.get((cell.row - 1, cell.column - 1), sv.values.get((cell.row - 1, cell.column - 1)))
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    assert same(cell.value, got), f"{name}!{cell.coordinate}: stored {cell.value}, fresh {got}"
                    seen += 1
    assert seen > 1000
    df = pd.read_excel(default_book, sheet_name="Summary", header=None)
    row = df.index[df[18] == "st_op"][0]                          # the strip: CSP operating profit
    assert df.iloc[row, 3:8].tolist() == pytest.approx([-29.10, -155.97, -304.81, -233.94, -146.20], abs=0.01)
