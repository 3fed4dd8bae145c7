"""The audit's findings as a short Markdown summary, for a CI job's summary page.

    python -m model audit --format markdown            # Markdown on stdout
    python -m model audit --summary "$GITHUB_STEP_SUMMARY"   # appended to a file

One line of verdict, a table of workbooks (errors, warnings, or why a file could
not be audited), then one table row per finding, the first ``limit`` of them,
errors first: rule, severity, ``Sheet!Cell`` and the message. The full list is in
the terminal report, ``--json`` and the JUnit file.
"""
from __future__ import annotations

import os

from .rules import Finding

LIMIT = 50


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes or line breaks."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _short(path: str) -> str:
    """A path under the current folder as a relative one (workbooks/x.xlsx), else as given."""
    try:
        rel = os.path.relpath(path)
    except ValueError:            # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


def _code(text: str) -> str:
    text = _cell(text).replace("`", "'")
    return f"`{text}`" if text else ""


def markdown(results: dict[str, list[Finding]], unauditable: dict[str, str] | None = None,
             limit: int = LIMIT) -> str:
    """Markdown for ``results`` (workbook -> findings) and ``unauditable`` (workbook -> why)."""
    unauditable = dict(unauditable or {})
    for path, fs in list(results.items()):       # the audit may report a file it could not read
        fatal = [f.message for f in fs if f.severity == "fatal"]     # as a finding of its own
        if fatal:
            unauditable[path] = "; ".join(fatal)
            results = {p: v for p, v in results.items() if p != path}
    books = len(results) + len(unauditable)
    failing = sum(any(f.severity == "error" for f in fs) for fs in results.values())
    errors = sum(f.severity == "error" for fs in results.values() for f in fs)
    warnings = sum(f.severity != "error" for fs in results.values() for f in fs)
    if unauditable:
        verdict = f"{len(unauditable)} of {books} workbook(s) could not be audited"
        if failing:
            verdict += f"; {failing} with errors"
    elif failing:
        verdict = f"{failing} of {books} workbook(s) with errors"
    else:
        verdict = f"{books} workbook(s) clean" if books else "no workbooks to audit"
    icon = "❌" if failing or unauditable else "✅"
    out = [f"### {icon} Workbook audit: {verdict}", "",
           f"{errors} error(s), {warnings} warning(s).", "",
           "| workbook | result | errors | warnings |", "|---|---|---|---|"]
    results = {_short(p): fs for p, fs in results.items()}
    unauditable = {_short(p): why for p, why in unauditable.items()}
    for path, fs in results.items():
        e = sum(f.severity == "error" for f in fs)
        w = len(fs) - e
        result = "❌ errors" if e else ("⚠️ warnings" if w else "✅ clean")
        out.append(f"| {_code(path)} | {result} | {e} | {w} |")
    for path, why in unauditable.items():
        out.append(f"| {_code(path)} | ❌ cannot be audited: {_cell(why)} | - | - |")
    rows = [(path, f) for path, fs in results.items() for f in fs]
    rows.sort(key=lambda pf: pf[1].severity != "error")       # stable: errors first, in order
    if rows:
        out += ["", "| workbook | severity | rule | cell | finding |", "|---|---|---|---|---|"]
        for path, f in rows[:limit]:
            out.append(f"| {_code(path)} | {f.severity} | {_code(f.rule)} | {_code(f.where)} | "
                       f"{_cell(f.message)} |")
        if len(rows) > limit:
            out += ["", f"... and {len(rows) - limit} more finding(s): see the job log or the "
                        "JUnit report."]
    return "\n".join(out) + "\n"
