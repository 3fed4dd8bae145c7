"""LibreOffice headless as the independent spreadsheet engine.

One soffice process is started with a private profile and kept alive; each
workbook is loaded over UNO, fully recalculated with ``calculateAll()`` (so the
values cached in the file are never trusted) and read back as plain values.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError

_UNO_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
FORMULA_RESULT_ERROR = 4   # com.sun.star.sheet.FormulaResult.ERROR
SOFFICE_ENV = "SOFFICE"    # the soffice (soffice.exe) to use, wherever LibreOffice is installed


class EngineUnavailable(ModelError, RuntimeError):
    """LibreOffice or its Python bridge is not installed."""


def _system(system: str | None = None) -> str:
    import platform
    return system or platform.system()      # 'Linux', 'Darwin' (macOS), 'Windows'


def install_advice(system: str | None = None) -> str:
    """How to install LibreOffice on ``system`` (default: this one)."""
    s = _system(system)
    if s == "Windows":
        return ("install LibreOffice (winget install TheDocumentFoundation.LibreOffice, or the "
                "installer from https://www.libreoffice.org/download/), or set SOFFICE to its "
                "program\\soffice.exe")
    if s == "Darwin":
        return ("install LibreOffice (brew install --cask libreoffice, or the disk image from "
                "https://www.libreoffice.org/download/), or set SOFFICE to "
                "LibreOffice.app/Contents/MacOS/soffice")
    return ("install LibreOffice: apt-get install libreoffice-calc-nogui python3-uno (Debian, "
            "Ubuntu), dnf install libreoffice-calc libreoffice-pyuno (Fedora); or set SOFFICE "
            "to its soffice")


def soffice_candidates(system: str | None = None, env=None) -> list[str]:
    """Where LibreOffice's default installers put soffice on ``system``, in order."""
    env = os.environ if env is None else env
    s = _system(system)
    if s == "Windows":
        from pathlib import PureWindowsPath
        bases = [env.get("ProgramFiles") or r"C:\Program Files",
                 env.get("ProgramW6432") or r"C:\Program Files",
                 env.get("ProgramFiles(x86)") or r"C:\Program Files (x86)"]
        if env.get("LOCALAPPDATA"):
            bases.append(str(PureWindowsPath(env["LOCALAPPDATA"]) / "Programs"))
        found = [str(PureWindowsPath(b) / "LibreOffice" / "program" / "soffice.exe") for b in bases]
    elif s == "Darwin":
        home = env.get("HOME") or str(Path.home())
        found = ["/Applications/LibreOffice.app/Contents/MacOS/soffice",
                 f"{home}/Applications/LibreOffice.app/Contents/MacOS/soffice"]
    else:
        found = ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                 "/opt/libreoffice/program/soffice", "/snap/bin/libreoffice"]
    return list(dict.fromkeys(found))


def find_soffice(system: str | None = None, env=None, which=shutil.which,
                 is_file=os.path.isfile) -> str:
    """The soffice to start: $SOFFICE, else soffice or libreoffice on the PATH, else the
    system's default install paths; EngineUnavailable with the install advice for
    ``system`` when there is none. (The arguments are there to test other systems.)"""
    env = os.environ if env is None else env
    given = env.get(SOFFICE_ENV)
    if given:
        if is_file(given):
            return given
        raise EngineUnavailable(f"{SOFFICE_ENV}={given} is not a file; set it to LibreOffice's "
                                f"soffice, or unset it and {install_advice(system)}")
    for name in ("soffice", "libreoffice"):
        exe = which(name)
        if exe:
            return exe
    for exe in soffice_candidates(system, env):
        if is_file(exe):
            return exe
    raise EngineUnavailable(f"LibreOffice (soffice) was not found on the PATH or where its "
                            f"installer puts it; {install_advice(system)}")


def uno_paths(soffice: str | None, system: str | None = None) -> list[str]:
    """Folders that may hold LibreOffice's Python bridge (uno.py) for ``soffice``."""
    out = list(_UNO_PATHS) if _system(system) == "Linux" else []
    if soffice:
        real = Path(os.path.realpath(soffice))
        out += [str(real.parent), str(real.parent.parent / "Resources")]    # program/; macOS
    return [p for p in dict.fromkeys(out)]


def _import_uno():
    try:
        exe = find_soffice()
    except EngineUnavailable:
        exe = None
    for p in uno_paths(exe):
        if p not in sys.path and os.path.isdir(p):
            sys.path.append(p)
    try:
        import uno  # noqa: F401
        from com.sun.star.beans import PropertyValue  # noqa: F401
    except ImportError as exc:
        raise EngineUnavailable(_bridge_advice()) from exc
    return sys.modules["uno"]


def _bridge_advice(system: str | None = None) -> str:
    s = _system(system)
    if s == "Linux":
        return ("LibreOffice's Python bridge (uno) is missing: apt-get install "
                "libreoffice-calc-nogui python3-uno (Debian, Ubuntu), dnf install libreoffice-pyuno (Fedora)")
    where = ("C:\\Program Files\\LibreOffice\\program\\python.exe" if s == "Windows"
             else "/Applications/LibreOffice.app/Contents/Resources/python")
    return (f"LibreOffice's Python bridge (uno) cannot be imported by this Python "
            f"({sys.version_info.major}.{sys.version_info.minor}); on {'macOS' if s == 'Darwin' else s} "
            f"it comes with LibreOffice's own Python ({where}): install this package into that "
            f"Python and run the command with it; if LibreOffice is not installed, {install_advice(s)}")


