"""Chart series: does every chart still plot the model's rows over the whole timeline?

Chart XML parts are read with defusedxml, found by following the package's
relationships (workbook -> sheet -> drawing -> chart), so chart sheets written by
XlsxWriter and the worksheets-with-a-chart LibreOffice saves them as read alike.

What each series should plot is found in the workbook itself, not in the layout:
the row whose code (column C) is the series' key, across the model's timeline
(the Calculations header); a sensitivity series is its column of the grid.
"""
from __future__ import annotations

import re
import zipfile

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from . import models
from .core.formula import normalise_ref
from .core.grid import FIRST_BODY_ROW, FIRST_PERIOD_COL
from .core.reader import Cells, ModelNotFound, timeline
from .core.workbook import Workbook
from .rules import Finding, finding

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
}
_MAX_PART = 16 * 2**20


def _xml(wb, name: str):
    """A part of at most _MAX_PART bytes, parsed (None when absent or larger)."""
    if not wb.has(name) or wb.info(name).file_size > _MAX_PART:
        return None
    return wb.xml(name)


def read_series(source, m: models.Model) -> dict[str, list[dict]]:
    """Sheet name -> the series of the charts on it, each {'name', 'values', 'categories'}
    (reference text as saved, '' when absent); ``source``: a path or the Workbook read."""
    wb = Workbook.of(source)
    out: dict[str, list[dict]] = {}
    for sheet in wb.sheets:
        name, sheet_part = sheet.name, sheet.part
        if not sheet_part:
            continue
        series = []
        for drawing in wb.related(sheet_part, "drawing"):
            for chart in wb.related(drawing, "chart"):
                root = _xml(wb, chart)
                for ser in [] if root is None else root.iter(f"{{{_NS['c']}}}ser"):
                    series.append({
                        "name": _text(ser, "c:tx"),
                        "values": _ref(ser, "c:val"),
                        "categories": _ref(ser, "c:cat"),
                    })
        if series or name in {c.sheet for c in m.charts}:
            out[name] = series
    return out


_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


def zero_size(source) -> list[str]:
    """Chart sheets whose chart is anchored at zero size, so that no program shows it (what
    an openpyxl load-and-save leaves of XlsxWriter's chart sheets); a refresh restores it.
    ``source``: a path or the Workbook read."""
    wb = Workbook.of(source)
    out = []
    for sheet in wb.sheets:
        name, kind, part = sheet.name, sheet.kind, sheet.part
        if kind != "chartsheet" or not part:
            continue
        for drawing in wb.related(part, "drawing"):
            root = _xml(wb, drawing)
            for ext in [] if root is None else root.findall(f"{{{_XDR}}}absoluteAnchor/{{{_XDR}}}ext"):
                if ext.get("cx") == "0" and ext.get("cy") == "0":
                    out.append(name)
    return out


def _ref(ser, tag: str) -> str:
    f = ser.find(f"{tag}//c:f", _NS)
    return (f.text or "") if f is not None else ""


def _text(ser, tag: str) -> str:
    el = ser.find(tag, _NS)
    if el is None:
        return ""
    v = el.find(".//c:v", _NS)
    if v is not None and v.text:
        return v.text
    f = el.find(".//c:f", _NS)
    return (f.text or "").strip('"') if f is not None else ""


norm = normalise_ref       # model.core.formula


def _span(sheet, r0, r1, a, b) -> str:
    return f"{quote_sheetname(sheet)}!{xl_rowcol_to_cell(r0, a, True, True)}:" \
           f"{xl_rowcol_to_cell(r1, b, True, True)}"


def row_refs(cells: dict[str, Cells], m: models.Model) -> dict[str, str]:
    """Every coded row of Inputs and Calculations, and 'Periods' (the Inputs header), as an
    absolute reference over the model's timeline (the Calculations header), found from the
    workbook's own codes and labels: what a chart series or a defined name should refer to."""
    pattern = re.compile(m.period_regex)
    cols = sorted(timeline(m.calcs, cells[m.calcs], pattern).cols.values())
    if not cols:
        raise ModelNotFound(f"{m.calcs}: no quarters on the timeline")
    c0, c1 = cols[0], cols[-1]
    out = {}
    for sheet in (m.calcs, m.inputs, m.chart_data):
        if sheet not in cells:
            continue
        tl = timeline(sheet, cells[sheet], pattern)
        out.update({k: _span(sheet, r, r, c0, c1) for k, r in tl.rows.items()})
        if sheet == m.inputs:
            out["Periods"] = _span(sheet, tl.header_row, tl.header_row, c0, c1)
    return out


