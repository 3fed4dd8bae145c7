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
    sens_extra: dict = None       # sx_* below the grid (Sensitivity, column E)
    summary: dict = None          # Summary row code -> [values from column D on]
    summary_list: list = None     # the Summary's drop-down: the k-th quarter with an answer
    feeds: pd.DataFrame = None    # chart-feed rows (NaN = #N/A, a gap in the chart)
    annual: dict = None           # Annual row code -> [value per fiscal year]
    outlook: dict = None          # Outlook row code -> [value] (drivers) or [value per quarter]

    @property
    def covered(self) -> set[str]:
        """Row codes of Calculations and Checks this recompute gives values for."""
        return set(self.calcs.index) | set(self.flags.index) | set(self.check_totals.index)


def _div(num: pd.Series, den: pd.Series) -> pd.Series:
    ok = num.notna() & den.notna() & (den != 0)
    return (num / den.where(ok)).where(ok)


def _growth(s: pd.Series, lag: int) -> pd.Series:
    prior = s.shift(lag)
    return _div(s, prior) - 1


WARNINGS = ("summary_answered", "esmb_margin_range", "methods_agree")   # shown, not in the master check
FAILABLE = ("seg_sum", "isg_split", "csp_in_isg", "gp_in_revenue", "revenue_sign", "margin_bounds",
            "excsp_set", "scenario_valid", "errors_inputs", "errors_assumptions", "errors_calcs",
            "errors_sensitivity", "text_in_inputs", "sens_reconciles", "split_derived")


def _num(x) -> float:
    return float(x) if x is not None and not (isinstance(x, float) and np.isnan(x)) else np.nan


