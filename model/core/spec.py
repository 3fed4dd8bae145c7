"""What a model's spec is made of: the types every model declares its rows, scalars,
checks and charts with, and the one guard of every formula (``given``).

Formula templates use ``{key}`` for the cell of row ``key`` in the same period
column, ``{key@-4}`` for the cell four periods earlier, ``{$key}`` for the
absolute address of a scalar input and ``{a:b}`` for the same-column range
from row ``a`` to row ``b``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scalar:
    """A single input cell on the Assumptions sheet (column E)."""
    key: str
    label: str
    unit: str
    default: object
    note: str
    choices: tuple = ()
    valid: tuple[float, float] | None = None     # inclusive range the audit accepts


@dataclass(frozen=True)
class ScenarioRow:
    """An ex-CSP gross margin row per quarter on the Assumptions sheet."""
    key: str
    scenario: str
    default: float


@dataclass(frozen=True)
class CalcRow:
    """A calculated row: one formula template across every period column."""
    key: str
    label: str
    unit: str
    formula: str
    name: str | None = None
    section: str = ""


def given(refs, expr: str, blank: str = '""', also=()) -> str:
    """The one guard of the model: blank in, blank out, errors through.

    ``expr`` unless one of ``refs`` is blank (an empty cell or "" from a formula), then
    ``blank``; ``also`` adds conditions that blank it too (a zero divisor). ``ref=""`` is
    an error when ``ref`` is one, so #REF!, #VALUE! and circular references surface
    instead of turning into blanks (ISNUMBER would hide them); Excel and LibreOffice
    agree on this. ``refs`` are template tokens ('{key}') or cell addresses."""
    tests = [f'{r}=""' for r in refs] + list(also)
    cond = tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"
    return f"IF({cond},{blank},{expr})"


def k(key: str) -> str:
    """The template token of row ``key`` in the same period column."""
    return "{" + key + "}"


# A formula whose reference to an earlier period would fall before the first quarter is
# rendered as this instead: no prior period, no growth, and no reference to the label or
# notes columns left of the timeline.
NO_PRIOR_PERIOD = '""'


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    formula: str            # per-period flag template, or a single-cell formula
    per_period: bool = True
    warning: bool = False   # shown and counted on its row, left out of the master check


# --- charts: one chart sheet each ---------------------------------------------

@dataclass(frozen=True)
class Series:
    key: str                     # row key (or 'sens:<i>' for a sensitivity column)
    name: str
    kind: str = "column"         # column | line
    secondary: bool = False
    colour: str = ""             # a line's colour ('#1F4E79'); default: the chart's palette


@dataclass(frozen=True)
class Chart:
    sheet: str
    title: str
    y_title: str
    y_format: str
    series: tuple = field(default_factory=tuple)
    y2_title: str = ""
    y2_format: str = ""
    x_title: str = "Fiscal quarter"
    x_format: str = ""
