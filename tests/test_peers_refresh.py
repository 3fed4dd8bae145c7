"""Refresh and audit of the peers workbook, as for the Lenovo one: a person edits it in
LibreOffice, the latest quarter's figures arrive, and the refresh brings them in without
dropping anything the person did; the audit names the cell of a real fault."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import date, datetime

import openpyxl
import pytest

from model import models
from model.audit import audit
from model.build import build
from model.core.workbook import read_book
from model.refresh import RefreshRefused, refresh

from .conftest import ROOT
from .test_keep import _struct, uno_find

PEERS, LENOVO = ROOT / "data" / "peers_quarterly.csv", ROOT / "data" / "lenovo_quarterly.csv"
NEW_Q = "2026 Q1"          # Dell FY2027 Q1, HPE FY2026 Q2, Supermicro FY2026 Q3
EDITED_Q = "2025 Q3"
COMMENT = "Ties to HPE's 10-K segment table (AB)"
OVERRIDE = 4600.0           # HPE Server revenue 2025 Q3 as a person restated it (data: 4500)


def _older(path, out):
    """A data file without its figures of 2026 Q1 on (rows ending from March 2026)."""
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    end = rows[0].index("period_end")
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([rows[0]] + [r for r in rows[1:] if r[end] < "2026-03-01"])
    return out


def _latest_rows():
    """The figures the refresh brings: every peer figure of 2026 Q1, and Lenovo's ISG ones."""
    peers = list(csv.DictReader(open(PEERS, newline="", encoding="utf-8")))
    lenovo = [r for r in csv.DictReader(open(LENOVO, newline="", encoding="utf-8"))
              if r["entity"] == "ISG" and r["metric"] in ("revenue", "operating_profit")]
    return [r for r in peers + lenovo if date.fromisoformat(r["period_end"]) >= date(2026, 3, 1)]


def _edits(lo):
    uno = lo.uno
    find = uno_find

    def edit(doc):
        sheets = doc.Sheets
        inp, calc, src = (sheets.getByName(n) for n in ("Inputs", "Calculations", "Sources"))
        r, c = find(inp, "HPE-Server.revenue", EDITED_Q)
        cell = inp.getCellByPosition(c, r)
        inp.getAnnotations().insertNew(cell.getCellAddress(), COMMENT)
        cell.CellBackColor = 0xFFC000
        cell.setValue(OVERRIDE)
        inp.getCellByPosition(4, r).setString("override: restated in the FY2025 10-K")
        rc, _ = find(calc, "dell_om")
        addr = _struct(uno, "com.sun.star.table.CellAddress", Sheet=0, Column=0, Row=0)
        doc.NamedRanges.addNewByName("My_Dell_Margin", f"$Calculations.$F${rc + 1}:$H${rc + 1}", addr, 0)
        src.getCellByPosition(14, 0).setString("Checked by")
        src.getCellByPosition(14, 1).setString("AB 2026-01-05")
        sheets.insertNewByName("My notes", sheets.getCount())
        sheets.getByName("My notes").getCellByPosition(0, 0).setString("Dell vs HPE, for the board pack")
    return edit


@pytest.fixture(scope="module")
def edited(lo, tmp_path_factory):
    d = tmp_path_factory.mktemp("peers_edit")
    built = build([_older(PEERS, d / "peers.csv"), _older(LENOVO, d / "lenovo.csv")],
                  d / "ai_server_peers.xlsx", "ai_server_peers")
    return lo.save_as(built, d / "edited.xlsx", edit=_edits(lo))


def _copy(edited, tmp_path):
    book = tmp_path / "ai_server_peers.xlsx"
    shutil.copy(edited, book)
    return book