def expected_series(cells: dict[str, Cells], m: models.Model
                    ) -> tuple[dict[str, str], set[str]]:
    """Series key -> the reference it should plot (row_refs; a sensitivity series is its
    column of the grid); and the references a category axis may use."""
    rows = row_refs(cells, m)
    want = {}
    if not m.sensitivity or m.sensitivity_axes is None:
        for ch in m.charts:
            want.update({s.key: rows[s.key] for s in ch.series if s.key in rows})
        return want, {m.period_name.upper(), norm(rows["Periods"])}
    _, hr, margins, _, g0 = m.sensitivity_axes(cells[m.sensitivity])
    for ch in m.charts:
        for s in ch.series:
            if s.key.startswith("sens:"):
                j = int(s.key.split(":")[1])
                want[s.key] = _span(m.sensitivity, hr + 1, hr + len(margins), g0 + j, g0 + j)
            elif s.key in rows:
                want[s.key] = rows[s.key]
    cats = {"PERIODS", norm(rows["Periods"]),
            norm(_span(m.sensitivity, hr + 1, hr + len(margins), g0 - 1, g0 - 1))}
    return want, cats


_ROW_SPAN = re.compile(r"^(.*)!([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)$")


def _tail_of(ref: str, whole: str) -> bool:
    """Is ``ref`` (normalised) the end of the row ``whole`` (normalised): the same sheet, row and last
    column, starting at or after its first? (A chart whose quarters start where its data starts.)"""
    a, b = _ROW_SPAN.match(ref), _ROW_SPAN.match(whole)
    if not a or not b or a.group(1) != b.group(1) or a.group(3) != a.group(5):
        return False
    col = lambda x: (len(x), x)        # noqa: E731 (column letters in order: Z < AA)
    return (a.group(3), a.group(4)) == (b.group(3), b.group(4)) and a.group(5) == b.group(5) \
        and col(b.group(2)) <= col(a.group(2)) <= col(a.group(4))


def chart_findings(source, cells: dict[str, Cells], m: models.Model) -> list[Finding]:
    """CHART-SERIES findings: each model series present, on its row, over the whole timeline;
    no series plotting anything else (empty spacer series excepted). A chart none of whose
    series is a timeline row (a scatter of single cells) is left to the recompute."""
    try:
        want, cats = expected_series(cells, m)
        wb = Workbook.of(source)
        found = read_series(wb, m)
        zero = zero_size(wb)        # a drawing part that does not parse is said here too
    except (ModelNotFound, KeyError, zipfile.BadZipFile, ValueError, SyntaxError) as exc:
        return [finding("CHART-SERIES", "", "", f"the charts could not be checked ({exc})")]
    out = [finding("CHART-SERIES", name, "", "the chart is anchored at zero size, so no program shows "
                   "it (an openpyxl save does this to chart sheets); a refresh restores its size")
           for name in zero]
    r_blank = FIRST_BODY_ROW - 1
    spacer = re.compile(rf"^{re.escape(norm(m.inputs))}![A-Z]+{r_blank + 1}:[A-Z]+{r_blank + 1}$")
    for ch in m.charts:
        series = found.get(ch.sheet)
        if series is None:
            continue                    # a missing chart sheet is STRUCT-SHEET-MISSING
        if not series:
            out.append(finding("CHART-SERIES", ch.sheet, "", "the chart sheet holds no chart"))
            continue
        plotted = [s for s in series if not spacer.match(norm(s["values"]))]
        by_ref = {norm(s["values"]): s for s in plotted}
        expected = {norm(want[s.key]): s for s in ch.series if s.key in want}
        if not expected:
            continue
        for ref, s in expected.items():
            if ref not in by_ref and not any(_tail_of(p, ref) for p in by_ref):
                same_name = next((p for p in plotted if p["name"] == s.name), None)
                got = f"plots {same_name['values'] or 'nothing'}" if same_name else "is missing"
                out.append(finding("CHART-SERIES", ch.sheet, "",
                                   f"the series '{s.name}' {got}; the model's row is {want[s.key]}",
                                   got=same_name["values"] if same_name else None,
                                   expected=want[s.key]))
        for ref, p in by_ref.items():
            if ref not in expected and not any(p["name"] == s.name for s in expected.values()) \
                    and not any(_tail_of(ref, w) for w in expected):
                out.append(finding("CHART-SERIES", ch.sheet, "",
                                   f"the series '{p['name']}' plots {p['values']}, which is not one of "
                                   "the chart's model rows over the whole timeline", got=p["values"]))
        for p in series:        # spacers too: the first series' labels are the chart's axis
            if p["categories"] and norm(p["categories"]) not in cats \
                    and not any(_tail_of(norm(p["categories"]), w) for w in cats):
                out.append(finding("CHART-SERIES", ch.sheet, "",
                                   f"the series '{p['name']}' is labelled by {p['categories']}, not by "
                                   "the model's quarters (Periods)", got=p["categories"]))
                break
    return out
