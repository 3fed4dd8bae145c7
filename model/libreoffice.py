"""LibreOffice headless as the independent spreadsheet engine.

One soffice process is started with a private profile and kept alive; each
workbook is loaded over UNO, fully recalculated with ``calculateAll()`` (so the
values cached in the file are never trusted) and read back as plain values.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

_UNO_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
FORMULA_RESULT_ERROR = 4   # com.sun.star.sheet.FormulaResult.ERROR


class EngineUnavailable(RuntimeError):
    """LibreOffice or its Python bridge is not installed."""


def _import_uno():
    for p in _UNO_PATHS:
        if p not in sys.path and os.path.isdir(p):
            sys.path.append(p)
    try:
        import uno  # noqa: F401
        from com.sun.star.beans import PropertyValue  # noqa: F401
    except ImportError as exc:
        raise EngineUnavailable(
            "LibreOffice's Python bridge (uno) is missing: apt-get install "
            "libreoffice-calc-nogui python3-uno") from exc
    return sys.modules["uno"]


def soffice_path() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise EngineUnavailable("LibreOffice (soffice) is not installed: apt-get install "
                                "libreoffice-calc-nogui python3-uno")
    return exe


@dataclass
class SheetValues:
    """Recalculated values of one sheet: 0-based (row, col) -> value; errors apart."""
    values: dict[tuple[int, int], object]
    errors: dict[tuple[int, int], str]


def _props(uno, **kw):
    from com.sun.star.beans import PropertyValue
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


class LibreOffice:
    """A kept-alive headless LibreOffice. Use as a context manager.

    The process starts at once and the connection is made on first use, so the
    caller's own work (reading the workbook, imports) overlaps LibreOffice's start-up."""

    def __init__(self, start_timeout: float = 60.0, wait: bool = True):
        self.uno = _import_uno()
        self._timeout = start_timeout
        self._start()
        if wait:
            self._connect()

    def _start(self) -> None:
        self._profile = tempfile.mkdtemp(prefix="model-lo-")
        self._fresh = not _copy_profile(self._profile)
        self._pipe = f"model-{uuid.uuid4().hex[:12]}"
        self._desktop = None
        self._proc = subprocess.Popen(
            [soffice_path(), "--headless", "--invisible", "--nologo", "--norestore",
             "--nodefault", "--nolockcheck",
             f"-env:UserInstallation=file://{self._profile}",
             f"--accept=pipe,name={self._pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)

    def _connect(self):
        local = self.uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={self._pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise EngineUnavailable("LibreOffice did not start") from None
                time.sleep(0.02)
        self._desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        return self._desktop

    @property
    def desktop(self):
        return self._desktop or self._connect()

    def alive(self) -> bool:
        """The soffice process is still running (a file may have crashed it)."""
        return self._proc.poll() is None

    def restart_if_dead(self) -> bool:
        """Start a new soffice in place of one that died (on a file that crashed it);
        True when it had to."""
        if self.alive():
            return False
        self.close()
        self._start()
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Ask LibreOffice to quit; if it was never connected or does not quit, end its
        whole process group (soffice is a script that starts soffice.bin)."""
        try:
            if self._desktop is not None:
                self._desktop.terminate()
        except Exception:
            pass
        if self._proc.poll() is None:
            try:
                self._proc.wait(timeout=10 if self._desktop is not None else 0.01)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self._proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self._proc.wait()
        if self._fresh and self._desktop is not None:
            _keep_profile(self._profile)
        shutil.rmtree(self._profile, ignore_errors=True)

    def _load(self, path: Path):
        url = self.uno.systemPathToFileUrl(str(Path(path).resolve()))
        doc = self.desktop.loadComponentFromURL(   # MacroExecutionMode 0: never run macros
            url, "_blank", 0, _props(self.uno, Hidden=True, ReadOnly=True, MacroExecutionMode=0))
        if doc is None:
            raise RuntimeError(f"{path}: LibreOffice could not open the file")
        return doc

    def recalculate(self, path: str | Path) -> dict[str, SheetValues]:
        """Load ``path``, recalculate everything, return each sheet's values."""
        doc = self._load(path)
        try:
            doc.IsIterationEnabled = False     # circular references show as Err:522
            doc.calculateAll()
            out = {}
            sheets = doc.Sheets
            for i in range(sheets.Count):
                sh = sheets.getByIndex(i)
                cur = sh.createCursor()
                cur.gotoEndOfUsedArea(False)
                addr = cur.getRangeAddress()
                rng = sh.getCellRangeByPosition(0, 0, addr.EndColumn, addr.EndRow)
                values = {}
                for r, row in enumerate(rng.getDataArray()):
                    for c, v in enumerate(row):
                        if v != "":
                            values[(r, c)] = v
                errors = {}
                for ra in sh.queryFormulaCells(FORMULA_RESULT_ERROR).getRangeAddresses():
                    for r in range(ra.StartRow, ra.EndRow + 1):
                        for c in range(ra.StartColumn, ra.EndColumn + 1):
                            errors[(r, c)] = sh.getCellByPosition(c, r).getString() or "#ERR"
                            values.pop((r, c), None)
                out[sh.Name] = SheetValues(values, errors)
            return out
        finally:
            doc.close(True)

    def to_pdf(self, path: str | Path, pdf: str | Path) -> Path:
        """Recalculate ``path`` and export every sheet, chart sheets included, to PDF."""
        doc = self._load(path)
        try:
            doc.calculateAll()
            doc.storeToURL(self.uno.systemPathToFileUrl(str(Path(pdf).resolve())),
                           _props(self.uno, FilterName="calc_pdf_Export"))
        finally:
            doc.close(True)
        return Path(pdf)

    def save_as(self, path: str | Path, out: str | Path, filter_name: str = "Calc Office Open XML",
                edit=None, password: str | None = None) -> Path:
        """Recalculate and save a copy as LibreOffice would when a person saves it;
        ``edit(doc)`` first changes the document as a person would in Calc."""
        url = self.uno.systemPathToFileUrl(str(Path(path).resolve()))
        doc = self.desktop.loadComponentFromURL(url, "_blank", 0,
                                                _props(self.uno, Hidden=True, MacroExecutionMode=0))
        try:
            if edit is not None:
                edit(doc)
            doc.calculateAll()
            extra = {"Password": password} if password else {}
            doc.storeToURL(self.uno.systemPathToFileUrl(str(Path(out).resolve())),
                           _props(self.uno, FilterName=filter_name, **extra))
        finally:
            doc.close(True)
        return Path(out)


def _profile_cache() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "isg-margin-model" / "libreoffice-profile"


def _copy_profile(dest: str) -> bool:
    """Start from a profile LibreOffice made earlier: its first start-up builds one, which
    costs about 0.3 s. Returns False when there is none yet."""
    src = _profile_cache()
    if not src.is_dir():
        return False
    try:
        shutil.copytree(src, dest, dirs_exist_ok=True)
        return True
    except OSError:
        return False


def _keep_profile(profile: str) -> None:
    """Keep a profile LibreOffice built, for the next start (written aside, then renamed)."""
    dest = _profile_cache()
    if dest.exists():
        return
    tmp = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".profile-", dir=dest.parent))
        shutil.copytree(profile, tmp, dirs_exist_ok=True)
        os.replace(tmp, dest)
    except OSError:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
