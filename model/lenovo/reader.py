"""Read the Lenovo model's inputs back from a workbook as people left it."""
from __future__ import annotations

import re

from xlsxwriter.utility import xl_rowcol_to_cell

from ..core.grid import C_VALUE
from ..core.inputs import Entry, ModelInputs, same_value
from ..core.reader import (
    WITHDRAWN, Cells, ModelNotFound, find_label, not_a_figure,
    provenance, sources, timeline)
from . import spec
from .data import parse_label
from .inputs import default_sens_quarter, input_rows

PERIOD = re.compile(spec.PERIOD_REGEX)
_QUARTERISH = re.compile(r"(?i)^\s*(FY|Q\d)|\bQ\d\b.*\d{4}")


def bad_quarter(text: str, labels: list[str]) -> str:
    """Why a header is not a quarter label, with the label that would follow the timeline."""
    nxt = ""
    try:
        nxt = f"; the quarter after {labels[-1]} is {parse_label(labels[-1]).shifted(1).label!r}"
    except (ValueError, IndexError):
        pass
    m = re.match(r"^FY\S+ Q(\d+)$", text.strip())
    why = "quarters run Q1 to Q4" if m and not 1 <= int(m.group(1)) <= 4 else "labels look like 'FY2025/26 Q1'"
    return f"{text!r} is not a quarter label ({why}{nxt})"


def sensitivity_axes(cells: Cells) -> tuple[int, int, list, list, int]:
    """(quarter row, header row, margins, intensities, first grid column) of the Sensitivity sheet."""
    qr = find_label(cells, "Quarter shown")
    hr = next((r for (r, c), v in cells.items() if c == 4 and v == "Margin \\ intensity"), None)
    if qr is None and hr is None:
        raise ModelNotFound(f"{spec.SENS}: the quarter selector and the grid header are missing")
    # a changed label (the structure check reports it): the other one still places the grid
    gap = 2 + len(spec.SENS_LOOKUPS) + 1
    qr = hr - gap if qr is None else qr
    hr = qr + gap if hr is None else hr
    ints, c = [], spec.FIRST_PERIOD_COL
    while isinstance(cells.get((hr, c)), (int, float)):
        ints.append(float(cells[(hr, c)]))
        c += 1
    margins, r = [], hr + 1
    while isinstance(cells.get((r, 4)), (int, float)):
        margins.append(float(cells[(r, 4)]))
        r += 1
    return qr, hr, margins, ints, spec.FIRST_PERIOD_COL


