"""Markers carried from Inputs to what is computed from them (the value-chain workbook).

The shared rule (model.core.marks), over this model's rows: a calculated cell shows the weakest
basis among the figures it rests on (~ approximate, d derived, e estimate, ≥ lower bound) by its
number format, a change in points ('pts') too.
"""
from __future__ import annotations

from ..core import marks as core
from ..core.marks import style
from . import spec

__all__ = ("Marks", "style", "cell_style")


def Marks(mi) -> core.Marks:
    """basis(key, i) and weakest(*(key, i)) over this model's rows."""
    return core.Marks(mi, spec.INPUT_KEYS, spec.CALC_KEYS)


cell_style = style          # (the 'pts' unit is one of the marked units: model.core.marks.MARKED_UNITS)
