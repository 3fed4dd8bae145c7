"""Audit a workbook people have edited: is it still the model, and still right?

    check the file (model.core.package)      -> refuse hostile or unreadable files, exit 2
    read cells, styles, sheet facts     -> input sanity, structure vs the layout for
                                           the workbook's own inputs, names, lints, VBA
    recalculate (LibreOffice, never the cached values) -> error values, circular
                                           references, every calculated cell against the
                                           independent pandas recompute of the same inputs
    cached values, when the program that saved the file computed them -> compared too

Every finding carries a rule id (model.rules), a severity and ``Sheet!Cell``.
"""
from __future__ import annotations

import json
import re
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from . import models
from .charts import chart_findings
from .lint import lint
from .core.package import UnreadableFile
from .core.reader import Book, ModelNotFound, timeline
from .core.workbook import Workbook
from .errors import ModelError
from .rules import CHECKS, RULES, Finding, check, finding
from .sanity import sanity
from .structure import compare_structure, expected_layout


CIRCULAR = ("Err:522", "Err:523", "#CIRC!")   # LibreOffice: circular reference, no convergence;
                                               # IronCalc and formualizer: #CIRC!


def needed_sheets(m: models.Model) -> tuple[str, ...]:
    """The sheets without which there is nothing to check the formulas against."""
    return tuple(s for s in (m.inputs, m.assumptions, m.calcs, m.sensitivity, m.checks, m.sources) if s)


class Unauditable(ModelError, RuntimeError):
    """The file cannot be audited at all (exit 2); the message says why."""


def _names(book: Book, m: models.Model) -> list[Finding]:
    """Each public name refers to its row, found by code in the workbook itself, over the
    model's timeline (model.charts.row_refs); 'Periods' to the quarter labels."""
    from .charts import norm, row_refs
    try:
        rows = row_refs(book.cells, m)
    except ModelNotFound:
        return []           # no timeline: reported elsewhere
    wanted = {m.period_name: "Periods", **m.names()}
    out = []
    for name, key in wanted.items():
        have, ref = book.names.get(name), rows.get(key)
        if have is None:
            out.append(finding("NAME-MISSING", "", "", f"defined name {name} is missing"))
        elif ref is None:
            out.append(finding("NAME-BROKEN", "", "", f"defined name {name} refers to {have}, but the "
                               f"row {key!r} is not on the sheets (its code was changed?)", got=have))
        elif norm(have) != norm(ref):
            out.append(finding("NAME-BROKEN", "", "", f"defined name {name} refers to {have}, expected {ref}",
                               got=have, expected=ref))
    return out


@dataclass
class Inspection:
    """What can be said of a workbook without a spreadsheet engine; the read-phase checks of
    the rule registry (model.rules.CHECKS) fill ``findings``, the engine-phase ones run on
    LibreOffice's recalculation (``recalculated``)."""
    path: Path
    book: Book
    findings: list[Finding]
    expected: object | None       # the model's independent recompute (its reference.Result);
                                  # None when inputs are unusable: nothing to recompute
    lay: object = None            # the layout the workbook should have (model.core.layout.Layout)
    wb: Workbook | None = None    # the file as read, once
    m: object = None              # the model (models.Model)
    ignore: dict = field(default_factory=dict)    # columns a person typed beyond the timeline
    problems: list = field(default_factory=list)  # input cells the model cannot use
    engine: str = "LibreOffice"   # the engine whose recalculation the findings name

    def recalculated(self, values, engine: str = "LibreOffice") -> list[Finding]:
        """Findings from ``engine``'s fresh recalculation ``values`` and the cached values:
        every engine-phase check of the registry, in its order."""
        self.engine = engine
        out: list[Finding] = []
        for c in CHECKS:
            if c.phase == "engine":
                out += c.function(self, values, out)
        return out

    def expected_gaps(self) -> dict[str, set]:
        """The chart-feed cells where the independent recompute expects #N/A (a gap):
        {sheet: {(row, col)}}."""
        feeds = getattr(self.expected, "feeds", None)
        if feeds is None or self.lay is None or not self.m.chart_data:
            return {}
        lay, sheet = self.lay, self.m.chart_data
        labels = {p.label: i for i, p in enumerate(lay.inputs.periods)}
        out = set()
        for code, row in feeds.iterrows():
            s, r = lay.row_of.get(code, ("", 0))
            if s != sheet:
                continue
            for label, v in row.items():
                if label in labels and v != v:          # NaN: no value, so #N/A
                    out.add((r, lay.col_of(label)))
        return {sheet: out}


