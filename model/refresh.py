"""Refresh a workbook from the data file without losing what people did to it.

    workbook (as people left it) --read--> inputs W, and the layout L(W) they imply
    data file --load--> D;  W + D --merge--> inputs M, every disagreement reported
    L(W) -> L(M): only the model cells that change are written into the workbook's
    own package (model.patch); every other part stays as the person saved it

A figure a person changed or typed is kept, and where the data file says
something else that is reported as a conflict (``take_data`` takes the data's).
Comments, formats, names, charts, sheets and macros a person added are carried
over untouched. A model cell a person overwrote (a number over a formula, a
changed formula) stops the refresh unless ``force``, which restores just those
cells. The write is atomic, after a backup, under an OS lock, and refused if
another program saved the file meanwhile.
"""
from __future__ import annotations

import io
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from . import __version__, models
from .errors import ModelError
from .core.dataset import Dataset, Period
from .core.inputs import Entry, ModelInputs, describe, same_value
from .core.package import UnreadableFile
from .patch import (
    Patch,
    PatchConflict,
    ZipPackage,
    apply,
    set_custom_properties,
    sheet_order,
    store_values,
)
from .releases import OLDEST, known, new_since
from .core.reader import WITHDRAWN, ModelNotFound, source_order, timeline
from .core.workbook import Workbook
from .charts import zero_size
from .core.grid import is_input
from .rules import Finding
from .structure import compare_structure, expected_layout
from .writer import STAMP_LAYOUT, STAMP_VERSION, WriteError, atomic_path, render, write_bytes

KEEP_BACKUPS = 5
BACKUP_DIR = ".backup"


