"""What the workbook is built from, as plain data.

A build takes it from the data file alone; a refresh takes it from the
workbook as people left it, merged with the data file. Either way the layout
and the writer see only this.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from . import spec
from .data import Dataset, Period


@dataclass(frozen=True)
class Entry:
    """One input figure: the value in the workbook and where it came from."""
    value: float
    basis: str                       # one of spec.BASES, or 'assumption' / 'user'
    source_title: str = ""
    source_url: str = ""
    data_value: float | None = None  # the data file's value when it was last taken
    data_row: int | None = None
    data_basis: str = ""             # for a person's value: the basis the data file gave
                                     # (or 'withdrawn from data file'), shown on Sources
    quote: str = ""                  # the sentence read in the source, shown on Sources


def same_value(a: float | None, b: float | None) -> bool:
    """Equal at the precision figures are given: a percentage typed as 14.3% reads back
    as 0.14300000000000002 from one program and 0.143 from another."""
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@dataclass
class ModelInputs:
    periods: list[Period]
    period_ends: dict[Period, date]
    rows: list[spec.InputRow]
    figures: dict[tuple[Period, str], Entry]          # (period, 'Entity.metric')
    scenarios: dict[tuple[Period, str], Entry]        # (period, 'excsp_low' ...)
    scalars: dict[str, object]
    sens_quarter: str
    sens_margins: tuple[float, ...] = spec.SENS_MARGINS
    sens_intensities: tuple[float, ...] = spec.SENS_INTENSITIES
    notes: dict[str, object] = field(default_factory=dict)       # row key -> a person's note
    summary_quarter: str = ""                                     # the Summary's chosen quarter
    quotes: dict[tuple[str, str], str] = field(default_factory=dict)   # (period label, key) -> quote
    outlook: dict[str, object] = field(default_factory=dict)   # Outlook driver code -> a person's value
    provenance: dict[str, str] = field(default_factory=dict)


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


def describe(ds: Dataset) -> str:
    """'file.csv (113 figures, sha256 …)': what a workbook was built or refreshed from."""
    paths = getattr(ds, "paths", None) or (ds.path,)
    names = " + ".join(p.name for p in paths)
    return f"{names} ({len(ds.figures)} figures, sha256 {ds.sha256[:16]})"


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
        summary_quarter=default_sens_quarter(periods, figures),
        quotes={(f.period.label, f.key): f.quote for f in ds.figures if f.quote},
        provenance={"Built from": describe(ds)},
    )
