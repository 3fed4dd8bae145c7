"""Issue 19, item 3: the Quotes sheet stays in place under a person's notes, and the refresh
report says what happened by kind, listing cells only where a person should look."""
from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from model.__main__ import main
from model.build import build

from .conftest import DATA_TO_FY2025_26 as DATA  # the v3 data up to FY2025/26 Q4, as test_refresh uses

NOTE = "checked against the press release (AB)"
LATEST = "FY2025/26 Q4"
# the figures the data file has for the latest quarter (13 in the v3 data; 4 in v2), by the CSV
ADDED = sum(1 for r in csv.reader(open(DATA, newline="", encoding="utf-8"))
            if (r[0], r[1]) == ("2025/26", "Q4"))


def _without_latest(tmp_path):
    """The data file as it was before the latest quarter's figures arrived."""
    rows = list(csv.reader(open(DATA, newline="", encoding="utf-8")))
    path = tmp_path / "before.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([r for r in rows if (r[0], r[1]) != ("2025/26", "Q4")])
    assert len(rows) - sum(1 for _ in csv.reader(open(path, encoding="utf-8"))) >= 3
    return path


def _quote_rows(ws) -> dict[tuple[str, str], int]:
    return {(ws.cell(r, 1).value, ws.cell(r, 2).value): r for r in range(2, ws.max_row + 1)
            if ws.cell(r, 1).value}


@pytest.fixture
def book(tmp_path):
    return build(_without_latest(tmp_path), tmp_path / "lenovo_isg.xlsx")


def test_a_note_beside_a_quote_stays_beside_it(book):
    """Item 3: rows of Quotes keep their place like Sources rows; new quotes go below."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Quotes"]
    before = _quote_rows(ws)
    # a quote sorted after the new quarter's rows would have moved down under the old order
    key = ("FY2025/26 Q3", "ISG.revenue")
    ws.cell(before[key], 4).value = NOTE
    quote = ws.cell(before[key], 3).value
    wb.save(book)
    assert main(["refresh", str(book), "--data", str(DATA)]) == 0
    ws = openpyxl.load_workbook(book)["Quotes"]
    after = _quote_rows(ws)
    assert after[key] == before[key]
    assert ws.cell(after[key], 4).value == NOTE and ws.cell(after[key], 3).value == quote
    assert {k: r for k, r in after.items() if k in before} == before        # none moved
    new = [r for k, r in after.items() if k not in before]
    assert new and min(new) > max(before.values())                           # added below
    from model.audit import inspect
    assert not [f for f in inspect(book).findings if f.sheet == "Quotes"]   # a note is allowed


def test_the_report_leads_with_kinds_and_lists_only_what_to_look_at(book, tmp_path, capsys):
    """Item 3: a one-quarter refresh with a conflict: the conflict is listed with its cell;
    the figures added and the cells written are counted, not listed; no formula is shown as
    text ('IF(...); the whole list under --verbose and --json."""
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(book.read_bytes())
    wb = openpyxl.load_workbook(book)
    ws = wb["Inputs"]
    r = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "Group.revenue")
    c = next(c for c in range(1, ws.max_column + 1) if ws.cell(4, c).value == "FY2025/26 Q1")
    ws.cell(r, c).value = 18900                         # the data file says 18830
    wb.save(book)
    assert main(["refresh", str(book), "--data", str(DATA)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) <= 12, out
    assert out[2].startswith(f"  figures added from data: {ADDED},") and "conflicts: 1" in out[2]
    assert out[3].startswith("  cells written: ") and "Quotes" in out[3]
    assert "  to look at:" in out
    conflict = [ln for ln in out if ln.startswith("  conflict ")]
    assert len(conflict) == 1 and "Inputs!" in conflict[0] and "yours 18900" in conflict[0]
    assert not [ln for ln in out if ln.startswith(("  added ", "  replaced ", "  updated "))]
    assert "  (every figure and cell: --verbose, or --json)" in out

    assert main(["refresh", str(copy), "--data", str(DATA), "--verbose"]) == 0
    verbose = capsys.readouterr().out.splitlines()
    assert len([ln for ln in verbose if ln.startswith("  added Inputs!")]) == ADDED
    replaced = [ln for ln in verbose if ln.startswith("  replaced ")]
    assert replaced and not [ln for ln in replaced if "Quotes!" in ln]
    assert not [ln for ln in replaced if "-> 'IF(" in ln or "-> 'INDEX(" in ln or "-> 'SUM(" in ln]
    assert [ln for ln in replaced if "-> =SUM(" in ln or "-> =INDEX(" in ln or "-> =IF(" in ln]

    copy2 = build(_without_latest(tmp_path), tmp_path / "json.xlsx")
    assert main(["refresh", str(copy2), "--data", str(DATA), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["written"] and rep["new_quarters"] == [LATEST] and len(rep["added"]) == ADDED
    assert len(rep["cells_written"]) > 100 and rep["conflicts"] == []


def test_a_persons_period_end_written_over_is_to_look_at(book, capsys):
    """Item 3: a cell of a person's that the refresh restored from the data file is listed."""
    import datetime as dt
    wb = openpyxl.load_workbook(book)
    wb["Inputs"]["X5"] = dt.datetime(2025, 12, 30)          # FY2025/26 Q3 ends 2025-12-31
    wb.save(book)
    assert main(["refresh", str(book), "--data", str(DATA)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  replaced Inputs!X5: 2025-12-30 -> 2025-12-31" in out
