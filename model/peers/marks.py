"""Markers carried from Inputs to what is computed from them.

A figure on Inputs shows its basis (~ approximate, d derived, e estimate, ≥ lower bound);
a cell computed from it on Calculations, the Comparison and Chart data shows the weakest
basis among the figures it rests on, by the same number-format marker, so a margin built
on an approximate profit reads '~14.8%' wherever it appears. The marker is a cell format,
set when the workbook is built or refreshed from the figures' bases on Sources (a format
cannot follow a formula), and only where the cell has a value.

Which figures a cell rests on is read from the model's formula templates (model.peers.spec):
each ``{key}`` and ``{key@-n}`` token is a row in this or an earlier quarter; a revenue
index also rests on the base quarter's revenue; a row that shows an input where it is given
(spec.SHOWS_GIVEN) rests on that input alone there.
"""
from __future__ import annotations

import re

from . import spec

RANK = {"reported": 0, "derived": 1, "lower_bound": 2, "approx": 3, "estimate": 4}
MARKED_UNITS = ("$M", "%", "x", "index")
_TOKEN = re.compile(r"\{([^{}]+)\}")


def _deps(template: str) -> list[tuple[str, int]]:
    out = []
    for tok in _TOKEN.findall(template):
        if tok[0] in "$#!=" or ":" in tok or tok in ("t_first", "t_here"):
            continue
        key, _, lag = tok.partition("@-")
        out.append((key, int(lag) if lag else 0))
    return out


_INDEX_OF = {f"{c.slug}_index": f"{c.code}.revenue" for c in spec.COMPANIES}


class Marks:
    """basis(key, i): the weakest basis of the figures row ``key`` rests on in period ``i``
    (None where it rests on no figure)."""

    def __init__(self, mi):
        self.periods = list(mi.periods)
        self.figures = mi.figures
        labels = [p.label for p in self.periods]
        base = mi.scalars.get("index_base")
        self.base_i = labels.index(base) if base in labels else None
        self.memo: dict = {}

    def basis(self, key: str, i: int) -> str | None:
        if not 0 <= i < len(self.periods):
            return None
        if (key, i) not in self.memo:
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
        if key in spec.SHOWS_GIVEN:
            b = self.basis(spec.SHOWS_GIVEN[key], i)
            if b is not None:
                return b
        found = [self.basis(d, i - lag) for d, lag in _deps(row.formula)]
        if key in _INDEX_OF and self.base_i is not None:
            found.append(self.basis(_INDEX_OF[key], self.base_i))
        found = [b for b in found if b]
        return max(found, key=RANK.get) if found else None


def style(unit: str, basis: str | None) -> str:
    """The style key of a calculated cell: 'calc|%', or 'calc|%|approx' where it is marked."""
    if basis and basis != "reported" and unit in MARKED_UNITS:
        return f"calc|{unit}|{basis}"
    return f"calc|{unit}"
