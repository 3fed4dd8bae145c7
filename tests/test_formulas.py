"""Formulas recalculated by LibreOffice against the independent pandas recompute."""

import pytest

from model.compare import compare
from model.reader import timeline
from model.reference import recompute

from .conftest import DATA
from .independent import (
    DEFAULT_SCALARS,
    SENS_INTENSITIES,
    SENS_MARGINS,
    frames_from_csv,
)


def _split(values):
    return ({s: v.values for s, v in values.items()}, {s: v.errors for s, v in values.items()})


def test_every_calculated_cell_matches_the_reference(default_values):
    inputs, scen, _ = frames_from_csv(DATA)
    expected = recompute(inputs, scen, DEFAULT_SCALARS, "FY2025/26 Q1", SENS_MARGINS, SENS_INTENSITIES)
    vals, errs = _split(default_values)
    problems = compare(expected, vals, errs)
    assert not problems, "\n".join(map(str, problems[:20]))
    n_calc = expected.calcs.size + expected.flags.size
    assert n_calc > 500      # the comparison really covered the timeline


def test_no_error_values_anywhere(default_values):
    found = {s: v.errors for s, v in default_values.items() if v.errors}
    assert not found


def _calc(values, key, label):
    cells = values["Calculations"].values
    tl = timeline("Calculations", cells)
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
