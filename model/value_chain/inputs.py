"""The value-chain dataset as ModelInputs: what the layout and the writer see.

The unit-economics statements travel in ``quotes`` under ('statement', text): a tuple
(value, unit, basis, source title, link, quote, data row) the Quotes sheet shows; the
statements the per-$1 split uses are also scalars on Assumptions (a fraction: 0.625).
"""
from __future__ import annotations

from ..core.inputs import Entry, ModelInputs
from . import spec

STATEMENT = "statement"


def describe(ds) -> str:
    """'value_chain_quarterly.csv + ... (447 figures, sha256 …)'."""
    return (f"{' + '.join(p.name for p in ds.paths)} ({len(ds.figures)} figures and "
            f"{len(ds.statements)} statements, sha256 {ds.sha256[:16]})")


def default_scalars(statements) -> dict:
    out = {s.key: s.default for s in spec.SCALARS}
    by_text = {st.text: st for st in statements}
    for s in spec.STATEMENTS:
        st = by_text.get(s.text)
        out[s.key] = st.value / 100.0 if st is not None else None
    return out


def statement_quotes(statements) -> dict:
    return {(STATEMENT, st.text): (st.value, st.unit, st.basis, st.source_title, st.source_url, st.quote, st.row)
            for st in statements}


def from_dataset(ds) -> ModelInputs:
    """Inputs for a fresh build: every figure and statement from the data, defaults elsewhere."""
    figures = {(f.period, f.key): Entry(f.value, f.basis, f.source_title, f.source_url, f.value, f.row,
                                        quote=f.quote) for f in ds.figures}
    quotes = {(f.period.label, f.key): f.quote for f in ds.figures if f.quote}
    quotes.update(statement_quotes(ds.statements))
    return ModelInputs(
        periods=ds.periods, period_ends=ds.period_ends(), rows=list(spec.INPUT_ROWS), figures=figures,
        scenarios={}, scalars=default_scalars(ds.statements), sens_quarter="", quotes=quotes,
        provenance={"Built from": describe(ds)})
