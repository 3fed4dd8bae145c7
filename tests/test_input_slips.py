"""Issue 19, item 11: unit and sign slips are caught at their cell.

Every input and driver has a declared valid range (the Outlook's drivers included); a figure
that differs from its source by a factor of about 1,000 or in sign is an error at its cell
unless its row's note marks an override with a reason; a failing check names the inputs it
depends on. Expected values are the data file's (read here with csv), the cells found by
their row code and quarter."""
from __future__ import annotations

import csv

import openpyxl
import pytest

from model import models
from model.audit import audit, inspect
from model.build import build
from model.rules import RULES

from .conftest import DATA, ROOT

PEERS = ROOT / "data" / "peers_quarterly.csv"
Q1 = "FY2025/26 Q1"


def _csv_value(entity, metric, fy="2025/26", fq="Q1") -> float:
    for r in csv.DictReader(open(DATA, newline="", encoding="utf-8")):
        if (r["fiscal_year"], r["fiscal_quarter"], r["entity"], r["metric"]) == (fy, fq, entity, metric):
            return float(r["value"])
    raise KeyError((entity, metric))


def _cell(ws, code, label):
    r = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == code)
    c = next(c for c in range(1, ws.max_column + 1) if ws.cell(4, c).value == label)
    return r, c


def _edit(book, fn):
    wb = openpyxl.load_workbook(book)
    fn(wb)
    wb.save(book)
    return book


def _input_findings(path):
    return {(f.rule, f.where, f.severity) for f in inspect(path).findings if f.rule.startswith("INPUT-")}


@pytest.fixture
def book(tmp_path):
    return build(DATA, tmp_path / "lenovo_isg.xlsx")


def test_an_outlook_driver_typed_5_for_5_percent_is_an_error_at_its_cell(book):
    """Item 11: forecast opex growth of 5 (500% a quarter) was not flagged at all."""
    def fn(wb):
        ws = wb["Outlook"]
        r = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "o_opex_growth")
        ws.cell(r, 4).value = 5
        fn.where = f"Outlook!D{r}"
    _edit(book, fn)
    assert ("INPUT-OUT-OF-RANGE", fn.where, "error") in _input_findings(book)


@pytest.mark.parametrize("key", ["lenovo_isg", "ai_server_peers"])
def test_every_input_and_driver_has_a_declared_range(key):
    """Item 11: every scalar a range or a list of choices, every figure's metric a range,
    every Outlook driver with a number a range."""
    m = models.get(key)
    assert all(s.valid or s.choices or s.unit == "text" for s in m.scalars)
    metrics = __import__(f"model.{'lenovo' if key == 'lenovo_isg' else 'peers'}.spec",
                         fromlist=["METRICS"]).METRICS
    assert set(metrics) <= set(m.figure_ranges)
    if key == "lenovo_isg":
        from model.lenovo.layout import OUTLOOK_DRIVERS
        numeric = {code for code, _, _, default, _ in OUTLOOK_DRIVERS if default is not None}
        assert {d.key for d in m.drivers} == numeric
        assert all(lo < hi for lo, hi in (d.valid for d in m.drivers))


@pytest.mark.parametrize("how, rule", [
    (lambda v: v * 1000, "INPUT-SOURCE-SCALE"),          # typed in $ thousands
    (lambda v: v / 1000, "INPUT-SOURCE-SCALE"),          # typed in $ billions
    (lambda v: -v, "INPUT-SOURCE-SIGN"),                 # a loss typed as a profit
    (lambda v: v + 10, "INPUT-SOURCE-DIFFERS"),          # any other difference: a warning
])
def test_a_unit_or_sign_slip_is_an_error_at_its_cell(book, how, rule):
    """Item 11: a figure 1,000 times off or of the other sign than its Sources row: an error
    at the cell, not the warning INPUT-SOURCE-DIFFERS (which other differences stay)."""
    op = _csv_value("Group", "operating_profit")                # 785 in the data file
    def fn(wb):
        ws = wb["Inputs"]
        r, c = _cell(ws, "Group.operating_profit", Q1)
        ws.cell(r, c).value = how(op)
        fn.where = f"Inputs!{ws.cell(r, c).coordinate}"
    _edit(book, fn)
    found = _input_findings(book)
    assert (rule, fn.where, RULES[rule].severity) in found, found
    assert RULES[rule].severity == ("warning" if rule == "INPUT-SOURCE-DIFFERS" else "error")


def test_an_override_with_a_reason_silences_a_slip(book):
    """Item 11: a row marked 'override: <reason>' is the person's on purpose."""
    def fn(wb):
        ws = wb["Inputs"]
        r, c = _cell(ws, "Group.operating_profit", Q1)
        ws.cell(r, c).value = -_csv_value("Group", "operating_profit")
        ws.cell(r, 5).value = "override: restated as a loss in the annual report"
    _edit(book, fn)
    assert not [f for f in _input_findings(book) if f[0].startswith("INPUT-SOURCE")]


def test_a_peers_figure_typed_1000_times_too_large_is_an_error(tmp_path):
    """Item 11, the peers workbook: the same rules through the same sanity check."""
    book = build((PEERS, DATA), tmp_path / "ai_server_peers.xlsx", model="ai_server_peers")
    def fn(wb):
        ws = wb["Inputs"]
        r, c = _cell(ws, "HPE-Server.revenue", "2025 Q3")
        assert ws.cell(r, c).value == 4500                    # the data file's HPE FY2025 Q4
        ws.cell(r, c).value = 4500 * 1000
        fn.where = f"Inputs!{ws.cell(r, c).coordinate}"
    _edit(book, fn)
    assert ("INPUT-SOURCE-SCALE", fn.where, "error") in _input_findings(book)


def test_a_failing_check_names_the_inputs_it_depends_on(lo, book):
    """Item 11: ISG revenue typed 1,000 times too large also fails the segment check on
    Checks; that finding names the cells of the figures the check adds up."""
    def fn(wb):
        ws = wb["Inputs"]
        r, c = _cell(ws, "ISG.revenue", Q1)
        ws.cell(r, c).value = _csv_value("ISG", "revenue") * 1000
        fn.cells = {code: ws.cell(*_cell(ws, code, Q1)).coordinate
                    for code in ("Group.revenue", "IDG.revenue", "ISG.revenue", "SSG.revenue")}
    _edit(book, fn)
    failed = [f for f in audit(book, lo) if f.rule == "CHECK-FAILED"]
    seg = [f for f in failed if "IDG + ISG + SSG" in f.message]
    assert len(seg) == 1 and Q1 in seg[0].message
    for code, cell in fn.cells.items():
        assert f"Inputs!{cell} ({code})" in seg[0].message, seg[0].message
    assert "Assumptions!E8 (segment_tolerance)" in seg[0].message
