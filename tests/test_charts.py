"""Every chart sheet renders with its data drawn, as a person opening the file would see it."""
import openpyxl

from model import spec

from .render import chart_pages


def test_chart_sheets_are_true_chart_sheets(default_book):
    wb = openpyxl.load_workbook(default_book)
    assert [cs.title for cs in wb.chartsheets] == [c.sheet for c in spec.CHARTS]


def test_every_chart_page_is_drawn(lo, default_book, tmp_path):
    drawn = chart_pages(lo, default_book, [c.title for c in spec.CHARTS], tmp_path)
    for title, pixels in drawn.items():
        assert pixels > 400, f"chart {title!r} looks blank ({pixels} coloured pixels)"
