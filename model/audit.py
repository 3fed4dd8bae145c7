"""Audit a workbook people have edited: is it still the model, and still right?

    check the file (model.package)      -> refuse hostile or unreadable files, exit 2
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell

from . import spec
from .compare import compare
from .lint import lint
from .package import Package, UnreadableFile, check
from .reader import Book, ModelNotFound, read_book, read_model_inputs
from .reference import Result, recompute
from .rules import RULES, Finding, finding
from .sanity import sanity
from .structure import compare_structure, expected_layout

CIRCULAR = ("Err:522", "Err:523")      # LibreOffice: circular reference, no convergence
NEEDED_SHEETS = (spec.INPUTS, spec.ASSUMPTIONS, spec.CALCS, spec.SENS, spec.CHECKS, spec.SOURCES)


class Unauditable(RuntimeError):
    """The file cannot be audited at all (exit 2); the message says why."""


def reference_result(mi) -> Result:
    """The independent recompute of the inputs ``mi`` read from the workbook."""
    labels = [p.label for p in mi.periods]

    def frame(entries, keys):
        rows = {k: dict.fromkeys(labels, float("nan")) for k in keys}
        for (p, key), e in entries.items():
            rows[key][p.label] = e.value
        return pd.DataFrame.from_dict(rows, orient="index", columns=labels, dtype=float)

    return recompute(frame(mi.figures, [r.key for r in mi.rows]),
                     frame(mi.scenarios, [s.key for s in spec.SCENARIO_ROWS]),
                     mi.scalars, mi.sens_quarter, mi.sens_margins, mi.sens_intensities)


def _names(book: Book, lay) -> list[Finding]:
    out = []
    for name, ref in lay.names.items():
        have = book.names.get(name)
        if have is None:
            out.append(finding("NAME-MISSING", "", "", f"defined name {name} is missing"))
        elif have.replace("'", "").lstrip("=") != ref.replace("'", ""):
            out.append(finding("NAME-BROKEN", "", "", f"defined name {name} refers to {have}, expected {ref}"))
    return out


@dataclass
class Inspection:
    """What can be said of a workbook without a spreadsheet engine."""
    path: Path
    book: Book
    findings: list[Finding]
    expected: Result | None       # None when inputs are unusable: nothing to recompute

    def recalculated(self, values) -> list[Finding]:
        """Findings from LibreOffice's fresh recalculation ``values`` and the cached values."""
        out = []
        for sheet, sv in values.items():
            for (r, c), err in sorted(sv.errors.items()):
                where = xl_rowcol_to_cell(r, c)
                if err in CIRCULAR:
                    out.append(finding("CIRCULAR-REFERENCE", sheet, where,
                                       f"the formula depends on its own result ({err})"))
                else:
                    out.append(finding("ERROR-VALUE", sheet, where, f"shows the error {err}"))
        if self.expected is None:
            return out
        seen = {(f.sheet, f.cell) for f in self.findings + out}
        errors = {s: v.errors for s, v in values.items()}
        for m in compare(self.expected, {s: v.values for s, v in values.items()}, errors):
            if (m.sheet, m.cell) not in seen:
                seen.add((m.sheet, m.cell))
                out.append(finding("RECOMPUTE-MISMATCH", m.sheet, m.cell,
                                   f"{m.what}: the independent recompute gives {m.expected!r}, "
                                   f"LibreOffice's recalculation {m.got!r}"))
        if self.book.package.cached_values_trusted:
            program = self.book.package.application.split("/")[0]
            cached = read_book(self.path, data_only=True, styles=False,
                               package=self.book.package).cells
            for m in compare(self.expected, cached):
                if (m.sheet, m.cell) not in seen:
                    out.append(finding("CACHED-STALE", m.sheet, m.cell,
                                       f"{m.what}: {program} showed {m.got!r} when the file was "
                                       f"saved; the recompute gives {m.expected!r}"))
        return out


def inspect(path: str | Path, package: Package | None = None) -> Inspection:
    """Read and check ``path`` without a spreadsheet engine; Unauditable if it cannot be.
    ``package``: its model.package check, when already done."""
    path = Path(path)
    try:
        book = read_book(path, package=package)
    except UnreadableFile as exc:
        raise Unauditable(str(exc)) from exc
    except Exception as exc:
        raise Unauditable(f"{path}: not a workbook this tool can read ({type(exc).__name__}: {exc})") from exc
    missing = [s for s in NEEDED_SHEETS if s not in book.cells]
    if missing:
        raise Unauditable(f"{path}: the model's sheet(s) {', '.join(map(repr, missing))} are missing, "
                          "so there is nothing to check the formulas against; restore them from "
                          "git or rebuild with python -m model build")
    try:
        mi, problems, _ = read_model_inputs(book.cells)
        lay, ignore = expected_layout(book.cells, mi)
    except ModelNotFound as exc:
        raise Unauditable(f"{path}: {exc}") from exc
    findings = []
    for p in problems:
        where, _, msg = p.partition(": ")
        sheet, _, cell = where.partition("!")
        findings.append(finding("INPUT-NOT-NUMBER", sheet, cell, msg))
    findings += sanity(book)
    findings += compare_structure(book.cells, lay, ignore)
    findings += [finding("STRUCT-SHEET-MISSING", c.sheet, "", f"the chart sheet {c.sheet!r} is missing")
                 for c in spec.CHARTS if c.sheet not in book.states]
    findings += _names(book, lay)
    findings += lint(book, lay)
    if path.suffix.lower() == ".xlsm":
        from .vba import vba_problems
        findings += [finding("VBA-UNEXPECTED", "", "", m) for m in vba_problems(path)]
    return Inspection(path, book, findings, None if problems else reference_result(mi))


def audit(path: str | Path, lo, package: Package | None = None) -> list[Finding]:
    """All findings for one workbook. Once the file has passed the package check
    (``package``, when the caller did it), LibreOffice loads and recalculates it in a
    worker thread while Python inspects it."""
    path = Path(path)
    try:
        package = package or check(path)
    except UnreadableFile as exc:
        raise Unauditable(str(exc)) from exc
    with ThreadPoolExecutor(1) as pool:
        values = pool.submit(lo.recalculate, path)
        insp = inspect(path, package)
        return insp.findings + insp.recalculated(values.result())


def report(results: dict[str, list[Finding]], as_json: bool = False) -> str:
    if as_json:
        return json.dumps({p: [asdict(f) for f in fs] for p, fs in results.items()}, indent=2)
    lines = []
    for p, fs in results.items():
        errors = sum(f.severity == "error" for f in fs)
        lines.append(f"{p}: {len(fs)} finding(s), {errors} error(s)" if fs else f"{p}: clean")
        lines += [f"  {f}" for f in fs]
    return "\n".join(lines)


def junit(results: dict[str, list[Finding]], unauditable: dict[str, str]) -> bytes:
    """JUnit XML: a test suite per workbook, a test case per rule, a failure per finding
    at error level (warnings are reported as the case's output)."""
    from xml.etree.ElementTree import Element, SubElement, tostring
    root = Element("testsuites", name="model audit")
    for path, fs in results.items():
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