class RefreshRefused(ModelError, RuntimeError):
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
    withdrawn: list[str] = field(default_factory=list)
    forced_over: list[Finding] = field(default_factory=list)
    patch: Patch | None = None

    def lines(self, verbose: bool = False) -> list[str]:
        """The report: a summary by kind, then only what a person should look at (conflicts,
        withdrawn figures, cells forced over, their content the refresh wrote over);
        ``verbose``: every figure and cell as well."""
        out = [f"{self.path}: " + ("refreshed" if self.written else "already up to date; nothing written")]
        if self.new_periods:
            out.append(f"  new quarters: {', '.join(self.new_periods)}")
        out.append(f"  figures added from data: {len(self.added)}, updated from data: "
                   f"{len(self.updated)}, withdrawn from data: {len(self.withdrawn)}, your edits "
                   f"kept: {len(self.kept_edits)}, conflicts: {len(self.conflicts)}")
        written = self.patch is not None and self.written
        if written:
            by_sheet: dict[str, int] = {}
            for c in self.patch.cells:
                by_sheet[c.partition("!")[0]] = by_sheet.get(c.partition("!")[0], 0) + 1
            out.append(f"  cells written: {len(self.patch.cells)} ("
                       + ", ".join(f"{s} {n}" for s, n in by_sheet.items()) + ")"
                       + (f"; references extended: {len(self.patch.references)}" if self.patch.references else ""))
            out.append("  everything else in the file (comments, formats, names, charts, sheets, "
                       "macros) kept as it was")
        look = ([f"  conflict {c}" for c in self.conflicts]
                + [f"  withdrawn {w}" for w in self.withdrawn]
                + [f"  forced over {f}" for f in self.forced_over]
                + ([f"  replaced {r}" for r in self.patch.overwritten] if written else []))
        if look:
            out.append("  to look at:")
            out += look
        if verbose:
            out += [f"  added {a}" for a in self.added]
            out += [f"  updated {u}" for u in self.updated]
            out += [f"  kept your edit {k}" for k in self.kept_edits]
            if written:
                quiet = set(self.patch.overwritten)
                out += [f"  replaced {r}" for r in self.patch.replaced if r not in quiet]
                out += [f"  extended {r}" for r in self.patch.references]
        elif written and (self.added or self.updated or len(self.patch.replaced) > len(self.patch.overwritten)):
            out.append("  (every figure and cell: --verbose, or --json)")
        if self.backup:
            out.append(f"  previous version kept as {self.backup}")
        return out


    def as_json(self) -> dict:
        """Everything the refresh did, for --json."""
        p = self.patch if self.written else None
        return {"workbook": str(self.path), "written": self.written,
                "backup": str(self.backup) if self.backup else None,
                "new_quarters": self.new_periods, "added": self.added, "updated": self.updated,
                "withdrawn": self.withdrawn, "kept_edits": self.kept_edits,
                "conflicts": [dict(vars(c)) for c in self.conflicts],
                "forced_over": [f"{f.sheet}!{f.cell}: {f.message}" for f in self.forced_over],
                "to_look_at": [] if p is None else p.overwritten,
                "replaced": [] if p is None else p.replaced,
                "cells_written": [] if p is None else p.cells,
                "references_extended": [] if p is None else p.references}


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
        if d is None:                                   # ... but the data file dropped it
            rep.withdrawn.append(f"{where} {what} = {w.value:g}" +
                                 (" (removed)" if take_data else " (kept as your value)"))
            return None if take_data else replace(w, basis="user", data_basis=WITHDRAWN)
        if not same_value(d.value, w.value) or d.basis != w.basis:
            change = (f"{w.value:g} -> {d.value:g}" if not same_value(d.value, w.value)
                      else f"basis {w.basis} -> {d.basis}")
            rep.updated.append(f"{where} {what}: {change}")
            return d
        return w if (d.source_title, d.source_url, d.data_row) == (
            w.source_title, w.source_url, w.data_row) else d
    # a person typed, changed or cleared this figure
    if d is None and take_data and w is not None and w.data_basis == WITHDRAWN:
        rep.withdrawn.append(f"{where} {what} = {w.value:g} (removed)")
        return None
    if d is None and w is not None and w.data_value is not None and w.data_basis != WITHDRAWN:
        # the data file dropped the figure behind a person's override: say so, once
        rep.withdrawn.append(f"{where} {what}: the data file no longer has it (was "
                             f"{w.data_value:g}); your {w.value:g} is kept")
        return replace(w, data_basis=WITHDRAWN)
    yours = None if w is None else w.value
    if d is None or (w is not None and same_value(d.value, w.value)):
        if w is not None and d is None:
            rep.kept_edits.append(f"{where} {what}")
        return d if d is not None else w
    keep = "data" if take_data else "yours"
    rep.conflicts.append(Conflict(sheet, cell, what, yours, d.value, keep))
    if take_data:
        return d
    rep.kept_edits.append(f"{where} {what}")
    return None if w is None else replace(w, data_value=d.value, data_row=d.data_row,
                                          source_title=d.source_title, source_url=d.source_url,
                                          data_basis=d.basis)


def merge(wb: ModelInputs, cleared: set, fresh: ModelInputs, take_data: bool, rep: Report,
          where, known: set | None, m: models.Model) -> ModelInputs:
    """The refreshed inputs: data figures where nobody typed, people's values where they did.
    ``known`` are the quarters already on the model's timeline (default: all of ``wb``'s);
    ``m`` the model."""
    periods = sorted(set(wb.periods) | set(fresh.periods))
    periods = [periods[0].shifted(i) for i in range(periods[-1].index - periods[0].index + 1)]
    known = set(wb.periods) if known is None else known
    rep.new_periods = [p.label for p in periods if p not in known]
    figures = {}
    for pk in sorted(set(wb.figures) | set(fresh.figures), key=lambda t: (t[1], t[0])):
        e = _merge_cell(where(m.inputs, *pk), f"{pk[1]} {pk[0].label}", wb.figures.get(pk),
                        fresh.figures.get(pk), pk in cleared, take_data, rep)
        if e is not None:
            figures[pk] = e
    scenarios = {}
    for p in periods:
        for s in m.scenario_rows:
            pk = (p, s.key)
            w, d = wb.scenarios.get(pk), fresh.scenarios.get(pk)
            d_data = d if d is not None and d.basis != "assumption" else None
            if w is None and pk not in cleared:                # nothing there yet
                e = d
            elif w is not None and w.basis == "assumption":   # the default, untouched
                e = w if d_data is None else d_data
                if d_data is not None:
                    rep.added.append(f"{where(m.assumptions, *pk)} {s.key} {p.label} = {d.value:g}")
            else:
                e = _merge_cell(where(m.assumptions, *pk), f"{s.key} {p.label}", w, d_data,
                                pk in cleared, take_data, rep)
                if e is None and d is not None and not take_data and pk not in cleared:
                    e = d                                       # withdrawn: back to the default
            if e is not None:
                scenarios[pk] = e
    ends = dict(wb.period_ends)
    ends.update(fresh.period_ends)
    return replace(wb, periods=periods, period_ends=ends, figures=figures, scenarios=scenarios,
                   quotes=dict(fresh.quotes),
                   rows=m.input_rows({r.key for r in wb.rows} | {k for _, k in figures}, [r.key for r in wb.rows]))


