"""Audit a workbook people have edited: is it still the model, and still right?

    read cells (openpyxl)  -> inputs, structure vs the layout for those inputs
    recalculate (LibreOffice, never the cached values) -> compare with the
    independent pandas recompute of the same inputs; error values; names; VBA

Every finding carries a rule id, a severity and ``Sheet!Cell``.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from .compare import compare
from .reader import ModelNotFound, model_inputs, read_cells, read_model_inputs
from .reference import recompute
from .structure import Finding, compare_structure, expected_layout


class Unauditable(RuntimeError):
    """The file cannot be audited at all (exit 2); the message says why."""


def _names(path: Path, lay) -> list[Finding]:
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, keep_links=False)
    try:
        have = {n: d.attr_text for n, d in wb.defined_names.items()}
    finally:
        wb.close()
    out = []
    for name, ref in lay.names.items():
        if name not in have:
            out.append(Finding("NAME-MISSING", "error", "", "", f"defined name {name} is missing"))
        elif have[name].replace("'", "") != ref.replace("'", ""):
            out.append(Finding("NAME-BROKEN", "error", "", "",
                               f"defined name {name} refers to {have[name]}, expected {ref}"))
    return out


def audit(path: str | Path, lo) -> list[Finding]:
    """All findings for one workbook, using the LibreOffice engine ``lo``."""
    path = Path(path)
    try:
        sheets = read_cells(path)
    except Exception as exc:
        raise Unauditable(f"{path}: not a workbook this tool can read ({type(exc).__name__}: {exc})") from exc
    try:
        mi, problems, _ = read_model_inputs(sheets)
        lay, ignore = expected_layout(sheets, mi)
    except ModelNotFound as exc:
        raise Unauditable(f"{path}: {exc}") from exc
    findings = []
    for p in problems:
        where, _, msg = p.partition(": ")
        sheet, _, cell = where.partition("!")
        findings.append(Finding("INPUT-NOT-NUMBER", "error", sheet, cell, msg))
    findings += compare_structure(sheets, lay, ignore)
    findings += _names(path, lay)
    if path.suffix.lower() == ".xlsm":
        from .vba import vba_problems
        findings += [Finding("VBA-UNEXPECTED", "error", "", "", m) for m in vba_problems(path)]
    values = lo.recalculate(path)
    for sheet, sv in values.items():
        for (r, c), err in sorted(sv.errors.items()):
            findings.append(Finding("ERROR-VALUE", "error", sheet, xl_rowcol_to_cell(r, c),
                                    f"shows the error {err}"))
    if not problems:
        wi = model_inputs(sheets)
        expected = recompute(wi.inputs, wi.scenarios, wi.scalars, wi.sens_quarter,
                             wi.sens_margins, wi.sens_intensities)
        errors = {s: v.errors for s, v in values.items()}
        seen = {(f.sheet, f.cell) for f in findings}
        for m in compare(expected, {s: v.values for s, v in values.items()}, errors):
            if (m.sheet, m.cell) in seen:
                continue
            findings.append(Finding("RECOMPUTE-MISMATCH", "error", m.sheet, m.cell,
                                    f"{m.what}: the independent recompute gives {m.expected!r}, "
                                    f"the spreadsheet engine {m.got!r}"))
    return findings


def report(results: dict[str, list[Finding]], as_json: bool = False) -> str:
    if as_json:
        return json.dumps({p: [asdict(f) for f in fs] for p, fs in results.items()}, indent=2)
    lines = []
    for p, fs in results.items():
        lines.append(f"{p}: {len(fs)} finding(s)" if fs else f"{p}: clean")
        lines += [f"  {f}" for f in fs]
    return "\n".join(lines)