def read_model_inputs(sheets: dict[str, Cells]):
    """The workbook as people left it, as ModelInputs (what a rebuild would need).

    Returns (inputs, problems, cleared): problems are input cells whose content
    cannot be used (text typed where a number belongs), each as 'Sheet!Cell: why';
    cleared holds the (period, key) of sourced figures a person emptied."""
    for name in (spec.INPUTS, spec.ASSUMPTIONS, spec.SENS, spec.SOURCES):
        if name not in sheets:
            raise ModelNotFound(f"the workbook has no {name!r} sheet")
    problems: list[str] = []
    cleared: set = set()
    inp = sheets[spec.INPUTS]
    tl = timeline(spec.INPUTS, inp, PERIOD)      # quarters a person typed beyond the timeline included
    header = tl.header_row
    periods_by_label = {}
    for label in tl.cols:
        try:
            periods_by_label[label] = parse_label(label)
        except ValueError:
            problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(header, tl.cols[label])}: "
                            f"{label!r} is not a period label")
    for (r, c), v in sorted(inp.items()):      # a quarter typed (or autofilled) wrongly
        if r == header and c >= spec.FIRST_PERIOD_COL and isinstance(v, str) \
                and _QUARTERISH.search(v) and v not in tl.cols:
            problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(r, c)}: {bad_quarter(v, tl.labels)}")
    ordered = sorted(periods_by_label.items(), key=lambda kv: tl.cols[kv[0]])
    for (a, pa), (b, pb) in zip(ordered, ordered[1:]):     # typed beyond the timeline, skipping one
        if pb.index != pa.index + 1 and tl.cols[b] == tl.cols[a] + 1:
            problems.append(f"{spec.INPUTS}!{xl_rowcol_to_cell(header, tl.cols[b])}: {b} follows "
                            f"{a}, but quarters run one after another: type "
                            f"{pa.shifted(1).label!r} here (a quarter without figures is fine)")
    srcs = sources(sheets[spec.SOURCES])
    figures: dict = {}
    notes: dict = {}
    keys = sorted((k for k in tl.rows if "." in k), key=tl.rows.get)

    def entry(sheet, r, c, label, key, src_key):
        v = sheets[sheet].get((r, c))
        if v is None or v == "":
            s = srcs.get((label, src_key))
            if s and s["data_value"] is not None:
                cleared.add((periods_by_label[label], key))
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            problems.append(f"{sheet}!{xl_rowcol_to_cell(r, c)}: {not_a_figure(v)}")
            return None
        s = srcs.get((label, src_key))
        withdrawn = bool(s) and s["basis"] == WITHDRAWN
        if s and not withdrawn and same_value(float(v), s["data_value"]):
            return Entry(float(v), s["basis"], s["source_title"], s["source_url"],
                         s["data_value"], s["data_row"])
        if s and s["basis"] in spec.BASES + (WITHDRAWN,):
            # a person's value for a sourced figure: keep what the data said, for conflicts
            return Entry(float(v), "user", s["source_title"], s["source_url"], s["data_value"],
                         s["data_row"], s["basis"])
        return Entry(float(v), "user")

    for key in keys:
        r = tl.rows[key]
        note = inp.get((r, C_VALUE))
        if note not in (None, ""):
            notes[key] = note            # text, number, date or formula: kept as it is
        for label, c in tl.cols.items():
            if label in periods_by_label:
                e = entry(spec.INPUTS, r, c, label, key, key)
                if e:
                    figures[(periods_by_label[label], key)] = e
    ass = sheets[spec.ASSUMPTIONS]
    atl = timeline(spec.ASSUMPTIONS, ass, PERIOD)
    scenarios: dict = {}
    for s in spec.SCENARIO_ROWS:
        r = atl.rows.get(s.scenario)
        if r is None:
            raise ModelNotFound(f"{spec.ASSUMPTIONS}: no row coded {s.scenario!r} in column C")
        for label, c in atl.cols.items():
            if label not in periods_by_label:
                continue
            src_key = "Group-exCSP.gross_margin_pct" if s.key == "excsp_base" else s.key
            e = entry(spec.ASSUMPTIONS, r, c, label, s.key, src_key)
            if e is not None and e.basis == "user" and e.data_value is None and e.value == s.default:
                e = Entry(e.value, "assumption")
            if e is not None:
                scenarios[(periods_by_label[label], s.key)] = e
    scalars = {}
    for s in spec.SCALARS:
        r = atl.rows.get(s.key)
        if r is None and s in spec.SCALARS[spec.SCALARS_BEFORE_040:]:
            scalars[s.key] = s.default          # a workbook of an earlier release: this release's default
            continue
        if r is None:
            raise ModelNotFound(f"{spec.ASSUMPTIONS}: no row coded {s.key!r} in column C")
        v = ass.get((r, C_VALUE))
        at = f"{spec.ASSUMPTIONS}!{xl_rowcol_to_cell(r, C_VALUE)}"
        if s.choices and v not in s.choices:
            near = [ch for ch in s.choices if isinstance(v, str) and v.strip().lower() == ch.lower()]
            problems.append(f"{at}: {v!r} is not one of {', '.join(s.choices)}"
                            + (f"; did you mean {near[0]!r}? (the names are case-sensitive)"
                               if near else ""))
        elif not s.choices and (isinstance(v, bool) or not isinstance(v, (int, float))):
            problems.append(f"{at}: {not_a_figure(v)}")
        scalars[s.key] = v
    sens = sheets[spec.SENS]
    qr, _, margins, ints, _ = sensitivity_axes(sens)
    periods = sorted(set(periods_by_label.values()))
    if periods:
        periods = [periods[0].shifted(i) for i in range(periods[-1].index - periods[0].index + 1)]
    ends = {}
    for label, c in tl.cols.items():
        v = inp.get((spec.PERIOD_END_ROW, c))
        if label in periods_by_label and hasattr(v, "year"):
            ends[periods_by_label[label]] = v.date() if hasattr(v, "date") else v
    mi = ModelInputs(periods=periods, period_ends=ends,
                     rows=input_rows(set(keys) | {k for _, k in figures}, keys),
                     figures=figures, scenarios=scenarios, scalars=scalars,
                     sens_quarter=str(sens.get((qr, 4), "")),
                     sens_margins=tuple(margins), sens_intensities=tuple(ints), notes=notes,
                     provenance=provenance(sheets.get(spec.COVER, {})))
    chosen = sheets.get("Summary", {}).get((3, 3))      # the Summary's quarter (0.2.0 on)
    mi.summary_quarter = str(chosen) if chosen not in (None, "") else default_sens_quarter(
        periods, figures)
    outlook = sheets.get("Outlook", {})           # the Outlook's drivers as a person left them
    mi.outlook = {v: outlook.get((r, 3)) for (r, c), v in outlook.items()
                  if c == 2 and isinstance(v, str) and v.startswith("o_") and r < 13
                  and outlook.get((r, 3)) not in (None, "")}
    quotes = sheets.get("Quotes", {})
    mi.quotes = {(str(quotes[(r, 0)]), str(quotes[(r, 1)])): str(quotes[(r, 2)])
                 for r in sorted({r for r, _ in quotes if r > 0})
                 if all(quotes.get((r, c)) not in (None, "") for c in range(3))}
    return mi, problems, cleared
