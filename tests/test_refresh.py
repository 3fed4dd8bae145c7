"""Refresh as finance staff use it: edit in the workbook, get new figures, lose nothing."""
import csv
import errno
import os
import shutil
import signal
import subprocess
import sys
import time

import openpyxl
import pytest

from model.__main__ import main
from model.build import build
from model.compare import compare
from model.reader import read_cells
from model.reference import recompute
from model.refresh import RefreshRefused, refresh

from .conftest import DATA, ROOT
from .independent import (
    DEFAULT_SCALARS,
    SENS_INTENSITIES,
    SENS_MARGINS,
    frames_from_csv,
)
from .render import chart_pages

Q1, Q3, NEW1, NEW2 = "FY2025/26 Q1", "FY2025/26 Q3", "FY2026/27 Q1", "FY2026/27 Q2"


def locate(ws, code, label):
    """(row, col) 1-based of a coded row and a period label on an openpyxl sheet."""
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == code)
    col = next(c for c in range(1, ws.max_column + 2) if ws.cell(4, c).value == label)
    return row, col


def new_data(tmp_path):
    """The default data plus a new quarter, a late one, and two corrections."""
    rows = list(csv.reader(open(DATA, newline="")))
    for r in rows[1:]:
        if r[0] == "2025/26" and r[1] == "Q3" and r[3] == "ISG" and r[4] == "revenue":
            r[5] = "5210"                       # corrected; nobody typed over it
        if r[0] == "2025/26" and r[1] == "Q1" and r[3] == "Group" and r[4] == "revenue":
            r[5] = "18835"                      # corrected, but a person overrode it
    src = "Q1 FY2026/27 results (test)"
    rows += [["2026/27", "Q1", "2026-06-30", "Group", "revenue", "23100", "usd_m", "reported", src, ""],
             ["2026/27", "Q1", "2026-06-30", "ISG", "revenue", "6000", "usd_m", "reported", src, ""],
             ["2026/27", "Q2", "2026-09-30", "Group", "revenue", "24000", "usd_m", "reported", src, ""]]
    path = tmp_path / "new.csv"
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def edit_as_a_person(book):
    """Change an assumption and the scenario, override a figure, note a row, type a new quarter."""
    wb = openpyxl.load_workbook(book)
    ws, ass = wb["Inputs"], wb["Assumptions"]
    r, c = locate(ws, "Group.revenue", Q1)
    ws.cell(r, c).value = 18900
    ws.cell(r, 5).value = "=checked against the 10-K"    # a note that looks like a formula
    ws.cell(r, 5).data_type = "s"
    last = max(c for c in range(1, ws.max_column + 1) if ws.cell(4, c).value)
    ws.cell(4, last + 1).value = NEW1
    ws.cell(r, last + 1).value = 23000
    ws.cell(locate(ws, "ISG.operating_profit", "FY2025/26 Q4")[0], locate(ws, "ISG.operating_profit",
            "FY2025/26 Q4")[1]).value = -20          # a figure the data file does not have
    codes = {ass.cell(i, 3).value: i for i in range(1, ass.max_row + 1)}
    ass.cell(codes["opex_intensity"], 5).value = 0.8
    ass.cell(codes["scenario"], 5).value = "High"
    hr, hc = locate(ass, "High", Q1)
    ass.cell(hr, hc).value = 0.185
    wb.save(book)


@pytest.fixture
def book(tmp_path):
    return build(DATA, tmp_path / "model.xlsx")


