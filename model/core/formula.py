"""Formula text as every command compares it: the one normaliser."""
from __future__ import annotations

import re

_STRINGS = re.compile(r'("[^"]*")')


def normalise(formula: str) -> str:
    """Formula text compared across programs: no '=', spaces or _xlfn. prefixes, and
    upper case, outside string literals."""
    f = formula.lstrip("=").replace("_xlfn.", "").replace("_xlws.", "")
    return "".join(part if part.startswith('"') else re.sub(r"\s+", "", part).upper()
                   for part in _STRINGS.split(f))
