"""Read a value-chain workbook back as people left it: ModelInputs, problems, cleared figures.

Figures are found on Inputs by their code in column C and their calendar label in the
header row; their basis and source come from Sources (the shared columns); scalars from
Assumptions by code; the unit-economics statements from the Quotes sheet. A value a person
changed becomes ``Entry(v, "user", ...)`` keeping what the data file said.
"""
from __future__ import annotations

import re

from xlsxwriter.utility import xl_rowcol_to_cell

from ..core import grid
from ..core.inputs import ModelInputs
from ..core.quarterly import quarter_end, read_figures, read_quarters, source_quotes
from ..core.reader import ModelNotFound, provenance, not_a_figure, sources, timeline
from . import spec
from .inputs import STATEMENT

_PATTERN = re.compile(spec.PERIOD_REGEX)


def _statements(cells) -> dict:
    """('statement', text) -> (value, unit, basis, source, link, quote, data row) from the Quotes sheet."""
    out = {}
    rows = sorted({r for r, _ in cells if r > 0})
    for r in rows:
        text = cells.get((r, 0))
        if not isinstance(text, str) or not text:
            continue
        v, row = cells.get((r, 1)), cells.get((r, 7))
        out[(STATEMENT, text)] = (
            float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None,
            *(str(cells.get((r, c)) or "") for c in (2, 3, 4, 5, 6)),
            int(row) if isinstance(row, (int, float)) and not isinstance(row, bool) else None)
    return out


def read_inputs(sheets):
    """(ModelInputs, problems as 'Sheet!Cell: why', cleared (period, key) of sourced figures emptied)."""
    for name in (spec.INPUTS, spec.ASSUMPTIONS, spec.SOURCES):
        if name not in sheets:
            raise ModelNotFound(f"the workbook has no {name!r} sheet")
    problems: list[str] = []
    cleared: set = set()
    inp = sheets[spec.INPUTS]
    tl = timeline(spec.INPUTS, inp, _PATTERN)
    periods_by_label = read_quarters(spec.INPUTS, inp, tl, problems)
    srcs = sources(sheets[spec.SOURCES])
    quotes = source_quotes(sheets[spec.SOURCES])
    figures, notes = read_figures(spec.INPUTS, inp, tl, spec.INPUT_KEYS, periods_by_label, srcs, quotes,
                                  problems, cleared)
    ass = sheets[spec.ASSUMPTIONS]
    codes = {v: r for (r, c), v in ass.items() if c == grid.C_CODE and isinstance(v, str)}
    scalars = {}
    periods = sorted(set(periods_by_label.values()))
    if periods:
        periods = [periods[0].shifted(i) for i in range(periods[-1].index - periods[0].index + 1)]
    for s in spec.SCALARS:
        r = codes.get(s.key)
        if r is None:
            raise ModelNotFound(f"{spec.ASSUMPTIONS}: no row coded {s.key!r} in column C")
        v = ass.get((r, grid.C_VALUE))
        at = f"{spec.ASSUMPTIONS}!{xl_rowcol_to_cell(r, grid.C_VALUE)}"
        if s.unit == "text":
            v = "" if v is None else str(v)
            if s.choices and v not in s.choices:
                problems.append(f"{at}: {v!r} is not one of {', '.join(s.choices)} (pick one from the drop-down)")
            elif s.key in spec.QUARTER_SCALARS and v and v not in periods_by_label:
                problems.append(f"{at}: {v!r} is not a calendar quarter on the timeline "
                                f"(pick one from the drop-down, like {periods[-1].label if periods else '2025 Q3'!r})")
        elif v is None or v == "":
            v = None
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            problems.append(f"{at}: {not_a_figure(v)}")
        else:
            v = float(v)
        scalars[s.key] = v
    quotes = dict(quotes)
    if spec.QUOTES in sheets:
        quotes.update(_statements(sheets[spec.QUOTES]))
    mi = ModelInputs(periods=periods, period_ends={p: quarter_end(p) for p in periods},
                     rows=list(spec.INPUT_ROWS), figures=figures, scenarios={}, scalars=scalars, sens_quarter="",
                     notes=notes, quotes=quotes, provenance=provenance(sheets.get(spec.COVER, {})))
    return mi, problems, cleared
