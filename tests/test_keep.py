"""A refresh keeps every kind of work a person does to the workbook, or refuses and names it.

One workbook is edited in LibreOffice over UNO as a person would in a spreadsheet
program (comments, formats, widths and heights, a changed label, a name of their
own, notes and a "checked by" column on Sources, an embedded chart, notes of
several types, an overridden and a cleared figure), saved, and then refreshed
twice: with the same data file and with one that brings a new quarter. Each kind
is then read back from the refreshed file, one test per kind.
"""
import csv
import shutil
import zipfile
from datetime import datetime

import openpyxl
import pytest

from model.build import build
from model.lenovo.compare import compare
from model.lenovo.reference import recompute
from model.refresh import refresh

from .conftest import DATA_TO_FY2025_26 as DATA  # the timeline ends at FY2025/26 Q4 here
from .conftest import ROOT
from .test_refresh import locate
from .independent import (
    DEFAULT_SCALARS,
    SENS_INTENSITIES,
    SENS_MARGINS,
    frames_from_csv,
)

LATEST_ANSWER = "FY2025/26 Q2"        # the latest quarter with a CSP answer in that data

Q1, Q3, NEW = "FY2025/26 Q1", "FY2025/26 Q3", "FY2026/27 Q1"
COMMENT = "Checked against the 10-Q, p. 12 (AB)"
CALC_COMMENT = "Why is this negative? (CD)"


def new_quarter_data(tmp_path):
    rows = list(csv.reader(open(DATA, newline="")))
    src = "Q1 FY2026/27 results (test)"
    rows += [["2026/27", "Q1", "2026-06-30", "Group", "revenue", "23100", "usd_m", "reported", src, ""],
             ["2026/27", "Q1", "2026-06-30", "ISG", "revenue", "6000", "usd_m", "reported", src, ""]]
    path = tmp_path / "new.csv"
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _struct(uno, name, **kw):
    s = uno.createUnoStruct(name)
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def uno_find(sheet, code, label=None):
    """(row, column), 0-based, of a coded row (column C) and a period label (row 4) on a
    Calc sheet over UNO, as a person finds them by eye; column None without a label."""
    r = next(r for r in range(300) if sheet.getCellByPosition(2, r).getString() == code)
    if label is None:
        return r, None
    c = next(c for c in range(5, 80) if sheet.getCellByPosition(c, 3).getString() == label)
    return r, c


