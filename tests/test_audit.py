"""The audit: a clean workbook is clean; seeded faults, made as people make them in
openpyxl (as Excel would save them) or in LibreOffice Calc, are caught at their cell."""

import json
import re
import shutil
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.styles import PatternFill, Protection

from model.__main__ import main
from model.audit import audit
from model.build import build
from model.rules import RULES

from .excel_like import save_like_excel
from .conftest import DATA


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return build(DATA, tmp_path_factory.mktemp("clean") / "model.xlsx")


@pytest.fixture
def book(clean, tmp_path):
    return shutil.copy(clean, tmp_path / "model.xlsx")


def rules(findings):
    return {(f.rule, f.where) for f in findings}


def test_a_clean_workbook_has_no_findings(lo, clean):
    assert audit(clean, lo) == []


def test_a_clean_workbook_saved_by_libreoffice_has_no_findings(lo, clean, tmp_path):
    """LibreOffice rewrites formulas, formats and styles, and its cached values are
    compared too (it computed them): still nothing to report."""
    saved = lo.save_as(clean, tmp_path / "lo.xlsx")
    assert [str(f) for f in audit(saved, lo)] == []


def edit(book, fn):
    wb = openpyxl.load_workbook(book)
    fn(wb)
    return save_like_excel(wb, book)


def put(sheet, cell, value):
    return lambda wb: wb[sheet].__setitem__(cell, value)


def _swap_quarters(wb):
    ws = wb["Inputs"]
    ws["U4"], ws["V4"] = ws["V4"].value, ws["U4"].value


def _styled(sheet, cell, **kw):
    def fn(wb):
        c = wb[sheet][cell]
        if "locked" in kw:
            c.protection = Protection(locked=kw["locked"])
        if "fill" in kw:
            c.fill = PatternFill(fill_type=None)
        if "number_format" in kw:
            c.number_format = kw["number_format"]
    return fn


def _unprotect(wb):
    wb["Calculations"].protection.sheet = False


def _iterate(wb):
    wb.calculation.iterate = True


def _hide(state):
    def fn(wb):
        wb["Sources"].sheet_state = state
    return fn


def _repoint_name(wb):
    wb.defined_names["CSP_OperatingProfit"].attr_text = "Calculations!$F$22:$V$22"


