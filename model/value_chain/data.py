"""Load the value-chain, unit-economics, peers and Lenovo files; validate; place every
figure on the calendar.

``load(paths)`` takes the four files in any order, told apart by their header:
``statement`` (unit_economics.csv), ``company`` (value_chain_quarterly.csv and
peers_quarterly.csv: their rows are read alike), neither (lenovo_quarterly.csv, whose
company is Lenovo). Each fiscal quarter goes to the calendar quarter holding its middle
month, computed from the period end and from the company's fiscal calendar; the two must
agree. Rows of series this model does not use are skipped in the peers and Lenovo files
(they serve the other workbooks: v2 and v3 files both load) and refused in the value-chain
file (it is this model's own). Every problem is reported as ``file:row: why`` and nothing
is returned while any remains.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core import calendar as cal
from ..core.calendar import CalendarQuarter
from ..core.dataset import DataError
from ..core.quarterly import (BASES, Dataset, QuarterFigure, parse_label, quarter_end,  # noqa: F401 (the model's)
                              read_files, same_quarter_twice)
from . import spec

TIDY_COLUMNS = ("fiscal_year", "fiscal_quarter", "period_end", "entity", "metric",
                "value", "unit", "basis", "source_title", "source_url")
UE_COLUMNS = ("statement", "value", "unit", "basis", "source_title", "source_url")
UE_UNITS = ("usd_m", "usd", "pct", "pct_pt")
_FY = re.compile(r"^(?:FY)?(\d{4})(?:/(\d{2}))?$")
_Q = re.compile(r"^Q([1-4])$")
FIRST = CalendarQuarter(*spec.FIRST_QUARTER)


@dataclass(frozen=True)
class Figure(QuarterFigure):
    """A figure of this model's files (model.core.quarterly.QuarterFigure), its row named by spec.entity_code."""

    @property
    def code(self) -> str:
        return spec.entity_code(self.company, self.entity)


@dataclass(frozen=True)
class Statement:
    """One line of unit_economics.csv."""
    text: str
    value: float             # as in the file (a percentage as 62.5)
    unit: str
    basis: str
    source_title: str
    source_url: str
    quote: str
    row: int


def fiscal_calendar(company: str) -> tuple[int, str]:
    if company in spec.FISCAL_YEAR_END:
        return spec.FISCAL_YEAR_END[company]
    return cal.FISCAL_YEAR_END[company]


