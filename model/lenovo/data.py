"""Load and validate the tidy figures file.

One figure a row: (fiscal_year, fiscal_quarter, entity, metric) -> value, with
its unit, basis and source. Every problem is reported as ``file:row: message``
and nothing downstream runs while any remains.
"""
from __future__ import annotations

import csv
import hashlib
import math
from datetime import date
from pathlib import Path

from ..core.dataset import DataError, Dataset, Figure, Period, parse_label, parse_period  # noqa: F401 (parse_label: the model's)
from . import spec


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