_BACKUP_STAMP = r"\d{8}-\d{6}-\d{6}"


def _backup(wb: Workbook, now: datetime) -> Path:
    """Copy the workbook (its bytes as read, which the lock and the fingerprint show are the
    file's) to .backup/<stem>.<UTC time to the microsecond>[-n]<suffix>, never over another
    backup."""
    book = wb.path
    folder = book.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    base = f"{book.stem}.{now:%Y%m%d-%H%M%S-%f}"
    dest, n = folder / f"{base}{book.suffix}", 1
    while dest.exists():
        n += 1
        dest = folder / f"{base}-{n}{book.suffix}"
    with atomic_path(dest) as tmp:
        Path(tmp).write_bytes(wb.data)
        shutil.copystat(book, tmp)
    return dest


def _prune(book: Path, dest: Path, keep: int) -> None:
    """Keep this workbook's own newest ``keep`` backups (``dest``, just made, among them);
    another workbook's (model.v2.xlsx beside model.xlsx) are not this one's."""
    folder = dest.parent
    mine = re.compile(re.escape(book.stem) + r"\.\d{8}-\d{6}(?:-\d{6})?(?:-\d+)?" + re.escape(book.suffix) + "$")
    olds = sorted((p for p in folder.iterdir() if mine.match(p.name) and p != dest),
                  key=lambda p: (p.stat().st_mtime_ns, p.name))
    for old in olds[:max(len(olds) - (keep - 1), 0)] if keep > 0 else olds:
        old.unlink(missing_ok=True)


@contextmanager
def _exclusive(book: Path, wait: float):
    """Hold an OS lock for the whole refresh of ``book`` (model.oslock: on Linux, macOS and
    Windows): a second refresh waits up to ``wait`` seconds, then refuses. The lock file
    lives in .backup/ (not committed)."""
    from .oslock import Busy, exclusive
    folder = book.parent / BACKUP_DIR
    try:
        folder.mkdir(exist_ok=True)
        held = exclusive(folder / f".{book.name}.refresh-lock", wait)
        held.__enter__()
    except Busy:
        raise RefreshRefused(f"{book}: another refresh of this workbook is running; "
                             "nothing was changed. Try again when it has finished.") from None
    except OSError as exc:
        raise WriteError(f"{book}: cannot take the refresh lock in {folder} "
                         f"({exc.strerror or exc}); the workbook is unchanged") from exc
    try:
        yield
    finally:
        held.__exit__(None, None, None)


def _fingerprint(path: Path):
    st = path.stat()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _clean_temps(book: Path) -> None:
    """Temp files a killed refresh or backup left beside the workbook (held under the lock,
    so no running refresh owns them)."""
    for folder in (book.parent, book.parent / BACKUP_DIR):
        for tmp in folder.glob(f".{book.stem}*.tmp"):
            try:
                tmp.unlink()
            except OSError:
                pass