def person_edits(lo):
    """Everything a person does in Calc, as UNO calls (the sheet names and cells are the
    ones a person sees; rows are found by their code like a person would by eye)."""
    uno = lo.uno
    find = uno_find

    def edit(doc):
        sheets = doc.Sheets
        inp, calc, src = (sheets.getByName(n) for n in ("Inputs", "Calculations", "Sources"))
        r, c = find(inp, "Group.revenue", Q1)
        cell = inp.getCellByPosition(c, r)
        inp.getAnnotations().insertNew(cell.getCellAddress(), COMMENT)          # a comment
        cell.CharWeight = 150.0                                                 # bold
        cell.CellBackColor = 0xFFC000                                           # orange fill
        cell.BottomBorder = _struct(uno, "com.sun.star.table.BorderLine2",
                                    OuterLineWidth=50, LineWidth=50, Color=0xFF0000)
        inp.getCellByPosition(c, r).setValue(18900)                             # an override
        rq, cq = find(inp, "ISG.revenue", Q3)
        inp.getCellByPosition(cq, rq).setString("")                             # a cleared figure
        locale = _struct(uno, "com.sun.star.lang.Locale", Language="en", Country="US")
        fmts = doc.NumberFormats
        key = fmts.queryKey("#,##0.000", locale, False)
        if key == -1:
            key = fmts.addNew("#,##0.000", locale)
        ri, ci = find(inp, "ISG.revenue", Q1)
        inp.getCellByPosition(ci, ri).NumberFormat = key                        # a number format
        inp.Columns.getByIndex(0).Width = 25000                                 # column A wider
        inp.Rows.getByIndex(r).Height = 1200                                    # a taller row
        inp.getCellByPosition(0, r).setString("Group revenue, as reported ($M)")  # a label
        ra = find(inp, "IDG.revenue")[0]
        inp.getCellByPosition(4, ra).setFormula("=V8-U8")                       # notes: a formula,
        inp.getCellByPosition(4, find(inp, "SSG.revenue")[0]).setValue(42)      # a number,
        dcell = inp.getCellByPosition(4, find(inp, "ISG.operating_profit")[0])  # and a date
        dcell.setValue(45900)
        dcell.NumberFormat = fmts.getStandardFormat(2, locale)                  # DATE
        # a comment and a fill on a calculation (the sheet is protected without a password)
        calc.unprotect("")
        rc, cc = find(calc, "csp_op", Q1)
        calc.getAnnotations().insertNew(calc.getCellByPosition(cc, rc).getCellAddress(), CALC_COMMENT)
        calc.getCellByPosition(cc, rc).CellBackColor = 0xC6EFCE
        calc.protect("")
        # a name of one's own over the CSP operating profit row
        addr = _struct(uno, "com.sun.star.table.CellAddress", Sheet=0, Column=0, Row=0)
        doc.NamedRanges.addNewByName("My_CSP_Loss", f"$Calculations.$F${rc + 1}:$Y${rc + 1}", addr, 0)
        # notes and a "checked by" column on Sources, beside the Group revenue Q1 row
        src.getCellByPosition(9, 0).setString("Checked by")
        sr = next(r for r in range(1, 400) if (src.getCellByPosition(0, r).getString(),
                  src.getCellByPosition(1, r).getString(), src.getCellByPosition(2, r).getString())
                  == (Q1, "Group", "revenue"))
        src.getCellByPosition(9, sr).setString("AB 2025-09-01")
        src.getCellByPosition(10, sr).setString("ties to press release")
        # a chart of one's own on the Inputs sheet, below the figures
        rect = _struct(uno, "com.sun.star.awt.Rectangle", X=1000, Y=12000, Width=16000, Height=8000)
        rng = _struct(uno, "com.sun.star.table.CellRangeAddress", Sheet=list(doc.Sheets.ElementNames).index("Inputs"), StartColumn=5,
                      StartRow=r, EndColumn=24, EndRow=r)
        inp.getCharts().addNewByName("MyRevenueChart", rect, (rng,), False, False)
    return edit


RELEASE_0_1_0 = ROOT / "tests" / "fixtures" / "lenovo_isg_v0.1.0.xlsx"   # built by release 0.1.0


@pytest.fixture(scope="module")
def edited(lo, tmp_path_factory):
    """The workbook built, edited in LibreOffice and saved by it (.xlsx and .xlsm), and
    the same edits made to a workbook that release 0.1.0 built ('upgrade')."""
    d = tmp_path_factory.mktemp("edited")
    out = {}
    for suffix, filt in ((".xlsx", "Calc Office Open XML"), (".xlsm", "Calc MS Excel 2007 VBA XML")):
        built = build(DATA, d / f"built{suffix}")
        out[suffix] = lo.save_as(built, d / f"edited{suffix}", filt, edit=person_edits(lo))
    out["upgrade"] = lo.save_as(RELEASE_0_1_0, d / "edited_0_1_0.xlsx", edit=person_edits(lo))
    return out


def refreshed(edited, tmp_path, new_data, suffix=".xlsx"):
    """Refresh a copy of the edited workbook: with the same data (False), with a new
    quarter (True), or a 0.1.0 workbook with a new quarter ('upgrade')."""
    book = tmp_path / f"model{suffix}"
    shutil.copy(edited["upgrade" if new_data == "upgrade" else suffix], book)
    data = new_quarter_data(tmp_path) if new_data else DATA
    rep = refresh(book, data, now=datetime(2026, 1, 1))
    return book, rep


WHEN = pytest.mark.parametrize("new_data", [False, True, "upgrade"],
                               ids=["same-data", "new-quarter", "upgrade-from-0.1.0"])


@WHEN
def test_the_refresh_reports_the_override_and_the_clearing_by_cell(edited, tmp_path, new_data):
    book, rep = refreshed(edited, tmp_path, new_data)
    got = {(c.sheet, c.cell, c.yours, c.kept) for c in rep.conflicts}
    assert ("Inputs", "V7", 18900, "yours") in got          # the override (the data file: 18830)
    assert ("Inputs", "X14", None, "yours") in got          # the cleared ISG revenue Q3
    ws = openpyxl.load_workbook(book)["Inputs"]
    assert ws.cell(*locate(ws, "Group.revenue", Q1)).value == 18900
    assert ws.cell(*locate(ws, "ISG.revenue", Q3)).value is None


