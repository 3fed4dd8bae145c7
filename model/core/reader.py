"""Read a workbook back as plain cells, and find the model in them.

Rows are found by the code in column C and periods by their header labels,
never by fixed addresses, so the reader works on any workbook this project
built and people then edited. The same functions read the file's own cells (as
saved; read_book parses the package's XML parts itself, with defusedxml) and
LibreOffice's recalculated values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..errors import ModelError
from .grid import C_CODE, CODE_HEAD, FIRST_PERIOD_COL, SRC
from .package import Package

Cells = dict[tuple[int, int], object]      # 0-based (row, col) -> value


class Formula(str):
    """A cell's formula text as saved ('=...'), told apart from text that merely starts with '='."""


class ModelNotFound(ModelError, ValueError):
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


# --- the package's parts, read with defusedxml (no DTDs, no entities) -------------------------
#
# openpyxl's public API has no way to read a sheet's protection, hidden rows and columns, the
# chart sheets without parsing their charts, or the external links' targets in read-only mode,
# so the reader reads the parts itself: the workbook, its relationships, each sheet, the shared
# strings, the styles, the external links and docProps/core.xml. openpyxl is used through its
# public helpers only (builtin number formats, date formats, Excel serial dates, formula
# translation for shared formulas). Cells are read as openpyxl's read-only mode read them
# (same values, types and dates), every row whatever the sheet's <dimension> says, in about
# half its time (workbooks/lenovo_isg.xlsx: 60 ms -> 27 ms; 400 quarters: 0.84 s -> 0.47 s).

