"""Read a peers workbook back as people left it: ModelInputs, problems, cleared figures.

Figures are found on Inputs by their code in column C and their calendar label in the
header row; their basis and source come from Sources (the shared columns); scalars from
Assumptions by code. A value a person changed becomes ``Entry(v, "user", ...)`` keeping
what the data file said, as model.lenovo.reader.read_model_inputs does for the Lenovo workbook.
"""
from __future__ import annotations

import re

from xlsxwriter.utility import xl_rowcol_to_cell

from ..core import grid
from ..core.inputs import Entry, ModelInputs, same_value
from ..core.reader import WITHDRAWN, ModelNotFound, provenance, not_a_figure, sources, timeline
from . import spec
from .data import BASES, parse_label, quarter_end
from .inputs import default_index_base

_PATTERN = re.compile(spec.PERIOD_REGEX)


def _quotes(cells) -> dict[tuple[str, str], str]:
    """(calendar label, key) -> the quote on Sources (the last column the layout writes)."""
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


def read_inputs(sheets):
    """(ModelInputs, problems as 'Sheet!Cell: why', cleared (period, key) of sourced figures emptied)."""
    for name in (spec.INPUTS, spec.ASSUMPTIONS, spec.SOURCES):
        if name not in sheets:
            raise ModelNotFound(f"the workbook has no {name!r} sheet")
    problems: list[str] = []
    cleared: set = set()
    inp = sheets[spec.INPUTS]
    tl = timeline(spec.INPUTS, inp, _PATTERN)
    periods_by_label = {}
    for label, c in tl.cols.items():
        try:
            periods_by_label[label] = parse_label(label)
        except ValueError as exc:
            problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(tl.header_row, c)}: {exc}")
    for (r, c), v in sorted(inp.items()):      # a quarter typed (or autofilled) wrongly
        if r == tl.header_row and c >= grid.FIRST_PERIOD_COL and isinstance(v, str) and v not in tl.cols \
                and re.search(r"(?i)\bQ\s*\d|\d{4}\s*Q", v):
            last = max(tl.cols, key=tl.cols.get) if tl.cols else None
            nxt = f"; the quarter after {last} is {parse_label(last).shifted(1).label!r}" if last else ""
            problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(r, c)}: {v!r} is not a calendar quarter "
                            f"label (labels look like '2025 Q3'{nxt})")
    srcs = sources(sheets[spec.SOURCES])
    quotes = _quotes(sheets[spec.SOURCES])
    figures: dict = {}
    notes: dict = {}
    for key in sorted((k for k in tl.rows if k in spec.INPUT_KEYS), key=tl.rows.get):
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
                problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(r, c)}: {not_a_figure(v)}")
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
            if v in (None, ""):
                v = default_index_base(periods, figures)
            elif str(v) not in periods_by_label:
                problems.append(f"{at}: {v!r} is not a calendar quarter on the timeline "
                                f"(pick one from the drop-down, like {periods[-1].label if periods else '2025 Q3'!r})")
            v = str(v)
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            problems.append(f"{at}: {not_a_figure(v)}")
        else:
            v = float(v)
        scalars[s.key] = v
    mi = ModelInputs(periods=periods, period_ends={p: quarter_end(p) for p in periods},
                     rows=list(spec.INPUT_ROWS), figures=figures, scenarios={}, scalars=scalars, sens_quarter="",
                     notes=notes, quotes={k: v for k, v in quotes.items()},
                     provenance=provenance(sheets.get(spec.COVER, {})))
    return mi, problems, cleared