@WHEN
def test_comments_are_kept(edited, tmp_path, new_data):
    book, _ = refreshed(edited, tmp_path, new_data)
    wb = openpyxl.load_workbook(book)
    ws, calc = wb["Inputs"], wb["Calculations"]
    assert COMMENT in ws.cell(*locate(ws, "Group.revenue", Q1)).comment.text
    assert CALC_COMMENT in calc.cell(*locate(calc, "csp_op", Q1)).comment.text


@WHEN
def test_fonts_fills_borders_and_number_formats_are_kept(edited, tmp_path, new_data):
    book, _ = refreshed(edited, tmp_path, new_data)
    wb = openpyxl.load_workbook(book)
    ws, calc = wb["Inputs"], wb["Calculations"]
    cell = ws.cell(*locate(ws, "Group.revenue", Q1))
    assert cell.font.b
    assert cell.fill.fgColor.rgb.endswith("FFC000")
    assert cell.border.bottom.style is not None
    saved = openpyxl.load_workbook(edited[".xlsx"])["Inputs"]      # as LibreOffice wrote it
    fmt = saved.cell(*locate(saved, "ISG.revenue", Q1)).number_format
    assert fmt.endswith("#,##0.000")
    assert ws.cell(*locate(ws, "ISG.revenue", Q1)).number_format == fmt
    assert calc.cell(*locate(calc, "csp_op", Q1)).fill.fgColor.rgb.endswith("C6EFCE")


@WHEN
def test_column_widths_and_row_heights_are_kept(edited, tmp_path, new_data):
    book, _ = refreshed(edited, tmp_path, new_data)
    ws = openpyxl.load_workbook(book)["Inputs"]
    r, _ = locate(ws, "Group.revenue", Q1)
    assert ws.column_dimensions["A"].width > 80       # 150 mm, against the model's 62 characters
    assert ws.row_dimensions[r].height > 30          # 12 mm, against the default 15 points


@WHEN
def test_a_changed_label_is_kept(edited, tmp_path, new_data):
    book, _ = refreshed(edited, tmp_path, new_data)
    ws = openpyxl.load_workbook(book)["Inputs"]
    assert ws.cell(locate(ws, "Group.revenue", Q1)[0], 1).value == "Group revenue, as reported ($M)"


@WHEN
def test_a_name_of_ones_own_is_kept_and_follows_a_longer_row(edited, tmp_path, new_data):
    book, _ = refreshed(edited, tmp_path, new_data)
    wb = openpyxl.load_workbook(book)
    ref = wb.defined_names["My_CSP_Loss"].attr_text.replace("'", "")
    assert ref == ("Calculations!$F$23:$Z$23" if new_data else "Calculations!$F$23:$Y$23")


@WHEN
def test_notes_and_a_checked_by_column_on_sources_stay_beside_their_figure(edited, tmp_path, new_data):
    book, _ = refreshed(edited, tmp_path, new_data)
    src = openpyxl.load_workbook(book)["Sources"]
    assert src.cell(1, 10).value == "Checked by"
    rows = [r for r in range(2, src.max_row + 1)
            if (src.cell(r, 1).value, src.cell(r, 2).value, src.cell(r, 3).value) == (Q1, "Group", "revenue")]
    assert len(rows) == 1
    assert src.cell(rows[0], 10).value == "AB 2025-09-01"
    assert src.cell(rows[0], 11).value == "ties to press release"
    if new_data:     # the new figures are listed below the rows that were there
        news = [r for r in range(2, src.max_row + 1) if src.cell(r, 1).value == NEW]
        assert len(news) == 2 and min(news) > rows[0]