# --- the checks, in the order the audit runs them (model.rules.CHECKS) ------------------

@check("INPUT-NOT-NUMBER")
def _input_cells(insp: Inspection) -> list[Finding]:
    """Input cells whose content the model cannot use (text where a number belongs)."""
    out = []
    for p in insp.problems:
        where, _, msg = p.partition(": ")
        sheet, _, cell = where.partition("!")
        out.append(finding("INPUT-NOT-NUMBER", sheet, cell, msg))
    return out


@check("INPUT-NEGATIVE-REVENUE", "INPUT-MARGIN-RANGE", "INPUT-OUT-OF-RANGE", "INPUT-SOURCE-DIFFERS",
       "INPUT-SOURCE-SCALE", "INPUT-SOURCE-SIGN", "INPUT-BASIS-HIDDEN", "INPUT-QUARTER-ORDER",
       "INPUT-QUARTER-GAP")
def _sanity(insp: Inspection) -> list[Finding]:
    return sanity(insp.book, insp.m)


@check("STRUCT-OVERTYPED", "STRUCT-FORMULA", "STRUCT-UNEXPECTED", "STRUCT-SHEET-ADDED", "STRUCT-LABEL",
       "STRUCT-OLD-RELEASE")
def _structure(insp: Inspection) -> list[Finding]:
    return _older_release(compare_structure(insp.book.cells, insp.lay, insp.ignore), insp)


def _older_release(findings: list[Finding], insp: Inspection) -> list[Finding]:
    """A formula the release that built the workbook wrote (this release changed it) is not a
    person's edit: the warning STRUCT-OLD-RELEASE (a refresh brings it up to date), not
    STRUCT-FORMULA."""
    from openpyxl.utils.cell import column_index_from_string

    from .releases import is_old_model
    from .writer import STAMP_VERSION
    if not any(f.rule == "STRUCT-FORMULA" for f in findings):
        return findings
    version = insp.wb.custom_properties.get(STAMP_VERSION)
    cells = insp.book.cells
    out = []
    for f in findings:
        cr = _cell_row(f.cell) if f.rule == "STRUCT-FORMULA" else None
        if cr is not None:
            r, c = cr[1] - 1, column_index_from_string(cr[0]) - 1
            if is_old_model(version, f.sheet, r, c, cells.get(f.sheet, {}).get((r, c)), insp.m.key):
                f = finding("STRUCT-OLD-RELEASE", f.sheet, f.cell,
                            f"the formula release {version or 'before 0.3.0'} wrote here; this "
                            "release's differs (python -m model refresh brings it up to date)",
                            got=f.got, expected=f.expected)
        out.append(f)
    return out


def same_as_stored(expected, got) -> bool:
    """Is ``got``, a formula's value as a program stored it, ``expected`` as that program
    stores it? LibreOffice drops leading and trailing spaces, tabs and line breaks from a
    stored text result (a plain open-and-save, no recalculation, stores 'a' for 'a ');
    numbers it stores to 15 significant digits, which the comparison's tolerance allows;
    booleans, errors and blanks it keeps. Excel stores text as computed."""
    return isinstance(expected, str) and isinstance(got, str) and expected.strip() == got.strip()


