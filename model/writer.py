"""Write a Layout to an .xlsx (or .xlsm) file with XlsxWriter, atomically.

XlsxWriter is used because its chart sheets render in Excel and LibreOffice
alike and its output is reproducible: fixed zip timestamps plus a fixed
document date give the same bytes for the same inputs.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from .core import formats, grid
from .core import spec as core_spec
from .core.grid import Role, parse_style
from .core.layout import Layout
from .errors import ModelError
from .models import STAMP_MODEL

INPUT_FONT = "#0000FF"


class WriteError(ModelError, OSError):
    """The workbook could not be written; the file on disk is unchanged."""


def _calc_format(unit: str, basis: str) -> str:
    """A calculated cell's format with the marker of the figures it rests on; '~' goes after
    the number there ('14.8%~'), since before a figure in a column of results it reads as a minus."""
    prefix, suffix, _ = formats.BASIS_MARK[basis]
    if prefix == '"~"':
        prefix, suffix = "", prefix
    pos, neg = formats.FORMATS[unit].replace("_)", "").split(";")
    return f"{prefix}{pos}{suffix}_);{prefix}{neg}{suffix}"


def _style(key: str) -> dict:
    base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
    st = parse_style(key)
    if st.role is Role.INPUT:
        fmt = {"font_color": INPUT_FONT, "bg_color": formats.BASIS_MARK[st.basis][2], "locked": False,
               "border": 1, "border_color": "#BFBFBF"}
        if st.unit != "text":
            fmt["num_format"] = formats.input_format(st.unit, st.basis)
        return base | fmt
    if st.role is Role.CALC:
        if st.basis and st.basis != "reported":     # computed from a marked figure: its marker, italic
            return base | {"num_format": _calc_format(st.unit, st.basis), "italic": True}
        return base | {"num_format": formats.FORMATS[st.unit]} | ({"text_wrap": True} if st.unit == "wtext" else {})
    if st.role is Role.FORECAST:          # visibly forecast: shaded, italic
        return base | {"num_format": formats.FORMATS[st.unit], "italic": True, "bg_color": "#DDEBF7",
                       "font_color": "#1F4E79"}
    if st.role is Role.PLAIN:
        return base | {"num_format": formats.FORMATS[st.unit]}
    return base | {
        "title": {"bold": True, "font_size": 14},
        "subtitle": {"italic": True, "font_color": "#595959"},
        "header": {"bold": True, "bg_color": "#D9D9D9", "bottom": 1},
        "header_period": {"bold": True, "bg_color": "#D9D9D9", "bottom": 1, "align": "center"},
        "header_forecast": {"bold": True, "italic": True, "bg_color": "#9BC2E6", "bottom": 1,
                            "align": "center"},
        "section": {"bold": True, "font_color": "#1F4E79"},
        "unit": {"align": "center", "font_color": "#595959"},
        "code": {"font_color": "#808080", "font_size": 8},
        "note": {"italic": True, "font_color": "#595959"},
        "link": {"font_color": "#0563C1", "underline": 1},
        "date": {"num_format": "yyyy-mm-dd", "align": "center", "font_color": "#595959"},
        "check_flag": {"num_format": "0;-0;\"-\"", "align": "center"},
        "check_total": {"num_format": "0", "bold": True, "align": "center"},
        "master": {"bold": True, "font_size": 11},
        "master_label": {"bold": True},
        "label_bold": {"bold": True},
        "header_wrap": {"bold": True, "bg_color": "#D9D9D9", "bottom": 1, "text_wrap": True,
                        "align": "center"},
        "wrap": {"text_wrap": True},
        "good": {"bg_color": "#C6EFCE", "font_color": "#006100", "bold": True},
        "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True},
        "highlight": {"bg_color": "#FFEB9C", "bold": True, "border": 2, "border_color": "#9C5700"},
        "warn": {"bg_color": "#FFEB9C", "font_color": "#9C5700", "bold": True},
        "derived": {"bg_color": "#DDEBF7", "num_format": '#,##0.0"d"_);(#,##0.0"d")'},
    }.get(key, {})


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the umask's default."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside ``target``; move it into place on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, _mode_for(target))
    try:
        yield Path(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_bytes(target: Path, data: bytes, check=None) -> Path:
    """Put ``data`` at ``target`` atomically; ``check()`` runs just before the final move
    and may raise to leave the target as it was."""
    try:
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
            if check is not None:
                check()
    except OSError as exc:
        raise WriteError(f"{target}: cannot write the workbook ({exc.strerror or exc}); "
                         "the file on disk is unchanged") from exc
    return target


def _build_time(lay: Layout) -> datetime:
    stamp = lay.inputs.provenance.get("built_at")
    return datetime.fromisoformat(stamp) if stamp else datetime(2000, 1, 1)


def _series_ref(lay: Layout, key: str) -> str:
    """Absolute range of a chart series: a timeline row, a sensitivity grid
    column ('sens:<j>') or the sensitivity margin axis ('sens:axis')."""
    if not key.startswith("sens:"):
        return lay.row_range(key)
    r0, c0 = lay.sens_grid
    j = key.split(":")[1]
    c = c0 - 1 if j == "axis" else c0 + int(j)
    n = len(lay.inputs.sens_margins)
    return (f"{quote_sheetname(lay.spec.sensitivity)}!{xl_rowcol_to_cell(r0, c, True, True)}:"
            f"{xl_rowcol_to_cell(r0 + n - 1, c, True, True)}")


def _marked_point(self, index, point) -> None:
    """A line chart's <c:dPt> with the point's own marker (shape, size, colours): XlsxWriter writes
    only a point's fill, and LibreOffice reads a point's marker only with its symbol."""
    self._xml_start_tag("c:dPt")
    self._write_idx(index)
    self._write_marker(point.get("marker"))
    self._xml_end_tag("c:dPt")


def _from(ref: str, start: int) -> str:
    """A row reference ('Sheet'!$F$4:$Z$4) starting ``start`` columns later (the same end)."""
    sheet, _, rng = ref.rpartition("!")
    first, last = rng.split(":")
    row = first.rsplit("$", 1)[1]
    col = xl_rowcol_to_cell(int(row) - 1, grid.FIRST_PERIOD_COL + start, True, True)
    return f"{sheet}!{col}:{last}"


def _chart(wb, lay: Layout, c: core_spec.Chart, bases: dict | None = None, legend: dict | None = None,
           key_words: dict | None = None, start: int = 0, series_opts: dict | None = None):
    """One chart. Columns on both axes are padded with empty spacer series so
    the primary and secondary columns stand side by side instead of on top of
    each other; spacers are left out of the legend. ``bases``: series key -> the basis of each
    quarter's point (None or 'reported' for a plain one): a line's point resting on a marked
    figure gets its basis's marker (formats.POINT_MARK), and the legend one entry per basis
    drawn (an empty series), in ``key_words`` (basis -> words) if given. ``legend``: set_legend
    options (default: at the bottom). ``start``: the quarters axis starts that many quarters in
    (where the chart's data starts; every series and the axis end at the last quarter).
    ``series_opts``: series key -> more XlsxWriter series options (custom data labels ...)."""
    primary = [s for s in c.series if not s.secondary]
    secondary = [s for s in c.series if s.secondary]
    base_kind = "column" if any(s.kind == "column" for s in primary) else primary[0].kind
    chart = wb.add_chart({"type": base_kind})
    cats = ("=" + _series_ref(lay, "sens:axis") if c.series[0].key.startswith("sens:")
            else "=" + (_from(lay.names[lay.spec.period_name], start) if start else lay.spec.period_name))
    blank = "=" + (_from(lay.blank_range, start) if start else lay.blank_range)
    p_cols = [s for s in primary if s.kind == "column"]
    s_cols = [s for s in secondary if s.kind == "column"]
    pad = bool(p_cols and s_cols)
    legend_drop = []
    used: set[str] = set()
    n = 0

    def add(target, s=None, y2=False):
        nonlocal n
        if s is None:
            target.add_series({"values": blank, "categories": cats, "name": " ", "y2_axis": y2})
            legend_drop.append(n)
        else:
            ref = _series_ref(lay, s.key)
            opts = {"name": s.name, "categories": cats, "values": "=" + (_from(ref, start) if start else ref)}
            if s.kind == "line":
                opts["marker"] = {"type": "circle", "size": 7}
                opts.setdefault("line", {"width": 2.25})
                if s.colour:
                    opts["line"]["color"] = s.colour
                    opts["marker"].update(fill={"color": s.colour}, border={"color": s.colour})
                if "assumed" in s.name:
                    opts["line"] = {"dash_type": "dash", "width": 2}
                marked = [b if b in formats.POINT_MARK else None for b in (bases or {}).get(s.key, ())][start:]
                if any(marked):
                    opts["points"] = [None if b is None else {"fill": {"none": True}} for b in marked]
            if s.secondary:
                opts["y2_axis"] = True
            opts.update((series_opts or {}).get(s.key, {}))
            target.add_series(opts)
            if s.kind == "line" and opts.get("points"):
                edge = s.colour or "#404040"
                for b, point in zip(marked, target.series[-1]["points"]):
                    if b is not None:
                        point["marker"] = target._get_marker_properties({
                            "type": formats.POINT_MARK[b][1], "size": 10, "fill": {"color": edge},
                            "border": {"color": edge}})
                        used.add(b)
                target._write_d_pt_point = _marked_point.__get__(target)
        n += 1

    def add_keys(target, y2=False):
        """One legend entry per basis drawn: an empty line series with that basis's marker."""
        nonlocal n
        for b, (words, fill) in formats.POINT_MARK.items():
            if b in used:
                words = (key_words or {}).get(b, words)
                target.add_series({"values": blank, "categories": cats, "name": words, "line": {"none": True},
                                   "marker": {"type": fill, "size": 8, "fill": {"color": "#404040"},
                                              "border": {"color": "#404040"}}, "y2_axis": y2})
                n += 1

    others = {}
    if base_kind == "line" and not c.series[0].key.startswith("sens:"):
        # lines over the quarters, drawn on an empty column series: LibreOffice draws a #N/A
        # of a chart of lines only as zero, but as a gap once lines are combined with columns
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"values": blank, "categories": cats, "name": " ",
                          "fill": {"none": True}, "border": {"none": True}})
        legend_drop.append(n)
        n += 1
        primary_kind = None
    else:
        primary_kind = base_kind
    for s in primary:
        if s.kind == primary_kind:
            add(chart, s)
        else:
            others.setdefault((s.kind, False), []).append(s)
    if pad:
        for _ in s_cols:
            add(chart)
    for s in secondary:
        others.setdefault((s.kind, True), []).append(s)
    for (kind, sec), group in others.items():
        sub = wb.add_chart({"type": kind})
        if pad and sec and kind == "column":
            for _ in p_cols:
                add(sub, y2=True)
        for s in group:
            add(sub, s)
        if kind == "line":
            add_keys(sub, sec)
        chart.combine(sub)
    if c.sheet == "Chart Sensitivity" and "sens_title" in lay.scalar_at:
        _, tr, tc = lay.scalar_at["sens_title"]      # follows the chosen quarter (cached: the build's)
        chart.set_title({"name": f"={quote_sheetname(lay.spec.sensitivity)}!{xl_rowcol_to_cell(tr, tc, True, True)}",
                         "name_font": {"size": 14},
                         "data": ["CSP operating profit by ex-CSP margin and opex intensity ($M), "
                                  f"{lay.inputs.sens_quarter}"]})
    else:
        chart.set_title({"name": c.title, "name_font": {"size": 14}})
    x = {"name": c.x_title, "label_position": "low"}
    if c.x_format:
        x["num_format"] = c.x_format
    else:
        x["num_font"] = {"rotation": -45}
    chart.set_x_axis(x)
    chart.set_y_axis({"name": c.y_title, "num_format": c.y_format,
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    if c.y2_title:
        chart.set_y2_axis({"name": c.y2_title, "num_format": c.y2_format})
    chart.set_legend(dict(legend or {"position": "bottom"}, delete_series=legend_drop))
    chart.show_blanks_as("gap")
    chart.show_na_as_empty_cell()       # Excel: a #N/A feed cell is a gap too
    return chart


def write(lay: Layout, target: str | Path, vba_project: Path | None = None,
          cached: dict | None = None) -> Path:
    """Write ``lay`` to ``target`` atomically; return the path written. ``cached``: the value
    to store with each formula ((sheet, row, col) -> value), from the independent recompute."""
    target = Path(target)
    try:
        with atomic_path(target) as tmp:
            _write(lay, tmp, vba_project, cached)
    except OSError as exc:
        raise WriteError(f"{target}: cannot write the workbook ({exc.strerror or exc}); "
                         "the file on disk is unchanged") from exc
    return target


def render(lay: Layout) -> bytes:
    """The workbook ``lay`` as bytes, written in memory (no VBA)."""
    import io
    buf = io.BytesIO()
    _write(lay, buf, None)
    return buf.getvalue()


STAMP_VERSION, STAMP_LAYOUT = "isg_model_version", "isg_model_layout"


def _write(lay: Layout, path, vba_project: Path | None, cached: dict | None = None) -> None:
    from . import __version__
    wb = xlsxwriter.Workbook(path if not isinstance(path, Path) else str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "default_date_format": "yyyy-mm-dd", "in_memory": True})
    wb.set_size(1600, 1000)
    when = _build_time(lay)
    m = lay.spec
    wb.set_properties({
        "title": m.title, "subject": m.extra.get("subject", "CSP profitability from segment data"),
        "author": "model", "company": "", "created": when,
        "comments": f"Built from {lay.inputs.provenance.get('Built from', '')}"})
    wb.set_custom_property(STAMP_VERSION, __version__)
    wb.set_custom_property(STAMP_LAYOUT, lay.digest)
    if m.stamped:                    # (the Lenovo workbook stays as earlier releases stamped it)
        wb.set_custom_property(STAMP_MODEL, m.key)
    formats: dict[str, object] = {}

    def fmt(key):
        if key not in formats:
            formats[key] = wb.add_format(_style(key))
        return formats[key]

    chart_after = m.chart_after
    for name, sh in lay.sheets.items():
        ws = wb.add_worksheet(name)
        _fill(ws, sh, fmt, {(r, c): v for (s_, r, c), v in (cached or {}).items() if s_ == name},
              timeline=name in m.timeline_sheets, scale=m.print_scale)
        _print_setup(ws, sh, lay)
        for spec_ in sh.charts:
            if spec_["kind"] == "chart":         # one of the model's charts, embedded (drawn as on its sheet)
                c = spec_["chart"]
                drawn = (m.draw_chart(wb, lay, c) if m.draw_chart else None) or _chart(wb, lay, c)
            else:
                make = {"bridge": _bridge_chart, "annual": _annual_chart, "outlook": _outlook_chart}[spec_["kind"]]
                drawn = make(wb, name, spec_)
            ws.insert_chart(*spec_["anchor"], drawn, spec_.get("size", {"x_scale": 1.6, "y_scale": 1.3}))
        if name == m.active:
            ws.activate()
        if name == m.cover:
            if vba_project is not None:
                from .vba import BUTTON_MACRO
                ws.insert_button(*m.button_cell, {
                    "macro": BUTTON_MACRO, "caption": "Refresh", "width": 140, "height": 26,
                    "description": "Refresh from the data file, keeping your edits (xlwings)"})
        if name == chart_after:
            for c in m.charts:
                cs = wb.add_chartsheet(c.sheet)
                drawn = m.draw_chart(wb, lay, c) if m.draw_chart else None
                cs.set_chart(drawn or _chart(wb, lay, c))
                cs.set_landscape()
    for name, ref in lay.names.items():
        wb.define_name(name, "=" + ref)
    if vba_project is not None:
        wb.add_vba_project(str(vba_project))
        wb.set_vba_name("ThisWorkbook")
    wb.close()


def _bridge_chart(wb, sheet: str, c: dict):
    """A waterfall from stacked columns: an invisible base, then the part above zero and the
    part below zero of each bar (a bar may cross zero); totals blue, deductions red. Each bar is
    labelled with its amount (an invisible line at the bar's top carries the labels)."""
    r0, r1 = c["rows"]
    h = c.get("help", 4) - 1               # the helper block's first column less one (start)
    q = quote_sheetname(sheet)
    cats = f"={q}!{xl_rowcol_to_cell(r0, 0, True, True)}:{xl_rowcol_to_cell(r1, 0, True, True)}"

    def col(j):
        return f"={q}!{xl_rowcol_to_cell(r0, h + j, True, True)}:{xl_rowcol_to_cell(r1, h + j, True, True)}"
    points = [{"fill": {"color": "#1F4E79" if i in c["totals"] else "#C00000"}}
              for i in range(r1 - r0 + 1)]
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    chart.add_series({"name": "Base", "categories": cats, "values": col(3),
                      "fill": {"none": True}, "border": {"none": True}})
    chart.add_series({"name": "Above zero ($M)", "categories": cats, "values": col(4),
                      "points": points, "gap": 60})
    chart.add_series({"name": "Below zero ($M)", "categories": cats, "values": col(5),
                      "points": points})
    if "amount" in c:
        # stacked like the columns (one series: the same heights); LibreOffice stores the line
        # of a stacked chart as stacked, so a LibreOffice save keeps the chart's type
        labels = wb.add_chart({"type": "line", "subtype": "stacked"})
        amounts = (f"={q}!{xl_rowcol_to_cell(r0, c['amount'], True, True)}:"
                   f"{xl_rowcol_to_cell(r1, c['amount'], True, True)}")
        labels.add_series({     # each bar's amount, written at that height (every engine draws this)
            "name": "Amount ($M)", "categories": cats, "values": amounts,
            "line": {"none": True}, "marker": {"type": "none"},
            "data_labels": {"value": True, "position": "right", "num_format": '#,##0;(#,##0)'}})
        chart.combine(labels)
    # the title follows the Summary's quarter in Excel; the cached text is the build's quarter
    chart.set_title({"name": c["title"], "name_font": {"size": 12}, "data": [c["title_now"]]})
    chart.set_y_axis({"name": "US$ millions ($M)", "num_format": '#,##0;(#,##0)',
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_x_axis({"label_position": "low"})
    chart.set_legend({"none": True})
    return chart


def _annual_chart(wb, sheet: str, c: dict):
    """The seed article's chart: ISG revenue against ISG operating profit by fiscal year, on
    one axis so both share zero; an incomplete year is a gap."""
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "ISG revenue ($M)", "categories": c["cats"], "values": c["revenue"],
                      "fill": {"color": "#1F4E79"}})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": "ISG operating profit ($M)", "categories": c["cats"], "values": c["profit"],
                     "marker": {"type": "circle", "size": 6}, "line": {"color": "#C00000", "width": 2.25},
                     "data_labels": {"value": True, "num_format": '#,##0;(#,##0)', "position": "above"}})
    chart.combine(line)
    chart.set_title({"name": "ISG revenue against ISG operating profit by fiscal year ($M)",
                     "name_font": {"size": 12}})
    chart.set_y_axis({"name": "US$ millions ($M)", "num_format": '#,##0;(#,##0)',
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_x_axis({"name": "Fiscal year (complete years only)", "label_position": "low"})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    return chart


def _outlook_chart(wb, sheet: str, c: dict):
    """Forecast CSP operating profit by quarter and the cumulative loss ($M); the break-even
    margin at that scale is in the table above it."""
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "CSP operating profit, forecast ($M)", "categories": c["cats"],
                      "values": c["op"], "fill": {"color": "#9BC2E6"}, "border": {"color": "#1F4E79"}})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": "Cumulative CSP operating profit, forecast ($M)", "categories": c["cats"],
                     "values": c["cum"], "line": {"color": "#C00000", "dash_type": "dash"},
                     "marker": {"type": "circle", "size": 5}})
    chart.combine(line)
    chart.set_title({"name": "Outlook (forecast): CSP operating profit and cumulative loss",
                     "name_font": {"size": 12}})
    chart.set_y_axis({"name": "US$ millions ($M)", "num_format": '#,##0;(#,##0)',
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_x_axis({"name": "Forecast quarter (F)", "label_position": "low"})
    chart.set_legend({"position": "bottom"})
    return chart


def _print_setup(ws, sh, lay) -> None:
    """Landscape, titles and label columns on every page, about eight quarters a page, the
    sheet name in the header, page x of y and the build stamp in the footer."""
    ws.set_landscape()
    ws.set_paper(9)                                   # A4 (Letter prints the same pages)
    ws.set_header(f"&L&\"Calibri,Bold\"&A&R&\"Calibri\"{lay.spec.title}")
    stamp = lay.inputs.provenance.get("Built by", "").replace("&", "&&")
    ws.set_footer(f"&LPage &P of &N&R{stamp}")
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if sh.name in lay.spec.timeline_sheets:
        ws.repeat_rows(0, grid.HEADER_ROW)
        ws.repeat_columns(0, 1)
    elif sh.print_titles:
        ws.repeat_rows(*sh.print_titles)
    if sh.repeat_cols and sh.name not in lay.spec.timeline_sheets:
        ws.repeat_columns(*sh.repeat_cols)
    if sh.tab_color:
        ws.set_tab_color(sh.tab_color)
    if sh.page_breaks:
        ws.set_h_pagebreaks(sh.page_breaks)


def _fill(ws, sh, fmt, cached: dict | None = None, timeline: bool = False, scale: int = 60) -> None:
    cached = cached or {}
    for (r, c), cell in sorted(sh.cells.items()):
        f = fmt(cell.style)
        v = cell.value
        if cell.formula and cell.array:
            ws.write_array_formula(r, c, r, c, "{=" + v + "}", f, cached.get((r, c), ""))
        elif cell.formula:
            ws.write_formula(r, c, "=" + v, f, cached.get((r, c), ""))
        elif cell.url:
            if ws.write_url(r, c, cell.url, f, string=str(v)) != 0:
                ws.write_string(r, c, str(v), f)
        elif v is None:
            ws.write_blank(r, c, None, f)
        elif isinstance(v, bool):
            ws.write_boolean(r, c, v, f)
        elif isinstance(v, (int, float)):
            ws.write_number(r, c, v, f)
        elif isinstance(v, (date, datetime)):
            ws.write_datetime(r, c, datetime(v.year, v.month, v.day), f)
        else:
            ws.write_string(r, c, str(v), f)
    for c, w in sh.widths.items():
        ws.set_column(c, c, w, None, {"hidden": True} if c in sh.hidden_cols else {})
    for r, height in sh.heights.items():
        ws.set_row(r, height)
    for r in sh.hidden_rows:
        ws.set_row(r, None, None, {"hidden": True})
    for r, c, opts in sh.validations:
        ws.data_validation(r, c, r, c, opts)
    for r0, c0, r1, c1, opts in sh.conditional:
        ws.conditional_format(r0, c0, r1, c1, dict(opts, format=fmt(opts["format"])))
    if sh.freeze:
        ws.freeze_panes(*sh.freeze)
    if sh.cells:
        lr, lc = sh.extent
        for ch in sh.charts:                      # an embedded chart prints with its sheet
            lr = max(lr, ch["anchor"][0] + ch.get("print_rows", 26))
        ws.print_area(0, 0, lr, lc if sh.print_last_col is None else sh.print_last_col)
        if timeline and scale:
            ws.set_print_scale(scale)             # ~8 quarters a page at 60%
        elif sh.print_scale:
            ws.set_print_scale(sh.print_scale)
        else:
            ws.fit_to_pages(sh.fit_width, sh.fit_height)
    if sh.protect:
        ws.protect("", {"format_columns": True, "format_rows": True,
                        "select_locked_cells": True, "select_unlocked_cells": True})
