"""The build pipeline: data file -> inputs -> layout -> workbook on disk."""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from . import DEFAULT_DATA, DEFAULT_WORKBOOK, __version__
from .core.inputs import ModelInputs
from .errors import ModelError
from .writer import atomic_path, write


class BuildRefused(ModelError, ValueError):
    """The build cannot make what was asked; nothing was written."""


def stamp(mi: ModelInputs) -> None:
    """Record the model version and build time (SOURCE_DATE_EPOCH, else the
    latest period end), so the same inputs give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        when = datetime.fromtimestamp(int(epoch), timezone.utc).replace(tzinfo=None)
    elif mi.period_ends:
        d = max(mi.period_ends.values())
        when = datetime(d.year, d.month, d.day)
    else:
        when = datetime(2000, 1, 1)
    mi.provenance["built_at"] = when.isoformat()
    mi.provenance["Built by"] = f"model {__version__}, dated {when:%Y-%m-%d %H:%M} UTC"


HANDLER_TEMPLATE = Path(__file__).resolve().parent / "templates" / "xlwings_main.py"


def vba_for(book: Path):
    """The VBA project a workbook gets: xlwings' for an .xlsm, none otherwise."""
    if Path(book).suffix.lower() != ".xlsm":
        return None
    from .vba import vba_project
    return vba_project()


def cached_for(lay) -> dict:
    """The independent recompute's value of each formula cell, stored with it."""
    m = lay.spec
    return m.cached(lay, m.reference(lay.inputs))


def build(data: str | Path | tuple = DEFAULT_DATA, out: str | Path = DEFAULT_WORKBOOK,
          model: str | None = None) -> Path:
    """Build the workbook at ``out`` of ``model`` (a key of model.models; default: the model
    whose workbook has ``out``'s name, else Lenovo's) from ``data`` (a path, or several;
    None: the model's own data files). An .xlsm gets the Refresh button and, beside it,
    the .py of the same name that xlwings runs."""
    from . import models
    out = Path(out)
    m = models.get(model) if model else (models.of_workbook_name(out) or models.get(models.DEFAULT))
    if out.suffix.lower() == ".xlsm" and not m.macro_twin:
        raise BuildRefused(f"{out}: the {m.key} model has no Refresh button (only the Lenovo "
                           "workbook has an .xlsm twin); write an .xlsx. Nothing was written.")
    if data is None:
        data = m.default_data
    mi = m.from_dataset(m.load(tuple(data) if isinstance(data, (list, tuple)) else (data,)))
    stamp(mi)
    lay = m.lay_out(mi)
    path = write(lay, out, vba_for(out), cached_for(lay))
    if out.suffix.lower() == ".xlsm":
        handler = out.with_suffix(".py")
        with atomic_path(handler) as tmp:
            shutil.copyfile(HANDLER_TEMPLATE, tmp)
    return path