@WHEN
def test_an_embedded_chart_is_kept(edited, tmp_path, new_data):
    book, _ = refreshed(edited, tmp_path, new_data)
    source = edited["upgrade" if new_data == "upgrade" else ".xlsx"]
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(book) as after:
        charts_before = {n: before.read(n) for n in before.namelist() if n.startswith("xl/charts/")}
        charts_after = {n: after.read(n) for n in after.namelist() if n.startswith("xl/charts/")}
        # an older workbook also gets the charts its release lacked (bridge, annual chart)
        assert set(charts_before) <= set(charts_after)
        for n in set(charts_after) - set(charts_before):
            assert new_data == "upgrade" and any(f"{s}!".encode() in charts_after[n]
                                                 for s in ("Summary", "Annual", "Outlook")), n
        mine = [n for n, b in charts_after.items() if b"Inputs!$F$7" in b]
        assert mine, "the person's chart over Group revenue is gone"
        drawings = [n for n in after.namelist() if n.startswith("xl/drawings/drawing")]
        added = len(set(charts_after) - set(charts_before))   # one drawing per new chart
        assert len(drawings) == added + len([n for n in before.namelist()
                                             if n.startswith("xl/drawings/drawing")])


@WHEN
def test_notes_of_every_type_keep_their_type(edited, tmp_path, new_data):
    book, _ = refreshed(edited, tmp_path, new_data)
    ws = openpyxl.load_workbook(book)["Inputs"]
    assert ws.cell(locate(ws, "IDG.revenue", Q1)[0], 5).value == "=V8-U8"
    assert ws.cell(locate(ws, "SSG.revenue", Q1)[0], 5).value == 42
    assert isinstance(ws.cell(locate(ws, "ISG.operating_profit", Q1)[0], 5).value, datetime)


@WHEN
def test_an_override_keeps_its_source_on_the_sources_sheet(edited, tmp_path, new_data):
    book, _ = refreshed(edited, tmp_path, new_data)
    src = openpyxl.load_workbook(book)["Sources"]
    r = next(r for r in range(2, src.max_row + 1)
             if (src.cell(r, 1).value, src.cell(r, 2).value, src.cell(r, 3).value) == (Q1, "Group", "revenue"))
    assert src.cell(r, 4).value == 18830               # the data file's value, beside the person's
    assert src.cell(r, 6).value == "reported"
    assert "Lenovo" in str(src.cell(r, 7).value) or src.cell(r, 7).value
    assert str(src.cell(r, 8).value).startswith("http")


def test_the_person_s_vba_is_kept_byte_for_byte(edited, tmp_path):
    with zipfile.ZipFile(edited[".xlsm"]) as z:
        vba = z.read("xl/vbaProject.bin")
    for new_data in (False, True):
        book, _ = refreshed(edited, tmp_path, new_data, ".xlsm")
        with zipfile.ZipFile(book) as z:
            assert z.read("xl/vbaProject.bin") == vba


def test_every_part_the_refresh_does_not_own_is_copied_byte_for_byte(edited, tmp_path):
    book, rep = refreshed(edited, tmp_path, True)
    with zipfile.ZipFile(edited[".xlsx"]) as before, zipfile.ZipFile(book) as after:
        changed = {n for n in before.namelist() if n in after.namelist() and before.read(n) != after.read(n)}
        allowed = {"xl/workbook.xml", "docProps/custom.xml", "xl/styles.xml"}
        allowed |= {n for n in before.namelist() if n.startswith(("xl/worksheets/sheet", "xl/charts/chart"))
                    or n.endswith(".rels")}
        assert changed <= allowed, changed - allowed
        for n in before.namelist():
            if n.startswith(("xl/comments", "xl/drawings/vmlDrawing", "xl/media/")):
                assert before.read(n) == after.read(n), n


def assert_computes_right(lo, book, data):
    """LibreOffice's fresh recalculation of ``book`` matches the independent recompute of
    ``data`` with the person's two figure edits applied by hand."""
    inputs, scen, periods = frames_from_csv(data)
    inputs.loc["Group.revenue", Q1] = 18900
    inputs.loc["ISG.revenue", Q3] = float("nan")
    expected = recompute(inputs, scen, dict(DEFAULT_SCALARS), LATEST_ANSWER, SENS_MARGINS, SENS_INTENSITIES)
    values = lo.recalculate(book)
    problems = compare(expected, {s: v.values for s, v in values.items()},
                       {s: v.errors for s, v in values.items()})
    assert not problems, "\n".join(map(str, problems[:10]))


def test_the_refreshed_workbook_still_computes_right(lo, edited, tmp_path):
    """After the new quarter arrives, the model still computes right."""
    book, _ = refreshed(edited, tmp_path, True)
    assert_computes_right(lo, book, new_quarter_data(tmp_path))