@check("STRUCT-SHEET-MISSING")
def _chart_sheets(insp: Inspection) -> list[Finding]:
    return [finding("STRUCT-SHEET-MISSING", c.sheet, "", f"the chart sheet {c.sheet!r} is missing")
            for c in insp.m.charts if c.sheet not in insp.book.states]


@check("NAME-MISSING", "NAME-BROKEN")
def _defined_names(insp: Inspection) -> list[Finding]:
    return _names(insp.book, insp.m)


@check("CHART-SERIES")
def _charts(insp: Inspection) -> list[Finding]:
    return chart_findings(insp.wb, insp.book.cells, insp.m)


@check("LINT-HARDCODED-NUMBER", "LINT-VOLATILE", "LINT-EXTERNAL-LINK", "LINT-NONPORTABLE", "LINT-HIDDEN-SHEET",
       "LINT-HIDDEN-ROWCOL", "LINT-ITERATIVE-CALC", "LINT-INPUT-LOCKED", "LINT-INPUT-UNSTYLED",
       "LINT-UNPROTECTED")
def _lint(insp: Inspection) -> list[Finding]:
    """The lints, leaving out a formula the earlier release that built the workbook wrote
    (STRUCT-OLD-RELEASE says so, and a refresh brings it up to date): not a person's own."""
    found = lint(insp.book, insp.lay)
    if not any(f.rule in _FORMULA_LINTS for f in found):
        return found
    from openpyxl.utils.cell import column_index_from_string

    from .releases import is_old_model
    from .writer import STAMP_VERSION
    version = insp.wb.custom_properties.get(STAMP_VERSION)
    cells = insp.book.cells
    out = []
    for f in found:
        cr = _cell_row(f.cell) if f.rule in _FORMULA_LINTS else None
        if cr is not None:
            r, c = cr[1] - 1, column_index_from_string(cr[0]) - 1
            if is_old_model(version, f.sheet, r, c, cells.get(f.sheet, {}).get((r, c)), insp.m.key):
                continue
        out.append(f)
    return out


_FORMULA_LINTS = ("LINT-HARDCODED-NUMBER", "LINT-VOLATILE", "LINT-EXTERNAL-LINK", "LINT-NONPORTABLE")


@check("VBA-UNEXPECTED")
def _vba(insp: Inspection) -> list[Finding]:
    if insp.path.suffix.lower() != ".xlsm":
        return []
    from .vba import vba_problems
    return [finding("VBA-UNEXPECTED", "", "", p) for p in vba_problems(insp.wb)]


@check("RECOMPUTE-UNCOVERED")
def _recompute_covers(insp: Inspection) -> list[Finding]:
    return [] if insp.expected is None else _uncovered(insp.lay, insp.expected)


@check("ERROR-VALUE", "CIRCULAR-REFERENCE", phase="engine")
def _error_values(insp: Inspection, values, so_far) -> list[Finding]:
    out = []
    for sheet, sv in values.items():
        for (r, c), err in sorted(sv.errors.items()):
            where = xl_rowcol_to_cell(r, c)
            if sheet == insp.m.chart_data and err == "#N/A":
                continue            # a chart-feed row's gap, on purpose
            if err in CIRCULAR:
                out.append(finding("CIRCULAR-REFERENCE", sheet, where,
                                   f"the formula depends on its own result ({err})"))
            else:
                out.append(finding("ERROR-VALUE", sheet, where, f"shows the error {err}"))
    return out


