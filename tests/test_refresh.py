"""Refresh as finance staff use it: edit in the workbook, get new figures, lose nothing."""
import csv
import re
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
from model.lenovo.compare import compare
from model.core.workbook import read_cells
from model.lenovo.reference import recompute
from model.refresh import RefreshRefused, refresh

from .conftest import DATA_TO_FY2025_26 as DATA  # the timeline ends at FY2025/26 Q4 here
from .conftest import ROOT
from .independent import (
    DEFAULT_SCALARS,
    SENS_INTENSITIES,
    SENS_MARGINS,
    frames_from_csv,
)
from .render import DRAWN, chart_pages

LATEST_ANSWER = "FY2025/26 Q2"        # the latest quarter with a CSP answer in that data

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


def data_with(tmp_path, *extra, name="extra.csv"):
    """The default data file plus ``extra`` rows."""
    rows = list(csv.reader(open(DATA, newline=""))) + [list(r) for r in extra]
    path = tmp_path / name
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
    ws.cell(locate(ws, "ISG-AI.revenue", "FY2025/26 Q4")[0], locate(ws, "ISG-AI.revenue",
            "FY2025/26 Q4")[1]).value = 2000         # a figure the data file does not have
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
    assert any("ISG.revenue FY2025/26 Q3: 5175.79 -> 5210" in u for u in rep.updated)   # v3: 5,175.787
    assert rep.new_periods == [NEW1, NEW2]

    wb = openpyxl.load_workbook(book)
    ws, ass = wb["Inputs"], wb["Assumptions"]
    assert ws.cell(*locate(ws, "Group.revenue", Q1)).value == 18900
    assert ws.cell(locate(ws, "Group.revenue", Q1)[0], 5).value == "=checked against the 10-K"
    assert ws.cell(locate(ws, "Group.revenue", Q1)[0], 5).data_type == "s"
    assert ws.cell(*locate(ws, "Group.revenue", NEW1)).value == 23000
    assert ws.cell(*locate(ws, "Group.revenue", NEW2)).value == 24000
    assert ws.cell(*locate(ws, "ISG.revenue", Q3)).value == 5210
    assert ws.cell(*locate(ws, "ISG-AI.revenue", "FY2025/26 Q4")).value == 2000
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
    inputs.loc["ISG-AI.revenue", "FY2025/26 Q4"] = 2000
    scen.loc["excsp_high", Q1] = 0.185
    scalars = dict(DEFAULT_SCALARS, opex_intensity=0.8, scenario="High")
    expected = recompute(inputs, scen, scalars, LATEST_ANSWER, SENS_MARGINS, SENS_INTENSITIES)
    values = lo.recalculate(book)
    problems = compare(expected, {s: v.values for s, v in values.items()},
                       {s: v.errors for s, v in values.items()})
    assert not problems, "\n".join(map(str, problems[:10]))
    # and the charts, zeroed by the openpyxl save, are drawn again
    from model.lenovo import spec
    drawn = chart_pages(lo, book, [c.title for c in spec.CHARTS], tmp_path)
    assert all(px > DRAWN for px in drawn.values()), drawn


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


# --- messages a person can act on --------------------------------------------------

def _typed(book, sheet, code, label, value, col=None):
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    r, c = locate(ws, code, label) if label else (next(
        r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == code), col)
    ws.cell(r, c).value = value
    if isinstance(value, str) and not value.startswith("="):
        ws.cell(r, c).data_type = "s"
    wb.save(book)


@pytest.mark.parametrize("sheet, code, label, col, value, words", [
    ("Inputs", "ISG.revenue", Q3, None, "5200", r"Inputs!X14: '5200' is a number stored as text"),
    ("Inputs", "ISG.revenue", Q3, None, "=X7*0.25", r"Inputs!X14: holds a formula \(=X7\*0.25\)"),
    ("Assumptions", "scenario", None, 5, "base", r"'base' is not one of Low, Base, High; did you mean 'Base'"),
])
def test_a_bad_input_is_named_in_its_own_words(book, capsys, sheet, code, label, col, value, words):
    _typed(book, sheet, code, label, value, col)
    before = book.read_bytes()
    assert main(["refresh", str(book), "--data", str(DATA)]) == 1
    err = capsys.readouterr().err
    assert re.search(words, err), err
    assert "Traceback" not in err and book.read_bytes() == before