def test_a_cleared_figure_stays_cleared_over_many_refreshes(edited, tmp_path):
    book, rep = refreshed(edited, tmp_path, False)
    for _ in range(3):
        rep = refresh(book, DATA)
        assert ("Inputs", "X14") in {(c.sheet, c.cell) for c in rep.conflicts}
        ws = openpyxl.load_workbook(book)["Inputs"]
        assert ws.cell(*locate(ws, "ISG.revenue", Q3)).value is None


def test_a_new_row_from_the_data_goes_below_the_others_and_moves_nothing(lo, edited, tmp_path):
    """The data file brings a series the workbook has no row for: the row is added below
    the last input row, so every row a person's comment, format or name is attached to
    stays where it was, and the model still computes right."""
    rows = list(csv.reader(open(DATA, newline="")))
    rows.append(["2025/26", "Q1", "2025-06-30", "SSG", "gross_profit", "500", "usd_m", "estimate",
                 "a test source", ""])
    data = tmp_path / "newrow.csv"
    with open(data, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    book = tmp_path / "model.xlsx"
    shutil.copy(edited[".xlsx"], book)
    before = openpyxl.load_workbook(book)["Inputs"]
    codes_before = [before.cell(r, 3).value for r in range(1, before.max_row + 1)]
    refresh(book, data)
    ws = openpyxl.load_workbook(book)["Inputs"]
    codes = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    last = max(i for i, c in enumerate(codes_before) if c and "." in c)
    assert codes[:last + 1] == codes_before[:last + 1]
    assert codes[last + 1] == "SSG.gross_profit"
    assert ws.cell(*locate(ws, "SSG.gross_profit", Q1)).value == 500
    assert COMMENT in ws.cell(*locate(ws, "Group.revenue", Q1)).comment.text
    # a second new series that sorts before the first in the vocabulary still goes below it
    rows.append(["2025/26", "Q1", "2025-06-30", "IDG", "gross_profit", "600", "usd_m", "estimate",
                 "test", ""])
    with open(data, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    refresh(book, data)
    ws = openpyxl.load_workbook(book)["Inputs"]
    codes = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    assert codes[last + 1:last + 3] == ["SSG.gross_profit", "IDG.gross_profit"]
    assert_computes_right(lo, book, data)


def test_a_release_that_changes_formulas_and_labels_upgrades_old_workbooks(edited, tmp_path, monkeypatch):
    """Pretend the next release rewrites a row's formula and label: a 0.1.0 workbook
    refreshes into it without --force, its old formulas and labels replaced, a person's
    edits kept; a formula a person changed is still refused."""
    import dataclasses

    from model.lenovo import spec
    rows = tuple(dataclasses.replace(r, formula="IF(ISNUMBER({ISG.revenue}),"
                                                "{ISG.operating_profit}/{ISG.revenue},\"\")",
                                     label="ISG operating margin, new wording (%)")
                 if r.key == "isg_om" else r for r in spec.CALC_ROWS)
    monkeypatch.setattr(spec, "CALC_ROWS", rows)
    book, rep = refreshed(edited, tmp_path, "upgrade")
    assert rep.written and not rep.forced_over
    wb = openpyxl.load_workbook(book)
    calc = wb["Calculations"]
    r, c = locate(calc, "isg_om", Q1)
    assert calc.cell(r, c).value == "=IF(ISNUMBER(Inputs!V14),Inputs!V15/Inputs!V14,\"\")"
    assert calc.cell(r, 1).value == "ISG operating margin, new wording (%)"
    assert CALC_COMMENT in calc.cell(*locate(calc, "csp_op", Q1)).comment.text
    # a person's own change to a formula is not the old model's: refused
    from model.refresh import RefreshRefused
    other = tmp_path / "other.xlsx"
    shutil.copy(edited["upgrade"], other)
    wb = openpyxl.load_workbook(other)
    wb["Calculations"].cell(r, c).value = "=Inputs!V15/Inputs!V14*1"
    wb.save(other)
    with pytest.raises(RefreshRefused, match="model cells were edited"):
        refresh(other, DATA)


def test_a_release_that_adds_sheets_charts_and_names_adds_them_to_old_workbooks(lo, edited, tmp_path,
                                                                              monkeypatch):
    """Pretend the next release adds a Summary sheet in front, a chart sheet and a public
    name: a 0.1.0 workbook gets them at their places, everything else stays."""
    from model.lenovo import layout, spec
    from model.core.layout import SheetLayout

    from .render import DRAWN, chart_pages
    orig = layout.lay_out

    def lay_out(mi, source_order=None):
        lay = orig(mi, source_order)
        sh = SheetLayout("Front", protect=True)
        sh.put(0, 0, "Front: CSP operating profit", "title")
        sh.put(2, 0, "CSP operating profit, FY2025/26 Q1 ($M)", "label")
        sh.formula(2, 1, "Calculations!V23", "calc|$M")
        sh.widths = {0: 40, 1: 14}
        lay.sheets = {"Front": sh, **lay.sheets}
        lay.names["Front_CSP_OperatingProfit"] = "Front!$B$3"
        return lay
    extra = spec.Chart("Chart Extra", "An extra chart of ISG revenue", "Revenue ($M)",
                       spec.FORMATS["$M"], (spec.Series("ISG.revenue", "ISG revenue ($M)"),))
    # the next release is the Lenovo model value with another layout and one more chart
    from dataclasses import replace

    from model import models
    next_release = replace(models.get("lenovo_isg"), lay_out=lay_out, charts=spec.CHARTS + (extra,))
    monkeypatch.setitem(models._CACHE, "lenovo_isg", next_release)
    book, rep = refreshed(edited, tmp_path, "upgrade")
    assert rep.written
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[0] == "Front" and "Chart Extra" in wb.sheetnames
    assert wb["Front"]["B3"].value == "=Calculations!V23"
    assert wb.defined_names["Front_CSP_OperatingProfit"].attr_text == "Front!$B$3"
    assert wb["Inputs"].print_area and "Inputs" in str(wb["Inputs"].print_area)
    assert wb["Front"].protection.sheet
    assert COMMENT in wb["Inputs"].cell(*locate(wb["Inputs"], "Group.revenue", Q1)).comment.text
    values = lo.recalculate(book)
    assert values["Front"].values[(2, 1)] == pytest.approx(values["Calculations"].values[(22, 21)])
    drawn = chart_pages(lo, book, ["An extra chart of ISG revenue"], tmp_path)
    assert all(px > DRAWN for px in drawn.values()), drawn


def test_a_release_that_adds_rows_below_writes_them_into_old_workbooks(lo, edited, tmp_path, monkeypatch):
    """Pretend the next release adds a calculation row below the others and a check: a
    0.1.0 workbook gets both, computed, without --force; its edits stay."""
    from model.lenovo import spec
    row = spec.CalcRow("csp_loss_share", "CSP operating loss as a share of group revenue (%)", "%",
                       "IF(OR({csp_op}=\"\",{Group.revenue}=\"\"),\"\",{csp_op}/{Group.revenue})")
    monkeypatch.setattr(spec, "CALC_ROWS", spec.CALC_ROWS + (row,))
    chk = spec.Check("loss_share_sign", "CSP loss share not above 100%",
                     "IF({csp_loss_share}=\"\",0,IF(ABS({csp_loss_share})>1,1,0))")
    monkeypatch.setattr(spec, "CHECKS_LIST", spec.CHECKS_LIST + (chk,))
    book, rep = refreshed(edited, tmp_path, "upgrade")
    assert rep.written and not rep.forced_over
    wb = openpyxl.load_workbook(book)
    calc, checks = wb["Calculations"], wb["Checks"]
    r, c = locate(calc, "csp_loss_share", Q1)
    assert str(calc.cell(r, c).value).startswith("=IF(")
    assert checks.cell(*locate(checks, "loss_share_sign", Q1)).value.startswith("=IF(")
    assert CALC_COMMENT in calc.cell(*locate(calc, "csp_op", Q1)).comment.text
    values = lo.recalculate(book)
    op = values["Calculations"].values[(locate(calc, "csp_op", Q1)[0] - 1, c - 1)]
    rev = values["Inputs"].values[(6, c - 1)]
    assert values["Calculations"].values[(r - 1, c - 1)] == pytest.approx(op / rev)
    assert values["Checks"].values[(4, 4)] == 0          # the master check counts the new check
