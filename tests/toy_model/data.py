"""The toy data file: one figure a row (quarter, period end, metric, value, basis, source)."""
from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

from model.core.dataset import DataError, Dataset, Figure, parse_label  # noqa: F401
from . import spec

COLUMNS = ("quarter", "period_end", "metric", "value", "basis", "source_title", "source_url")


def load(paths) -> Dataset:
    """Read the one data file; DataError listing every bad row as file:row: why."""
    paths = list(paths) if isinstance(paths, (list, tuple)) else [paths]
    path = Path(paths[0])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([f"{path}: cannot read it ({exc.strerror or exc})"]) from exc
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    problems, figures = [], []
    for n, row in enumerate(rows, start=2):
        try:
            p = parse_label(row["quarter"])
            metric = row["metric"]
            if f"{spec.ENTITY}.{metric}" not in spec.INPUT_KEYS:
                raise ValueError(f"unknown metric {metric!r}")
            if row["basis"] not in spec.BASES:
                raise ValueError(f"unknown basis {row['basis']!r}")
            figures.append(Figure(p, spec.ENTITY, metric, float(row["value"]), "usd_m", row["basis"],
                                  row["source_title"], row["source_url"],
                                  date.fromisoformat(row["period_end"]), n))
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(f"{path}:{n}: {exc}")
    if problems:
        raise DataError(problems)
    return Dataset(path, tuple(figures), hashlib.sha256(raw).hexdigest())