def recompute(inputs: pd.DataFrame, scenarios: pd.DataFrame, scalars: dict,
              sens_quarter: str, sens_margins, sens_intensities,
              summary_quarter: str | None = None, outlook: dict | None = None) -> Result:
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

    op_adj = g("Group.operating_profit_adjusted")
    c = {}
    c["group_gross_profit"] = gp_rep.where(gp_rep.notna(), rev * gm_rep)
    c["blended_gm"] = _div(c["group_gross_profit"], rev)
    row = SCENARIO_ROW.get(scalars["scenario"])
    # --- 0.4.0: every quarter the data can answer -------------------------------------------
    n = len(periods)
    pos = pd.Series(np.arange(1, n + 1, dtype=float), index=periods)
    csp_given = csp_in.where(csp_in.notna(), isg - esmb_in)
    esmb_given = esmb_in.where(esmb_in.notna(), isg - csp_in)

    def by_growth(given, growth):
        """Year-earlier dollars x (1 + growth); a year later's dollars / (1 + its growth)."""
        fwd = given.shift(4) * (1 + growth)
        later_g = growth.shift(-4)
        back = (given.shift(-4) / (1 + later_g)).where(1 + later_g != 0)
        return fwd, back

    csp_fwd, csp_back = by_growth(csp_given, g("ISG-CSP.revenue_yoy_pct"))
    esmb_fwd, esmb_back = by_growth(esmb_given, g("ISG-ESMB.revenue_yoy_pct"))
    csp_all = csp_given.combine_first(csp_fwd).combine_first(csp_back)
    esmb_all = esmb_given.combine_first(esmb_fwd).combine_first(esmb_back)

    def how(reported, given, fwd, back, rest):
        out = []
        for i, p in enumerate(periods):
            if not np.isnan(reported[p]):
                out.append("as given (Inputs)")
            elif not np.isnan(given[p]):
                out.append(rest)
            elif not np.isnan(fwd[p]):
                out.append(f"derived: {periods[i - 4]} x (1 + growth)")
            elif not np.isnan(back[p]):
                out.append(f"derived: {periods[i + 4]} / (1 + its growth)")
            else:
                out.append("")
        return pd.Series(out, index=periods, dtype=object)

    # the ex-CSP margin: sourced where the data gives it, else carried (the margin, or its spread)
    sourced = (scenarios.loc["excsp_sourced"].astype(float).fillna(0) if "excsp_sourced" in scenarios.index
               else pd.Series(0.0, index=periods))
    src_pos = pos.where(sourced == 1, 0.0)
    first_src = float(pos[sourced == 1].iloc[0]) if (sourced == 1).any() else np.nan
    anchor_pos = src_pos.cummax().where(src_pos.cummax() > 0, first_src)
    m_carry = scenarios.loc[row].astype(float) if row else nan.copy()
    if row and not np.isnan(first_src):
        a_idx = [periods[int(a) - 1] if not np.isnan(a) else None for a in anchor_pos]
        a_m = pd.Series([m_carry[a] if a else np.nan for a in a_idx], index=periods)
        a_b = pd.Series([c["blended_gm"][a] if a else np.nan for a in a_idx], index=periods)
        m_spread = c["blended_gm"] + a_m - a_b
    else:
        a_idx = [None] * n
        m_spread = nan.copy()
    spread = scalars.get("excsp_carry", "margin") == "spread"
    c["excsp_gm"] = m_spread.where(spread & (sourced != 1), m_carry) if row else nan.copy()
    c["csp_revenue"] = csp_all
    c["excsp_revenue"] = rev - c["csp_revenue"]
    c["excsp_gross_profit"] = c["excsp_revenue"] * c["excsp_gm"]
    c["csp_gross_profit"] = c["group_gross_profit"] - c["excsp_gross_profit"]
    c["csp_gm"] = _div(c["csp_gross_profit"], c["csp_revenue"])
    op_use = op_adj.where((scalars.get("op_basis", "reported") == "adjusted") & op_adj.notna(), op)
    c["opex_pool"] = c["group_gross_profit"] - op_use
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
    # which inputs a quarter without an answer lacks, in the order the method needs them
    answered = c["csp_op"].notna()
    reasons = []
    for p in periods:
        if answered[p]:
            reasons.append("")
            continue
        why = []
        if np.isnan(rev[p]):
            why.append("group revenue")
        elif rev[p] == 0:
            why.append("group revenue is zero")
        if np.isnan(c["group_gross_profit"][p]):
            why.append("group gross profit (or group gross margin)")
        if np.isnan(op_use[p]):
            why.append("group operating profit")
        if np.isnan(c["csp_revenue"][p]):
            why.append("CSP revenue (or ISG and enterprise/SMB revenue)")
        if np.isnan(c["excsp_gm"][p]):
            why.append("ex-CSP gross margin")
        # TRIM in the formula: no trailing space, which LibreOffice drops from stored text
        reasons.append(("missing: " + "".join(w + "; " for w in why)).strip())
    c["csp_missing"] = pd.Series(reasons, index=periods, dtype=object)
    c["csp_answered"] = answered.astype(float)
    c["csp_answer_rank"] = answered.cumsum().astype(float).where(answered)
    c["esmb_om"] = _div(c["esmb_op"], c["esmb_revenue"])
    c["pub_csp_gp"] = g("ISG-CSP.gross_profit")
    c["pub_csp_op"] = g("ISG-CSP.operating_profit")
    c["pub_esmb_op"] = g("ISG-ESMB.operating_profit")
    # the ex-CSP margin m with  published = GP - (rev - CSP rev) x m [- opex]: solved for m
    exrev = c["excsp_revenue"].where(c["excsp_revenue"] != 0)
    c["implied_gm_from_gp"] = (c["group_gross_profit"] - c["pub_csp_gp"]) / exrev
    c["implied_gm_from_op"] = (c["group_gross_profit"] - c["csp_opex"] - c["pub_csp_op"]) / exrev
    # enterprise/SMB OP = ISG OP - CSP OP, so the published figure implies a CSP OP
    c["implied_gm_from_esmb"] = (c["group_gross_profit"] - c["csp_opex"]
                                 - (isg_op - c["pub_esmb_op"])) / exrev
    for name, row in SCENARIO_ROW.items():
        s_key = row.split("_")[1]
        m_s = scenarios.loc[row].astype(float)
        c[f"csp_gp_{s_key}"] = c["group_gross_profit"] - c["excsp_revenue"] * m_s
        c[f"csp_op_{s_key}"] = c[f"csp_gp_{s_key}"] - c["csp_opex"]
    for key, series in (("ttm_group_revenue", rev), ("ttm_group_op", op), ("ttm_isg_revenue", isg),
                        ("ttm_isg_op", isg_op)):
        c[key] = series.rolling(4, min_periods=4).sum()     # all four quarters, else blank
    # --- 0.4.0 rows ---------------------------------------------------------------------------
    c["q_pos"] = pos
    c["csp_rev_given"], c["esmb_rev_given"] = csp_given, esmb_given
    c["csp_rev_fwd"], c["csp_rev_back"] = csp_fwd, csp_back
    c["esmb_rev_fwd"], c["esmb_rev_back"] = esmb_fwd, esmb_back
    c["esmb_rev_all"] = esmb_all
    c["csp_rev_how"] = how(csp_in, csp_given, csp_fwd, csp_back, "ISG less enterprise/SMB")
    c["esmb_rev_how"] = how(esmb_in, esmb_given, esmb_fwd, esmb_back, "ISG less CSP")
    both_given = csp_given.notna() & esmb_given.notna()
    c["split_sum"] = (csp_all + esmb_all).where(~both_given)
    c["split_gap"] = c["split_sum"] - isg
    c["excsp_src_flag"] = sourced.astype(float)
    count = sourced.eq(1).cumsum().astype(float)
    c["excsp_src_count"] = count
    c["excsp_src_pos"] = count.where(sourced == 1)
    c["excsp_anchor_pos"] = anchor_pos
    c["excsp_anchor"] = pd.Series([a or "" for a in a_idx], index=periods, dtype=object)
    c["excsp_gm_carry"] = m_carry
    c["excsp_gm_spread"] = m_spread
    c["excsp_how"] = pd.Series(
        ["" if np.isnan(c["excsp_gm"][p]) else "sourced" if sourced[p] == 1 else
         "carried: spread from " + c["excsp_anchor"][p] if spread else
         "carried: margin" for p in periods], index=periods, dtype=object)
    c["op_in_use"] = op_use
    c["opex_pool_reported"] = c["group_gross_profit"] - op
    c["opex_pool_adjusted"] = c["group_gross_profit"] - op_adj
    c["csp_op_rep_basis"] = c["csp_gross_profit"] - c["opex_pool_reported"] * c["csp_revenue_share"] * k
    c["csp_op_adj_basis"] = c["csp_gross_profit"] - c["opex_pool_adjusted"] * c["csp_revenue_share"] * k
    materiality = float(scalars.get("op_materiality", 100.0))
    c["op_basis_differs"] = ((op_adj - op).abs() > materiality).astype(float)
    case = {"Low": "esmb_om_low", "Base": "esmb_om_base", "High": "esmb_om_high"}.get(
        scalars.get("esmb_case", "Base"))
    default_om = {"esmb_om_low": 0.03, "esmb_om_base": 0.06, "esmb_om_high": 0.10}
    om = float(scalars.get(case, default_om[case])) if case else np.nan
    c["esmb_om_used"] = pd.Series(om, index=periods).where(c["esmb_revenue"].notna())
    c["csp_op_segment"] = isg_op - c["esmb_revenue"] * c["esmb_om_used"]
    both = c["csp_op"].notna() & c["csp_op_segment"].notna()
    c["csp_op_min"] = np.fmin(c["csp_op"], c["csp_op_segment"]).where(both)
    c["csp_op_max"] = np.fmax(c["csp_op"], c["csp_op_segment"]).where(both)
    c["method_gap"] = c["csp_op"] - c["csp_op_segment"]
    c["csp_om_segment"] = _div(c["csp_op_segment"], c["csp_revenue"])
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
    isg_om = c["isg_om"].dropna()
    esmb_om = c["esmb_om"]
    f["esmb_margin_range"] = (esmb_om.notna() & (len(isg_om) > 0)
                              & ((esmb_om > (isg_om.max() if len(isg_om) else 0))
                                 | (esmb_om < (isg_om.min() if len(isg_om) else 0))))
    f["split_derived"] = c["split_gap"].abs() > float(scalars.get("split_tolerance", 0.02)) * isg
    f["methods_agree"] = c["method_gap"].abs() > float(scalars.get("method_tolerance", 100.0))
    flags = pd.DataFrame({k_: v.fillna(False).astype(int) for k_, v in f.items()}).T[periods]
    totals = flags.sum(axis=1).astype(float)
    totals["scenario_valid"] = 0.0 if row else 1.0
    for sheet in ("inputs", "assumptions", "calcs", "sensitivity"):
        totals[f"errors_{sheet}"] = 0.0
    totals["text_in_inputs"] = 0.0      # the recompute reads numbers; text is INPUT-NOT-NUMBER
    if summary_quarter is None:
        done = c["csp_op"].dropna()
        summary_quarter = done.index[-1] if len(done) else periods[-1]
    sq = summary_quarter if summary_quarter in periods else None
    totals["summary_answered"] = 0.0 if sq is not None and answered[sq] else 1.0

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

    # below the grid: the cell at the scenario's margin and the intensity in use
    sx = {}
    if sens_quarter in periods:
        m_use = _num(c["excsp_gm"][sens_quarter])
        cell = np.nan
        if not np.isnan(m_use) and m_use in list(sens_margins) and k in list(sens_intensities):
            cell = grid.iat[list(sens_margins).index(m_use), list(sens_intensities).index(k)]
        sx = {"sx_margin": m_use, "sx_cell": cell, "sx_diff": cell - _num(lk.get("s_op")),
              "sx_missing": c["csp_missing"][sens_quarter]}
    d = sx.get("sx_diff", np.nan)
    # the same quantity by two formulas: a difference at rounding noise is no difference
    # (LibreOffice's subtraction gives exactly 0 for nearly equal operands)
    noise = 1e-9 * max(1.0, abs(_num(lk.get("s_op", np.nan))) if sx else 1.0)
    totals["sens_reconciles"] = 0.0 if np.isnan(d) or abs(d) <= max(tol, noise) else 1.0
    master = float(sum(totals[k_] for k_ in FAILABLE))
    summary = _summary(calcs, scenarios, scalars, sq, totals, master)
    ranked = [p for p in periods if answered[p]]
    summary_list = ranked + [""] * (len(periods) - len(ranked))
    def row(key):
        return calcs.loc[key].astype(float) if key in calcs.index else g(key)
    feed_spec = {"f_isg_revenue": ("ISG.revenue", "ISG.revenue"),
                 "f_isg_op": ("ISG.operating_profit", "ISG.operating_profit"),
                 "f_csp_gm": ("csp_gm", "csp_gm"), "f_blended_gm": ("blended_gm", "blended_gm"),
                 "f_excsp_gm": ("excsp_gm", "csp_gm"),            # only where it is applied
                 "f_csp_gp": ("csp_gross_profit", "csp_gross_profit"), "f_csp_op": ("csp_op", "csp_op"),
                 "f_per_loss": ("csp_rev_per_loss", "csp_rev_per_loss"),
                 "f_ai_pipeline": ("ISG-AI.pipeline", "ISG-AI.pipeline"),
                 "f_ai_revenue": ("ISG-AI.revenue", "ISG-AI.revenue"),
                 "f_csp_op_seg": ("csp_op_segment", "csp_op_segment")}
    feeds = pd.DataFrame({code: row(key).where(row(cond).notna()) for code, (key, cond) in feed_spec.items()}).T
    # fiscal years: the label's first word; a total needs all four quarters given
    years: dict[str, list] = {}
    for p in periods:
        years.setdefault(p.split()[0], []).append(p)
    annual = {}
    for code, series in (("fy_group_revenue", rev), ("fy_group_op", op), ("fy_isg_revenue", isg),
                         ("fy_isg_op", isg_op)):
        vals, status = [], []
        for fy, qs in years.items():
            n = int(series[qs].notna().sum())
            if len(qs) < 4:
                vals.append(np.nan)
                status.append(f"incomplete: {len(qs)} of its quarters on the timeline")
            else:
                vals.append(float(series[qs].sum()) if n == 4 else np.nan)
                status.append("" if n == 4 else f"incomplete: {n} of 4")
        annual[code], annual[code + "_status"] = vals, status
    isg_fy = annual["fy_isg_op"]
    annual["fy_isg_verdict"] = ["" if np.isnan(x) else "profit" if x > 0 else "loss" if x < 0 else "nil"
                                for x in isg_fy]
    annual.update(_seed(periods, g))
    out_o = _outlook(calcs, outlook) if outlook else None
    return Result(calcs, flags, totals, master, lookups, grid, sx, summary, summary_list, feeds, annual,
                  out_o)


