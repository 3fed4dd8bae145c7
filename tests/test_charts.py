"""Every chart sheet renders with its data drawn, as a person opening the file would see it."""
import openpyxl

from model.lenovo import spec

from .render import DRAWN, chart_pages


def test_chart_sheets_are_true_chart_sheets(default_book):
    wb = openpyxl.load_workbook(default_book)
    assert [cs.title for cs in wb.chartsheets] == [c.sheet for c in spec.CHARTS]


def test_every_chart_page_is_drawn(lo, default_book, tmp_path):
    drawn = chart_pages(lo, default_book, [c.title for c in spec.CHARTS], tmp_path)
    for title, pixels in drawn.items():
        assert pixels > DRAWN, f"chart {title!r} looks blank ({pixels} coloured pixels)"


def test_a_chart_of_lines_over_the_quarters_draws_a_missing_quarter_as_a_gap(default_book):
    """LibreOffice draws a #N/A of a chart of lines only as zero (the AI chart showed its
    pipeline dropping to zero between the quarters Lenovo gave it), and as a gap once the lines
    sit on a column series; Excel draws it as a gap when told to show #N/A as an empty cell."""
    import re
    import zipfile
    with zipfile.ZipFile(default_book) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    ai = next(c for c in spec.CHARTS if c.sheet == "Chart AI")
    xml = next(x for x in charts if ai.title.replace("$", "") in x.replace("$", ""))
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml
    assert 'dispNaAsBlank val="1"' in xml
    assert len(re.findall(r"<c:ser>", xml)) == len(ai.series) + 1       # the empty column series
