"""Issue 19, the command line at its edges: nothing to audit, a summary that cannot be
written, and every example the help prints, run as printed."""

import os
import shlex
import shutil
import subprocess
import sys

import pytest

from model.__main__ import main

from .conftest import ROOT


def _installed_like(tmp_path):
    """The package alone (as a wheel installs it, no pyproject.toml beside it) and a work
    folder with the data files, the workbooks and a git history of one commit."""
    pkg = tmp_path / "pkg"
    shutil.copytree(ROOT / "model", pkg / "model", ignore=shutil.ignore_patterns("__pycache__"))
    work = tmp_path / "work"
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copytree(ROOT / "workbooks", work / "workbooks", ignore=shutil.ignore_patterns(".*"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    subprocess.run(["git", "add", "."], cwd=work, check=True)
    subprocess.run(git + ["commit", "-qm", "start"], cwd=work, check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "PYTHONPATH")}
    env["PYTHONPATH"] = str(pkg)
    return work, env


def _examples(help_text: str) -> list[str]:
    lines = help_text.splitlines()
    start = lines.index("examples:") + 1
    return [ln.strip() for ln in lines[start:] if ln.startswith("  ")]


def test_audit_with_nothing_to_audit_exits_2_unless_allowed(tmp_path, monkeypatch, capsys):
    """Item 4: CI cannot go green auditing nothing."""
    import model.__main__ as cli
    monkeypatch.setattr(cli, "DEFAULT_WORKBOOK", tmp_path / "workbooks" / "lenovo_isg.xlsx")
    assert main(["audit"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no workbooks to audit" in err and "--allow-empty" in err
    junit = tmp_path / "audit.xml"
    assert main(["audit", "--allow-empty", "--junit", str(junit)]) == 0
    assert junit.read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize("where", ["a folder", "a missing folder", "the junit as a folder"])
def test_a_report_path_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, capsys, where):
    """Item 4: --summary (or --junit) to a folder or into a missing folder: one clear line,
    exit 2, before anything is audited (the workbook named does not even exist)."""
    args = {"a folder": ["--summary", str(tmp_path)],
            "a missing folder": ["--summary", str(tmp_path / "no" / "such" / "summary.md")],
            "the junit as a folder": ["--junit", str(tmp_path)]}[where]
    assert main(["audit", str(tmp_path / "absent.xlsx"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: --"), err
    assert ("is a folder" in err) if "folder" in where and "missing" not in where else ("does not exist" in err)
    assert "absent.xlsx" not in err      # refused before the audit looked at any workbook


def test_every_example_in_the_help_runs_as_printed(tmp_path):
    """Item 4: each example the help prints (top level, build, refresh, audit, diff,
    textconv) runs as printed, in order, in a folder with the installed package's layout
    and outside GitHub Actions ($GITHUB_STEP_SUMMARY unset): no traceback, exit 0 (1 only
    where the command says so: diff found differences)."""
    work, env = _installed_like(tmp_path)
    me = f"{shlex.quote(sys.executable)} -m model"
    ran = []
    for command in ([], ["build"], ["refresh"], ["audit"], ["diff"], ["textconv"]):
        shown = subprocess.run([sys.executable, "-m", "model", *command, "--help"], cwd=work, env=env,
                               capture_output=True, text=True, check=True).stdout
        for example in _examples(shown):
            assert example.startswith(("python3 -m model", "git ")), example
            line = example.replace("python3 -m model", me)
            done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=work, env=env,
                                  capture_output=True, text=True, timeout=600)
            ok = (0, 1) if " diff " in line and "git " not in line else (0,)
            assert done.returncode in ok, f"{example}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            assert "Traceback" not in done.stderr, f"{example}\n{done.stderr}"
            ran.append(example)
    assert len(ran) >= 10
    assert (work / "mine.xlsx").is_file() and (work / "audit.xml").is_file() and (work / "before.xlsx").is_file()


def test_the_bench_examples_parse(monkeypatch):
    """Item 4: bench's examples take minutes to run; their options are at least the bench's."""
    from model import bench
    seen = []
    monkeypatch.setattr(bench, "measure", lambda *a, **k: seen.append(a) or {})
    monkeypatch.setattr(bench, "table", lambda results: "")
    shown = subprocess.run([sys.executable, "-m", "model", "bench", "--help"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    for example in _examples(shown):
        argv = shlex.split(example.replace("python3 -m model bench", ""))
        argv = [a if a != "bench.json" else str(os.devnull) for a in argv]
        assert bench.run(argv) == 0, example
