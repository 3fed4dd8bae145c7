"""python -m model.peers [OUT.xlsx]: build the peers workbook (until the CLI dispatches on models)."""
import sys

from ..data import DataError
from . import build

if __name__ == "__main__":
    try:
        print(build(out=sys.argv[1] if len(sys.argv) > 1 else None))
    except DataError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        sys.exit(1)