def test_every_edit_survives_and_new_figures_arrive(lo, book, tmp_path):
    edit_as_a_person(book)
    data = new_data(tmp_path)
    rep = refresh(book, data)
    assert rep.written and rep.backup.exists()
    conflicts = {(c.what, c.yours, c.data, c.kept) for c in rep.conflicts}
    assert conflicts == {(f"Group.revenue {Q1}", 18900, 18835, "yours"),
                         (f"Group.revenue {NEW1}", 23000, 23100, "yours")}
    assert [c.cell for c in rep.conflicts if Q1 in c.what] == ["V7"]
    assert any("ISG.revenue FY2025/26 Q3: 5200 -> 5210" in u for u in rep.updated)
    assert rep.new_periods == [NEW1, NEW2]

    wb = openpyxl.load_workbook(book)
    ws, ass = wb["Inputs"], wb["Assumptions"]
    assert ws.cell(*locate(ws, "Group.revenue", Q1)).value == 18900
    assert ws.cell(locate(ws, "Group.revenue", Q1)[0], 5).value == "=checked against the 10-K"
    assert ws.cell(locate(ws, "Group.revenue", Q1)[0], 5).data_type == "s"
    assert ws.cell(*locate(ws, "Group.revenue", NEW1)).value == 23000
    assert ws.cell(*locate(ws, "Group.revenue", NEW2)).value == 24000
    assert ws.cell(*locate(ws, "ISG.revenue", Q3)).value == 5210
    assert ws.cell(*locate(ws, "ISG.operating_profit", "FY2025/26 Q4")).value == -20
    codes = {ass.cell(i, 3).value: i for i in range(1, ass.max_row + 1)}
    assert ass.cell(codes["opex_intensity"], 5).value == 0.8
    assert ass.cell(codes["scenario"], 5).value == "High"
    assert ass.cell(*locate(ass, "High", Q1)).value == 0.185
    # names, formulas and checks follow the longer timeline (22 quarters: F..AA)
    assert wb.defined_names["Periods"].attr_text.endswith("$AA$4")
    assert wb.defined_names["CSP_OperatingProfit"].attr_text.endswith("$AA$23")
    calc = wb["Calculations"]
    assert str(calc.cell(locate(calc, "csp_op", NEW2)[0], 27).value).startswith("=IF(")
    assert "Last refresh" in [c.value for c in wb["Cover"]["A"]]

    # a fresh recalculation still matches the independent recompute, edits applied by hand
    inputs, scen, periods = frames_from_csv(data)
    inputs.loc["Group.revenue", Q1] = 18900
    inputs.loc["Group.revenue", NEW1] = 23000
    inputs.loc["ISG.operating_profit", "FY2025/26 Q4"] = -20
    scen.loc["excsp_high", Q1] = 0.185
    scalars = dict(DEFAULT_SCALARS, opex_intensity=0.8, scenario="High")
    expected = recompute(inputs, scen, scalars, Q1, SENS_MARGINS, SENS_INTENSITIES)
    values = lo.recalculate(book)
    problems = compare(expected, {s: v.values for s, v in values.items()},
                       {s: v.errors for s, v in values.items()})
    assert not problems, "\n".join(map(str, problems[:10]))
    # and the charts, zeroed by the openpyxl save, are drawn again
    from model import spec
    drawn = chart_pages(lo, book, [c.title for c in spec.CHARTS], tmp_path)
    assert all(px > 400 for px in drawn.values()), drawn


def test_take_data_resolves_conflicts_the_data_way(book, tmp_path):
    edit_as_a_person(book)
    rep = refresh(book, new_data(tmp_path), take_data=True)
    assert {c.kept for c in rep.conflicts} == {"data"}
    ws = openpyxl.load_workbook(book)["Inputs"]
    assert ws.cell(*locate(ws, "Group.revenue", Q1)).value == 18835


