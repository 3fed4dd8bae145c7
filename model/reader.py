"""Read a workbook back as plain cells, and find the model in them.

Rows are found by the code in column C and periods by their header labels,
never by fixed addresses, so the reader works on any workbook this project
built and people then edited. The same functions read openpyxl's cells (the
file as saved) and LibreOffice's recalculated values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from . import spec
from .grid import C_CODE, C_VALUE, CODE_HEAD, SRC
from .package import Package, check

Cells = dict[tuple[int, int], object]      # 0-based (row, col) -> value
_LABEL = re.compile(r"^FY\S+ Q[1-4]$")
_QUARTERISH = re.compile(r"(?i)^\s*(FY|Q\d)|\bQ\d\b.*\d{4}")


class Formula(str):
    """A cell's formula text as saved ('=...'), told apart from text that merely starts with '='."""


class ModelNotFound(ValueError):
    """The workbook does not hold the model's sheets or rows; says where."""


@dataclass(frozen=True)
class Style:
    """What the audit needs of a cell's format."""
    number_format: str
    locked: bool
    fill: str            # fill colour as 'RRGGBB', '' when none


@dataclass
class Book:
    """A workbook as saved: cells, and the facts about it that the audit's lints need."""
    cells: dict[str, Cells]
    styles: dict[str, dict[tuple[int, int], Style]]   # sheet -> cell -> style (styled cells)
    states: dict[str, str]                            # sheet (charts too) -> visible/hidden/veryHidden
    protected: dict[str, bool]                        # worksheet -> sheet protection on
    hidden: dict[str, list[str]]                      # worksheet -> hidden rows/columns ('7:9', 'D:D')
    external_links: list[str]                         # targets of links to other workbooks
    iterate: bool                                     # iterative calculation switched on
    names: dict[str, str]                             # defined name -> what it refers to
    created: datetime | None                          # docProps created
    package: Package


def _style(cell, cache: dict) -> Style:
    sid = getattr(cell, "_style_id", None)
    if sid in cache:
        return cache[sid]
    rgb = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type == "solid" else ""
    st = Style(cell.number_format, bool(cell.protection.locked),
               rgb[-6:].upper() if isinstance(rgb, str) else "")
    if sid is not None:
        cache[sid] = st
    return st


_HIDDEN = rb'\bhidden="(?:1|true)"'


def _sheet_facts(wb, ws) -> tuple[bool, list[str]]:
    """Sheet protection and hidden rows and columns ('7:9', 'D:D'), read from the sheet's
    XML (openpyxl's read-only mode skips both)."""
    part = getattr(ws, "_worksheet_path", None)
    if not part:
        return False, []
    with wb._archive.open(part) as f:
        data = f.read()
    m = re.search(rb"<(?:\w+:)?sheetProtection\b([^>]*)>", data)
    protected = bool(m and re.search(rb'\bsheet="(1|true)"', m.group(1)))
    hidden = []
    for m in re.finditer(rb"<(?:\w+:)?col\b([^>]*)>", data):
        a = m.group(1)
        lo, hi = re.search(rb'\bmin="(\d+)"', a), re.search(rb'\bmax="(\d+)"', a)
        if re.search(_HIDDEN, a) and lo and hi:
            from openpyxl.utils import get_column_letter
            first, last = int(lo.group(1)), min(int(hi.group(1)), 16384)
            hidden.append(f"{get_column_letter(first)}:{get_column_letter(last)}")
    rows = [int(r.group(1)) for m in re.finditer(rb"<(?:\w+:)?row\b([^>]*)>", data)
            if re.search(_HIDDEN, m.group(1)) for r in [re.search(rb'\br="(\d+)"', m.group(1))] if r]
    start = prev = None
    for r in rows + [None]:
        if start is not None and (r is None or r != prev + 1):
            hidden.append(f"{start}:{prev}")
            start = None
        if r is not None and start is None:
            start = r
        prev = r
    return protected, hidden


