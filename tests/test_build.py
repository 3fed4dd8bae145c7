"""The build: data validation, safe text, reproducibility and workbook conventions."""
import csv
import hashlib
import zipfile

import openpyxl
import pytest

from model.__main__ import main
from model.build import build
from model.core.dataset import DataError
from model.lenovo.data import load

from .conftest import DATA

HEADER = ["fiscal_year", "fiscal_quarter", "period_end", "entity", "metric", "value", "unit",
          "basis", "source_title", "source_url"]
GOOD = ["2025/26", "Q1", "2025-06-30", "Group", "revenue", "18830", "usd_m", "reported", "t", "https://x"]


def write_csv(path, rows):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


@pytest.mark.parametrize("change, needle", [
    ({3: "Martians"}, "unknown entity 'Martians'"),
    ({4: "ebitda"}, "unknown metric 'ebitda'"),
    ({5: "lots"}, "value 'lots' is not a number"),
    ({1: "Q5"}, "fiscal_quarter 'Q5'"),
    ({0: "2025/27"}, "the second year must follow the first"),
    ({6: "pct"}, "unit 'pct' does not fit metric revenue"),
    ({7: "rumour"}, "unknown basis 'rumour'"),
    ({2: "June 30"}, "period_end 'June 30'"),     # 30/06/2025 is read (issue 19 item 10)
    ({5: "nan"}, "is not a number"),
])
def test_a_malformed_row_is_named_and_nothing_is_written(tmp_path, capsys, change, needle):
    bad = list(GOOD)
    for i, v in change.items():
        bad[i] = v
    src = write_csv(tmp_path / "bad.csv", [GOOD[:3] + ["ISG", "revenue", "4290", "usd_m"] + GOOD[7:], bad])
    out = tmp_path / "out.xlsx"
    assert main(["build", "--data", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{src}:3: " in err and needle in err
    assert not out.exists()
    assert not list(tmp_path.glob(".out.xlsx.*"))    # no temporary left behind


def test_a_duplicated_figure_names_both_rows(tmp_path):
    src = write_csv(tmp_path / "dup.csv", [GOOD, GOOD])
    with pytest.raises(DataError) as exc:
        load(src)
    assert exc.value.problems == [f"{src}:3: duplicate figure FY2025/26 Q1 Group revenue "
                                  "(first given on row 2)"]


def test_a_failed_build_leaves_the_old_workbook_alone(tmp_path):
    out = build(DATA, tmp_path / "book.xlsx")
    before = out.read_bytes()
    src = write_csv(tmp_path / "bad.csv", [GOOD[:5] + ["n/a"] + GOOD[6:]])
    with pytest.raises(DataError):
        build(src, out)
    assert out.read_bytes() == before


def test_missing_columns_and_empty_files(tmp_path):
    p = tmp_path / "cols.csv"
    p.write_text("fiscal_year,value\n2025/26,1\n")
    with pytest.raises(DataError, match=r"cols.csv:1: missing column\(s\) fiscal_quarter"):
        load(p)
    e = tmp_path / "empty.csv"
    e.write_text("")
    with pytest.raises(DataError, match="empty.csv:1: the file is empty"):
        load(e)


def test_the_same_inputs_build_the_same_bytes(tmp_path):
    a = build(DATA, tmp_path / "a.xlsx").read_bytes()
    b = build(DATA, tmp_path / "b.xlsx").read_bytes()
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest()


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@NOW()", '=HYPERLINK("http://x","y")'])
def test_data_text_that_looks_like_a_formula_lands_as_text(tmp_path, text):
    row = list(GOOD)
    row[8] = text
    row[9] = text
    out = build(write_csv(tmp_path / "t.csv", [row]), tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["Sources"]
    cells = [c for r in ws.iter_rows() for c in r if c.value == text]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" + text.lstrip("=").encode() in z.read(n) for n in sheets)


def test_another_companys_periods_build(tmp_path):
    """Fiscal years written as plain years, other quarters, a gap: nothing Lenovo-specific."""
    rows = [["2019", "Q3", "", "Group", "revenue", "100", "usd_m", "reported", "s", ""],
            ["2020", "Q2", "", "Group", "revenue", "120", "usd_m", "reported", "s", ""],
            ["2020", "Q2", "", "ISG", "revenue", "30", "usd_m", "estimate", "s", ""]]
    out = build(write_csv(tmp_path / "other.csv", rows), tmp_path / "other.xlsx")
    wb = openpyxl.load_workbook(out)
    labels = [c.value for c in wb["Inputs"][4][5:]]
    assert labels == ["FY2019 Q3", "FY2019 Q4", "FY2020 Q1", "FY2020 Q2"]


def test_defined_names_span_the_timeline(default_book):
    wb = openpyxl.load_workbook(default_book)
    names = wb.defined_names
    expected = {"Periods", "Group_Revenue", "Group_GrossProfit", "Group_OperatingProfit",
                "ExCSP_GrossMargin", "Blended_GrossMargin", "Opex_Pool", "CSP_Revenue",
                "CSP_GrossProfit", "CSP_GrossMargin", "CSP_AllocatedOpex", "CSP_OperatingProfit",
                "CSP_RevenuePerDollarLost", "CSP_BreakevenGrossMargin", "ISG_Revenue",
                "ISG_OperatingProfit", "ISG_OperatingMargin"}
    assert expected <= set(names)

    def cols(ref):
        rng = ref.split("!")[1].replace("$", "")
        a, b = rng.split(":")
        assert a.rstrip("0123456789") != "" and a.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == \
            b.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), f"{ref} is not a single row"
        return a.rstrip("0123456789"), b.rstrip("0123456789")
    periods = cols(names["Periods"].attr_text)
    assert periods == ("F", "Z")       # 21 quarters FY2021/22 Q1 .. FY2026/27 Q1
    for n in expected:
        assert cols(names[n].attr_text) == periods, n


def test_modelling_conventions(default_book):
    wb = openpyxl.load_workbook(default_book)
    assert wb.sheetnames[:9] == ["Cover", "Summary", "Annual", "Outlook", "Inputs", "Assumptions",
                                 "Calculations", "Sensitivity", "Checks"]
    assert wb.sheetnames[-2:] == ["Sources", "Quotes"]
    for name in ("Calculations", "Checks", "Sensitivity", "Cover"):
        assert wb[name].protection.sheet and not wb[name].protection.password, name
    inputs = wb["Inputs"]
    assert inputs.freeze_panes == "F5"
    rev = inputs["V7"]                     # Group revenue FY2025/26 Q1
    assert rev.value == 18830 and rev.protection.locked is False
    assert rev.font.color.rgb.endswith("0000FF")
    calc = wb["Calculations"]
    for row in calc.iter_rows(min_row=7, min_col=6):
        for c in row:
            if c.value is not None:
                assert isinstance(c.value, str) and c.value.startswith("="), c.coordinate
                assert c.protection.locked is not False
    for ws in wb.worksheets:
        assert ws.print_area, ws.title
    # units in every calculation label
    for r in range(7, calc.max_row + 1):
        label, unit = calc.cell(r, 1).value, calc.cell(r, 2).value
        if unit:
            assert label.endswith(f"({unit})"), label


def test_one_formula_across_each_row(default_book):
    """In R1C1 terms every period cell of a calculated row holds the same formula; a
    growth rate's first quarters, which have no prior period, hold ="" and refer to
    nothing (once they reached into the label and notes columns)."""
    from openpyxl.formula.translate import Translator
    wb = openpyxl.load_workbook(default_book)
    no_prior, no_later = {}, {}
    for name in ("Calculations", "Checks"):
        ws = wb[name]
        for row in ws.iter_rows(min_row=7, min_col=6):
            cells = [c for c in row if isinstance(c.value, str) and c.value.startswith("=")]
            lead = 0
            while lead < len(cells) and cells[lead].value == '=""':
                lead += 1
            if lead:
                no_prior[ws.cell(row[0].row, 3).value] = lead
            cells = cells[lead:]
            trail = 0              # a year later's figure: the last quarters have none after them
            while trail < len(cells) and cells[-1 - trail].value == '=""':
                trail += 1
            if trail:
                no_later[ws.cell(row[0].row, 3).value] = trail
            cells = cells[:len(cells) - trail]
            assert '=""' not in [c.value for c in cells]
            for c in cells[1:]:
                moved = Translator(cells[0].value, origin=cells[0].coordinate).translate_formula(c.coordinate)
                assert moved == c.value, f"{name}!{c.coordinate}"
    lags = {"yoy": 4, "qoq": 1}      # quarters back to the prior period
    expected = {k: lags[k[-3:]] for k in ("group_rev_yoy", "group_rev_qoq", "isg_rev_yoy",
                                          "isg_rev_qoq", "ai_rev_yoy", "ai_rev_qoq")}
    # trailing four quarters: the first three quarters have no full year behind them
    expected.update({k: 3 for k in ("ttm_group_revenue", "ttm_group_op", "ttm_isg_revenue", "ttm_isg_op")})
    # revenue derived from growth (0.4.0): forward from a year earlier, back from a year later
    expected.update({"csp_rev_fwd": 4, "esmb_rev_fwd": 4})
    assert no_prior == expected
    assert no_later == {"csp_rev_back": 4, "esmb_rev_back": 4}


def test_estimates_are_marked(default_book):
    wb = openpyxl.load_workbook(default_book)
    ws = wb["Inputs"]
    codes = {ws.cell(r, 3).value: r for r in range(1, ws.max_row + 1)}
    csp = ws.cell(codes["ISG-CSP.revenue"], 22)            # FY2025/26 Q1, an estimate
    pipe = ws.cell(codes["ISG-AI.pipeline"], 22)           # a lower bound
    ai = ws.cell(codes["ISG-AI.revenue"], 22)              # approximate
    assert '"e"' in csp.number_format and '"≥"' in pipe.number_format and '"~"' in ai.number_format
    assert csp.fill.fgColor.rgb != ws.cell(codes["Group.revenue"], 22).fill.fgColor.rgb
