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

STAMP_MODEL = "isg_model"         # custom document property: which model built the workbook
DEFAULT = "lenovo_isg"            # a workbook without the stamp (0.1.0, 0.2.0) is this one

# model key -> 'module:function' returning its Model
REGISTRY = {
    "lenovo_isg": "model.lenovo:model",
    "ai_server_peers": "model.peers:model",
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
    input_rows: Callable | None = None   # (keys, first) -> input rows in order (default Lenovo's)
    check_rows: tuple = ()
    scalars: tuple = ()           # spec.Scalar values on the Assumptions sheet (column E)
    scenario_rows: tuple = ()     # spec.ScenarioRow values: margin rows per quarter on Assumptions
    sensitivity: str | None = None   # the sensitivity sheet, if the model has one
    macro_twin: bool = False      # builds an .xlsm twin with the xlwings Refresh button        # spec Check values (key, label, warning) on the Checks sheet
    print_scale: int = 60         # timeline sheets: percent
    period_name: str = "Periods"  # defined name of the period labels (chart categories)
    draw_chart: Callable | None = None   # (workbook, layout, chart) -> an XlsxWriter chart, or
                                         # None to draw it as columns/lines over the periods
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


def get(key: str) -> Model:
    """The model called ``key``; ValueError naming the known ones otherwise."""
    if key not in REGISTRY:
        raise ValueError(f"no model {key!r} (known: {', '.join(REGISTRY)})")
    if key not in _CACHE:
        mod, _, fn = REGISTRY[key].partition(":")
        _CACHE[key] = getattr(importlib.import_module(mod), fn)()
    return _CACHE[key]


def all_models() -> list[Model]:
    return [get(k) for k in REGISTRY]


def key_of(props: dict) -> str:
    """The model key a workbook's custom properties name (DEFAULT when unstamped)."""
    return str(props.get(STAMP_MODEL) or DEFAULT)


def of_book(path) -> Model:
    """The model that built the workbook at ``path``, from its stamp; a workbook without
    one is the Lenovo model (every release before 0.3.0 built only that)."""
    from .patch import ZipPackage, custom_properties
    try:
        props = custom_properties(ZipPackage(Path(path)))
    except Exception:            # unreadable: the caller's own read reports why
        props = {}
    key = key_of(props)
    if STAMP_MODEL not in props:         # unstamped (or the stamp was lost): by its sheets
        key = _by_sheets(path) or key
    if key not in REGISTRY:
        raise ValueError(f"{path}: built by a model this version does not know ({key!r}); "
                         f"known: {', '.join(REGISTRY)}")
    return get(key)


def _by_sheets(path) -> str | None:
    """The model whose worksheets the workbook at ``path`` has, when it is not Lenovo's
    (a stamp dropped by some program must not make the peers workbook a broken Lenovo one)."""
    from .patch import ZipPackage, sheet_order
    try:
        have = set(sheet_order(ZipPackage(Path(path))))
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
