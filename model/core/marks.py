"""Markers carried from Inputs to what is computed from them (any model that marks its cells).

A figure on Inputs shows its basis (~ approximate, d derived, e estimate, ≥ lower bound); a
calculated cell shows the weakest basis among the figures it rests on, by the same number-format
marker, set when the workbook is built or refreshed (a format cannot follow a formula). Which
figures a cell rests on is read from the model's formula templates: each ``{key}`` and
``{key@-n}`` token is a row in this or an earlier quarter. The model is an argument: its input
keys and calculated rows, and any rule of its own (``extra``).
"""
from __future__ import annotations

import re

RANK = {"reported": 0, "derived": 1, "lower_bound": 2, "approx": 3, "estimate": 4}
MARKED_UNITS = ("$M", "%", "x", "index", "pts")
_TOKEN = re.compile(r"\{([^{}]+)\}")


def template_deps(template: str, skip=("t_first", "t_here")) -> list[tuple[str, int]]:
    """The (row key, quarters back) a formula template reads in its own column and earlier ones;
    scalars ('$'), whole rows ('='), blocks ('#'), sheets ('!'), ranges and ``skip`` left out."""
    out = []
    for tok in _TOKEN.findall(template):
        if tok[0] in "$#!=" or ":" in tok or tok in skip:
            continue
        key, _, lag = tok.partition("@-")
        out.append((key, int(lag) if lag else 0))
    return out


def weakest(bases) -> str | None:
    """The weakest of ``bases`` (None where there is none)."""
    found = [b for b in bases if b]
    return max(found, key=RANK.get) if found else None


class Marks:
    """basis(key, i): the weakest basis of the figures row ``key`` rests on in period ``i``
    (None where it rests on no figure). ``input_keys``: the model's Inputs rows; ``calc_rows``:
    key -> its spec.CalcRow; ``extra(marks, key, i)``: a model's own rule, returning a basis
    (used as is), a list of more bases to weigh with the template's, or None."""

    def __init__(self, mi, input_keys, calc_rows, extra=None):
        self.periods = list(mi.periods)
        self.figures = mi.figures
        self.input_keys, self.calc_rows, self.extra = input_keys, calc_rows, extra
        self.memo: dict = {}

    def basis(self, key: str, i: int) -> str | None:
        if not 0 <= i < len(self.periods):
            return None
        if (key, i) not in self.memo:
            self.memo[(key, i)] = None          # a guard against a cycle
            self.memo[(key, i)] = self._basis(key, i)
        return self.memo[(key, i)]

    def _basis(self, key: str, i: int) -> str | None:
        if key in self.input_keys:
            e = self.figures.get((self.periods[i], key))
            if e is None or e.value is None:
                return None
            return e.basis if e.basis in RANK else "reported"
        row = self.calc_rows.get(key)
        if row is None:
            return None
        more = self.extra(self, key, i) if self.extra else None
        if isinstance(more, str):
            return more
        return weakest([self.basis(d, i - lag) for d, lag in template_deps(row.formula)] + list(more or ()))

    def weakest(self, *pairs) -> str | None:
        """The weakest basis over (key, period index) pairs."""
        return weakest(self.basis(k_, i) for k_, i in pairs if k_ and i is not None)


def style(unit: str, basis: str | None) -> str:
    """The style key of a calculated cell: 'calc|%', or 'calc|%|approx' where it is marked."""
    if basis and basis != "reported" and unit in MARKED_UNITS:
        return f"calc|{unit}|{basis}"
    return f"calc|{unit}"
