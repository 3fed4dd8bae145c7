"""Is the workbook still the model? Compare its cells with the layout its own
inputs should have: a number typed over a formula, a changed formula, content
where none belongs, a missing or added sheet. Input cells are the person's and
are not compared here.
"""
from __future__ import annotations

import re

from xlsxwriter.utility import xl_rowcol_to_cell

from .core.grid import C_NOTE, LINK_TEXT, is_input
from .core.layout import Layout
from .core.reader import Cells, Formula
from .rules import Finding, finding
from .core.formula import normalise


def _free_sheets(lay) -> tuple[str, ...]:
    """Sheets a person may fill without breaking the model (the Cover and Sources)."""
    return (lay.spec.cover, lay.spec.sources)


def _show(v) -> str:
    """A value or formula for a message: long text clipped inside its quotes (the whole
    text is in the finding's got/expected)."""
    if isinstance(v, Formula):
        s = str(v)
        return s if len(s) <= 80 else s[:79] + "…"
    if isinstance(v, str) and len(v) > 80:
        return repr(v[:79] + "…")
    return repr(v)


def _same(have, want) -> bool:
    """Equal as a person sees it: a date equals the same day at midnight."""
    if hasattr(have, "year") and hasattr(want, "year"):
        return (have.year, have.month, have.day) == (want.year, want.month, want.day)
    return have == want


def expected_layout(sheets: dict[str, Cells], mi, m) -> tuple[Layout, dict[str, set[int]]]:
    """The layout the workbook should have for its own inputs, on the model's timeline
    (the Calculations header); quarters a person typed beyond it on Inputs are theirs,
    returned as columns to leave out of the comparison. ``m``: the model."""
    from dataclasses import replace

    from .core.reader import source_order, timeline
    pattern = re.compile(m.period_regex)
    model = set(timeline(m.calcs, sheets[m.calcs], pattern).cols) if m.calcs in sheets else set()
    keep = [p for p in mi.periods if p.label in model] or mi.periods
    ks = set(keep)
    base = replace(mi, periods=keep,
                   figures={k: v for k, v in mi.figures.items() if k[0] in ks},
                   scenarios={k: v for k, v in mi.scenarios.items() if k[0] in ks})
    typed = {c for label, c in timeline(m.inputs, sheets[m.inputs], pattern).cols.items()
             if model and label not in model}
    order = source_order(sheets[m.sources]) if m.sources in sheets else None
    return m.lay_out(base, order), {m.inputs: typed}


def _linked_rows(sheets: dict[str, Cells], lay) -> set[tuple[int, int]]:
    """Inputs' 'Sources' link cells of rows the Sources sheet holds figures for: the link
    stays when a person clears every figure of the row."""
    from .core.reader import ModelNotFound, sources, timeline
    m = lay.spec
    try:
        tl = timeline(m.inputs, sheets[m.inputs], re.compile(m.period_regex))
    except (KeyError, ModelNotFound):
        return set()
    keys = {k for _, k in sources(sheets.get(m.sources, {}))}
    return {(r, C_NOTE) for k, r in tl.rows.items()
            if k in keys and sheets[m.inputs].get((r, C_NOTE)) == LINK_TEXT}


def compare_structure(sheets: dict[str, Cells], lay: Layout,
                      ignore: dict[str, set[int]] | None = None) -> list[Finding]:
    """Findings for every cell that differs from the layout, inputs and the
    ``ignore``d columns (sheet -> 0-based columns) excepted."""
    ignore = ignore or {}
    out: list[Finding] = []
    for name in lay.sheets:
        if name not in sheets:
            out.append(finding("STRUCT-SHEET-MISSING", name, "",
                               f"the sheet {name!r} is missing"))
    charts = {c.sheet for c in lay.spec.charts}
    free = _free_sheets(lay)
    for name in sheets:
        if name in charts and not sheets[name]:
            continue        # a chart sheet that LibreOffice saved as an empty sheet with a chart
        if name not in lay.sheets:
            out.append(finding("STRUCT-SHEET-ADDED", name, "",
                               f"a sheet {name!r} was added; the model does not know it"))
    for name, sh in lay.sheets.items():
        got = sheets.get(name)
        if got is None or name == lay.spec.sources:
            continue
        for (r, c), cell in sh.cells.items():
            if is_input(cell.style):
                continue
            have = got.get((r, c))
            where = xl_rowcol_to_cell(r, c)
            if cell.formula:
                if not isinstance(have, Formula):
                    what = "a blank" if have is None else f"the value {_show(have)}"
                    out.append(finding("STRUCT-OVERTYPED", name, where,
                                       f"holds {what} where the formula ={_show(Formula(cell.value))} belongs",
                                       got=have, expected="=" + cell.value))
                elif normalise(have) != normalise(cell.value):
                    out.append(finding("STRUCT-FORMULA", name, where,
                                       f"formula {_show(have)} differs from its row's "
                                       f"={_show(Formula(cell.value))}", got=have, expected="=" + cell.value))
            elif name not in free and cell.value not in (None, "") and not _same(have, cell.value):
                out.append(finding("STRUCT-LABEL", name, where,
                                   f"label {_show(have)} was {_show(cell.value)}",
                                   got=have, expected=cell.value))
        if name in free:
            continue
        skip = ignore.get(name, set())
        linked = _linked_rows(sheets, lay) if name == lay.spec.inputs else set()
        for (r, c), v in got.items():
            if (r, c) not in sh.cells and c not in skip and (r, c) not in linked:
                kind = "a formula" if isinstance(v, Formula) else "a value"
                out.append(finding("STRUCT-UNEXPECTED", name, xl_rowcol_to_cell(r, c),
                                   f"{kind} {_show(v)} where the model has nothing", got=v))
    return out
