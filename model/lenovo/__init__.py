"""Lenovo ISG: CSP profitability from segment data.

``model()`` returns the models.Model value the commands dispatch on (REGISTRY names it).
"""
from __future__ import annotations


def reference_result(mi):
    """The independent recompute of the inputs ``mi`` read from the workbook."""
    import pandas as pd

    from . import spec
    from .reference import recompute
    labels = [p.label for p in mi.periods]

    def frame(entries, keys):
        rows = {k: dict.fromkeys(labels, float("nan")) for k in keys}
        for (p, key), e in entries.items():
            rows[key][p.label] = e.value
        return pd.DataFrame.from_dict(rows, orient="index", columns=labels, dtype=float)

    scen = frame(mi.scenarios, [s.key for s in spec.SCENARIO_ROWS])
    # which quarters' Base margin is sourced (the Assumptions row excsp_base_source says so)
    scen.loc["excsp_sourced"] = [
        1.0 if (e := mi.scenarios.get((p, "excsp_base"))) is not None and e.basis not in ("assumption", "user")
        else 0.0 for p in mi.periods]
    return recompute(frame(mi.figures, [r.key for r in mi.rows]), scen,
                     mi.scalars, mi.sens_quarter, mi.sens_margins, mi.sens_intensities,
                     mi.summary_quarter, _outlook_drivers(mi))


def _outlook_drivers(mi) -> dict | None:
    """The Outlook's drivers as the workbook holds them (None when they are not all numbers)."""
    from .layout import OUTLOOK_DRIVERS
    d = {code: mi.outlook.get(code, default) for code, _, _, default, _ in OUTLOOK_DRIVERS}
    d["o_base"] = mi.outlook.get("o_base", mi.summary_quarter)
    ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) for k_, v in d.items() if k_ != "o_base")
    return d if ok else None


def _drivers() -> tuple:
    from ..core.spec import Driver
    from .layout import O_VAL, OUTLOOK, OUTLOOK_DRIVERS, OUTLOOK_VALID
    return tuple(Driver(OUTLOOK, code, unit, OUTLOOK_VALID[code], O_VAL)
                 for code, _, unit, default, _ in OUTLOOK_DRIVERS if default is not None)


def model():
    """Lenovo ISG: CSP profitability from segment data (model.lenovo.spec)."""
    from ..models import Model
    from . import spec
    from .cached import cached_values
    from .compare import compare
    from .data import load, parse_label
    from .inputs import from_dataset, input_rows
    from .layout import lay_out
    from .reader import read_model_inputs, sensitivity_axes

    def load_one(paths):
        paths = list(paths) if isinstance(paths, (list, tuple)) else [paths]
        if len(paths) != 1:
            raise ValueError(f"the Lenovo model reads one data file, got {len(paths)}")
        return load(paths[0])

    return Model(
        key="lenovo_isg", title="ISG margin model", workbook="lenovo_isg.xlsx",
        extra={"subject": "CSP profitability from segment data"},
        data=("lenovo_quarterly.csv",),
        cover=spec.COVER, inputs=spec.INPUTS, assumptions=spec.ASSUMPTIONS, calcs=spec.CALCS,
        checks=spec.CHECKS, sources=spec.SOURCES, quotes="Quotes", worksheets=spec.WORKSHEETS,
        timeline_sheets=spec.TIMELINE_SHEETS, charts=spec.CHARTS, chart_after=spec.CHECKS,
        active="Summary", period_regex=spec.PERIOD_REGEX, parse_label=parse_label,
        names=spec.defined_names, load=load_one, from_dataset=from_dataset,
        read_inputs=read_model_inputs, lay_out=lay_out, reference=reference_result,
        compare=compare, cached=cached_values, check_rows=spec.CHECKS_LIST,
        scalars=spec.SCALARS, scenario_rows=spec.SCENARIO_ROWS, sensitivity=spec.SENS,
        macro_twin=True, button_cell=spec.BUTTON_CELL, stamped=False, chart_data=spec.CHART_DATA,
        input_rows=input_rows, sensitivity_axes=sensitivity_axes,
        sensitivity_ranges=(spec.SENS_MARGIN_RANGE, spec.SENS_INTENSITY_RANGE),
        assumption_figures={v: f"{e}.{mt}" for (e, mt), v in spec.ASSUMPTION_FIGURES.items()},
        figure_ranges=spec.FIGURE_RANGES, drivers=_drivers())
