"""The benchmark's synthetic data is valid model data (the benchmark's timings are not tested)."""

from model.bench import synthetic, with_next_quarter
from model.lenovo.data import load


def test_synthetic_data_has_the_asked_quarters_and_loads_cleanly(tmp_path):
    ds = load(synthetic(80, tmp_path / "80q.csv"))
    labels = [p.label for p in ds.periods]
    assert len(labels) == 80 == len({f.period for f in ds.figures})
    assert labels[-1] == "FY2025/26 Q4" and labels[0] == "FY2006/07 Q1"


def test_the_next_quarter_is_added_for_refresh(tmp_path):
    base = synthetic(20, tmp_path / "20q.csv")
    ds = load(with_next_quarter(base, tmp_path / "next.csv"))
    assert [p.label for p in ds.periods][-1] == "FY2026/27 Q1"
    assert len(ds.periods) == 21
