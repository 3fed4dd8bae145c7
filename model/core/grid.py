"""The sheet grid every model shares, defined once.

Where things sit on a timeline sheet (label, unit, code, note and value columns, the
header row, the first period column), the Sources columns, the labels the reader
looks for, and what a cell is for (its role). The layouts put cells by these names and
the reader, refresh, audit and diff find them by the same names; no module types a
column number of its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# --- timeline sheets (Inputs, Assumptions, Calculations, Checks, Chart data) ----------
C_LABEL, C_UNIT, C_CODE, C_NOTE, C_VALUE = range(5)   # A label, B unit, C code, D note, E value
FIRST_PERIOD_COL = 5        # column F: the first period
HEADER_ROW = 3              # period labels (0-based row 3 = Excel row 4)
PERIOD_END_ROW = 4          # period end dates, Inputs only
FIRST_BODY_ROW = 6          # first line item on a timeline sheet
SCALAR_FIRST_ROW = 5        # first scalar input on the Assumptions sheet (value in column E)
TIMELINE_HEADS = ("Line item", "Unit", "Code", "Note")
CODE_HEAD = TIMELINE_HEADS[C_CODE]     # the locator: the header row is the row whose C says this
MASTER_LABEL = "MASTER CHECK: failing items across all checks (count)"
LINK_TEXT = "Sources"       # Inputs column D: link to a row's first Sources line

# --- Sources: one line per figure -------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    head: str
    width: float


SOURCES_COLUMNS = (
    Column("period", "Period", 14), Column("entity", "Entity", 14), Column("metric", "Metric", 18),
    Column("data_value", "Value in data file", 12), Column("unit", "Unit", 6),
    Column("basis", "Basis", 12), Column("source_title", "Source", 70), Column("source_url", "Link", 60),
    Column("data_row", "Data file row", 8),
)
SRC = {c.field: i for i, c in enumerate(SOURCES_COLUMNS)}    # field -> column index


# --- what a cell is for -----------------------------------------------------------------

class Role(str, Enum):
    """The role of a model cell; a layout's style key is '<role>|<unit>[|<basis>]' for
    the roles that carry a unit, else a plain style name (a label, a header ...)."""
    INPUT = "input"          # a person's figure or assumption: unlocked, tinted by basis
    CALC = "calc"            # a formula
    FORECAST = "forecast"    # a formula in a forecast period (shaded)
    PLAIN = "plain"          # a number the model writes that is not an input (Sources values)
    OTHER = "other"          # labels, headers, notes, links


@dataclass(frozen=True)
class CellStyle:
    role: Role
    unit: str = ""
    basis: str = ""
    name: str = ""           # the plain style name for Role.OTHER


def style_key(role: Role, unit: str, basis: str = "") -> str:
    """The style key of a cell with a unit: 'input|$M|estimate', 'calc|%'."""
    return f"{role.value}|{unit}|{basis}" if role is Role.INPUT else f"{role.value}|{unit}"


def parse_style(key: str) -> CellStyle:
    """The role, unit and basis a style key stands for."""
    kind, _, rest = key.partition("|")
    try:
        role = Role(kind)
    except ValueError:
        return CellStyle(Role.OTHER, name=key)
    if role is Role.INPUT:
        unit, _, basis = rest.partition("|")
        return CellStyle(role, unit, basis or "reported")
    return CellStyle(role, rest)


def is_input(key: str) -> bool:
    return key.startswith(Role.INPUT.value + "|")


def period_pattern(label_regex: str) -> re.Pattern:
    return re.compile(label_regex)


# A person's figure that differs from its Sources row on purpose: the row's note on Inputs
# (column E) says so, with a reason, e.g. "override: restated in the FY26 Q2 release".
OVERRIDE_NOTE = r"^\s*override\b\s*[:\-–]?\s*\S.{2,}"
