"""A third model, kept in the tests to prove the house's shape: two sourced rows (revenue,
cost of sales) over a few quarters, gross profit and margin, two checks. It is its own
package (spec, data, inputs, layout, reader, reference), its Cover text (cover.txt) and its
data (toy_quarterly.csv); registering it is one line in model.models.REGISTRY
(tests/test_toy_model.py adds that line for the test only)."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
REGISTRY_LINE = ("toy_margin", "tests.toy_model:model")


def model():
    from model.models import Model
    from . import spec
    from .data import load, parse_label
    from .inputs import from_dataset, input_rows
    from .layout import lay_out
    from .reader import read_inputs
    from .reference import cached, compare, reference

    return Model(
        key=spec.KEY, title="Toy margin model", workbook="toy_margin.xlsx", data=("toy_quarterly.csv",),
        cover=spec.COVER, inputs=spec.INPUTS, assumptions=spec.ASSUMPTIONS, calcs=spec.CALCS,
        checks=spec.CHECKS, sources=spec.SOURCES, worksheets=spec.WORKSHEETS,
        timeline_sheets=spec.TIMELINE_SHEETS, charts=(), chart_after=spec.CHECKS, active=spec.COVER,
        period_regex=spec.PERIOD_REGEX, parse_label=parse_label, names=spec.defined_names, load=load,
        from_dataset=from_dataset, read_inputs=read_inputs, lay_out=lay_out, reference=reference,
        compare=compare, cached=cached, input_rows=input_rows, check_rows=spec.CHECKS_LIST,
        scalars=spec.SCALARS, extra={"subject": "Gross margin of a toy business"})
