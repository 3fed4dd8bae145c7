"""One formula normaliser (model.core.formula): what the structure check, the refresh, diff
and textconv compare or show, by the same rules."""
import pytest

from model.core.formula import canonical, normalise, normalise_ref


@pytest.mark.parametrize("a,b", [
    ("=SUM( 'Calculations'!A1 , B2 )", "=sum(Calculations!a1,b2)"),
    ("=_xlfn.STDEV.S(A1:A4)", "=STDEV.S(A1:A4)"),
    ("='Chart data'!F7", "='chart data'!F7"),
    ("=SUM(A1:B9 B2:C3)", "=SUM(A1:B9  B2:C3)"),
])
def test_the_same_formula_written_by_two_programs_is_one(a, b):
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize("a,b", [
    ('=IF(A1="","yes","")', '=IF(A1="","YES","")'),     # text in a literal keeps its case
    ("=SUM(A1:B9 B2:C3)", "=SUM(A1:B9,B2:C3)"),          # intersection is not union
    ("=A1-B1", "=A1+B1"),
])
def test_different_formulas_stay_different(a, b):
    assert normalise(a) != normalise(b)


def test_the_text_form_and_the_compared_form_agree():
    f = "=IF( 'It''s'!C3 >0, \"two  spaces\", _xlfn.CONCAT(\"a\",\"b\"))"
    assert canonical(f) == "=IF('It''s'!C3>0,\"two  spaces\",CONCAT(\"a\",\"b\"))"
    assert normalise(f) == "IF('IT''S'!C3>0,\"two  spaces\",CONCAT(\"a\",\"b\"))"
    assert normalise_ref("='Chart data'!$F$7:$K$7") == "CHART DATA!F7:K7"
