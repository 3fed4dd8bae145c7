"""python -m model diff: what changed between two versions, cell by cell."""

import shutil

import openpyxl
import pytest

from model.__main__ import main
from model.build import build
from model.diff import diff

from .conftest import DATA


@pytest.fixture(scope="module")
def old(tmp_path_factory):
    return build(DATA, tmp_path_factory.mktemp("old") / "old.xlsx")


def edited(old, tmp_path, fn):
    new = shutil.copy(old, tmp_path / "new.xlsx")
    wb = openpyxl.load_workbook(new)
    fn(wb)
    wb.save(new)
    return new


def _review_me(wb):
    wb["Inputs"]["V7"] = 18900                       # a figure
    wb["Inputs"]["E7"] = "checked against the 10-K"  # a note: an input too
    wb["Inputs"]["A7"] = "Group revenue, all segments"  # a label
    wb["Calculations"]["V23"] = "=V16-V22*2"         # a formula
    wb["Calculations"]["U23"] = wb["Calculations"]["U23"].value.replace(",", ", ")  # spaces only


def test_an_unchanged_workbook_has_no_differences(old, tmp_path, capsys):
    copy = shutil.copy(old, tmp_path / "copy.xlsx")
    assert main(["diff", str(old), str(copy), "--no-values"]) == 0
    assert "no differences" in capsys.readouterr().out


def test_inputs_formulas_and_text_are_told_apart(old, tmp_path):
    changes = {(c.kind, f"{c.sheet}!{c.cell}"): c for c in diff(old, edited(old, tmp_path, _review_me))}
    assert set(changes) == {("inputs", "Inputs!V7"), ("inputs", "Inputs!E7"), ("text", "Inputs!A7"),
                            ("formulas", "Calculations!V23")}
    v7 = changes[("inputs", "Inputs!V7")]
    assert (v7.old, v7.new, v7.context) == (18830, 18900, "Group.revenue FY2025/26 Q1")


def test_values_moved_come_from_a_fresh_recalculation_of_both(lo, old, tmp_path):
    new = edited(old, tmp_path, _review_me)
    moved = {f"{c.sheet}!{c.cell}": c for c in diff(old, new, lo) if c.kind == "values"}
    # Independent arithmetic from the published figures (US$M, FY2025/26 Q1):
    # CSP GP = GP - (revenue - CSP) x 17.2%; opex pool = GP - OP; CSP opex = pool x CSP / revenue
    def csp(revenue):
        gp, op, csp_rev = 2774, 785, 2410
        csp_gp = gp - (revenue - csp_rev) * 0.172
        csp_opex = (gp - op) * csp_rev / revenue
        return csp_gp, csp_opex
    old_gp, old_opex = csp(18830)
    new_gp, new_opex = csp(18900)
    v23 = moved["Calculations!V23"]
    assert v23.old == pytest.approx(old_gp - old_opex)
    assert v23.new == pytest.approx(new_gp - 2 * new_opex)
    assert "Calculations!U23" not in moved                 # same formula, same value
    assert "Calculations!V16" in moved and moved["Calculations!V16"].new == pytest.approx(new_gp)


def test_a_hostile_version_is_refused_with_exit_2(old, tmp_path, capsys):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00" * 100)
    assert main(["diff", str(old), str(junk), "--no-values"]) == 2
    assert "junk.xlsx: not a zip archive" in capsys.readouterr().err


def test_a_libreoffice_round_trip_adds_or_removes_no_sheet(lo, old, tmp_path):
    """LibreOffice saves a chart sheet as a worksheet holding the chart: the same sheet."""
    saved = lo.save_as(old, tmp_path / "lo.xlsx")
    assert [str(c) for c in diff(old, saved) if c.kind == "sheets"] == []
