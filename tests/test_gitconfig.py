"""Issue 19 item 5: `config-git` wires a repository's git and pre-commit to this package by
absolute paths, so `git diff` and the hook work from a GUI client or a new terminal (no
python3 on the PATH) and in a team repository that has its own `model` package;
textconv never prints a traceback; the README's pre-commit snippet works as written."""

import os
import re
import shutil
import subprocess
import sys

import openpyxl
import pytest

from model.__main__ import main

from .conftest import ROOT

TEAM_MODEL = "raise SystemExit('the team repository own model package ran')\n"


def git(cwd, *args, env=None):
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, f"git {' '.join(args)}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def bare_env(tmp_path):
    """As a GUI client or a fresh terminal might run git: the system's PATH, whose first
    python3 is one without this package (here a stand-in that only fails), no PYTHONPATH,
    pre-commit's cache in the test's folder."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(shutil.which("git"), bindir / "git")
    for name in ("python3", "python"):
        (bindir / name).write_text("#!/bin/sh\necho 'the wrong python3 ran' >&2\nexit 1\n")
        (bindir / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GIT_DIR", "GIT_WORK_TREE")}
    env.update(PATH=os.pathsep.join([str(bindir), "/usr/bin", "/bin"]), PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               GIT_AUTHOR_NAME="Finance", GIT_AUTHOR_EMAIL="f@example.com",
               GIT_COMMITTER_NAME="Finance", GIT_COMMITTER_EMAIL="f@example.com")
    return env


@pytest.fixture
def team(tmp_path, default_book):
    """A team's repository with a `model` package of its own, the default workbook committed,
    then one figure changed and committed."""
    r = tmp_path / "team"
    (r / "model").mkdir(parents=True)
    (r / "model" / "__init__.py").write_text(TEAM_MODEL)
    (r / "model" / "__main__.py").write_text(TEAM_MODEL)
    git(r, "init", "-q")
    git(r, "config", "user.name", "Finance"), git(r, "config", "user.email", "f@example.com")
    (r / "workbooks").mkdir()
    book = r / "workbooks" / "lenovo_isg.xlsx"
    shutil.copy(default_book, book)
    git(r, "add", "-A")
    git(r, "commit", "-qm", "the model as built")
    wb = openpyxl.load_workbook(book)
    assert wb["Inputs"]["V7"].value == 18830            # FY2025/26 Q1 group revenue (the CSV)
    wb["Inputs"]["V7"] = 18900
    wb.save(book)
    git(r, "commit", "-qam", "group revenue corrected")
    return r


def test_config_git_makes_git_show_print_cells_whatever_python3_the_path_has(team, bare_env, capsys):
    """Item 5: git show through the configured textconv, with a wrong python3 first on the PATH and a
    `model` package of the team's own in the repository."""
    assert main(["config-git", str(team), "--no-pre-commit"]) == 0
    out = capsys.readouterr().out
    assert "diff.workbook.textconv" in out
    attrs = (team / ".gitattributes").read_text()
    assert "*.xlsx -text diff=workbook" in attrs and "*.xlsm -text diff=workbook" in attrs
    assert not (team / ".pre-commit-config.yaml").exists()
    shown = subprocess.run(["git", "show", "HEAD", "--", "workbooks/lenovo_isg.xlsx"], cwd=team,
                           env=bare_env, capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr
    assert "Traceback" not in shown.stderr and "team repository own model" not in shown.stderr
    assert "wrong python3" not in shown.stderr
    assert "-Inputs!V7 18830" in shown.stdout and "+Inputs!V7 18900" in shown.stdout
    assert main(["config-git", str(team), "--no-pre-commit"]) == 0       # twice: nothing doubled
    assert (team / ".gitattributes").read_text() == attrs


def test_a_file_textconv_cannot_read_is_one_line_in_git_show(team, bare_env):
    """Item 5: no traceback in git's output for a bad file, and git goes on."""
    assert main(["config-git", str(team), "--no-pre-commit"]) == 0
    (team / "workbooks" / "notes.xlsx").write_text("not a workbook\n")
    git(team, "add", "-A")
    git(team, "commit", "-qm", "junk")
    shown = subprocess.run(["git", "show", "HEAD"], cwd=team, env=bare_env, capture_output=True,
                           text=True, timeout=300)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
    assert "+! not shown as cells: not a zip archive" in shown.stdout


def test_textconv_turns_an_unforeseen_failure_into_one_line(default_book, monkeypatch, capsys):
    """Item 5: whatever fails inside textconv, git gets one line and exit 0, no traceback."""
    import model.textconv as tc

    def broken(path):
        raise KeyError("xl/worksheets/sheet9.xml")
    monkeypatch.setattr(tc, "lines", broken)
    assert main(["textconv", str(default_book)]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 1 and captured.out.startswith("! not shown as cells:")
    assert "KeyError" in captured.out and captured.err == ""


@pytest.mark.engine
def test_the_pre_commit_hook_config_git_writes_runs_whatever_python3_the_path_has(team, bare_env, capsys):
    """Item 5: config-git writes a `repo: local` hook whose entry runs this package by absolute
    path; pre-commit runs it (the PATH's python3 a wrong one) and the audit passes the workbook as
    built and fails a number typed over a formula."""
    assert main(["config-git", str(team)]) == 0
    cfg = (team / ".pre-commit-config.yaml").read_text()
    assert "repo: local" in cfg and "language: system" in cfg and "rev:" not in cfg
    git(team, "checkout", "-q", "HEAD~1", "--", "workbooks/lenovo_isg.xlsx")     # as built
    git(team, "add", "-A")
    run = [sys.executable, "-m", "pre_commit", "run", "--files", "workbooks/lenovo_isg.xlsx"]
    done = subprocess.run(run, cwd=team, env=bare_env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Passed" in done.stdout, done.stdout + done.stderr
    wb = openpyxl.load_workbook(team / "workbooks" / "lenovo_isg.xlsx")
    wb["Calculations"]["V23"] = -250
    wb.save(team / "workbooks" / "lenovo_isg.xlsx")
    done = subprocess.run(run, cwd=team, env=bare_env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "STRUCT-OVERTYPED" in done.stdout, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def readme_snippet() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("### pre-commit"):]
    block = re.search(r"\n((?:    .*\n)(?:    .*\n|\n)*)", section).group(1)
    return "\n".join(ln[4:] for ln in block.splitlines()).strip() + "\n"


@pytest.mark.engine
def test_the_readme_pre_commit_snippet_works_as_written(team, bare_env, tmp_path):
    """Item 5: the README's snippet (no rev: that does not exist, no package-index install)
    runs as written once the package is installed, i.e. `isg-model` is a command."""
    from model.gitconfig import command, shell
    snippet = readme_snippet()
    assert "rev:" not in snippet and "pip install" not in snippet, snippet
    (team / ".pre-commit-config.yaml").write_text(snippet)
    shim = tmp_path / "bin" / "isg-model"          # what `pip install .` puts on the PATH
    shim.write_text("#!/bin/sh\nexec " + shell(command()) + ' "$@"\n')
    shim.chmod(0o755)
    git(team, "checkout", "-q", "HEAD~1", "--", "workbooks/lenovo_isg.xlsx")
    git(team, "add", "-A")
    done = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--files", "workbooks/lenovo_isg.xlsx"],
                          cwd=team, env=bare_env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Passed" in done.stdout, done.stdout + done.stderr


def test_the_hooks_file_asks_for_no_package_index_install():
    """Item 5: .pre-commit-hooks.yaml no longer tells people to pip install a package no index has."""
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "pip install isg-margin-model" not in hooks
    assert "rev: v0.1.0" not in (ROOT / "README.md").read_text()      # no such tag