def _seed(periods, g, q="FY2025/26 Q1", multiple=2.8, qoq=0.187, point=12000.0) -> dict:
    """The seed articles' figures from the inputs: AI revenue a year and a quarter before, implied
    by the stated growth; the first half's revenue and net income and their growth."""
    nan = np.nan
    out = {"seed_q": [q], "seed_ai_x": [multiple], "seed_ai_qoq": [qoq], "seed_pipe_pt": [point]}
    if q not in periods:
        return out | {k_: [nan] for k_ in ("seed_ai", "seed_ai_py", "seed_ai_pq", "seed_pipe_lb", "seed_h1_rev",
                                          "seed_h1_growth", "seed_h1_ni", "seed_h1_ni_growth")}
    i = periods.index(q)

    def at(key, j):
        return float(g(key).iloc[j]) if 0 <= j < len(periods) else nan
    ai = at("ISG-AI.revenue", i)
    out["seed_ai"] = [ai]
    out["seed_ai_py"] = [ai / multiple]
    out["seed_ai_pq"] = [ai / (1 + qoq)]
    out["seed_pipe_lb"] = [at("ISG-AI.pipeline", i)]
    for code, key in (("seed_h1_rev", "Group.revenue"), ("seed_h1_ni", "Group.net_income")):
        now = at(key, i) + at(key, i + 1)
        prior = at(key, i - 4) + at(key, i - 3) if i >= 4 else nan
        out[code] = [now]
        growth = code.replace("_rev", "") + "_growth" if code == "seed_h1_rev" else "seed_h1_ni_growth"
        out[growth] = [now / prior - 1 if prior and not np.isnan(prior) else nan]
    return out