@check("CHECK-FAILED", phase="engine")
def _checks_failed(insp: Inspection, values, so_far) -> list[Finding]:
    """The workbook's own checks, as the engine recalculated them: a failing check is
    reported at its count with the quarters that fail."""
    m = insp.m
    sv = values.get(m.checks)
    if sv is None:
        return []
    try:
        tl = timeline(m.checks, sv.values, re.compile(m.period_regex))
    except ModelNotFound:
        return []
    out = []
    for chk in m.check_rows:
        if chk.warning:         # shown on the Checks sheet, not a failure of the workbook
            continue
        r = tl.rows.get(chk.key)
        if r is None and insp.lay is not None:
            r = insp.lay.row_of.get(chk.key, ("", None))[1]
        v = sv.values.get((r, 4))
        if r is None or isinstance(v, bool) or not isinstance(v, (int, float)) or v == 0:
            continue
        where = [label for label, c in tl.cols.items()
                 if isinstance(sv.values.get((r, c)), (int, float)) and sv.values.get((r, c)) != 0]
        out.append(finding("CHECK-FAILED", m.checks, xl_rowcol_to_cell(r, 4),
                           f"the check '{chk.label}' fails {v:g} time(s)"
                           + (f" ({', '.join(where)})" if where else "")
                           + _inputs_of_check(insp.lay, chk.key, tl.cols.get(where[0]) if where else None)))
    return out


@check("RECOMPUTE-MISMATCH", "CACHED-STALE", phase="engine")
def _recompute(insp: Inspection, values, so_far) -> list[Finding]:
    """Every calculated cell against the independent recompute: the engine's fresh values,
    then the values the saving program cached, when it computed them."""
    if insp.expected is None:
        return []
    out = []
    seen = {(f.sheet, f.cell) for f in insp.findings + so_far}
    errors = {s: v.errors for s, v in values.items()}
    compare = insp.m.compare
    for m in compare(insp.expected, {s: v.values for s, v in values.items()}, errors, insp.lay):
        if (m.sheet, m.cell) not in seen and not same_as_stored(m.expected, m.got):
            seen.add((m.sheet, m.cell))
            out.append(finding("RECOMPUTE-MISMATCH", m.sheet, m.cell,
                               f"{m.what}: the independent recompute gives {m.expected!r}, "
                               f"{insp.engine}'s recalculation {m.got!r}"))
    if insp.book.package.cached_values_trusted:
        program = insp.book.package.application.split("/")[0]
        cached = insp.wb.book(data_only=True, styles=False).cells
        for m in compare(insp.expected, cached, lay=insp.lay):
            if (m.sheet, m.cell) not in seen and not same_as_stored(m.expected, m.got):
                out.append(finding("CACHED-STALE", m.sheet, m.cell,
                                   f"{m.what}: {program} showed {m.got!r} when the file was "
                                   f"saved; the recompute gives {m.expected!r}"))
    return out


def _inputs_of_check(lay, key: str, col: int | None) -> str:
    """'; inputs: Inputs!V12 (IDG.revenue), ...': the inputs behind a check in its first
    failing quarter (``col``, which the message names), traced through the model's formulas."""
    from .core.grid import C_VALUE
    from .precedents import describe, inputs_behind
    if lay is None or key not in lay.row_of:
        return ""
    sheet, r = lay.row_of[key]
    cells = inputs_behind(lay, sheet, r, col if col is not None else C_VALUE)
    return f"; inputs: {describe(lay, cells, quarter=False)}" if cells else ""


def _uncovered(lay, expected) -> list[Finding]:
    """Calculated rows and checks of the model that the independent recompute lacks."""
    known = expected.covered
    out = []
    m = lay.spec
    for key, (sheet, r) in lay.row_of.items():
        if sheet in (m.calcs, m.checks) and key not in known:
            out.append(finding("RECOMPUTE-UNCOVERED", sheet, xl_rowcol_to_cell(r, 2),
                               f"the row {key!r} has no independent recompute ({m.key}'s "
                               "reference), so no wrong value in it would be caught"))
    return out


def _sheets_missing(path, missing) -> str:
    return (f"{path}: the model's sheet(s) {', '.join(map(repr, missing))} are missing, "
            "so there is nothing to check the formulas against; restore them from "
            "git or rebuild with python -m model build")


