"""Command line: python -m model {build,refresh,audit,diff,bench}."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .data import DataError
from .writer import WriteError


def _build(args) -> int:
    from .build import build
    t = time.perf_counter()
    path = build(args.data, args.out)
    print(f"built {path} in {time.perf_counter() - t:.2f} s")
    return 0


def main(argv=None) -> int:
    from .build import DEFAULT_DATA, DEFAULT_WORKBOOK
    p = argparse.ArgumentParser(prog="python -m model", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build a workbook from a data file")
    b.add_argument("--data", type=Path, default=DEFAULT_DATA, help="tidy figures CSV (default: %(default)s)")
    b.add_argument("--out", type=Path, default=DEFAULT_WORKBOOK, help="workbook to write (default: %(default)s)")
    b.set_defaults(run=_build)
    args = p.parse_args(argv)
    try:
        return args.run(args)
    except DataError as exc:
        print("error: the data file has problems; no workbook was written", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 2
    except WriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
