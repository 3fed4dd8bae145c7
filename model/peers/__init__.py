"""AI server peers: Dell ISG, HPE Server, Supermicro and Lenovo ISG on one calendar.

``model()`` returns the models.Model value the commands dispatch on (REGISTRY names it).
"""
from __future__ import annotations


def draw_chart(wb, lay, chart):
    """The growth-against-margin scatter (one series, one point, per business, so the legend
    names them) and the revenue index's title (the base quarter chosen on Assumptions); the
    writer draws the rest (None)."""
    from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

    from ..core.layout import point_bases
    from ..writer import _chart
    from . import spec
    from .marks import Marks
    from .place import COMPANY_COL
    bases = point_bases(spec.FEED_ROWS, Marks(lay.inputs).basis, len(lay.inputs.periods),
                        [s.key for s in chart.series])     # a marked point drawn with its basis's marker
    if chart.sheet == spec.CHART_MARGINS:
        return _chart(wb, lay, chart, bases=bases)
    if chart.sheet == spec.CHART_INDEX:          # the writer's lines, titled with the base quarter
        drawn = _chart(wb, lay, chart, bases=bases)
        sheet_, r, c = lay.scalar_at[spec.INDEX_TITLE]
        sc_ = lay.inputs.scalars
        drawn.set_title({"name": f"={quote_sheetname(sheet_)}!{xl_rowcol_to_cell(r, c, True, True)}",
                         "name_font": {"size": 14},
                         "data": [spec.index_title(sc_.get("index_base"), sc_.get("index_value"))]})
        drawn.set_y_axis({"name": chart.y_title, "num_format": chart.y_format, "log_base": 10, "min": 50,
                          "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
        return drawn
    if chart.sheet == spec.CHART_AI:             # the right axis titled (set on the combined lines)
        # the quarters from the first with an AI backlog figure (none before: no empty years on the axis)
        has = [i for i, p in enumerate(lay.inputs.periods)
               if any(lay.inputs.figures.get((p, f"{ai}.backlog")) is not None for ai in spec.AI_OF.values())]
        drawn = _chart(wb, lay, chart, bases=bases, start=has[0] if has else 0)
        if drawn.combined is not None:
            drawn.combined.set_y2_axis({"name": chart.y2_title, "num_format": chart.y2_format})
        return drawn
    if chart.sheet != spec.CHART_SCATTER:
        return None
    sc = wb.add_chart({"type": "scatter"})
    _, gr, _ = lay.scalar_at["scatter:sx_growth"]
    _, mr, _ = lay.scalar_at["scatter:sx_margin"]
    _, qr, _ = lay.scalar_at["latest:l_quarter"]
    sheet = quote_sheetname(spec.CHART_DATA)
    _, nr, _ = lay.scalar_at["scatter:sx_name"]
    for c, colour in zip(spec.COMPANIES, spec.COLOURS):
        if c not in spec.SCATTERED:         # no point: no legend entry (the x-axis title says why)
            continue
        col = COMPANY_COL[c.code]
        sc.add_series({
            "name": f"={sheet}!{xl_rowcol_to_cell(nr, col, True, True)}",     # 'Dell ISG (2026 Q1)'
            "categories": f"={sheet}!{xl_rowcol_to_cell(gr, col, True, True)}",
            "values": f"={sheet}!{xl_rowcol_to_cell(mr, col, True, True)}",
            "marker": {"type": "circle", "size": 11, "fill": {"color": colour}, "border": {"color": colour}},
            "data_labels": {"series_name": True, "value": True, "separator": "\n", "position": "right"},
        })
    _, yg, _ = lay.scalar_at["scatter:sy_growth"]
    _, ym, _ = lay.scalar_at["scatter:sy_margin"]
    _, yn, _ = lay.scalar_at["scatter:sy_name"]
    for c, colour in zip(spec.COMPANIES, spec.COLOURS):     # hollow: each at its own latest quarter
        if c not in spec.SCATTERED:
            continue
        col = COMPANY_COL[c.code]
        sc.add_series({
            "name": f"={sheet}!{xl_rowcol_to_cell(yn, col, True, True)}",     # 'Dell ISG latest (2026 Q2)'
            "categories": f"={sheet}!{xl_rowcol_to_cell(yg, col, True, True)}",
            "values": f"={sheet}!{xl_rowcol_to_cell(ym, col, True, True)}",
            "marker": {"type": "diamond", "size": 11, "fill": {"none": True},      # hollow, and a diamond
                       "border": {"color": colour, "width": 2}},                  # where hollow is not drawn
            "data_labels": {"series_name": True, "value": True, "separator": "\n", "position": "below",
                            "font": {"italic": True, "size": 8}},
        })
    sc.set_title({"name": chart.title, "name_font": {"size": 14}})
    sc.set_x_axis({"name": chart.x_title, "num_format": "0%", "label_position": "low",
                   "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    sc.set_y_axis({"name": chart.y_title, "num_format": "0%", "label_position": "low",
                   "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    sc.set_legend({"position": "bottom"})
    sc.show_blanks_as("gap")
    return sc


def input_rows(keys=(), first=()):
    """The Inputs rows, in order: the peers model has a fixed set (every series its data may hold)."""
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
        key="ai_server_peers", title="AI server peers", workbook="ai_server_peers.xlsx",
        data=("peers_quarterly.csv", "lenovo_quarterly.csv"),
        cover=spec.COVER, inputs=spec.INPUTS, assumptions=spec.ASSUMPTIONS, calcs=spec.CALCS,
        checks=spec.CHECKS, sources=spec.SOURCES, worksheets=spec.WORKSHEETS,
        timeline_sheets=spec.TIMELINE_SHEETS, charts=spec.CHARTS, chart_after=spec.COMPARISON,
        active=spec.COMPARISON, period_regex=spec.PERIOD_REGEX, parse_label=parse_label,
        names=spec.defined_names, load=load, from_dataset=from_dataset, read_inputs=read_inputs,
        lay_out=lay_out, reference=reference, compare=compare, cached=cached,
        check_rows=spec.CHECKS_LIST, scalars=spec.SCALARS, input_rows=input_rows,
        period_name=spec.PERIOD_NAME, draw_chart=draw_chart, chart_data=spec.CHART_DATA,
        figure_ranges=spec.FIGURE_RANGES,
        extra={"subject": "Server-business revenue, margins and AI backlog of four companies",
               "comparison": spec.COMPARISON, "chart_data": spec.CHART_DATA})

