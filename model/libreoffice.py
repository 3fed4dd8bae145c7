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

from .errors import ModelError

_UNO_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
FORMULA_RESULT_ERROR = 4   # com.sun.star.sheet.FormulaResult.ERROR


class EngineUnavailable(ModelError, RuntimeError):
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


# --- a LibreOffice kept alive between runs ---------------------------------------------
#
# One per user: its profile in the user's cache, its state (pid, pipe) in a private
# runtime folder, found by the next run under a lock. It is detached from the terminal and
# from the caller's pipes (own session, /dev/null for stdin, stdout and stderr), a watchdog
# stops it after IDLE_SECONDS without use, `python -m model.libreoffice stop` stops it at
# once (.ci/run does, on exit), and one that no longer answers (killed, hung, a pid reused
# by another program) is detected and replaced.

IDLE_SECONDS = 600.0
START_LIMIT = 120.0     # an engine still starting after this long is stopped as failed


ENGINE_HOME = "ISG_MODEL_ENGINE_HOME"     # overrides where the engine's state and profile live


def _runtime_dir() -> Path:
    home = os.environ.get(ENGINE_HOME)
    base = Path(home) if home else \
        Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()) / f"isg-margin-model-{os.getuid()}"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base


def _warm_profile() -> Path:
    home = os.environ.get(ENGINE_HOME)
    return Path(home) / "profile" if home else _profile_cache().parent / "engine-profile"


