"""An OS file lock on every system (the filelock package: flock on Linux and macOS,
msvcrt locking on Windows), for the refresh of a workbook and the kept-alive engine's state."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from .errors import ModelError


class Busy(ModelError, RuntimeError):
    """Another process holds the lock and did not let go within the wait."""


@contextmanager
def exclusive(path: str | Path, wait: float):
    """Hold the OS lock on ``path`` (created if missing) for the block; wait up to ``wait``
    seconds for another holder (a negative ``wait``: as long as it takes), then Busy.
    OSError when the lock file cannot be made."""
    import filelock
    lock = filelock.FileLock(str(path))
    try:
        lock.acquire(timeout=wait, poll_interval=0.05)
    except filelock.Timeout as exc:
        raise Busy(f"{path} is held by another process") from exc
    try:
        yield
    finally:
        lock.release()
