"""The command line as people meet it: examples at the end of every --help, the
Markdown summary for CI job pages, progress on a terminal and silence in a pipe."""

import io
import shutil
import sys

import openpyxl
import pytest

from model.__main__ import main
from model.rules import Finding
from model.summary import markdown

COMMANDS = ["build", "refresh", "audit", "diff", "textconv", "bench"]


def help_text(argv, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [None] + COMMANDS)
def test_every_help_ends_with_examples(command, capsys):
    out = help_text(([command] if command else []) + ["--help"], capsys)
    tail = out.rstrip("\n").splitlines()
    start = max(i for i, ln in enumerate(tail) if ln == "examples:")
    examples = tail[start + 1:]
    assert 1 <= len(examples) <= 2, out
    assert all(ln.startswith("  ") and ("python3 -m model" in ln or ln.strip().startswith("git "))
               for ln in examples), examples


def test_the_installed_command_names_itself_in_help(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/isg-model", "audit", "--help"])
    out = help_text(["audit", "--help"], capsys)
    assert out.startswith("usage: isg-model audit")
    assert "  isg-model audit workbooks/lenovo_isg.xlsx" in out


# --- Markdown summary -------------------------------------------------------------------

@pytest.fixture(scope="module")
def faulted(default_book, tmp_path_factory):
    book = shutil.copy(default_book, tmp_path_factory.mktemp("faulted") / "faulted.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["Calculations"]["V23"] = -250          # number over CSP operating profit's formula
    wb["Calculations"]["A23"] = "CSP profit"  # a label changed: a warning
    wb.save(book)
    return book


@pytest.mark.engine
def test_the_markdown_summary_of_a_faulted_workbook(faulted, default_book, tmp_path, capsys):
    summary = tmp_path / "summary.md"
    summary.write_text("# CI run\n")          # a job summary file is appended to, not replaced
    rc = main(["audit", str(default_book), str(faulted), "--format", "markdown", "--summary", str(summary)])
    assert rc == 1
    out = capsys.readouterr().out
    assert summary.read_text() == "# CI run\n" + out
    lines = out.splitlines()
    assert lines[0] == "### ❌ Workbook audit: 1 of 2 workbook(s) with errors"
    assert f"| `{default_book}` | ✅ clean | 0 | 0 |" in lines
    assert any(ln.startswith(f"| `{faulted}` | ❌ errors | ") and ln.endswith(" | 1 |") for ln in lines)
    rows = [ln for ln in lines if ln.startswith(f"| `{faulted}` | ")][1:]     # the findings table
    assert any("| error | `STRUCT-OVERTYPED` | `Calculations!V23` |" in ln for ln in rows)
    assert any("| warning | `STRUCT-LABEL` | `Calculations!A23` |" in ln for ln in rows)
    assert rows[-1].split(" | ")[1] == "warning"        # errors first
    assert all(ln.count(" | ") == 4 for ln in rows)      # one table cell per column


def test_markdown_escapes_pipes_keeps_one_line_a_row_and_is_short():
    fs = [Finding("STRUCT-LABEL", "warning", "Calculations", "A1", "was 'a|b'\nnow 'c'")]
    fs += [Finding("STRUCT-OVERTYPED", "error", "Calculations", f"V{i}", "a number") for i in range(60)]
    md = markdown({"book.xlsx": fs}, {"junk.xlsx": "junk.xlsx: not a zip archive"}, limit=50)
    lines = md.splitlines()
    assert lines[0] == "### ❌ Workbook audit: 1 of 2 workbook(s) could not be audited; 1 with errors"
    assert "| `junk.xlsx` | ❌ cannot be audited: junk.xlsx: not a zip archive | - | - |" in lines
    rows = [ln for ln in lines if ln.startswith("| `book.xlsx` | error")]
    assert len(rows) == 50
    assert lines[-1] == "... and 11 more finding(s): see the job log or the JUnit report."
    assert not any("was 'a" in ln for ln in lines)      # the warning is past the limit...
    md = markdown({"book.xlsx": fs[:1]})
    assert "| warning | `STRUCT-LABEL` | `Calculations!A1` | was 'a\\|b' now 'c' |" in md


def test_a_clean_run_says_so():
    assert markdown({"a.xlsx": []}).splitlines()[0] == "### ✅ Workbook audit: 1 workbook(s) clean"


# --- progress ---------------------------------------------------------------------------

class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.engine
def test_an_audit_of_several_files_shows_progress_on_a_terminal_only(default_book, tmp_path, monkeypatch,
                                                                     capsys):
    books = [str(shutil.copy(default_book, tmp_path / f"copy{i}.xlsx")) for i in (1, 2)]
    assert main(["audit", *books]) == 0                 # captured: not a terminal
    assert capsys.readouterr().err == ""
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["audit", *books]) == 0
    shown = term.getvalue()
    assert f"[1/2] auditing {books[0]}" in shown and f"[2/2] auditing {books[1]}" in shown
    assert shown.endswith("\r")                         # the line is cleared at the end


def test_paths_under_the_current_folder_are_shown_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    md = markdown({str(tmp_path / "workbooks" / "a.xlsx"): []})
    assert "| `workbooks/a.xlsx` | ✅ clean | 0 | 0 |" in md


def test_a_file_the_audit_could_not_read_reported_as_a_finding_is_shown_as_such():
    fs = [Finding("UNREADABLE", "fatal", "", "", "junk.xlsx: not a zip archive")]
    md = markdown({"junk.xlsx": fs, "ok.xlsx": []})
    assert md.splitlines()[0] == "### ❌ Workbook audit: 1 of 2 workbook(s) could not be audited"
    assert "| `junk.xlsx` | ❌ cannot be audited: junk.xlsx: not a zip archive | - | - |" in md
