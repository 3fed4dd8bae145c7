"""Issue 19 item 6: chart and VBA changes are visible in textconv (so git diff, git show)
and in `model diff`. The edits are made on the files' own XML and VBA streams, and what
must show is written out by hand."""

import io
import shutil
import zipfile

import olefile
import pytest

from model.build import build
from model.diff import diff, report
from model.textconv import lines

from .conftest import DATA, DATA_TO_FY2025_26

OLD_REF = "'Chart data'!$F$8:$Y$8"        # ISG operating profit, the ISG chart's 2nd series
NEW_REF = "'Chart data'!$F$9:$Y$9"
OLD_TITLE = "ISG revenue grows, operating profit stays near zero (one axis, $M)"
NEW_TITLE = "ISG revenue grows, operating profit falls (one axis, $M)"


def _rewrite(src, dst, edit):
    """Copy the package ``src`` to ``dst`` with ``edit(name, bytes) -> bytes`` on each part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, edit(info.filename, zin.read(info)))
    return dst


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parts")
    # the data to FY2025/26 Q4 (the v3 file less its last quarter): 20 quarters, F:Y
    old = build(DATA_TO_FY2025_26, tmp / "old.xlsx")
    hits = []

    def edit(name, data):
        if name.startswith("xl/charts/chart") and OLD_REF.encode() in data:
            hits.append(name)
            data = data.replace(OLD_REF.encode(), NEW_REF.encode())
            data = data.replace(OLD_TITLE.encode(), NEW_TITLE.encode())
        return data
    new = _rewrite(old, tmp / "new.xlsx", edit)
    assert len(hits) == 1
    return old, new


def test_textconv_shows_a_chart_s_title_and_series_change(books):
    old, new = books
    a, b = lines(old), lines(new)
    assert [ln for ln in a if ln not in b] == [
        f"chart 'Chart ISG' #1 barChart(col)+lineChart title {OLD_TITLE!r}",
        "chart 'Chart ISG' #1 series 2 name 'ISG operating profit ($M)' categories Periods "
        "values 'Chart data'!F8:Y8"]
    assert [ln for ln in b if ln not in a] == [
        f"chart 'Chart ISG' #1 barChart(col)+lineChart title {NEW_TITLE!r}",
        "chart 'Chart ISG' #1 series 2 name 'ISG operating profit ($M)' categories Periods "
        "values 'Chart data'!F9:Y9"]


def test_diff_reports_the_chart_change(books):
    old, new = books
    changes = diff(old, new)
    assert [(c.kind, c.sheet, c.context) for c in changes] == [
        ("charts", "Chart ISG", "chart 1 title"), ("charts", "Chart ISG", "chart 1 series 2")]
    text = report(changes)
    assert text.startswith("Charts changed (2)") and "'Chart data'!F9:Y9" in text
    assert report(diff(old, old)) == "no differences"


@pytest.fixture(scope="module")
def macro_books(tmp_path_factory):
    """The .xlsm as built, and a copy whose Module1 calls main under another name: the
    literal bytes '.main()' of the compressed module source (MS-OVBA keeps text it has not
    seen before as literals) become '.mAin()', the stream's size unchanged."""
    tmp = tmp_path_factory.mktemp("vba")
    old = build(DATA, tmp / "old.xlsm")
    with zipfile.ZipFile(old) as z:
        project = z.read("xl/vbaProject.bin")
    bin_path = tmp / "vbaProject.bin"
    bin_path.write_bytes(project)
    ole = olefile.OleFileIO(str(bin_path), write_mode=True)
    stream = ole.openstream("VBA/Module1").read()
    at = stream.rindex(b".main()")              # the source's (the first is in the p-code)
    ole.write_stream("VBA/Module1", stream[:at] + b".mAin()" + stream[at + 7:])
    ole.close()
    changed = bin_path.read_bytes()
    new = _rewrite(old, tmp / "new.xlsm", lambda n, d: changed if n == "xl/vbaProject.bin" else d)
    return old, new


BEFORE = '    RunPython "import " & mymodule & ";" & mymodule & ".main()"'
AFTER = '    RunPython "import " & mymodule & ";" & mymodule & ".mAin()"'


def test_textconv_shows_a_vba_line_change(macro_books):
    old, new = macro_books
    a, b = lines(old), lines(new)
    assert [ln for ln in a if ln not in b] == [f"vba Module1| {BEFORE}"]
    assert [ln for ln in b if ln not in a] == [f"vba Module1| {AFTER}"]
    assert any(ln.startswith("vba xlwings (") for ln in a)  # xlwings' module, as its standalone quickstart has it


def test_diff_reports_the_vba_line_and_removed_modules(macro_books, tmp_path):
    old, new = macro_books
    changes = diff(old, new)
    assert [(c.kind, c.sheet, c.context, c.old, c.new) for c in changes] == [
        ("vba", "Module1", "line 4", BEFORE, AFTER)]
    assert "VBA changed (1)" in report(changes)
    # xlwings' quickstart.xlsm (for use with the add-in) carries no xlwings or Dictionary module
    import xlwings
    addin_project = zipfile.ZipFile(shutil.os.path.join(xlwings.__path__[0], "quickstart.xlsm")).read(
        "xl/vbaProject.bin")
    other = _rewrite(old, tmp_path / "addin.xlsm", lambda n, d: addin_project if n == "xl/vbaProject.bin" else d)
    gone = [(c.sheet, c.context, c.new) for c in diff(old, other) if c.kind == "vba"]
    assert gone == [("Dictionary", "module", None), ("xlwings", "module", None)]