def _alive(pgid: int, pipe: str) -> bool:
    """A soffice of ours runs (the launcher or soffice.bin): a process whose command line
    names our pipe, which is unique (the pid alone could have been reused by another
    program); without /proc, the process group."""
    proc = Path("/proc")
    if proc.is_dir():
        for d in proc.iterdir():
            if not d.name.isdigit():
                continue
            try:
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if pipe.encode() in cmd and b"model.libreoffice" not in cmd:    # not the watchdog
                return True
        return False
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def _kill_group(pgid: int, pipe: str) -> None:
    """End the soffice process group ``pgid`` (soffice.bin and its launcher), only while a
    process of it still names our ``pipe``: a pid since reused by another program is left be."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _alive(pgid, pipe):
            return
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        for _ in range(60):
            try:
                os.waitpid(pgid, os.WNOHANG)       # reap the launcher when it is our child
            except ChildProcessError:
                pass
            if not _alive(pgid, pipe):
                return
            time.sleep(0.05)


class KeptLibreOffice(LibreOffice):
    """The user's kept-alive LibreOffice: attached to when it runs and answers, else started
    (replacing a stale one). ``close()`` only lets go of it; ``stop()`` ends it."""

    def __init__(self, idle: float = IDLE_SECONDS, start_timeout: float = 60.0):
        import fcntl
        import json
        self.uno = _import_uno()
        self._timeout = start_timeout
        self._idle = idle
        self._dir = _runtime_dir()
        self._desktop = None
        self.started = False
        with open(self._dir / "engine.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = self._dir / "engine.json"
            try:
                st = json.loads(state.read_text())
            except (OSError, ValueError):
                st = None
            if st and _alive(st["pid"], st["pipe"]):
                self._pipe, self._pid = st["pipe"], st["pid"]
                try:
                    self._connect_within(5.0)
                except EngineUnavailable:
                    _kill_group(self._pid, self._pipe)   # runs but does not answer: replace it
                    self._desktop = None
            if self._desktop is None:
                if st:
                    _kill_group(st["pid"], st["pipe"])
                self._launch()
                st = {"pid": self._pid, "pipe": self._pipe, "profile": str(_warm_profile()),
                      "started": time.time(), "ready": False}
                state.write_text(json.dumps(st))
                self._connect_within(self._timeout)
                state.write_text(json.dumps(st | {"ready": True}))     # idle time counts from now
                self.started = True
        self._touch()

    def _launch(self) -> None:
        self._pipe = f"model-warm-{os.getuid()}-{uuid.uuid4().hex[:8]}"
        profile = _warm_profile()
        profile.mkdir(parents=True, exist_ok=True)
        devnull = subprocess.DEVNULL
        proc = subprocess.Popen(
            [soffice_path(), "--headless", "--invisible", "--nologo", "--norestore",
             "--nodefault", "--nolockcheck", f"-env:UserInstallation=file://{profile}",
             f"--accept=pipe,name={self._pipe};urp;"],
            stdin=devnull, stdout=devnull, stderr=devnull, start_new_session=True, close_fds=True)
        self._pid = proc.pid
        self._touch()       # a fresh start is a use: the watchdog counts idle time from now
        subprocess.Popen([sys.executable, "-m", "model.libreoffice", "watch", str(self._pid), self._pipe,
                          str(self._dir), str(self._idle)],
                         stdin=devnull, stdout=devnull, stderr=devnull, start_new_session=True,
                         close_fds=True, cwd=str(Path(__file__).resolve().parent.parent))
        proc.returncode = 0         # detached: never waited on here (the watchdog's job)

    def _connect_within(self, seconds: float) -> None:
        """Connect, or EngineUnavailable after ``seconds``: the handshake runs in a thread,
        because a hung (stopped) soffice accepts the pipe and then never answers."""
        import threading
        deadline = time.monotonic() + seconds
        result: dict = {}

        def resolve():
            local = self.uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext(
                "com.sun.star.bridge.UnoUrlResolver", local)
            while time.monotonic() < deadline and "stop" not in result:
                try:
                    ctx = resolver.resolve(f"uno:pipe,name={self._pipe};urp;StarOffice.ComponentContext")
                    result["desktop"] = ctx.ServiceManager.createInstanceWithContext(
                        "com.sun.star.frame.Desktop", ctx)
                    return
                except Exception:
                    if not _alive(self._pid, self._pipe):
                        return
                    time.sleep(0.02)

        t = threading.Thread(target=resolve, daemon=True)
        t.start()
        t.join(seconds)
        result["stop"] = True
        if "desktop" not in result:
            raise EngineUnavailable("the kept-alive LibreOffice did not answer")
        self._desktop = result["desktop"]

    def _touch(self) -> None:
        (self._dir / "engine.last").write_text(str(time.time()))

    @property
    def desktop(self):
        self._touch()
        return self._desktop

    def alive(self) -> bool:
        return _alive(self._pid, self._pipe)

    def restart_if_dead(self) -> bool:
        if self.alive():
            return False
        self.__init__(self._idle, self._timeout)
        return True

    def close(self) -> None:
        """Let go: the engine stays for the next run (the watchdog stops it when idle)."""
        self._touch()
        self._desktop = None


def stop_kept() -> bool:
    """Stop the user's kept-alive LibreOffice; True when one was running."""
    import fcntl
    import json
    d = _runtime_dir()
    with open(d / "engine.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            st = json.loads((d / "engine.json").read_text())
        except (OSError, ValueError):
            return False
        running = _alive(st["pid"], st["pipe"])
        _kill_group(st["pid"], st["pipe"])
        (d / "engine.json").unlink(missing_ok=True)
        return running


def _watch(pid: int, pipe: str, folder: str, idle: float) -> None:
    """Stop the kept-alive LibreOffice ``pid`` after ``idle`` seconds without use; leave
    when it is gone."""
    import json
    d = Path(folder)
    began = time.time()
    while _alive(pid, pipe):
        try:
            last = float((d / "engine.last").read_text())
        except (OSError, ValueError):
            last = time.time()
        try:
            ready = json.loads((d / "engine.json").read_text()).get("ready", True)
        except (OSError, ValueError):
            ready = True
        starting = not ready and time.time() - began < START_LIMIT
        if not starting and time.time() - max(last, began) > idle:
            _kill_group(pid, pipe)
            break
        time.sleep(min(5.0, max(idle / 10, 0.2)))
    try:
        if json.loads((d / "engine.json").read_text()).get("pid") == pid:
            (d / "engine.json").unlink(missing_ok=True)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":      # python -m model.libreoffice {stop | watch PID PIPE DIR IDLE}
    if sys.argv[1:2] == ["stop"]:
        print("stopped the kept-alive LibreOffice" if stop_kept() else "no kept-alive LibreOffice ran")
    elif sys.argv[1:2] == ["watch"]:
        _watch(int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]))
    else:
        print("usage: python -m model.libreoffice stop", file=sys.stderr)
        sys.exit(2)
