"""The toy dataset as ModelInputs (model.core.inputs)."""
from __future__ import annotations

from model.core.inputs import Entry, ModelInputs, describe
from . import spec


def input_rows(keys=(), first=()):
    return list(spec.INPUT_ROWS)


def from_dataset(ds) -> ModelInputs:
    figures = {(f.period, f.key): Entry(f.value, f.basis, f.source_title, f.source_url, f.value, f.row)
               for f in ds.figures}
    return ModelInputs(periods=ds.periods, period_ends=ds.period_ends(), rows=input_rows(),
                       figures=figures, scenarios={},
                       scalars={s.key: s.default for s in spec.SCALARS}, sens_quarter="",
                       provenance={"Built from": describe(ds)})
