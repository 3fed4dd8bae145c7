"""python -m model bench: build, refresh and audit timed as whole processes, at 1x to
20x the history, against LibreOffice's own recalculation and the `formulas` engine.

A developer tool: nothing in the package imports it, and its one extra dependency,
`formulas`, comes with ``pip install .[bench]``. Cases: the Lenovo workbook ("default"),
synthetic Lenovo histories ("20q" ...), the peers workbook ("peers") and the value-chain
workbook ("value chain"), each built without the latest quarter's figures of its first data
file, which its refresh then brings in.

Every figure is a median over ``--repeats`` runs of a fresh process (Python start-up
included); peak memory is the process's own high-water mark (VmHWM). Anchors, in the
same run and on the same files:

    LibreOffice      start-up, then load + calculateAll() of the file (bare recalculation)
    audit kept alive the audit of one file with LibreOffice already running
    audit --warm     the whole audit process using the user's kept-alive LibreOffice
    soffice          `soffice --headless --convert-to xlsx` of the same file (LibreOffice's
                     own time to open and save it, start-up included)
    formulas         the `formulas` package loading and calculating the same workbook
    pandas           the independent recompute, from the file's inputs to every output

Targets (issue 5): audit <= 1.3x LibreOffice's bare recalculation (start-up included,
and kept alive); pandas >= 100x faster than `formulas`; build and refresh of the default
workbook < 1 s; 400 quarters < 10 s; peak memory < 500 MB.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

from . import DEFAULT_DATA
from .progress import Progress

PEERS = "ai_server_peers"
VALUE_CHAIN = "ai_value_chain"

HEADER = ["fiscal_year", "fiscal_quarter", "period_end", "entity", "metric", "value", "unit",
          "basis", "source_title", "source_url"]
# (entity, metric, unit, basis, level in the last quarter, quarterly growth)
SERIES = [
    ("Group", "revenue", "usd_m", "reported", 18830, 0.012),
    ("Group", "gross_profit", "usd_m", "reported", 2774, 0.011),
    ("Group", "operating_profit", "usd_m", "reported", 785, 0.010),
    ("Group", "net_income", "usd_m", "reported", 505, 0.010),
    ("IDG", "revenue", "usd_m", "reported", 13460, 0.008),
    ("IDG", "operating_profit", "usd_m", "reported", 980, 0.008),
    ("ISG", "revenue", "usd_m", "reported", 4290, 0.025),
    ("ISG", "operating_profit", "usd_m", "reported", -86, 0.0),
    ("SSG", "revenue", "usd_m", "reported", 2300, 0.015),
    ("SSG", "operating_profit", "usd_m", "reported", 500, 0.015),
    ("ISG-CSP", "revenue", "usd_m", "estimate", 2410, 0.03),
    ("ISG-AI", "revenue", "usd_m", "approx", 3000, 0.04),
    ("Group-exCSP", "gross_margin_pct", "pct", "estimate", 0.172, 0.0),
]
PEAK = """
import os, re, sys
from model.__main__ import main
try:
    rc = main(sys.argv[1:])
finally:
    hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
    open(os.environ["BENCH_PEAK"], "w").write(hwm)
