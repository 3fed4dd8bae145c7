"""The layout every model is put on sheets with: each cell's address, content and style.

A model's ``lay_out(inputs)`` fills a ``Layout`` (plain data that the writer puts on
disk and the audit compares a workbook against) with these helpers: a row's head, a
check row, calculated rows from spec.CalcRow templates (rendered here, and only here),
and a Cover from a template.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from .grid import C_CODE, C_LABEL, C_NOTE, C_UNIT, C_VALUE, FIRST_BODY_ROW, FIRST_PERIOD_COL, MASTER_LABEL
from .inputs import ModelInputs
from .spec import NO_PRIOR_PERIOD

P0 = FIRST_PERIOD_COL


@dataclass
class Cell:
    value: object            # number, text, date, None; formula text without '=' when formula
    style: str
    formula: bool = False
    url: str | None = None   # hyperlink target ('internal:Sheet!A1' or http(s))
    array: bool = False      # a formula written as a one-cell array formula (Check.array)


@dataclass
class SheetLayout:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None
    protect: bool = False
    validations: list[tuple[int, int, dict]] = field(default_factory=list)
    tab_color: str | None = None
    conditional: list[tuple[int, int, int, int, dict]] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)      # embedded charts (kind, anchor, series)
    print_titles: tuple[int, int] | None = None           # rows 0..n repeated on each page
    page_breaks: list[int] = field(default_factory=list)  # printed page breaks above these rows
    fit_width: int = 1                                    # pages across a printed page fits to
    fit_height: int = 0                                   # ... and pages down (0: as many as it takes)
    repeat_cols: tuple[int, int] | None = None            # columns repeated on each printed page
    print_last_col: int | None = None                     # print up to this column (helpers beyond)
    print_scale: int | None = None                        # a fixed scale instead of one page wide
    hidden_rows: list[int] = field(default_factory=list)  # helper rows: kept, not shown or printed
    hidden_cols: list[int] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)   # row heights (points) where text wraps

    def put(self, r: int, c: int, value, style: str = "text", **kw) -> None:
        self.cells[(r, c)] = Cell(value, style, **kw)

    def formula(self, r: int, c: int, text: str, style: str, array: bool = False) -> None:
        self.cells[(r, c)] = Cell(text, style, formula=True, array=array)

    @property
    def extent(self) -> tuple[int, int]:
        """(last row, last column), 0-based."""
        return (max(r for r, _ in self.cells), max(c for _, c in self.cells))


@dataclass
class Layout:
    inputs: ModelInputs
    model: object                                # the models.Model laid out
    sheets: dict[str, SheetLayout] = field(default_factory=dict)
    row_of: dict[str, tuple[str, int]] = field(default_factory=dict)
    scalar_at: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    sens_grid: tuple[int, int] = (0, 0)          # first grid row, first grid column
    master_check: tuple[str, int, int] = ("", 0, 0)

    @property
    def spec(self):
        """The model this layout is of (models.Model)."""
        return self.model

    @property
    def blank_range(self) -> str:
        """An always-empty timeline row (above the first Inputs line), for chart spacers."""
        r = FIRST_BODY_ROW - 1
        return (f"{self.spec.inputs}!{xl_rowcol_to_cell(r, P0, True, True)}:"
                f"{xl_rowcol_to_cell(r, self.last_col, True, True)}")

    @property
    def digest(self) -> str:
        """A fingerprint of the grid (sheets, where each row and scalar sits, the number of
        quarters), not of the figures: two workbooks with the same digest have every
        model cell in the same place."""
        import hashlib
        grid = repr((list(self.sheets), sorted(self.row_of.items()), sorted(self.scalar_at.items()),
                     len(self.inputs.periods), self.sens_grid, self.master_check))
        return hashlib.sha256(grid.encode()).hexdigest()[:16]

    @property
    def last_col(self) -> int:
        return P0 + len(self.inputs.periods) - 1

    def col_of(self, label: str) -> int:
        return P0 + [p.label for p in self.inputs.periods].index(label)

    def address(self, key: str, col: int, here: str | None = None, absolute=False) -> str:
        sheet, row = self.row_of[key]
        a = xl_rowcol_to_cell(row, col, absolute, absolute)
        return a if sheet == here else f"{quote_sheetname(sheet)}!{a}"

    def row_range(self, key: str) -> str:
        """Absolute reference to a row across the whole timeline."""
        sheet, row = self.row_of[key]
        return (f"{quote_sheetname(sheet)}!{xl_rowcol_to_cell(row, P0, True, True)}:"
                f"{xl_rowcol_to_cell(row, self.last_col, True, True)}")

    def render(self, template: str, col: int, here: str) -> str:
        """Expand a spec template for period column ``col`` on sheet ``here``. A template
        that reaches an earlier period before the first quarter renders as
        ``NO_PRIOR_PERIOD``: it never refers to the label or notes columns."""
        if any(not P0 <= col + int(off) <= self.last_col for off in _LAG.findall(template)):
            return NO_PRIOR_PERIOD      # before the first quarter, or (a year later) after the last
        def sub(m: re.Match) -> str:
            tok = m.group(1)
            if tok.startswith("$"):
                sheet, r, c = self.scalar_at[tok[1:]]
                if tok[1:] == "scenario_names":
                    r0, r1 = r
                    a = (f"{xl_rowcol_to_cell(r0, c, True, True)}:"
                         f"{xl_rowcol_to_cell(r1, c, True, True)}")
                else:
                    a = xl_rowcol_to_cell(r, c, True, True)
                return a if sheet == here else f"{quote_sheetname(sheet)}!{a}"
            if tok.startswith("="):       # a whole timeline row
                return self.row_range(tok[1:])
            if tok.startswith("#"):       # an input block: every figure, or every scenario margin
                keys = ([r.key for r in self.inputs.rows] if tok == "#figures"
                        else [x.key for x in self.spec.scenario_rows])
                rows = [self.row_of[k_][1] for k_ in keys]
                sheet = self.row_of[keys[0]][0]
                return (f"{quote_sheetname(sheet)}!{xl_rowcol_to_cell(min(rows), P0, True, True)}:"
                        f"{xl_rowcol_to_cell(max(rows), self.last_col, True, True)}")
            if tok.startswith("!"):
                lr, lc = self.sheets[tok[1:]].extent
                return f"{quote_sheetname(tok[1:])}!$A$1:{xl_rowcol_to_cell(lr, lc, True, True)}"
            if ":" in tok:
                a, b = tok.split(":")
                return f"{self.address(a, col, here)}:{self.address(b, col, here).split('!')[-1]}"
            key, _, off = tok.partition("@")
            if off == "run":            # from the first quarter to this one: a running total
                first = self.address(key, P0, here, absolute=True)
                return f"{first}:{self.address(key, col, here).split('!')[-1]}"
            return self.address(key, col + int(off or 0), here)
        return _TOKEN.sub(sub, template)


_TOKEN = re.compile(r"\{([^{}]+)\}")
_LAG = re.compile(r"\{[^{}$!:]+@(-?\d+)\}")


def row_head(sh: SheetLayout, r: int, label: str, unit: str, code: str, text_unit: str = "text") -> None:
    """A model row's label, unit and code (columns A to C); ``text_unit``: what the unit
    column says for a row of text."""
    sh.put(r, C_LABEL, label, "label")
    sh.put(r, C_UNIT, text_unit if unit == "text" else unit, "unit")
    sh.put(r, C_CODE, code, "code")


def check_row(lay: Layout, sh: SheetLayout, r: int, chk, whole: str | None = None) -> None:
    """One check (spec.Check) on a Checks sheet: a flag per period and their total in
    column E, or one whole-workbook formula there (``whole``: its template, if not the check's)."""
    row_head(sh, r, chk.label, "count", chk.key)
    if chk.per_period:
        for c in range(P0, lay.last_col + 1):
            sh.formula(r, c, lay.render(chk.formula, c, sh.name), "check_flag")
        sh.formula(r, C_VALUE, f"SUM({xl_rowcol_to_cell(r, P0)}:{xl_rowcol_to_cell(r, lay.last_col)})",
                   "check_total")
    else:
        sh.formula(r, C_VALUE, lay.render(whole or chk.formula, P0, sh.name), "check_total",
                   array=getattr(chk, "array", False))


def master_check(lay: Layout, sh: SheetLayout, mr: int, counted_ranges, checks, status_at) -> None:
    """The master check on the Checks sheet ``sh``, row ``mr``: the sum of the counted checks' totals
    (``counted_ranges``: their (first, last) rows), OK or FAIL beside it; and the meeting page's line on
    the checks at ``status_at`` ((sheet, row, column)): how many fail, and the warnings (the checks of
    ``checks`` marked ``warning``, on their rows in ``lay.row_of``), shown and not counted."""
    total = xl_rowcol_to_cell(mr, C_VALUE, True, True)
    lay.master_check = (sh.name, mr, C_VALUE)
    sh.put(mr, C_LABEL, MASTER_LABEL, "master_label")
    sh.put(mr, C_UNIT, "count", "unit")
    sh.formula(mr, C_NOTE, f'IF({total}=0,"OK","FAIL")', "master")
    sh.formula(mr, C_VALUE, "SUM(" + ",".join(f"{xl_rowcol_to_cell(a, C_VALUE)}:{xl_rowcol_to_cell(b, C_VALUE)}"
                                              for a, b in counted_ranges) + ")", "check_total")
    cs, cr, cc = status_at
    chk_sheet = quote_sheetname(sh.name)
    warn = ",".join(f"{chk_sheet}!{xl_rowcol_to_cell(lay.row_of[c.key][1], C_VALUE)}" for c in checks if c.warning)
    lay.sheets[cs].formula(cr, cc, f'IF({chk_sheet}!{total}=0,"Checks: all pass",'
                                   f'"Checks: "&{chk_sheet}!{total}&" failing, see the Checks sheet")'
                                   f'&IF(SUM({warn})=0,"","; warnings: "&SUM({warn})&", see the Checks sheet")',
                           "master")


def calc_rows(lay: Layout, sh: SheetLayout, rows, expand=None, text_unit: str = "text") -> None:
    """Calculated rows (spec.CalcRow) on a timeline sheet from its first body row, a blank
    row and a heading before each section; one formula across each row. ``expand(template,
    column)``: a model's own tokens, replaced before the template is rendered;
    ``text_unit``: what the unit column says for a row of text."""
    r = FIRST_BODY_ROW
    for row in rows:
        if row.section:
            if r > FIRST_BODY_ROW:
                r += 1
            sh.put(r, C_LABEL, row.section, "section")
            r += 1
        lay.row_of[row.key] = (sh.name, r)
        r += 1
    for row in rows:
        r = lay.row_of[row.key][1]
        row_head(sh, r, row.label, row.unit, row.key, text_unit)
        if row.name:
            sh.put(r, C_NOTE, row.name, "code")
        for c in range(P0, lay.last_col + 1):
            tmpl = expand(row.formula, c) if expand else row.formula
            sh.formula(r, c, lay.render(tmpl, c, sh.name), f"calc|{row.unit}")


def cover_sheet(lay: Layout, name: str, template: Path, text_style: str = "wrap",
                empty_labels: bool = True) -> None:
    """A Cover sheet from a template of 'label | text' lines ('#' lines are comments; 'title'
    and 'subtitle' are styled so; the text MASTER CHECK becomes the master check's verdict),
    filled from the inputs' provenance and periods."""
    mi = lay.inputs
    sh = SheetLayout(name, protect=True)
    lay.sheets[name] = sh
    sh.widths = {0: 30, 1: 110}
    s, r, c = lay.master_check
    total = f"{quote_sheetname(s)}!{xl_rowcol_to_cell(r, c, True, True)}"
    fill = defaultdict(str, mi.provenance, first_period=mi.periods[0].label,
                       last_period=mi.periods[-1].label, n_periods=len(mi.periods))
    lines = [ln for ln in template.read_text(encoding="utf-8").splitlines()
             if not ln.startswith("#")]
    if mi.provenance.get("Last refresh"):
        lines.append("Last refresh | {Last refresh}")
    for r, line in enumerate(lines):
        if not line.strip():
            continue
        label, _, text = (part.strip() for part in line.partition("|"))
        if label in ("title", "subtitle"):
            sh.put(r, 0, text.format_map(fill), label)
        elif text == "MASTER CHECK":
            sh.put(r, 0, label, "label")
            sh.formula(r, 1, f'IF({total}=0,"OK: all checks pass","FAILED: "&{total}&'
                             f'" failing item(s), see the Checks sheet")', "master")
        else:
            if label or empty_labels:
                sh.put(r, 0, label, "label")
            sh.put(r, 1, text.format_map(fill), text_style)


def point_bases(feed_rows, basis, n: int, keys) -> dict:
    """Chart data row code -> the basis of each of ``n`` quarters' points, for the rows ``keys``:
    ``feed_rows`` are a model's (code, label, unit, row it plots), ``basis(row, i)`` its markers'
    rule (the weakest figure the row rests on in quarter i). The writer draws a marked point with
    its basis's marker (formats.POINT_MARK)."""
    feed = {code: key for code, _, _, key in feed_rows}
    return {code: tuple(basis(feed[code], i) for i in range(n)) for code in keys if code in feed}


WRAP_STYLES = ("wrap", "calc|wtext")


def fit_row_heights(sh: SheetLayout, line_pt: float = 12.75) -> None:
    """Give each row holding wrapped text (a 'wrap' cell) the height its longest such cell needs
    at its column's width: LibreOffice does not grow a row for wrapped text it opens, so without a
    height the lines print over the rows below. About 1.25 characters of text to a width unit."""
    import textwrap
    for (r, c), cell in sh.cells.items():
        if cell.style in WRAP_STYLES and isinstance(cell.value, str) and not cell.formula:
            lines = sum(max(1, len(textwrap.wrap(part, max(1, int(sh.widths.get(c, 8.43) * 1.25)))))
                        for part in cell.value.split("\n"))
            if lines > 1:
                sh.heights[r] = max(sh.heights.get(r, 0), round(lines * line_pt + 2, 1))
