"""What a workbook holds besides cells, as text for textconv and diff: each chart's type,
title and series references (read from the chart XML parts, found through the package's
relationships) and each VBA module's source (read with oletools' olevba; nothing runs).

References are shown as written, without '$' and a leading '='; a title or series name
taken from a cell shows its reference (its cached text is a value, which moves with the
data), a typed one its text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .charts import _NS, _xml
from .core.workbook import Workbook

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


@dataclass(frozen=True)
class Chart:
    sheet: str
    number: int              # 1, 2 ... on its sheet, in the drawing's order
    types: tuple[str, ...]   # 'barChart(col, stacked)', 'lineChart' ...
    title: str
    series: tuple[tuple[str, str, str], ...]     # (name, categories, values)

    @property
    def key(self) -> str:
        return f"{_quote(self.sheet)} #{self.number}"


def _quote(sheet: str) -> str:
    return sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) else "'" + sheet.replace("'", "''") + "'"


def _ref(text: str) -> str:
    return re.sub(r"^\[\d+\]!", "", (text or "").strip().lstrip("=")).replace("$", "")


def _label(el) -> str:
    """A title's or series name's source: ``=ref`` when taken from a cell, else its text."""
    if el is None:
        return ""
    f = el.find(".//c:f", _NS)
    if f is not None and f.text:
        text = f.text.strip().lstrip("=")
        if re.fullmatch(r'"(?:[^"]|"")*"', text):     # a text constant (LibreOffice writes names so)
            return text[1:-1].replace('""', '"')
        return "=" + _ref(text)
    runs = [t.text or "" for t in el.iter(f"{{{_A}}}t")]
    if runs:
        return "".join(runs)
    v = el.find(".//c:v", _NS)
    return (v.text or "") if v is not None else ""


def _series_ref(ser, *tags: str) -> str:
    for tag in tags:
        f = ser.find(f"c:{tag}//c:f", _NS)
        if f is not None and f.text:
            return _ref(f.text)
    return ""


def _chart_order(wb: Workbook, drawing: str) -> list[str]:
    """The chart parts of a drawing in the order the drawing places them."""
    rels = {r.id: r for r in wb.rels(drawing) if r.kind == "chart" and not r.external}
    root = _xml(wb, drawing)
    out = []
    for el in [] if root is None else root.iter(f"{{{_NS['c']}}}chart"):
        rid = el.get(f"{{{_NS['r']}}}id", "")
        if rid in rels:
            out.append(rels[rid].target)
    return out


def charts(source) -> list[Chart]:
    """Every chart of the workbook (a path, or the Workbook read), sheet by sheet in tab order."""
    wb = Workbook.of(source)
    out = []
    for sheet in wb.sheets:
        if not sheet.part:
            continue
        n = 0
        for drawing in wb.related(sheet.part, "drawing"):
            for chart in _chart_order(wb, drawing):
                root = _xml(wb, chart)
                if root is None:
                    continue
                n += 1
                plot = root.find("c:chart/c:plotArea", _NS)
                types, series = [], []
                for el in [] if plot is None else list(plot):
                    tag = el.tag.rsplit("}", 1)[-1]
                    if not tag.endswith("Chart"):
                        continue
                    how = [x.get("val") for x in (el.find("c:barDir", _NS), el.find("c:grouping", _NS))
                           if x is not None and x.get("val") not in (None, "standard", "clustered")]
                    types.append(tag + (f"({', '.join(how)})" if how else ""))
                    for ser in el.findall("c:ser", _NS):
                        series.append((_label(ser.find("c:tx", _NS)), _series_ref(ser, "cat", "xVal"),
                                       _series_ref(ser, "val", "yVal")))
                title = root.find("c:chart/c:title", _NS)
                out.append(Chart(sheet.name, n, tuple(types), _label(title), tuple(series)))
    return out


def chart_lines(source) -> list[str]:
    lines = []
    for c in charts(source):
        lines.append(f"chart {c.key} {'+'.join(c.types) or '(no plot)'} title {c.title!r}")
        for i, (name, cat, val) in enumerate(c.series, 1):
            lines.append(f"chart {c.key} series {i} name {name!r} categories {cat or '-'} values {val or '-'}")
    return lines


def has_vba(source) -> bool:
    return any(n.lower().endswith("vbaproject.bin") for n in Workbook.of(source).infos)


def vba_modules(source) -> dict[str, list[str]]:
    """Module name -> its source lines (line ends and trailing spaces normalised)."""
    wb = Workbook.of(source)
    if not has_vba(wb):
        return {}
    from .vba import macros
    out = {}
    for name, code in sorted(macros(wb).items()):
        lines = [ln.rstrip() for ln in code.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        out[name] = lines
    return out


def vba_lines(source) -> list[str]:
    out = []
    for name, lines in vba_modules(source).items():
        out.append(f"vba {name} ({len(lines)} lines)")
        out += [f"vba {name}| {ln}" for ln in lines]
    return out
