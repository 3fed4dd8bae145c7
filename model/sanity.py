"""Input sanity: figures people typed that no formula can make right.

    revenue            >= 0
    margins (%)        within -100%..100%
    basis              a figure the Sources call an estimate (e), approximation (~) or
                       lower bound (>=) keeps its marker in the number format
    the timeline       quarters in order, none missing in the middle
    sources            a sourced figure equals its Sources row's value, unless the row's
                       note marks it as an override with a reason (warning)
    settings           assumptions and sensitivity axes within the ranges the spec declares
"""
from __future__ import annotations

import math
import re

from xlsxwriter.utility import xl_rowcol_to_cell

from . import models
from .core import formats
from .core.reader import Book, ModelNotFound, sources, timeline
from .core.grid import C_UNIT, C_VALUE, OVERRIDE_NOTE
from .rules import Finding, finding

MARGIN_RANGE = (-1.0, 1.0)


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _timeline_order(sheet: str, tl, parse_label) -> list[Finding]:
    out, prev = [], None
    for label, c in tl.cols.items():
        try:
            p = parse_label(label)
        except ValueError:
            continue
        where = xl_rowcol_to_cell(tl.header_row, c)
        if prev is not None and p.index <= prev.index:
            out.append(finding("INPUT-QUARTER-ORDER", sheet, where,
                               f"{label} comes after {prev.label}; quarters must run left to right"))
        elif prev is not None and p.index > prev.index + 1:
            gap = [prev.shifted(i).label for i in range(1, p.index - prev.index)]
            out.append(finding("INPUT-QUARTER-GAP", sheet, where,
                               f"{', '.join(gap)} missing between {prev.label} and {label}"))
        prev = p if prev is None or p.index > prev.index else prev
    return out


def _basis_marker(basis: str) -> str:
    prefix, suffix, _ = formats.BASIS_MARK[basis]
    return (prefix or suffix).strip('"')


def shown_text(number_format: str) -> str:
    """The literal text a number format shows around the number, first section only:
    '"~"#,##0' and '\\~#,##0' both show '~' (programs quote literals differently)."""
    out, i, f = [], 0, number_format.split(";")[0]
    while i < len(f):
        ch = f[i]
        if ch == '"':
            j = f.find('"', i + 1)
            j = len(f) if j < 0 else j
            out.append(f[i + 1:j])
            i = j + 1
        elif ch == "\\" and i + 1 < len(f):
            out.append(f[i + 1])
            i += 2
        elif ch in "_*" and i + 1 < len(f):
            i += 2          # a space as wide as the next character / repeat fill
        elif ch == "[":
            j = f.find("]", i)
            i = len(f) if j < 0 else j + 1
        else:
            i += 1
    return "".join(out)


def sanity(book: Book, m: models.Model) -> list[Finding]:
    """Input sanity findings for the Inputs, Assumptions and Sensitivity sheets of the
    model ``m``."""
    out: list[Finding] = []
    try:
        pattern = re.compile(m.period_regex)
        srcs = sources(book.cells.get(m.sources, {}))
        inp, ass = book.cells[m.inputs], book.cells[m.assumptions]
        tl, atl = timeline(m.inputs, inp, pattern), timeline(m.assumptions, ass, pattern)
    except (KeyError, ModelNotFound):
        return out      # reported by the structure check
    out += _timeline_order(m.inputs, tl, m.parse_label) + _timeline_order(m.assumptions, atl, m.parse_label)
    out += source_differs(book, tl, atl, srcs, m) + out_of_range(book, atl, m)
    margin_rows = [(m.inputs, tl, key, key) for key, r in tl.rows.items()
                   if "." in key and inp.get((r, C_UNIT)) == "%"]
    margin_rows += [(m.assumptions, atl, s.scenario,
                     m.assumption_figures.get(s.key, s.key))
                    for s in m.scenario_rows if s.scenario in atl.rows]
    lo, hi = MARGIN_RANGE
    for sheet, t, code, _ in margin_rows:
        for label, c in t.cols.items():
            v = _number(book.cells[sheet].get((t.rows[code], c)))
            if v is not None and not lo <= v <= hi:
                out.append(finding("INPUT-MARGIN-RANGE", sheet, xl_rowcol_to_cell(t.rows[code], c),
                                   f"{code} for {label} is {v:.1%}, outside -100%..100% "
                                   "(was a percentage typed as a whole number?)"))
    for key, r in tl.rows.items():
        if key.endswith(".revenue"):
            for label, c in tl.cols.items():
                v = _number(inp.get((r, c)))
                if v is not None and v < 0:
                    out.append(finding("INPUT-NEGATIVE-REVENUE", m.inputs, xl_rowcol_to_cell(r, c),
                                       f"{key} for {label} is {v:,.1f}; revenue cannot be negative"))
    rows = [(m.inputs, tl, key, key) for key in tl.rows if "." in key] + \
        [x for x in margin_rows if x[0] == m.assumptions]
    for sheet, t, code, src_key in rows:
        for label, c in t.cols.items():
            s = srcs.get((label, src_key))
            if not s or s["basis"] not in formats.BASIS_MARK or s["basis"] == "reported":
                continue
            r = t.rows[code]
            v = _number(book.cells[sheet].get((r, c)))
            st = book.styles.get(sheet, {}).get((r, c))
            if v is None or v != s["data_value"] or st is None:
                continue        # a person's own figure carries no basis from the Sources
            if _basis_marker(s["basis"]) not in shown_text(st.number_format):
                out.append(finding("INPUT-BASIS-HIDDEN", sheet, xl_rowcol_to_cell(r, c),
                                   f"the Sources call {src_key} for {label} {s['basis'].replace('_', ' ')}, "
                                   f"but its number format {st.number_format!r} shows it as reported"))
    return out


