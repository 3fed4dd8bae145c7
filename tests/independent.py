"""Test-side inputs taken straight from a data CSV with pandas.

Nothing here comes from the package's loader or layout: the figures are read,
scaled and pivoted afresh, so the reference sees the data as a finance person
would read the file.
"""
from __future__ import annotations

import pandas as pd

DEFAULT_SCALARS = {"scenario": "Base", "opex_intensity": 1.0, "segment_tolerance": 0.10,
                   "rounding_tolerance": 5.0, "margin_bound": 1.0,
                   # 0.4.0: the method's choices as the workbook states them on Assumptions
                   "excsp_carry": "margin", "op_basis": "reported", "op_materiality": 100.0,
                   "split_tolerance": 0.02, "esmb_case": "Base", "esmb_om_low": 0.03,
                   "esmb_om_base": 0.06, "esmb_om_high": 0.10, "method_tolerance": 100.0}
SCENARIO_DEFAULTS = {"excsp_low": 0.170, "excsp_base": 0.172, "excsp_high": 0.175}
SENS_MARGINS = [0.17, 0.172, 0.174, 0.176, 0.178, 0.18]
SENS_INTENSITIES = [0.5, 0.75, 1.0, 1.25, 1.5]
# The latest quarter in data/lenovo_quarterly.csv with what the method needs (CSP revenue 2,760
# and group gross and operating profit are given for it): the Sensitivity's and the Summary's
# quarter in a workbook built from it.
LATEST_ANSWER = "FY2026/27 Q1"


def _start_year(fy: str) -> int:
    return int(str(fy)[:4])


def _label(start: int, q: int, two_year: bool) -> str:
    fy = f"{start}/{(start + 1) % 100:02d}" if two_year else str(start)
    return f"FY{fy} Q{q}"


def frames_from_csv(path):
    """(inputs, scenarios, periods) from the tidy CSV: pct values become fractions."""
    df = pd.read_csv(path, dtype={"fiscal_year": str})
    df["value"] = df["value"].astype(float)
    df.loc[df["unit"] == "pct", "value"] /= 100.0
    two_year = "/" in str(df["fiscal_year"].iloc[0])
    idx = df["fiscal_year"].map(_start_year) * 4 + df["fiscal_quarter"].str[1].astype(int) - 1
    periods = [_label(i // 4, i % 4 + 1, two_year) for i in range(idx.min(), idx.max() + 1)]
    df["period"] = [_label(i // 4, i % 4 + 1, two_year) for i in idx]
    df["key"] = df["entity"] + "." + df["metric"]
    excsp = df[df["key"] == "Group-exCSP.gross_margin_pct"]
    figs = df[df["key"] != "Group-exCSP.gross_margin_pct"]
    inputs = figs.pivot(index="key", columns="period", values="value").reindex(columns=periods)
    scen = pd.DataFrame({p: SCENARIO_DEFAULTS for p in periods})
    scen.loc["excsp_sourced"] = 0.0          # a quarter whose ex-CSP margin the data file gives
    for _, r in excsp.iterrows():
        scen.loc["excsp_base", r["period"]] = r["value"]
        scen.loc["excsp_sourced", r["period"]] = 1.0
    return inputs, scen, periods

# The Outlook's drivers as the sources state them (seed article: "four times the scale of its
# Nvidia-related business over the next three to four years"; pipeline $21B at FY2025/26 Q4)
# and the workbook's stated assumptions.
OUTLOOK = {"o_base": LATEST_ANSWER, "o_qpy": 4, "o_multiple": 4.0, "o_years": 3.5, "o_gm_step": 0.005,
           "o_opex_growth": 0.05, "o_pipeline": 54000.0, "o_conversion": 0.5, "o_lag": 1, "o_spread": 4}
