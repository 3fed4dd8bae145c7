"""The audit never crashes: random mutations of cells, labels, codes, sheets, names and
parts of the package end in findings or a one-line reason, exit 0, 1 or 2, never a
traceback, and the JUnit report is always written.

The run is derandomized (the same examples every time) and kept to FUZZ_EXAMPLES
examples (default 40, about 40 s with LibreOffice shared)."""
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils.exceptions import IllegalCharacterError
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.audit import audit_files, junit, report
from model.build import build
from model.rules import exit_code

from .conftest import DATA, ROOT

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
SHEETS = ("Cover", "Inputs", "Assumptions", "Calculations", "Sensitivity", "Checks", "Sources")
VALUES = st.one_of(
    st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12), st.booleans(), st.just(datetime(2025, 6, 30)),
    st.sampled_from(["=#REF!", "=1/0", "=A1", "=F9+1", "=Calculations!F9*2", "=SUM(F7:F9)",
                     "=OFFSET(A1,0,0)", "=Z99", '=""', "=NA()", "=Inputs!F7", "Code", "Sources",
                     "FY2025/26 Q1", "FY2030/31 Q4", "Base", "Quarter shown", "Margin \\ intensity"]))


def _cell(draw):
    return draw(st.sampled_from(SHEETS)), draw(st.integers(1, 45)), draw(st.integers(1, 30))


