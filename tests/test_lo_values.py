"""LibreOffice is handed a copy of the package without charts and drawings, and asked the
text of an error only where the recompute does not expect a chart feed's #N/A: the values
are those of the whole file, cell for cell."""
import zipfile

import pytest

from model.audit import inspect
from model.build import build
from model.libreoffice import values_only_copy
from model.models import all_models


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lovalues")
    return [build(None, tmp / m.default_workbook.name, m.key) for m in all_models()]


def test_the_copy_has_every_sheet_and_no_chart_or_drawing(books, tmp_path):
    for book in books:
        copy = values_only_copy(book, tmp_path / book.name)
        with zipfile.ZipFile(book) as a, zipfile.ZipFile(copy) as b:
            kept, before = set(b.namelist()), set(a.namelist())
        assert any(n.startswith("xl/charts/") for n in before)
        assert not any(n.startswith(("xl/charts/", "xl/drawings/")) for n in kept)
        assert {n for n in before if n.startswith(("xl/worksheets/sheet", "xl/chartsheets/sheet"))} <= kept


def _flat(values):
    return {(s, r, c, "v"): v for s, sv in values.items() for (r, c), v in sv.values.items()} | \
           {(s, r, c, "e"): e for s, sv in values.items() for (r, c), e in sv.errors.items()}


def test_values_and_errors_are_those_of_the_whole_file(lo, books):
    for book in books:
        whole = _flat(lo._recalculate(book))                  # the file as it is
        gaps = inspect(book).expected_gaps()
        assert sum(len(v) for v in gaps.values()) > 20        # the chart feeds' #N/A
        assert _flat(lo.recalculate(book, lambda: gaps)) == whole
        assert _flat(lo.recalculate(book)) == whole
