"""Refresh a workbook from the data file without losing what people typed.

    workbook (as people left it) --read--> inputs W      data file --load--> D
    W + D --merge--> inputs M, with every disagreement reported
    M --lay out, write (atomically, after a backup)--> workbook

A figure a person changed or typed is kept, and where the data file says
something else that is reported as a conflict (``take_data`` takes the data's).
Any edit outside the input cells stops the refresh unless ``force``.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from . import spec
from .data import Dataset, Period, load
from .inputs import Entry, ModelInputs, describe, from_dataset, input_rows
from .layout import lay_out
from .package import UnreadableFile
from .reader import ModelNotFound, read_book, read_model_inputs, timeline
from .rules import Finding
from .structure import compare_structure, expected_layout
from .writer import WriteError, atomic_path, write

KEEP_BACKUPS = 5
BACKUP_DIR = ".backup"


class RefreshRefused(RuntimeError):
    """The refresh did not run; the workbook is untouched. ``findings`` says why, cell by cell."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        self.findings = findings or []
        super().__init__(message)


@dataclass(frozen=True)
class Conflict:
    sheet: str
    cell: str
    what: str
    yours: float | None
    data: float | None
    kept: str            # 'yours' or 'data'

    def __str__(self) -> str:
        y = "blank" if self.yours is None else f"{self.yours:g}"
        return (f"{self.sheet}!{self.cell} {self.what}: yours {y}, data file {self.data:g}; "
                f"kept {self.kept}")


@dataclass
class Report:
    path: Path
    written: bool = False
    backup: Path | None = None
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    new_periods: list[str] = field(default_factory=list)
    forced_over: list[Finding] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.path}: " + ("refreshed" if self.written else "already up to date; nothing written")]
        if self.new_periods:
            out.append(f"  new quarters: {', '.join(self.new_periods)}")
        out.append(f"  figures added from data: {len(self.added)}, updated from data: "
                   f"{len(self.updated)}, your edits kept: {len(self.kept_edits)}, "
                   f"conflicts: {len(self.conflicts)}")
        out += [f"  updated {u}" for u in self.updated]
        out += [f"  conflict {c}" for c in self.conflicts]
        out += [f"  forced over {f}" for f in self.forced_over]
        if self.backup:
            out.append(f"  previous version kept as {self.backup}")
        return out


def lock_files(book: Path) -> list[Path]:
    """Lock files Excel (~$name) and LibreOffice (.~lock.name#) leave beside an open workbook."""
    return [p for p in (book.parent / f"~${book.name}", book.parent / f".~lock.{book.name}#")
            if p.exists()]


def _merge_cell(where: str, what: str, w: Entry | None, d: Entry | None, cleared: bool,
                take_data: bool, rep: Report) -> Entry | None:
    """One input cell: the workbook's entry ``w`` against the data file's ``d``."""
    sheet, _, cell = where.partition("!")
    if w is None and not cleared:
        if d is not None:
            rep.added.append(f"{where} {what} = {d.value:g}")
        return d
    if w is not None and w.basis != "user":            # still as the data file once said
        if d is None:
            return w
        if d.value != w.value or d.basis != w.basis:
            rep.updated.append(f"{where} {what}: {w.value:g} -> {d.value:g}")
        return d
    # a person typed, changed or cleared this figure
    yours = None if w is None else w.value
    if d is None or (w is not None and d.value == w.value):
        if w is not None and d is None:
            rep.kept_edits.append(f"{where} {what}")
        return d if d is not None else w
    keep = "data" if take_data else "yours"
    rep.conflicts.append(Conflict(sheet, cell, what, yours, d.value, keep))
    if take_data:
        return d
    rep.kept_edits.append(f"{where} {what}")
    return None if w is None else replace(w, data_value=d.value, data_row=d.data_row)


def merge(wb: ModelInputs, cleared: set, fresh: ModelInputs, take_data: bool, rep: Report,
          where, known: set | None = None) -> ModelInputs:
    """The refreshed inputs: data figures where nobody typed, people's values where they did.
    ``known`` are the quarters already on the model's timeline (default: all of ``wb``'s)."""
    periods = sorted(set(wb.periods) | set(fresh.periods))
    periods = [periods[0].shifted(i) for i in range(periods[-1].index - periods[0].index + 1)]
    known = set(wb.periods) if known is None else known
    rep.new_periods = [p.label for p in periods if p not in known]
    figures = {}
    for pk in sorted(set(wb.figures) | set(fresh.figures), key=lambda t: (t[1], t[0])):
        e = _merge_cell(where(spec.INPUTS, *pk), f"{pk[1]} {pk[0].label}", wb.figures.get(pk),
                        fresh.figures.get(pk), pk in cleared, take_data, rep)
        if e is not None:
            figures[pk] = e
    scenarios = {}
    for p in periods:
        for s in spec.SCENARIO_ROWS:
            pk = (p, s.key)
            w, d = wb.scenarios.get(pk), fresh.scenarios.get(pk)
            d_data = d if d is not None and d.basis != "assumption" else None
            if w is None and pk not in cleared:                # nothing there yet
                e = d
            elif w is not None and w.basis == "assumption":   # the default, untouched
                e = w if d_data is None else d_data
                if d_data is not None:
                    rep.added.append(f"{where(spec.ASSUMPTIONS, *pk)} {s.key} {p.label} = {d.value:g}")
            else:
                e = _merge_cell(where(spec.ASSUMPTIONS, *pk), f"{s.key} {p.label}", w, d_data,
                                pk in cleared, take_data, rep)
            if e is not None:
                scenarios[pk] = e
    ends = dict(wb.period_ends)
    ends.update(fresh.period_ends)
    return replace(wb, periods=periods, period_ends=ends, figures=figures, scenarios=scenarios,
                   rows=input_rows({r.key for r in wb.rows} | {k for _, k in figures}))


