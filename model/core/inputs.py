"""What a workbook is built from, as plain data (every model's).

A build takes it from the data file alone; a refresh takes it from the
workbook as people left it, merged with the data file. Either way the layout
and the writer see only this.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from .dataset import Dataset, Period


@dataclass(frozen=True)
class Entry:
    """One input figure: the value in the workbook and where it came from."""
    value: float
    basis: str                       # a basis of the data file, or 'assumption' / 'user'
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
    rows: list                                        # the model's input rows (each has .key)
    figures: dict[tuple[Period, str], Entry]          # (period, 'Entity.metric')
    scenarios: dict[tuple[Period, str], Entry]        # (period, 'excsp_low' ...)
    scalars: dict[str, object]
    sens_quarter: str
    sens_margins: tuple[float, ...] = ()           # a sensitivity grid's axes, if the model has one
    sens_intensities: tuple[float, ...] = ()
    notes: dict[str, object] = field(default_factory=dict)       # row key -> a person's note
    summary_quarter: str = ""                                     # the Summary's chosen quarter
    quotes: dict[tuple[str, str], str] = field(default_factory=dict)   # (period label, key) -> quote
    outlook: dict[str, object] = field(default_factory=dict)   # Outlook driver code -> a person's value
    provenance: dict[str, str] = field(default_factory=dict)


def describe(ds: Dataset) -> str:
    """'file.csv (113 figures, sha256 …)': what a workbook was built or refreshed from."""
    paths = getattr(ds, "paths", None) or (ds.path,)
    names = " + ".join(p.name for p in paths)
    return f"{names} ({len(ds.figures)} figures, sha256 {ds.sha256[:16]})"
