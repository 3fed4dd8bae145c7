"""Issue 19, item 2: after a refresh every formula cell's stored (cached) value is what a fresh
recalculation gives, or, where the refresh cannot know it (a person's own formula), no value
at all; never a stale one. What is stored is read as pandas, Power Query or a preview read it
(openpyxl, data_only=True, and the cell's XML for 'no value'); what it should be is
LibreOffice's own fresh recalculation of the same file."""
from __future__ import annotations

import csv
import math
import shutil
import zipfile
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from model.build import build
from model.refresh import refresh

from .conftest import DATA, ROOT
from .test_peers_refresh import _older
from .test_refresh import data_with, locate, new_data

PEERS = ROOT / "data" / "peers_quarterly.csv"
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _no_value_cells(path) -> set[tuple[str, str]]:
    """(sheet, A1) of formula cells stored without any value (no <v>)."""
    out = set()
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        for sh in wb.iter(f"{NS}sheet"):
            target = rels[sh.get(f"{RNS}id")].lstrip("/")
            part = target if target.startswith("xl/") else "xl/" + target
            if "worksheets" not in part:
                continue
            for c in ET.fromstring(z.read(part)).iter(f"{NS}c"):
                if c.find(f"{NS}f") is not None and c.find(f"{NS}v") is None:
                    out.add((sh.get("name"), c.get("r")))
    return out


def stale_cells(lo, path) -> tuple[list, int, int]:
    """Formula cells whose stored value differs from LibreOffice's fresh recalculation;
    also how many formula cells there are and how many store no value."""
    fresh = lo.recalculate(path)
    stored = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path)
    none = _no_value_cells(path)
    bad, n = [], 0
    for ws in formulas.worksheets:
        sv = fresh[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                n += 1
                if (ws.title, cell.coordinate) in none:
                    continue
                got = stored[ws.title][cell.coordinate].value
                pos = (cell.row - 1, cell.column - 1)
                want = sv.errors.get(pos, sv.values.get(pos))
                got = None if got == "" else got
                if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
                    if math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-9):
                        continue
                elif want == got:
                    continue
                bad.append(f"{ws.title}!{cell.coordinate}: stored {got!r}, fresh {want!r}")
    return bad, n, len(none)


def _changed(src, out, entity, metric, period, value):
    """``src`` with one figure changed (the quarter's row of ``entity`` and ``metric``)."""
    rows = list(csv.reader(open(src, newline="", encoding="utf-8")))
    head = rows[0]
    e, m, v = head.index("entity"), head.index("metric"), head.index("value")
    hit = 0
    for r in rows[1:]:
        if r[e] == entity and r[m] == metric and period(r):
            r[v] = value
            hit += 1
    assert hit == 1
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return out


def _own_formula(book):
    """A person's own sheet with a formula over the model's results (its value is theirs)."""
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("Mine")
    ws["A1"] = "=SUM(Calculations!F7:Y7)"
    wb.save(book)


def _lenovo_q1(r):
    return r[0] == "2025/26" and r[1] == "Q1"


@pytest.mark.parametrize("kind", ["new quarter", "changed figure", "nothing to do", "take data",
                                  "after a person's openpyxl save"])
def test_lenovo_refresh_stores_fresh_values(lo, tmp_path, kind):
    """Item 2: after each kind of refresh, stored values equal LibreOffice's fresh recalculation."""
    book = build(DATA, tmp_path / "model.xlsx")
    if kind == "new quarter":
        rep = refresh(book, new_data(tmp_path))
    elif kind == "changed figure":       # CSP operating profit FY2025/26 Q1 moves (-304.8 before)
        rep = refresh(book, _changed(DATA, tmp_path / "c.csv", "Group", "operating_profit", _lenovo_q1, "1100"))
    elif kind == "nothing to do":
        rep = refresh(book, DATA)
    elif kind == "take data":
        wb = openpyxl.load_workbook(book)
        ws = wb["Inputs"]
        ws.cell(*locate(ws, "Group.revenue", "FY2025/26 Q1")).value = 18900
        wb.save(book)
        rep = refresh(book, new_data(tmp_path), take_data=True)
        assert rep.conflicts
    else:
        _own_formula(book)
        rep = refresh(book, _changed(DATA, tmp_path / "c.csv", "Group", "operating_profit", _lenovo_q1, "1100"))
    assert rep.written == (kind != "nothing to do")
    bad, n, none = stale_cells(lo, book)
    assert n > 1500
    assert not bad, f"{len(bad)} stale of {n}:\n" + "\n".join(bad[:20])
    if kind == "after a person's openpyxl save":
        assert none == 1 and ("Mine", "A1") in _no_value_cells(book)
    else:
        assert none == 0


@pytest.mark.parametrize("kind", ["new quarter", "changed figure", "nothing to do", "take data"])
def test_peers_refresh_stores_fresh_values(lo, tmp_path, kind):
    """Item 2, the peers workbook: headings that follow the latest quarter included."""
    lenovo = DATA
    if kind == "new quarter":
        book = build((_older(PEERS, tmp_path / "old.csv"), _older(lenovo, tmp_path / "oldl.csv")),
                     tmp_path / "ai_server_peers.xlsx", model="ai_server_peers")
        rep = refresh(book, (PEERS, lenovo))
    else:
        book = build((PEERS, lenovo), tmp_path / "ai_server_peers.xlsx", model="ai_server_peers")
        if kind == "changed figure":
            data = _changed(PEERS, tmp_path / "p.csv", "Server", "revenue",
                            lambda r: r[3] == "2025-10-31", "4700")
            rep = refresh(book, (data, lenovo))
        elif kind == "nothing to do":
            rep = refresh(book, (PEERS, lenovo))
        else:
            wb = openpyxl.load_workbook(book)
            ws = wb["Inputs"]
            ws.cell(*locate(ws, "HPE-Server.revenue", "2025 Q3")).value = 4600
            wb.save(book)
            data = _changed(PEERS, tmp_path / "p.csv", "Server", "revenue",
                            lambda r: r[3] == "2025-10-31", "4700")
            rep = refresh(book, (data, lenovo), take_data=True)
            assert rep.conflicts
    assert rep.written == (kind != "nothing to do")
    bad, n, none = stale_cells(lo, book)
    assert n > 1300
    assert not bad, f"{len(bad)} stale of {n}:\n" + "\n".join(bad[:20])
    assert none == 0