sys.exit(rc)
"""


def synthetic(quarters: int, path: Path) -> Path:
    """A data file of ``quarters`` quarters ending FY2025/26 Q4, every series of the model, growing smoothly with noise; the same for the same size."""
    rng = random.Random(quarters)
    last = 2025 * 4 + 3                      # FY2025/26 Q4 as a quarter index
    rows = []
    for i in range(last - quarters + 1, last + 1):
        fy, q = divmod(i, 4)
        end_month = (3 + 3 * q) % 12 + 3
        end_year = fy + (1 if q == 3 else 0)
        end = date(end_year, end_month, 30 if end_month in (6, 9) else 31)
        for entity, metric, unit, basis, level, growth in SERIES:
            v = level * (1 + growth) ** (i - last) * (1 + rng.uniform(-0.03, 0.03))
            rows.append([f"{fy}/{(fy + 1) % 100:02d}", f"Q{q + 1}", end.isoformat(), entity, metric,
                         f"{v:.4f}" if unit == "pct" else f"{v:.1f}", unit, basis,
                         "synthetic benchmark data", ""])
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows([HEADER] + rows)
    return path


def with_next_quarter(data: Path, out: Path) -> Path:
    """``data`` plus FY2026/27 Q1, so a refresh has a new quarter to bring in."""
    shutil.copy(data, out)
    with open(out, "a", newline="") as fh:
        w = csv.writer(fh)
        for entity, metric, unit, basis, level, growth in SERIES:
            v = level * (1 + growth)
            w.writerow(["2026/27", "Q1", "2026-06-30", entity, metric,
                        f"{v:.4f}" if unit == "pct" else f"{v:.1f}", unit, basis, "next quarter", ""])
    return out


def timed(argv: list[str], repeats: int, before=None) -> tuple[float, float]:
    """(median seconds, max peak MB) of ``python -m model ARGV`` as fresh processes;
    ``before()`` runs untimed before each."""
    walls, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = os.path.join(tmp, "peak")
        for _ in range(repeats):
            if before:
                before()
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", PEAK, *argv], capture_output=True, text=True,
                                  env=dict(os.environ, BENCH_PEAK=peak_file))
            walls.append(time.perf_counter() - t)
            if done.returncode not in (0, 1):
                raise RuntimeError(f"python -m model {' '.join(argv)} failed:\n{done.stderr}")
            peaks.append(int(open(peak_file).read()) / 1024)
    return statistics.median(walls), max(peaks)


def _child(kind: str, path: str, repeats: int) -> dict:
    """Anchors measured inside one process: LibreOffice, the kept-alive audit, pandas, formulas."""
    if kind == "libreoffice":
        from .audit import audit
        from .libreoffice import LibreOffice
        t = time.perf_counter()
        with LibreOffice() as lo:
            startup = time.perf_counter() - t
            t = time.perf_counter()
            doc = lo._load(path)
            doc.calculateAll()
            doc.close(True)
            first = time.perf_counter() - t
            bare, reads, audits = [], [], []
            for _ in range(repeats):
                t = time.perf_counter()
                doc = lo._load(path)
                doc.calculateAll()
                doc.close(True)
                bare.append(time.perf_counter() - t)
                t = time.perf_counter()
                lo.recalculate(path)
                reads.append(time.perf_counter() - t)
                t = time.perf_counter()
                audit(path, lo)
                audits.append(time.perf_counter() - t)
            peak = _process_tree_peak_mb(lo._proc.pid)
        return {"startup": startup, "first": first, "bare": statistics.median(bare),
                "recalc_read": statistics.median(reads), "audit_kept_alive": statistics.median(audits),
                "lo_peak_mb": peak}
    if kind == "pandas":
        from .models import of_book
        from .core.workbook import read_book
        m = of_book(path)
        whole, only = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            mi, _, _ = m.read_inputs(read_book(path, styles=False).cells)
            t1 = time.perf_counter()
            m.reference(mi)
            t2 = time.perf_counter()
            whole.append(t2 - t)
            only.append(t2 - t1)
        return {"file_to_outputs": statistics.median(whole), "recompute_only": statistics.median(only)}
    if kind == "formulas":
        import formulas
        t = time.perf_counter()
        xl = formulas.ExcelModel().loads(path).finish()
        t1 = time.perf_counter()
        xl.calculate()
        t2 = time.perf_counter()
        return {"load_compile": t1 - t, "calculate": t2 - t1, "file_to_outputs": t2 - t}
    raise ValueError(kind)


def _process_tree_peak_mb(pid: int) -> float:
    """Largest VmHWM among ``pid`` and its descendants (soffice is a script that starts soffice.bin)."""
    peak, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]) / 1024)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return peak


def child(kind: str, path: Path, repeats: int, timeout: float | None = None) -> dict | None:
    try:
        done = subprocess.run([sys.executable, "-m", "model.bench", "--child", kind, str(path),
                               str(repeats)], capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def soffice_convert(book: Path, tmp: Path, repeats: int) -> float:
    """Median seconds of LibreOffice's own `soffice --headless --convert-to xlsx` of ``book``
    (start-up, load, save, exit), with a profile it made on an untimed first run."""
    from .libreoffice import profile_url, soffice_path
    profile, out = tmp / "convert-profile", tmp / "converted"
    cmd = [soffice_path(), f"-env:UserInstallation={profile_url(profile)}", "--headless", "--convert-to",
           "xlsx", "--outdir", str(out), str(book)]
    walls = []
    for i in range(repeats + 1):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, timeout=300)
        if i:
            walls.append(time.perf_counter() - t)
    return statistics.median(walls)


def formula_cells(path: Path) -> int:
    from .core.reader import Formula
    from .core.workbook import read_cells
    return sum(isinstance(v, Formula) for cells in read_cells(path).values() for v in cells.values())


def without_latest(data: Path, out: Path, days: int = 100) -> Path:
    """``data`` without the figures of its last ``days`` (the peers' latest quarter)."""
    with open(data, newline="") as fh:
        rows = list(csv.DictReader(fh))
    last = max(date.fromisoformat(r["period_end"]) for r in rows)
    with open(out, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(r for r in rows if (last - date.fromisoformat(r["period_end"])).days > days)
    return out


def measure(name: str, data: Path, tmp: Path, repeats: int, formulas_timeout: float,
            model: str | None = None) -> dict:
    book = tmp / f"{name}.xlsx"
    target = tmp / f"{name}-refresh.xlsx"
    if model in (PEERS, VALUE_CHAIN):
        from .models import get
        files = get(model).default_data
        older = [without_latest(files[0], tmp / f"{model}-older.csv"), *files[1:]]
        build = ["build", "--model", model, "--out", str(book)]
        build_s, build_mb = timed(build, repeats)
        subprocess.run([sys.executable, "-m", "model", "build", "--model", model, "--out", str(target),
                        *[a for f in older for a in ("--data", str(f))]], check=True, capture_output=True)
        old = target.read_bytes()
        refresh_s, refresh_mb = timed(["refresh", str(target)], repeats,
                                      before=lambda: target.write_bytes(old))
        pristine = book.read_bytes()
        quarters = _model_quarters(model, files)
    else:
        build_s, build_mb = timed(["build", "--data", str(data), "--out", str(book)], repeats)
        pristine = book.read_bytes()
        newer = with_next_quarter(data, tmp / f"{name}-next.csv")
        refresh_s, refresh_mb = timed(["refresh", str(target), "--data", str(newer)], repeats,
                                      before=lambda: target.write_bytes(pristine))
        quarters = _quarters(data)
    audit_s, audit_mb = timed(["audit", str(book)], repeats)
    from .libreoffice import stop_kept
    stop_kept()
    timed(["audit", "--warm", str(book)], 1)            # starts the kept-alive engine
    warm_s, _ = timed(["audit", "--warm", str(book)], repeats)
    stop_kept()
    convert_s = soffice_convert(book, tmp, repeats)
    lo = child("libreoffice", book, repeats)
    pd_ = child("pandas", book, repeats)
    fx = child("formulas", book, 1, timeout=formulas_timeout)
    return {"case": name, "quarters": quarters, "formula_cells": formula_cells(book),
            "file_kb": len(pristine) / 1024, "build_s": build_s, "build_mb": build_mb,
            "refresh_s": refresh_s, "refresh_mb": refresh_mb, "audit_s": audit_s, "audit_mb": audit_mb,
            "audit_warm_s": warm_s, "convert_s": convert_s,
            "lo_startup_s": lo["startup"], "lo_first_s": lo["first"], "lo_bare_s": lo["bare"], "lo_recalc_read_s": lo["recalc_read"],
            "audit_kept_alive_s": lo["audit_kept_alive"], "lo_peak_mb": lo["lo_peak_mb"],
            "pandas_s": pd_["file_to_outputs"], "pandas_recompute_s": pd_["recompute_only"],
            "formulas_s": fx["file_to_outputs"] if fx else None,
            "formulas_calc_s": fx["calculate"] if fx else None}


def _model_quarters(model: str, files) -> int:
    from .models import get
    return len(get(model).load(tuple(files)).periods)


def _quarters(data: Path) -> int:
    with open(data, newline="") as fh:
        return len({(r["fiscal_year"], r["fiscal_quarter"]) for r in csv.DictReader(fh)})


def table(results: list[dict]) -> str:
    """Two tables: our commands and LibreOffice; the independent recompute and `formulas`."""
    a = ["| case | quarters | formula cells | file KB | build s | refresh s | audit s | "
         "LO start-up s | LO first load+recalc s | audit / LO cold | LO warm load+recalc s | "
         "audit kept alive s | kept alive / LO warm | peak MB build / refresh / audit / LO |"]
    a.append("|" + "---|" * (a[0].count("|") - 1))
    b = ["| case | formula cells | pandas file->outputs s | pandas recompute s | formulas file->outputs s "
         "| formulas calculate s | ratio file->outputs | ratio compute only |"]
    b.append("|" + "---|" * (b[0].count("|") - 1))
    for r in results:
        cold = r["audit_s"] / (r["lo_startup_s"] + r["lo_first_s"])
        warm = r["audit_kept_alive_s"] / r["lo_bare_s"]
        a.append(
            f"| {r['case']} | {r['quarters']} | {r['formula_cells']:,} | {r['file_kb']:,.0f} | "
            f"{r['build_s']:.2f} | {r['refresh_s']:.2f} | {r['audit_s']:.2f} | {r['lo_startup_s']:.2f} | "
            f"{r['lo_first_s']:.2f} | {cold:.2f}x | {r['lo_bare_s']:.2f} | {r['audit_kept_alive_s']:.2f} | "
            f"{warm:.2f}x | {r['build_mb']:.0f} / {r['refresh_mb']:.0f} / {r['audit_mb']:.0f} / "
            f"{r['lo_peak_mb']:.0f} |")
        if r["formulas_s"]:
            fx = (f"{r['formulas_s']:.1f} | {r['formulas_calc_s']:.2f} | {r['formulas_s'] / r['pandas_s']:.0f}x | "
                  f"{r['formulas_calc_s'] / r['pandas_recompute_s']:.0f}x")
        else:
            fx = "over the time limit | - | - | -"
        b.append(f"| {r['case']} | {r['formula_cells']:,} | {r['pandas_s']:.3f} | "
                 f"{r['pandas_recompute_s']:.4f} | {fx} |")
    c = ["| case | soffice --convert-to xlsx s | audit cold s | cold / convert | audit warm s | "
         "warm / convert |", "|---|---|---|---|---|---|"]
    for r in results:
        if r.get("convert_s"):
            c.append(f"| {r['case']} | {r['convert_s']:.2f} | {r['audit_s']:.2f} | "
                     f"{r['audit_s'] / r['convert_s']:.2f}x | {r['audit_warm_s']:.2f} | "
                     f"{r['audit_warm_s'] / r['convert_s']:.2f}x |")
    return "\n".join(a) + "\n\n" + "\n".join(b) + "\n\n" + "\n".join(c)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    mem = int(open("/proc/meminfo").read().split()[1]) / 2**20
    lo = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.split()[:2]
    return (f"{os.cpu_count()} x {cpu}, {mem:.0f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, {' '.join(lo)}")


def _have(module: str) -> bool:
    """``module`` can be imported (found without importing it)."""
    import importlib.util
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):       # ValueError: blocked in sys.modules (None)
        return False


ENGINE_RUNS = {          # what is timed against `soffice --convert-to xlsx`, whole processes
    "audit (LibreOffice)": ["audit"],
    "audit --warm": ["audit", "--warm"],
    "audit --engine formualizer": ["audit", "--engine", "formualizer"],
    "audit --engine ironcalc": ["audit", "--engine", "ironcalc"],
}


def _once(cmd: list[str]) -> tuple[float, float]:
    """Seconds and peak MB (this Python process's VmHWM; LibreOffice's own process is not
    counted) of one whole ``python -m model`` run."""
    with tempfile.TemporaryDirectory() as tmp:
        peak = os.path.join(tmp, "peak")
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", PEAK, *cmd], capture_output=True, text=True,
                              env=dict(os.environ, BENCH_PEAK=peak))
        wall = time.perf_counter() - t
        if done.returncode not in (0, 1):
            raise RuntimeError(f"python -m model {' '.join(cmd)} failed:\n{done.stderr}")
        return wall, int(open(peak).read()) / 1024


