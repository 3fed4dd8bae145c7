"""Command line: python -m model (or isg-model) {build,refresh,audit,diff,textconv,bench}."""
from __future__ import annotations

import signal
import sys


def _starting_up(*_):
    """Ctrl-C while the command is still importing: nothing has begun, nothing to undo."""
    print("\ninterrupted while starting; nothing was done", file=sys.stderr)
    raise SystemExit(130)


if __name__ == "__main__":          # before the imports below, which take a while on a busy machine
    signal.signal(signal.SIGINT, _starting_up)

import argparse  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from . import DEFAULT_WORKBOOK  # noqa: E402
from .errors import ModelError  # noqa: E402
from .models import REGISTRY  # noqa: E402


def _build(args) -> int:
    from . import models
    from .build import build
    t = time.perf_counter()
    if args.out:
        m = models.get(args.model) if args.model else (models.of_workbook_name(args.out)
                                                       or models.get(models.DEFAULT))
        jobs = [(m, args.out)]
    else:
        chosen = [models.get(args.model)] if args.model else models.all_models()
        jobs = [(m, out) for m in chosen for out in (
            [m.default_workbook, m.default_workbook.with_suffix(".xlsm")]
            if m.macro_twin else [m.default_workbook])]
        if args.data and len(chosen) > 1:
            print("error: --data is one model's data; name the model with --model "
                  f"({', '.join(REGISTRY)})", file=sys.stderr)
            return 2
    for m, out in jobs:
        path = build(args.data or None, out, m.key)
        print(f"built {path}")
    print(f"in {time.perf_counter() - t:.2f} s")
    return 0


def _refresh(args) -> int:
    from .refresh import RefreshRefused, refresh
    try:
        rep = refresh(args.workbook, args.data or None, take_data=args.take_data, force=args.force,
                      keep_backups=args.keep_backups)
    except RefreshRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        for f in exc.findings:
            print(f"  {f}", file=sys.stderr)
        return 1
    print("\n".join(rep.lines()))
    return 0


def _audit_report(args, results, unauditable=None) -> bool:
    """The audit's report on stdout in ``--format``, and the Markdown table appended to
    ``--summary FILE``; False (message printed) when that file cannot be written."""
    from .audit import report
    from .summary import markdown
    if args.format == "markdown":
        print(markdown(results, unauditable), end="")
    else:
        print(report(results, args.json or args.format == "json"))
    if args.summary:
        try:
            with open(args.summary, "a", encoding="utf-8") as fh:    # a CI summary file is appended to
                fh.write(markdown(results, unauditable))
        except OSError as exc:
            print(f"error: cannot write the summary {args.summary}: {exc.strerror or exc}", file=sys.stderr)
            return False
    return True


def _audit(args) -> int:
    from .audit import audit_files, junit, report
    from .rules import exit_code
    books = args.workbooks or sorted(p for p in DEFAULT_WORKBOOK.parent.glob("*.xls[xm]")
                                     if not p.name.startswith(("~$", ".~lock")))
    from .progress import Progress
    with Progress(len(books), "auditing") as step:
        results = audit_files(books, warm=args.warm, progress=step)
    code = exit_code(results)
    if args.junit:          # first: written whatever happens to the terminal output
        try:
            from .writer import atomic_path
            with atomic_path(args.junit) as tmp:
                tmp.write_bytes(junit(results))
        except OSError as exc:
            print(f"error: cannot write the JUnit report {args.junit} ({exc.strerror or exc})",
                  file=sys.stderr)
            code = 2
    try:
        for fs in results.values():
            for f in fs:
                if f.severity == "fatal":
                    print(f"error: {f.message}", file=sys.stderr)
        if not _audit_report(args, results):
            code = 2
        sys.stdout.flush()
    except BrokenPipeError:     # the reader went away (| head): no traceback, same exit code
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return code


def _diff(args) -> int:
    from .diff import diff, report
    from .libreoffice import EngineUnavailable, LibreOffice
    from .core.package import UnreadableFile
    try:
        if args.no_values:
            changes = diff(args.old, args.new)
        else:
            with LibreOffice() as lo:
                changes = diff(args.old, args.new, lo)
    except UnreadableFile as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except EngineUnavailable as exc:
        print(f"error: {exc} (or pass --no-values)", file=sys.stderr)
        return 2
    print(report(changes, args.json))
    return 1 if changes else 0


def _textconv(args) -> int:
    from .textconv import main as textconv
    return textconv(args.workbook)


def prog_name() -> str:
    """'isg-model' when run as the installed command, else 'python3 -m model'."""
    name = Path(sys.argv[0] if sys.argv else "").name
    return "isg-model" if name.startswith("isg-model") else "python3 -m model"


def examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {ln}" for ln in lines)


