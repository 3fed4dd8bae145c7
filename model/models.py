"""The models this tool builds, each a value.

A ``Model`` bundles what build, refresh, audit, diff and bench need to know of one
workbook: its sheets, charts and public names (from its spec module), and the functions
of its pipeline (load the data, lay out, read a workbook back, recompute independently).
Every command finds the model of a workbook from the workbook's own stamp (the custom
document property ``isg_model``), so it works on either workbook the same way.

A new model is a package like ``model/lenovo/`` or ``model/peers/`` (whose ``model()``
returns its Model), its Cover text and its data: one line in ``REGISTRY`` below names it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import ModelError

STAMP_MODEL = "isg_model"         # custom document property: which model built the workbook
DEFAULT = "lenovo_isg"            # a workbook without the stamp (0.1.0, 0.2.0) is this one

# model key -> 'module:function' returning its Model
REGISTRY = {
    "lenovo_isg": "model.lenovo:model",
    "ai_server_peers": "model.peers:model",
    "ai_value_chain": "model.value_chain:model",
}


@dataclass(frozen=True)
class Model:
    key: str                      # stamped into the workbook (STAMP_MODEL)
    title: str                    # page headers, document title
    workbook: str                 # default file name under workbooks/
    data: tuple[str, ...]         # default data files under data/
    cover: str
    inputs: str
    assumptions: str
    calcs: str
    checks: str
    sources: str
    worksheets: tuple[str, ...]   # the model's worksheets a refresh cannot do without
    timeline_sheets: tuple[str, ...]
    charts: tuple                 # spec.Chart values, one chart sheet each
    chart_after: str              # the chart sheets follow this worksheet
    active: str                   # the sheet that opens first
    period_regex: str             # a period label on the timeline
    parse_label: Callable         # 'FY2025/26 Q1' / '2025 Q3' -> period
    names: Callable[[], dict]     # public defined names -> row key
    load: Callable                # data paths -> dataset (DataError with file:row)
    from_dataset: Callable        # dataset -> ModelInputs
    read_inputs: Callable         # sheets -> (ModelInputs, problems, cleared)
    lay_out: Callable             # (ModelInputs, source order) -> Layout
    reference: Callable           # ModelInputs -> the independent recompute
    compare: Callable             # (expected, values, errors, lay) -> [Mismatch]
    cached: Callable              # (Layout, expected) -> {(sheet, r, c): value}
    input_rows: Callable          # (keys, first) -> input rows in order
    check_rows: tuple = ()
    scalars: tuple = ()           # spec.Scalar values on the Assumptions sheet (column E)
    scenario_rows: tuple = ()     # spec.ScenarioRow values: margin rows per quarter on Assumptions
    sensitivity: str | None = None   # the sensitivity sheet, if the model has one
    macro_twin: bool = False      # builds an .xlsm twin with the xlwings Refresh button
    button_cell: tuple = (2, 1)   # the twin's Refresh button on the Cover (row, column; 0-based)
    stamped: bool = True          # writes its key into the workbook (STAMP_MODEL); the Lenovo
                                  # workbook stays as releases before 0.3.0 stamped it (without)
    chart_data: str = "Chart data"   # the sheet the charts plot (#N/A there is a gap, on purpose)
    sensitivity_axes: Callable | None = None   # sensitivity cells -> (quarter row, header row,
                                               # margins, intensities, first grid column)
    sensitivity_ranges: tuple = ()   # valid (margin range, intensity range) of the grid's axes
    assumption_figures: dict = field(default_factory=dict)   # scenario row key -> the data
                                  # figure (Sources key) that feeds it, e.g. Lenovo's Base margin
    print_scale: int | None = 60  # timeline sheets: percent (None: each fits its SheetLayout.fit_width pages across)
    period_name: str = "Periods"  # defined name of the period labels (chart categories)
    draw_chart: Callable | None = None   # (workbook, layout, chart) -> an XlsxWriter chart, or
                                         # None to draw it as columns/lines over the periods
    quotes: str | None = None     # a sheet of the sources' words, one row a figure, kept in place
    figure_ranges: dict = field(default_factory=dict)   # metric -> (lo, hi) an Inputs figure may take
    drivers: tuple = ()           # core.spec.Driver values: inputs beside the timeline, with ranges
    extra: dict = field(default_factory=dict)

    @property
    def default_data(self) -> tuple[Path, ...]:
        from . import ROOT
        return tuple(ROOT / "data" / d for d in self.data)

    @property
    def default_workbook(self) -> Path:
        from . import ROOT
        return ROOT / "workbooks" / self.workbook


_CACHE: dict[str, Model] = {}


class UnknownModel(ModelError, ValueError):
    """No registered model of that name (the message names the known ones)."""


def get(key: str) -> Model:
    """The model called ``key``; UnknownModel (a ValueError) naming the known ones otherwise."""
    if key not in REGISTRY:
        raise UnknownModel(f"no model {key!r} (known: {', '.join(REGISTRY)})")
    if key not in _CACHE:
        mod, _, fn = REGISTRY[key].partition(":")
        _CACHE[key] = getattr(importlib.import_module(mod), fn)()
    return _CACHE[key]


def all_models() -> list[Model]:
    return [get(k) for k in REGISTRY]


def key_of(props: dict) -> str:
    """The model key a workbook's custom properties name (DEFAULT when unstamped)."""
    return str(props.get(STAMP_MODEL) or DEFAULT)


def of_book(source) -> Model:
    """The model that built the workbook ``source`` (a model.core.workbook.Workbook already
    read, or a path), from its stamp; a workbook without one is the Lenovo model (every
    release before 0.3.0 built only that)."""
    from .core.workbook import Workbook
    try:
        wb = Workbook.of(source)
        props = wb.custom_properties
    except Exception:            # unreadable: the caller's own read reports why
        wb, props = None, {}
    where = getattr(source, "path", source)
    key = key_of(props)
    if STAMP_MODEL not in props and wb is not None:   # unstamped (or the stamp was lost): by its sheets
        key = _by_sheets(wb) or key
    if key not in REGISTRY:
        raise UnknownModel(f"{where}: built by a model this version does not know ({key!r}); "
                           f"known: {', '.join(REGISTRY)}")
    return get(key)


def _by_sheets(wb) -> str | None:
    """The model whose worksheets the workbook ``wb`` has, when it is not Lenovo's
    (a stamp dropped by some program must not make the peers workbook a broken Lenovo one)."""
    try:
        have = set(wb.sheet_names)
    except Exception:
        return None
    if set(get(DEFAULT).worksheets) <= have:
        return DEFAULT
    return next((k for k in REGISTRY if k != DEFAULT and set(get(k).worksheets) <= have), None)


def of_workbook_name(path) -> Model | None:
    """The model whose default workbook has this file name (for a path not yet built): a
    model's workbook is named after its key (lenovo_isg.xlsx, ai_server_peers.xlsm)."""
    stem = Path(path).stem
    return get(stem) if stem in REGISTRY else None
