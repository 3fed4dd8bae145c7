"""The audit's rules, as one registry: id, severity, what the rule means and the
function that checks it.

Every finding names a rule from this registry, so the terminal report, the JSON,
the JUnit file and the README all speak of the same rules; tests check that each
rule's check function exists and names the rule, and that the README lists them.

Severities: ``fatal`` (the file could not be audited: exit 2), ``error`` (exit 1),
``warning`` (reported, exit 0). ``exit_code`` is the one place outcomes become exit codes.
"""
from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("fatal", "error", "warning")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    family: str
    meaning: str
    check: str          # 'module:function' that reports it (model.<module>)


RULES = {r.id: r for r in (
    Rule("UNAUDITABLE", "fatal", "file",
         "the file cannot be audited (not a workbook, hostile, the model's sheets missing...); "
         "the message says why", "audit:_unauditable"),
    # recompute: the numbers
    Rule("RECOMPUTE-MISMATCH", "error", "recompute",
         "LibreOffice's fresh recalculation differs from the independent pandas recompute",
         "audit:Inspection.recalculated"),
    Rule("RECOMPUTE-UNCOVERED", "error", "recompute",
         "a calculated row or check that the independent recompute does not know, so nothing checks it",
         "audit:_uncovered"),
    Rule("CACHED-STALE", "error", "recompute",
         "the value Excel (or LibreOffice) stored when the file was saved, which is what people "
         "saw, differs from the recompute", "audit:Inspection.recalculated"),
    Rule("ERROR-VALUE", "error", "recompute", "a cell shows an error value (#REF!, #DIV/0!, ...)",
         "audit:Inspection.recalculated"),
    Rule("CIRCULAR-REFERENCE", "error", "recompute", "a formula depends on itself",
         "audit:Inspection.recalculated"),
    Rule("CHECK-FAILED", "error", "recompute",
         "one of the workbook's own checks fails (the Cover says FAILED)", "audit:Inspection._checks_failed"),
    # structure: still the model
    Rule("STRUCT-OVERTYPED", "error", "structure", "a number or blank where the row's formula belongs",
         "structure:compare_structure"),
    Rule("STRUCT-FORMULA", "error", "structure", "a formula that breaks its row's pattern",
         "structure:compare_structure"),
    Rule("STRUCT-UNEXPECTED", "error", "structure", "content in a cell where the model has nothing",
         "structure:compare_structure"),
    Rule("STRUCT-SHEET-ADDED", "error", "structure", "a sheet the model does not know",
         "structure:compare_structure"),
    Rule("STRUCT-SHEET-MISSING", "error", "structure", "a chart sheet of the model was deleted",
         "audit:inspect"),
    Rule("STRUCT-LABEL", "warning", "structure", "a label or heading was changed",
         "structure:compare_structure"),
    Rule("NAME-MISSING", "error", "structure", "a defined name of the public interface is missing",
         "audit:_names"),
    Rule("NAME-BROKEN", "error", "structure", "a defined name points somewhere else", "audit:_names"),
    Rule("CHART-SERIES", "error", "structure",
         "a chart series does not plot its model row over the whole timeline (or is missing)",
         "charts:chart_findings"),
    # modelling standards (FAST, ICAEW)
    Rule("LINT-HARDCODED-NUMBER", "error", "lint", "a number typed inside a formula (0 and 1 allowed)",
         "lint:formula_findings"),
    Rule("LINT-VOLATILE", "error", "lint", "a volatile function (OFFSET, INDIRECT, NOW, TODAY, RAND...)",
         "lint:formula_findings"),
    Rule("LINT-EXTERNAL-LINK", "error", "lint", "a link to another workbook", "lint:formula_findings"),
    Rule("LINT-NONPORTABLE", "error", "lint",
         "a formula form spreadsheet engines compute differently: IS* of a range inside SUMPRODUCT "
         "or SUM, COLUMN/ROW of a range in an array context, COUNTIF(r,\"*\"), INDEX over one row "
         "with one index", "lint:formula_findings"),
    Rule("LINT-HIDDEN-SHEET", "error", "lint", "a hidden or very hidden sheet", "lint:lint"),
    Rule("LINT-HIDDEN-ROWCOL", "error", "lint", "a hidden row or column on a model sheet", "lint:lint"),
    Rule("LINT-ITERATIVE-CALC", "error", "lint", "iterative calculation is on, which hides circular references",
         "lint:lint"),
    Rule("LINT-INPUT-LOCKED", "error", "lint", "an input cell is locked, so people cannot type in it",
         "lint:lint"),
    Rule("LINT-INPUT-UNSTYLED", "warning", "lint", "an input cell lost the input style (fill)", "lint:lint"),
    Rule("LINT-UNPROTECTED", "error", "lint", "a calculation sheet is not protected", "lint:lint"),
    Rule("VBA-UNEXPECTED", "error", "lint", "VBA other than xlwings' modules and our Refresh call",
         "audit:inspect"),
    # inputs as people typed them
    Rule("INPUT-NOT-NUMBER", "error", "input", "text where a number belongs", "audit:inspect"),
    Rule("INPUT-NEGATIVE-REVENUE", "error", "input", "a revenue figure below zero", "sanity:sanity"),
    Rule("INPUT-MARGIN-RANGE", "error", "input", "a margin outside -100%..100%", "sanity:sanity"),
    Rule("INPUT-OUT-OF-RANGE", "error", "input",
         "an assumption or sensitivity setting outside the valid range the spec declares for it",
         "sanity:out_of_range"),
    Rule("INPUT-SOURCE-DIFFERS", "warning", "input",
         "a sourced figure differs from the value its Sources row gives (quiet when the row's note "
         "says 'override: <reason>')", "sanity:source_differs"),
    Rule("INPUT-BASIS-HIDDEN", "error", "input",
         "a figure the sources call an estimate, approximation or lower bound is shown as reported",
         "sanity:sanity"),
    Rule("INPUT-QUARTER-ORDER", "error", "input", "quarters out of order on the timeline",
         "sanity:_timeline_order"),
    Rule("INPUT-QUARTER-GAP", "error", "input", "a quarter missing in the middle of the timeline",
         "sanity:_timeline_order"),
)}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    sheet: str
    cell: str
    message: str
    got: str | None = None          # whole formula or value found, when the rule compares one
    expected: str | None = None     # whole formula or value the model has there

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        return f"{self.severity.upper():7} {self.rule:22} {self.where:18} {self.message}"


def finding(rule: str, sheet: str, cell: str, message: str, got=None, expected=None) -> Finding:
    """A finding of ``rule`` at ``sheet!cell``, with the rule's severity."""
    return Finding(rule, RULES[rule].severity, sheet, cell, message,
                   None if got is None else str(got), None if expected is None else str(expected))


def exit_code(results: dict[str, list[Finding]]) -> int:
    """2 when any file could not be audited, else 1 with any error, else 0."""
    severities = {f.severity for fs in results.values() for f in fs}
    return 2 if "fatal" in severities else 1 if "error" in severities else 0
