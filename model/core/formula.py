"""Formula text as every command compares and shows it: the one normaliser.

``canonical`` takes out what differs between the programs that save a workbook (prefixes,
spaces, needless quotes on sheet names): model.textconv shows it. ``normalise`` is that,
upper case outside string literals and without the '=': the structure check, the refresh
and diff compare formulas with it. ``normalise_ref`` is a reference (a chart series, a
defined name) as compared: no '$', quotes or workbook prefix.
"""
from __future__ import annotations

import re

_LITERAL = re.compile(r'("(?:[^"]|"")*"|\'(?:[^\']|\'\')*\')')     # "text" or 'Sheet name'
_PREFIX = re.compile(r"_xl(?:fn|ws|pm)\.", re.I)
_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_CELL_LIKE = re.compile(r"(?:[A-Za-z]{1,3}[0-9]+|[RrCc][0-9]*|TRUE|FALSE)", re.I)


def sheet_ref(name: str) -> str:
    """A sheet name as a formula would write it: quoted only when it must be."""
    if _PLAIN_SHEET.fullmatch(name) and not _CELL_LIKE.fullmatch(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def _space(m: re.Match) -> str:
    """Spaces go, except one between two references ('A1:B9 B2:C3'), the intersection operator."""
    text, i, j = m.string, m.start(), m.end()
    keep = i > 0 and j < len(text) and re.match(r"[\w$)]", text[i - 1]) and re.match(r"[\w$(]", text[j])
    return " " if keep else ""


def canonical(text: str) -> str:
    """Formula text with the differences between programs taken out: '=' first, no
    _xlfn./_xlws./_xlpm. prefixes, no spaces outside literals but the intersection
    operator, sheet names quoted only where they must be (model.textconv shows it)."""
    parts = []
    for part in _LITERAL.split(text.lstrip("=")):
        if part.startswith('"'):
            parts.append(part)
        elif part.startswith("'"):                 # a quoted sheet name
            name = part[1:-1].replace("''", "'")
            parts.append(sheet_ref(name))
        else:
            parts.append(re.sub(r"\s+", _space, _PREFIX.sub("", part)))
    return "=" + "".join(parts)


_STRINGS = re.compile(r'("(?:[^"]|"")*")')


def normalise(formula: str) -> str:
    """Formula text compared across programs: canonical, without '=', upper case outside
    string literals."""
    return "".join(part if part.startswith('"') else part.upper()
                   for part in _STRINGS.split(canonical(str(formula))[1:]))


def normalise_ref(ref: str) -> str:
    """A reference as compared: no '=', '$', quotes, workbook prefix ('[0]!'), upper case."""
    return re.sub(r"^\[\d+\]!", "", ref.lstrip("=").replace("$", "").replace("'", "")).upper()
