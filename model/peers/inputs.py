"""The peers dataset as ModelInputs: what the layout and the writer see."""
from __future__ import annotations

from ..core.inputs import Entry, ModelInputs
from . import spec


def describe(ds) -> str:
    """'peers_quarterly.csv + lenovo_quarterly.csv (181 figures, sha256 …)'."""
    return (f"{' + '.join(p.name for p in ds.paths)} ({len(ds.figures)} figures, "
            f"sha256 {ds.sha256[:16]})")


def default_index_base(periods, figures) -> str:
    """The first calendar quarter in which every indexed business has revenue, else the first
    quarter. (It may be a business's trough: the index chart's axis is logarithmic, so the
    spread is read as ratios, not stretched by a low base.)"""
    def rev(c, p):
        e = figures.get((p, f"{c.code}.revenue"))
        return None if e is None or e.value is None else float(e.value)

    complete = [p for p in periods if all(rev(c, p) is not None for c in spec.INDEXED)]
    if not complete:
        return periods[0].label if periods else ""
    return complete[0].label


def default_scalars(periods, figures) -> dict:
    out = {s.key: s.default for s in spec.SCALARS}
    out["index_base"] = default_index_base(periods, figures)
    return out


def from_dataset(ds) -> ModelInputs:
    """Inputs for a fresh build: every figure from the data, defaults elsewhere."""
    figures = {(f.period, f.key): Entry(f.value, f.basis, f.source_title, f.source_url, f.value, f.row,
                                        quote=f.quote) for f in ds.figures}
    periods = ds.periods
    mi = ModelInputs(
        periods=periods, period_ends=ds.period_ends(), rows=list(spec.INPUT_ROWS), figures=figures,
        scenarios={}, scalars=default_scalars(periods, figures), sens_quarter="",
        quotes={(f.period.label, f.key): f.quote for f in ds.figures if f.quote},
        provenance={"Built from": describe(ds)})
    return mi