def test_the_latest_quarter_arrives_and_every_edit_stays(lo, edited, tmp_path):
    book = _copy(edited, tmp_path)
    rep = refresh(book, now=datetime(2026, 6, 1))         # the model's own data files
    assert rep.written
    assert rep.new_periods == [NEW_Q]
    assert len(rep.added) == len(_latest_rows())          # every figure of the new quarter, by cell
    conflict, = rep.conflicts                             # the person's restatement, kept
    assert conflict.kept == "yours" and conflict.yours == OVERRIDE and conflict.data == 4500
    wb = openpyxl.load_workbook(book)
    inp = wb["Inputs"]
    r = next(r for r in range(1, 200) if inp.cell(r, 3).value == "HPE-Server.revenue")
    c = next(c for c in range(6, 60) if inp.cell(4, c).value == EDITED_Q)
    assert inp.cell(r, c).value == OVERRIDE and COMMENT in inp.cell(r, c).comment.text
    assert inp.cell(r, 5).value.startswith("override:")
    assert "My_Dell_Margin" in wb.defined_names and "My notes" in wb.sheetnames
    assert wb["My notes"]["A1"].value == "Dell vs HPE, for the board pack"
    assert wb["Sources"].cell(1, 15).value == "Checked by" and wb["Sources"].cell(2, 15).value == "AB 2026-01-05"
    # the public names grew with the new quarter
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    last = [inp.cell(4, x).value for x in range(6, 60)].index(NEW_Q) + 6
    from openpyxl.utils import get_column_letter
    assert names["CalendarQuarters"].endswith(f"${get_column_letter(last)}$4")
    assert names["Dell_ISG_OperatingMargin"].split(":")[-1].startswith(f"${get_column_letter(last)}$")
    # every formula recalculates to the independent recompute; no error-severity finding
    # but the one the audit gives every sheet of one's own (it is not the model's)
    errors = [f for f in audit(book, lo) if f.severity == "error"
              and (f.rule, f.sheet) != ("STRUCT-SHEET-ADDED", "My notes")]
    assert errors == [], "\n".join(map(str, errors))
    # and a second refresh has nothing to do
    before = book.read_bytes()
    assert not refresh(book, now=datetime(2026, 6, 2)).written
    assert book.read_bytes() == before


def test_a_number_over_a_formula_is_refused_by_cell_and_force_restores_it(edited, tmp_path):
    book = _copy(edited, tmp_path)
    from model.core.reader import timeline
    cells = read_book(book, styles=False).cells["Calculations"]
    import re
    tl = timeline("Calculations", cells, re.compile(models.get("ai_server_peers").period_regex))
    r, c = tl.rows["hpe_om"], tl.cols[EDITED_Q]
    from xlsxwriter.utility import xl_rowcol_to_cell
    where = xl_rowcol_to_cell(r, c)
    # type a number over the formula, as a person would (LibreOffice-saved file, edited in place)
    wb = openpyxl.load_workbook(book)
    wb["Calculations"][where].value = 0.12
    wb.save(book)
    before = book.read_bytes()
    with pytest.raises(RefreshRefused) as exc:
        refresh(book)
    assert any(f.cell == where and f.sheet == "Calculations" for f in exc.value.findings)
    assert book.read_bytes() == before
    rep = refresh(book, force=True)
    assert rep.written and any(f.cell == where for f in rep.forced_over)
    got = openpyxl.load_workbook(book)["Calculations"][where].value
    assert isinstance(got, str) and got.startswith("=")