def soffice_path() -> str:
    return find_soffice()


def _detached() -> dict:
    """Popen arguments that start a process in a group of its own, on every system."""
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _kill_tree(proc: subprocess.Popen) -> None:
    """End ``proc`` and what it started (soffice is a launcher for soffice.bin)."""
    if os.name == "nt":
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(proc.pid)], capture_output=True)
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def profile_url(folder: str | Path) -> str:
    """-env:UserInstallation's value for ``folder`` (file:///C:/... on Windows)."""
    return Path(folder).resolve().as_uri()


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
             f"-env:UserInstallation={profile_url(self._profile)}",
             f"--accept=pipe,name={self._pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            **_detached())

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
                _kill_tree(self._proc)
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

    def recalculate(self, path, expected=None) -> dict[str, SheetValues]:
        """Load ``path`` (a path, or a model.core.workbook.Workbook already read: its bytes
        are not read again), recalculate everything, return each sheet's values. LibreOffice
        is handed a copy of the package without charts and drawings (values_only_copy):
        no formula refers to them, and importing them was over half of the load.
        ``expected()``, called once the recalculation is done, gives the cells where the
        independent recompute expects #N/A ({sheet: {(row, col)}}): where LibreOffice shows
        an error there, its text is not asked cell by cell (the chart feeds' gaps)."""
        with tempfile.TemporaryDirectory(prefix="isg-values-") as tmp:
            name = Path(getattr(path, "path", path)).name
            return self._recalculate(values_only_copy(path, Path(tmp) / name), expected)

    name = "libreoffice"

    def _recalculate(self, path: Path, expected=None) -> dict[str, SheetValues]:
        doc = self._load(path)
        try:
            doc.IsIterationEnabled = False     # circular references show as Err:522
            doc.calculateAll()
            gaps = expected() if expected is not None else {}
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
                na = gaps.get(sh.Name, ())
                for ra in sh.queryFormulaCells(FORMULA_RESULT_ERROR).getRangeAddresses():
                    for r in range(ra.StartRow, ra.EndRow + 1):
                        for c in range(ra.StartColumn, ra.EndColumn + 1):
                            errors[(r, c)] = ("#N/A" if (r, c) in na
                                              else sh.getCellByPosition(c, r).getString() or "#ERR")
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


_DRAWING_EL = re.compile(rb"<(?:\w+:)?drawing\b[^>]*/>")
_DRAWING_REL = re.compile(rb"<Relationship\b[^>]*?Type=\"[^\"]*/(?:drawing|chart)\"[^>]*/>")
_DRAWING_CT = re.compile(rb"<Override\b[^>]*?PartName=\"/xl/(?:drawings|charts)/[^\"]*\"[^>]*/>")


def values_only_copy(path, out: Path) -> Path:
    """A copy of the package at ``path`` (or of a Workbook already read, from its bytes)
    without charts and drawings (what the values do
    not depend on), written to ``out``: worksheets, chart sheets (empty), strings, styles,
    names, comments and macros are kept byte for byte, the drawing parts, charts and the
    references to them dropped. The file has passed model.core.package's checks already;
    a part this cannot handle is copied as it is."""
    source = io.BytesIO(path.data) if hasattr(path, "data") else path
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                        compresslevel=1) as zout:
        for item in zin.infolist():
            name = item.filename
            if name.startswith(("xl/drawings/", "xl/charts/")):
                continue
            data = zin.read(name)
            if name.startswith(("xl/worksheets/sheet", "xl/chartsheets/sheet")) and name.endswith(".xml"):
                data = _DRAWING_EL.sub(b"", data)
            elif name.startswith(("xl/worksheets/_rels/", "xl/chartsheets/_rels/")):
                data = _DRAWING_REL.sub(b"", data)
            elif name == "[Content_Types].xml":
                data = _DRAWING_CT.sub(b"", data)
            zout.writestr(item, data)
    return out


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


def warm_unsupported(system: str | None = None) -> str | None:
    """Why the kept-alive LibreOffice cannot run on ``system``, or None (Linux, macOS)."""
    if _system(system) == "Windows":
        return ("--warm (the kept-alive LibreOffice) runs on Linux and macOS only; on Windows "
                "leave out --warm (each audit starts its own LibreOffice)")
    return None


class KeptLibreOffice(LibreOffice):
    """The user's kept-alive LibreOffice: attached to when it runs and answers, else started
    (replacing a stale one). ``close()`` only lets go of it; ``stop()`` ends it. Linux and
    macOS (process groups, signals); refused on Windows (warm_unsupported)."""

    def __init__(self, idle: float = IDLE_SECONDS, start_timeout: float = 60.0):
        import json

        from .oslock import exclusive
        why = warm_unsupported()
        if why:
            raise EngineUnavailable(why)
        self.uno = _import_uno()
        self._timeout = start_timeout
        self._idle = idle
        self._dir = _runtime_dir()
        self._desktop = None
        self.started = False
        with exclusive(self._dir / "engine.lock", -1):
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
             "--nodefault", "--nolockcheck", f"-env:UserInstallation={profile_url(profile)}",
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
    import json

    from .oslock import exclusive
    if warm_unsupported():
        return False
    d = _runtime_dir()
    with exclusive(d / "engine.lock", -1):
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