def refresh(book: str | Path, data=None, take_data: bool = False, force: bool = False,
            keep_backups: int = KEEP_BACKUPS, now: datetime | None = None,
            wait: float = 30.0, _before_replace=None) -> Report:
    """Refresh ``book`` in place from ``data`` (a path or several; default: the data files
    of the workbook's model); see the module docstring."""
    link = Path(book)
    rep = Report(link)
    locks = lock_files(link)
    if not locks and link.is_symlink():
        locks = lock_files(link.resolve())
    if locks:
        raise RefreshRefused(f"{link} is open in Excel or LibreOffice ({locks[0].name} is beside it); "
                             "close it and refresh again. Nothing was changed.")
    if not link.exists():
        raise RefreshRefused(f"{link}: no such workbook; build it first with python -m model build")
    book = link.resolve()          # a symlinked workbook: its target gets the update
    seen = _fingerprint(book)
    try:
        wb = Workbook.read(book)   # the one read of the file (again only if it changes below)
    except UnreadableFile as exc:
        raise RefreshRefused(f"{exc}; nothing was changed") from exc
    try:
        m = models.of_book(wb)
    except ValueError as exc:
        raise RefreshRefused(f"{exc}; nothing was changed") from exc
    if data is None:
        data = m.default_data
    ds: Dataset = m.load(tuple(data) if isinstance(data, (list, tuple)) else (data,))
    with _exclusive(book, wait):
        _clean_temps(book)
        if _fingerprint(book) != seen:        # saved again before we held the lock: read that
            seen = _fingerprint(book)
            wb = Workbook.read(book)
        data_bytes = _refresh(wb, ds, rep, take_data, force,
                              now or datetime.now(timezone.utc).replace(tzinfo=None), m)
        if data_bytes is None:
            return rep
        try:
            rep.backup = _backup(wb, now or datetime.now(timezone.utc).replace(tzinfo=None))
        except OSError as exc:
            raise WriteError(f"{book}: cannot keep a backup before refreshing ({exc.strerror or exc}); "
                             "the workbook is unchanged") from exc

        def unchanged():
            if _before_replace:
                _before_replace()
            late = lock_files(book) or lock_files(link)
            if late or _fingerprint(book) != seen:
                what = (f"it was opened ({late[0].name} appeared)" if late
                        else "another program saved it")
                raise RefreshRefused(f"{link}: {what} while refreshing; nothing was changed. "
                                     "Close it and refresh again.")
        try:
            write_bytes(book, data_bytes, check=unchanged)
        except BaseException:
            rep.backup.unlink(missing_ok=True)      # nothing changed: no backup of nothing
            raise
        _prune(book, rep.backup, keep_backups)
        rep.written = True
        return rep


