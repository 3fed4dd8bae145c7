"""python -m model textconv: a workbook as stable text, and git diff through it.

The same meaning saved differently (shared strings or inline, shared formulas or
one formula a cell, _xlfn. prefixes, 17 or 15 significant digits) gives the same
text; a workbook committed to git and changed in LibreOffice shows exactly the
cells that changed in `git diff`, `git log -p` and `git show`."""

import os
import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from model.__main__ import main
from model.textconv import lines

from .conftest import ROOT

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="My Sheet" sheetId="2" r:id="rId2"/></sheets>
<definedNames><definedName name="Growth">{growth}</definedName></definedNames>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"""


def xlsx(path, data_rows, other_rows, strings=(), growth="Data!$A$1:$A$3"):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK.format(growth=growth))
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", SHEET.format(rows=data_rows))
        z.writestr("xl/worksheets/sheet2.xml", SHEET.format(rows=other_rows))
        sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
        z.writestr("xl/sharedStrings.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sst}</sst>')
    return path


# The same workbook as two programs would write it.
# Like Excel: shared strings, a shared formula, the _xlfn. prefix, 17 significant digits.
EXCEL_LIKE = dict(
    data_rows=('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>2</v></c>'
               '<c r="C1" t="s"><v>0</v></c></row>'
               '<row r="2"><c r="A2"><v>0.30000000000000004</v></c><c r="B2"><f t="shared" si="0"/><v>0.6</v></c></row>'
               '<row r="3"><c r="A3"><v>2.5</v></c><c r="B3"><f t="shared" si="0"/><v>5</v></c>'
               '<c r="C3"><f>_xlfn.STDEV.S(A1:A3)</f><v>1.1</v></c></row>'),
    other_rows='<row r="1"><c r="A1"><f>SUM(\'Data\'!B1:B3)</f><v>7.6</v></c></row>',
    strings=("revenue, US$ millions",), growth="'Data'!$A$1:$A$3")
# Like LibreOffice or XlsxWriter: inline strings, one formula a cell, spaces, 15 digits.
OTHER_LIKE = dict(
    data_rows=('<row r="1"><c r="A1"><v>1.0</v></c><c r="B1"><f>A1 * 2</f><v>2</v></c>'
               '<c r="C1" t="inlineStr"><is><t>revenue, US$ millions</t></is></c></row>'
               '<row r="2"><c r="A2"><v>0.3</v></c><c r="B2"><f>A2*2</f><v>0.6</v></c></row>'
               '<row r="3"><c r="A3"><v>2.5</v></c><c r="B3"><f>A3*2</f><v>5</v></c>'
               '<c r="C3"><f>STDEV.S( A1:A3 )</f><v>1.1</v></c></row>'),
    other_rows='<row r="1"><c r="A1"><f>SUM(Data!B1:B3)</f><v>7.6</v></c></row>')
# What a person reads: written here from the cells above, not from the code.
EXPECTED = [
    "sheet Data",
    "sheet 'My Sheet'",
    "name Growth = Data!$A$1:$A$3",
    "Data!A1 1",
    "Data!B1 =A1*2",
    'Data!C1 "revenue, US$ millions"',
    "Data!A2 0.3",
    "Data!B2 =A2*2",
    "Data!A3 2.5",
    "Data!B3 =A3*2",
    "Data!C3 =STDEV.S(A1:A3)",
    "'My Sheet'!A1 =SUM(Data!B1:B3)",
]


def test_the_same_meaning_written_two_ways_gives_the_same_text(tmp_path):
    excel = xlsx(tmp_path / "excel.xlsx", **EXCEL_LIKE)
    other = xlsx(tmp_path / "other.xlsx", **OTHER_LIKE)
    assert lines(excel) == EXPECTED
    assert lines(other) == EXPECTED


def test_numbers_differing_beyond_15_digits_are_the_same_and_a_real_change_is_not(tmp_path):
    a = xlsx(tmp_path / "a.xlsx", data_rows='<row r="1"><c r="A1"><v>18830.000000000004</v></c></row>',
             other_rows="")
    b = xlsx(tmp_path / "b.xlsx", data_rows='<row r="1"><c r="A1"><v>18830</v></c></row>', other_rows="")
    c = xlsx(tmp_path / "c.xlsx", data_rows='<row r="1"><c r="A1"><v>18830.5</v></c></row>', other_rows="")
    assert "Data!A1 18830" in lines(a) and lines(a) == lines(b)
    assert "Data!A1 18830.5" in lines(c)


def test_text_with_line_breaks_stays_on_one_line(tmp_path):
    book = xlsx(tmp_path / "t.xlsx", other_rows="",
                data_rows='<row r="1"><c r="A1" t="inlineStr"><is><t>two\nlines</t></is></c></row>')
    assert 'Data!A1 "two\\nlines"' in lines(book)


def test_the_command_prints_the_lines_and_refuses_junk_in_one_line(tmp_path, capsys):
    book = xlsx(tmp_path / "book.xlsx", **OTHER_LIKE)
    assert main(["textconv", str(book)]) == 0
    assert capsys.readouterr().out.splitlines() == EXPECTED
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    assert main(["textconv", str(junk)]) == 0        # exit 0: git log -p goes on past it
    out = capsys.readouterr().out
    assert out == "! not shown as cells: not a zip archive, so not an .xlsx/.xlsm workbook " \
                  "(File is not a zip file)\n"
    assert main(["textconv", str(tmp_path / "missing.xlsx")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'missing.xlsx'}: no such file\n"


# --- git -------------------------------------------------------------------------------

def git(repo, *args, env=None):
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, f"git {' '.join(args)}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def repo(tmp_path, default_book):
    """A team's repository: the repo's .gitattributes, the README's one git config
    command, and the default workbook committed."""
    r = tmp_path / "team"
    r.mkdir()
    git(r, "init", "-q")
    git(r, "config", "user.name", "Finance"), git(r, "config", "user.email", "finance@example.com")
    shutil.copy(ROOT / ".gitattributes", r / ".gitattributes")
    assert main(["config-git", str(r), "--no-pre-commit"]) == 0               # as in the README
    (r / "workbooks").mkdir()
    shutil.copy(default_book, r / "workbooks" / "lenovo_isg.xlsx")
    git(r, "add", "-A")
    git(r, "commit", "-qm", "the model as built")
    return r


def git_env():
    """The README's command runs `python3 -m model`: here the model is this checkout's."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    bindir = os.path.dirname(sys.executable)        # python3 is the interpreter running the tests
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env


