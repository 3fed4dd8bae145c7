"""Each command reads a workbook file once: every open of the file (builtins.open, io.open,
os.open, zipfile.ZipFile on the path, olefile) during a command is counted, and the
command must open each workbook it works on exactly once. What it needs afterwards (the
package check, the parsed sheets, the sheet list, the names, the custom properties, the
charts, the macros) comes from the one value read (model.core.workbook.Workbook).

LibreOffice (audit, diff with values) opens the file in its own process; that is the
engine's read, not the command's, and is not counted here."""
from __future__ import annotations

import builtins
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from model.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
LENOVO = ROOT / "workbooks" / "lenovo_isg.xlsx"
TWIN = ROOT / "workbooks" / "lenovo_isg.xlsm"
PEERS = ROOT / "workbooks" / "ai_server_peers.xlsx"


class Opens:
    """Counts opens of the files in ``watched`` while installed (monkeypatch)."""

    def __init__(self, monkeypatch, *watched: Path):
        self.watched = {Path(p).resolve(): 0 for p in watched}
        real_open, real_io_open, real_os_open = builtins.open, io.open, os.open
        real_zip_init = zipfile.ZipFile.__init__

        def note(f):
            if isinstance(f, (str, os.PathLike)):
                try:
                    p = Path(f).resolve()
                except (OSError, ValueError):
                    return
                if p in self.watched:
                    self.watched[p] += 1

        def open_(f, *a, **k):
            note(f)
            return real_open(f, *a, **k)

        def io_open(f, *a, **k):
            note(f)
            return real_io_open(f, *a, **k)

        def os_open(f, *a, **k):
            note(f)
            return real_os_open(f, *a, **k)

        def zip_init(self_, f, *a, **k):
            note(f)              # zipfile opens a path with io.open: counted once, not twice
            return real_zip_init(self_, f if not isinstance(f, (str, os.PathLike)) else f, *a, **k)

        monkeypatch.setattr(builtins, "open", open_)
        monkeypatch.setattr(io, "open", io_open)
        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(zipfile.ZipFile, "__init__", zip_init)

    def __getitem__(self, p) -> int:
        return self.watched[Path(p).resolve()]


def _copy(tmp_path, src: Path) -> Path:
    dst = tmp_path / src.name
    shutil.copyfile(src, dst)
    return dst


def test_the_counter_counts():
    """A plain open and a zipfile open of the watched file are each seen (the counter is not
    blind), and a file not watched is not counted."""
    mp = pytest.MonkeyPatch()
    try:
        n = Opens(mp, LENOVO)
        with open(LENOVO, "rb"):
            pass
        with zipfile.ZipFile(LENOVO):
            pass
        with open(PEERS, "rb"):
            pass
    finally:
        mp.undo()
    assert n[LENOVO] >= 2


@pytest.mark.parametrize("book", [LENOVO, PEERS], ids=["lenovo", "peers"])
def test_refresh_with_nothing_to_do_opens_the_workbook_once(tmp_path, monkeypatch, capsys, book):
    path = _copy(tmp_path, book)
    n = Opens(monkeypatch, path)
    assert main(["refresh", str(path)]) == 0
    assert "already up to date" in capsys.readouterr().out
    assert n[path] == 1


def test_refresh_that_writes_opens_the_workbook_once(tmp_path, monkeypatch, capsys):
    """A refresh that adds a quarter reads the file once (its backup is written from the
    bytes read, under the lock and the fingerprint check)."""
    path = _copy(tmp_path, LENOVO)
    data = tmp_path / "data.csv"
    text = (ROOT / "data" / "lenovo_quarterly.csv").read_text(encoding="utf-8")
    data.write_text(text + "2026/27,Q2,2026-09-30,Group,revenue,28000,usd_m,estimate,"
                    "A test figure,https://example.com/q2,\n", encoding="utf-8")
    n = Opens(monkeypatch, path)
    assert main(["refresh", str(path), "--data", str(data)]) == 0
    assert "FY2026/27 Q2" in capsys.readouterr().out           # the quarter after v3's latest
    reads = n[path]
    assert reads == 1, f"the workbook was opened {reads} times"


def test_textconv_opens_the_workbook_once(monkeypatch, capsys):
    n = Opens(monkeypatch, TWIN)
    assert main(["textconv", str(TWIN)]) == 0
    assert "sheet Cover" in capsys.readouterr().out
    assert n[TWIN] == 1


def test_diff_opens_each_workbook_once(tmp_path, monkeypatch, capsys):
    other = _copy(tmp_path, LENOVO)
    n = Opens(monkeypatch, LENOVO, other)
    assert main(["diff", str(LENOVO), str(other), "--no-values"]) == 0
    assert n[LENOVO] == 1 and n[other] == 1


@pytest.mark.parametrize("book", [TWIN, PEERS], ids=["lenovo-xlsm", "peers"])
def test_the_audit_without_the_engine_opens_the_workbook_once(monkeypatch, book):
    """The audit's own reading (package check, sheets, styles, cached values, charts, VBA)."""
    from model.audit import inspect
    n = Opens(monkeypatch, book)
    insp = inspect(book)
    assert insp.findings == []
    if insp.book.package.cached_values_trusted:
        insp.wb.book(data_only=True, styles=False)
    assert n[book] == 1


@pytest.mark.engine
def test_the_audit_opens_the_workbook_once(monkeypatch, capsys, lo):
    n = Opens(monkeypatch, TWIN)
    assert main(["audit", str(TWIN)]) == 0
    assert n[TWIN] == 1