# Each fault as a person would make it, and the (rule, cell) the audit must report.
OPENPYXL_FAULTS = {
    "number typed over a formula": (put("Calculations", "V23", -250), ("STRUCT-OVERTYPED", "Calculations!V23")),
    "formula breaks its row": (put("Calculations", "V23", "=V16-V22*2"), ("STRUCT-FORMULA", "Calculations!V23")),
    "number typed in a formula": (put("Calculations", "V23", "=V16-V22-100"),
                                  ("LINT-HARDCODED-NUMBER", "Calculations!V23")),
    "reference to the prior period": (put("Calculations", "V23", "=U16-U22"), ("STRUCT-FORMULA", "Calculations!V23")),
    "check overtyped with 0": (put("Checks", "E10", 0), ("STRUCT-OVERTYPED", "Checks!E10")),
    "error value": (put("Calculations", "V23", "=1/0"), ("ERROR-VALUE", "Calculations!V23")),
    "sheet added": (lambda wb: wb.create_sheet("Scratch"), ("STRUCT-SHEET-ADDED", "Scratch")),
    "stray number": (put("Calculations", "AC40", 5), ("STRUCT-UNEXPECTED", "Calculations!AC40")),
    "text in a figure": (put("Inputs", "V7", "n/a"), ("INPUT-NOT-NUMBER", "Inputs!V7")),
    "name deleted": (lambda wb: wb.defined_names.pop("CSP_OperatingProfit"), ("NAME-MISSING", "")),
    "name repointed": (_repoint_name, ("NAME-BROKEN", "")),
    "volatile function": (put("Cover", "D30", "=OFFSET(Calculations!V23,0,0)"), ("LINT-VOLATILE", "Cover!D30")),
    "a form engines compute differently": (put("Cover", "D30", '=SUMPRODUCT(--ISTEXT(Inputs!F7:Y20))'),
                                           ("LINT-NONPORTABLE", "Cover!D30")),
    "hidden sheet": (_hide("hidden"), ("LINT-HIDDEN-SHEET", "Sources")),
    "very hidden sheet": (_hide("veryHidden"), ("LINT-HIDDEN-SHEET", "Sources")),
    "iterative calculation on": (_iterate, ("LINT-ITERATIVE-CALC", "")),
    "input cell locked": (_styled("Inputs", "V7", locked=True), ("LINT-INPUT-LOCKED", "Inputs!V7")),
    "input cell unstyled": (_styled("Assumptions", "E7", fill=None), ("LINT-INPUT-UNSTYLED", "Assumptions!E7")),
    "calculations unprotected": (_unprotect, ("LINT-UNPROTECTED", "Calculations")),
    "negative revenue": (put("Inputs", "V14", -4290), ("INPUT-NEGATIVE-REVENUE", "Inputs!V14")),
    "margin typed as a whole number": (put("Assumptions", "V14", 17.2), ("INPUT-MARGIN-RANGE", "Assumptions!V14")),
    "estimate shown as reported": (_styled("Inputs", "V18", number_format="#,##0.0_);(#,##0.0)"),
                                   ("INPUT-BASIS-HIDDEN", "Inputs!V18")),
    "quarters out of order": (_swap_quarters, ("INPUT-QUARTER-ORDER", "Inputs!V4")),
    "quarter's column deleted": (lambda wb: wb["Inputs"].delete_cols(21), ("INPUT-QUARTER-GAP", "Inputs!U4")),
}


@pytest.mark.parametrize("name", OPENPYXL_FAULTS)
def test_a_fault_made_in_openpyxl_is_caught_at_its_cell(lo, book, name):
    fault, expected = OPENPYXL_FAULTS[name]
    found = rules(audit(edit(book, fault), lo))
    assert expected in found, sorted(found)


def _in_calc(sheet, cell, formula=None, value=None):
    """An edit typed in LibreOffice Calc; '{other}' in a formula is another workbook's path."""
    def fn(doc, other):
        c = doc.Sheets.getByName(sheet).getCellRangeByName(cell)
        if formula is not None:
            c.setFormula(formula.format(other=other))
        else:
            c.setValue(value)
    return fn


LIBREOFFICE_FAULTS = {
    "number typed over a formula in Calc": (_in_calc("Calculations", "V23", value=-300),
                                            ("STRUCT-OVERTYPED", "Calculations!V23")),
    "circular reference typed in Calc": (_in_calc("Calculations", "V23", formula="=V21-V23"),
                                         ("CIRCULAR-REFERENCE", "Calculations!V23")),
    "link to another workbook made in Calc": (_in_calc("Cover", "D30", formula="='file://{other}'#$Inputs.V7"),
                                              ("LINT-EXTERNAL-LINK", "Cover!D30")),
}


@pytest.mark.parametrize("name", LIBREOFFICE_FAULTS)
def test_a_fault_made_in_libreoffice_is_caught_at_its_cell(lo, book, tmp_path, name):
    fault, expected = LIBREOFFICE_FAULTS[name]
    other = shutil.copy(book, tmp_path / "other.xlsx")
    saved = lo.save_as(book, tmp_path / "calc.xlsx", edit=lambda doc: fault(doc, other))
    found = rules(audit(saved, lo))
    assert expected in found, sorted(found)