_CHUNK = 64 * 1024
_REL_CHART = "/chartsheet"
_REL_LINK = "/externalLink"
_TRUE = ("1", "true")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attr(attrib: dict, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace prefix (r:id)."""
    if name in attrib:
        return attrib[name]
    return next((v for k, v in attrib.items() if k.endswith("}" + name)), None)


def _parse(wb, part: str, target) -> None:
    """Stream a part through ``target`` (start/end/data), with defusedxml forbidding DTDs,
    entities and external references, so nothing in the part can expand or fetch."""
    from defusedxml.ElementTree import DefusedXMLParser
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    data = wb.part(part)
    for at in range(0, len(data), _CHUNK):
        parser.feed(data[at:at + _CHUNK])
    parser.close()


def _rels(wb, part: str) -> list[tuple[str, str, str]]:
    """(type, target as a part name, or as written when external, id) of a part's
    relationships (from the one package walker, model.core.workbook)."""
    return [(r.type, r.target, r.id) for r in wb.rels(part)]


class _Collect:
    """A parser target that keeps the text of the elements it is told to watch."""

    def __init__(self):
        self.text: list[str] | None = None

    def data(self, text):
        if self.text is not None:
            self.text.append(text)

    def close(self):
        pass


class _Strings(_Collect):
    """The shared strings: each <si>'s plain text and rich-text runs, not its phonetic runs
    (as openpyxl reads them, 'x005F_' escapes removed)."""

    def __init__(self):
        super().__init__()
        self.strings: list[str] = []
        self.plain: list[str] = []
        self.runs: list[str] = []
        self.depth, self.phonetic, self.in_run = 0, 0, False

    def start(self, tag, attrib):
        t = _local(tag)
        if t == "si":
            self.plain, self.runs = [], []
        elif t == "rPh":
            self.phonetic += 1
        elif t == "r":
            self.in_run = True
        elif t == "t" and not self.phonetic:
            self.text = []

    def end(self, tag):
        t = _local(tag)
        if t == "t" and self.text is not None:
            (self.runs if self.in_run else self.plain).append("".join(self.text))
            self.text = None
        elif t == "r":
            self.in_run = False
        elif t == "rPh":
            self.phonetic -= 1
        elif t == "si":
            self.strings.append("".join(self.plain + self.runs).replace("x005F_", ""))


def _shared_strings(wb, rels) -> list[str]:
    part = next((t for typ, t, _ in rels if typ.endswith("/sharedStrings")), "xl/sharedStrings.xml")
    if not wb.has(part):
        return []
    target = _Strings()
    _parse(wb, part, target)
    return target.strings


@dataclass(frozen=True)
class _Xfs:
    """The cellXfs: each index's number format, fill and lock, and which are dates."""
    styles: list[Style]
    dates: frozenset[int]
    timedeltas: frozenset[int]


def _xfs(wb, rels) -> _Xfs:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
    part = next((t for typ, t, _ in rels if typ.endswith("/styles")), "xl/styles.xml")
    root = wb.xml(part)
    if root is None:
        return _Xfs([], frozenset(), frozenset())
    kids = {_local(el.tag): el for el in root}
    custom = {}
    for nf in kids.get("numFmts", []):
        try:
            custom[int(nf.get("numFmtId"))] = nf.get("formatCode") or "General"
        except (TypeError, ValueError):
            continue
    fills = []
    for fill in kids.get("fills", []):
        pattern = next((el for el in fill if _local(el.tag) == "patternFill"), None)
        rgb = ""
        if pattern is not None and pattern.get("patternType") == "solid":
            fg = next((el for el in pattern if _local(el.tag) == "fgColor"), None)
            if fg is None or all(fg.get(k) is None for k in ("theme", "indexed", "auto")):
                rgb = ("00000000" if fg is None else fg.get("rgb") or "00000000")[-6:].upper()
            # a theme, indexed or automatic colour has no RGB: ''  (as openpyxl reads it)
        fills.append(rgb)
    styles, dates, timedeltas = [], set(), set()
    for i, xf in enumerate(kids.get("cellXfs", [])):
        try:
            fid = int(xf.get("numFmtId") or 0)
            fill = fills[int(xf.get("fillId") or 0)]
        except (ValueError, IndexError):
            fid, fill = 0, ""
        fmt = custom.get(fid) or BUILTIN_FORMATS.get(fid, "General")
        prot = next((el for el in xf if _local(el.tag) == "protection"), None)
        locked = prot is None or prot.get("locked", "1").lower() in _TRUE
        styles.append(Style(fmt, locked, fill))
        if is_date_format(fmt):
            dates.add(i)
        if is_timedelta_format(fmt):
            timedeltas.add(i)
    return _Xfs(styles, frozenset(dates), frozenset(timedeltas))


def _col_index(ref: str) -> tuple[int, int]:
    """'AB12' -> (row 12, column 28), 1-based; (0, 0) when it is not a cell reference."""
    col, i = 0, 0
    for i, ch in enumerate(ref):
        o = ord(ch) | 32
        if 97 <= o <= 122:
            col = col * 26 + o - 96
        else:
            break
    else:
        return 0, 0
    try:
        return int(ref[i:]), col
    except ValueError:
        return 0, 0


def _number(text: str):
    return float(text) if ("." in text or "e" in text or "E" in text) else int(text)


class _Sheet(_Collect):
    """One worksheet streamed: its cells as read_book gives them (0-based (row, col)), its
    styled cells, sheet protection and hidden rows and columns."""

    def __init__(self, strings, xfs: _Xfs, data_only: bool, epoch, styles: bool):
        super().__init__()
        self.strings, self.xfs, self.data_only, self.epoch = strings, xfs, data_only, epoch
        self.want_styles = styles
        self.cells: Cells = {}
        self.styles: dict[tuple[int, int], Style] = {}
        self.protected = False
        self.hidden_cols: list[str] = []
        self.hidden_rows: list[int] = []
        self.shared: dict[str, object] = {}           # shared formula index -> Translator
        self.row = self.col = 0
        self.cell: dict | None = None
        self.value = self.formula = self.inline = None
        self.fattr: dict = {}
        self.in_inline = 0
        self.in_run = False
        self.phonetic = 0

    def start(self, tag, attrib):
        t = _local(tag)
        if t == "c":
            self.cell = attrib
            self.value = self.formula = self.inline = None
            self.fattr = {}
        elif t == "v" and self.cell is not None:
            self.text = []
        elif t == "f" and self.cell is not None:
            self.text, self.fattr = [], attrib
        elif t == "is":
            self.in_inline, self.inline = 1, ([], [])
        elif self.in_inline:
            if t == "t" and not self.phonetic:
                self.text = []
            elif t == "r":
                self.in_run = True
            elif t == "rPh":
                self.phonetic += 1
        elif t == "row":
            r = attrib.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
            if attrib.get("hidden", "").lower() in _TRUE:
                self.hidden_rows.append(self.row)
        elif t == "col":
            if attrib.get("hidden", "").lower() in _TRUE:
                from openpyxl.utils import get_column_letter
                try:
                    first, last = int(attrib["min"]), min(int(attrib["max"]), 16384)
                except (KeyError, ValueError):
                    return
                self.hidden_cols.append(f"{get_column_letter(first)}:{get_column_letter(last)}")
        elif t == "sheetProtection":
            self.protected = attrib.get("sheet", "").lower() in _TRUE

    def end(self, tag):
        t = _local(tag)
        if t == "c":
            self._cell()
            self.cell = None
        elif t == "v" and self.text is not None:
            self.value, self.text = "".join(self.text), None
        elif t == "f" and self.text is not None:
            self.formula, self.text = "".join(self.text), None
        elif self.in_inline:
            if t == "t" and self.text is not None:
                self.inline[1 if self.in_run else 0].append("".join(self.text))
                self.text = None
            elif t == "r":
                self.in_run = False
            elif t == "rPh":
                self.phonetic -= 1
            elif t == "is":
                self.in_inline = 0

    def _cell(self):
        a = self.cell
        ref = a.get("r")
        row, col = _col_index(ref) if ref else (0, 0)
        if row:
            self.col = col
        else:
            self.col += 1
            row, col = self.row, self.col
        s = a.get("s")
        sid = int(s) if s and s.isdigit() else 0
        key = (row - 1, col - 1)
        if self.want_styles and sid and sid < len(self.xfs.styles):
            self.styles[key] = self.xfs.styles[sid]
        kind = a.get("t", "n")
        if not self.data_only and self.formula is not None:
            v = Formula(self._formula(ref))
        elif kind == "inlineStr":
            v = None if self.inline is None else "".join(self.inline[0] + self.inline[1])
        elif not self.value:
            return
        else:
            v = self._value(kind, self.value, sid)
        if v is not None and v != "":
            self.cells[key] = v

    def _formula(self, ref: str | None) -> str:
        text = "=" + self.formula
        kind = self.fattr.get("t")
        if kind == "shared" and ref:
            si = self.fattr.get("si")
            if si in self.shared:
                return self.shared[si].translate_formula(ref)
            if text != "=":
                from openpyxl.formula.translate import Translator
                self.shared[si] = Translator(text, ref)
        return text

    def _value(self, kind: str, v: str, sid: int):
        if kind == "n":
            v = _number(v)
            if sid in self.xfs.dates:
                from openpyxl.utils.datetime import from_excel
                try:
                    return from_excel(v, self.epoch, timedelta=sid in self.xfs.timedeltas)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return v
        if kind == "s":
            try:
                return self.strings[int(v)]
            except (ValueError, IndexError):
                return None
        if kind == "b":
            return v.strip() not in ("0", "false", "")
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601
            try:
                return from_ISO8601(v)
            except ValueError:
                return v
        return v                     # str (a formula's text result), e (an error)

    def hidden(self) -> list[str]:
        """Hidden columns, then hidden rows as runs ('7:9')."""
        out, start, prev = list(self.hidden_cols), None, None
        for r in sorted(set(self.hidden_rows)) + [None]:
            if start is not None and (r is None or r != prev + 1):
                out.append(f"{start}:{prev}")
                start = None
            if r is not None and start is None:
                start = r
            prev = r
        return out


@dataclass
class _Workbook:
    """What workbook.xml, its relationships and docProps/core.xml say."""
    sheets: list[tuple[str, str, str]]        # (name, state, part) of worksheets, in order
    charts: list[tuple[str, str]]             # (name, state) of chart sheets
    rels: list[tuple[str, str, str]]
    names: dict[str, str]
    iterate: bool
    date1904: bool
    links: list[str]
    created: datetime | None


def _created(wb) -> datetime | None:
    from openpyxl.utils.datetime import from_ISO8601
    root = wb.xml("docProps/core.xml")
    el = None if root is None else next((e for e in root if _local(e.tag) == "created"), None)
    try:
        return from_ISO8601(el.text.strip()).replace(tzinfo=None) if el is not None and el.text else None
    except ValueError:
        return None


def _workbook(wb) -> _Workbook:
    root = wb.xml("xl/workbook.xml")
    rels = _rels(wb, "xl/workbook.xml")
    by_id = {rid: (typ, target) for typ, target, rid in rels}
    sheets, charts, names = [], [], {}
    iterate = date1904 = False
    for el in root:
        t = _local(el.tag)
        if t == "sheets":
            for sh in el:
                typ, part = by_id.get(_attr(sh.attrib, "id") or "", ("", ""))
                if not wb.has(part):
                    continue                  # as openpyxl: a sheet without its part is skipped
                state = sh.get("state") or "visible"
                if typ.endswith(_REL_CHART):
                    charts.append((sh.get("name", ""), state))
                else:
                    sheets.append((sh.get("name", ""), state, part))
        elif t == "definedNames":
            for dn in el:
                if dn.get("localSheetId") is None and dn.get("name"):
                    names[dn.get("name")] = dn.text or ""
        elif t == "calcPr":
            iterate = (el.get("iterate") or "").lower() in _TRUE
        elif t == "workbookPr":
            date1904 = (el.get("date1904") or "").lower() in _TRUE
    links = []
    for typ, part, _ in rels:
        if typ.endswith(_REL_LINK) and wb.has(part):
            targets = [target for _, target, _ in _rels(wb, part)]
            links.append(targets[0] if targets and targets[0] else "?")
    return _Workbook(sheets, charts, rels, names, iterate, date1904, links, _created(wb))


def parse_book(wb, data_only: bool = False, styles: bool = True) -> Book:
    """Every worksheet's non-empty cells of the workbook ``wb`` (model.core.workbook.Workbook,
    read and checked once) as saved (formulas as Formula text unless ``data_only``, which
    gives the values cached by the program that saved it), and the sheet states, external
    links, calculation mode and names; with ``styles``, also what only the lints need: cell
    styles and sheet protection. Commands call ``wb.book()``, which parses each kind once.

    Every row is read, not only those inside a sheet's <dimension> (which people's edits
    and some programs leave stale), and chart sheets are named, never parsed."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
    w = _workbook(wb)
    strings = _shared_strings(wb, w.rels)
    xfs = _xfs(wb, w.rels)
    epoch = CALENDAR_MAC_1904 if w.date1904 else CALENDAR_WINDOWS_1900
    cells, styled, protected, hidden = {}, {}, {}, {}
    for name, _, part in w.sheets:
        sheet = _Sheet(strings, xfs, data_only, epoch, styles)
        _parse(wb, part, sheet)
        cells[name], styled[name] = sheet.cells, sheet.styles
        if styles:
            protected[name], hidden[name] = sheet.protected, sheet.hidden()
    states = {name: state for name, state, _ in w.sheets} | dict(w.charts)
    return Book(cells, styled, states, protected, hidden, w.links, w.iterate, w.names,
                w.created, wb.package)


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


def timeline(sheet: str, cells: Cells, pattern: re.Pattern) -> Timeline:
    """Find the header row (the row whose column C says 'Code') and the coded rows;
    ``pattern``: what a period label looks like (default: the Lenovo model's fiscal
    quarters, 'FY2025/26 Q1')."""
    header = next((r for (r, c), v in cells.items() if c == C_CODE and v == CODE_HEAD), None)
    if header is None:
        raise ModelNotFound(f"{sheet}: no header row with 'Code' in column C")
    cols = {}
    for c, v in sorted((c, v) for (r, c), v in cells.items() if r == header):
        if c >= FIRST_PERIOD_COL and isinstance(v, str) and pattern.match(v):
            cols[v] = c
    rows = {}
    for (r, c), v in cells.items():
        if c == C_CODE and r > header and isinstance(v, str) and v:
            rows.setdefault(v, r)
    return Timeline(sheet, header, cols, rows)


def find_label(cells: Cells, text: str, col: int = 0) -> int | None:
    return next((r for (r, c), v in sorted(cells.items()) if c == col and v == text), None)


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


def provenance(cells: Cells) -> dict[str, str]:
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
