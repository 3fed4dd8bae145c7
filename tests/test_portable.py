"""Formula forms spreadsheet engines compute differently (the team's notes, engines.md):
the lint names each, the portable forms pass, and no model's workbook uses one, so a new
row cannot bring one back."""
import pytest
from openpyxl.formula import Tokenizer

from model.build import build
from model.lint import formula_findings, portability_problems
from model.models import all_models
from model.core.reader import Formula
from model.core.workbook import read_book

NAMES = {"Periods": "Inputs!$F$4:$Y$4", "Column": "Inputs!$F$4:$F$9"}

DIFFER = [           # each read differently by IronCalc, formualizer, LibreOffice or Gnumeric
    "=SUMPRODUCT(--ISERROR(Inputs!$A$1:$Y$26))",
    "=SUMPRODUCT(--ISTEXT(Inputs!$F$6:$Y$20))+SUMPRODUCT(--ISTEXT(Assumptions!$F$13:$Y$15))",
    "=SUM(IF(ISNUMBER(A1:B2),1,0))",
    "=ROWS(A1:C3)*COLUMNS(A1:C3)-SUMPRODUCT(--NOT(ISERROR(A1:C3)))",
    '=IF(F5="","",SUMPRODUCT($F$43:$Y$43*(COLUMN($F$43:$Y$43)<=COLUMN())))',
    "=SUMPRODUCT((ROW(A1:A9)<=C1)*B1:B9)",
    '=COUNTIF(Inputs!$F$6:$Y$20,"*")',
    "=INDEX(Periods,MATCH($J4,Calculations!$F$44:$Y$44,0))",
    "=INDEX(Calculations!$F$43:$Y$43,Summary!$D$5)",
]
PORTABLE = [
    "=SUMPRODUCT(IFERROR((Inputs!$A$1:$Y$26=Inputs!$A$1:$Y$26)*0,1))",
    "=COUNTA(Inputs!$F$6:$Y$20)-COUNT(Inputs!$F$6:$Y$20)",
    '=IF(F5="","",SUM($F$43:F43))',
    '=IFERROR(INDEX(Periods,1,MATCH($J4,Calculations!$F$44:$Y$44,0)),"")',
    "=INDEX(Calculations!$F$43:$Y$43,1,Summary!$D$5)",
    "=INDEX(Column,2)",                        # one column: every engine agrees
    "=SUMPRODUCT(--ISTEXT(A1))",               # one cell
    '=COUNTIF(A1:A9,"x*")+COLUMN()+ROW(A1)',
]


@pytest.mark.parametrize("text", DIFFER)
def test_each_form_engines_read_differently_is_named(text):
    found = formula_findings("Checks", "E20", text, NAMES)
    assert {f.rule for f in found} == {"LINT-NONPORTABLE"}
    assert found[0].where == "Checks!E20" and text in found[0].message


@pytest.mark.parametrize("text", PORTABLE)
def test_the_portable_forms_pass(text):
    assert portability_problems(Tokenizer(text).items, NAMES) == []


@pytest.mark.parametrize("m", all_models(), ids=lambda m: m.key)
def test_no_model_formula_uses_a_form_engines_read_differently(m, tmp_path):
    book = read_book(build(None, tmp_path / m.default_workbook.name, m.key), styles=False)
    bad = {}
    for sheet, cells in book.cells.items():
        for (r, c), v in cells.items():
            if isinstance(v, Formula):
                problems = portability_problems(Tokenizer(v).items, book.names)
                if problems:
                    bad[f"{sheet}!{r + 1},{c + 1}"] = (str(v), problems)
    assert bad == {}
