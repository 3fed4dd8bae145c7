"""Read the toy model's inputs back from a workbook as people left it."""
from __future__ import annotations

import re

from xlsxwriter.utility import xl_rowcol_to_cell

from model.core import grid
from model.core.inputs import Entry, ModelInputs, same_value
from model.core.reader import WITHDRAWN, ModelNotFound, not_a_figure, provenance, sources, timeline
from . import spec
from .data import parse_label


def read_inputs(sheets):
    """(ModelInputs, problems as 'Sheet!Cell: why', cleared (period, key) of sourced figures emptied)."""
    for name in (spec.INPUTS, spec.ASSUMPTIONS, spec.SOURCES):
        if name not in sheets:
            raise ModelNotFound(f"the workbook has no {name!r} sheet")
    problems, cleared, figures, notes = [], set(), {}, {}
    inp = sheets[spec.INPUTS]
    tl = timeline(spec.INPUTS, inp, re.compile(spec.PERIOD_REGEX))
    by_label = {label: parse_label(label) for label in tl.cols}
    srcs = sources(sheets[spec.SOURCES])
    for key in (k for k in tl.rows if k in spec.INPUT_KEYS):
        r = tl.rows[key]
        if inp.get((r, grid.C_VALUE)) not in (None, ""):
            notes[key] = inp[(r, grid.C_VALUE)]
        for label, c in tl.cols.items():
            p, v, s = by_label[label], inp.get((r, c)), srcs.get((label, key))
            if v is None or v == "":
                if s and s["data_value"] is not None:
                    cleared.add((p, key))
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(r, c)}: {not_a_figure(v)}")
                continue
            if s and s["basis"] != WITHDRAWN and same_value(float(v), s["data_value"]):
                e = Entry(float(v), s["basis"], s["source_title"], s["source_url"], s["data_value"], s["data_row"])
            elif s:
                e = Entry(float(v), "user", s["source_title"], s["source_url"], s["data_value"], s["data_row"],
                          s["basis"])
            else:
                e = Entry(float(v), "user")
            figures[(p, key)] = e
    ass = sheets[spec.ASSUMPTIONS]
    codes = {v: r for (r, c), v in ass.items() if c == grid.C_CODE and isinstance(v, str)}
    scalars = {}
    for s in spec.SCALARS:
        if s.key not in codes:
            raise ModelNotFound(f"{spec.ASSUMPTIONS}: no row coded {s.key!r} in column C")
        v = ass.get((codes[s.key], grid.C_VALUE))
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            problems.append(f"{spec.ASSUMPTIONS}!{xl_rowcol_to_cell(codes[s.key], grid.C_VALUE)}: {not_a_figure(v)}")
        scalars[s.key] = v
    periods = sorted(set(by_label.values()))
    if periods:
        periods = [periods[0].shifted(i) for i in range(periods[-1].index - periods[0].index + 1)]
    ends = {}
    for label, c in tl.cols.items():
        v = inp.get((grid.PERIOD_END_ROW, c))
        if hasattr(v, "year"):
            ends[by_label[label]] = v.date() if hasattr(v, "date") else v
    return (ModelInputs(periods=periods, period_ends=ends, rows=list(spec.INPUT_ROWS), figures=figures,
                        scenarios={}, scalars=scalars, sens_quarter="", notes=notes,
                        provenance=provenance(sheets.get(spec.COVER, {}))), problems, cleared)
