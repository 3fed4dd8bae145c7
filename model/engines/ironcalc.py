"""IronCalc (PyPI ironcalc, Rust) in the audit's own process.

Its loader prints a line to stdout (file descriptor 1) for each formula cell without a
cached value, and panics if stdout is closed, so fd 1 points at the null device around
the load; a panic is a pyo3 PanicException, a BaseException, and becomes a one-line
"cannot read" naming the engine to use. Note: IronCalc's OR and AND stop at the first
deciding argument (OR(TRUE,1/0) is TRUE where Excel gives #DIV/0!), so an error in an
input can be hidden from the audit; it is not the fast default for that reason.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from . import EngineUnavailable, InProcess, SheetValues, cannot_read

NAME = "ironcalc"


@contextmanager
def quiet_stdout():
    """File descriptor 1 on the null device (IronCalc writes there from Rust)."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        pass
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _import():
    try:
        import ironcalc
    except ImportError as exc:
        raise EngineUnavailable(f"IronCalc is not installed: "
                                "pip install 'isg-margin-model[engines]' (or pip install 'ironcalc>=0.9.1,<0.10')") from exc
    return ironcalc


class Engine(InProcess):
    name = NAME

    def __init__(self):
        self.ic = _import()

    def load(self, path):
        try:
            with quiet_stdout():
                return self.ic.load_from_xlsx(str(path), "en", "UTC", "en")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:          # PanicException is a BaseException
            raise cannot_read(NAME, path, exc) from None

    def recalculate(self, path: str | Path) -> dict[str, SheetValues]:
        model = self.load(path)
        try:
            model.evaluate()
            props = model.get_worksheets_properties()
            error = self.ic.CellType.ErrorValue
            out = {p["name"]: SheetValues({}, {}) for p in props}
            names = [p["name"] for p in props]
            for s, r, c in model.get_all_cells():
                v = model.get_cell_value(s, r, c)
                if v is None or v == "":
                    continue
                sv = out[names[s]]
                if model.get_cell_type(s, r, c) == error:
                    sv.errors[(r - 1, c - 1)] = str(v)
                else:
                    sv.values[(r - 1, c - 1)] = float(v) if isinstance(v, bool) else v
            return out
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            raise cannot_read(NAME, path, exc) from None
