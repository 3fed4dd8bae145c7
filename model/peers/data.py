"""Load the peers file and the Lenovo file, validate, and place every figure on the calendar.

``load(paths)`` reads data/peers_quarterly.csv (a ``company`` column: Dell, HPE,
Supermicro) and data/lenovo_quarterly.csv (Lenovo's ISG revenue and operating profit
only). Each fiscal quarter goes to the calendar quarter holding its middle month
(model.core.calendar), computed from the period end and from the company's fiscal calendar;
the two must agree. Every problem is reported as ``file:row: why`` and nothing is
returned while any remains.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core.calendar import FISCAL_YEAR_END, CalendarQuarter, calendar_quarter, from_fiscal
from ..core.dataset import DataError, grouped_problems, parse_date, short_date_order
from ..core.quarterly import (BASES, Dataset, QuarterFigure, parse_label, quarter_end,  # noqa: F401 (the model's)
                              read_files, same_quarter_twice)
from . import spec

PEERS_COLUMNS = ("company", "fiscal_year", "fiscal_quarter", "period_end", "entity", "metric",
                 "value", "unit", "basis", "source_title", "source_url")
_FY = re.compile(r"^FY(\d{4})$")
_Q = re.compile(r"^Q([1-4])$")


@dataclass(frozen=True)
class Figure(QuarterFigure):
    """A figure of this model's files (model.core.quarterly.QuarterFigure), its row named by spec.entity_code."""

    @property
    def code(self) -> str:
        return spec.entity_code(self.company, self.entity)


def fiscal_label(company: str, p: CalendarQuarter) -> str:
    """The company's fiscal quarter that sits in calendar quarter ``p`` ('FY2026 Q3')."""
    _, naming = FISCAL_YEAR_END[company]
    for year in range(p.year - 1, p.year + 3):
        fy = f"{year}/{(year + 1) % 100:02d}" if naming == "start" else f"FY{year}"
        for q in range(1, 5):
            if from_fiscal(company, fy, f"Q{q}") == p:
                return f"FY{fy} Q{q}" if naming == "start" else f"{fy} Q{q}"
    raise ValueError(f"no fiscal quarter of {company} in {p.label}")


def _load_peers(path: Path, header: list[str], rows, problems: list[str]) -> list[Figure]:
    missing = [c for c in PEERS_COLUMNS if c not in header]
    if missing:
        problems.append(f"{path}:1: missing column(s) {', '.join(missing)}")
        return []
    col = {c: header.index(c) for c in PEERS_COLUMNS + ("quote",) if c in header}
    out: list[Figure] = []
    seen: dict[tuple, int] = {}
    dates = short_date_order(r[col["period_end"]] for _, r in rows if len(r) > col["period_end"])
    for line, rec in rows:
        if not any(c.strip() for c in rec):
            continue
        where = f"{path}:{line}"
        if len(rec) > len(header) or len(rec) < 1 + max(col[c] for c in PEERS_COLUMNS):
            problems.append(f"{where}: {len(rec)} fields, expected {len(header)}")
            continue
        get = {c: rec[i].strip() if i < len(rec) else "" for c, i in col.items()}
        company, entity, metric = get["company"], get["entity"], get["metric"]
        unit, basis = get["unit"], get["basis"]
        bad = []
        if company not in spec.BY_COMPANY or company == "Lenovo":
            bad.append(f"unknown company {company!r} (expected Dell, HPE or Supermicro)")
        elif (company, entity, metric) not in spec.ALLOWED:
            known = sorted({f"{e}.{m}" for c, e, m in spec.ALLOWED if c == company})
            bad.append(f"{company} has no series {entity}.{metric} in this model (known: {', '.join(known)})")
        elif unit != spec.METRICS[metric][1]:
            bad.append(f"unit {unit!r} does not fit metric {metric} (expected {spec.METRICS[metric][1]})")
        if basis not in BASES:
            bad.append(f"unknown basis {basis!r} (expected one of {', '.join(BASES)})")
        fy, fq = get["fiscal_year"], get["fiscal_quarter"]
        if not _FY.match(fy):
            bad.append(f"fiscal_year {fy!r} is not like FY2026")
        if not _Q.match(fq):
            bad.append(f"fiscal_quarter {fq!r} is not one of Q1, Q2, Q3, Q4")
        try:
            value = float(get["value"])
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            bad.append(f"value {get['value']!r} is not a number")
            value = math.nan
        if math.isfinite(value) and get["unit"] == "pct" and not -100 <= value <= 100:
            bad.append(f"value {value:g} is outside -100..100 (a percentage is given as 11.4 for 11.4%)")
        elif math.isfinite(value) and get["metric"] in _NOT_NEGATIVE and value < 0:
            bad.append(f"{get['metric']} {value:g} is negative")
        end = None
        if get["period_end"]:             # optional: the fiscal calendar alone places the quarter
            try:
                end = parse_date(get["period_end"], dates)
            except ValueError as exc:
                bad.append(f"period_end {exc}")
        period = None
        if not bad:
            try:
                period = calendar_quarter(company, fy, fq, end)
            except ValueError as exc:
                bad.append(str(exc))
        if bad:
            problems.extend(f"{where}: {b}" for b in bad)
            continue
        ident = (company, fy, fq, entity, metric)
        if ident in seen:
            problems.append(f"{where}: duplicate figure {company} {fy} {fq} {entity} {metric} "
                            f"(first given on row {seen[ident]})")
            continue
        seen[ident] = line
        out.append(Figure(period, company, entity, metric, value / 100.0 if unit == "pct" else value,
                          unit, basis, get["source_title"], get["source_url"], end, line, f"{fy} {fq}",
                          path.name, get.get("quote", "")))
    return out