def _refresh(file: Workbook, ds: Dataset, rep: Report, take_data: bool, force: bool,
             now: datetime, m: models.Model):
    """Merge and patch the workbook read once (``file``); returns the new file's bytes, or
    None when nothing changes."""
    book = file.path
    try:
        read = file.book(styles=False)
        sheets = read.cells
    except UnreadableFile as exc:
        raise RefreshRefused(f"{exc}; nothing was changed") from exc
    except Exception as exc:   # not a zip, not a workbook, damaged: say so, touch nothing
        raise RefreshRefused(f"{book}: cannot be read as a workbook ({exc})") from exc
    pkg = ZipPackage.of(file)
    props = file.custom_properties
    version = props.get(STAMP_VERSION)
    if version and _newer(version, __version__):
        raise RefreshRefused(f"{book}: built by model {version}, newer than this one ({__version__}); "
                             "refresh it with that version (pip install -U), so nothing it added is "
                             "lost. Nothing was changed.")
    release_sheets = known(version or OLDEST, m.key)["sheets"]
    present = set(sheets) | set(file.sheet_names)
    missing = [s for s in m.worksheets + tuple(c.sheet for c in m.charts) if s not in present
               and (s in release_sheets or not release_sheets)]   # not new in this release
    if missing:
        raise RefreshRefused(
            f"{book}: the model's sheet {missing[0]!r} is missing (renamed or deleted); "
            "give it back its name, or build a new workbook with python -m model build. "
            "Nothing was changed.")
    try:
        wb, problems, cleared = m.read_inputs(sheets)
    except ModelNotFound as exc:
        raise RefreshRefused(f"{book}: {exc}; nothing was changed") from exc
    if problems:
        raise RefreshRefused(f"{book}: input cells hold values the model cannot use; nothing "
                             "was changed:\n  " + "\n  ".join(problems))
    old, ignore = expected_layout(sheets, wb, m)
    moved = _moved(sheets, old) if all(s in sheets for s in m.timeline_sheets) else []
    if moved:
        raise RefreshRefused(
            f"{book}: rows or columns of the model were moved (a row or column inserted, deleted "
            "or sorted); a refresh writes the model's cells where they belong, so it would "
            "write into the wrong ones. Move them back (Undo), then refresh. Nothing was "
            "changed:\n  " + "\n  ".join(moved[:12]))
    upgrade = _old_model_cells(sheets, old, version, m)
    findings = [f for f in compare_structure(sheets, old, ignore)
                if f.severity == "error" and f.rule in _MODEL_CELL_RULES
                and f"{f.sheet}!{f.cell}" not in upgrade]
    if findings and not force:
        raise RefreshRefused(f"{book}: model cells were edited (listed below); refresh with --force "
                             "to put the model's formulas back in these cells only (everything "
                             "else you did is kept, and the previous file is kept as a backup)",
                             findings)
    rep.forced_over = findings
    fresh = m.from_dataset(ds)
    if wb.periods and fresh.periods and fresh.periods[0] < wb.periods[0]:
        early = sorted({p.label for p, _ in fresh.figures if p < wb.periods[0]})
        raise RefreshRefused(
            f"{book}: the data file has figures for {', '.join(early[:4])}"
            f"{' ...' if len(early) > 4 else ''}, before the workbook's first quarter "
            f"{wb.periods[0].label}; a refresh adds quarters only at the right, so that nothing "
            "you placed moves. Build a new workbook for the longer history "
            "(python -m model build). Nothing was changed.")
    pattern = re.compile(m.period_regex)
    timelines = {s: timeline(s, sheets[s], pattern) for s in (m.inputs, m.assumptions)}

    def where(sheet, period: Period, key):
        return f"{sheet}!{_cell_of(timelines[sheet], period, key, m)}"

    model_labels = set(timeline(m.calcs, sheets[m.calcs], pattern).cols)
    merged = merge(wb, cleared, fresh, take_data, rep, where,
                   {p for p in wb.periods if p.label in model_labels}, m)
    merged.provenance = dict(wb.provenance, built_at=(read.created or datetime(2000, 1, 1)).isoformat())
    order = source_order(sheets[m.sources], sheets.get(m.quotes) if m.quotes else None)
    stamp_now = {k: props[k] for k in (STAMP_VERSION, STAMP_LAYOUT) if k in props}
    same_inputs = (merged == replace(wb, provenance=merged.provenance)
                   and wb.provenance.get("Built from") == describe(ds) and not rep.new_periods)
    new = m.lay_out(merged, order)
    stamp = {STAMP_VERSION: __version__, STAMP_LAYOUT: new.digest}
    if same_inputs and not findings and not upgrade and stamp_now == stamp and not zero_size(file):
        return None
    if not same_inputs:
        merged.provenance["Built from"] = describe(ds)
        merged.provenance["Last refresh"] = f"{now:%Y-%m-%d %H:%M} UTC from {describe(ds)}"
        new = m.lay_out(merged, order)
    built = render(new)
    order = sheet_order(ZipPackage(io.BytesIO(built)))
    new_sheets, new_names = new_since(version, [s for s in order if s not in sheets
                                                and s not in file.sheet_names], new.names, m.key)
    try:
        rep.patch = apply(pkg, sheets, old, new, built,
                          force={f"{f.sheet}!{f.cell}" for f in findings} | upgrade,
                          new_sheets=new_sheets, new_names=new_names,
                          typed={m.inputs: ignore.get(m.inputs, set())},
                          data_sheets=(m.sources,),
                          quiet_sheets=tuple(s for s in (m.cover, m.quotes) if s))
    except PatchConflict as exc:
        raise RefreshRefused(f"{book}: {exc}; nothing was changed") from exc
    _name_new_rows(rep, new)
    if rep.patch:
        from .build import cached_for
        store_values(pkg, rep.patch.formulas, cached_for(new))
    stamped = set_custom_properties(pkg, stamp)
    if not rep.patch and not stamped:
        return None                     # the same workbook: nothing to write
    return pkg.to_bytes()