def _convert_once(book: Path, tmp: Path) -> float:
    from .libreoffice import soffice_path
    profile, out = tmp / "convert-profile", tmp / "converted"
    t = time.perf_counter()
    subprocess.run([soffice_path(), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(book)],
                   capture_output=True, check=True, timeout=600)
    return time.perf_counter() - t


def engine_ratios(name: str, book: Path, tmp: Path, repeats: int) -> dict:
    """Each of ENGINE_RUNS against `soffice --convert-to` of ``book``, interleaved: every
    round runs convert-to and then each command once, and the ratio is taken within the
    round; medians, minima and maxima over ``repeats`` rounds (a shared machine's load
    moves both sides of a pair together)."""
    from .libreoffice import stop_kept
    _convert_once(book, tmp)                    # untimed: makes the convert-to profile
    _once(["audit", "--warm", str(book)])       # untimed: starts the kept-alive LibreOffice
    ratios: dict[str, list[float]] = {k: [] for k in ENGINE_RUNS}
    secs: dict[str, list[float]] = {k: [] for k in ENGINE_RUNS}
    peaks: dict[str, float] = {k: 0.0 for k in ENGINE_RUNS}
    converts = []
    for _ in range(repeats):
        c = _convert_once(book, tmp)
        converts.append(c)
        for label, cmd in ENGINE_RUNS.items():
            s, mb = _once([*cmd, str(book)])
            ratios[label].append(s / c)
            secs[label].append(s)
            peaks[label] = max(peaks[label], mb)
    stop_kept()
    return {"case": name, "formula_cells": formula_cells(book), "convert_s": statistics.median(converts),
            "runs": {k: {"ratio": statistics.median(v), "min": min(v), "max": max(v),
                         "s": statistics.median(secs[k]), "peak_mb": peaks[k]} for k, v in ratios.items()}}