def _started() -> None:
    """From here on Ctrl-C is a KeyboardInterrupt, which each command handles (a refresh
    writes its file in one final move)."""
    if signal.getsignal(signal.SIGINT) is _starting_up:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    top = prog_name()
    if argv[:1] == ["bench"]:
        from .bench import run
        _started()
        return run(argv[1:], prog=f"{top} bench")
    raw = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(prog=top, description=__doc__, formatter_class=raw, epilog=examples(
        f"{top} build && {top} audit",
        f"{top} audit --help"))
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the workbooks from their data files", formatter_class=raw,
                       epilog=examples(f"{top} build --model ai_server_peers",
                                       f"{top} build --data my_figures.csv --out /tmp/mine.xlsx"))
    b.add_argument("--model", choices=tuple(REGISTRY), default=None,
                   help="which model (default: every model; with --out, the one whose workbook "
                        "has that name, else lenovo_isg)")
    b.add_argument("--data", type=Path, action="append", default=None,
                   help="tidy figures CSV; repeat for a model with several (default: the model's "
                        "own files in data/)")
    b.add_argument("--out", type=Path, default=None,
                   help="workbook to write, .xlsx or .xlsm (default: each model's workbook in "
                        f"{DEFAULT_WORKBOOK.parent}/, and the Lenovo one's .xlsm twin)")
    b.set_defaults(run=_build)
    r = sub.add_parser("refresh", help="bring in new figures, keeping every edit people made",
                       formatter_class=raw, epilog=examples(
                           f"{top} refresh",
                           f"{top} refresh workbooks/lenovo_isg.xlsm --data new_figures.csv --take-data"))
    r.add_argument("workbook", type=Path, nargs="?", default=DEFAULT_WORKBOOK,
                   help="workbook to refresh (default: %(default)s)")
    r.add_argument("--data", type=Path, action="append", default=None,
                   help="tidy figures CSV; repeat for a model with several (default: the files "
                        "of the workbook's model in data/)")
    r.add_argument("--take-data", action="store_true",
                   help="where your value and the data file's differ, take the data file's")
    r.add_argument("--force", action="store_true",
                   help="rebuild even over edits outside the input cells (a backup is kept)")
    r.add_argument("--keep-backups", type=int, default=5, help="previous versions kept in .backup/")
    r.set_defaults(run=_refresh)
    a = sub.add_parser("audit", help="check edited workbooks: structure, errors, and every formula "
                                     "recomputed independently", formatter_class=raw, epilog=examples(
                           f"{top} audit workbooks/lenovo_isg.xlsx",
                           f'{top} audit --junit audit.xml --summary "$GITHUB_STEP_SUMMARY"'))
    a.add_argument("workbooks", type=Path, nargs="*", help="default: every workbook in workbooks/")
    a.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help="report on stdout as text (default), JSON or a Markdown table")
    a.add_argument("--json", action="store_true", help="findings as JSON (same as --format json)")
    a.add_argument("--junit", type=Path, metavar="FILE", help="also write the findings as JUnit XML")
    a.add_argument("--summary", type=Path, metavar="FILE",
                   help="also append a short Markdown findings table to FILE (a CI job summary)")
    a.add_argument("--warm", action="store_true",
                   help="use (or start) your kept-alive LibreOffice, which stops after 10 minutes "
                        "unused; stop it now with: python -m model.libreoffice stop")
    a.set_defaults(run=_audit)
    d = sub.add_parser("diff", help="cell-level differences between two versions of a workbook",
                       formatter_class=raw, epilog=examples(
                           "git show HEAD~1:workbooks/lenovo_isg.xlsx > /tmp/before.xlsx",
                           f"{top} diff /tmp/before.xlsx workbooks/lenovo_isg.xlsx"))
    d.add_argument("old", type=Path)
    d.add_argument("new", type=Path)
    d.add_argument("--json", action="store_true", help="changes as JSON")
    d.add_argument("--no-values", action="store_true",
                   help="skip recalculating both versions in LibreOffice (values moved)")
    d.set_defaults(run=_diff)
    t = sub.add_parser("textconv", help="a workbook as stable text, one line a cell (for git diff)",
                       formatter_class=raw, description=(
                           "Print the sheets, defined names and every cell's formula or value, one line "
                           "each,\nthe same whichever program saved the file. git uses it through "
                           ".gitattributes\n(*.xlsx diff=workbook) once a clone is configured:"),
                       epilog=examples(
                           f"{top} textconv workbooks/lenovo_isg.xlsx | less",
                           f'git config diff.workbook.textconv "{top} textconv"   # then: git diff, '
                           "git log -p"))
    t.add_argument("workbook", type=Path)
    t.set_defaults(run=_textconv)
    sub.add_parser("bench", help="time build, refresh and audit against LibreOffice and the formulas "
                                 f"engine ({top} bench --help)")
    args = p.parse_args(argv)
    try:
        _started()
        return args.run(args)
    except KeyboardInterrupt:
        # a refresh writes its file in one final move: interrupted, the workbook is the old
        # one or the new one, whole
        print(f"\ninterrupted: {args.command} stopped; no file was left half-written",
              file=sys.stderr)
        return 130
    except BrokenPipeError:      # `... | head`: the reader left; say nothing more
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except ModelError as exc:    # every refusal: its message, no traceback
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_code

if __name__ == "__main__":
    sys.exit(main())