def _shift_label(label: str, n: int) -> str:
    """'FY2026/27 Q1' moved n quarters on: 'FY2026/27 Q4' for n = 3."""
    i = int(label[2:6]) * 4 + int(label[-1]) - 1 + n
    return f"FY{i // 4}/{(i // 4 + 1) % 100:02d} Q{i % 4 + 1}"


def _outlook(calcs: pd.DataFrame, d: dict, quarters: int = 24) -> dict:
    """Forward quarters t = 1..n from the base quarter: revenue compounds at the rate that
    multiplies it by ``o_multiple`` in ``o_years`` years; the margin steps; opex compounds.
    Break-even is the first quarter with CSP operating profit >= 0; 4x the first whose revenue
    is the multiple of the base quarter's."""
    q = d["o_base"]
    known = q in calcs.columns
    rev0 = _num(calcs.at["csp_revenue", q]) if known else np.nan
    gm0 = _num(calcs.at["csp_gm", q]) if known else np.nan
    opex0 = _num(calcs.at["csp_opex", q]) if known else np.nan
    qpy, mult = d["o_qpy"], d["o_multiple"]

    def path(years, step, opex_growth):
        g = mult ** (1 / (years * qpy)) - 1
        t = np.arange(1, quarters + 1, dtype=float)
        rev = rev0 * (1 + g) ** t
        gm = gm0 + step * t
        opex = opex0 * (1 + opex_growth) ** t
        return g, t, rev, gm, opex, rev * gm - opex

    growth, t, rev, gm, opex, op = path(d["o_years"], d["o_gm_step"], d["o_opex_growth"])
    gp = rev * gm
    cum = np.cumsum(op)
    lag, spread = d["o_lag"], d["o_spread"]
    ai = np.where((t > lag) & (t <= lag + spread), d["o_pipeline"] * d["o_conversion"] / spread, 0.0)
    labels = [_shift_label(q, i) for i in range(1, quarters + 1)] if known else [""] * quarters
    none = f"not within {quarters} quarters"
    be = [i for i in range(quarters) if op[i] >= 0]
    fx = [i for i in range(quarters) if round(rev[i] / rev0, 6) >= mult] if rev0 else []
    act = {k_: [_num(calcs.at[k_, lab]) if lab in calcs.columns else np.nan for lab in labels]
           for k_ in ("csp_revenue", "csp_op")}
    out = {"o_growth": [growth], "o_rev0": [rev0], "o_gm0": [gm0], "o_opex0": [opex0],
           "o_q4x": [d["o_years"] * qpy],
           "o_be_q": [labels[be[0]] if be else none],
           "o_cum_to_be": [cum[be[0]] - op[be[0]] if be else np.nan],
           "o_4x_q": [labels[fx[0]] if fx else none],
           "o_rev_4x": [rev[fx[0]] if fx else np.nan], "o_gm_4x": [gm[fx[0]] if fx else np.nan],
           "o_op_4x": [op[fx[0]] if fx else np.nan],
           "o_ai_total": [d["o_pipeline"] * d["o_conversion"]],
           "o_label": labels,
           "o_rev": list(rev), "o_gm": list(gm), "o_gp": list(gp), "o_opex": list(opex), "o_op": list(op),
           "o_cum": list(cum), "o_breakeven": list(opex / rev), "o_ai": list(ai),
           "o_act_rev": act["csp_revenue"], "o_act_op": act["csp_op"],
           "o_be_flag": [1.0 if x >= 0 else 0.0 for x in op],
           "o_4x_flag": [1.0 if i in fx else 0.0 for i in range(quarters)]}
    n = 0
    for years in (3.0, 3.5, 4.0):
        for step in (0.0025, 0.005, 0.0075):
            for og in (0.03, 0.05, 0.07):
                n += 1
                *_, op_s = path(years, step, og)
                first = next((i for i in range(quarters) if op_s[i] >= 0), None)
                q4 = int(np.ceil(round(years * qpy, 9)))
                out[f"os_{n}"] = [years, step, og,
                                  _shift_label(q, first + 1) if first is not None and known else none,
                                  float(op_s[:first].sum()) if first is not None else np.nan,
                                  _shift_label(q, q4) if known else "", gm0 + step * q4,
                                  float(first + 1) if first is not None else np.nan]
                # the helper grids right of the table (a blank column before each): CSP
                # operating profit by quarter after the base, then that quarter's number where
                # the profit is >= 0
                out[f"os_{n}"] += ([np.nan] * (quarters - len(out[f"os_{n}"]) + 1) + list(op_s)
                                   + [np.nan] + [float(i + 1) if op_s[i] >= 0 else np.nan
                                                 for i in range(quarters)])
    # the forecast columns' headers: each quarter marked (F)
    out["o_head"] = [f"{lab} (F)" if lab else np.nan for lab in labels]
    return out