def many_ratio(book: Path, tmp: Path, copies: int, jobs: int, engine: str) -> dict:
    """``audit -j jobs --engine engine`` of ``copies`` copies of ``book`` against ``copies``
    runs of convert-to, one after the other (the same total work for LibreOffice)."""
    folder = tmp / "copies"
    folder.mkdir(exist_ok=True)
    paths = []
    for i in range(copies):
        dst = folder / f"copy{i:03d}.xlsx"
        shutil.copy(book, dst)
        paths.append(str(dst))
    t = time.perf_counter()
    for p in paths:
        _convert_once(Path(p), tmp)
    convert = time.perf_counter() - t
    audit, _ = _once(["audit", "-j", str(jobs), "--engine", engine, *paths])
    return {"copies": copies, "jobs": jobs, "engine": engine, "audit_s": audit, "convert_s": convert,
            "ratio": audit / convert}


def engine_table(results: list[dict], many: dict | None) -> str:
    heads = list(ENGINE_RUNS)
    lines = ["| workbook | formula cells | convert-to s | " + " | ".join(f"{h} / convert-to" for h in heads)
             + " | peak MB (Python process) |",
             "|" + "---|" * (4 + len(heads))]
    for r in results:
        cells = [f"{r['runs'][h]['ratio']:.3f}x ({r['runs'][h]['min']:.3f}-{r['runs'][h]['max']:.3f})"
                 for h in heads]
        peak = " / ".join(f"{r['runs'][h]['peak_mb']:.0f}" for h in heads)
        lines.append(f"| {r['case']} | {r['formula_cells']:,} | {r['convert_s']:.2f} | " + " | ".join(cells)
                     + f" | {peak} |")
    if many:
        lines.append("")
        lines.append(f"{many['copies']} copies of the Lenovo workbook: `audit -j {many['jobs']} --engine "
                     f"{many['engine']}` {many['audit_s']:.1f} s against {many['copies']} runs of convert-to "
                     f"{many['convert_s']:.1f} s: {many['ratio']:.3f}x")
    return "\n".join(lines)


