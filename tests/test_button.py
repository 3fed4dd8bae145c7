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


class FakeApp:
    """The little of xlwings' App the handler uses, recording what it does."""

    def __init__(self, log):
        self.log, self.alerts = log, []
        self.books = self

    def alert(self, msg):
        self.alerts.append(msg)

    def open(self, path):           # app.books.open
        self.log.append(("open", path))


class FakeBook:
    """An open workbook: the handler may save it (the file is already as the person left
    it), close it and have the app open it again."""

    def __init__(self, path):
        self.fullname = str(path)
        self.log = []
        self.app = FakeApp(self.log)

    def save(self):
        self.log.append(("save", self.fullname))

    def close(self):
        self.log.append(("close", self.fullname))


def _corrected(tmp_path):
    import csv
    rows = list(csv.reader(open(DATA, newline="")))
    for r in rows[1:]:
        if r[0] == "2025/26" and r[1] == "Q3" and r[3] == "ISG" and r[4] == "revenue":
            r[5] = "5210"
    data = tmp_path / "corrected.csv"
    csv.writer(open(data, "w", newline="")).writerows(rows)
    return data


def test_the_button_saves_closes_refreshes_the_file_and_reopens_it(xlsm, tmp_path):
    """Issue 19 item 8: the handler runs the command line's refresh on the file, keeping a
    person's edit and bringing the corrected figure, between closing and reopening."""
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    ws = wb["Inputs"]
    ws.cell(*locate(ws, "Group.revenue", Q1)).value = 18900
    wb.save(xlsm)
    book = FakeBook(xlsm)
    rep = refresh_book(book, _corrected(tmp_path))
    assert rep.written
    assert [step for step, _ in book.log] == ["save", "close", "open"]
    after = openpyxl.load_workbook(xlsm)["Inputs"]
    assert after.cell(*locate(after, "ISG.revenue", Q3)).value == 5210
    assert after.cell(*locate(after, "Group.revenue", Q1)).value == 18900       # the person's value kept
    assert any("conflict" in a for a in book.app.alerts)
    assert vba_problems(xlsm) == [] and "Module1" in macros(xlsm)


def test_new_quarters_arrive_through_the_button(xlsm, tmp_path):
    """Issue 19 item 8: a new quarter was refused with "run python -m model refresh"."""
    book = FakeBook(xlsm)
    rep = refresh_book(book, new_data(tmp_path))
    assert rep.written and rep.new_periods
    assert [step for step, _ in book.log] == ["save", "close", "open"]
    assert not any("python -m model refresh" in a for a in book.app.alerts)
    after = openpyxl.load_workbook(xlsm)["Inputs"]
    assert after.cell(*locate(after, "Group.revenue", "FY2026/27 Q1")).value == 23100   # new_data's
    assert after.cell(*locate(after, "Group.revenue", "FY2026/27 Q2")).value == 24000


def test_a_version_mismatch_is_refused_before_anything_is_touched(xlsm, tmp_path, monkeypatch):
    """Issue 19 item 8: checked at the start of a refresh, with what to do."""
    import model.excel
    monkeypatch.setattr(model.excel, "installed_xlwings", lambda: "0.38.0")
    before = xlsm.read_bytes()
    book = FakeBook(xlsm)
    assert refresh_book(book, new_data(tmp_path)) is None
    assert book.log == [] and xlsm.read_bytes() == before
    alert, = book.app.alerts
    assert "xlwings 0.37.8's" in alert and "xlwings 0.38.0" in alert and 'pip install "xlwings==0.37.8"' in alert