def test_the_audit_names_the_cell_of_a_changed_formula_and_of_a_typed_number(lo, tmp_path):
    book = build(None, tmp_path / "ai_server_peers.xlsx", "ai_server_peers")
    cells = read_book(book, styles=False).cells["Calculations"]
    import re

    from model.core.reader import timeline
    from xlsxwriter.utility import xl_rowcol_to_cell
    tl = timeline("Calculations", cells, re.compile(models.get("ai_server_peers").period_regex))
    wrong = xl_rowcol_to_cell(tl.rows["dell_yoy"], tl.cols["2025 Q3"])
    typed = xl_rowcol_to_cell(tl.rows["smci_om"], tl.cols["2025 Q2"])
    wb = openpyxl.load_workbook(book)
    ws = wb["Calculations"]
    ws[wrong].value = str(ws[wrong].value) + "*1.1"      # a slip: growth overstated by 10%
    ws[typed].value = 0.05
    wb.save(book)
    found = {(f.rule, f.sheet, f.cell) for f in audit(book, lo)}
    assert ("STRUCT-FORMULA", "Calculations", wrong) in found
    assert ("LINT-HARDCODED-NUMBER", "Calculations", wrong) in found
    assert ("STRUCT-OVERTYPED", "Calculations", typed) in found
    done = subprocess.run([sys.executable, "-m", "model", "audit", str(book)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 1 and f"Calculations!{typed}" in done.stdout, done.stdout


# --- what an adversarial tester tried (review of 0.3.0) -------------------------------------------

def _cli(*args):
    return subprocess.run([sys.executable, "-m", "model", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_the_peers_model_has_no_xlsm_and_says_so(tmp_path):
    done = _cli("build", "--model", "ai_server_peers", "--out", tmp_path / "peers.xlsm")
    assert done.returncode == 2 and "no Refresh button" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_implausible_peer_figures_are_named_by_file_and_row(tmp_path):
    rows = list(csv.reader(open(PEERS, newline="", encoding="utf-8")))
    head = rows[0]
    i_metric, i_unit, i_value = (head.index(c) for c in ("metric", "unit", "value"))
    rev = next(n for n, r in enumerate(rows) if n and r[i_metric] == "revenue")
    pct = next(n for n, r in enumerate(rows) if n and r[i_unit] == "pct")
    rows[rev][i_value], rows[pct][i_value] = "-7600", "1140"
    bad = tmp_path / "peers.csv"
    csv.writer(open(bad, "w", newline="", encoding="utf-8")).writerows(rows)
    done = _cli("build", "--model", "ai_server_peers", "--data", bad, "--data", LENOVO, "--out", tmp_path / "p.xlsx")
    assert done.returncode == 2
    assert f"peers.csv:{rev + 1}: revenue -7600 is negative" in done.stderr
    assert f"peers.csv:{pct + 1}: value 1140 is outside -100..100" in done.stderr
    assert not (tmp_path / "p.xlsx").exists()


def test_a_mistyped_quarter_a_newer_release_and_a_deleted_chart_sheet_are_refused(tmp_path):
    from model.patch import ZipPackage, set_custom_properties
    book = build(None, tmp_path / "ai_server_peers.xlsx", "ai_server_peers")
    typed = tmp_path / "typed.xlsx"
    wb = openpyxl.load_workbook(book)
    wb["Inputs"]["AA4"] = "2026q2"
    wb["Inputs"]["AA14"] = 31000
    wb.save(typed)
    with pytest.raises(RefreshRefused) as exc:
        refresh(typed)
    assert "Inputs!AA4: '2026q2' is not a calendar quarter label" in str(exc.value)
    assert "'2026 Q2'" in str(exc.value)
    newer = tmp_path / "newer.xlsx"
    pkg = ZipPackage(book)
    set_custom_properties(pkg, {"isg_model_version": "9.9.9"})
    newer.write_bytes(pkg.to_bytes())
    with pytest.raises(RefreshRefused, match="built by model 9.9.9, newer than this one"):
        refresh(newer)
    gone = tmp_path / "gone.xlsx"
    wb = openpyxl.load_workbook(book)
    del wb["Chart Margins"]
    wb.save(gone)
    before = gone.read_bytes()
    with pytest.raises(RefreshRefused, match="'Chart Margins' is missing"):
        refresh(gone)
    assert gone.read_bytes() == before


@pytest.mark.engine
def test_a_workbook_that_lost_its_stamp_is_still_the_peers_one(tmp_path):
    from model.patch import ZipPackage
    book = build(None, tmp_path / "ai_server_peers.xlsx", "ai_server_peers")
    pkg = ZipPackage(book)
    root = pkg.xml("docProps/custom.xml")
    for p in list(root):
        if p.get("name") == models.STAMP_MODEL:
            root.remove(p)
    pkg.touch("docProps/custom.xml")
    bare = tmp_path / "bare.xlsx"
    bare.write_bytes(pkg.to_bytes())
    assert models.of_book(bare).key == "ai_server_peers"
    assert _cli("audit", bare).returncode == 0


def test_the_lenovo_workbook_given_the_peers_file_says_which_file_it_is(tmp_path):
    book = build(None, tmp_path / "lenovo_isg.xlsx", "lenovo_isg")
    done = _cli("refresh", book, "--data", PEERS)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 2 and "this is a peers data file" in done.stderr


def test_chart_sheets_an_openpyxl_save_shrank_are_named_and_restored(lo, tmp_path):
    from model.charts import zero_size
    book = build(None, tmp_path / "ai_server_peers.xlsx", "ai_server_peers")
    wb = openpyxl.load_workbook(book)
    wb.save(book)                                   # shrinks XlsxWriter's chart sheets to nothing
    m = models.get("ai_server_peers")
    assert sorted(zero_size(book)) == sorted(c.sheet for c in m.charts)
    shrunk = {f.sheet for f in audit(book, lo) if f.rule == "CHART-SERIES" and "zero size" in f.message}
    assert shrunk == {c.sheet for c in m.charts}
    assert refresh(book).written                    # nothing else changed, the sizes are put back
    assert zero_size(book) == []
    assert not [f for f in audit(book, lo) if f.rule == "CHART-SERIES"]


def test_take_data_over_a_cleared_figure_when_the_data_rows_shift(tmp_path):
    """A person cleared a figure; the new data file drops its first row, so every later row
    number moves. --take-data brings the figure back and renumbers its Sources row, which is
    the model's row of that figure, not the person's content."""
    book = build(None, tmp_path / "ai_server_peers.xlsx", "ai_server_peers")
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    r = next(r for r in range(1, 99) if ws.cell(r, 3).value == "Supermicro.revenue")
    c = next(c for c in range(6, 60) if ws.cell(4, c).value == NEW_Q)
    ws.cell(r, c).value = None
    wb.save(book)
    rows = list(csv.reader(open(PEERS, newline="", encoding="utf-8")))
    fewer = tmp_path / "peers.csv"
    csv.writer(open(fewer, "w", newline="", encoding="utf-8")).writerows([rows[0]] + rows[2:])
    rep = refresh(book, [fewer, LENOVO], take_data=True)
    assert rep.written and len(rep.withdrawn) == 1
    got = openpyxl.load_workbook(book)
    assert got["Inputs"].cell(r, c).value == 10243
    src = got["Sources"]
    line = next(n for n in range(2, 300) if (src.cell(n, 1).value, src.cell(n, 2).value,
                                            src.cell(n, 3).value) == (NEW_Q, "Supermicro", "revenue"))
    wanted = next(n for n, row in enumerate(rows[2:], start=2)
                  if row[0] == "Supermicro" and row[1:3] == ["FY2026", "Q3"] and row[5] == "revenue")
    assert src.cell(line, 9).value == wanted      # its row in the new file (header = row 1)


def test_diff_compares_the_comparison_window_quarter_by_quarter(lo, tmp_path):
    """A new quarter shifts the Comparison's 13 quarters one column left; the diff matches them
    by quarter, so only the new quarter's cells (and the latest-quarter block) show as moved."""
    from model.diff import diff
    old = build([_older(PEERS, tmp_path / "p.csv"), _older(LENOVO, tmp_path / "l.csv")],
                tmp_path / "old.xlsx", "ai_server_peers")
    new = tmp_path / "ai_server_peers.xlsx"
    shutil.copy(old, new)
    assert refresh(new).written
    changes = diff(old, new, lo)
    window = [c for c in changes if c.sheet == "Comparison" and c.kind == "values" and c.context]
    assert window and all(c.context.endswith(NEW_Q) for c in window), [str(c) for c in window]
    gone = [c for c in changes if c.sheet == "Comparison" and c.context.endswith("(no longer shown)")]
    assert gone and all("2022 Q4" in c.context or c.old == "2022 Q4" for c in gone)   # left the window


def test_a_warning_shows_on_the_comparison_line(lo, tmp_path):
    """An index base quarter in which Dell, HPE and Supermicro have no revenue: the warning
    on Checks is counted on the Comparison's checks line, not hidden behind 'all pass'."""
    from .excel_like import save_like_excel
    book = build(None, tmp_path / "ai_server_peers.xlsx", "ai_server_peers")
    wb = openpyxl.load_workbook(book)
    ws = wb["Assumptions"]
    r = next(r for r in range(1, 40) if ws.cell(r, 3).value == "index_base")
    ws.cell(r, 5).value = "2021 Q2"                     # only Lenovo reports in 2021
    save_like_excel(wb, book)
    comp = lo.recalculate(book)["Comparison"].values
    line = next(v for (r_, c), v in comp.items() if c == 0 and isinstance(v, str) and v.startswith("Checks:"))
    assert line == "Checks: all pass; warnings: 1, see the Checks sheet"