def preflight(wb: Workbook) -> None:
    """Refuse (Unauditable) what the package alone shows cannot be audited, before any
    engine starts: a model this version does not know, or the model's sheets missing
    (the sheet list of xl/workbook.xml). ``wb`` has passed the package check."""
    try:
        m = models.of_book(wb)
    except ValueError as exc:
        raise Unauditable(str(exc)) from exc
    try:
        have = set(wb.sheet_names)
    except Exception:           # the reader's own read says why, with the engine's help
        return
    missing = [s for s in needed_sheets(m) if s not in have]
    if missing:
        raise Unauditable(_sheets_missing(wb.path, missing))


def inspect(source) -> Inspection:
    """Read and check ``source`` (a path, or the Workbook already read) without a
    spreadsheet engine: every read-phase check of the rule registry, in its order;
    Unauditable if the file cannot be audited at all. The file is read once."""
    try:
        wb = Workbook.of(source)
    except UnreadableFile as exc:
        raise Unauditable(str(exc)) from exc
    path = wb.path
    try:
        book = wb.book()
    except UnreadableFile as exc:
        raise Unauditable(str(exc)) from exc
    except Exception as exc:
        raise Unauditable(f"{path}: not a workbook this tool can read ({type(exc).__name__}: {exc})") from exc
    try:
        m = models.of_book(wb)
    except ValueError as exc:
        raise Unauditable(str(exc)) from exc
    missing = [s for s in needed_sheets(m) if s not in book.cells]
    if missing:
        raise Unauditable(_sheets_missing(path, missing))
    try:
        mi, problems, _ = m.read_inputs(book.cells)
        lay, ignore = expected_layout(book.cells, mi, m)
    except (ModelNotFound, ValueError) as exc:
        raise Unauditable(f"{path}: {exc}") from exc
    expected = None if problems else m.reference(lay.inputs)   # the model's own timeline
    insp = Inspection(path, book, [], expected, lay, wb, m, ignore, problems)
    for c in CHECKS:
        if c.phase == "read":
            insp.findings += c.function(insp)
    return insp


def audit(source, lo) -> list[Finding]:
    """All findings for one workbook (a path, or the Workbook already read). Once the file
    has passed the package check, the engine ``lo`` (LibreOffice, or one of model.engines)
    loads and recalculates it in a worker thread while Python inspects the bytes read once."""
    from .engines import LABEL, EngineCannotRead
    label = LABEL.get(getattr(lo, "name", "libreoffice"), "LibreOffice")
    try:
        wb = Workbook.of(source)
    except UnreadableFile as exc:
        raise Unauditable(str(exc)) from exc
    path = wb.path
    with ThreadPoolExecutor(1) as pool:
        if getattr(lo, "name", "libreoffice") == "libreoffice":
            done, gaps = threading.Event(), {}

            def expected():                 # asked once LibreOffice has recalculated
                done.wait(120)
                return gaps
            values = pool.submit(lo.recalculate, wb, expected)   # its bytes, not read again
            try:
                insp = inspect(wb)
                try:
                    gaps.update(insp.expected_gaps())
                except Exception:       # the gaps only save time: LibreOffice asks each cell
                    pass
            finally:
                done.set()
        else:
            values = pool.submit(lo.recalculate, path)
            insp = inspect(wb)
        try:
            recalculated = values.result()
        except EngineCannotRead as exc:
            raise Unauditable(str(exc)) from exc
        except Exception as exc:
            raise Unauditable(f"{path}: {label} could not load and recalculate it "
                              f"({type(exc).__name__}: {exc})") from exc
        try:
            return insp.findings + insp.recalculated(recalculated, label)
        except ModelNotFound as exc:
            raise Unauditable(f"{path}: {exc}, so the recalculated values cannot be compared; "
                              "restore the sheet from git or rebuild") from exc


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


@check("UNAUDITABLE", phase="file")
def _unauditable(path, why: str) -> Finding:
    return finding("UNAUDITABLE", str(path), "", _one_line(why))


