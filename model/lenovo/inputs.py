"""The Lenovo model's inputs: its input rows, and a fresh build's inputs from the data
(the types, ModelInputs and Entry, are every model's: model.core.inputs)."""
from __future__ import annotations

from ..core.dataset import Dataset, Period
from ..core.inputs import Entry, ModelInputs, describe
from . import spec


def input_rows(keys, first=()) -> list[spec.InputRow]:
    """The core rows plus any other (entity, metric) present, in vocabulary order; with
    ``first`` (the rows a workbook already has, in its order), those rows keep their
    places and new ones follow them, so a refresh never moves a row a person's
    comments, formats or formulas are attached to."""
    present = set(keys)
    rows = [r for r in (_row(k) for k in first) if r is not None]
    have = {r.key for r in rows}
    rows += [r for r in spec.CORE_INPUTS if r.key not in have]
    have = {r.key for r in rows}
    for entity in spec.ENTITIES:
        for metric in spec.METRICS:
            r = spec.InputRow(entity, metric)
            if (r.key in present and r.key not in have
                    and (entity, metric) not in spec.ASSUMPTION_FIGURES):
                rows.append(r)
    return rows


def _row(key: str) -> spec.InputRow | None:
    entity, _, metric = key.partition(".")
    if entity in spec.ENTITIES and metric in spec.METRICS and (entity, metric) not in spec.ASSUMPTION_FIGURES:
        return spec.InputRow(entity, metric)
    return None


def default_sens_quarter(periods, figures: dict) -> str:
    """The latest quarter whose data allow a CSP operating profit, else the latest."""
    def has(p, k):
        return (p, k) in figures

    def given(p):
        return has(p, "ISG-CSP.revenue") or (has(p, "ISG.revenue") and has(p, "ISG-ESMB.revenue"))

    for p in reversed(periods):
        # CSP revenue given, or derived from growth and the dollars a year before or after
        csp = (given(p) or (has(p, "ISG-CSP.revenue_yoy_pct") and given(p.shifted(-4)))
               or (has(p.shifted(4), "ISG-CSP.revenue_yoy_pct") and given(p.shifted(4))))
        gp = has(p, "Group.gross_profit") or has(p, "Group.gross_margin_pct")
        if csp and gp and has(p, "Group.revenue") and has(p, "Group.operating_profit"):
            return p.label
    return periods[-1].label


def from_dataset(ds: Dataset) -> ModelInputs:
    """Inputs for a fresh build: every figure from the data, defaults elsewhere."""
    periods = ds.periods
    figures: dict[tuple[Period, str], Entry] = {}
    scenarios: dict[tuple[Period, str], Entry] = {}
    for f in ds.figures:
        e = Entry(f.value, f.basis, f.source_title, f.source_url, f.value, f.row, quote=f.quote)
        target = spec.ASSUMPTION_FIGURES.get((f.entity, f.metric))
        if target:
            scenarios[(f.period, target)] = e
        else:
            figures[(f.period, f.key)] = e
    for p in periods:
        for s in spec.SCENARIO_ROWS:
            scenarios.setdefault((p, s.key), Entry(s.default, "assumption"))
    return ModelInputs(
        periods=periods,
        period_ends=ds.period_ends(),
        rows=input_rows(k for _, k in figures),
        figures=figures,
        scenarios=scenarios,
        scalars={s.key: s.default for s in spec.SCALARS},
        sens_quarter=default_sens_quarter(periods, figures),
        sens_margins=spec.SENS_MARGINS,
        sens_intensities=spec.SENS_INTENSITIES,
        summary_quarter=default_sens_quarter(periods, figures),
        quotes={(f.period.label, f.key): f.quote for f in ds.figures if f.quote},
        provenance={"Built from": describe(ds)},
    )