@st.composite
def mutations(draw):
    """A list of edits: ('cell'|'label'|'code'|'rows'|'cols'|'rename'|'delete'|'name'|'part', ...)."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cell", "cell", "label", "code", "rows", "cols", "rename",
                                     "delete", "name", "part"]))
        if kind == "cell":
            out.append(("cell", *_cell(draw), draw(VALUES)))
        elif kind in ("label", "code"):
            sheet = draw(st.sampled_from(SHEETS))
            out.append(("cell", sheet, draw(st.integers(1, 45)), 1 if kind == "label" else 3,
                        draw(st.sampled_from(["", "x", "group_gross_profit", "Code", "Line item"]))))
        elif kind in ("rows", "cols"):
            out.append((kind, draw(st.sampled_from(SHEETS)), draw(st.integers(1, 40)),
                        draw(st.booleans())))
        elif kind in ("rename", "delete"):
            out.append((kind, draw(st.sampled_from(SHEETS + ("Chart AI",))),
                        draw(st.sampled_from(["Scratch", "inputs", "Calculations "]))))
        elif kind == "name":
            out.append(("name", draw(st.sampled_from(["Periods", "CSP_OperatingProfit", "Group_Revenue"])),
                        draw(st.sampled_from([None, "Calculations!$A$1", "#REF!", "Nowhere!$F$9:$Y$9"]))))
        else:
            out.append(("part", draw(st.integers(0, 60)),
                        draw(st.sampled_from(["delete", "garbage", "truncate", "empty"]))))
    return out


def _apply(src, dst, edits):
    wb = openpyxl.load_workbook(src)
    parts = []
    for e in edits:
        kind = e[0]
        try:
            if kind == "cell":
                _, sheet, r, c, v = e
                if sheet in wb.sheetnames:
                    wb[sheet].cell(r, c).value = v
            elif kind == "rows" and e[1] in wb.sheetnames:
                (wb[e[1]].insert_rows if e[3] else wb[e[1]].delete_rows)(e[2])
            elif kind == "cols" and e[1] in wb.sheetnames:
                (wb[e[1]].insert_cols if e[3] else wb[e[1]].delete_cols)(e[2])
            elif kind == "rename" and e[1] in wb.sheetnames and e[2] not in wb.sheetnames:
                wb[e[1]].title = e[2]
            elif kind == "delete" and e[1] in wb.sheetnames and len(wb.sheetnames) > 1:
                del wb[e[1]]
            elif kind == "name":
                if e[2] is None:
                    wb.defined_names.pop(e[1], None)
                elif e[1] in wb.defined_names:
                    wb.defined_names[e[1]].attr_text = e[2]
            elif kind == "part":
                parts.append(e[1:])
        except (ValueError, KeyError, TypeError, IllegalCharacterError):
            pass        # an edit openpyxl itself refuses (e.g. an illegal character) is no edit
    wb.save(dst)
    if parts:
        tmp = dst.with_suffix(".tmp.xlsx")
        with zipfile.ZipFile(dst) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            infos = zin.infolist()
            hit = {infos[i % len(infos)].filename: how for i, how in parts}
            for info in infos:
                data = zin.read(info)
                how = hit.get(info.filename)
                if how == "delete":
                    continue
                if how == "garbage":
                    data = b"\x00garbage<<>>" + data[::7]
                elif how == "truncate":
                    data = data[: len(data) // 2]
                elif how == "empty":
                    data = b""
                zout.writestr(info, data)
        tmp.replace(dst)
    return dst


def _assert_clean_outcome(results, path, tmp_path):
    fs = results[str(path)]
    assert exit_code(results) in (0, 1, 2)
    text = report(results) + report(results, as_json=True)
    assert "Traceback" not in text
    for f in fs:
        assert "\n" not in f.message
        assert "failed unexpectedly" not in f.message, f.message   # every failure explained
    xml = tmp_path / "audit.xml"
    xml.write_bytes(junit(results))
    assert ElementTree.parse(xml).getroot().find("testsuite") is not None


def test_random_mutations_never_crash_the_audit_and_reach_every_outcome(lo, fuzz_base, tmp_path_factory):
    """Every mutant gets a clean outcome; and the fuzzer really ran its examples, which were
    not all refused as unreadable: most mutants are audited (its own tally, so it does not
    depend on another test having run first)."""
    from collections import Counter
    runs = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(edits=mutations())
    def one(edits):
        tmp = tmp_path_factory.mktemp("mutant")
        path = _apply(fuzz_base, tmp / "mutant.xlsx", edits)
        results = audit_files([path], lo)
        runs.append(exit_code(results))
        _assert_clean_outcome(results, path, tmp)

    one()
    print(f"\nfuzzer: {len(runs)} runs, exit codes {dict(Counter(runs))}")
    assert len(runs) >= EXAMPLES
    assert {1, 2} <= set(runs)


@pytest.mark.engine
def test_the_command_line_keeps_going_and_writes_junit_whatever_the_files(fuzz_base, tmp_path):
    """One unreadable file, one damaged model and one good workbook in one run: exit 2, a
    one-line reason for each file that cannot be audited, the others audited, JUnit written,
    no traceback."""
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 truncated")
    broken = _apply(fuzz_base, tmp_path / "broken.xlsx", [("delete", "Calculations", ""),
                                                          ("cell", "Checks", 5, 1, "Master")])
    good = shutil.copy(fuzz_base, tmp_path / "good.xlsx")
    xml = tmp_path / "audit.xml"
    run = subprocess.run([sys.executable, "-m", "model", "audit", str(junk), str(broken), str(good),
                          "--junit", str(xml)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    err = [ln for ln in run.stderr.splitlines() if ln.startswith("error:")]
    assert len(err) == 2 and "junk.xlsx" in err[0] and "broken.xlsx" in err[1]
    assert f"{good}: clean" in run.stdout
    suites = {s.get("name"): s for s in ElementTree.parse(xml).getroot().iter("testsuite")}
    assert set(suites) == {str(junk), str(broken), str(good)}
    assert suites[str(good)].get("failures") == "0"



@pytest.fixture(scope="module")
def fuzz_base(tmp_path_factory):
    return build(DATA, tmp_path_factory.mktemp("fuzz") / "model.xlsx")


@pytest.mark.engine
def test_a_reader_that_goes_away_is_no_traceback(fuzz_base, tmp_path):
    """`audit ... | head -1`: the pipe closes before the report is written; the audit still
    writes its JUnit report and exits with its own code, without a traceback."""
    bad = _apply(fuzz_base, tmp_path / "bad.xlsx", [("cell", "Calculations", 23, 22, -250)])
    xml = tmp_path / "audit.xml"
    p = subprocess.Popen([sys.executable, "-m", "model", "audit", str(bad), "--junit", str(xml)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 1
    assert "Traceback" not in err and "Error" not in err, err
    assert ElementTree.parse(xml).getroot().find("testsuite") is not None