def _newer(a: str, b: str) -> bool:
    """Is version ``a`` later than ``b`` ('0.10.0' > '0.9.1')?"""
    def parts(v):
        return tuple(int(x) if x.isdigit() else 0 for x in re.split(r"[.+-]", v)[:3])
    return parts(a) > parts(b)


def _name_new_rows(rep: Report, lay) -> None:
    """Messages about figures in rows the refresh added: their cells, now that the new
    layout says where those rows are."""
    def cell(m):
        key, label = m.group(1), m.group(2)
        if key in lay.row_of and label in [p.label for p in lay.inputs.periods]:
            return xl_rowcol_to_cell(lay.row_of[key][1], lay.col_of(label))
        return m.group(0)
    pat = re.compile(r"\(new row ([^,]+), ([^)]+)\)")
    rep.added = [pat.sub(cell, a) for a in rep.added]


def _moved(sheets, lay) -> list[str]:
    """Model rows (by their code) and quarters (by their header) that are not where the
    layout has them, each as 'Sheet: what is at row/column N, expected M'."""
    out = []
    m = lay.spec
    pattern = re.compile(m.period_regex)
    for name in m.timeline_sheets:
        tl = timeline(name, sheets[name], pattern)
        for key, (sheet, r) in lay.row_of.items():
            code = next((s.scenario for s in m.scenario_rows if s.key == key), key)
            if sheet == name and code in tl.rows and tl.rows[code] != r:
                out.append(f"{name}: row {code!r} is at row {tl.rows[code] + 1}, "
                           f"the model has it at row {r + 1}")
        for p in lay.inputs.periods:
            c = tl.cols.get(p.label)
            if c is not None and c != lay.col_of(p.label):
                out.append(f"{name}: quarter {p.label} is in column {xl_rowcol_to_cell(0, c)[:-1]}, "
                           f"the model has it in {xl_rowcol_to_cell(0, lay.col_of(p.label))[:-1]}")
    return out


def _old_model_cells(sheets, lay, version: str | None, m: models.Model) -> set[str]:
    """'Sheet!A1' of model cells that differ from this release's layout but hold what the
    release that built the workbook wrote there (an older formula or label): the old
    model's, not a person's, so a refresh brings them up to date."""
    from .patch import same_content
    from .releases import is_new_cell, is_new_row, is_old_model
    out = set()
    for name, sh in lay.sheets.items():
        got = sheets.get(name, {})
        for (r, c), cell in sh.cells.items():
            if is_input(cell.style) or name == m.sources:
                continue
            have = got.get((r, c))
            if not same_content(have, cell) and (
                    is_old_model(version, name, r, c, have, m.key)
                    or (have in (None, "") and (is_new_row(version, name, r, m.key)
                                                or is_new_cell(version, name, r, c, m.key)))):
                out.add(f"{name}!{xl_rowcol_to_cell(r, c)}")
    return out


# Edits of cells the model owns (a refresh must overwrite them): refused unless --force.
# Content added beside the model (a sheet, a note, a chart) is carried over instead.
_MODEL_CELL_RULES = {"STRUCT-OVERTYPED", "STRUCT-FORMULA"}


def _cell_of(tl, period: Period, key: str, m: models.Model) -> str:
    """Where a figure is (for messages): its cell, also for a quarter the refresh adds to
    the right of the timeline; '(new row KEY)' for a row the refresh adds."""
    parse_label = m.parse_label
    code = next((s.scenario for s in m.scenario_rows if s.key == key), key)
    r, c = tl.rows.get(code), tl.cols.get(period.label)
    if c is None and tl.cols:
        last = max(tl.cols, key=tl.cols.get)
        try:
            c = tl.cols[last] + period.index - parse_label(last).index
        except ValueError:
            c = None
    if r is None:
        return f"(new row {key}, {period.label})"
    return xl_rowcol_to_cell(r, c) if c is not None and c >= 0 else f"({period.label})"
