"""pip install . works outside editable mode: a wheel built from the sources, installed
in a fresh venv, runs the console command from a folder that is not the checkout."""

import os
import shutil
import subprocess
import sys
import zipfile

import openpyxl

from .conftest import DATA, ROOT


def run(*cmd, cwd, env=None):
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))}\n{done.stdout}\n{done.stderr}"
    return done


def test_a_wheel_installs_the_isg_model_command_which_builds_both_workbooks(tmp_path):
    src = tmp_path / "src"          # a copy, so the build leaves nothing in the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src)
    shutil.copytree(ROOT / "model", src / "model", ignore=shutil.ignore_patterns("__pycache__"))
    # offline: the build backend is the one installed (the test extra brings setuptools, wheel)
    run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
        "-w", str(tmp_path / "dist"), "-q", cwd=src)
    wheel, = (tmp_path / "dist").glob("isg_margin_model-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    assert {"model/templates/cover.txt", "model/templates/xlwings_main.py",
            "model/templates/peers_cover.txt", "model/peers/spec.py", "model/peers/reference.py",
            "model/lenovo/spec.py", "model/lenovo/reference.py", "model/core/grid.py"} <= names
    assert any(n.startswith("model/releases/") and n.endswith(".json") for n in names)

    venv = tmp_path / "venv"        # dependencies come from the system site, not the network
    run(sys.executable, "-m", "venv", "--system-site-packages", str(venv), cwd=tmp_path)
    py, exe = venv / "bin" / "python", venv / "bin" / "isg-model"
    run(py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel), cwd=tmp_path)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = run(py, "-c", "import model; print(model.__file__)", cwd=work, env=env).stdout.strip()
    assert where.startswith(str(venv)), where      # the installed copy, not the checkout
    assert "isg-model" in run(exe, "--help", cwd=work, env=env).stdout
    out = run(exe, "build", "--data", str(DATA), "--out", "book.xlsx", cwd=work, env=env)
    assert "built" in out.stdout
    wb = openpyxl.load_workbook(work / "book.xlsx", read_only=True)
    try:
        title = wb["Cover"]["A1"].value                 # from the packaged templates/cover.txt
        revenue = wb["Inputs"]["V7"].value              # FY2025/26 Q1 group revenue, US$M
    finally:
        wb.close()
    assert title == "ISG margin model: CSP profitability from segment data"
    assert revenue == 18830
    # the installed refresh: unchanged data, unchanged bytes
    before = (work / "book.xlsx").read_bytes()
    run(exe, "refresh", "book.xlsx", "--data", str(DATA), cwd=work, env=env)
    assert (work / "book.xlsx").read_bytes() == before
    # the macro-enabled twin gets the Refresh handler from the packaged template
    run(exe, "build", "--data", str(DATA), "--out", "book.xlsm", cwd=work, env=env)
    assert (work / "book.py").read_text() == (ROOT / "model" / "templates" / "xlwings_main.py").read_text()
    # with the data files in data/ under the current folder, a plain build makes every
    # workbook: both Lenovo ones and the peers one (its Cover from the packaged template)
    shutil.copytree(ROOT / "data", work / "data")
    out = run(exe, "build", cwd=work, env=env).stdout
    books = {p.name for p in (work / "workbooks").glob("*.xls[xm]")}
    assert books == {"lenovo_isg.xlsx", "lenovo_isg.xlsm", "ai_server_peers.xlsx"}, out
    wb = openpyxl.load_workbook(work / "workbooks" / "ai_server_peers.xlsx", read_only=True)
    try:
        title = wb["Cover"]["A1"].value
        names = set(wb.defined_names)
    finally:
        wb.close()
    assert title.startswith("AI server peers")
    assert {"CalendarQuarters", "Dell_ISG_Revenue", "Lenovo_ISG_OperatingMargin"} <= names
    peers = work / "workbooks" / "ai_server_peers.xlsx"
    before = peers.read_bytes()
    run(exe, "refresh", str(peers), cwd=work, env=env)       # finds its model and its two files
    assert peers.read_bytes() == before