def _fmt(v: float, unit: str) -> str:
    return f"{v:.1%}" if unit == "%" else f"{v:,.2f}" if unit == "x" else f"{v:,.1f}"


def source_differs(book: Book, tl, atl, srcs, m: models.Model) -> list[Finding]:
    """Sourced figures that differ from their Sources row, with both values; quiet on an
    Inputs row whose note says 'override: <reason>'."""
    out: list[Finding] = []
    inp, ass = book.cells[m.inputs], book.cells[m.assumptions]
    override = re.compile(OVERRIDE_NOTE, re.I)
    rows = [(m.inputs, inp, tl, key, key) for key in tl.rows if "." in key]
    rows += [(m.assumptions, ass, atl, s.scenario, m.assumption_figures[s.key])
             for s in m.scenario_rows if s.key in m.assumption_figures and s.scenario in atl.rows]
    for sheet, cells, t, code, src_key in rows:
        r = t.rows[code]
        note = cells.get((r, C_VALUE)) if sheet == m.inputs else None
        if isinstance(note, str) and override.match(note):
            continue
        unit = "%" if src_key.endswith("_pct") else "$M"
        for label, c in t.cols.items():
            s = srcs.get((label, src_key))
            v = _number(cells.get((r, c)))
            if not s or s["data_value"] is None or v is None:
                continue
            if not math.isclose(v, s["data_value"], rel_tol=1e-9, abs_tol=1e-9):
                out.append(finding("INPUT-SOURCE-DIFFERS", sheet, xl_rowcol_to_cell(r, c),
                                   f"{src_key} for {label} is {_fmt(v, unit)} but its Sources row gives "
                                   f"{_fmt(s['data_value'], unit)} (if on purpose, note 'override: <reason>' "
                                   "in column E)",
                                   got=v, expected=s["data_value"]))
    return out


def out_of_range(book: Book, atl, m: models.Model) -> list[Finding]:
    """Assumptions and sensitivity settings outside the ranges declared in the spec."""
    out: list[Finding] = []
    ass = book.cells[m.assumptions]

    def test(sheet, r, c, what, unit, v, valid):
        lo, hi = valid
        if v is not None and not lo <= v <= hi:
            out.append(finding("INPUT-OUT-OF-RANGE", sheet, xl_rowcol_to_cell(r, c),
                               f"{what} is {_fmt(v, unit)}, outside {_fmt(lo, unit)}..{_fmt(hi, unit)}"
                               + (" (a percentage typed as a whole number?)" if unit == "%" else ""),
                               got=v))
    for s in m.scalars:
        if s.valid and s.key in atl.rows:
            test(m.assumptions, atl.rows[s.key], C_VALUE, s.key, s.unit,
                 _number(ass.get((atl.rows[s.key], C_VALUE))), s.valid)
    sens = book.cells.get(m.sensitivity) if m.sensitivity else None
    if sens is None or m.sensitivity_axes is None:
        return out
    try:
        _, hr, margins, ints, c0 = m.sensitivity_axes(sens)
    except ModelNotFound:
        return out
    margin_range, intensity_range = m.sensitivity_ranges
    for i, mg in enumerate(margins):
        test(m.sensitivity, hr + 1 + i, 4, "the sensitivity's ex-CSP margin", "%", mg, margin_range)
    for j, k in enumerate(ints):
        test(m.sensitivity, hr, c0 + j, "the sensitivity's opex intensity", "x", k, intensity_range)
    return out