def _internal(path, exc: BaseException) -> Finding:
    """A failure nobody foresaw: one line naming where, never a traceback."""
    tb = traceback.extract_tb(exc.__traceback__)
    at = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
    return _unauditable(path, f"{path}: the audit failed unexpectedly ({type(exc).__name__}: {exc}{at}); "
                              "please report this with the file")


def audit_files(paths, lo=None, warm: bool = False, progress=None, engine: str = "libreoffice",
                jobs: int = 1) -> dict[str, list[Finding]]:
    """Audit each of ``paths``; a file that cannot be audited gets one UNAUDITABLE finding
    and the others are still audited. ``lo``: an engine to use (else ``engine`` is started:
    model.engines; LibreOffice is restarted should it die on a file); ``warm``: use the
    user's kept-alive LibreOffice, starting it when none runs
    (model.libreoffice.KeptLibreOffice); ``jobs``: audit in that many worker processes,
    each with its own engine; ``progress(name)`` is called before each."""
    from .engines import start
    from .libreoffice import EngineUnavailable
    if jobs > 1 and lo is None and len(paths) > 1:
        return _audit_in_workers(paths, warm, progress, engine, jobs)
    results: dict[str, list[Finding]] = {str(p): [] for p in paths}
    safe = []
    for p in paths:               # hostile files are refused before anything parses them,
        try:                      # and what cannot be audited before LibreOffice starts
            wb = Workbook.read(p)
            preflight(wb)
            safe.append((p, wb))
        except UnreadableFile as exc:
            results[str(p)] = [_unauditable(p, str(exc))]
        except Unauditable as exc:
            results[str(p)] = [_unauditable(p, str(exc))]
        except Exception as exc:
            results[str(p)] = [_internal(p, exc)]
    if not safe:
        return results
    own = lo is None
    try:
        if own:             # LibreOffice starts now, connects on first use: overlaps its start-up
            lo = start(engine, warm=warm)
    except EngineUnavailable as exc:
        for p, _ in safe:
            results[str(p)] = [_unauditable(p, f"{p}: {exc}")]
        return results
    try:
        for p, wb in safe:
            if progress is not None:
                progress(str(p))
            try:
                results[str(p)] = audit(wb, lo)
            except Unauditable as exc:
                results[str(p)] = [_unauditable(p, str(exc))]
            except Exception as exc:
                results[str(p)] = [_internal(p, exc)]
            lo.restart_if_dead()
    finally:
        if own:
            lo.close()
    return results


def _worker(args) -> tuple[str, list[Finding]]:
    """One file audited in a worker process (audit -j N), with that worker's own engine."""
    path, warm, engine = args
    global _WORKER_ENGINE
    from .engines import start
    try:
        if _WORKER_ENGINE is None:
            _WORKER_ENGINE = start(engine, warm=warm and engine == "libreoffice")
        return str(path), audit_files([path], lo=_WORKER_ENGINE)[str(path)]
    except Exception as exc:            # an engine that cannot start: the file's one line
        return str(path), [_unauditable(path, f"{path}: {exc}")]


_WORKER_ENGINE = None


def _close_worker_engine() -> None:
    if _WORKER_ENGINE is not None:
        _WORKER_ENGINE.close()


def _init_worker() -> None:
    import atexit
    atexit.register(_close_worker_engine)


def _audit_in_workers(paths, warm, progress, engine, jobs) -> dict[str, list[Finding]]:
    """audit_files over ``jobs`` worker processes; results in the order of ``paths``."""
    import multiprocessing as mp
    results: dict[str, list[Finding]] = {str(p): [] for p in paths}
    ctx = mp.get_context("spawn")       # the same on Linux, macOS and Windows
    with ctx.Pool(min(jobs, len(paths)), initializer=_init_worker) as pool:
        for name, fs in pool.imap_unordered(_worker, [(p, warm, engine) for p in paths]):
            if progress is not None:
                progress(name)
            results[name] = fs
        pool.close()
        pool.join()
    return results


