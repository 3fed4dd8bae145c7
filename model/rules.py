"""The audit's rules: one table of id, severity and what the rule means.

Every finding names a rule from this table, so the terminal report, the JSON,
the JUnit file and the README all speak of the same rules.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    family: str
    meaning: str


RULES = {r.id: r for r in (
    # recompute: the numbers
    Rule("RECOMPUTE-MISMATCH", "error", "recompute",
         "LibreOffice's fresh recalculation differs from the independent pandas recompute"),
    Rule("CACHED-STALE", "error", "recompute",
         "the value Excel (or LibreOffice) stored when the file was saved, which is what people "
         "saw, differs from the recompute"),
    Rule("ERROR-VALUE", "error", "recompute", "a cell shows an error value (#REF!, #DIV/0!, ...)"),
    Rule("CIRCULAR-REFERENCE", "error", "recompute", "a formula depends on itself"),
    # structure: still the model
    Rule("STRUCT-OVERTYPED", "error", "structure", "a number or blank where the row's formula belongs"),
    Rule("STRUCT-FORMULA", "error", "structure", "a formula that breaks its row's pattern"),
    Rule("STRUCT-UNEXPECTED", "error", "structure", "content in a cell where the model has nothing"),
    Rule("STRUCT-SHEET-ADDED", "error", "structure", "a sheet the model does not know"),
    Rule("STRUCT-SHEET-MISSING", "error", "structure", "a chart sheet of the model was deleted"),
    Rule("STRUCT-LABEL", "warning", "structure", "a label or heading was changed"),
    Rule("NAME-MISSING", "error", "structure", "a defined name of the public interface is missing"),
    Rule("NAME-BROKEN", "error", "structure", "a defined name points somewhere else"),
    # modelling standards (FAST, ICAEW)
    Rule("LINT-HARDCODED-NUMBER", "error", "lint", "a number typed inside a formula (0 and 1 allowed)"),
    Rule("LINT-VOLATILE", "error", "lint", "a volatile function (OFFSET, INDIRECT, NOW, TODAY, RAND...)"),
    Rule("LINT-EXTERNAL-LINK", "error", "lint", "a link to another workbook"),
    Rule("LINT-HIDDEN-SHEET", "error", "lint", "a hidden or very hidden sheet"),
    Rule("LINT-ITERATIVE-CALC", "error", "lint", "iterative calculation is on, which hides circular references"),
    Rule("LINT-INPUT-LOCKED", "error", "lint", "an input cell is locked, so people cannot type in it"),
    Rule("LINT-INPUT-UNSTYLED", "warning", "lint", "an input cell lost the input style (fill)"),
    Rule("LINT-UNPROTECTED", "error", "lint", "a calculation sheet is not protected"),
    Rule("VBA-UNEXPECTED", "error", "lint", "VBA other than xlwings' modules and our Refresh call"),
    # inputs as people typed them
    Rule("INPUT-NOT-NUMBER", "error", "input", "text where a number belongs"),
    Rule("INPUT-NEGATIVE-REVENUE", "error", "input", "a revenue figure below zero"),
    Rule("INPUT-MARGIN-RANGE", "error", "input", "a margin outside -100%..100%"),
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

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        return f"{self.severity.upper():7} {self.rule:22} {self.where:18} {self.message}"


def finding(rule: str, sheet: str, cell: str, message: str) -> Finding:
    """A finding of ``rule`` at ``sheet!cell``, with the rule's severity."""
    return Finding(rule, RULES[rule].severity, sheet, cell, message)
