"""Independent recomputation of the value-chain workbook with pandas.

Written from the model's equations, not from its formulas: the spec is used for row
keys, members, layers, statements and check keys only; no formula is rendered or parsed
here. NaN stands for a blank (for chart-feed cells: #N/A).

    operating profit   = as reported; else revenue x the margin given (TSMC: always so)
                         HPE: Server's, else Cloud & AI's (revenue x margin), with that revenue
                         with one-off items 'without': + the charges (less the releases) of that quarter
    operating margin   = operating profit / revenue; SK hynix: as given
    growth             = revenue / revenue four calendar quarters earlier - 1
    layer profit       = sum over the layer's companies that gave one
    pool               = sum of the layers over the companies that gave one that quarter
    share              = layer (or company) profit / pool; the Meeting uses the latest quarter with
                         every layer in the pool and names who is out (their share when last in)
    server makers' margin = sum of profit / sum of revenue over those with both
    per $1 of rack     = MIN / MEDIAN / MAX of each slice's statements; other = 1 - the rest
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
    feeds: pd.DataFrame                 # Chart data row code x label (NaN: #N/A)
    rack: dict[str, dict[str, float]]   # slice (and 'total') -> case -> value
    latest: dict[str, dict[str, object]] = field(default_factory=dict)   # member slug -> field -> value
    pool: dict[str, list] = field(default_factory=dict)    # 'qpos', 'q', layer / 'total' -> 4 cells
    context: dict[str, float] = field(default_factory=dict)
    one_offs: str = "with"

    @property
    def covered(self) -> set[str]:
        return set(self.calcs.index) | set(self.flags.index) | set(self.check_totals)


def _num(v) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan


def reference(mi) -> Expected:
    labels = [p.label for p in mi.periods]
    nan = pd.Series(np.nan, index=labels, dtype=float)
    by_key: dict[str, pd.Series] = {}
    for (p, key), e in mi.figures.items():
        if p.label in nan.index and e.value is not None:
            by_key.setdefault(key, nan.copy())[p.label] = float(e.value)

    def g(key: str) -> pd.Series:
        return by_key.get(key, nan).copy()

    sc = mi.scalars
    without = sc.get("one_offs") == "without"
    pos = pd.Series(np.arange(1, len(labels) + 1, dtype=float), index=labels)

    def one_offs(slug: str) -> pd.Series:
        s = pd.Series(0.0, index=labels)
        for key, member, *_ in spec.ONE_OFFS:
            q, amount = sc.get(f"{key}_q"), _num(sc.get(key))
            if member == slug and q in labels and not np.isnan(amount):
                s[q] += amount
        return s

    def reported_else(code: str, rev: pd.Series) -> pd.Series:
        op = g(f"{code}.operating_profit")
        return op.where(op.notna(), rev * g(f"{code}.operating_margin_pct"))

    c: dict[str, pd.Series] = {"t_pos": pos}
    rev_of: dict[str, pd.Series] = {}
    op_of: dict[str, pd.Series] = {}
    for m in spec.MEMBERS:
        s = m.slug
        if s == "skh":
            c["skh_om"] = g("SKhynix-Group.operating_margin_pct")
            c["skh_pos"] = pos.where(c["skh_om"].notna())
            continue
        if s == "hpe":
            srv_rev = g("HPE-Server.revenue")
            srv_op = reported_else("HPE-Server", srv_rev)
            ca_rev = g("HPE-Cloud-AI.revenue")
            ca_op = ca_rev * g("HPE-Cloud-AI.operating_margin_pct")
            rev = srv_rev.where(srv_op.notna() | ca_op.isna(), ca_rev)
            op = srv_op.where(srv_op.notna(), ca_op)
            c.update(hpe_srv_op=srv_op, hpe_ca_op=ca_op, hpe_rev=rev, hpe_op=op)
            # shown as two businesses: Server to fiscal 2025, Cloud & AI from fiscal 2026
            for x, r_, o_ in (("hpes", srv_rev, srv_op), ("hpec", ca_rev, ca_op)):
                c[f"{x}_rev"], c[f"{x}_op"] = r_, o_
                c[f"{x}_om"] = ratio(o_, r_)
                c[f"{x}_pos"] = pos.where(c[f"{x}_om"].notna())
        else:
            code = m.revenue.split(".")[0]
            rev = g(m.revenue)
            c[f"{s}_rev"] = rev
            if s == "tsmc":
                op = rev * g("TSMC-Group.operating_margin_pct")
            elif s in ("nvda", "amd", "mu"):
                op = reported_else(code, rev)
            else:
                op = g(f"{code}.operating_profit")
            if s in spec.WITH_ONE_OFFS:
                oo = one_offs(s)
                c[f"{s}_op_rep"], c[f"{s}_oneoff"] = op, oo
                op = op + oo if without else op
            c[f"{s}_op"] = op
        rev_of[s], op_of[s] = rev, op
        c[f"{s}_om"] = ratio(op, rev)
        if s == "nvda":
            adj = (ratio(c["nvda_oneoff"], rev).fillna(0.0).where(rev.notna(), 0.0) if without
                   else pd.Series(0.0, index=labels))
            adj = adj.where(rev != 0, 0.0)
            c["nvda_gm"] = g("NVIDIA-Group.gross_margin_pct") + adj
        elif s == "tsmc":
            c["tsmc_gm"] = g("TSMC-Group.gross_margin_pct")
        elif s == "mu":
            c["mu_gm"] = g("Micron-Group.gross_margin_pct")
        elif s == "smci":
            gp_ratio = ratio(g("Supermicro.gross_profit"), rev)
            c["smci_gm"] = gp_ratio.where(gp_ratio.notna(), g("Supermicro.gross_margin_pct"))
        growth = {"nvda": "NVIDIA-Data-Center.revenue", "hpe": "HPE-Server.revenue"}.get(s, m.revenue)
        gr = g(growth)
        c[f"{s}_yoy"] = ratio(gr, gr.shift(4)) - 1
        c[f"{s}_pos"] = pos.where(c[f"{s}_om"].notna())
        for x in spec.REV_POS.get(s, ()):
            c[f"{x}_rpos"] = pos.where(c[f"{x}_rev"].notna())
    for lk, _ in spec.LAYERS:
        ops = [op_of[s] for s in spec.LAYER_MEMBERS[lk]]
        n = sum(o.notna().astype(float) for o in ops)
        c[f"{lk}_op"] = sum(o.fillna(0.0) for o in ops).where(n > 0)
        c[f"{lk}_n"] = n
    complete = pd.Series(True, index=labels)
    for m in spec.POOL_MEMBERS:
        complete &= op_of[m.slug].notna()
    c["pool_complete"] = complete.astype(float)
    n_in = sum(op_of[m.slug].notna().astype(float) for m in spec.POOL_MEMBERS)
    c["pool_n"] = n_in
    pool = sum(c[f"{lk}_op"].fillna(0.0) for lk, _ in spec.LAYERS).where(n_in > 0)
    c["pool_op"] = pool
    layers = pd.Series(True, index=labels)
    for lk, _ in spec.LAYERS:
        layers &= c[f"{lk}_op"].notna()
    c["pool_layers"] = layers.astype(float)
    for lk, _ in spec.LAYERS:
        c[f"{lk}_share"] = ratio(c[f"{lk}_op"], pool)
    for lk, _ in spec.LAYERS:
        c[f"{lk}_pool"] = c[f"{lk}_op"].where(layers)
    c["pool_pos"] = pos.where(layers)
    total_n = float(len(spec.POOL_MEMBERS))
    c["pool_label"] = pd.Series([f"{n_in[lab]:g}/{total_n:g}" if layers[lab] and not complete[lab] else ""
                                 for lab in labels], index=labels, dtype=object)
    in_pool = {m.slug: rev_of[m.slug].where(op_of[m.slug].notna() & rev_of[m.slug].notna(), 0.0)
               for m in spec.POOL_MEMBERS}
    c["pool_rev"] = sum(in_pool.values()).where(n_in > 0)
    c["oem_prev"] = sum(in_pool[s_] for s_ in spec.LAYER_MEMBERS["oem"]).where(n_in > 0)
    c["oem_rsh"] = ratio(c["oem_prev"], c["pool_rev"])
    for m in spec.POOL_MEMBERS:
        c[f"{m.slug}_psh"] = ratio(op_of[m.slug], pool)
        c[f"{m.slug}_pspos"] = pos.where(c[f"{m.slug}_psh"].notna())
    both = {s: op_of[s].notna() & rev_of[s].notna() for s in spec.LAYER_MEMBERS["oem"]}
    c["oem_both_op"] = sum(op_of[s].where(both[s], 0.0) for s in both)
    c["oem_both_rev"] = sum(rev_of[s].where(both[s], 0.0) for s in both)
    c["oem_nb"] = sum(both[s].astype(float) for s in both)
    word = {**spec.SET_WORD}
    names = []
    for lab in labels:
        got = []
        for s in both:
            if both[s][lab]:
                got.append(word[s])
        names.append(" ".join(got))
    c["oem_set"] = pd.Series(names, index=labels, dtype=object)
    c["oem_om"] = ratio(c["oem_both_op"], c["oem_both_rev"])
    c["oem_pos"] = pos.where(c["oem_om"].notna())
    # the constant set: every one of its makers with both figures, else blank
    full = pd.Series(True, index=labels)
    for s in spec.CONSTANT_SET:
        full &= both[s]
    c["oemcs_op"] = sum(op_of[s] for s in spec.CONSTANT_SET).where(full)
    c["oemcs_rev"] = sum(rev_of[s] for s in spec.CONSTANT_SET).where(full)
    c["oemcs_om"] = ratio(c["oemcs_op"], c["oemcs_rev"])
    c["oemcs_pos"] = pos.where(c["oemcs_om"].notna())
    calcs = pd.DataFrame(c).T.reindex(columns=labels)

    # per $1 of rack
    rack: dict[str, dict[str, float]] = {}
    for sl in ("acc", "mem", "oem"):
        vals = [_num(sc.get(s.key)) for s in spec.STATEMENTS if s.slice == sl]
        vals = [v for v in vals if not np.isnan(v)]
        rack[sl] = {"Low": min(vals) if vals else 0.0, "Base": float(np.median(vals)) if vals else np.nan,
                    "High": max(vals) if vals else 0.0}
    rack["other"] = {k_: 1.0 - rack["acc"][k_] - rack["oem"][k_] for k_ in spec.SCENARIOS}
    rack["total"] = {k_: sum(rack[sl][k_] for sl in spec.IN_STACK) for k_ in spec.SCENARIOS}
    context = {s.key: _num(sc.get(s.key)) for s in spec.STATEMENTS if s.slice == "context"}

    def any_of(conds) -> pd.Series:
        out = pd.Series(False, index=labels)
        for cond in conds:
            out |= cond.fillna(False).astype(bool)
        return out.astype(float)

    bound, tol = _num(sc.get("margin_bound")), _num(sc.get("margin_tolerance"))
    f: dict[str, pd.Series] = {}
    f["revenue_sign"] = any_of(g(key) < 0 for key in spec.REVENUE_KEYS)
    f["op_in_revenue"] = any_of(op_of[m.slug] > rev_of[m.slug] for m in spec.POOL_MEMBERS)
    f["margin_bounds"] = any_of(c[x].abs() > bound for x in spec.MARGIN_ROWS)
    f["margin_agrees"] = any_of((g(mg) - ratio(g(op), g(rv))).abs() > tol for mg, op, rv in spec.MARGIN_PAIRS)
    flags = pd.DataFrame(f).T.reindex(columns=labels)
    totals = {k_: float(v.sum()) for k_, v in f.items()}
    order = any(rack[sl]["Low"] > rack[sl]["Base"] or rack[sl]["Base"] > rack[sl]["High"]
                for sl in ("acc", "mem", "oem"))
    totals["rack_order"] = float(order)
    totals["rack_rest"] = float(any(rack["other"][k_] < 0 for k_ in spec.SCENARIOS))
    totals["one_off_quarters"] = float(any(sc.get(q) not in ("", None) and sc.get(q) not in labels
                                           for q in spec.QUARTER_SCALARS))
    for key in ("errors_inputs", "errors_assumptions", "errors_calcs", "errors_meeting", "text_in_inputs"):
        totals[key] = 0.0
    totals["latest_incomplete"] = 0.0 if complete.iloc[-1] else 1.0
    master = float(sum(v for k_, v in totals.items() if not spec.CHECK_KEYS[k_].warning))
    feeds = pd.DataFrame({code: c[key] for code, _, _, key in spec.FEED_ROWS}).T.reindex(columns=labels)

    # the Meeting page
    latest: dict[str, dict[str, object]] = {}
    point = _num(sc.get("pct_point"))
    for m in spec.SHOWN:
        s = m.slug
        got = [lab for lab in labels if not np.isnan(c[f"{s}_pos"][lab])]
        d: dict[str, object] = {}
        if got:
            lab, lab0 = got[-1], got[0]
            d.update(q=lab, q0=lab0, om=c[f"{s}_om"][lab], om0=c[f"{s}_om"][lab0])
            if s != "oem":
                d["d"] = (d["om"] - d["om0"]) / point
            if m.company is not None:
                d["fiscal"] = fiscal_label(m.company, parse_label(lab))
            elif s == "oem":
                d["fiscal"] = f"{c['oem_nb'][lab]:g}: {c['oem_set'][lab]}"
            if m.dollars:
                rev, op = ("oem_both_rev", "oem_both_op") if s == "oem" else (f"{s}_rev", f"{s}_op")
                d["rev"], d["op"] = c[rev][lab], c[op][lab]
            if s in spec.WITH_GROSS:
                d["gm"] = c[f"{s}_gm"][lab]
            if m.dollars and s not in ("oem", "oemcs"):
                rl = [x for x in labels if not np.isnan(c[f"{s}_rpos"][x])]
                d["rq"] = rl[-1] if rl else np.nan
                d["stale"] = "yes" if rl and labels.index(rl[-1]) > labels.index(lab) else ""
        else:
            d.update({x: np.nan for x in ("q", "q0", "om", "om0")})
            if s != "oem":
                d["d"] = np.nan
            if m.company is not None or s == "oem":
                d["fiscal"] = np.nan
            if m.dollars:
                d.update(rev=np.nan, op=np.nan)
            if s in spec.WITH_GROSS:
                d["gm"] = np.nan
            if m.dollars and s not in ("oem", "oemcs"):
                rl = [x for x in labels if not np.isnan(c[f"{s}_rpos"][x])]
                d["rq"] = rl[-1] if rl else np.nan
                d["stale"] = np.nan
        latest[s] = d
    comp = [lab for lab in labels if layers[lab]]
    pool_cells: dict[str, list] = {}
    if comp:
        a, b = comp[0], comp[-1]
        pool_cells["qpos"] = [float(labels.index(a) + 1), None, float(labels.index(b) + 1), None]
        pool_cells["q"] = [a, None, b, None]
        pool_cells["cov"] = [n_in[a], None, n_in[b], None]
        for lk, _ in spec.LAYERS:
            pool_cells[lk] = [c[f"{lk}_op"][a], c[f"{lk}_share"][a], c[f"{lk}_op"][b], c[f"{lk}_share"][b]]
        pool_cells["total"] = [pool[a], None, pool[b], None]
        pool_cells["rsh"] = [c["oem_rsh"][a], c["oem_share"][a], c["oem_rsh"][b], c["oem_share"][b]]
    else:
        for key in ("qpos", "q", "cov", "total"):
            pool_cells[key] = [np.nan, None, np.nan, None]
        pool_cells["rsh"] = [np.nan] * 4
        for lk, _ in spec.LAYERS:
            pool_cells[lk] = [np.nan] * 4
    for m in spec.POOL_MEMBERS:
        sh = c[f"{m.slug}_psh"]
        had = [lab for lab in labels if not np.isnan(sh[lab])]
        last = had[-1] if had else np.nan
        if not comp:
            pool_cells[f"cov_{m.slug}"] = [np.nan, np.nan, np.nan, last]
        elif not np.isnan(sh[comp[-1]]):
            pool_cells[f"cov_{m.slug}"] = ["in", sh[comp[-1]], comp[-1], last]
        else:
            pool_cells[f"cov_{m.slug}"] = ["out", sh[last] if had else np.nan, last, last]
    return Expected(labels, calcs, flags, totals, master, feeds, rack, latest, pool_cells, context,
                    str(sc.get("one_offs") or ""))


# --- where the expected values sit in a recalculated workbook ------------------------------

def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


POOL_ROWS = ("pool_q", "pool_cov") + tuple(f"pool_{lk}" for lk, _ in spec.LAYERS) + ("pool_total",)
# the who-is-in block beside the pool block, row for row, its last one row below the pool's last
COV_ROWS = POOL_ROWS + (f"{POOL_ROWS[-1]}+1",)


def _coded(rows: dict, code: str) -> int | None:
    """The row of ``code`` in ``rows`` (code -> row); 'code+n': n rows below it."""
    base, _, off = code.partition("+")
    return None if rows.get(base) is None else rows[base] + int(off or 0)


def _cells(expected: Expected):
    """(sheet, row code, column offset from the first period column, what, value, #N/A for blank) of the
    cells outside the timeline: Meeting blocks and the per-$1 block on Calculations."""
    fields = [code for code, _, _ in spec.LATEST_FIELDS]
    for s, d in expected.latest.items():
        for fld, v in d.items():
            yield spec.MEETING, f"m_{s}", fields.index(fld), f"{fld} {s}", v
    for key, vals in expected.pool.items():
        for i, v in enumerate(vals):
            if v is not None:
                if key == "qpos":               # the positions sit inside the Meeting's formulas
                    continue
                if key.startswith("cov_"):      # beside the pool block
                    n = [m.slug for m in spec.POOL_MEMBERS].index(key[4:])
                    yield spec.MEETING, COV_ROWS[n], spec.COV_COL + 1 + i, f"pool {key} {i}", v
                else:
                    yield spec.MEETING, f"pool_{key}", i, f"pool {key} {i}", v
    for sl, _ in spec.SLICES:
        for j, case in enumerate(spec.SCENARIOS):
            yield spec.CALCS, f"rack_{sl}", j, f"rack {sl} {case}", expected.rack[sl][case]
            yield spec.MEETING, f"rack_m_{sl}", j, f"meeting rack {sl} {case}", expected.rack[sl][case]
    for j, case in enumerate(spec.SCENARIOS):
        yield spec.CALCS, "rack_total", j, f"rack total {case}", expected.rack["total"][case]
    for key, v in expected.context.items():
        yield spec.MEETING, f"ctx_{key}", 1, f"context {key}", v
    cpu = expected.context.get("ue_ctx_vr_cpu", np.nan) - expected.context.get("ue_ctx_vr_gpu", np.nan)
    yield spec.MEETING, "ctx_vr_cpu_pts", 1, "Vera Rubin CPUs, pts", cpu / 0.01
    yield spec.MEETING, "oneoff_line", 0, "one-off items line", expected.one_offs or None


def compare(expected: Expected, values: dict, errors: dict | None = None, lay=None) -> list[Mismatch]:
    """Every calculated cell of the recalculated ``values`` against ``expected``; rows found
    by their code in column C, periods by their label."""
    errors = errors or {}
    out: list[Mismatch] = []

    def got(sheet, r, c):
        e = errors.get(sheet, {}).get((r, c))
        return e if e is not None else values.get(sheet, {}).get((r, c))

    def check(sheet, r, c, what, exp, na=False):
        g_ = got(sheet, r, c)
        if na and _blank(exp):
            ok, exp = is_na(g_), "#N/A"
        else:
            exp = None if _blank(exp) else exp
            ok = same(exp, g_)
        if not ok:
            out.append(Mismatch(sheet, xl_rowcol_to_cell(r, c), what, exp, g_))

    def frame(sheet, df, na=False):
        cells = values.get(sheet, {})
        codes, cols = row_codes(cells), period_header(cells, spec.PERIOD_REGEX)[1]
        for key, by in df.to_dict("index").items():
            r = codes.get(key)
            if r is None:
                out.append(Mismatch(sheet, "?", f"row {key}", "a row coded so", None))
                continue
            for lab, c in cols.items():
                if lab in by:
                    check(sheet, r, c, f"{key} {lab}", by[lab], na)

    frame(spec.CALCS, expected.calcs)
    frame(spec.CHECKS, expected.flags)
    frame(spec.CHART_DATA, expected.feeds, na=True)
    compare_checks(values, spec.CHECKS, expected.check_totals, expected.master, check, out, lay)
    by_sheet = {s: row_codes(values.get(s, {})) for s in (spec.MEETING, spec.CALCS)}
    for sheet, code, off, what, v in _cells(expected):
        r = _coded(by_sheet[sheet], code)
        if r is None:
            out.append(Mismatch(sheet, "?", what, "a row coded " + code, None))
            continue
        check(sheet, r, grid.FIRST_PERIOD_COL + off, what, v)
    meet = values.get(spec.MEETING, {})
    at = next((r for (r, c), v in meet.items() if c == grid.C_LABEL and isinstance(v, str)
               and v.startswith("Checks: ")), None)
    line = status(expected.master, warning_total(expected.check_totals, spec.CHECK_KEYS))
    if at is None:
        out.append(Mismatch(spec.MEETING, "?", "checks line", line, None))
    else:
        check(spec.MEETING, at, grid.C_LABEL, "checks line", line)
    return out


def cached(lay, expected: Expected) -> dict[tuple[str, int, int], object]:
    """The recompute's value of each formula cell, stored with it (#N/A for a chart gap)."""
    out: dict[tuple[str, int, int], object] = {}

    def put(sheet, r, c, v, blank=""):
        out[(sheet, r, c)] = (v.item() if hasattr(v, "item") else v) if not _blank(v) else blank

    for df, blank in ((expected.calcs, ""), (expected.flags, ""), (expected.feeds, "#N/A")):
        for key, by in df.to_dict("index").items():
            if key in lay.row_of:
                sheet, r = lay.row_of[key]
                for lab in expected.labels:
                    put(sheet, r, lay.col_of(lab), by.get(lab), blank)
    for key, total in expected.check_totals.items():
        if key in lay.row_of:
            put(spec.CHECKS, lay.row_of[key][1], grid.C_VALUE, total)
    s, r, c = lay.master_check
    put(s, r, c, expected.master)
    put(s, r, c - 1, "OK" if expected.master == 0 else "FAIL")
    rows = {}
    for name, sh in lay.sheets.items():
        for (r_, c_), cell in sh.cells.items():
            if c_ == grid.C_CODE and isinstance(cell.value, str) and name in (spec.MEETING, spec.CALCS):
                rows.setdefault((name, cell.value), r_)
    for sheet, code, off, _, v in _cells(expected):
        r = _coded({c_: r_ for (s_, c_), r_ in rows.items() if s_ == sheet}, code)
        if r is not None:
            put(sheet, r, grid.FIRST_PERIOD_COL + off, v)
    sheet, r, c = lay.scalar_at["meeting_status"]
    put(sheet, r, c, status(expected.master, warning_total(expected.check_totals, spec.CHECK_KEYS)))
    return {k_: v for k_, v in out.items()
            if k_[0] in lay.sheets and (k_[1], k_[2]) in lay.sheets[k_[0]].cells
            and lay.sheets[k_[0]].cells[(k_[1], k_[2])].formula}