def test_the_catalogue_has_at_least_15_faults_and_covers_most_rules():
    faults = {**OPENPYXL_FAULTS, **LIBREOFFICE_FAULTS}
    covered = {rule for _, (rule, _) in faults.values()}
    assert len(faults) >= 15
    untested_here = set(RULES) - covered
    # STRUCT-LABEL, STRUCT-SHEET-MISSING, VBA-UNEXPECTED, RECOMPUTE-MISMATCH and CACHED-STALE
    # have their own tests (below and in test_button.py)
    assert untested_here <= {"STRUCT-LABEL", "STRUCT-SHEET-MISSING", "VBA-UNEXPECTED",
                             "RECOMPUTE-MISMATCH", "CACHED-STALE", "UNAUDITABLE", "CHECK-FAILED",
                             "RECOMPUTE-UNCOVERED", "CHART-SERIES", "LINT-HIDDEN-ROWCOL",
                             "INPUT-OUT-OF-RANGE", "INPUT-SOURCE-DIFFERS",   # in test_catalogue.py
                             "INPUT-SOURCE-SCALE", "INPUT-SOURCE-SIGN",     # and test_input_slips.py
                             "STRUCT-OLD-RELEASE"}                           # test_plain_save.py


def test_a_changed_label_and_a_deleted_chart_sheet_are_reported(lo, book):
    def fn(wb):
        wb["Calculations"]["A23"] = "CSP profit"
        del wb["Chart AI"]
    found = rules(audit(edit(book, fn), lo))
    assert {("STRUCT-LABEL", "Calculations!A23"), ("STRUCT-SHEET-MISSING", "Chart AI")} <= found


def test_a_person_changing_an_assumption_is_not_a_finding(lo, book):
    """Inputs are the person's: the recompute follows them, so a changed intensity is clean."""
    assert audit(edit(book, put("Assumptions", "E7", 2.0)), lo) == []