def from_fiscal(company: str, year: int, q: int) -> CalendarQuarter:
    """The calendar quarter of the middle month of fiscal quarter ``q`` of the fiscal year
    starting (Lenovo) or ending (the others) in ``year``."""
    end_month, naming = fiscal_calendar(company)
    end_year = year + 1 if naming == "start" else year
    last = end_year * 12 + end_month - 1
    middle = last - 3 * (4 - q) - 1
    return CalendarQuarter(middle // 12, (middle % 12) // 3 + 1)


def fiscal_label(company: str, p: CalendarQuarter) -> str:
    """The company's fiscal quarter that sits in calendar quarter ``p`` ('FY2026 Q1', 'FY2025/26 Q1')."""
    _, naming = fiscal_calendar(company)
    for year in range(p.year - 1, p.year + 3):
        for q in range(1, 5):
            if from_fiscal(company, year, q) == p:
                return f"FY{year}/{(year + 1) % 100:02d} Q{q}" if naming == "start" else f"FY{year} Q{q}"
    raise ValueError(f"no fiscal quarter of {company} in {p.label}")


def _number(text: str, bad: list[str]) -> float:
    try:
        v = float(text)
        if not math.isfinite(v):
            raise ValueError
        return v
    except ValueError:
        bad.append(f"value {text!r} is not a number")
        return math.nan


def _load_tidy(path: Path, header: list[str], rows, problems: list[str]) -> tuple[list[Figure], str]:
    """A file of figures: the value-chain or peers file (a company column), or Lenovo's."""
    missing = [c for c in TIDY_COLUMNS if c not in header]
    if missing:
        problems.append(f"{path}:1: missing column(s) {', '.join(missing)}")
        return [], ""
    with_company = "company" in header
    col = {c: header.index(c) for c in TIDY_COLUMNS + ("company", "quote") if c in header}
    out: list[Figure] = []
    kind = ""
    seen: dict[tuple, int] = {}
    for line, rec in rows:
        if not any(c.strip() for c in rec):
            continue
        where = f"{path}:{line}"
        if len(rec) > len(header) or len(rec) < 1 + max(col[c] for c in TIDY_COLUMNS):
            problems.append(f"{where}: {len(rec)} fields, expected {len(header)}")
            continue
        get = {c: rec[i].strip() if i < len(rec) else "" for c, i in col.items()}
        company = get["company"] if with_company else "Lenovo"
        entity, metric, unit, basis = get["entity"], get["metric"], get["unit"], get["basis"]
        known = spec.VALUE_CHAIN_COMPANIES + spec.PEER_COMPANIES
        if company not in known or (with_company and company == "Lenovo"):
            problems.append(f"{where}: unknown company {company!r} (expected one of "
                            f"{', '.join(c for c in known if c != 'Lenovo')})")
            continue
        if company in spec.VALUE_CHAIN_COMPANIES:
            kind = "value_chain"
        elif with_company:
            kind = kind or "peers"
        else:
            kind = "lenovo"
        own = company in spec.VALUE_CHAIN_COMPANIES
        if (company, entity, metric) not in spec.ALLOWED:
            if own:
                series = sorted(f"{e}.{m}" for c, e, m in spec.ALLOWED if c == company)
                problems.append(f"{where}: {company} has no series {entity}.{metric} in this model "
                                f"(known: {', '.join(series)})")
            continue                # a peers or Lenovo series the other workbooks use
        bad: list[str] = []
        if unit != spec.METRICS[metric][1]:
            bad.append(f"unit {unit!r} does not fit metric {metric} (expected {spec.METRICS[metric][1]})")
        if basis not in BASES:
            bad.append(f"unknown basis {basis!r} (expected one of {', '.join(BASES)})")
        fy, fq = get["fiscal_year"], get["fiscal_quarter"]
        fy_m, q_m = _FY.match(fy), _Q.match(fq)
        if not fy_m:
            bad.append(f"fiscal_year {fy!r} is not like FY2026 or 2025/26")
        if not q_m:
            bad.append(f"fiscal_quarter {fq!r} is not one of Q1, Q2, Q3, Q4")
        value = _number(get["value"], bad)
        if math.isfinite(value) and unit == "pct" and not -100 <= value <= 100:
            bad.append(f"value {value:g} is outside -100..100 (a percentage is given as 11.4 for 11.4%)")
        elif math.isfinite(value) and metric == "revenue" and value < 0:
            bad.append(f"revenue {value:g} is negative")
        end = None
        if get["period_end"]:
            try:
                end = date.fromisoformat(get["period_end"])
            except ValueError:
                bad.append(f"period_end {get['period_end']!r} is not a date like 2025-06-30")
        period = None
        if not bad:
            period = from_fiscal(company, int(fy_m.group(1)), int(q_m.group(1)))
            if end is not None and cal.from_period_end(end) != period:
                bad.append(f"{company} {fy} {fq} ending {end} falls in {cal.from_period_end(end).label}, "
                           f"but {company}'s fiscal calendar puts it in {period.label}")
        if bad:
            problems.extend(f"{where}: {b}" for b in bad)
            continue
        ident = (company, fy, fq, entity, metric)
        if ident in seen:
            problems.append(f"{where}: duplicate figure {company} {fy} {fq} {entity} {metric} "
                            f"(first given on row {seen[ident]})")
            continue
        seen[ident] = line
        if period < FIRST:
            continue                # before the model's timeline
        label = f"FY{fy.removeprefix('FY')} {fq}"
        out.append(Figure(period, company, entity, metric, value / 100.0 if unit == "pct" else value, unit,
                          basis, get["source_title"], get["source_url"], end, line, label, path.name,
                          get.get("quote", "")))
    return out, kind


def _load_statements(path: Path, header: list[str], rows, problems: list[str]) -> list[Statement]:
    missing = [c for c in UE_COLUMNS if c not in header]
    if missing:
        problems.append(f"{path}:1: missing column(s) {', '.join(missing)}")
        return []
    col = {c: header.index(c) for c in UE_COLUMNS + ("quote",) if c in header}
    out, seen = [], {}
    for line, rec in rows:
        if not any(c.strip() for c in rec):
            continue
        where = f"{path}:{line}"
        if len(rec) > len(header) or len(rec) < 1 + max(col[c] for c in UE_COLUMNS):
            problems.append(f"{where}: {len(rec)} fields, expected {len(header)}")
            continue
        get = {c: rec[i].strip() if i < len(rec) else "" for c, i in col.items()}
        bad: list[str] = []
        value = _number(get["value"], bad)
        if get["unit"] not in UE_UNITS:
            bad.append(f"unknown unit {get['unit']!r} (expected one of {', '.join(UE_UNITS)})")
        if get["basis"] not in BASES:
            bad.append(f"unknown basis {get['basis']!r} (expected one of {', '.join(BASES)})")
        if math.isfinite(value) and get["unit"] == "pct" and not -100 <= value <= 100:
            bad.append(f"value {value:g} is outside -100..100 (a percentage is given as 62.5 for 62.5%)")
        if get["statement"] in seen:
            bad.append(f"duplicate statement (first given on row {seen[get['statement']]})")
        if bad:
            problems.extend(f"{where}: {b}" for b in bad)
            continue
        seen[get["statement"]] = line
        out.append(Statement(get["statement"], value, get["unit"], get["basis"], get["source_title"],
                             get["source_url"], get.get("quote", ""), line))
    have = {s.text: s for s in out}
    for s in spec.STATEMENTS:
        st = have.get(s.text)
        if st is None:
            problems.append(f"{path}: no statement {s.text!r} (the per-$1 split needs it)")
        elif st.unit != "pct":
            problems.append(f"{path}:{st.row}: the statement {s.text!r} is in {st.unit}, expected pct")
    return out


def load(paths) -> Dataset:
    """Read and validate the four files (any order); raise DataError listing every bad row."""
    paths = [Path(p) for p in (paths if isinstance(paths, (list, tuple)) else [paths])]
    problems: list[str] = []
    figures: list[Figure] = []
    statements: list[Statement] = []

    def each(path, header, rows):
        nonlocal figures, statements
        if "statement" in header:
            statements += _load_statements(path, header, rows, problems)
            return "unit_economics"
        figs, kind = _load_tidy(path, header, rows, problems)
        figures += figs
        return kind or ("peers" if "company" in header else "lenovo")
    kinds, sha = read_files(paths, problems, each)
    if not problems:
        want = ("value_chain", "unit_economics", "peers", "lenovo")
        if sorted(kinds) != sorted(want):
            problems.append(f"{', '.join(map(str, paths))}: expected the value-chain, unit-economics, peers and "
                            f"Lenovo files (one each), got {len(paths)} file(s)")
    if problems:
        raise DataError(problems)
    same_quarter_twice(figures, problems)
    if problems:
        raise DataError(problems)
    return Dataset(tuple(paths), tuple(sorted(figures, key=lambda f: (f.period, f.key))), sha,
                   statements=tuple(statements), first=FIRST)
