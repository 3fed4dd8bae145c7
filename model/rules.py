"""The audit's rules, as one registry: id, severity, what the rule means and the
function that checks it.

Every finding names a rule from this registry, so the terminal report, the JSON,
the JUnit file and the README all speak of the same rules; tests check that each
rule's check function exists and names the rule, and that the README lists them.
A check function is registered with ``@check(rule ids...)`` where it is defined
(model.audit); ``CHECKS`` lists them in the order the audit runs them, and the audit
loops over it: the read phase on the file, the engine phase on LibreOffice's values.

Severities: ``fatal`` (the file could not be audited: exit 2), ``error`` (exit 1),
``warning`` (reported, exit 0). ``exit_code`` is the one place outcomes become exit codes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

SEVERITIES = ("fatal", "error", "warning")
PHASES = ("file", "read", "engine")   # the file cannot be read; read from it; recalculated


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    family: str
    meaning: str

    @property
    def check(self) -> Callable:
        """The function that reports this rule (registered with @check)."""
        return next(c.function for c in CHECKS if self.id in c.rules)


@dataclass(frozen=True)
class Check:
    """A check function of the audit and the rules it reports. ``phase`` 'read':
    ``function(inspection)``; 'engine': ``function(inspection, values, findings so far)``;
    'file': the one-line verdict on a file that cannot be audited."""
    function: Callable
    rules: tuple[str, ...]
    phase: str = "read"


CHECKS: list[Check] = []


def check(*rules: str, phase: str = "read"):
    """Register the decorated function as the check that reports ``rules``."""
    unknown = [r for r in rules if r not in RULES] + ([phase] if phase not in PHASES else [])
    if unknown:
        raise ValueError(f"not a rule or phase: {', '.join(unknown)}")

    def register(fn):
        CHECKS.append(Check(fn, tuple(rules), phase))
        return fn
    return register


RULES = {r.id: r for r in (
    Rule("UNAUDITABLE", "fatal", "file",
         "the file cannot be audited (not a workbook, hostile, the model's sheets missing...); "
         "the message says why"),
    # recompute: the numbers
    Rule("RECOMPUTE-MISMATCH", "error", "recompute",
         "LibreOffice's fresh recalculation differs from the independent pandas recompute"),
    Rule("RECOMPUTE-UNCOVERED", "error", "recompute",
         "a calculated row or check that the independent recompute does not know, so nothing checks it"),
    Rule("CACHED-STALE", "error", "recompute",
         "the value Excel (or LibreOffice) stored when the file was saved, which is what people "
         "saw, differs from the recompute"),
    Rule("ERROR-VALUE", "error", "recompute", "a cell shows an error value (#REF!, #DIV/0!, ...)"),
    Rule("CIRCULAR-REFERENCE", "error", "recompute", "a formula depends on itself"),
    Rule("CHECK-FAILED", "error", "recompute",
         "one of the workbook's own checks fails (the Cover says FAILED)"),
    # structure: still the model
    Rule("STRUCT-OVERTYPED", "error", "structure", "a number or blank where the row's formula belongs"),
    Rule("STRUCT-FORMULA", "error", "structure", "a formula that breaks its row's pattern"),
    Rule("STRUCT-UNEXPECTED", "error", "structure", "content in a cell where the model has nothing"),
    Rule("STRUCT-SHEET-ADDED", "error", "structure", "a sheet the model does not know"),
    Rule("STRUCT-SHEET-MISSING", "error", "structure", "a chart sheet of the model was deleted"),
    Rule("STRUCT-LABEL", "warning", "structure", "a label or heading was changed"),
    Rule("NAME-MISSING", "error", "structure", "a defined name of the public interface is missing"),
    Rule("NAME-BROKEN", "error", "structure", "a defined name points somewhere else"),
    Rule("CHART-SERIES", "error", "structure",
         "a chart series does not plot its model row over the whole timeline (or is missing)"),
    # modelling standards (FAST, ICAEW)
    Rule("LINT-HARDCODED-NUMBER", "error", "lint", "a number typed inside a formula (0 and 1 allowed)"),
    Rule("LINT-VOLATILE", "error", "lint", "a volatile function (OFFSET, INDIRECT, NOW, TODAY, RAND...)"),
    Rule("LINT-EXTERNAL-LINK", "error", "lint", "a link to another workbook"),
    Rule("LINT-HIDDEN-SHEET", "error", "lint", "a hidden or very hidden sheet"),
    Rule("LINT-HIDDEN-ROWCOL", "error", "lint", "a hidden row or column on a model sheet"),
    Rule("LINT-ITERATIVE-CALC", "error", "lint", "iterative calculation is on, which hides circular references"),
    Rule("LINT-INPUT-LOCKED", "error", "lint", "an input cell is locked, so people cannot type in it"),
    Rule("LINT-INPUT-UNSTYLED", "warning", "lint", "an input cell lost the input style (fill)"),
    Rule("LINT-UNPROTECTED", "error", "lint", "a calculation sheet is not protected"),
    Rule("VBA-UNEXPECTED", "error", "lint", "VBA other than xlwings' modules and our Refresh call"),
    # inputs as people typed them
    Rule("INPUT-NOT-NUMBER", "error", "input", "text where a number belongs"),
    Rule("INPUT-NEGATIVE-REVENUE", "error", "input", "a revenue figure below zero"),
    Rule("INPUT-MARGIN-RANGE", "error", "input", "a margin outside -100%..100%"),
    Rule("INPUT-OUT-OF-RANGE", "error", "input",
         "an assumption or sensitivity setting outside the valid range the spec declares for it"),
    Rule("INPUT-SOURCE-DIFFERS", "warning", "input",
         "a sourced figure differs from the value its Sources row gives (quiet when the row's note "
         "says 'override: <reason>')"),
    Rule("INPUT-BASIS-HIDDEN", "error", "input",
         "a figure the sources call an estimate, approximation or lower bound is shown as reported"),
    Rule("INPUT-QUARTER-ORDER", "error", "input", "quarters out of order on the timeline"),
    Rule("INPUT-QUARTER-GAP", "error", "input", "a quarter missing in the middle of the timeline"),
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