def _as_if_saved_by_excel(src, dst, sheet_part_of, cell, value):
    """Copy ``src`` with one cached value changed and docProps saying Excel saved it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == sheet_part_of:
                data, n = re.subn(rf'(<c r="{cell}"[^>]*>(?:<f[^<]*</f>|<f[^>]*/>)?<v>)[^<]*(</v>)'.encode(),
                                  rb"\g<1>" + str(value).encode() + rb"\g<2>", data)
                assert n == 1
            if info.filename == "docProps/app.xml":
                data = re.sub(rb"<Application>[^<]*</Application>",
                              b"<Application>Microsoft Excel</Application>", data)
            zout.writestr(info, data)
    return dst


def _part_of(path, sheet):
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return wb[sheet]._worksheet_path
    finally:
        wb.close()


def test_a_stale_cached_value_is_caught_although_the_formula_is_right(lo, clean, tmp_path):
    """What Excel showed when the file was saved is compared too; LibreOffice's fresh
    recalculation of the same file is right, so only the cache is reported."""
    saved = lo.save_as(clean, tmp_path / "lo.xlsx")
    stale = _as_if_saved_by_excel(saved, tmp_path / "stale.xlsx", _part_of(saved, "Calculations"), "V23", 999)
    findings = audit(stale, lo)
    assert [(f.rule, f.where) for f in findings] == [("CACHED-STALE", "Calculations!V23")]
    assert "Microsoft Excel showed 999" in findings[0].message


@pytest.mark.engine
def test_exit_codes_json_and_junit(clean, tmp_path, capsys):
    book = shutil.copy(clean, tmp_path / "model.xlsx")
    assert main(["audit", str(book)]) == 0
    capsys.readouterr()
    edit(book, put("Calculations", "V23", -250))
    report = tmp_path / "audit.xml"
    assert main(["audit", str(book), "--json", "--junit", str(report)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert {(f["rule"], f["cell"]) for f in out[str(book)]} >= {("STRUCT-OVERTYPED", "V23")}
    root = ElementTree.parse(report).getroot()
    suite = root.find("testsuite")
    assert suite.get("tests") == str(len(RULES))
    failures = {f.get("type"): f.text for f in root.iter("failure")}
    assert "Calculations!V23" in failures["STRUCT-OVERTYPED"]


def test_an_unreadable_file_is_a_junit_error_and_exit_2(tmp_path, capsys):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    report = tmp_path / "audit.xml"
    assert main(["audit", str(junk), "--junit", str(report)]) == 2
    assert "junk.xlsx: not a zip archive" in capsys.readouterr().err
    assert ElementTree.parse(report).getroot().find("testsuite/testcase/error") is not None



def _delete_calc_row(wb):
    wb["Calculations"].delete_rows(12)      # the ex-CSP margin row


# Edits that once ended in a traceback: each is now reported at its cell.
ONCE_CRASHED = {
    "master check label changed": (put("Checks", "A5", "Master"), ("STRUCT-LABEL", "Checks!A5")),
    "sensitivity lookup label changed": (put("Sensitivity", "A7", "GP"), ("STRUCT-LABEL", "Sensitivity!A7")),
    "calculation code changed": (put("Calculations", "C8", "xx"), ("STRUCT-LABEL", "Calculations!C8")),
    "calculation row deleted": (_delete_calc_row, ("STRUCT-LABEL", "Calculations!C12")),
}


@pytest.mark.parametrize("name", ONCE_CRASHED)
def test_edits_that_once_crashed_the_audit_are_findings(lo, book, name):
    fault, expected = ONCE_CRASHED[name]
    found = rules(audit(edit(book, fault), lo))
    assert expected in found, sorted(found)


def test_a_quarter_typed_beyond_the_timeline_is_not_a_mismatch(lo, book):
    """CSP revenue typed in a new quarter: the workbook's checks cover the model's timeline,
    and so does the recompute (once it flagged 'ex-CSP margin not set' there)."""
    def fn(wb):
        ws = wb["Inputs"]
        c = ws.max_column + 1
        ws.cell(4, c, "FY2026/27 Q2")
        for r, v in ((7, 18000.0), (18, 2600.0), (14, 4500.0)):
            ws.cell(r, c, v)
    assert [str(f) for f in audit(edit(book, fn), lo)] == []


def test_clearing_the_only_figure_of_a_row_keeps_its_sources_link_quiet(lo, book):
    def fn(wb):
        ws = wb["Inputs"]
        r = next(r for r in range(6, 40) if ws.cell(r, 3).value == "ISG-ESMB.revenue")
        cells = [c for c in ws[r][5:] if c.value is not None]
        assert len(cells) == 1          # the data file has one enterprise/SMB figure
        cells[0].value = None
    assert [str(f) for f in audit(edit(book, fn), lo)] == []


@pytest.mark.engine
def test_an_inserted_row_is_a_line_per_row_and_json_keeps_whole_formulas(clean, tmp_path, capsys):
    """Once 288 lines with formulas cut at 60 characters and a stray quote: now one line per
    rule and row with a count, and --json has every finding with the whole formulas."""
    book = edit(shutil.copy(clean, tmp_path / "model.xlsx"), lambda wb: wb["Calculations"].insert_rows(9))
    assert main(["audit", str(book), "--json"]) == 1
    found = json.loads(capsys.readouterr().out)[str(book)]
    assert main(["audit", str(book)]) == 1
    lines = capsys.readouterr().out.splitlines()[1:]
    assert len(found) > 200 and len(lines) < len(found) / 5
    where = [re.match(r"\s+\w+\s+(\S+)\s+(\S+)", line).groups() for line in lines]
    with_cells = [(rule, re.sub(r"![A-Z]+", "!", w.split(":")[0])) for rule, w in where if "!" in w]
    assert len(with_cells) == len(set(with_cells))          # one line per rule and row
    assert all(len(line) <= 260 for line in lines)
    assert any("[20 cells like it]" in line for line in lines)
    wb = openpyxl.load_workbook(book)
    formulas = [f for f in found if f["rule"] == "STRUCT-FORMULA"]
    assert formulas
    for f in formulas:
        assert f["got"] == wb[f["sheet"]][f["cell"]].value          # whole, as saved
        assert f["expected"].startswith("=") and "…" not in f["expected"]
    assert max(len(f["got"]) for f in formulas) > 100