def _open(path, data_only: bool):
    """openpyxl's read-only workbook without chart drawings: the model needs each chart
    sheet's name and state, and reading their charts was a quarter of a refresh."""
    from openpyxl.chartsheet import Chartsheet
    from openpyxl.reader.excel import ExcelReader

    class CellsOnly(ExcelReader):
        def read_chartsheet(self, sheet, rel):
            cs = Chartsheet()
            cs._parent = self.wb
            cs.title = sheet.name
            cs.sheet_state = sheet.state or "visible"
            self.wb._add_sheet(cs)

    reader = CellsOnly(path, read_only=True, keep_vba=False, data_only=data_only, keep_links=True)
    reader.read()
    return reader.wb


def read_book(path, data_only: bool = False, styles: bool = True,
              package: Package | None = None) -> Book:
    """Every worksheet's non-empty cells as saved (formulas as Formula text unless
    ``data_only``, which gives the values cached by the program that saved it), and
    the sheet states, external links, calculation mode and names; with ``styles``,
    also what only the lints need: cell styles and sheet protection. The file is
    checked first (model.package) unless its ``package`` check is passed in."""
    pkg = package or check(path)
    wb = _open(path, data_only)
    try:
        cells_by_sheet, styles_by_sheet, protected, hidden, cache = {}, {}, {}, {}, {}
        for ws in wb.worksheets:
            cells, st = {}, {}
            ws.reset_dimensions()       # read every row, not only those inside <dimension>
            for r, row in enumerate(ws.iter_rows()):
                for c, cell in enumerate(row):
                    v = getattr(cell, "value", None)
                    if styles and getattr(cell, "_style_id", 0):
                        st[(r, c)] = _style(cell, cache)
                    if v is None or v == "":
                        continue
                    if cell.data_type == "f":
                        v = Formula(v if isinstance(v, str) else getattr(v, "text", str(v)))
                    cells[(r, c)] = v
            cells_by_sheet[ws.title] = cells
            styles_by_sheet[ws.title] = st
            if styles:
                protected[ws.title], hidden[ws.title] = _sheet_facts(wb, ws)
        states = {ws.title: ws.sheet_state for ws in wb.worksheets + wb.chartsheets}
        links = [getattr(getattr(link, "file_link", None), "Target", "") or "?"
                 for link in getattr(wb, "_external_links", [])]
        iterate = bool(getattr(wb.calculation, "iterate", False))
        names = {n: d.attr_text for n, d in wb.defined_names.items()}
        created = wb.properties.created
        return Book(cells_by_sheet, styles_by_sheet, states, protected, hidden, links, iterate, names,
                    created.replace(tzinfo=None) if created else None, pkg)
    finally:
        wb.close()


def read_cells(path, data_only: bool = False) -> dict[str, Cells]:
    """Every worksheet's non-empty cells as saved in the file (see read_book)."""
    return read_book(path, data_only, styles=False).cells


@dataclass
class Timeline:
    """Where the periods and rows of one timeline sheet are."""
    sheet: str
    header_row: int
    cols: dict[str, int]     # period label -> column
    rows: dict[str, int]     # code (column C) -> row

    @property
    def labels(self) -> list[str]:
        return list(self.cols)


def timeline(sheet: str, cells: Cells, pattern: re.Pattern | None = None) -> Timeline:
    """Find the header row (the row whose column C says 'Code') and the coded rows;
    ``pattern``: what a period label looks like (default: the Lenovo model's fiscal
    quarters, 'FY2025/26 Q1')."""
    pattern = pattern or _LABEL
    header = next((r for (r, c), v in cells.items() if c == C_CODE and v == CODE_HEAD), None)
    if header is None:
        raise ModelNotFound(f"{sheet}: no header row with 'Code' in column C")
    cols = {}
    for c, v in sorted((c, v) for (r, c), v in cells.items() if r == header):
        if c >= spec.FIRST_PERIOD_COL and isinstance(v, str) and pattern.match(v):
            cols[v] = c
    rows = {}
    for (r, c), v in cells.items():
        if c == C_CODE and r > header and isinstance(v, str) and v:
            rows.setdefault(v, r)
    return Timeline(sheet, header, cols, rows)