def changed_lines(diff_text, charts=False):
    """The changed lines; without ``charts``, those of cells and VBA only (LibreOffice
    stores a chart title taken from a cell as its text, which textconv shows: see
    test_a_libreoffice_save_shows_the_chart_titles_it_unlinks)."""
    return [ln for ln in diff_text.splitlines()
            if ln[:1] in ("+", "-") and not ln.startswith(("+++", "---"))
            and (charts or not ln[1:].startswith("chart "))]


# Calculations!V23 is CSP operating profit in FY2025/26 Q1 (gross profit V16 less opex V22),
# Inputs!V7 group revenue then; the edit doubles the opex in that one formula
def _edit_in_calc(after):
    def edit(doc):
        doc.Sheets.getByName("Inputs").getCellRangeByName("V7").setValue(18900)
        # UNO's setFormula takes Calc's own syntax, ';' between arguments
        doc.Sheets.getByName("Calculations").getCellRangeByName("V23").setFormula(after.replace(",", ";"))
    return edit


def test_git_diff_shows_exactly_the_input_and_formula_changed_in_libreoffice(lo, repo):
    book = repo / "workbooks" / "lenovo_isg.xlsx"
    V23_BEFORE = openpyxl.load_workbook(book)["Calculations"]["V23"].value
    assert V23_BEFORE.endswith('V16-V22,"")') or "V16-V22" in V23_BEFORE
    V23_AFTER = V23_BEFORE.replace("V16-V22", "V16-V22*2")
    saved = lo.save_as(book, repo / "saved.xlsx", edit=_edit_in_calc(V23_AFTER))
    os.replace(saved, book)
    env = git_env()
    expected = ["-Inputs!V7 18830", "+Inputs!V7 18900",
                f"-Calculations!V23 {V23_BEFORE}", f"+Calculations!V23 {V23_AFTER}"]
    assert sorted(changed_lines(git(repo, "diff", env=env))) == sorted(expected)
    git(repo, "commit", "-qam", "revenue restated, opex doubled")
    assert sorted(changed_lines(git(repo, "show", "HEAD", env=env))) == sorted(expected)
    log = git(repo, "log", "-p", "HEAD~1..HEAD", env=env)
    assert sorted(changed_lines(log)) == sorted(expected)
    first = git(repo, "log", "-p", "--format=", "HEAD~1", "-1", env=env)     # the workbook added
    assert "+Inputs!V7 18830" in first and f"+Calculations!V23 {V23_BEFORE}" in first