def _money(x: float) -> str:
    """A $M figure as a sentence shows it: 1,234 or -1,234 (rounded half away from zero)."""
    r = float(np.sign(x) * np.floor(abs(x) + 0.5))
    return f"{r:,.0f}" if r != 0 or x >= 0 else "-0"


SLOTS = 8          # answered quarters side by side on the Summary
STRIP = (("st_rev", "csp_revenue"), ("st_how", "csp_rev_how"), ("st_gp", "csp_gross_profit"),
         ("st_gm", "csp_gm"), ("st_excsp", "excsp_gm"), ("st_excsp_how", "excsp_how"),
         ("st_opex", "csp_opex"), ("st_op", "csp_op"), ("st_op_seg", "csp_op_segment"),
         ("st_gap", "method_gap"), ("st_op_adj", "csp_op_adj_basis"), ("st_per_loss", "csp_rev_per_loss"))


def _summary(calcs: pd.DataFrame, scenarios: pd.DataFrame, scalars: dict, q, totals, master,
             source: dict | None = None) -> dict:
    """The Summary's cells for quarter ``q`` (None: not a quarter, every lookup blank)."""
    def v(key):
        return _num(calcs.at[key, q]) if q is not None else np.nan

    def t(key):
        return calcs.at[key, q] if q is not None else ""
    shown = int(master) if float(master).is_integer() else master
    out = {"column": [float(list(calcs.columns).index(q) + 1) if q is not None else np.nan],
           "master": ["OK" if master == 0 else f"FAILED: {shown} item(s)"],
           "failed": ["".join(f"{k_}; " for k_ in FAILABLE if totals[k_] > 0)],
           "missing": [t("csp_missing")]}
    tol = float(scalars.get("method_tolerance", 100.0))
    n_m, n_e = int(totals["methods_agree"]), int(totals["esmb_margin_range"])
    out["warn_methods"] = [f"The two methods differ by more than ${tol:g}M in {n_m} quarter(s)." if n_m else ""]
    out["warn_esmb"] = [f"Allocation leaves enterprise/SMB a margin beyond any ISG margin in {n_e} quarter(s)."
                        if n_e else ""]
    out["warn_quarter"] = ["The quarter picked has no CSP answer: see the next line."
                           if totals["summary_answered"] > 0 else ""]
    # every answered quarter side by side
    answered = [p for p in calcs.columns if _num(calcs.at["csp_answered", p]) == 1][:SLOTS]
    slots = answered + [""] * (SLOTS - len(answered))
    out["st_q"] = slots
    for code, key in STRIP:
        vals = []
        for p in slots:
            if not p:
                vals.append(np.nan)
            elif code == "st_op_adj" and _num(calcs.at["op_basis_differs", p]) != 1:
                vals.append(np.nan)
            else:
                x = calcs.at[key, p]
                vals.append(x if isinstance(x, str) else _num(x))
        out[code] = vals
    ops = [x for x in out["st_op"] if not np.isnan(x)]
    segs = [x for x in out["st_op_seg"] if not np.isnan(x)]
    out["conclusion_all"] = [f"{len(ops)} quarters answered: CSP loses money in {sum(x < 0 for x in ops)} of "
                             f"them by the allocation method and in {sum(x < 0 for x in segs)} by the "
                             "segment-constrained method."]
    if q is None:
        concl = "The quarter picked is not on the timeline."
    elif t("csp_missing"):
        concl = f"{q}: no CSP answer ({t('csp_missing')})."
    else:
        op, seg = v("csp_op"), v("csp_op_segment")
        concl = f"{q}: CSP revenue ${_money(v('csp_revenue'))}M ({t('csp_rev_how')})."
        if np.isnan(seg):
            out["conclusion_op"] = [f"Operating profit ${_money(op)}M by allocation; no segment-constrained "
                                    "figure (ISG operating profit not given)."]
        else:
            verdict = ("a loss either way." if max(op, seg) < 0 else "a profit either way." if min(op, seg) >= 0
                       else "the methods disagree on the sign.")
            out["conclusion_op"] = [f"Operating profit ${_money(op)}M by allocation, ${_money(seg)}M "
                                    f"segment-constrained: {verdict}"]
    out["conclusion"] = [concl]
    out.setdefault("conclusion_op", [""])
    head = {"h_csp_revenue": "csp_revenue", "h_group_gp": "group_gross_profit",
            "h_excsp_gp": "excsp_gross_profit", "h_csp_gp": "csp_gross_profit", "h_csp_gm": "csp_gm",
            "h_csp_opex": "csp_opex", "h_csp_op": "csp_op", "h_per_loss": "csp_rev_per_loss",
            "h_breakeven": "csp_breakeven_gm", "h_excsp_gm": "excsp_gm", "h_esmb_om": "esmb_om",
            "h_esmb_om_used": "esmb_om_used", "h_csp_op_seg": "csp_op_segment", "h_csp_op_low": "csp_op_min",
            "h_csp_op_high": "csp_op_max", "h_op_in_use": "op_in_use", "h_csp_op_rep": "csp_op_rep_basis",
            "h_csp_op_adj": "csp_op_adj_basis"}
    out.update({code: [v(key)] for code, key in head.items()})
    out["h_excsp_source"] = [t("excsp_how")]
    for code, pub, ours, implied in (("rec_gp", "pub_csp_gp", "csp_gross_profit", "implied_gm_from_gp"),
                                     ("rec_op", "pub_csp_op", "csp_op", "implied_gm_from_op"),
                                     ("rec_esmb", "pub_esmb_op", "esmb_op", "implied_gm_from_esmb")):
        out[code] = [v(pub), v(ours), v(ours) - v(pub), v(implied)]
    rev = v("csp_revenue")
    sc = {k_: [] for k_ in ("sc_margin", "sc_gp", "sc_gm", "sc_op", "sc_per_loss")}
    for row in ("excsp_low", "excsp_base", "excsp_high"):
        s_key = row.split("_")[1]
        m_s = _num(scenarios.at[row, q]) if q is not None else np.nan
        gp, op = v(f"csp_gp_{s_key}"), v(f"csp_op_{s_key}")
        sc["sc_margin"].append(m_s)
        sc["sc_gp"].append(gp)
        sc["sc_gm"].append(gp / rev if rev and not np.isnan(rev) else np.nan)
        sc["sc_op"].append(op)
        sc["sc_per_loss"].append(rev / -op if op < 0 and not np.isnan(rev) else np.nan)
    out.update(sc)
    # the bridge, CSP only: amount in column D; start, end, invisible base, part above zero, part
    # below zero in columns N:R (helpers outside the print area)
    gp_csp = v("csp_gross_profit")
    steps = (("br_csp_rev", rev, "total"), ("br_cogs", rev - gp_csp, "step"),
             ("br_csp_gp", gp_csp, "total"), ("br_opex", v("csp_opex"), "step"),
             ("br_csp_op", v("csp_op"), "total"))
    end = np.nan
    gap = [np.nan] * 9                        # columns E:M hold nothing
    for code, a, kind in steps:
        start = (0.0 if not np.isnan(a) else np.nan) if kind == "total" else end
        end = a if kind == "total" else start - a
        lo, hi = min(start, end), max(start, end)
        if np.isnan(start) or np.isnan(end):
            out[code] = [a] + gap + [start, end, np.nan, np.nan, np.nan]
            continue
        base = lo if lo > 0 else hi if hi < 0 else 0.0
        out[code] = [a] + gap + [start, end, base, max(hi, 0) - max(lo, 0), min(lo, 0) - min(hi, 0)]
    return out
