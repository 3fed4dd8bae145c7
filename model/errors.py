"""One family of errors: every refusal the tool makes to a person derives from ModelError,
which the command line turns into its one-line message (``error: ...``), never a traceback.

Each keeps its older base too (ValueError, RuntimeError, OSError), so code that caught those
still does; the command line catches ModelError alone.
"""
from __future__ import annotations


class ModelError(Exception):
    """A refusal with a message a person can act on (file:row, Sheet!Cell, what to do)."""
    exit_code = 2

    def lines(self) -> list[str]:
        """What the command line prints (to stderr): one line, unless the error lists more."""
        return [f"error: {self}"]
