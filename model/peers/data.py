"""Load the peers file and the Lenovo file, validate, and place every figure on the calendar.

``load(paths)`` reads data/peers_quarterly.csv (a ``company`` column: Dell, HPE,
Supermicro) and data/lenovo_quarterly.csv (Lenovo's ISG revenue and operating profit
only). Each fiscal quarter goes to the calendar quarter holding its middle month
(model.core.calendar), computed from the period end and from the company's fiscal calendar;
the two must agree. Every problem is reported as ``file:row: why`` and nothing is
returned while any remains.
"""
from __future__ import annotations

import csv
import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..lenovo import data as lenovo_data
from ..core.calendar import FISCAL_YEAR_END, CalendarQuarter, calendar_quarter, from_fiscal
from ..core.dataset import DataError
from . import spec

PEERS_COLUMNS = ("company", "fiscal_year", "fiscal_quarter", "period_end", "entity", "metric",
                 "value", "unit", "basis", "source_title", "source_url")
BASES = ("reported", "estimate", "approx", "lower_bound", "derived")
_FY = re.compile(r"^FY(\d{4})$")
_Q = re.compile(r"^Q([1-4])$")


@dataclass(frozen=True)
class Figure:
    period: CalendarQuarter
    company: str
    entity: str              # as in the data file ('ISG-AI')
    metric: str
    value: float             # US$ millions, or a fraction for percentages
    unit: str                # data unit: usd_m or pct
    basis: str
    source_title: str
    source_url: str
    period_end: date | None
    row: int                 # line in its data file
    fiscal: str              # the company's own label: 'FY2026 Q3', 'FY2025/26 Q1'
    file: str = ""           # the data file's name
    quote: str = ""

    @property
    def code(self) -> str:
        return spec.entity_code(self.company, self.entity)

    @property
    def key(self) -> str:
        return f"{self.code}.{self.metric}"


def quarter_end(p: CalendarQuarter) -> date:
    """The last day of a calendar quarter."""
    nxt = p.shifted(1)
    return date(nxt.year, 3 * nxt.q - 2, 1) - timedelta(days=1)


def parse_label(label: str) -> CalendarQuarter:
    """'2025 Q3' -> CalendarQuarter (the inverse of ``.label``)."""
    m = re.match(r"^(\d{4}) Q([1-4])$", str(label).strip())
    if not m:
        raise ValueError(f"{label!r} is not a calendar quarter label like '2025 Q3'")
    return CalendarQuarter(int(m.group(1)), int(m.group(2)))


def fiscal_label(company: str, p: CalendarQuarter) -> str:
    """The company's fiscal quarter that sits in calendar quarter ``p`` ('FY2026 Q3')."""
    _, naming = FISCAL_YEAR_END[company]
    for year in range(p.year - 1, p.year + 3):
        fy = f"{year}/{(year + 1) % 100:02d}" if naming == "start" else f"FY{year}"
        for q in range(1, 5):
            if from_fiscal(company, fy, f"Q{q}") == p:
                return f"FY{fy} Q{q}" if naming == "start" else f"{fy} Q{q}"
    raise ValueError(f"no fiscal quarter of {company} in {p.label}")


@dataclass(frozen=True)
class Dataset:
    paths: tuple[Path, ...]
    figures: tuple[Figure, ...]
    sha256: str

    @property
    def path(self) -> Path:
        return self.paths[0]

    @property
    def periods(self) -> list[CalendarQuarter]:
        """Every calendar quarter from the first figure's to the last's, gaps included."""
        if not self.figures:
            return []
        lo = min(f.period for f in self.figures)
        hi = max(f.period for f in self.figures)
        return [lo.shifted(i) for i in range(hi.index - lo.index + 1)]

    def period_ends(self) -> dict[CalendarQuarter, date]:
        return {p: quarter_end(p) for p in self.periods}

    def lookup(self) -> dict[tuple[CalendarQuarter, str], Figure]:
        return {(f.period, f.key): f for f in self.figures}


def _read(path: Path, problems: list[str]) -> tuple[bytes, list[str], list[tuple[int, list[str]]]] | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(f"{path}: cannot read: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if header is None:
        problems.append(f"{path}:1: the file is empty; expected a header row")
        return None
    rows = [(reader.line_num, rec) for rec in reader]
    return raw, [h.strip() for h in header], rows


def _load_peers(path: Path, header: list[str], rows, problems: list[str]) -> list[Figure]:
    missing = [c for c in PEERS_COLUMNS if c not in header]
    if missing:
        problems.append(f"{path}:1: missing column(s) {', '.join(missing)}")
        return []
    col = {c: header.index(c) for c in PEERS_COLUMNS + ("quote",) if c in header}
    out: list[Figure] = []
    seen: dict[tuple, int] = {}
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
                end = date.fromisoformat(get["period_end"])
            except ValueError:
                bad.append(f"period_end {get['period_end']!r} is not a date like 2025-06-30")
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


def _load_lenovo(path: Path, problems: list[str]) -> list[Figure]:
    try:
        ds = lenovo_data.load(path)
    except DataError as exc:
        problems.extend(exc.problems)
        return []
    out = []
    for f in ds.figures:
        if (f.entity, f.metric) not in spec.LENOVO_TAKEN:
            continue
        try:
            period = calendar_quarter("Lenovo", f.period.fiscal_year, f"Q{f.period.q}", f.period_end)
        except ValueError as exc:
            problems.append(f"{path}:{f.row}: {exc}")
            continue
        out.append(Figure(period, "Lenovo", f.entity, f.metric, f.value, f.unit, f.basis, f.source_title,
                          f.source_url, f.period_end, f.row, f.period.label, path.name, f.quote))
    return out


_NOT_NEGATIVE = ("revenue", "orders", "shipments", "backlog")


def load(paths) -> Dataset:
    """Read and validate the peers file and the Lenovo file (either order); raise DataError
    listing every bad row of both."""
    paths = [Path(p) for p in (paths if isinstance(paths, (list, tuple)) else [paths])]
    problems: list[str] = []
    figures: list[Figure] = []
    digest = hashlib.sha256()
    kinds = []
    for path in paths:
        got = _read(path, problems)
        if got is None:
            continue
        raw, header, rows = got
        digest.update(raw)
        if "company" in header:
            kinds.append("peers")
            figures += _load_peers(path, header, rows, problems)
        else:
            kinds.append("lenovo")
            figures += _load_lenovo(path, problems)
    if not problems:
        if kinds.count("peers") != 1 or kinds.count("lenovo") != 1:
            problems.append(f"{', '.join(map(str, paths))}: expected one peers file (with a company column) "
                            f"and one Lenovo file, got {len(paths)} file(s)")
    if problems:
        raise DataError(problems)
    # two figures of one company, one series, in one calendar quarter: the calendar is broken
    seen: dict = {}
    for f in figures:
        prior = seen.setdefault((f.period, f.key), f)
        if prior is not f:
            problems.append(f"{f.file}:{f.row}: {f.key} for {f.period.label} is already given on row "
                            f"{prior.row} ({prior.fiscal})")
    if problems:
        raise DataError(problems)
    return Dataset(tuple(paths), tuple(sorted(figures, key=lambda f: (f.period, f.key))), digest.hexdigest())