def run_engines(args) -> int:
    """bench --engines: every engine's whole audit process against convert-to, interleaved."""
    results = []
    with tempfile.TemporaryDirectory(prefix="model-bench-") as tmp:
        tmp = Path(tmp)
        cases = []
        from .models import REGISTRY
        for key in REGISTRY:            # every model's workbook
            book = tmp / f"{key}.xlsx"
            subprocess.run([sys.executable, "-m", "model", "build", "--model", key, "--out", str(book)],
                           check=True, capture_output=True)
            cases.append((key, book))
        for n in args.sizes:
            book = tmp / f"{n}q.xlsx"
            subprocess.run([sys.executable, "-m", "model", "build", "--data", str(synthetic(n, tmp / f"{n}q.csv")),
                            "--out", str(book)], check=True, capture_output=True)
            cases.append((f"lenovo_isg {n} quarters", book))
        with Progress(len(cases), "measuring") as step:
            for name, book in cases:
                step(name)
                results.append(engine_ratios(name, book, tmp, args.repeats))
        many = (many_ratio(cases[0][1], tmp, args.copies, args.jobs, "formualizer")
                if args.copies else None)
    print(f"Machine: {machine()}")
    print(f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; command: python -m model bench --engines "
          f"--repeats {args.repeats} --sizes {' '.join(map(str, args.sizes))} --copies {args.copies}; "
          f"ratios within interleaved rounds, median (min-max) of {args.repeats}\n")
    print(engine_table(results, many))
    if args.json:
        args.json.write_text(json.dumps({"engines": results, "many": many}, indent=2))
    return 0


