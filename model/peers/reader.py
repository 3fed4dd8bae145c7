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
from ..core.inputs import ModelInputs
from ..core.quarterly import quarter_end, read_figures, read_quarters, source_quotes
from ..core.reader import ModelNotFound, provenance, not_a_figure, sources, timeline
from . import spec
from .inputs import default_index_base

_PATTERN = re.compile(spec.PERIOD_REGEX)


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
    if spec.INPUT_ROWS_030[0].key in tl.rows and not any(r.key in tl.rows for r in spec.INPUT_ROWS_ADDED):
        # release 0.3.0's workbook: this release adds rows to every sheet and lays the Comparison
        # and the charts out anew, which a refresh in place cannot do without touching charts
        # and cells a person may have changed, so it says so and changes nothing
        raise ModelNotFound(
            f"{spec.INPUTS}: built by release 0.3.0 of the peers model (it has no row for HPE's Cloud & AI "
            "segment, Supermicro's gross margin as given or Lenovo's CSP estimate); this release lays out "
            "the Comparison and the charts anew, so build a new workbook (python -m model build --model "
            "ai_server_peers) and copy your own edits across")
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
