"""Number formats by unit, and how each basis marks an input figure (every model's)."""
from __future__ import annotations


FORMATS = {
    "$M": '#,##0.0_);(#,##0.0)',
    "%": '0.0%_);(0.0%)',
    "x": '0.00"x"_);(0.00"x")',
    "count": '0_)',
    "text": "General",
    "%2": '0.00%_);(0.00%)',     # sensitivity axis: the exact margin (16.75%, not 16.8%)
    "index": '0.0_);(0.0)',      # an index (base = 100), model.peers
    "years": '0.0_);(0.0)',      # a span of years as typed (3.5, not 4), model.lenovo Outlook
    "wtext": "General",          # text that wraps in its cell (a calc style adds the wrap)
    "pts": '+0.0" pts"_);-0.0" pts"_)',    # a change in margin, in percentage points (model.value_chain)
}
BASIS_MARK = {  # (prefix, suffix, fill colour)
    "reported": ("", "", "#FFF2CC"),
    "estimate": ("", '"e"', "#FCE4D6"),
    "approx": ('"~"', "", "#E4DFEC"),
    "lower_bound": ('"≥"', "", "#E2EFDA"),
    "derived": ("", '"d"', "#DDEBF7"),     # arithmetic on sourced totals (FY less 9M ...)
}


def input_format(unit: str, basis: str) -> str:
    """Number format of an input cell: the unit's format with the basis marker."""
    prefix, suffix, _ = BASIS_MARK[basis]
    if ";" not in FORMATS[unit]:                     # counts: no sign section
        return FORMATS[unit]
    pos, neg = FORMATS[unit].replace("_)", "").split(";")
    return f"{prefix}{pos}{suffix}_);{prefix}{neg}{suffix}"


# A chart point that rests on a marked figure: its marker's shape (in the series' colour), and the
# legend's words for it; reported points keep the series' circle.
POINT_MARK = {  # basis -> (legend words, marker shape)
    "derived": ("d: the point rests on a derived figure", "square"),
    "lower_bound": ("≥: the point rests on a lower bound", "x"),
    "approx": ("~: the point rests on an approximate figure", "diamond"),
    "estimate": ("e: the point rests on an estimate", "triangle"),
}
