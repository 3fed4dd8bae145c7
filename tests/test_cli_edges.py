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
    shutil.copytree(ROOT / "data", pkg / "model" / "data")      # as setup.py ships them
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


@pytest.mark.engine
def test_every_example_in_the_help_runs_as_printed(tmp_path):
    """Item 4: each example the help prints (top level, build, refresh, audit, diff,
    textconv, init) runs as printed, in order, in a folder with the installed package's layout
    and outside GitHub Actions ($GITHUB_STEP_SUMMARY unset): no traceback, exit 0 (1 only
    where the command says so: diff found differences)."""
    work, env = _installed_like(tmp_path)
    me = f"{shlex.quote(sys.executable)} -m model"
    ran = []
    for command in ([], ["init"], ["build"], ["refresh"], ["audit"], ["diff"], ["textconv"],
                    ["config-git"]):
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
    monkeypatch.setattr(bench, "machine", lambda: "")
    shown = subprocess.run([sys.executable, "-m", "model", "bench", "--help"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    for example in _examples(shown):
        argv = shlex.split(example.replace("python3 -m model bench", ""))
        argv = [a if a != "bench.json" else str(os.devnull) for a in argv]
        assert bench.run(argv) == 0, example


# --- item 9: the installed command in an empty folder --------------------------------------

def _no_traceback_one_error(err: str) -> None:
    assert "Traceback" not in err and err.startswith("error: "), err


def test_build_with_one_model_s_data_missing_writes_nothing_and_says_so(tmp_path, monkeypatch, capsys):
    """Item 9: every model's data is read before any workbook is written, so a build never
    says "no workbook was written" after writing some (it wrote two before)."""
    import model
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "lenovo_quarterly.csv", tmp_path / "data")
    monkeypatch.setattr(model, "ROOT", tmp_path)        # as installed: data/ and workbooks/ here
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    _no_traceback_one_error(err)
    assert "no workbook was written" in err and "peers_quarterly.csv" in err and "init" in err
    assert not list(tmp_path.glob("workbooks/*.xls*")), "a workbook was written"


def test_a_write_failing_after_some_workbooks_names_what_was_written(tmp_path, monkeypatch, capsys):
    """Item 9: a failure after writing some workbooks says which were written."""
    import model.build
    from model.writer import WriteError
    calls = []

    def fake_build(data, out, key):
        calls.append(out)
        if len(calls) == 2:
            raise WriteError(f"{out}: cannot write the workbook (disk full); the file on disk is unchanged")
        return out
    monkeypatch.setattr(model.build, "build", fake_build)
    assert main(["build", "--model", "lenovo_isg"]) == 2
    err = capsys.readouterr().err
    assert "1 workbook(s) were written before it" in err and str(calls[0]) in err
    assert "no workbook was written" not in err


def test_every_command_has_version(capsys):
    """Item 9: --version on every command."""
    import model
    import model.__main__ as cli
    for command in ([], ["init"], ["build"], ["refresh"], ["audit"], ["diff"], ["textconv"], ["bench"]):
        with pytest.raises(SystemExit) as done:
            cli.main([*command, "--version"])
        assert done.value.code == 0
        assert capsys.readouterr().out.strip().endswith(model.__version__), command


def test_bench_without_its_extra_is_one_line(monkeypatch, capsys):
    """Item 9: bench without the formulas engine: one line naming the install, exit 2."""
    monkeypatch.setitem(sys.modules, "formulas", None)      # as if not installed
    assert main(["bench", "--sizes", "20", "--repeats", "1"]) == 2
    err = capsys.readouterr().err
    _no_traceback_one_error(err)
    assert err.count("\n") == 1 and "pip install 'formulas>=1.2,<2'" in err


def test_init_refuses_to_write_over_data(tmp_path, capsys):
    """Item 9: init writes into a new folder, never over data files."""
    assert main(["init", str(tmp_path / "proj")]) == 0
    shipped = sorted(p.name for p in (ROOT / "data").glob("*.csv"))
    assert sorted(p.name for p in (tmp_path / "proj" / "data").iterdir()) == shipped
    for name in shipped:
        assert (tmp_path / "proj" / "data" / name).read_bytes() == (ROOT / "data" / name).read_bytes()
    (tmp_path / "proj" / "data" / shipped[0]).write_text("mine")
    capsys.readouterr()
    assert main(["init", str(tmp_path / "proj")]) == 2
    assert "exists" in capsys.readouterr().err
    assert (tmp_path / "proj" / "data" / shipped[0]).read_text() == "mine"


def test_the_installed_command_builds_in_a_folder_made_by_init(tmp_path):
    """Item 9: a wheel ships the data files; `isg-model init DIR` makes a folder where the
    installed `isg-model build` builds every workbook; `--version` works installed."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "setup.py", "MANIFEST.in"):
        shutil.copy(ROOT / name, src)
    shutil.copytree(ROOT / "model", src / "model", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", src / "data")
    subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "dist"), "-q"], cwd=src, check=True, capture_output=True)
    wheel, = (tmp_path / "dist").glob("isg_margin_model-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    exe = py.parent / "isg-model"
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    empty = tmp_path / "empty"
    empty.mkdir()

    def run(*args, cwd=empty):
        return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=300)
    done = run("build")                              # nothing here yet: one clear message
    assert done.returncode == 2 and "Traceback" not in done.stderr and "init" in done.stderr
    assert not (empty / "workbooks").exists() or not list((empty / "workbooks").iterdir())
    assert run("--version").stdout.strip() == f"isg-model {__import__('model').__version__}"
    done = run("init", "my-model")
    assert done.returncode == 0, done.stderr
    assert (empty / "my-model" / "README.md").read_text().count("isg-model build") >= 1
    done = run("build", cwd=empty / "my-model")
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (empty / "my-model" / "workbooks").glob("*.xls[xm]")} == \
        {"lenovo_isg.xlsx", "lenovo_isg.xlsm", "ai_server_peers.xlsx", "ai_value_chain.xlsx"}
