"""What the calendar-quarter models (model.peers, model.value_chain) share, each taking the
model's own pieces as arguments: a quarter's end and label, the dataset over the quarters, one
read of a data file, and reading Inputs back against Sources (figures, notes, quotes)."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from . import grid
from .calendar import CalendarQuarter
from .layout import SheetLayout, fit_row_heights
from .dataset import DataError, decode_csv
from .inputs import Entry, same_value
from .reader import WITHDRAWN, not_a_figure

BASES = ("reported", "estimate", "approx", "lower_bound", "derived")


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


@dataclass(frozen=True)
class QuarterFigure:
    """One figure of a data file, placed on its calendar quarter; a model's Figure names its row
    (``code``: the model's entity code of company and entity)."""
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
        raise NotImplementedError

    @property
    def key(self) -> str:
        return f"{self.code}.{self.metric}"


def ratio(num, den):
    """num / den of two pandas Series, blank (NaN) where either is blank or den is zero."""
    ok = num.notna() & den.notna() & (den != 0)
    return (num / den.where(ok)).where(ok)


@dataclass(frozen=True)
class Dataset:
    """The figures of a model's data files (each with ``period`` and ``key``), and what else they
    hold (``statements``: the value chain's unit economics); ``first``: the timeline's first quarter
    (else the first figure's)."""
    paths: tuple[Path, ...]
    figures: tuple
    sha256: str
    statements: tuple = ()
    first: CalendarQuarter | None = None

    @property
    def path(self) -> Path:
        return self.paths[0]

    @property
    def periods(self) -> list[CalendarQuarter]:
        """Every calendar quarter from the first (``first`` or the first figure's) to the last
        figure's, gaps included."""
        if not self.figures:
            return []
        lo = self.first or min(f.period for f in self.figures)
        hi = max(f.period for f in self.figures)
        return [lo.shifted(i) for i in range(hi.index - lo.index + 1)]

    def period_ends(self) -> dict[CalendarQuarter, date]:
        return {p: quarter_end(p) for p in self.periods}

    def lookup(self) -> dict:
        return {(f.period, f.key): f for f in self.figures}


def read_csv(path: Path, problems: list[str]) -> tuple[bytes, list[str], list[tuple[int, list[str]]]] | None:
    """(raw bytes, header, [(line, fields)]) of a data file; None with the problem said (unreadable,
    not UTF-8 (as model.core.dataset.decode_csv says it), empty)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(f"{path}: cannot read: {exc.strerror or exc}")
        return None
    try:
        text = decode_csv(path, raw)
    except DataError as exc:
        problems.extend(exc.problems)
        return None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if header is None:
        problems.append(f"{path}:1: the file is empty; expected a header row")
        return None
    rows = [(reader.line_num, rec) for rec in reader]
    return raw, [h.strip() for h in header], rows


def read_files(paths, problems: list[str], each) -> tuple[list, str]:
    """Read every data file once: ``each(path, header, rows)`` takes its rows (and says what kind of
    file it was); returns (the kinds in order, the sha256 of the files' bytes)."""
    import hashlib
    digest = hashlib.sha256()
    kinds = []
    for path in paths:
        got = read_csv(path, problems)
        if got is None:
            continue
        raw, header, rows = got
        digest.update(raw)
        kinds.append(each(path, header, rows))
    return kinds, digest.hexdigest()


def same_quarter_twice(figures, problems: list[str]) -> None:
    """Two figures of one series in one calendar quarter (the calendar is broken): each named by
    its file and row."""
    seen: dict = {}
    for f in figures:
        prior = seen.setdefault((f.period, f.key), f)
        if prior is not f:
            problems.append(f"{f.file}:{f.row}: {f.key} for {f.period.label} is already given on row "
                            f"{prior.row} ({prior.fiscal})")


def source_quotes(cells) -> dict[tuple[str, str], str]:
    """(calendar label, key) -> the quote on a Sources sheet (its 'Quote read in the source' column)."""
    head = {v: c for (r, c), v in cells.items() if r == 0 and isinstance(v, str)}
    qc = head.get("Quote read in the source")
    if qc is None:
        return {}
    out = {}
    for (r, c), v in cells.items():
        if c == qc and r > 0 and v not in (None, ""):
            period, entity, metric = (cells.get((r, i)) for i in (grid.SRC["period"], grid.SRC["entity"],
                                                                  grid.SRC["metric"]))
            if period and entity and metric:
                out[(str(period), f"{entity}.{metric}")] = str(v)
    return out


def read_quarters(sheet: str, inp, tl, problems: list[str]) -> dict[str, CalendarQuarter]:
    """Label -> quarter of the timeline ``tl`` of sheet ``inp``; a label that does not parse, or a
    quarter typed (or autofilled) wrongly in the header, goes to ``problems`` by its cell."""
    periods_by_label = {}
    for label, c in tl.cols.items():
        try:
            periods_by_label[label] = parse_label(label)
        except ValueError as exc:
            problems.append(f"{sheet}!{xl_rowcol_to_cell(tl.header_row, c)}: {exc}")
    for (r, c), v in sorted(inp.items()):
        if r == tl.header_row and c >= grid.FIRST_PERIOD_COL and isinstance(v, str) and v not in tl.cols \
                and re.search(r"(?i)\bQ\s*\d|\d{4}\s*Q", v):
            last = max(tl.cols, key=tl.cols.get) if tl.cols else None
            nxt = f"; the quarter after {last} is {parse_label(last).shifted(1).label!r}" if last else ""
            problems.append(f"{sheet}!{xl_rowcol_to_cell(r, c)}: {v!r} is not a calendar quarter "
                            f"label (labels look like '2025 Q3'{nxt})")
    return periods_by_label


def read_figures(sheet: str, inp, tl, input_keys, periods_by_label: dict, srcs: dict, quotes: dict,
                 problems: list[str], cleared: set) -> tuple[dict, dict]:
    """(figures, notes) of an Inputs sheet ``inp`` (its timeline ``tl``), rows ``input_keys``: each
    figure as the data file gave it where it still is (its Sources row ``srcs``), else a person's
    ``Entry(v, "user", ...)`` keeping what the data file said; a sourced figure emptied goes to
    ``cleared``, text in a figure to ``problems`` ('Inputs!F7: why')."""
    figures: dict = {}
    notes: dict = {}
    for key in sorted((k for k in tl.rows if k in input_keys), key=tl.rows.get):
        r = tl.rows[key]
        note = inp.get((r, grid.C_VALUE))
        if note not in (None, ""):
            notes[key] = note
        for label, c in tl.cols.items():
            if label not in periods_by_label:
                continue
            p = periods_by_label[label]
            v = inp.get((r, c))
            s = srcs.get((label, key))
            if v is None or v == "":
                if s and s["data_value"] is not None:
                    cleared.add((p, key))
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                problems.append(f"{sheet}!{xl_rowcol_to_cell(r, c)}: {not_a_figure(v)}")
                continue
            q = quotes.get((label, key), "")
            withdrawn = bool(s) and s["basis"] == WITHDRAWN
            if s and not withdrawn and same_value(float(v), s["data_value"]):
                e = Entry(float(v), s["basis"], s["source_title"], s["source_url"], s["data_value"],
                          s["data_row"], quote=q)
            elif s and s["basis"] in BASES + (WITHDRAWN,):
                e = Entry(float(v), "user", s["source_title"], s["source_url"], s["data_value"], s["data_row"],
                          s["basis"], quote=q)
            else:
                e = Entry(float(v), "user")
            figures[(p, key)] = e
    return figures, notes


# --- the independent recompute against a recalculated workbook -------------------------------

def status(master: float, warnings: float = 0.0) -> str:
    """The meeting page's line on the checks."""
    line = "Checks: all pass" if master == 0 else f"Checks: {master:g} failing, see the Checks sheet"
    return line + (f"; warnings: {warnings:g}, see the Checks sheet" if warnings else "")


def warning_total(check_totals: dict, check_keys: dict) -> float:
    """The warnings' failures (checks marked ``warning``: shown, not counted in the master check)."""
    return float(sum(v for k_, v in check_totals.items() if check_keys[k_].warning))


def row_codes(cells) -> dict[str, int]:
    """Code (column C) -> its first row."""
    out = {}
    for (r, c), v in sorted(cells.items()):
        if c == grid.C_CODE and isinstance(v, str) and v:
            out.setdefault(v, r)
    return out


def period_header(cells, period_regex: str) -> tuple[int | None, dict[str, int]]:
    """The row whose column C says 'Code', and its period labels -> columns."""
    pat = re.compile(period_regex)
    hr = next((r for (r, c), v in sorted(cells.items()) if c == grid.C_CODE and v == grid.CODE_HEAD), None)
    if hr is None:
        return None, {}
    return hr, {v: c for (r, c), v in cells.items() if r == hr and c >= grid.FIRST_PERIOD_COL
                and isinstance(v, str) and pat.match(v)}


def is_na(v) -> bool:
    """A #N/A as an engine gives it back (LibreOffice in German: #NV)."""
    return isinstance(v, str) and v.strip().upper() in ("#N/A", "#NV")


# --- the Sources sheet -------------------------------------------------------------------------

SOURCES_EXTRA = (("Company", 12), ("Fiscal quarter", 12), ("Data file", 20), ("Quote read in the source", 60))


def sources_sheet(lay, name: str, input_keys: dict, describe, order=None) -> dict[str, int]:
    """The Sources sheet ``name`` of layout ``lay``: one line per figure of the rows ``input_keys``
    (key -> its Inputs row: code, metric, unit), the shared columns (model.core.grid), then company,
    fiscal quarter and data file (``describe(row, period)``: those three) and the quote read. Printed
    two pages across, period, entity and metric on each, the source and the quote wrapped in their
    cells. ``order`` ((label, key) -> row) keeps rows already on a workbook's Sources where they
    stand; others follow below the last. Returns each row key's first line."""
    mi = lay.inputs
    sh = SheetLayout(name, freeze=(1, 0))
    lay.sheets[name] = sh
    cols = list(grid.SOURCES_COLUMNS)
    for c, col in enumerate(cols + [grid.Column("", h, w) for h, w in SOURCES_EXTRA]):
        sh.put(0, c, col.head, "header")
        sh.widths[c] = col.width
    src = grid.SRC
    sh.widths.update({src["period"]: 8, src["entity"]: 18, src["metric"]: 18, src["basis"]: 9,
                      src["source_title"]: 40, src["source_url"]: 30})
    rank = {r.key: n for n, r in enumerate(mi.rows)}
    entries = sorted(((p, k_, e) for (p, k_), e in mi.figures.items() if k_ in input_keys
                      and (e.data_value is not None or e.basis != "user")),
                     key=lambda t: (rank.get(t[1], len(rank)), t[0]))
    first: dict[str, int] = {}
    at = dict(order or {})
    below = max(at.values(), default=0) + 1
    for p, key, e in entries:
        n = at.get((p.label, key))
        if n is None:
            n, below = below, below + 1
        row = input_keys[key]
        first[key] = min(first.get(key, n), n)
        sh.put(n, src["period"], p.label, "text")
        sh.put(n, src["entity"], row.code, "text")
        sh.put(n, src["metric"], row.metric, "text")
        sh.put(n, src["data_value"], e.data_value, f"plain|{row.unit}")
        sh.put(n, src["unit"], row.unit, "text")
        sh.put(n, src["basis"], e.data_basis or e.basis, "text")
        sh.put(n, src["source_title"], e.source_title, "wrap")
        url = e.source_url if e.source_url.lower().startswith(("http://", "https://")) else None
        sh.put(n, src["source_url"], e.source_url, "link" if url else "text", url=url)
        sh.put(n, src["data_row"], e.data_row, "plain|count")
        for j, v in enumerate(describe(row, p)):
            sh.put(n, len(cols) + j, v, "text")
        sh.put(n, len(cols) + 3, mi.quotes.get((p.label, key), e.quote), "wrap")
    sh.print_titles, sh.fit_width, sh.repeat_cols = (0, 0), 2, (0, 2)
    fit_row_heights(sh)
    return first


def compare_checks(values: dict, sheet: str, totals: dict, master: float, check, out: list, lay=None) -> None:
    """Each check's total (``totals``: key -> failures) and the master check against the recalculated
    Checks sheet ``sheet`` of ``values``, by ``check(sheet, row, col, what, expected)``; a check with no
    row coded so goes to ``out``. The master check's row: by its label, else ``lay``'s."""
    from .compare import Mismatch
    from .reader import find_label
    cells = values.get(sheet, {})
    codes = row_codes(cells)
    for key, total in totals.items():
        if key in codes:
            check(sheet, codes[key], grid.C_VALUE, f"{key} failures", total)
        else:
            out.append(Mismatch(sheet, "?", f"check {key}", "a row coded so", None))
    at = find_label(cells, grid.MASTER_LABEL)
    if at is None and lay is not None:
        at = lay.master_check[1]
    if at is not None:
        check(sheet, at, grid.C_VALUE, "master check", master)