@pytest.mark.parametrize("path, on_disk, embedded, installed, says", [
    ("Book1", False, None, "0.37.8", "Save the workbook"),
    ("m.xlsx", True, None, "0.37.8", "not the macro-enabled"),
    ("m.xlsm", True, None, "0.37.8", "no xlwings VBA"),
    ("m.xlsm", True, "0.37.8", None, "has no xlwings"),
    ("m.xlsm", True, "0.37.8", "0.35.0", 'pip install "xlwings==0.37.8"'),
    ("m.xlsm", True, "0.37.8", "0.37.8", ""),
])
def test_the_button_planner(path, on_disk, embedded, installed, says):
    """Issue 19 item 8: the plan, decided without Excel."""
    from model.button import STEPS, plan
    todo = plan(path, on_disk, embedded, installed)
    if says:
        assert todo.steps == () and says in todo.message and "Nothing was changed" in todo.message
    else:
        assert todo.steps == STEPS == ("save", "close", "refresh", "reopen") and todo.message == ""


def test_the_vba_embedded_and_the_xlwings_accepted_are_the_same_version(xlsm):
    """Issue 19 item 8: pyproject pins xlwings to the version whose VBA the build embeds."""
    import re

    from model.button import XLWINGS_PINNED, embedded_xlwings

    from .conftest import ROOT
    pins = re.findall(r'"xlwings([^"]*)"', (ROOT / "pyproject.toml").read_text())
    assert pins == [f"=={XLWINGS_PINNED}"]
    assert embedded_xlwings(xlsm) == XLWINGS_PINNED


def test_a_build_with_another_xlwings_installed_is_refused(tmp_path, monkeypatch):
    import model.button
    from model.build import BuildRefused
    monkeypatch.setattr(model.button, "installed_xlwings", lambda: "0.36.1")
    with pytest.raises(BuildRefused, match="xlwings 0.37.8's VBA"):
        build(DATA, tmp_path / "m.xlsm")
    assert not (tmp_path / "m.xlsm").exists()


def test_an_empty_sheet_module_is_not_unexpected_vba(monkeypatch, xlsm):
    """Issue 19 item 8: Excel gives an added sheet (xlwings.conf) a module of its own, with
    attributes only; code in it is still unexpected."""
    import model.vba as vba
    real = vba.macros(xlsm)
    empty = real["Sheet1"].replace("Sheet1", "Sheet3")
    monkeypatch.setattr(vba, "macros", lambda p: dict(real, Sheet3=empty))
    assert vba.vba_problems(xlsm) == []
    monkeypatch.setattr(vba, "macros", lambda p: dict(real, Sheet3=empty + "Sub Hello()\nEnd Sub\n"))
    assert vba.vba_problems(xlsm) == ["unexpected VBA module 'Sheet3'"]


def _with_conf(src, dst, rows):
    wb = openpyxl.load_workbook(src)
    ws = wb.create_sheet("xlwings.conf")
    for row in rows:
        ws.append(row)
    wb.save(dst)
    return dst


def test_an_xlwings_conf_sheet_of_settings_is_allowed_by_the_audit(tmp_path):
    """Issue 19 item 8: the README's xlwings.conf advice no longer fails the audit; a sheet
    of that name holding more than settings still does."""
    from model.audit import inspect
    book = build(DATA, tmp_path / "model.xlsx")
    plain = _with_conf(book, tmp_path / "plain.xlsx", [])
    wb = openpyxl.load_workbook(plain)
    del wb["xlwings.conf"]
    wb.save(plain)                                       # the same openpyxl save, no conf sheet
    baseline = sorted((f.rule, f.where) for f in inspect(plain).findings)
    conf = _with_conf(book, tmp_path / "conf.xlsx", [
        ["Interpreter_Win", r"C:\Users\ana\AppData\Local\Programs\Python\Python311\python.exe"],
        ["PYTHONPATH", r"C:\Users\ana\isg-margin-model"], ["Show Console", False]])
    assert sorted((f.rule, f.where) for f in inspect(conf).findings) == baseline
    more = _with_conf(book, tmp_path / "more.xlsx", [["PYTHONPATH", "C:\\m", "my note"]])
    added = [f for f in inspect(more).findings if f.rule == "STRUCT-SHEET-ADDED"]
    assert len(added) == 1 and "columns A and B only" in added[0].message