def run(argv=None, prog: str = "python3 -m model bench") -> int:
    p = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=f"examples:\n  {prog} --sizes 20 --repeats 1\n"
                                       f"  {prog} --repeats 3 --json bench.json")
    from . import __version__
    p.add_argument("--version", action="version", version=f"{prog} {__version__}")
    p.add_argument("--sizes", type=int, nargs="*", default=[20, 80, 400], help="quarters of synthetic data")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--formulas-timeout", type=float, default=600, help="seconds for the formulas engine")
    p.add_argument("--json", type=Path, help="also write the results as JSON")
    p.add_argument("--no-peers", action="store_true", help="leave out the peers workbook")
    p.add_argument("--no-value-chain", action="store_true", help="leave out the value-chain workbook")
    p.add_argument("--engines", action="store_true",
                   help="time every engine's whole audit against soffice --convert-to, interleaved")
    p.add_argument("--copies", type=int, default=20,
                   help="with --engines: copies of the Lenovo workbook for audit -j (0: none)")
    p.add_argument("--jobs", type=int, default=2, help="with --engines: audit -j N for the copies")
    args = p.parse_args(argv)
    if args.engines:
        missing = [m for m in ("formualizer", "ironcalc") if not _have(m)]
        if missing:                 # the engines extra: one line, no traceback
            print(f"error: bench --engines times {', '.join(missing)}, not installed: "
                  "pip install '.[engines]'", file=sys.stderr)
            return 2
        return run_engines(args)
    if not _have("formulas"):       # the bench extra: one line, no traceback
        print("error: bench compares with the formulas engine, which is not installed: "
              "pip install 'formulas>=1.2,<2' (in a clone: pip install '.[bench]')", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="model-bench-") as tmp:
        tmp = Path(tmp)
        cases = [("default", DEFAULT_DATA, None)] + [
            (f"{n}q", synthetic(n, tmp / f"{n}q.csv"), None) for n in args.sizes]
        if not args.no_peers:
            cases.append(("peers", None, PEERS))
        if not args.no_value_chain:
            cases.append(("value chain", None, VALUE_CHAIN))
        with Progress(len(cases), "measuring") as step:      # on a terminal only
            for name, data, model in cases:
                step(name)
                results.append(measure(name, data, tmp, args.repeats, args.formulas_timeout, model))
    print(f"Machine: {machine()}")
    print(f"Date: {datetime.now(timezone.utc):%Y-%m-%d}; command: python -m model bench "
          f"--repeats {args.repeats} --sizes {' '.join(map(str, args.sizes))}; medians of {args.repeats} runs\n")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        sys.exit(run())
