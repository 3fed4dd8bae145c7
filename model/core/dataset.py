"""The data every model is built from: a dataset of sourced figures, each in a quarter.

``Period`` is a fiscal quarter (FY2025/26 Q1); ``Figure`` one sourced figure of a data
file, ``Dataset`` a loaded file; ``DataError`` lists every bad row as ``file:row: why``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import ModelError

_FY = re.compile(r"^(\d{4})(?:/(\d{2}))?$")
_Q = re.compile(r"^Q([1-4])$")


class DataError(ModelError, ValueError):
    """The data file cannot be used; ``problems`` lists each as ``file:row: why``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def lines(self) -> list[str]:
        return ["error: the data file has problems; no workbook was written"] + [
            f"  {line}" for line in self.problems]


@dataclass(frozen=True, order=True)
class Period:
    """A fiscal quarter; ``fy`` is the starting calendar year of the fiscal year."""
    fy: int
    q: int
    two_year: bool = True   # label fiscal years as 2025/26 (True) or 2025 (False)

    @property
    def fiscal_year(self) -> str:
        return f"{self.fy}/{(self.fy + 1) % 100:02d}" if self.two_year else str(self.fy)

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.q}"

    @property
    def index(self) -> int:
        return self.fy * 4 + self.q - 1

    def shifted(self, n: int) -> "Period":
        i = self.index + n
        return Period(i // 4, i % 4 + 1, self.two_year)


def parse_period(fiscal_year: str, fiscal_quarter: str) -> Period:
    """``('2025/26', 'Q1')`` -> Period; raises ValueError with the reason."""
    m = _FY.match(fiscal_year.strip())
    if not m:
        raise ValueError(f"fiscal_year {fiscal_year!r} is not like 2025/26 or 2025")
    start = int(m.group(1))
    if m.group(2) is not None and int(m.group(2)) != (start + 1) % 100:
        raise ValueError(f"fiscal_year {fiscal_year!r}: the second year must follow the first")
    q = _Q.match(fiscal_quarter.strip())
    if not q:
        raise ValueError(f"fiscal_quarter {fiscal_quarter!r} is not one of Q1, Q2, Q3, Q4")
    return Period(start, int(q.group(1)), m.group(2) is not None)


def parse_label(label: str) -> Period:
    """``'FY2025/26 Q1'`` -> Period (the inverse of ``Period.label``)."""
    m = re.match(r"^FY(\S+) (Q\d)$", str(label).strip())
    if not m:
        raise ValueError(f"{label!r} is not a period label like 'FY2025/26 Q1'")
    return parse_period(m.group(1), m.group(2))


@dataclass(frozen=True)
class Figure:
    period: Period
    entity: str
    metric: str
    value: float            # US$ millions, or a fraction for percentages
    unit: str
    basis: str
    source_title: str
    source_url: str
    period_end: date | None
    row: int                # line in the data file
    quote: str = ""         # the sentence read in the source (optional column)

    @property
    def key(self) -> str:
        return f"{self.entity}.{self.metric}"


@dataclass(frozen=True)
class Dataset:
    path: Path
    figures: tuple[Figure, ...]
    sha256: str

    @property
    def periods(self) -> list[Period]:
        """Every quarter from the first to the last figure, gaps included."""
        if not self.figures:
            return []
        lo = min(f.period for f in self.figures)
        hi = max(f.period for f in self.figures)
        return [lo.shifted(i) for i in range(hi.index - lo.index + 1)]

    def period_ends(self) -> dict[Period, date]:
        return {f.period: f.period_end for f in self.figures if f.period_end}

    def lookup(self) -> dict[tuple[Period, str], Figure]:
        return {(f.period, f.key): f for f in self.figures}
