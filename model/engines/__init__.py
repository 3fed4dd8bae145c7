"""Spreadsheet engines the audit can recalculate a workbook with, one small adapter module
each (as pandas' io/excel has one per reader):

    libreoffice   LibreOffice headless over UNO (model.libreoffice): the reference engine,
                  the default, and what CI always audits with
    ironcalc      IronCalc (PyPI ironcalc), in the audit's own process
    formualizer   formualizer (PyPI formualizer), in the audit's own process

Each engine is started with ``start(name)`` and offers ``recalculate(path)`` -> {sheet:
SheetValues} (values as LibreOffice's getDataArray gives them: numbers as float, TRUE/FALSE
as 1.0/0.0, text as str, empty cells and "" left out; errors apart as their text),
``restart_if_dead()`` and ``close()``. ``FAST`` is the in-process engine the pre-commit
hook uses, chosen by measurement (README: "Engines"): it agrees with LibreOffice on every
formula cell of every model's workbook, at 400 quarters, and on copies with an error and
a text typed into Inputs. IronCalc does not: its OR and AND stop at the first deciding
argument, so an error typed into an input can vanish behind OR(x="",...).
"""
from __future__ import annotations

from importlib import import_module

from ..errors import ModelError


def __getattr__(name):       # one vocabulary with model.libreoffice, imported when first used
    if name in ("EngineUnavailable", "SheetValues"):
        from .. import libreoffice
        return getattr(libreoffice, name)
    raise AttributeError(name)

ENGINES = ("libreoffice", "ironcalc", "formualizer")
DEFAULT = "libreoffice"
FAST = "formualizer"
LABEL = {"libreoffice": "LibreOffice", "ironcalc": "IronCalc", "formualizer": "formualizer"}
INSTALL = "pip install 'isg-margin-model[engines]'"


class EngineCannotRead(ModelError, RuntimeError):
    """The engine cannot read (or evaluate) this file; the message names it and says
    which engine to use instead."""


class InProcess:
    """What an in-process engine's adapter shares: nothing to restart or close, and a
    context manager like model.libreoffice's engine."""

    def restart_if_dead(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def start(name: str, warm: bool = False):
    """A started engine ``name``; ``warm``: LibreOffice kept alive between runs."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}: one of {', '.join(ENGINES)}")
    if name == "libreoffice":
        from ..libreoffice import KeptLibreOffice, LibreOffice
        return KeptLibreOffice() if warm else LibreOffice(wait=False)
    return import_module(f".{name}", __name__).Engine()


def cannot_read(engine: str, path, exc: BaseException) -> EngineCannotRead:
    """One line: which engine could not read ``path``, why, and the engine to use."""
    why = " ".join(str(exc).split())[:300] or type(exc).__name__
    return EngineCannotRead(f"{path}: {LABEL[engine]} cannot read or calculate this file "
                            f"({type(exc).__name__}: {why}); audit it with --engine libreoffice")


def differences(got: dict, want: dict, cells, tol: float = 1e-9) -> list[tuple[str, int, int, object, object]]:
    """Cells of ``cells`` ((sheet, row, col), 0-based) where two engines' recalculations
    differ: numbers beyond a relative ``tol``, text unequal, errors unequal by kind
    (LibreOffice's Err:522/523 and #CIRC! are one kind). Each as (sheet, r, c, got, want)."""
    def value(vals, sheet, r, c):
        sv = vals.get(sheet)
        if sv is None:
            return None
        if (r, c) in sv.errors:
            e = sv.errors[(r, c)]
            return ("error", "#CIRC!" if e in ("Err:522", "Err:523") else e)
        return sv.values.get((r, c))
    out = []
    for sheet, r, c in cells:
        a, b = value(got, sheet, r, c), value(want, sheet, r, c)
        if isinstance(a, float) and isinstance(b, float):
            if abs(a - b) <= tol * max(1.0, abs(a), abs(b)):
                continue
        elif a == b:
            continue
        out.append((sheet, r, c, a, b))
    return out