def find_label(cells: Cells, text: str, col: int = 0) -> int | None:
    return next((r for (r, c), v in sorted(cells.items()) if c == col and v == text), None)


def sensitivity_axes(cells: Cells) -> tuple[int, int, list, list, int]:
    """(quarter row, header row, margins, intensities, first grid column) of the Sensitivity sheet."""
    qr = find_label(cells, "Quarter shown")
    hr = next((r for (r, c), v in cells.items() if c == 4 and v == "Margin \\ intensity"), None)
    if qr is None and hr is None:
        raise ModelNotFound(f"{spec.SENS}: the quarter selector and the grid header are missing")
    # a changed label (the structure check reports it): the other one still places the grid
    gap = 2 + len(spec.SENS_LOOKUPS) + 1
    qr = hr - gap if qr is None else qr
    hr = qr + gap if hr is None else hr
    ints, c = [], spec.FIRST_PERIOD_COL
    while isinstance(cells.get((hr, c)), (int, float)):
        ints.append(float(cells[(hr, c)]))
        c += 1
    margins, r = [], hr + 1
    while isinstance(cells.get((r, 4)), (int, float)):
        margins.append(float(cells[(r, 4)]))
        r += 1
    return qr, hr, margins, ints, spec.FIRST_PERIOD_COL


def sources(cells: Cells) -> dict[tuple[str, str], dict]:
    """Sources sheet rows keyed by (period label, 'Entity.metric')."""
    out = {}
    rows = sorted({r for r, _ in cells if r > 0})
    for r in rows:
        def at(name):
            return cells.get((r, SRC[name]))
        period, entity, metric = at("period"), at("entity"), at("metric")
        if not (period and entity and metric):
            continue
        dv, row = at("data_value"), at("data_row")
        out.setdefault((str(period), f"{entity}.{metric}"), {
            "row": r,
            "data_value": float(dv) if isinstance(dv, (int, float)) and not isinstance(dv, bool) else None,
            "basis": str(at("basis") or ""),
            "source_title": str(at("source_title") or ""),
            "source_url": str(at("source_url") or ""),
            "data_row": row if isinstance(row, int) else None,
        })
    return out


WITHDRAWN = "withdrawn from data file"


def source_order(cells: Cells) -> dict[tuple[str, str], int]:
    """(period label, 'Entity.metric') -> row of each Sources row, so a refresh keeps them
    where they stand (a person may have sorted them, or noted beside them)."""
    return {k: s["row"] for k, s in sources(cells).items()}


def _provenance(cells: Cells) -> dict[str, str]:
    """What the Cover says the workbook was built and refreshed from."""
    out = {}
    for (r, c), v in cells.items():
        if c == 0 and v in ("Built from", "Built by", "Last refresh"):
            out[v] = str(cells.get((r, 1), ""))
    return out


def not_a_figure(v) -> str:
    """Why a cell's content cannot be used as a figure, in words a person can act on."""
    if isinstance(v, Formula):
        return (f"holds a formula ({v}) where a figure belongs; type the value itself "
                "(workings belong on a sheet of your own)")
    if isinstance(v, str):
        try:
            float(v.replace(",", "").strip().rstrip("%"))
            return (f"{v!r} is a number stored as text; retype it as a number "
                    "(Excel: the warning triangle, Convert to Number)")
        except ValueError:
            pass
    return f"{v!r} is not a number"