LENOVO_COLUMNS = PEERS_COLUMNS[1:]
_LENOVO_FY = re.compile(r"^(\d{4})/(\d{2})$")


def _load_lenovo(path: Path, header: list[str], rows, problems: list[str]) -> list[Figure]:
    """The Lenovo rows this model shows (spec.LENOVO_TAKEN: ISG revenue and operating profit,
    the CSP revenue estimate), each validated; the file's other rows are the Lenovo model's
    (model/data.py reads them all), so a metric this model does not show, such as v3's
    operating_profit_adjusted, is passed over here, not refused."""
    if "company" in header:
        problems.append(f"{path}:1: expected the Lenovo file, got a file with a company column")
        return []
    missing = [c for c in LENOVO_COLUMNS if c not in header]
    if missing:
        problems.append(f"{path}:1: missing column(s) {', '.join(missing)}")
        return []
    col = {c: header.index(c) for c in LENOVO_COLUMNS + ("quote",) if c in header}
    out: list[Figure] = []
    seen: dict[tuple, int] = {}
    for line, rec in rows:
        if not any(c.strip() for c in rec):
            continue
        where = f"{path}:{line}"
        if len(rec) > len(header) or len(rec) < 1 + max(col[c] for c in LENOVO_COLUMNS):
            problems.append(f"{where}: {len(rec)} fields, expected {len(header)}")
            continue
        get = {c: rec[i].strip() if i < len(rec) else "" for c, i in col.items()}
        entity, metric, unit, basis = get["entity"], get["metric"], get["unit"], get["basis"]
        if (entity, metric) not in spec.LENOVO_TAKEN:
            continue
        bad = []
        if unit != spec.METRICS[metric][1]:
            bad.append(f"unit {unit!r} does not fit metric {metric} (expected {spec.METRICS[metric][1]})")
        if basis not in BASES:
            bad.append(f"unknown basis {basis!r} (expected one of {', '.join(BASES)})")
        fy, fq = get["fiscal_year"], get["fiscal_quarter"]
        m = _LENOVO_FY.match(fy)
        if not m or int(m.group(2)) != (int(m.group(1)) + 1) % 100:
            bad.append(f"fiscal_year {fy!r} is not like 2025/26")
        if not _Q.match(fq):
            bad.append(f"fiscal_quarter {fq!r} is not one of Q1, Q2, Q3, Q4")
        try:
            value = float(get["value"])
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            bad.append(f"value {get['value']!r} is not a number")
            value = math.nan
        if math.isfinite(value) and metric in _NOT_NEGATIVE and value < 0:
            bad.append(f"{metric} {value:g} is negative")
        end = None
        if get["period_end"]:
            try:
                end = date.fromisoformat(get["period_end"])
            except ValueError:
                bad.append(f"period_end {get['period_end']!r} is not a date like 2025-06-30")
        period = None
        if not bad:
            try:
                period = calendar_quarter("Lenovo", fy, fq, end)
            except ValueError as exc:
                bad.append(str(exc))
        if bad:
            problems.extend(f"{where}: {b}" for b in bad)
            continue
        ident = (fy, fq, entity, metric)
        if ident in seen:
            problems.append(f"{where}: duplicate figure FY{fy} {fq} {entity} {metric} "
                            f"(first given on row {seen[ident]})")
            continue
        seen[ident] = line
        out.append(Figure(period, "Lenovo", entity, metric, value / 100.0 if unit == "pct" else value, unit,
                          basis, get["source_title"], get["source_url"], end, line, f"FY{fy} {fq}", path.name,
                          get.get("quote", "")))
    return out


_NOT_NEGATIVE = ("revenue", "orders", "shipments", "backlog")


def load(paths) -> Dataset:
    """Read and validate the peers file and the Lenovo file (either order); raise DataError
    listing every bad row of both."""
    paths = [Path(p) for p in (paths if isinstance(paths, (list, tuple)) else [paths])]
    problems: list[str] = []
    figures: list[Figure] = []

    def each(path, header, rows):
        nonlocal figures
        if "company" in header:
            figures += _load_peers(path, header, rows, problems)
            return "peers"
        figures += _load_lenovo(path, header, rows, problems)
        return "lenovo"
    kinds, sha = read_files(paths, problems, each)
    if not problems:
        if kinds.count("peers") != 1 or kinds.count("lenovo") != 1:
            problems.append(f"{', '.join(map(str, paths))}: expected one peers file (with a company column) "
                            f"and one Lenovo file, got {len(paths)} file(s)")
    if problems:
        raise DataError(grouped_problems(problems))
    same_quarter_twice(figures, problems)       # two figures of one series in one calendar quarter
    if problems:
        raise DataError(grouped_problems(problems))
    return Dataset(tuple(paths), tuple(sorted(figures, key=lambda f: (f.period, f.key))), sha)