def test_a_libreoffice_round_trip_of_an_unchanged_workbook_shows_no_cell_changes(lo, repo):
    """LibreOffice rewrites strings, formulas, number text and turns chart sheets into
    sheets with a chart: none of it is a change of meaning."""
    book = repo / "workbooks" / "lenovo_isg.xlsx"
    before = book.read_bytes()
    os.replace(lo.save_as(book, repo / "saved.xlsx"), book)
    assert book.read_bytes() != before
    assert changed_lines(git(repo, "diff", env=git_env())) == []


def test_a_libreoffice_save_shows_the_chart_titles_it_unlinks(lo, repo):
    """Issue 19 item 6: LibreOffice keeps every chart's type and series but stores the two
    titles taken from a cell (Summary!A78, Sensitivity!A25) as fixed text, so they no longer
    follow the chosen quarter: the diff shows exactly those two lines change."""
    book = repo / "workbooks" / "lenovo_isg.xlsx"
    os.replace(lo.save_as(book, repo / "saved.xlsx"), book)
    charts = [ln for ln in changed_lines(git(repo, "diff", env=git_env()), charts=True)
              if ln[1:].startswith("chart ")]
    assert sorted(ln[:1] + ln[1:].split(" title ")[0] for ln in charts) == sorted(
        f"{sign}chart {where}" for sign in "+-"
        for where in ("Summary #1 barChart(col, stacked)+lineChart(stacked)",
                      "'Chart Sensitivity' #1 lineChart"))
    assert "-chart Summary #1 barChart(col, stacked)+lineChart(stacked) title '=Summary!A78'" in charts


def test_without_the_configuration_git_still_says_binary(repo):
    book = repo / "workbooks" / "lenovo_isg.xlsx"
    data = bytearray(book.read_bytes())
    book.write_bytes(bytes(data[:-1]) + bytes([data[-1] ^ 1]))
    git(repo, "config", "--unset", "diff.workbook.textconv")
    assert "Binary files" in git(repo, "diff", env=git_env())


@pytest.mark.parametrize("saved, shown", [
    ("=_xlfn.STDEV.S( A1:A3 )", "=STDEV.S(A1:A3)"),             # Excel's prefix, typed spaces
    ("='Data'!A1 + 'My Sheet'!B2", "=Data!A1+'My Sheet'!B2"),   # quotes only where needed
    ("='A1'!B2+'It''s'!C3", "='A1'!B2+'It''s'!C3"),             # a cell-like name, a quote in a name
    ('=IF(A1>0, "two  spaces", "")', '=IF(A1>0,"two  spaces","")'),  # text kept as typed
    ("=SUM(A1:B9 B2:C3)", "=SUM(A1:B9 B2:C3)"),                 # the intersection operator stays
])
def test_formula_text_is_compared_by_meaning(saved, shown):
    from model.textconv import formula
    assert formula(saved) == shown
