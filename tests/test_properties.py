"""Random but valid data through the real pipeline, recalculated by LibreOffice,
against the independent recompute: losses, profits, zero CSP revenue, gaps."""
import csv
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.build import stamp
from model.lenovo.compare import compare
from model.lenovo.data import load
from model.lenovo.inputs import from_dataset
from model.lenovo.layout import lay_out
from model.lenovo.reference import recompute
from model.writer import write

from .independent import OUTLOOK, SENS_INTENSITIES, SENS_MARGINS, frames_from_csv
from .test_build import HEADER

SERIES = {  # key -> (unit, low, high)
    "Group.revenue": ("usd_m", 0, 30000), "Group.gross_profit": ("usd_m", -500, 5000),
    "Group.operating_profit": ("usd_m", -1500, 1500), "Group.gross_margin_pct": ("pct", -5, 40),
    "IDG.revenue": ("usd_m", 0, 20000), "ISG.revenue": ("usd_m", 0, 8000),
    "ISG.operating_profit": ("usd_m", -400, 300), "SSG.revenue": ("usd_m", 0, 4000),
    "ISG-CSP.revenue": ("usd_m", 0, 5000), "ISG-ESMB.revenue": ("usd_m", 0, 4000),
    "ISG-AI.revenue": ("usd_m", 0, 4000), "ISG-AI.pipeline": ("usd_m", 0, 15000),
    "Group-exCSP.gross_margin_pct": ("pct", 10, 25),
    # 0.4.0: revenue derived from growth, and the adjusted operating-profit basis
    "ISG-CSP.revenue_yoy_pct": ("pct", -100, 150), "ISG-ESMB.revenue_yoy_pct": ("pct", -60, 150),
    "Group.operating_profit_adjusted": ("usd_m", -1500, 2000),
}
BASES = ["reported", "estimate", "approx", "lower_bound"]


def _value(unit, lo, hi):
    return st.one_of(st.just(0.0), st.integers(lo * 10, hi * 10).map(lambda v: v / 10))


@st.composite
def datasets(draw):
    start = draw(st.integers(2000, 2040))
    first_q = draw(st.integers(1, 4))
    n = draw(st.integers(1, 10))
    rows = []
    for i in range(n):
        idx = start * 4 + first_q - 1 + i
        fy, q = idx // 4, idx % 4 + 1
        for key, (unit, lo, hi) in SERIES.items():
            present = draw(st.booleans()) if i not in (0, n - 1) or key != "Group.revenue" else True
            if not present:
                continue
            entity, metric = key.split(".")
            v = draw(_value(unit, lo, hi))
            rows.append([f"{fy}/{(fy + 1) % 100:02d}", f"Q{q}", "", entity, metric, repr(v), unit,
                         draw(st.sampled_from(BASES)), "random", ""])
    scalars = {"scenario": draw(st.sampled_from(["Low", "Base", "High"])),
               "opex_intensity": draw(st.sampled_from([0.0, 0.5, 1.0, 1.7])),
               "segment_tolerance": draw(st.sampled_from([0.0, 0.1, 0.5])),
               "rounding_tolerance": draw(st.sampled_from([0.0, 5.0, 100.0])),
               "margin_bound": draw(st.sampled_from([0.2, 1.0])),
               "excsp_carry": draw(st.sampled_from(["margin", "spread"])),
               "op_basis": draw(st.sampled_from(["reported", "adjusted"])),
               "esmb_case": draw(st.sampled_from(["Low", "Base", "High"]))}
    return rows, scalars


@settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "30")), deadline=None,
          derandomize=os.environ.get("CI") == "true",
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(datasets())
def test_random_quarters_recalculate_like_the_reference(lo, tmp_path, case):
    rows, scalars = case
    src = tmp_path / "random.csv"
    with open(src, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    mi = from_dataset(load(src))
    mi.scalars.update(scalars)
    stamp(mi)
    book = write(lay_out(mi), tmp_path / "random.xlsx")
    values = lo.recalculate(book)

    inputs, scen, periods = frames_from_csv(src)
    expected = recompute(inputs, scen, scalars, mi.sens_quarter, SENS_MARGINS, SENS_INTENSITIES,
                         mi.summary_quarter, dict(OUTLOOK, o_base=mi.summary_quarter))
    problems = compare(expected, {s: v.values for s, v in values.items()},
                       {s: v.errors for s, v in values.items()})
    assert not problems, "\n".join(map(str, problems[:10]))
