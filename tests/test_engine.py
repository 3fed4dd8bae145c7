"""The kept-alive LibreOffice (audit --warm): reused between runs, detached from the caller's
pipes, stopped on request or when idle, and replaced when stale. Each test has its own
engine home (ISG_MODEL_ENGINE_HOME), so a person's own engine is never touched."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from model.build import build
from model.libreoffice import ENGINE_HOME, KeptLibreOffice, _alive, stop_kept

from .conftest import DATA, ROOT


@pytest.fixture
def home(tmp_path, monkeypatch, lo):       # lo: LibreOffice must be installed (CI fails otherwise)
    monkeypatch.setenv(ENGINE_HOME, str(tmp_path / "engine"))
    yield tmp_path / "engine"
    stop_kept()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return build(DATA, tmp_path_factory.mktemp("engine") / "model.xlsx")


def _state(home):
    return json.loads((home / "engine.json").read_text())


def test_the_engine_outlives_the_run_is_reused_and_holds_no_pipe_of_the_caller(home, book):
    """Run with the caller's stdout and stderr as pipes: were they inherited by LibreOffice,
    reading them to the end would wait for LibreOffice to exit."""
    cmd = [sys.executable, "-m", "model", "audit", "--warm", str(book)]
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    engine = _state(home)
    assert _alive(engine["pid"], engine["pipe"])
    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0 and _state(home) == engine          # the same engine, reused
    stop = subprocess.run([sys.executable, "-m", "model.libreoffice", "stop"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert "stopped" in stop.stdout
    assert not _alive(engine["pid"], engine["pipe"]) and not (home / "engine.json").exists()


def test_a_killed_engine_is_replaced(home, book):
    first = KeptLibreOffice()
    pid, pipe = first._pid, first._pipe
    first.close()
    os.killpg(pid, signal.SIGKILL)
    time.sleep(0.3)
    second = KeptLibreOffice()
    assert second.started and second._pipe != pipe
    assert "Calculations" in second.recalculate(book)


def test_a_hung_engine_is_replaced(home, book):
    first = KeptLibreOffice()
    pid, pipe = first._pid, first._pipe
    first.close()
    os.killpg(pid, signal.SIGSTOP)
    try:
        second = KeptLibreOffice()
        assert second.started and second._pipe != pipe
        assert not _alive(pid, pipe)
        assert "Calculations" in second.recalculate(book)
    finally:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_pid_reused_by_another_program_is_not_taken_for_the_engine(home):
    """The recorded pid now leads another program's process group: it is neither used nor
    signalled; a new engine is started."""
    home.mkdir(parents=True, exist_ok=True)
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        (home / "engine.json").write_text(json.dumps({"pid": other.pid, "pipe": "model-warm-gone"}))
        engine = KeptLibreOffice()
        assert engine.started and _state(home)["pid"] != other.pid
        stop_kept()
        assert other.poll() is None             # still running, never signalled
    finally:
        other.kill()
        other.wait()


def test_an_idle_engine_stops_itself(home):
    engine = KeptLibreOffice(idle=1.0)
    pid, pipe = engine._pid, engine._pipe
    engine.close()
    deadline = time.monotonic() + 20
    while _alive(pid, pipe) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pid, pipe)
    time.sleep(0.5)
    assert not (home / "engine.json").exists()


def test_a_new_engine_is_not_stopped_for_an_old_runs_idleness(home, book):
    """The last use recorded by an engine long gone does not count against a new one."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "engine.last").write_text(str(time.time() - 100000))
    engine = KeptLibreOffice()
    time.sleep(1.5)
    assert engine.alive(), "the watchdog stopped a new engine"
    assert "Calculations" in engine.recalculate(book)
