"""Independent recomputation of every calculated row with pandas.

Written from the model's equations, not from the workbook's formulas: this
module uses the spec for row names only and never renders a formula. Each
frame has one row per key and one column per period; NaN stands for a blank.

    group GP      = reported GP, else revenue x reported margin
    CSP revenue   = reported, else ISG - enterprise/SMB
    CSP GP        = group GP - (group revenue - CSP revenue) x ex-CSP margin
    opex pool     = group GP - group operating profit
    CSP opex      = pool x CSP revenue / group revenue x intensity
    CSP OP        = CSP GP - CSP opex
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

REVENUE_ENTITIES = ("Group", "IDG", "ISG", "SSG", "ISG-CSP", "ISG-ESMB", "ISG-AI")
SCENARIO_ROW = {"Low": "excsp_low", "Base": "excsp_base", "High": "excsp_high"}


@dataclass
class Result:
    calcs: pd.DataFrame           # calc key x period
    flags: pd.DataFrame           # per-period check key x period (1 = fails)
    check_totals: pd.Series       # check key -> failures
    master: float
    sens_lookups: pd.Series       # s_gp, s_rev, s_csp, s_pool, s_op for the chosen quarter
    sens_grid: pd.DataFrame       # margin x intensity


def _div(num: pd.Series, den: pd.Series) -> pd.Series:
    ok = num.notna() & den.notna() & (den != 0)
    return (num / den.where(ok)).where(ok)


def _growth(s: pd.Series, lag: int) -> pd.Series:
    prior = s.shift(lag)
    return _div(s, prior) - 1


def recompute(inputs: pd.DataFrame, scenarios: pd.DataFrame, scalars: dict,
              sens_quarter: str, sens_margins, sens_intensities) -> Result:
    """All outputs from the inputs as they stand."""
    periods = list(inputs.columns)
    nan = pd.Series(np.nan, index=periods, dtype=float)

    def g(key: str) -> pd.Series:
        return inputs.loc[key].astype(float) if key in inputs.index else nan.copy()

    rev, gp_rep, gm_rep = g("Group.revenue"), g("Group.gross_profit"), g("Group.gross_margin_pct")
    op = g("Group.operating_profit")
    isg, isg_op = g("ISG.revenue"), g("ISG.operating_profit")
    csp_in, esmb_in = g("ISG-CSP.revenue"), g("ISG-ESMB.revenue")
    ai, pipe = g("ISG-AI.revenue"), g("ISG-AI.pipeline")
    k = float(scalars["opex_intensity"])

    c = {}
    c["group_gross_profit"] = gp_rep.where(gp_rep.notna(), rev * gm_rep)
    c["blended_gm"] = _div(c["group_gross_profit"], rev)
    row = SCENARIO_ROW.get(scalars["scenario"])
    c["excsp_gm"] = scenarios.loc[row].astype(float) if row else nan.copy()
    c["csp_revenue"] = csp_in.where(csp_in.notna(), isg - esmb_in)
    c["excsp_revenue"] = rev - c["csp_revenue"]
    c["excsp_gross_profit"] = c["excsp_revenue"] * c["excsp_gm"]
    c["csp_gross_profit"] = c["group_gross_profit"] - c["excsp_gross_profit"]
    c["csp_gm"] = _div(c["csp_gross_profit"], c["csp_revenue"])
    c["opex_pool"] = c["group_gross_profit"] - op
    c["csp_revenue_share"] = _div(c["csp_revenue"], rev)
    c["csp_opex"] = c["opex_pool"] * c["csp_revenue_share"] * k
    c["csp_op"] = c["csp_gross_profit"] - c["csp_opex"]
    loss = c["csp_op"] < 0
    c["csp_rev_per_loss"] = (c["csp_revenue"] / -c["csp_op"].where(loss)).where(
        loss & c["csp_revenue"].notna())
    c["csp_breakeven_gm"] = _div(c["csp_opex"], c["csp_revenue"])
    c["esmb_revenue"] = isg - c["csp_revenue"]
    c["esmb_op"] = isg_op - c["csp_op"]
    c["isg_om"] = _div(isg_op, isg)
    c["group_rev_yoy"] = _growth(rev, 4)
    c["group_rev_qoq"] = _growth(rev, 1)
    c["isg_rev_yoy"] = _growth(isg, 4)
    c["isg_rev_qoq"] = _growth(isg, 1)
    c["ai_rev_yoy"] = _growth(ai, 4)
    c["ai_rev_qoq"] = _growth(ai, 1)
    c["ai_pipeline_cover"] = _div(pipe, ai)
    calcs = pd.DataFrame(c).T[periods]

    f = {}
    idg, ssg = g("IDG.revenue"), g("SSG.revenue")
    seg = idg + isg + ssg
    f["seg_sum"] = seg.notna() & rev.notna() & ((seg - rev).abs() > scalars["segment_tolerance"] * rev)
    tol = float(scalars["rounding_tolerance"])
    f["isg_split"] = (csp_in + esmb_in - isg).abs() > tol
    f["csp_in_isg"] = c["csp_revenue"] > isg + tol
    f["gp_in_revenue"] = c["group_gross_profit"] > rev
    f["revenue_sign"] = pd.concat([g(f"{e}.revenue") < 0 for e in REVENUE_ENTITIES], axis=1).any(axis=1)
    bound = float(scalars["margin_bound"])
    f["margin_bounds"] = pd.concat([c[x].abs() > bound for x in
                                    ("blended_gm", "excsp_gm", "csp_gm", "isg_om")], axis=1).any(axis=1)
    f["excsp_set"] = c["csp_revenue"].notna() & c["excsp_gm"].isna()
    flags = pd.DataFrame({k_: v.fillna(False).astype(int) for k_, v in f.items()}).T[periods]
    totals = flags.sum(axis=1).astype(float)
    totals["scenario_valid"] = 0.0 if row else 1.0
    for sheet in ("inputs", "assumptions", "calcs", "sensitivity"):
        totals[f"errors_{sheet}"] = 0.0

    lk = {}
    if sens_quarter in periods:
        lk = {"s_gp": c["group_gross_profit"][sens_quarter], "s_rev": rev[sens_quarter],
              "s_csp": c["csp_revenue"][sens_quarter], "s_pool": c["opex_pool"][sens_quarter],
              "s_op": c["csp_op"][sens_quarter]}
    lookups = pd.Series(lk, dtype=float)
    m = np.asarray(sens_margins, dtype=float)[:, None]
    kk = np.asarray(sens_intensities, dtype=float)[None, :]
    values = np.full((m.size, kk.size), np.nan)
    if lk and not np.isnan([lk["s_gp"], lk["s_rev"], lk["s_csp"], lk["s_pool"]]).any() \
            and lk["s_rev"] != 0:
        # CSP OP = GP - (revenue - CSP revenue) x margin - pool x CSP share x intensity
        values = (lk["s_gp"] - (lk["s_rev"] - lk["s_csp"]) * m
                  - lk["s_pool"] * lk["s_csp"] / lk["s_rev"] * kk)
    grid = pd.DataFrame(values, index=list(sens_margins), columns=list(sens_intensities))
    return Result(calcs, flags, totals, float(totals.sum()), lookups, grid)
