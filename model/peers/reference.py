"""Independent recomputation of the peers workbook with pandas.

Written from the model's equations, not from its formulas: the spec is used for row
keys, companies and check keys only; no formula is rendered or parsed here. NaN stands
for a blank (for chart-feed cells: #N/A).

    operating profit  = as given; HPE Server: as given, else revenue x the margin HPE gave;
                        HPE Cloud & AI: revenue x the margin HPE gave
    operating margin  = operating profit / revenue
    growth            = revenue / revenue four calendar quarters earlier - 1; HPE Server: HPE's
                        own growth where given, and none where HPE's segment that reports server
                        revenue (Server to fiscal 2025, Cloud & AI from fiscal 2026) differs from
                        four quarters earlier
    trailing four     = the sum of this quarter and the three before it (all four given);
                        margin = profit / revenue of those sums
    gross margin      = Supermicro: gross profit / revenue, else the margin it gave
    revenue index     = revenue / revenue in the base quarter x index value
    AI backlog (x)    = AI backlog / the business's revenue that quarter
    last reported     = the last calendar quarter with revenue; the latest with an operating
                        margin; the latest with both growth and margin (the scatter's point)
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell

from ..core import grid
from ..core.compare import Mismatch, same
from ..core.quarterly import compare_checks, is_na, period_header, ratio, row_codes, status, warning_total
from . import spec
from .data import fiscal_label, parse_label


@dataclass
class Expected:
    labels: list[str]
    calcs: pd.DataFrame                 # calc key x calendar label
    flags: pd.DataFrame                 # per-period check key x label (1 = fails)
    check_totals: dict[str, float]
    master: float
    comparison: pd.DataFrame            # Comparison row code x label
    latest: dict[str, dict[str, object]]   # latest-block code -> company -> value (NaN: blank)
    base: str                           # the index base quarter shown on Comparison
    feeds: pd.DataFrame                 # Chart data row code x label (NaN: #N/A)
    scatter: dict[str, dict[str, float]] = field(default_factory=dict)   # NaN: #N/A
    index_title: str = ""               # the revenue index chart's title on Chart data

    @property
    def covered(self) -> set[str]:
        """Row codes of Calculations and Checks this recompute gives values for."""
        return set(self.calcs.index) | set(self.flags.index) | set(self.check_totals)


def reference(mi) -> Expected:
    labels = [p.label for p in mi.periods]
    nan = pd.Series(np.nan, index=labels, dtype=float)

    def g(key: str) -> pd.Series:
        s = nan.copy()
        for (p, k), e in mi.figures.items():
            if k == key and p.label in s.index and e.value is not None:
                s[p.label] = float(e.value)
        return s

    def ttm(x: pd.Series) -> pd.Series:         # all four quarters given, else blank
        return x.rolling(4, min_periods=4).sum()

    sc = mi.scalars
    base = str(sc.get("index_base") or "")
    idx_value = float(sc["index_value"])
    bound, tol, mtol = float(sc["margin_bound"]), float(sc["rounding_tolerance"]), float(sc["margin_tolerance"])
    pos = pd.Series(np.arange(1, len(labels) + 1, dtype=float), index=labels)
    # HPE's segment that reports server revenue, from HPE's fiscal year of each calendar quarter
    company, first, before, after = spec.RECAST
    segment = pd.Series([after if int(fiscal_label(company, parse_label(lab)).split()[0][2:]) >= first else before
                         for lab in labels], index=labels)
    recast = pd.Series(np.nan, index=labels)
    for n_, lab in enumerate(labels):
        if n_ >= 4:
            recast[lab] = float(segment[lab] != segment[labels[n_ - 4]])
    c: dict[str, pd.Series] = {"t_pos": pos, "hpe_recast": recast}
    for co in spec.COMPANIES:
        s, code = co.slug, co.code
        rev = g(f"{code}.revenue")
        op = g(f"{code}.operating_profit")
        if f"{code}.operating_margin_pct" in spec.INPUT_KEYS:       # revenue x the margin given
            op = op.where(op.notna(), rev * g(f"{code}.operating_margin_pct"))
        c[f"{s}_op"] = op
        c[f"{s}_om"] = ratio(op, rev)
        growth = ratio(rev, rev.shift(4)) - 1
        if code == "HPE-Server":       # HPE's own figure where given; never computed across the recast
            c["hpe_yoy_calc"] = growth
            given_growth = g("HPE-Server.revenue_yoy_pct")
            growth = given_growth.where(given_growth.notna(), growth.where(recast != 1))
        c[f"{s}_yoy"] = growth
        if co.indexed:
            b = rev[base] if base in labels else np.nan
            c[f"{s}_index"] = (rev / b * idx_value) if (not np.isnan(b) and b != 0) else nan.copy()
            if code == "HPE-Server" and base in labels:     # no index across the change of segment
                c[f"{s}_index"] = c[f"{s}_index"].where(segment == segment[base])
        c[f"{s}_rev_ttm"] = ttm(rev)
        c[f"{s}_op_ttm"] = ttm(op)
        c[f"{s}_om_ttm"] = ratio(c[f"{s}_op_ttm"], c[f"{s}_rev_ttm"])
        c[f"{s}_both"] = pos.where(c[f"{s}_yoy"].notna() & c[f"{s}_om"].notna())
        c[f"{s}_rev_pos"] = pos.where(rev.notna())
        c[f"{s}_om_pos"] = pos.where(c[f"{s}_om"].notna())
        if co.company == "Dell":
            c["dell_split_diff"] = g("Dell-ISG-SN.revenue") + g("Dell-ISG-Storage.revenue") - rev
            c["dell_sn_share"] = ratio(g("Dell-ISG-SN.revenue"), rev)
        if code == "HPE-Server":
            c["hpe_margin_diff"] = g(f"{code}.operating_margin_pct") - ratio(g(f"{code}.operating_profit"), rev)
            c["hpe_margin_diff"] = c["hpe_margin_diff"].where(g(f"{code}.operating_margin_pct").notna()
                                                              & g(f"{code}.operating_profit").notna()
                                                              & rev.notna() & (rev != 0))
            c["hpe_server_in_ca"] = ratio(rev, g("HPE-Cloud-AI.revenue"))
        if co.company == "Supermicro":
            gp, gm = g("Supermicro.gross_profit"), g("Supermicro.gross_margin_pct")
            c["smci_gm"] = ratio(gp, rev).where(gp.notna(), gm)
            c["smci_gm_diff"] = (gm - ratio(gp, rev)).where(gm.notna() & gp.notna() & rev.notna() & (rev != 0))
        if co.company == "Lenovo":
            c["lenovo_csp"] = g("Lenovo-ISG-CSP.revenue")
            c["lenovo_csp_share"] = ratio(g("Lenovo-ISG-CSP.revenue"), rev)
            c["lenovo_csp_om"] = ratio(g("Lenovo-ISG-CSP.operating_profit"), g("Lenovo-ISG-CSP.revenue"))
            c["lenovo_csp_pos"] = pos.where(g("Lenovo-ISG-CSP.revenue").notna())
        if code in spec.AI_OF:
            ai = spec.AI_OF[code]
            c[f"{s}_ai_backlog_x"] = ratio(g(f"{ai}.backlog"), rev)
            c[f"{s}_ai_share"] = ratio(g(f"{ai}.revenue"), rev)
            c[f"{s}_ai_backlog_aix"] = ratio(g(f"{ai}.backlog"), g(f"{ai}.revenue"))
            c[f"{s}_ai_book_to_bill"] = ratio(g(f"{ai}.orders"),
                                             g(f"{ai}.shipments" if co.company == "Dell" else f"{ai}.revenue"))
    # the scatter's quarter: the latest in which every charted business has growth and margin
    all_both = pd.Series(True, index=labels)
    for co in spec.SCATTERED:
        all_both &= c[f"{co.slug}_yoy"].notna() & c[f"{co.slug}_om"].notna()
    c["all_both"] = pos.where(all_both)
    calcs = pd.DataFrame(c).T.reindex(columns=labels)

    def any_of(conds) -> pd.Series:
        out = pd.Series(False, index=labels)
        for cond in conds:
            out |= cond.fillna(False).astype(bool)
        return out.astype(float)

    revs = {co.code: g(f"{co.code}.revenue") for co in spec.COMPANIES}
    f: dict[str, pd.Series] = {}
    f["revenue_sign"] = any_of(g(k) < 0 for k in spec.REVENUE_KEYS)
    f["op_in_revenue"] = any_of(c[f"{co.slug}_op"] > revs[co.code] for co in spec.COMPANIES)
    margins = [c[f"{co.slug}_om"] for co in spec.COMPANIES] + [
        c["smci_gm"], c["lenovo_csp_om"], g("HPE-Server.operating_margin_pct"), g("HPE-Cloud-AI.operating_margin_pct"),
        g("Supermicro.gross_margin_pct")]
    f["margin_bounds"] = any_of(m.abs() > bound for m in margins)
    f["dell_split"] = any_of([c["dell_split_diff"].abs() > tol])
    f["hpe_margin"] = any_of([c["hpe_margin_diff"].abs() > mtol])
    f["ai_in_revenue"] = any_of(g(f"{ai}.revenue") > revs[code] for code, ai in spec.AI_OF.items())
    f["hpe_in_cloud_ai"] = any_of([revs["HPE-Server"] > revs["HPE-Cloud-AI"]])
    f["recast_growth"] = any_of([(recast == 1) & c["hpe_yoy"].notna() & g("HPE-Server.revenue_yoy_pct").isna()])
    f["smci_gm_given"] = any_of([c["smci_gm_diff"].abs() > mtol])
    flags = pd.DataFrame(f).T.reindex(columns=labels)
    totals = {k: float(v.sum()) for k, v in f.items()}
    for key in ("errors_inputs", "errors_assumptions", "errors_calcs", "errors_comparison", "text_in_inputs"):
        totals[key] = 0.0
    totals["index_base_ok"] = float(base not in labels or any(np.isnan(revs[co.code][base])
                                                              for co in spec.INDEXED))

    def latest_pos(x: pd.Series) -> float:
        got = [n_ + 1 for n_, lab in enumerate(labels) if not np.isnan(x[lab])]
        return float(got[-1]) if got else 0.0

    totals["margin_lags"] = float(sum(latest_pos(c[f"{co.slug}_rev_pos"]) > latest_pos(c[f"{co.slug}_om_pos"])
                                      for co in spec.COMPANIES))
    master = float(sum(v for k, v in totals.items() if not spec.CHECK_KEYS[k].warning))

    comparison = pd.DataFrame({code: c[key] if key in c else g(key)
                               for _, code, _, _, key in spec.COMPARISON_ROWS}).T.reindex(
        columns=labels)
    latest: dict[str, dict] = {code: {} for code, _, _ in spec.LATEST_ROWS}
    for co in spec.COMPANIES:
        s = co.slug
        which = {"r": revs[co.code].notna(), "l": all_both, "m": c[f"{s}_om"].notna()}
        at = {}
        for prefix, mask in which.items():
            got = [lab for lab in labels if mask[lab]]
            at[prefix] = got[-1] if got else None
        fill = {
            "r_revenue": ("r", revs[co.code]), "r_growth": ("r", c[f"{s}_yoy"]), "r_margin": ("r", c[f"{s}_om"]),
            "r_rev_ttm": ("r", c[f"{s}_rev_ttm"]), "m_om_ttm": ("m", c[f"{s}_om_ttm"]),
            "l_revenue": ("l", revs[co.code]), "l_growth": ("l", c[f"{s}_yoy"]), "l_margin": ("l", c[f"{s}_om"]),
        }
        if co.code in spec.GM_OF:
            fill["r_gm"] = ("r", c[spec.GM_OF[co.code]])
        if co.code in spec.AI_OF:
            fill["r_ai_share"] = ("r", c[f"{s}_ai_share"])
        for code in latest:
            prefix = code[0]
            lab = at[prefix]
            field = code[2:]
            if code == "r_gm" and co.code not in spec.GM_OF:
                latest[code][co.code] = spec.NO_GM
            elif code == "r_ai_share" and co.code not in spec.AI_OF:
                latest[code][co.code] = spec.NO_AI
            elif code == "m_stale":
                latest[code][co.code] = (np.nan if at["r"] is None else
                                         float(at["m"] is None or labels.index(at["m"]) < labels.index(at["r"])))
            elif prefix == "l" and co not in spec.SCATTERED:
                latest[code][co.code] = spec.NOT_SCATTERED if code == "l_pos" else np.nan
            elif lab is None:
                latest[code][co.code] = np.nan
            elif field == "pos":
                latest[code][co.code] = float(labels.index(lab) + 1)
            elif field == "quarter":
                latest[code][co.code] = lab
            elif field == "fiscal":
                latest[code][co.code] = fiscal_label(co.company, parse_label(lab))
            else:
                latest[code][co.code] = fill[code][1][lab]
    csp = [lab for lab in labels if not np.isnan(c["lenovo_csp_pos"][lab])]
    for code, key in spec.CSP_LATEST.items():
        lab = csp[-1] if csp else None
        latest[code][spec.CSP_CODE] = (np.nan if lab is None else lab if code == "r_quarter" else
                                       fiscal_label("Lenovo", parse_label(lab)) if code == "r_fiscal" else
                                       (c[key] if key in c else g(key))[lab])
    feeds = pd.DataFrame({code: (c[key] if key in c else g(key)) for code, _, _, key in spec.FEED_ROWS}).T.reindex(
        columns=labels)
    charted = {co.code for co in spec.SCATTERED}
    scatter = {code: {co: float(v) if isinstance(v, float) else np.nan for co, v in latest[src].items()
                      if co in charted}
               for code, _, _, src in spec.SCATTER_ROWS if code != "sx_name"}
    scatter["sx_name"] = {co.code: co.legend if not isinstance(latest["l_quarter"][co.code], str)
                          else f"{co.legend} ({latest['l_quarter'][co.code]})" for co in spec.SCATTERED}
    for co in spec.SCATTERED:
        x = co.code
        growth, margin, ttm = (latest[k_][x] for k_ in ("r_growth", "r_margin", "m_om_ttm"))
        num = [float(v) if isinstance(v, float) else np.nan for v in (growth, margin, ttm)]
        use_ttm = np.isnan(num[1]) and not np.isnan(num[2])
        scatter.setdefault("sy_growth", {})[x] = num[0]
        scatter.setdefault("sy_margin", {})[x] = num[2] if use_ttm else num[1]
        scatter.setdefault("sy_name", {})[x] = spec.latest_point_name(co.legend, latest["r_quarter"][x],
                                                                      latest["m_quarter"][x], use_ttm)
    return Expected(labels, calcs, flags, totals, master, comparison, latest, base, feeds, scatter,
                    f"Revenue indexed to {base} = {idx_value:g} (base quarter on Assumptions; log scale)")


# --- where the expected values sit in a recalculated workbook ------------------------------

def _company_cols(cells, above: int | None, below: int | None = None) -> dict[str, int]:
    """Business code -> column in the header over a one-column-per-business block (by its name)."""
    names = {co.name: co.code for co in spec.COMPANIES}
    names[spec.CSP_NAME] = spec.CSP_CODE
    out = {}
    for (r, c), v in sorted(cells.items()):
        if v in names and c >= grid.FIRST_PERIOD_COL and (above is None or r < above) \
                and (below is None or r > below):
            out.setdefault(names[v], c)
    return out


def compare(expected: Expected, values: dict, errors: dict | None = None, lay=None) -> list[Mismatch]:
    """Every calculated cell of the recalculated ``values`` against ``expected``; rows found
    by their code in column C, periods by their label, companies by their name."""
    errors = errors or {}
    out: list[Mismatch] = []

    def got(sheet, r, c):
        e = errors.get(sheet, {}).get((r, c))
        return e if e is not None else values.get(sheet, {}).get((r, c))

    def check(sheet, r, c, what, exp, na=False):
        g_ = got(sheet, r, c)
        if na and (exp is None or (isinstance(exp, float) and math.isnan(exp))):
            ok = is_na(g_)
            exp = "#N/A"
        else:
            ok = same(exp, g_)
        if not ok:
            out.append(Mismatch(sheet, xl_rowcol_to_cell(r, c), what,
                                None if exp is None or (isinstance(exp, float) and math.isnan(exp)) else exp, g_))

    def frame(sheet, df, na=False):
        cells = values.get(sheet, {})
        codes = row_codes(cells)
        _, cols = period_header(cells, spec.PERIOD_REGEX)
        rows = df.to_dict("index")
        for key, by in rows.items():
            r = codes.get(key)
            if r is None:
                out.append(Mismatch(sheet, "?", f"row {key}", "a row coded so", None))
                continue
            for lab, c in cols.items():
                if lab in by:
                    v = by[lab]
                    check(sheet, r, c, f"{key} {lab}", None if isinstance(v, float) and math.isnan(v) else v, na)

    frame(spec.CALCS, expected.calcs)
    frame(spec.CHECKS, expected.flags)
    frame(spec.COMPARISON, expected.comparison)
    frame(spec.CHART_DATA, expected.feeds, na=True)
    compare_checks(values, spec.CHECKS, expected.check_totals, expected.master, check, out, lay)
    comp = values.get(spec.COMPARISON, {})
    codes = row_codes(comp)
    hr, _ = period_header(comp, spec.PERIOD_REGEX)
    cols = _company_cols(comp, hr)
    for code, by in expected.latest.items():
        for company, v in by.items():
            if code in codes and company in cols:
                check(spec.COMPARISON, codes[code], cols[company], f"{code} {company}",
                      None if isinstance(v, float) and math.isnan(v) else v)
            else:
                out.append(Mismatch(spec.COMPARISON, "?", f"{code} {company}", "a cell", None))
    if "c_base" in codes:
        check(spec.COMPARISON, codes["c_base"], grid.C_VALUE, "index base quarter", expected.base)
    if hr is not None:          # the quarter headers (formulas): the latest quarters, in order
        for n, lab in enumerate(expected.labels[-spec.COMPARISON_QUARTERS:]):
            check(spec.COMPARISON, hr, grid.FIRST_PERIOD_COL + n, "quarter header", lab)
    at = next((r for (r, c), v in comp.items() if c == grid.C_LABEL and isinstance(v, str)
               and v.startswith("Checks: ")), None)
    if at is None:
        out.append(Mismatch(spec.COMPARISON, "?", "checks line",
                            status(expected.master, warning_total(expected.check_totals, spec.CHECK_KEYS)), None))
    else:
        check(spec.COMPARISON, at, grid.C_LABEL, "checks line", status(expected.master, warning_total(expected.check_totals, spec.CHECK_KEYS)))
    cd = values.get(spec.CHART_DATA, {})
    codes = row_codes(cd)
    if spec.INDEX_TITLE in codes:
        check(spec.CHART_DATA, codes[spec.INDEX_TITLE], grid.C_VALUE, "index chart title", expected.index_title)
    else:
        out.append(Mismatch(spec.CHART_DATA, "?", "index chart title", expected.index_title, None))
    first = min((codes[k] for k in expected.scatter if k in codes), default=None)
    cols = _company_cols(cd, None, first - 2 if first is not None else None)
    for code, by in expected.scatter.items():
        for company, v in by.items():
            if code in codes and company in cols:
                check(spec.CHART_DATA, codes[code], cols[company], f"{code} {company}", v, na=True)
    return out


def cached(lay, expected: Expected) -> dict[tuple[str, int, int], object]:
    """The recompute's value of each formula cell, stored with it (#N/A for a chart gap)."""
    from .place import COMPANY_COL
    out: dict[tuple[str, int, int], object] = {}

    def ok(v):
        return v is not None and not (isinstance(v, float) and math.isnan(v))

    def put(sheet, r, c, v, blank=""):
        out[(sheet, r, c)] = (v.item() if hasattr(v, "item") else v) if ok(v) else blank

    from .place import comparison_quarters
    _, hr, _ = lay.scalar_at["comparison_header"]
    shown = {label: c for c, label in comparison_quarters(lay).items()}
    for label, c in shown.items():
        put(spec.COMPARISON, hr, c, label)
    sheet, r, c = lay.scalar_at[spec.INDEX_TITLE]
    put(sheet, r, c, expected.index_title)
    for df, blank in ((expected.calcs, ""), (expected.flags, ""), (expected.feeds, "#N/A")):
        for key, by in df.to_dict("index").items():
            if key in lay.row_of:
                sheet, r = lay.row_of[key]
                for lab in expected.labels:
                    put(sheet, r, lay.col_of(lab), by.get(lab), blank)
    for key, by in expected.comparison.to_dict("index").items():
        sheet, r, _ = lay.scalar_at[f"comparison:{key}"]
        for lab, c in shown.items():
            put(sheet, r, c, by.get(lab))
    for key, total in expected.check_totals.items():
        if key in lay.row_of:
            put(spec.CHECKS, lay.row_of[key][1], grid.C_VALUE, total)
    s, r, c = lay.master_check
    put(s, r, c, expected.master)
    put(s, r, c - 1, "OK" if expected.master == 0 else "FAIL")
    from ..core.cached import put_master_text
    put_master_text(lay, expected.master, put)
    for code, by in expected.latest.items():
        sheet, r, _ = lay.scalar_at[f"latest:{code}"]
        for company, v in by.items():
            put(sheet, r, COMPANY_COL[company], v)
    sheet, r, c = lay.scalar_at["c_base"]
    put(sheet, r, c, expected.base)
    sheet, r, c = lay.scalar_at["comparison_status"]
    put(sheet, r, c, status(expected.master, warning_total(expected.check_totals, spec.CHECK_KEYS)))
    for code, by in expected.scatter.items():
        sheet, r, _ = lay.scalar_at[f"scatter:{code}"]
        for company, v in by.items():
            put(sheet, r, COMPANY_COL[company], v, "#N/A")
    return {k: v for k, v in out.items()
            if k[0] in lay.sheets and (k[1], k[2]) in lay.sheets[k[0]].cells
            and lay.sheets[k[0]].cells[(k[1], k[2])].formula}
