"""The audit: a clean workbook is clean; seeded faults are caught at their cell."""

import openpyxl
import pytest

from model.__main__ import main
from model.audit import audit
from model.build import build

from .conftest import DATA


@pytest.fixture
def book(tmp_path):
    return build(DATA, tmp_path / "model.xlsx")


def rules(findings):
    return {(f.rule, f.where) for f in findings}


def test_a_clean_workbook_has_no_findings(lo, book):
    assert audit(book, lo) == []


def test_a_clean_workbook_saved_by_libreoffice_has_no_findings(lo, book, tmp_path):
    saved = lo.save_as(book, tmp_path / "lo.xlsx")
    assert [str(f) for f in audit(saved, lo)] == []


def edit(book, fn):
    wb = openpyxl.load_workbook(book)
    fn(wb)
    wb.save(book)
    return book


@pytest.mark.parametrize("fault, expected", [
    (lambda wb: wb["Calculations"].__setitem__("V23", -250), ("STRUCT-OVERTYPED", "Calculations!V23")),
    (lambda wb: wb["Calculations"].__setitem__("V23", "=V21-V22*2"), ("STRUCT-FORMULA", "Calculations!V23")),
    (lambda wb: wb["Calculations"].__setitem__("V23", "=U21-U22"), ("STRUCT-FORMULA", "Calculations!V23")),
    (lambda wb: wb["Checks"].__setitem__("E10", 0), ("STRUCT-OVERTYPED", "Checks!E10")),
    (lambda wb: wb["Calculations"].__setitem__("V23", "=1/0"), ("ERROR-VALUE", "Calculations!V23")),
    (lambda wb: wb.create_sheet("Scratch"), ("STRUCT-SHEET-ADDED", "Scratch")),
    (lambda wb: wb["Calculations"].__setitem__("AC40", 5), ("STRUCT-UNEXPECTED", "Calculations!AC40")),
    (lambda wb: wb["Inputs"].__setitem__("V7", "n/a"), ("INPUT-NOT-NUMBER", "Inputs!V7")),
    (lambda wb: wb.defined_names.pop("CSP_OperatingProfit"), ("NAME-MISSING", "")),
])
def test_a_seeded_fault_is_caught_at_its_cell(lo, book, fault, expected):
    assert expected in rules(audit(edit(book, fault), lo))


def test_a_person_changing_an_assumption_is_not_a_finding(lo, book):
    """Inputs are the person's: the recompute follows them, so a changed intensity is clean."""
    assert audit(edit(book, lambda wb: wb["Assumptions"].__setitem__("E7", 2.0)), lo) == []


def test_an_unreadable_file_exits_2(tmp_path, capsys):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    assert main(["audit", str(junk)]) == 2
    assert "junk.xlsx: not a workbook" in capsys.readouterr().err


def test_exit_1_on_findings_and_0_when_clean(book, tmp_path, capsys):
    assert main(["audit", str(book)]) == 0
    edit(book, lambda wb: wb["Calculations"].__setitem__("V23", -250))
    assert main(["audit", str(book), "--json"]) == 1
    assert '"rule": "STRUCT-OVERTYPED"' in capsys.readouterr().out
