"""The macro-enabled twin: its Refresh button, its audited VBA, and the handler under it."""
import openpyxl
import pytest

from model.build import build
from model.excel import refresh_book
from model.refresh import refresh
from model.vba import BUTTON_MACRO, macros, vba_problems

from .conftest import DATA
from .test_refresh import Q1, Q3, locate, new_data


@pytest.fixture
def xlsm(tmp_path):
    return build(DATA, tmp_path / "model.xlsm")


def test_the_xlsm_holds_xlwings_and_one_call_only(xlsm):
    found = macros(xlsm)
    assert set(found) == {"ThisWorkbook", "Sheet1", "Sheet2", "Module1", "xlwings", "Dictionary"}
    assert "RunPython" in found["Module1"] and f"Sub {BUTTON_MACRO}()" in found["Module1"]
    assert "Function RunPython" in found["xlwings"] or "Sub RunPython" in found["xlwings"]
    assert vba_problems(xlsm) == []
    assert (xlsm.parent / "model.py").read_text().count("refresh_book(xw.Book.caller())") == 1


def test_the_vba_check_catches_an_auto_run_macro(monkeypatch, xlsm):
    import model.vba as vba
    real = vba.macros(xlsm)
    monkeypatch.setattr(vba, "macros", lambda p: dict(real, ThisWorkbook="Private Sub Workbook_Open()\nEnd Sub"))
    assert vba.vba_problems(xlsm) == ["VBA module 'ThisWorkbook' has an auto-run macro workbook_open"]


def test_the_refresh_button_is_on_the_cover(xlsm):
    import zipfile
    with zipfile.ZipFile(xlsm) as z:
        vml = [n for n in z.namelist() if n.endswith(".vml")]
        assert len(vml) == 1
        text = z.read(vml[0]).decode()
    assert "[0]!" + BUTTON_MACRO in text and "Refresh" in text


def test_the_xlsm_opens_in_libreoffice_and_keeps_its_vba_after_refresh(lo, xlsm, tmp_path):
    values = lo.recalculate(xlsm)
    assert not any(v.errors for s, v in values.items() if s != "Chart data")   # #N/A there: gaps
    rep = refresh(xlsm, new_data(tmp_path))
    assert rep.written
    assert vba_problems(xlsm) == [] and "Module1" in macros(xlsm)
    assert lo.recalculate(xlsm)["Cover"].values  # still opens


class FakeRange:
    def __init__(self, sheet, row, col):
        self.sheet, self.row, self.column = sheet, row, col

    @property
    def value(self):
        return self.sheet.grid

    @value.setter
    def value(self, block):
        self.sheet.writes.append(((self.row, self.column), block))
        for i, line in enumerate(block):
            for j, v in enumerate(line):
                self.sheet.cells[(self.row - 1 + i, self.column - 1 + j)] = v


class FakeSheet:
    """The little of xlwings' Sheet the handler uses: used_range.value and range(...).value = block."""

    def __init__(self, ws):
        self.cells = {(c.row - 1, c.column - 1): c.value for row in ws.iter_rows() for c in row
                      if c.value is not None}
        self.writes = []

    @property
    def grid(self):
        rows = max(r for r, _ in self.cells) + 1
        cols = max(c for _, c in self.cells) + 1
        return [[self.cells.get((r, c)) for c in range(cols)] for r in range(rows)]

    @property
    def used_range(self):
        return FakeRange(self, 1, 1)

    def range(self, cell):
        return FakeRange(self, *cell)


class FakeBook:
    def __init__(self, path):
        wb = openpyxl.load_workbook(path)
        self.fullname = str(path)
        self.sheets = {ws.title: FakeSheet(ws) for ws in wb.worksheets}
        self.alerts = []
        self.app = type("App", (), {"alert": lambda _, msg: self.alerts.append(msg)})()


def test_the_button_handler_refreshes_the_open_book_in_one_write_per_block(xlsm, tmp_path):
    wb = openpyxl.load_workbook(xlsm)
    ws = wb["Inputs"]
    ws.cell(*locate(ws, "Group.revenue", Q1)).value = 18900
    wb.save(xlsm)
    import csv
    rows = list(csv.reader(open(DATA, newline="")))
    for r in rows[1:]:
        if r[0] == "2025/26" and r[1] == "Q3" and r[3] == "ISG" and r[4] == "revenue":
            r[5] = "5210"
    data = tmp_path / "corrected.csv"
    csv.writer(open(data, "w", newline="")).writerows(rows)
    book = FakeBook(xlsm)
    rep = refresh_book(book, data)
    assert rep.written
    inputs = book.sheets["Inputs"]
    assert len(inputs.writes) == 1                       # the whole input block at once
    r, c = locate(ws, "ISG.revenue", Q3)
    assert inputs.cells[(r - 1, c - 1)] == 5210
    r, c = locate(ws, "Group.revenue", Q1)
    assert inputs.cells[(r - 1, c - 1)] == 18900          # the person's value kept
    assert len(book.sheets["Assumptions"].writes) == 1 and len(book.sheets["Sources"].writes) == 1
    assert not book.sheets["Calculations"].writes        # formulas are Excel's
    assert any("conflict" in a for a in book.alerts)


def test_the_handler_sends_new_quarters_to_the_command_line(xlsm, tmp_path):
    book = FakeBook(xlsm)
    rep = refresh_book(book, new_data(tmp_path))
    assert not rep.written and "python -m model refresh" in book.alerts[0]
    assert not any(s.writes for s in book.sheets.values())
