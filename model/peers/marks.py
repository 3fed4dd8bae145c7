"""Markers carried from Inputs to what is computed from them (the peers workbook).

The shared rule (model.core.marks): a cell computed from a marked figure on Calculations, the
Comparison and Chart data shows the weakest basis among the figures it rests on, so a margin
built on an approximate profit reads '14.8%~' wherever it appears. This model's own rules: a
revenue index also rests on the base quarter's revenue; a row that shows an input where it is
given (spec.SHOWS_GIVEN) rests on that input alone there.
"""
from __future__ import annotations

from ..core import marks as core
from ..core.marks import RANK, style
from . import spec

__all__ = ("Marks", "style", "RANK")

_INDEX_OF = {f"{c.slug}_index": f"{c.code}.revenue" for c in spec.COMPANIES}


def _rule(base_i):
    def extra(marks, key, i):
        if key in spec.SHOWS_GIVEN:
            b = marks.basis(spec.SHOWS_GIVEN[key], i)
            if b is not None:
                return b
        if key in _INDEX_OF and base_i is not None:
            return [marks.basis(_INDEX_OF[key], base_i)]
        return None
    return extra


def Marks(mi) -> core.Marks:
    """basis(key, i): the weakest basis of the figures row ``key`` rests on in period ``i``."""
    labels = [p.label for p in mi.periods]
    base = mi.scalars.get("index_base")
    return core.Marks(mi, spec.INPUT_KEYS, spec.CALC_KEYS, _rule(labels.index(base) if base in labels else None))
