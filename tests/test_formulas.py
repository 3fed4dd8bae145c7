"""Formulas recalculated by LibreOffice against the independent pandas recompute."""

import pytest

from model.lenovo.reader import PERIOD

from model.lenovo.compare import compare
from model.core.reader import timeline
from model.lenovo.reference import recompute

from .conftest import DATA
from .independent import (
    OUTLOOK,
    DEFAULT_SCALARS,
    SENS_INTENSITIES,
    SENS_MARGINS,
    frames_from_csv,
)


def _split(values):
    return ({s: v.values for s, v in values.items()}, {s: v.errors for s, v in values.items()})


def test_every_calculated_cell_matches_the_reference(default_values):
    inputs, scen, _ = frames_from_csv(DATA)
    first = recompute(inputs, scen, DEFAULT_SCALARS, "", SENS_MARGINS, SENS_INTENSITIES)
    latest = first.calcs.loc["csp_op"].dropna().index[-1]     # the latest quarter with an answer
    assert latest == "FY2026/27 Q1"
    expected = recompute(inputs, scen, DEFAULT_SCALARS, latest, SENS_MARGINS, SENS_INTENSITIES,
                         latest, OUTLOOK)
    assert expected.outlook["o_op"][0] < 0 and len(expected.outlook["o_op"]) == 24
    vals, errs = _split(default_values)
    problems = compare(expected, vals, errs)
    assert not problems, "\n".join(map(str, problems[:20]))
    n_calc = expected.calcs.size + expected.flags.size
    assert n_calc > 500      # the comparison really covered the timeline


def test_no_error_values_anywhere(default_values):
    found = {s: v.errors for s, v in default_values.items() if v.errors and s != "Chart data"}
    assert not found
    # the chart-feed rows hold #N/A, drawn as a gap, and nothing else that is an error
    assert set(default_values["Chart data"].errors.values()) == {"#N/A"}


def _calc(values, key, label):
    cells = values["Calculations"].values
    tl = timeline("Calculations", cells, PERIOD)
    return cells.get((tl.rows[key], tl.cols[label]))


def test_the_next_platform_case(default_values):
    """FY2025/26 Q1: CSP gross loss ~$50M, operating loss ~$305M, ~$7.90 sold per $1 lost."""
    q = "FY2025/26 Q1"
    assert _calc(default_values, "csp_gross_profit", q) == pytest.approx(-50, abs=1)
    assert _calc(default_values, "csp_op", q) == pytest.approx(-305, abs=1)
    assert _calc(default_values, "csp_rev_per_loss", q) == pytest.approx(7.90, abs=0.01)
    assert _calc(default_values, "excsp_revenue", q) == pytest.approx(16420)
    assert _calc(default_values, "blended_gm", q) == pytest.approx(0.147, abs=0.0005)
    # ISG: $4.29B revenue, +35.8% year on year, $86M operating loss
    assert _calc(default_values, "isg_rev_yoy", q) == pytest.approx(0.358, abs=0.0005)
    assert _calc(default_values, "isg_om", q) == pytest.approx(-86 / 4290)


def test_missing_inputs_give_blanks_not_errors(default_values):
    # FY2025/26 Q3 has no CSP split: the CSP rows are blank there
    for key in ("csp_gross_profit", "csp_op", "csp_rev_per_loss", "csp_gm"):
        assert _calc(default_values, key, "FY2025/26 Q3") is None
    # the first quarters have no prior year to grow from
    assert _calc(default_values, "group_rev_yoy", "FY2021/22 Q1") is None


def test_master_check_passes_on_the_cover(default_values):
    cover = default_values["Cover"].values
    assert any(v == "OK: all checks pass" for v in cover.values())


def _recalc_with(lo, book, tmp_path, edits):
    import shutil

    import openpyxl
    path = shutil.copy(book, tmp_path / "edited.xlsx")
    wb = openpyxl.load_workbook(path)
    for sheet, cell, value in edits:
        wb[sheet][cell] = value
    wb.save(path)
    return lo.recalculate(path)


def _calc_error(values, key, label):
    sv = values["Calculations"]
    tl = timeline("Calculations", sv.values, PERIOD)
    return sv.errors.get((tl.rows[key], tl.cols[label]))


def test_an_error_upstream_shows_downstream_instead_of_a_blank(lo, default_book, tmp_path):
    """Missing inputs give blanks, but a #REF! in an input (a deleted row it pointed at)
    reaches every cell that uses it, so the audit's error rules can fire. V7 is group
    revenue for FY2025/26 Q1."""
    values = _recalc_with(lo, default_book, tmp_path, [("Inputs", "V7", "=#REF!")])
    q = "FY2025/26 Q1"
    for key in ("blended_gm", "excsp_revenue", "csp_gross_profit", "csp_op", "csp_revenue_share",
                "group_rev_yoy", "group_rev_qoq"):
        assert _calc_error(values, key, q) == "#REF!", key
    assert _calc_error(values, "group_rev_qoq", "FY2025/26 Q2") == "#REF!"   # the next quarter's growth
    assert _calc_error(values, "isg_om", q) is None                          # does not use it


def test_a_circular_reference_shows_downstream(lo, default_book, tmp_path):
    """Group revenue made to depend on ex-CSP revenue, which depends on group revenue."""
    values = _recalc_with(lo, default_book, tmp_path, [("Inputs", "V7", "=Calculations!V14+1")])
    assert _calc_error(values, "csp_op", "FY2025/26 Q1") in ("Err:522", "Err:523")


def test_a_number_in_the_notes_column_changes_no_growth_rate(lo, default_book, tmp_path):
    """The first quarters' growth rates have no prior period: they refer to nothing left of
    the timeline (once they divided by the notes column)."""
    values = _recalc_with(lo, default_book, tmp_path, [("Inputs", "E7", 1000), ("Inputs", "D7", 1000),
                                                        ("Inputs", "B7", 1000)])
    cells = values["Calculations"].values
    tl = timeline("Calculations", cells, PERIOD)
    first = list(tl.cols)[:4]
    for key in ("group_rev_yoy", "group_rev_qoq"):
        lag = 4 if key.endswith("yoy") else 1
        assert [cells.get((tl.rows[key], tl.cols[p])) for p in first[:lag]] == [None] * lag
