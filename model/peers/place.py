"""Where the peers sheets put what several modules find: each business's column in the
one-column-per-business blocks, and the quarters the Comparison shows. The layout places
cells by these; the reference and the charts find them by the same."""
from __future__ import annotations

from ..core.grid import FIRST_PERIOD_COL as P0
from . import spec

# latest block / scatter: one business every second column, so its text (a fiscal label) can
# spill into the empty column beside it
COMPANY_COL = {c.code: P0 + 2 * i for i, c in enumerate(spec.COMPANIES)}
COMPANY_COL[spec.CSP_CODE] = P0 + 2 * len(spec.COMPANIES)      # the latest block only: Lenovo's CSP estimate


def comparison_quarters(lay) -> dict[int, str]:
    """Comparison column -> the calendar quarter it shows: the latest spec.COMPARISON_QUARTERS
    (all of them on a shorter timeline), so the meeting page prints legibly; the chart sheets
    and Calculations keep the whole history."""
    labels = [p.label for p in lay.inputs.periods][-spec.COMPARISON_QUARTERS:]
    return {P0 + i: label for i, label in enumerate(labels)}