def bad_quarter(text: str, labels: list[str]) -> str:
    """Why a header is not a quarter label, with the label that would follow the timeline."""
    from .data import parse_label
    nxt = ""
    try:
        nxt = f"; the quarter after {labels[-1]} is {parse_label(labels[-1]).shifted(1).label!r}"
    except (ValueError, IndexError):
        pass
    m = re.match(r"^FY\S+ Q(\d+)$", text.strip())
    why = "quarters run Q1 to Q4" if m and not 1 <= int(m.group(1)) <= 4 else "labels look like 'FY2025/26 Q1'"
    return f"{text!r} is not a quarter label ({why}{nxt})"


def read_model_inputs(sheets: dict[str, Cells]):
    """The workbook as people left it, as ModelInputs (what a rebuild would need).

    Returns (inputs, problems, cleared): problems are input cells whose content
    cannot be used (text typed where a number belongs), each as 'Sheet!Cell: why';
    cleared holds the (period, key) of sourced figures a person emptied."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    from .data import parse_label
    from .inputs import Entry, ModelInputs, input_rows, same_value

    for name in (spec.INPUTS, spec.ASSUMPTIONS, spec.SENS, spec.SOURCES):
        if name not in sheets:
            raise ModelNotFound(f"the workbook has no {name!r} sheet")
    problems: list[str] = []
    cleared: set = set()
    inp = sheets[spec.INPUTS]
    tl = timeline(spec.INPUTS, inp)      # quarters a person typed beyond the timeline included
    header = tl.header_row
    periods_by_label = {}
    for label in tl.cols:
        try:
            periods_by_label[label] = parse_label(label)
        except ValueError:
            problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(header, tl.cols[label])}: "
                            f"{label!r} is not a period label")
    for (r, c), v in sorted(inp.items()):      # a quarter typed (or autofilled) wrongly
        if r == header and c >= spec.FIRST_PERIOD_COL and isinstance(v, str) \
                and _QUARTERISH.search(v) and v not in tl.cols:
            problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(r, c)}: {bad_quarter(v, tl.labels)}")
    ordered = sorted(periods_by_label.items(), key=lambda kv: tl.cols[kv[0]])
    for (a, pa), (b, pb) in zip(ordered, ordered[1:]):     # typed beyond the timeline, skipping one
        if pb.index != pa.index + 1 and tl.cols[b] == tl.cols[a] + 1:
            problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(header, tl.cols[b])}: {b} follows "
                            f"{a}, but quarters run one after another: type "
                            f"{pa.shifted(1).label!r} here (a quarter without figures is fine)")
    srcs = sources(sheets[spec.SOURCES])
    figures: dict = {}
    notes: dict = {}
    keys = sorted((k for k in tl.rows if "." in k), key=tl.rows.get)

    def entry(sheet, r, c, label, key, src_key):
        v = sheets[sheet].get((r, c))
        if v is None or v == "":
            s = srcs.get((label, src_key))
            if s and s["data_value"] is not None:
                cleared.add((periods_by_label[label], key))
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            problems.append(f"{sheet}!{xl_rowcol_to_cell(r, c)}: {not_a_figure(v)}")
            return None
        s = srcs.get((label, src_key))
        withdrawn = bool(s) and s["basis"] == WITHDRAWN
        if s and not withdrawn and same_value(float(v), s["data_value"]):
            return Entry(float(v), s["basis"], s["source_title"], s["source_url"],
                         s["data_value"], s["data_row"])
        if s and s["basis"] in spec.BASES + (WITHDRAWN,):
            # a person's value for a sourced figure: keep what the data said, for conflicts
            return Entry(float(v), "user", s["source_title"], s["source_url"], s["data_value"],
                         s["data_row"], s["basis"])
        return Entry(float(v), "user")

    for key in keys:
        r = tl.rows[key]
        note = inp.get((r, C_VALUE))
        if note not in (None, ""):
            notes[key] = note            # text, number, date or formula: kept as it is
        for label, c in tl.cols.items():
            if label in periods_by_label:
                e = entry(spec.INPUTS, r, c, label, key, key)
                if e:
                    figures[(periods_by_label[label], key)] = e
    ass = sheets[spec.ASSUMPTIONS]
    atl = timeline(spec.ASSUMPTIONS, ass)
    scenarios: dict = {}
    for s in spec.SCENARIO_ROWS:
        r = atl.rows.get(s.scenario)
        if r is None:
            raise ModelNotFound(f"{spec.ASSUMPTIONS}: no row coded {s.scenario!r} in column C")
        for label, c in atl.cols.items():
            if label not in periods_by_label:
                continue
            src_key = "Group-exCSP.gross_margin_pct" if s.key == "excsp_base" else s.key
            e = entry(spec.ASSUMPTIONS, r, c, label, s.key, src_key)
            if e is not None and e.basis == "user" and e.data_value is None and e.value == s.default:
                e = Entry(e.value, "assumption")
            if e is not None:
                scenarios[(periods_by_label[label], s.key)] = e
    scalars = {}
    for s in spec.SCALARS:
        r = atl.rows.get(s.key)
        if r is None:
            raise ModelNotFound(f"{spec.ASSUMPTIONS}: no row coded {s.key!r} in column C")
        v = ass.get((r, C_VALUE))
        at = f"{spec.ASSUMPTIONS}!{xl_rowcol_to_cell(r, C_VALUE)}"
        if s.choices and v not in s.choices:
            near = [ch for ch in s.choices if isinstance(v, str) and v.strip().lower() == ch.lower()]
            problems.append(f"{at}: {v!r} is not one of {', '.join(s.choices)}"
                            + (f"; did you mean {near[0]!r}? (the names are case-sensitive)"
                               if near else ""))
        elif not s.choices and (isinstance(v, bool) or not isinstance(v, (int, float))):
            problems.append(f"{at}: {not_a_figure(v)}")
        scalars[s.key] = v
    sens = sheets[spec.SENS]
    qr, _, margins, ints, _ = sensitivity_axes(sens)
    periods = sorted(set(periods_by_label.values()))
    if periods:
        periods = [periods[0].shifted(i) for i in range(periods[-1].index - periods[0].index + 1)]
    ends = {}
    for label, c in tl.cols.items():
        v = inp.get((spec.PERIOD_END_ROW, c))
        if label in periods_by_label and hasattr(v, "year"):
            ends[periods_by_label[label]] = v.date() if hasattr(v, "date") else v
    mi = ModelInputs(periods=periods, period_ends=ends,
                     rows=input_rows(set(keys) | {k for _, k in figures}, keys),
                     figures=figures, scenarios=scenarios, scalars=scalars,
                     sens_quarter=str(sens.get((qr, 4), "")),
                     sens_margins=tuple(margins), sens_intensities=tuple(ints), notes=notes,
                     provenance=_provenance(sheets.get(spec.COVER, {})))
    from .inputs import default_sens_quarter
    chosen = sheets.get("Summary", {}).get((3, 3))      # the Summary's quarter (0.2.0 on)
    mi.summary_quarter = str(chosen) if chosen not in (None, "") else default_sens_quarter(
        periods, figures)
    outlook = sheets.get("Outlook", {})           # the Outlook's drivers as a person left them
    mi.outlook = {v: outlook.get((r, 3)) for (r, c), v in outlook.items()
                  if c == 2 and isinstance(v, str) and v.startswith("o_") and r < 13
                  and outlook.get((r, 3)) not in (None, "")}
    quotes = sheets.get("Quotes", {})
    mi.quotes = {(str(quotes[(r, 0)]), str(quotes[(r, 1)])): str(quotes[(r, 2)])
                 for r in sorted({r for r, _ in quotes if r > 0})
                 if all(quotes.get((r, c)) not in (None, "") for c in range(3))}
    return mi, problems, cleared
