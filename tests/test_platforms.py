"""Issue 19 item 7: Windows and macOS as well as Linux. LibreOffice is found through
$SOFFICE, the PATH and each system's default install paths, with that system's install
advice; locks go through filelock (never fcntl); the kept-alive engine is refused on
Windows with one line. These tests pretend to be each system, so they run on any."""

import ast
import sys
import threading

import filelock  # noqa: F401  (imported before a test hides fcntl, as on Windows)
import pytest

from model import libreoffice
from model.__main__ import main
from model.build import build
from model.libreoffice import EngineUnavailable, find_soffice, install_advice, soffice_candidates
from model.oslock import Busy, exclusive

from .conftest import DATA, ROOT

WIN = r"C:\Program Files\LibreOffice\program\soffice.exe"
MAC = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


def nothing_on_path(name):
    return None


@pytest.mark.parametrize("system, env, installed", [
    ("Windows", {"ProgramFiles": r"C:\Program Files"}, WIN),
    ("Windows", {"ProgramFiles": r"D:\Apps", "ProgramFiles(x86)": r"C:\Program Files (x86)"},
     r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
    ("Windows", {}, WIN),                               # no environment: the usual folder
    ("Darwin", {"HOME": "/Users/ana"}, MAC),
    ("Darwin", {"HOME": "/Users/ana"}, "/Users/ana/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    ("Linux", {}, "/usr/lib/libreoffice/program/soffice"),
    ("Linux", {}, "/opt/libreoffice/program/soffice"),
])
def test_libreoffice_is_found_where_each_system_installs_it(system, env, installed):
    """Not on the PATH (a GUI install on Windows or macOS never puts it there): found in the
    default install folder."""
    assert installed in soffice_candidates(system, env)
    assert find_soffice(system, env, which=nothing_on_path, is_file=lambda p: p == installed) == installed


@pytest.mark.parametrize("system", ["Windows", "Darwin", "Linux"])
def test_soffice_in_the_environment_comes_first(system):
    mine = r"E:\portable\LibreOffice\program\soffice.exe" if system == "Windows" else "/opt/lo7/soffice"
    env = {"SOFFICE": mine, "ProgramFiles": r"C:\Program Files", "HOME": "/Users/ana"}
    found = find_soffice(system, env, which=lambda n: "/usr/bin/soffice",
                         is_file=lambda p: p in (mine, WIN, MAC, "/usr/bin/soffice"))
    assert found == mine


def test_a_soffice_in_the_environment_that_is_not_a_file_is_one_line():
    with pytest.raises(EngineUnavailable) as err:
        find_soffice("Windows", {"SOFFICE": r"C:\nowhere\soffice.exe"}, which=nothing_on_path,
                     is_file=lambda p: False)
    assert "SOFFICE=C:\\nowhere\\soffice.exe is not a file" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("system, says, not_says", [
    ("Windows", "winget install TheDocumentFoundation.LibreOffice", "apt-get"),
    ("Darwin", "brew install --cask libreoffice", "apt-get"),
    ("Linux", "apt-get install libreoffice-calc-nogui python3-uno", "brew"),
])
def test_the_install_advice_is_the_system_s(system, says, not_says):
    with pytest.raises(EngineUnavailable) as err:
        find_soffice(system, {}, which=nothing_on_path, is_file=lambda p: False)
    message = str(err.value)
    assert says in message and not_says not in message and "SOFFICE" in message
    assert install_advice(system) in message
    bridge = libreoffice._bridge_advice(system)
    assert not_says not in bridge


def test_the_warm_engine_is_refused_on_windows_in_one_line(monkeypatch, capsys, tmp_path):
    """--warm needs process groups and signals: on Windows one line, exit 2, and no
    LibreOffice is started."""
    monkeypatch.setattr(libreoffice, "_system", lambda system=None: system or "Windows")
    started = []
    monkeypatch.setattr(libreoffice.LibreOffice, "__init__", lambda *a, **k: started.append(a))
    book = tmp_path / "model.xlsx"
    book.write_bytes(b"")
    assert main(["audit", "--warm", str(book)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--warm" in err and "Windows" in err
    assert not started
    with pytest.raises(EngineUnavailable):
        libreoffice.KeptLibreOffice()
    assert libreoffice.stop_kept() is False


def test_no_module_imports_fcntl():
    """The locks are filelock's, which works on Windows too (fcntl does not exist there)."""
    for py in (ROOT / "model").rglob("*.py"):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "fcntl" not in names, py


def test_the_lock_is_exclusive_and_waits(tmp_path):
    path = tmp_path / "x.lock"
    held, release = threading.Event(), threading.Event()

    def holder():
        with exclusive(path, 5):
            held.set()
            release.wait(10)
    t = threading.Thread(target=holder)
    t.start()
    held.wait(10)
    try:
        with pytest.raises(Busy):
            with exclusive(path, 0.2):
                pass
    finally:
        release.set()
        t.join()
    with exclusive(path, 5):            # free again
        pass


def test_a_second_refresh_is_refused_where_fcntl_does_not_exist(tmp_path, monkeypatch):
    """As on Windows (no fcntl): the refresh lock is still taken, so a second refresh of
    the same workbook waits and then refuses instead of running alongside."""
    from model.refresh import BACKUP_DIR, RefreshRefused, refresh
    book = build(DATA, tmp_path / "model.xlsx")
    before = book.read_bytes()
    monkeypatch.setitem(sys.modules, "fcntl", None)          # `import fcntl` fails
    (tmp_path / BACKUP_DIR).mkdir()
    lock = tmp_path / BACKUP_DIR / f".{book.name}.refresh-lock"
    held, release = threading.Event(), threading.Event()

    def first_refresh():
        with exclusive(lock, 5):
            held.set()
            release.wait(30)
    t = threading.Thread(target=first_refresh)
    t.start()
    held.wait(10)
    try:
        with pytest.raises(RefreshRefused, match="another refresh"):
            refresh(book, DATA, wait=0.3)
    finally:
        release.set()
        t.join()
    assert book.read_bytes() == before
