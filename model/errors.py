"""One family of errors: every refusal the tool makes to a person derives from ModelError,
which the command line turns into one line (``error: ...``), never a traceback.

Each keeps its older base too (ValueError, RuntimeError ...), so code that caught those
still does; the CLI catches ModelError alone.
"""
from __future__ import annotations


class ModelError(Exception):
    """A refusal with a message a person can act on (file:row, Sheet!Cell, what to do)."""