def _cell_row(cell: str):
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", cell or "")
    return (m.group(1), int(m.group(2))) if m else None


def grouped(fs: list[Finding]) -> list[tuple[Finding, int, str]]:
    """Findings of one rule on one row of a sheet, as (first finding, count, where):
    an inserted row gives a line per row, not one per cell."""
    groups: dict[tuple, list[Finding]] = {}
    for f in fs:
        cr = _cell_row(f.cell)
        key = (f.rule, f.sheet, cr[1]) if cr else (f.rule, f.sheet, f.cell, f.message)
        groups.setdefault(key, []).append(f)
    out = []
    for members in groups.values():
        first = members[0]
        if len(members) == 1:
            out.append((first, 1, first.where))
            continue
        cols = sorted({_cell_row(f.cell)[0] for f in members}, key=lambda c: (len(c), c))
        row = _cell_row(first.cell)[1]
        out.append((first, len(members), f"{first.sheet}!{cols[0]}{row}:{cols[-1]}{row}"))
    return out


def _clip(text: str, width: int = 200) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def report(results: dict[str, list[Finding]], as_json: bool = False) -> str:
    """The terminal report (findings grouped by rule and row, long messages clipped) or
    JSON (every finding, messages and formulas whole)."""
    if as_json:
        return json.dumps({p: [asdict(f) for f in fs] for p, fs in results.items()}, indent=2)
    lines = []
    for p, fs in results.items():
        fatal = [f for f in fs if f.severity == "fatal"]
        if fatal:
            lines.append(f"{p}: not audited: {fatal[0].message}")
            continue
        errors = sum(f.severity == "error" for f in fs)
        lines.append(f"{p}: {len(fs)} finding(s), {errors} error(s)" if fs else f"{p}: clean")
        for f, n, where in grouped(fs):
            more = f" [{n} cells like it]" if n > 1 else ""
            width = 250 if f.rule == "CHECK-FAILED" else 200     # room for the inputs it names
            lines.append(_clip(f"  {f.severity.upper():7} {f.rule:22} {where:18} {f.message}", width) + more)
    return "\n".join(lines)


def junit(results: dict[str, list[Finding]]) -> bytes:
    """JUnit XML: a test suite per workbook, a test case per rule, a failure per finding
    at error level (warnings are reported as the case's output); a file that could not be
    audited is a suite with one test case in error."""
    from xml.etree.ElementTree import Element, SubElement, tostring
    root = Element("testsuites", name="model audit")
    unauditable = {p: next(f.message for f in fs if f.severity == "fatal")
                   for p, fs in results.items() if any(f.severity == "fatal" for f in fs)}
    for path, fs in results.items():
        if path in unauditable:
            continue
        suite = SubElement(root, "testsuite", name=path, tests=str(len(RULES)),
                           failures=str(sum(f.severity == "error" for f in fs)), errors="0")
        for rule in RULES.values():
            case = SubElement(suite, "testcase", classname=path, name=f"{rule.id}: {rule.meaning}")
            mine = [f for f in fs if f.rule == rule.id]
            bad = [f for f in mine if f.severity == "error"]
            if bad:
                fail = SubElement(case, "failure", message=f"{len(bad)} finding(s)", type=rule.id)
                fail.text = "\n".join(f"{f.where}: {f.message}" for f in bad)
            elif mine:
                SubElement(case, "system-out").text = "\n".join(f"{f.where}: {f.message}" for f in mine)
    for path, why in unauditable.items():
        suite = SubElement(root, "testsuite", name=path, tests="1", failures="0", errors="1")
        case = SubElement(suite, "testcase", classname=path, name="readable")
        SubElement(case, "error", message=why, type="UNAUDITABLE").text = why
    return tostring(root, encoding="utf-8", xml_declaration=True)