def test_a_cleared_figure_is_a_conflict_not_a_silent_refill(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    ws.cell(*locate(ws, "ISG.revenue", Q3)).value = None
    wb.save(book)
    rep = refresh(book, DATA)
    assert [(c.what, c.yours, c.kept) for c in rep.conflicts] == [(f"ISG.revenue {Q3}", None, "yours")]
    ws = openpyxl.load_workbook(book)["Inputs"]
    assert ws.cell(*locate(ws, "ISG.revenue", Q3)).value is None


def test_refreshing_an_unchanged_workbook_changes_no_byte(book):
    before = book.read_bytes()
    rep = refresh(book, DATA)
    assert not rep.written and book.read_bytes() == before
    rep = refresh(book, DATA)
    assert book.read_bytes() == before


def test_a_refreshed_workbook_refreshes_to_itself(book, tmp_path):
    data = new_data(tmp_path)
    refresh(book, data)
    once = book.read_bytes()
    assert not refresh(book, data).written and book.read_bytes() == once


@pytest.mark.parametrize("lock", ["~$model.xlsx", ".~lock.model.xlsx#"])
def test_an_open_workbook_is_refused_untouched(book, tmp_path, capsys, lock):
    (tmp_path / lock).write_text("someone")
    before = book.read_bytes()
    assert main(["refresh", str(book), "--data", str(new_data(tmp_path))]) == 1
    assert "is open in Excel or LibreOffice" in capsys.readouterr().err
    assert book.read_bytes() == before


def test_an_edit_outside_the_inputs_is_refused_unless_forced(book, tmp_path, capsys):
    wb = openpyxl.load_workbook(book)
    calc = wb["Calculations"]
    r, c = locate(calc, "csp_op", Q1)
    calc.cell(r, c).value = -250                       # a number typed over a formula
    wb.create_sheet("My workings")
    wb.save(book)
    before = book.read_bytes()
    assert main(["refresh", str(book), "--data", str(DATA)]) == 1
    err = capsys.readouterr().err
    assert "STRUCT-OVERTYPED" in err and "Calculations!V23" in err and "-250" in err
    assert "My workings" not in err          # a sheet of one's own is carried over, not refused
    assert book.read_bytes() == before
    assert main(["refresh", str(book), "--data", str(DATA), "--force"]) == 0
    backups = list((tmp_path / ".backup").glob("model.*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    after = openpyxl.load_workbook(book)
    assert str(after["Calculations"].cell(r, c).value).startswith("=IF(")
    assert "My workings" in after.sheetnames


def test_text_typed_into_a_figure_is_refused_with_its_cell(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    ws.cell(*locate(ws, "ISG.revenue", Q3)).value = "about 5bn"
    wb.save(book)
    with pytest.raises(RefreshRefused, match=r"Inputs!X14: 'about 5bn' is not a number"):
        refresh(book, DATA)


def test_backups_are_pruned(book, tmp_path):
    from datetime import datetime
    for i in range(4):
        refresh(book, new_data(tmp_path) if i % 2 == 0 else DATA, keep_backups=2,
                now=datetime(2026, 1, 1, 0, 0, i))
    assert len(list((tmp_path / ".backup").glob("model.*.xlsx"))) == 2


def test_a_full_disk_leaves_the_original_intact(book, tmp_path, monkeypatch):
    from model.writer import WriteError
    before = book.read_bytes()

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(WriteError, match="No space left on device"):
        refresh(book, new_data(tmp_path))
    assert book.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_refresh_killed_mid_write_leaves_old_or_new_never_broken(book, tmp_path):
    data = new_data(tmp_path)
    before = book.read_bytes()
    done = tmp_path / "done.xlsx"
    shutil.copy(book, done)
    from datetime import datetime
    refresh(done, data, now=datetime(2026, 1, 1))
    code = ("import sys; from datetime import datetime; from model.refresh import refresh; "
            "refresh(sys.argv[1], sys.argv[2], now=datetime(2026, 1, 1))")
    outcomes = set()
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 1.5, 2.0):
        book.write_bytes(before)
        p = subprocess.Popen([sys.executable, "-c", code, str(book), str(data)], cwd=ROOT)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = book.read_bytes()
        if now == before:
            outcomes.add("old")
        else:
            # the complete new file: same cells as an uninterrupted refresh
            assert read_cells(book) == read_cells(done), f"broken file after kill at {delay}s"
            outcomes.add("new")
    assert outcomes <= {"old", "new"}
