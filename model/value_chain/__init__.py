"""Where the AI-server profit goes: accelerators, foundry, memory and server makers on one
calendar, their margins, the chain's operating-profit pool and the split of $1 of AI rack.

``model()`` returns the models.Model value the commands dispatch on (REGISTRY names it).
"""
from __future__ import annotations


def draw_chart(wb, lay, chart):
    """The two stacked charts (the profit pool by layer over the quarters; the per-$1 split by
    case); the writer draws the lines (None)."""
    from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

    from . import spec
    from .layout import CASE_COL
    if chart.sheet == spec.CHART_POOL:
        from .marks import Marks
        marks = Marks(lay.inputs)
        ch = wb.add_chart({"type": "column", "subtype": "stacked"})
        hatched = set()
        for s in chart.series:
            lk = s.key.removeprefix("f_pool_")
            colour = spec.LAYER_COLOURS[lk]
            # a bar resting on an approximate or estimated figure is hatched (its layer's profit's marker)
            bases = [marks.basis(f"{lk}_op", i) for i in range(len(lay.inputs.periods))]
            points = [{"pattern": {"pattern": "wide_upward_diagonal", "fg_color": "#FFFFFF", "bg_color": colour},
                       "border": {"color": colour}} if b in HATCHED else None for b in bases]
            hatched.update(b for b in bases if b in HATCHED)
            extra = {}
            if lk == spec.LAYERS[0][0]:       # the bottom layer carries the 'n/8' mark of an incomplete quarter
                # the text of Calculations' pool_label row as built (LibreOffice draws no label read from a cell)
                marks_ = pool_marks(lay)
                extra["data_labels"] = {"value": False, "position": "inside_base",
                                        "font": {"size": 8, "bold": True, "color": "#000000"},
                                        "custom": [{"value": marks_[i]} if marks_[i] else {"delete": True}
                                                   for i in range(len(marks_))]}
            ch.add_series({"name": s.name, "categories": "=" + spec.PERIOD_NAME,
                           "values": "=" + lay.row_range(s.key), "gap": 60,
                           "fill": {"color": colour}, "border": {"none": True},
                           **({"points": points} if any(points) else {}), **extra})
        for b in (x for x in HATCHED if x in hatched):     # the legend's key: an empty hatched series
            ch.add_series({"name": HATCHED[b], "categories": "=" + spec.PERIOD_NAME, "values": "=" + lay.blank_range,
                           "pattern": {"pattern": "wide_upward_diagonal", "fg_color": "#FFFFFF",
                                       "bg_color": "#404040"}, "border": {"color": "#404040"}})
        ch.set_x_axis({"name": chart.x_title, "label_position": "low", "num_font": {"rotation": -45}})
    elif chart.sheet == spec.CHART_RACK:
        ch = wb.add_chart({"type": "column", "subtype": "percent_stacked"})
        sheet = quote_sheetname(spec.CALCS)
        _, hr, _ = lay.scalar_at["rack_header"]
        lo, hi = min(CASE_COL.values()), max(CASE_COL.values())
        cats = f"={sheet}!{xl_rowcol_to_cell(hr, lo, True, True)}:{xl_rowcol_to_cell(hr, hi, True, True)}"
        colours = {"acc": spec.LAYER_COLOURS["acc"], "mem": spec.LAYER_COLOURS["mem"], "other": "#BFBFBF",
                   "oem": spec.LAYER_COLOURS["oem"]}
        for sl, words in ((x, w) for x, w in spec.SLICES if x in spec.IN_STACK):
            _, r, _ = lay.scalar_at[f"rack:{sl}:Low"]
            ch.add_series({"name": words, "categories": cats,
                           "values": f"={sheet}!{xl_rowcol_to_cell(r, lo, True, True)}:"
                                     f"{xl_rowcol_to_cell(r, hi, True, True)}",
                           "fill": {"color": colours[sl]}, "border": {"color": "#FFFFFF"}, "gap": 80,
                           "data_labels": {"value": True, "num_format": "0%", "font": {"bold": True}}})
        ch.set_x_axis({"name": chart.x_title, "label_position": "low"})
    elif chart.sheet in (spec.CHART_MARGINS, spec.CHART_OEM):
        return _marked_lines(wb, lay, chart)
    elif chart.sheet == spec.MEETING:          # the Meeting's own, small: smaller type, a short legend
        small = {"size": 7}
        ch = _marked_lines(wb, lay, chart, legend={"position": "bottom", "font": small},
                           key_words={"derived": "d derived", "approx": "~ approximate", "estimate": "e estimate",
                                      "lower_bound": "≥ lower bound"})
        ch.set_title({"name": chart.title, "name_font": {"size": 9}})
        ch.set_x_axis({"label_position": "low", "num_font": {"rotation": -45, "size": 7}})
        ch.set_y_axis({"name": chart.y_title, "name_font": {"size": 7, "bold": False}, "num_format": chart.y_format,
                       "num_font": small, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
        return ch
    else:
        return None
    ch.set_title({"name": chart.title, "name_font": {"size": 14}})
    ch.set_y_axis({"name": chart.y_title, "num_format": chart.y_format,
                   "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    ch.set_legend({"position": "bottom"})
    ch.show_blanks_as("gap")
    ch.show_na_as_empty_cell()
    return ch


HATCHED = {"approx": "Hatched: rests on an approximate figure (~)", "estimate": "Hatched: rests on an estimate (e)",
           "lower_bound": "Hatched: rests on a lower bound (≥)"}


def _marked_lines(wb, lay, chart, legend=None, key_words=None):
    """The writer's lines, each point resting on a marked figure (~ d e) drawn with its basis's
    marker and the legend naming each basis drawn."""
    from ..core.layout import point_bases
    from ..writer import _chart
    from . import spec
    from .marks import Marks
    bases = point_bases(spec.FEED_ROWS, Marks(lay.inputs).basis, len(lay.inputs.periods),
                        [s.key for s in chart.series])
    return _chart(wb, lay, chart, bases=bases, legend=legend, key_words=key_words,
                  series_opts=one_off_labels(lay, chart))


def pool_marks(lay) -> list[str]:
    """Each quarter's 'n/8' mark on the pool chart (the recompute of Calculations' pool_label row)."""
    from .reference import reference
    exp = reference(lay.inputs)
    return [str(exp.calcs.loc["pool_label", lab] or "") for lab in exp.labels]


def one_off_labels(lay, chart) -> dict:
    """Series key -> a data label naming each one-off item at its quarter (the quarters and amounts
    on Assumptions as built), so a dip is not read as the trend."""
    from . import spec
    labels = [p.label for p in lay.inputs.periods]
    sc = lay.inputs.scalars
    out: dict = {}
    for key, member, _, _, _, _ in spec.ONE_OFFS:
        q, amount = sc.get(f"{key}_q"), sc.get(key)
        series = f"f_om_{member}"
        if q not in labels or not amount or series not in {s.key for s in chart.series}:
            continue
        out.setdefault(series, {})[labels.index(q)] = spec.ONE_OFF_LABEL[key].format(abs(amount) / 1000)
    # above their points: under NVIDIA's dip the TSMC line runs, under AMD's release its own line (review 2, V6)
    where = {"f_om_amd": "above", "f_om_nvda": "above"}
    return {k_: {"data_labels": {"value": False, "position": where.get(k_, "below"),
                                 "font": {"size": 7, "italic": True},
                                 "custom": [{"value": pts[i]} if i in pts else {"delete": True}
                                            for i in range(len(labels))]}}
            for k_, pts in out.items()}


def input_rows(keys=(), first=()):
    """The Inputs rows, in order: a fixed set (every series its data may hold)."""
    from . import spec
    return list(spec.INPUT_ROWS)


def model():
    from ..models import Model
    from . import spec
    from .data import load, parse_label
    from .inputs import from_dataset
    from .layout import lay_out
    from .reader import read_inputs
    from .reference import cached, compare, reference

    return Model(
        key="ai_value_chain", title="AI value chain", workbook="ai_value_chain.xlsx",
        data=("value_chain_quarterly.csv", "unit_economics.csv", "peers_quarterly.csv", "lenovo_quarterly.csv"),
        cover=spec.COVER, inputs=spec.INPUTS, assumptions=spec.ASSUMPTIONS, calcs=spec.CALCS,
        checks=spec.CHECKS, sources=spec.SOURCES, worksheets=spec.WORKSHEETS,
        timeline_sheets=spec.TIMELINE_SHEETS, charts=spec.CHARTS, chart_after=spec.MEETING,
        active=spec.MEETING, period_regex=spec.PERIOD_REGEX, parse_label=parse_label,
        names=spec.defined_names, load=load, from_dataset=from_dataset, read_inputs=read_inputs,
        lay_out=lay_out, reference=reference, compare=compare, cached=cached,
        check_rows=spec.CHECKS_LIST, scalars=spec.SCALARS, input_rows=input_rows,
        period_name=spec.PERIOD_NAME, draw_chart=draw_chart, chart_data=spec.CHART_DATA, print_scale=None,
        extra={"subject": "Where the AI-server profit goes: margins and profit pool along the chain",
               "comparison": spec.MEETING, "chart_data": spec.CHART_DATA})