def _backup(book: Path, now: datetime, keep: int) -> Path:
    folder = book.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    dest = folder / f"{book.stem}.{now:%Y%m%d-%H%M%S}{book.suffix}"
    with atomic_path(dest) as tmp:
        shutil.copy2(book, tmp)
    olds = sorted(folder.glob(f"{book.stem}.*{book.suffix}"))
    for old in olds[:-keep] if keep > 0 else []:
        old.unlink()
    return dest


def refresh(book: str | Path, data: str | Path, take_data: bool = False, force: bool = False,
            keep_backups: int = KEEP_BACKUPS, now: datetime | None = None) -> Report:
    """Refresh ``book`` in place from ``data``; see the module docstring."""
    book = Path(book)
    rep = Report(book)
    locks = lock_files(book)
    if locks:
        raise RefreshRefused(f"{book} is open in Excel or LibreOffice ({locks[0].name} is beside it); "
                             "close it and refresh again. Nothing was changed.")
    if not book.exists():
        raise RefreshRefused(f"{book}: no such workbook; build it first with python -m model build")
    ds: Dataset = load(data)
    try:
        read = read_book(book, styles=False)
        sheets = read.cells
    except UnreadableFile as exc:
        raise RefreshRefused(f"{exc}; nothing was changed") from exc
    except Exception as exc:   # not a zip, not a workbook, damaged: say so, touch nothing
        raise RefreshRefused(f"{book}: cannot be read as a workbook ({exc})") from exc
    try:
        wb, problems, cleared = read_model_inputs(sheets)
    except ModelNotFound as exc:
        raise RefreshRefused(f"{book}: {exc}") from exc
    if problems:
        raise RefreshRefused(f"{book}: input cells hold values the model cannot use:\n  "
                             + "\n  ".join(problems))
    findings = [f for f in compare_structure(sheets, *expected_layout(sheets, wb))
                if f.severity == "error"]
    if findings and not force:
        raise RefreshRefused(f"{book} was edited outside its input cells; refresh with --force to "
                             "rebuild over these edits (the previous file is kept as a backup)",
                             findings)
    rep.forced_over = findings
    fresh = from_dataset(ds)

    timelines = {s: timeline(s, sheets[s]) for s in (spec.INPUTS, spec.ASSUMPTIONS)}

    def where(sheet, period: Period, key):
        return f"{sheet}!{_cell_of(timelines[sheet], period, key)}"

    model_labels = set(timeline(spec.CALCS, sheets[spec.CALCS]).cols)
    merged = merge(wb, cleared, fresh, take_data, rep, where,
                   {p for p in wb.periods if p.label in model_labels})
    merged.provenance = dict(wb.provenance, built_at=(read.created or datetime(2000, 1, 1)).isoformat())
    if merged == replace(wb, provenance=merged.provenance) and wb.provenance.get(
            "Built from") == describe(ds) and not findings:
        return rep
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    merged.provenance["Built from"] = describe(ds)
    merged.provenance["Last refresh"] = f"{now:%Y-%m-%d %H:%M} UTC from {describe(ds)}"
    try:
        rep.backup = _backup(book, now, keep_backups)
    except OSError as exc:
        raise WriteError(f"{book}: cannot keep a backup before refreshing ({exc.strerror or exc}); "
                         "the workbook is unchanged") from exc
    from .build import vba_for
    write(lay_out(merged), book, vba_for(book))
    rep.written = True
    return rep


def _cell_of(tl, period: Period, key: str) -> str:
    """Where a figure is in the workbook as read (for messages); '(label)' for a new period."""
    code = next((s.scenario for s in spec.SCENARIO_ROWS if s.key == key), key)
    r, c = tl.rows.get(code), tl.cols.get(period.label)
    return xl_rowcol_to_cell(r, c) if r is not None and c is not None else f"({period.label})"