def test_an_autofilled_fifth_quarter_is_named(book, capsys):
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    last = max(c for c in range(1, ws.max_column + 1) if ws.cell(4, c).value)
    ws.cell(4, last + 1).value = "FY2025/26 Q5"          # what dragging the fill handle gives
    ws.cell(7, last + 1).value = 23000
    wb.save(book)
    assert main(["refresh", str(book), "--data", str(DATA)]) == 1
    err = capsys.readouterr().err
    assert ("Inputs!Z4: 'FY2025/26 Q5' is not a quarter label (quarters run Q1 to Q4; "
            "the quarter after FY2025/26 Q4 is 'FY2026/27 Q1')") in err, err


def test_a_semicolon_separated_data_file_is_named(book, tmp_path, capsys):
    semi = tmp_path / "semi.csv"
    semi.write_text(DATA.read_text().replace(",", ";"))
    before = book.read_bytes()
    assert main(["refresh", str(book), "--data", str(semi)]) == 2
    err = capsys.readouterr().err
    assert f"{semi}:1: the columns are separated by semicolons" in err
    assert book.read_bytes() == before


# --- writing: backups, links, locks, other writers ------------------------------------

def test_two_refreshes_in_the_same_second_keep_two_backups(book, tmp_path):
    from datetime import datetime
    same = datetime(2026, 1, 1, 12, 0, 0)
    first = refresh(book, new_data(tmp_path), now=same).backup
    second = refresh(book, DATA, now=same).backup
    assert first != second and first.exists() and second.exists()


def test_pruning_keeps_other_workbooks_backups_and_names_a_backup_that_exists(book, tmp_path):
    from datetime import datetime
    shutil.copy(book, tmp_path / "model.v2.xlsx")
    v2 = refresh(tmp_path / "model.v2.xlsx", new_data(tmp_path)).backup
    reps = [refresh(book, new_data(tmp_path) if i % 2 == 0 else DATA, keep_backups=1,
                    now=datetime(2026, 1, 1, 0, 0, i)) for i in range(3)]
    assert v2.exists(), "a refresh of model.xlsx pruned the backups of model.v2.xlsx"
    assert reps[-1].backup.exists()
    assert sorted(p.name for p in (tmp_path / ".backup").glob("model.2*.xlsx")) == [reps[-1].backup.name]


def test_a_symlinked_workbook_updates_its_target_and_stays_a_link(book, tmp_path):
    real = tmp_path / "shared" / "real.xlsx"
    real.parent.mkdir()
    shutil.move(book, real)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    rep = refresh(link, new_data(tmp_path))
    assert rep.written and link.is_symlink() and link.resolve() == real
    ws = openpyxl.load_workbook(real)["Inputs"]
    assert ws.cell(*locate(ws, "ISG.revenue", Q3)).value == 5210


@pytest.mark.parametrize("how", ["saved", "opened"])
def test_another_program_writing_during_a_refresh_is_not_overwritten(book, tmp_path, how):
    theirs = b""

    def meanwhile():
        nonlocal theirs
        if how == "saved":                       # e.g. Excel's save lands mid-refresh
            wb = openpyxl.load_workbook(book)
            wb["Inputs"]["A1"] = "saved by someone else"
            wb.save(book)
        else:
            (tmp_path / "~$model.xlsx").write_text("someone")
        theirs = book.read_bytes()

    with pytest.raises(RefreshRefused, match="while refreshing; nothing was changed"):
        refresh(book, new_data(tmp_path), _before_replace=meanwhile)
    assert book.read_bytes() == theirs
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_two_refreshes_at_once_both_land(book, tmp_path):
    """One waits for the other's OS lock, then reads what the first wrote: the new
    quarter from one data file and the correction from the other are both there."""
    a = new_data(tmp_path)
    b = tmp_path / "b.csv"
    rows = list(csv.reader(open(DATA, newline="")))
    for r in rows[1:]:
        if r[0] == "2025/26" and r[1] == "Q2" and r[3] == "ISG" and r[4] == "revenue":
            r[5] = "4100"
    with open(b, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    code = "import sys; from model.refresh import refresh; refresh(sys.argv[1], sys.argv[2])"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(book), str(d)], cwd=ROOT,
                              stderr=subprocess.PIPE) for d in (a, b)]
    for p in procs:
        assert p.wait(timeout=60) == 0, p.stderr.read().decode()
    ws = openpyxl.load_workbook(book)["Inputs"]
    assert ws.cell(*locate(ws, "Group.revenue", NEW1)).value == 23100      # from a
    assert ws.cell(*locate(ws, "ISG.revenue", "FY2025/26 Q2")).value in (4100, 4087)
    # whichever ran second saw the first's file: a's new quarter survived b's refresh
    assert ws.cell(4, 27).value == NEW2


