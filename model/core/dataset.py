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


# --- CSV files as Excel and LibreOffice save them ------------------------------------------

SAVE_AS_UTF8 = ("save it as CSV UTF-8: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited) "
                "(*.csv)'; in LibreOffice, Save As 'Text CSV' with the character set 'Unicode (UTF-8)'")


def decode_csv(path, raw: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without a byte-order mark); a file in
    UTF-16 (Excel's 'Unicode Text') or another code page (Excel's 'CSV (Comma delimited)'
    on Windows writes Windows-1252) raises DataError saying so and how to save it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 3 and (raw[1:2] == b"\x00" or raw[0:1] == b"\x00")):
        raise DataError([f"{path}:1: the file is UTF-16 text (what Excel's 'Unicode Text' writes, "
                         f"tab-separated), not CSV UTF-8; {SAVE_AS_UTF8}"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[:exc.start].count(b"\n") + 1
        byte = raw[exc.start:exc.start + 1]
        try:
            char = f" ({byte.decode('cp1252')!r} in Windows-1252, what Excel's 'CSV (Comma delimited)' " \
                   "writes on Windows)"
        except UnicodeDecodeError:
            char = ""
        raise DataError([f"{path}:{row}: the file is not UTF-8 text: byte 0x{byte.hex()}{char}; "
                         f"{SAVE_AS_UTF8}"]) from None


_SHORT_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")


def short_date_order(texts) -> str | None:
    """'md' or 'dm': the order of a file's short dates, told by the dates whose first or
    second number is above 12 (a program saves a whole column one way); None when none
    tells, or they disagree."""
    md = dm = False
    for t in texts:
        m = _SHORT_DATE.match(t.strip())
        if m:
            md |= int(m.group(3)) > 12
            dm |= int(m.group(1)) > 12
    return "md" if md and not dm else "dm" if dm and not md else None


def parse_date(text: str, order: str | None = None) -> date:
    """A date as written in a data file: ISO (2025-06-30), or a short date as Excel or
    LibreOffice saves one in a CSV, month or day first (6/30/2025, 30/06/2025, 30.06.2025).
    Which is the month is told by the other being above 12, else by ``order`` (the file's,
    from short_date_order); ValueError with the fix when it cannot be told."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    m = _SHORT_DATE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a date like 2025-06-30 (or 6/30/2025 as Excel saves it)")
    a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    if a > 12 and b <= 12 or a <= 12 and b <= 12 and order == "dm":
        day, month = a, b
    elif b > 12 and a <= 12 or a <= 12 and b <= 12 and order == "md":
        month, day = a, b
    elif a == b:
        day = month = a
    else:
        raise ValueError(f"{text!r} could be month/day or day/month (no date in the file tells "
                         f"which); write it as {year}-{a:02d}-{b:02d} or {year}-{b:02d}-{a:02d}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date") from None


_WHERE = re.compile(r"^(.*?):(\d+): (.*)$", re.S)
_SHOWN_ROWS = 12


def _rows(rows: list[int]) -> str:
    """2, 3, 4, 7 -> '2-4, 7', the first few runs."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    text = [f"{a}-{b}" if b > a else str(a) for a, b in runs[:_SHOWN_ROWS]]
    return ", ".join(text) + (", ..." if len(runs) > _SHOWN_ROWS else "")


def grouped_problems(problems: list[str]) -> list[str]:
    """One message per kind of problem in a file: problems that differ only in their row
    and the values quoted in them become the first one, with the rows they affect counted
    ('file:2: period_end '6/30/2021' ... (the same in 186 rows: 2-187)')."""
    groups: dict[tuple, list[tuple[int, str]]] = {}
    order: list = []
    for p in problems:
        m = _WHERE.match(p)
        if not m:
            key = ("", p)
            if key not in groups:
                order.append(key)
            groups.setdefault(key, []).append((0, p))
            continue
        path, row, why = m.group(1), int(m.group(2)), m.group(3)
        kind = re.sub(r"'(?:[^'\\]|\\.)*'|\"[^\"]*\"|-?\d+(?:[.,/]\d+)*", "#", why)
        key = (path, kind)
        if key not in groups:
            order.append(key)
        groups.setdefault(key, []).append((row, p))
    out = []
    for key in order:
        members = groups[key]
        first = members[0][1]
        if len(members) == 1 or not key[0]:
            out += [p for _, p in members] if not key[0] else [first]
            continue
        rows = sorted({r for r, _ in members})
        out.append(f"{first} (the same in {len(rows)} rows: {_rows(rows)})")
    return out
