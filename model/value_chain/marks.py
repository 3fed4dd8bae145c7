"""Markers carried from Inputs to what is computed from them (the value-chain workbook).

As in the peers workbook (model.peers.marks, whose ranking, template parsing and style
rule are reused here): a calculated cell shows the weakest basis among the figures it rests
on (~ approximate, d derived, e estimate, ≥ lower bound) by its number format, set when the
workbook is built or refreshed. Only the class that walks this model's rows is local: the
peers class reads the peers spec.
"""
from __future__ import annotations

from ..peers.marks import RANK, _deps, style
from . import spec

__all__ = ("Marks", "style", "cell_style")


class Marks:
    """basis(key, i): the weakest basis of the figures row ``key`` rests on in period ``i``
    (None where it rests on no figure)."""

    def __init__(self, mi):
        self.periods = list(mi.periods)
        self.figures = mi.figures
        self.memo: dict = {}

    def basis(self, key: str, i: int) -> str | None:
        if not 0 <= i < len(self.periods):
            return None
        if (key, i) not in self.memo:
            self.memo[(key, i)] = None          # a guard against a cycle
            self.memo[(key, i)] = self._basis(key, i)
        return self.memo[(key, i)]

    def _basis(self, key: str, i: int) -> str | None:
        if key in spec.INPUT_KEYS:
            e = self.figures.get((self.periods[i], key))
            if e is None or e.value is None:
                return None
            return e.basis if e.basis in RANK else "reported"
        row = spec.CALC_KEYS.get(key)
        if row is None:
            return None
        found = [self.basis(d, i - lag) for d, lag in _deps(row.formula)]
        found = [b for b in found if b]
        return max(found, key=RANK.get) if found else None

    def weakest(self, *pairs) -> str | None:
        """The weakest basis over (key, period index) pairs."""
        found = [self.basis(k_, i) for k_, i in pairs if k_ and i is not None]
        found = [b for b in found if b]
        return max(found, key=RANK.get) if found else None


def cell_style(unit: str, basis: str | None) -> str:
    """As model.peers.marks.style, and a change in points ('pts') marked too."""
    if unit == "pts" and basis and basis != "reported":
        return f"calc|pts|{basis}"
    return style(unit, basis)