def test_a_temp_file_left_by_a_killed_run_is_cleaned_at_the_next(book, tmp_path):
    stale = tmp_path / f".{book.name}.abc123.tmp"
    stale.write_bytes(b"half a workbook")
    refresh(book, new_data(tmp_path))
    assert not stale.exists()


def test_a_read_only_folder_is_one_line_and_exit_2(book, tmp_path, capsys, monkeypatch):
    def readonly(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(os, "replace", readonly)
    before = book.read_bytes()
    assert main(["refresh", str(book), "--data", str(new_data(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Read-only file system" in err and "unchanged" in err
    assert book.read_bytes() == before


# --- the data side -------------------------------------------------------------------

def test_a_withdrawn_figure_is_named_kept_as_yours_and_no_longer_sourced(book, tmp_path):
    rows = [r for r in csv.reader(open(DATA, newline=""))
            if not (r[0] == "2025/26" and r[1] == "Q3" and r[3] == "ISG" and r[4] == "revenue")]
    gone = tmp_path / "gone.csv"
    with open(gone, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    rep = refresh(book, gone)
    assert any(w.startswith(f"Inputs!X14 ISG.revenue {Q3} = 5175.79") for w in rep.withdrawn)
    wb = openpyxl.load_workbook(book)
    ws, src = wb["Inputs"], wb["Sources"]
    assert ws.cell(*locate(ws, "ISG.revenue", Q3)).value == 5175.787
    r = next(r for r in range(2, src.max_row + 1)
             if (src.cell(r, 1).value, src.cell(r, 2).value, src.cell(r, 3).value) == (Q3, "ISG", "revenue"))
    assert src.cell(r, 6).value == "withdrawn from data file"
    again = refresh(book, gone)                       # said once, not at every refresh
    assert not again.withdrawn and not again.written
    refresh(book, gone, take_data=True)
    assert openpyxl.load_workbook(book)["Inputs"].cell(*locate(ws, "ISG.revenue", Q3)).value is None


def test_percentages_compare_at_the_precision_given(tmp_path):
    """14.3% is 0.14300000000000002 in Python and 0.143 once written: no rewrite, no conflict."""
    rows = list(csv.reader(open(DATA, newline="")))
    for r in rows[1:]:
        if r[0] == "2025/26" and r[1] == "Q2" and r[3] == "Group" and r[4] == "gross_margin_pct":
            r[5] = "14.3"
    data = tmp_path / "pct.csv"
    with open(data, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    book = build(data, tmp_path / "pct.xlsx")
    before = book.read_bytes()
    rep = refresh(book, data)
    assert not rep.written and not rep.updated and book.read_bytes() == before
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    ws.cell(*locate(ws, "Group.gross_margin_pct", "FY2025/26 Q2")).value = 0.143    # typed as 14.3%
    wb.save(book)
    rep = refresh(book, data)
    assert not rep.conflicts and not rep.updated


def test_a_quarter_typed_beyond_the_timeline_joins_without_new_data(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    ws.cell(4, 26).value = NEW1
    ws.cell(locate(ws, "Group.revenue", Q1)[0], 26).value = 23000
    wb.save(book)
    rep = refresh(book, DATA)
    assert rep.written and rep.new_periods == [NEW1]
    wb = openpyxl.load_workbook(book)
    assert wb["Calculations"].cell(4, 26).value == NEW1
    calc = wb["Calculations"]
    assert str(calc.cell(*locate(calc, "csp_op", NEW1)).value).startswith("=IF(")


def test_a_renamed_model_sheet_is_refused_in_words_even_with_force(book, capsys):
    wb = openpyxl.load_workbook(book)
    wb["Calculations"].title = "Calcs"
    wb.save(book)
    before = book.read_bytes()
    for extra in ([], ["--force"]):
        assert main(["refresh", str(book), "--data", str(DATA), *extra]) == 1
        err = capsys.readouterr().err
        assert "the model's sheet 'Calculations' is missing (renamed or deleted)" in err
        assert "Traceback" not in err and book.read_bytes() == before


def test_a_threaded_comment_part_is_carried_over(book, tmp_path):
    """Excel's threaded comments live in parts of their own; whatever parts a workbook has
    that the model does not write are copied byte for byte."""
    import zipfile
    src = tmp_path / "with_parts.xlsx"
    part = "xl/threadedComments/threadedComment1.xml"
    body = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments '
            b'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
            b'<threadedComment ref="V7" dT="2025-09-01T10:00:00.00" personId="{1}" id="{2}">'
            b'<text>Tie this to the 10-Q</text></threadedComment></ThreadedComments>')
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr(part, body)
    shutil.copy(src, book)
    refresh(book, new_data(tmp_path))
    with zipfile.ZipFile(book) as z:
        assert z.read(part) == body


def test_content_of_ones_own_where_a_new_row_must_go_is_named_not_overwritten(book, tmp_path, capsys):
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    below = max(r for r in range(1, ws.max_row + 1) if "." in str(ws.cell(r, 3).value or "")) + 1
    ws.cell(below, 1).value = "My check: IDG + ISG + SSG"
    wb.save(book)
    data = data_with(tmp_path, ["2025/26", "Q1", "2025-06-30", "SSG", "gross_profit", "500", "usd_m",
                                "estimate", "t", ""])
    before = book.read_bytes()
    assert main(["refresh", str(book), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert f"Inputs!A{below}" in err and "your own content" in err
    assert book.read_bytes() == before


def test_data_before_the_first_quarter_is_refused_so_no_column_moves(book, tmp_path, capsys):
    data = data_with(tmp_path, ["2020/21", "Q4", "2021-03-31", "Group", "revenue", "17000", "usd_m",
                                "reported", "t", ""])
    before = book.read_bytes()
    assert main(["refresh", str(book), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert "figures for FY2020/21 Q4, before the workbook's first quarter FY2021/22 Q1" in err
    assert book.read_bytes() == before


def test_an_inserted_row_is_refused_rather_than_written_into_the_wrong_cells(book, capsys):
    wb = openpyxl.load_workbook(book)
    wb["Inputs"].insert_rows(10)                 # a person inserts a row in the middle
    wb.save(book)
    before = book.read_bytes()
    assert main(["refresh", str(book), "--data", str(DATA)]) == 1
    err = capsys.readouterr().err
    assert "rows or columns of the model were moved" in err
    assert "Inputs: row 'Group.gross_margin_pct' is at row 12, the model has it at row 11" in err
    assert book.read_bytes() == before


# --- found by an adversarial review: each a way work was lost or a message went wrong ------

def test_content_typed_where_a_new_quarter_goes_is_named_not_overwritten(book, tmp_path, capsys):
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    ws["Z7"] = "=Y7*1.05"                     # a projection of one's own, no quarter typed above
    ws["Z9"] = -50
    wb["Assumptions"]["Z14"] = "my note"
    wb.save(book)
    before = book.read_bytes()
    assert main(["refresh", str(book), "--data", str(new_data(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert all(c in err for c in ("Inputs!Z7", "Inputs!Z9", "Assumptions!Z14")), err
    assert book.read_bytes() == before


def test_a_persons_relative_and_shared_formulas_over_a_row_stay_relative(book, tmp_path):
    """=SUM(F7:Y7) filled down (Excel stores the fill as one shared formula) becomes
    =SUM(F7:AA7) with two new quarters, and the filled cells still sum their own rows."""
    import zipfile
    wb = openpyxl.load_workbook(book)
    wb["Inputs"]["E7"] = "=SUM(F7:Y7)"
    wb.save(book)
    from model.patch import ZipPackage
    inputs_part = ZipPackage(book).worksheet_parts()["Inputs"]
    src = tmp_path / "shared.xlsx"                 # make E7:E9 one shared formula, as Excel saves it
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == inputs_part:
                text = data.decode()
                text = text.replace('<c r="E7"', '<c r="E7" data-x=""', 1)
                text = re.sub(r'(<c r="E7"[^>]*>)<f>SUM\(F7:Y7\)</f>',
                              r'\1<f t="shared" ref="E7:E9" si="0">SUM(F7:Y7)</f>', text)
                text = text.replace(' data-x=""', "")
                for r in (8, 9):
                    text = re.sub(rf'<c r="E{r}"([^>]*?)(/>|>.*?</c>)',
                                  rf'<c r="E{r}"\1><f t="shared" si="0"/></c>', text, count=1)
                data = text.encode()
            zout.writestr(item, data)
    shutil.copy(src, book)
    assert openpyxl.load_workbook(book)["Inputs"]["E8"].value == "=SUM(F8:Y8)"
    refresh(book, new_data(tmp_path))
    ws = openpyxl.load_workbook(book)["Inputs"]
    assert [ws[f"E{r}"].value for r in (7, 8, 9)] == ["=SUM(F7:AA7)", "=SUM(F8:AA8)", "=SUM(F9:AA9)"]


def test_a_persons_hyperlink_on_a_corrected_figure_is_kept(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    wb["Inputs"]["X14"].hyperlink = "https://example.com/q3-deck.pdf"
    wb.save(book)
    rep = refresh(book, new_data(tmp_path))            # corrects X14 to 5210
    assert any("X14" in u for u in rep.updated)
    ws = openpyxl.load_workbook(book)["Inputs"]
    assert ws["X14"].value == 5210 and ws["X14"].hyperlink.target == "https://example.com/q3-deck.pdf"


def test_a_deleted_sources_row_comes_back_whole_and_then_stays_put(book):
    wb = openpyxl.load_workbook(book)
    src = wb["Sources"]
    r = next(r for r in range(2, src.max_row + 1)
             if (src.cell(r, 1).value, src.cell(r, 2).value, src.cell(r, 3).value) == (Q1, "Group", "revenue"))
    src.delete_rows(r)
    wb.save(book)
    assert refresh(book, DATA).written
    src = openpyxl.load_workbook(book)["Sources"]
    last = [src.cell(src.max_row, c).value for c in range(1, 7)]
    assert last == [Q1, "Group", "revenue", 18830, "$M", "reported"]
    again = book.read_bytes()
    assert not refresh(book, DATA).written and book.read_bytes() == again


def test_a_withdrawn_figure_behind_an_override_is_named_once(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    wb["Inputs"]["V7"] = 18900
    wb.save(book)
    gone = data_with(tmp_path, name="gone.csv")
    rows = [r for r in csv.reader(open(gone, newline=""))
            if not (r[0] == "2025/26" and r[1] == "Q1" and r[3] == "Group" and r[4] == "revenue")]
    with open(gone, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    rep = refresh(book, gone)
    assert [w for w in rep.withdrawn if w.startswith("Inputs!V7")], rep.withdrawn
    assert openpyxl.load_workbook(book)["Inputs"]["V7"].value == 18900
    assert not refresh(book, gone).withdrawn


def test_data_cells_a_person_edited_are_restored_and_named(book):
    import datetime as dt
    wb = openpyxl.load_workbook(book)
    wb["Inputs"]["V5"] = dt.datetime(2025, 6, 29)                 # a period end
    wb.save(book)
    rep = refresh(book, DATA)
    assert "  replaced Inputs!V5: 2025-06-29 -> 2025-06-30" in rep.lines()


def test_a_quarter_typed_two_ahead_or_in_another_form_is_named(book, capsys):
    for label, words in (("FY2026/27 Q2", "FY2026/27 Q2 follows FY2025/26 Q4, but quarters run one "
                                          "after another: type 'FY2026/27 Q1' here"),
                         ("Q1 FY2026/27", "'Q1 FY2026/27' is not a quarter label")):
        wb = openpyxl.load_workbook(book)
        wb["Inputs"]["Z4"] = label
        wb["Inputs"]["Z7"] = 23000
        wb.save(book)
        assert main(["refresh", str(book), "--data", str(DATA)]) == 1
        err = capsys.readouterr().err
        assert f"Inputs!Z4: {words}" in err, err


def test_a_typed_quarter_that_joins_gets_the_input_style(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    ws["Z4"] = NEW1
    ws["Z7"] = 23000
    wb.save(book)
    refresh(book, DATA)
    cell = openpyxl.load_workbook(book)["Inputs"]["Z7"]
    assert cell.value == 23000 and not cell.protection.locked


@pytest.mark.parametrize("how", ["interrupt", "pipe"])
def test_ctrl_c_and_a_closed_pipe_print_no_traceback(book, tmp_path, how):
    data = new_data(tmp_path)
    if how == "interrupt":
        p = subprocess.Popen([sys.executable, "-m", "model", "refresh", str(book), "--data", str(data)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.4)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
    else:
        p = subprocess.run(f"{sys.executable} -m model refresh {book} --data {data} | head -c 0",
                           shell=True, cwd=ROOT, capture_output=True, timeout=60)
        err = p.stderr
    assert b"Traceback" not in err, err.decode()
    openpyxl.load_workbook(book)        # whole, old or new
