"""Load and validate the tidy figures file.

One figure a row: (fiscal_year, fiscal_quarter, entity, metric) -> value, with
its unit, basis and source. Every problem is reported as ``file:row: message``
and nothing downstream runs while any remains.
"""
from __future__ import annotations

import csv
import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import spec

_FY = re.compile(r"^(\d{4})(?:/(\d{2}))?$")
_Q = re.compile(r"^Q([1-4])$")


class DataError(ValueError):
    """The data file cannot be used; ``problems`` lists each as ``file:row: why``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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


def _value(text: str, unit: str) -> float:
    v = float(text)
    if not math.isfinite(v):
        raise ValueError
    return v / 100.0 if unit == "pct" else v


def load(path: str | Path) -> Dataset:
    """Read and validate ``path``; raise DataError listing every bad row."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    reader = csv.reader(text.splitlines(keepends=True))
    problems: list[str] = []
    header = next(reader, None)
    if header is None:
        raise DataError([f"{path}:1: the file is empty; expected a header row"])
    header = [h.strip() for h in header]
    if len(header) == 1 and header[0].count(";") >= len(spec.DATA_COLUMNS) - 1:
        raise DataError([f"{path}:1: the columns are separated by semicolons (;), not commas; "
                         "save the file as CSV with commas (Excel: 'CSV UTF-8 (Comma delimited)')"])
    if "company" in header:
        raise DataError([f"{path}:1: this is a peers data file (it has a company column); the Lenovo "
                         "workbook reads a file like data/lenovo_quarterly.csv, the peers workbook "
                         "(workbooks/ai_server_peers.xlsx) reads this one"])
    missing = [c for c in spec.DATA_COLUMNS if c not in header]
    if missing:
        raise DataError([f"{path}:1: missing column(s) {', '.join(missing)}"])
    col = {c: header.index(c) for c in spec.DATA_COLUMNS + spec.OPTIONAL_COLUMNS if c in header}
    figures: list[Figure] = []
    seen: dict[tuple, int] = {}
    ends: dict[Period, tuple[date, int]] = {}
    two_year_styles: set[bool] = set()
    for rec in reader:
        line = reader.line_num
        if not any(c.strip() for c in rec):
            continue
        where = f"{path}:{line}"
        needed = 1 + max(col[c] for c in spec.DATA_COLUMNS)
        if len(rec) > len(header) or len(rec) < needed:     # an optional last column may be left off
            problems.append(f"{where}: {len(rec)} fields, expected {len(header)}")
            continue
        get = {c: rec[i].strip() if i < len(rec) else "" for c, i in col.items()}
        try:
            period = parse_period(get["fiscal_year"], get["fiscal_quarter"])
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        two_year_styles.add(period.two_year)
        entity, metric, unit, basis = get["entity"], get["metric"], get["unit"], get["basis"]
        bad = []
        if entity not in spec.ENTITIES:
            bad.append(f"unknown entity {entity!r} (expected one of {', '.join(spec.ENTITIES)})")
        if metric not in spec.METRICS:
            bad.append(f"unknown metric {metric!r} (expected one of {', '.join(spec.METRICS)})")
        elif unit != spec.METRICS[metric][1]:
            bad.append(f"unit {unit!r} does not fit metric {metric} (expected {spec.METRICS[metric][1]})")
        if basis not in spec.BASES:
            bad.append(f"unknown basis {basis!r} (expected one of {', '.join(spec.BASES)})")
        try:
            value = _value(get["value"], unit)
        except ValueError:
            bad.append(f"value {get['value']!r} is not a number")
            value = math.nan
        end = None
        if get["period_end"]:
            try:
                end = date.fromisoformat(get["period_end"])
            except ValueError:
                bad.append(f"period_end {get['period_end']!r} is not a date like 2025-06-30")
        if bad:
            problems.extend(f"{where}: {b}" for b in bad)
            continue
        ident = (period, entity, metric)
        if ident in seen:
            problems.append(f"{where}: duplicate figure {period.label} {entity} {metric} "
                            f"(first given on row {seen[ident]})")
            continue
        seen[ident] = line
        if end is not None:
            prior = ends.setdefault(period, (end, line))
            if prior[0] != end:
                problems.append(f"{where}: period_end {end} for {period.label} differs from "
                                f"{prior[0]} on row {prior[1]}")
                continue
        figures.append(Figure(period, entity, metric, value, unit, basis,
                              get["source_title"], get["source_url"], end, line,
                              get.get("quote", "")))
    if len(two_year_styles) > 1:
        problems.append(f"{path}: mixes fiscal years written as 2025/26 and as 2025")
    if not figures and not problems:
        problems.append(f"{path}: no figures")
    if problems:
        raise DataError(problems)
    return Dataset(path, tuple(figures), hashlib.sha256(raw).hexdigest())
