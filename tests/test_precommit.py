"""The pre-commit hook (.pre-commit-hooks.yaml), run as a team would with
`pre-commit try-repo`: a clean workbook passes, a faulted one fails naming its cell.
Nothing is downloaded: the hook runs this repository's code with the python3 on PATH."""

import os
import shutil
import subprocess
import sys

import openpyxl
import pytest

from .conftest import ROOT

HOOK_FILES = ("model", "scripts", ".pre-commit-hooks.yaml", "pyproject.toml", "README.md")


def run(cmd, cwd, env):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def git(cwd, *args, env):
    done = run(["git", *args], cwd, env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    e = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GIT_DIR", "GIT_WORK_TREE")}
    e.update(PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")),
             GIT_AUTHOR_NAME="Finance", GIT_AUTHOR_EMAIL="finance@example.com",
             GIT_COMMITTER_NAME="Finance", GIT_COMMITTER_EMAIL="finance@example.com",
             PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    return e


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory, env):
    """This checkout's hook files as they stand, committed in a repository of their own
    (try-repo clones a git repository)."""
    repo = tmp_path_factory.mktemp("hooks")
    for name in HOOK_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, repo / name)
    git(repo, "init", "-q", env=env)
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-qm", "hooks", env=env)
    return repo


def try_repo(hooks_repo, book, tmp_path, env):
    team = tmp_path / "team"
    (team / "workbooks").mkdir(parents=True)
    git(team, "init", "-q", env=env)
    shutil.copy(book, team / "workbooks" / "lenovo_isg.xlsx")
    (team / "notes.txt").write_text("not a workbook: the hook leaves it alone\n")
    git(team, "add", "-A", env=env)                   # staged, as before a commit
    return run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repo), "workbook-audit"],
               team, env)


def test_the_hook_passes_a_clean_workbook(hooks_repo, default_book, tmp_path, env):
    done = try_repo(hooks_repo, default_book, tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_the_hook_fails_a_faulted_workbook_naming_the_cell(hooks_repo, default_book, tmp_path, env):
    faulted = shutil.copy(default_book, tmp_path / "faulted.xlsx")
    wb = openpyxl.load_workbook(faulted)
    wb["Calculations"]["V23"] = -250           # a number typed over CSP operating profit's formula
    wb.save(faulted)
    done = try_repo(hooks_repo, faulted, tmp_path, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    assert "STRUCT-OVERTYPED" in done.stdout and "Calculations!V23" in done.stdout
    assert "workbooks/lenovo_isg.xlsx" in done.stdout


@pytest.mark.engines
def test_the_hook_audits_with_the_fast_engine_unless_told_otherwise():
    import runpy

    from model.engines import FAST

    from .conftest import engine_or_skip
    engine_or_skip(FAST)
    hook = runpy.run_path(str(ROOT / "scripts" / "pre-commit-audit"), run_name="hook")
    assert hook["engine_args"](["workbooks/lenovo_isg.xlsx"]) == ["--engine", FAST]
    assert hook["engine_args"](["--engine", "libreoffice", "workbooks/lenovo_isg.xlsx"]) == []
