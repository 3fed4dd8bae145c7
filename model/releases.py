"""What earlier releases wrote into model cells, so a refresh can upgrade their workbooks.

A workbook built by an older release holds that release's formulas and labels.
Compared with this release's layout they differ, yet nobody edited them: they
are the old model's, and a refresh replaces them silently. A cell whose content
matches neither this release nor the recorded release is a person's edit.

Formulas are recorded position-free (R1C1: relative references as offsets, a
whole-sheet range as EXTENT), labels as text, per sheet, in
``model/releases/<version>.json``. Record a release before changing formulas or
labels:

    python -m model.releases tests/fixtures/lenovo_isg_v0.1.0.xlsx 0.1.0
"""
from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from pathlib import Path

from openpyxl.formula.tokenizer import Token, Tokenizer

HERE = Path(__file__).resolve().parent / "releases"
OLDEST = "0.1.0"            # workbooks without a version stamp were built by it
_REF = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def signature(formula: str, r: int, c: int) -> str:
    """``formula`` in cell (r, c), 0-based, as position-free text."""
    text = formula if formula.startswith("=") else "=" + formula
    try:
        tok = Tokenizer(text)
    except Exception:
        return text
    out = []
    for t in tok.items:
        v = t.value
        if t.type == Token.OPERAND and t.subtype == Token.RANGE:
            sheet, bang, rng = v.rpartition("!")
            if bang and re.fullmatch(r"\$A\$1:\$[A-Z]{1,3}\$\d+", rng):
                v = f"{sheet}!EXTENT"
            else:
                def one(m):
                    ca, col, ra, row = m.groups()
                    cc, rr = _col(col), int(row) - 1
                    rs = f"R{rr + 1}" if ra else f"R[{rr - r}]"
                    cs = f"C{cc + 1}" if ca else f"C[{cc - c}]"
                    return rs + cs
                v = (sheet + bang if bang else "") + _REF.sub(one, rng)
        out.append(v.upper() if t.type != Token.OPERAND or t.subtype != Token.TEXT else v)
    return "".join(out).replace(" ", "").replace("_XLFN.", "")


def release_file(version: str, model: str = "lenovo_isg") -> Path:
    """Where release ``version`` of ``model`` is recorded: the Lenovo model's releases in
    model/releases/, every other model's in model/releases/<model>/."""
    return HERE / f"{version}.json" if model == "lenovo_isg" else HERE / model / f"{version}.json"


@lru_cache(maxsize=None)
def known(version: str, model: str = "lenovo_isg") -> dict:
    """{'formulas': {sheet: signatures}, 'texts': {sheet: labels}, 'sheets': names,
    'names': defined names} of a recorded release (empty when it was not recorded)."""
    path = release_file(version, model)
    if not path.exists():
        return {"formulas": {}, "texts": {}, "rows": {}, "cells": {}, "numbers": {}, "sheets": frozenset(),
                "names": frozenset()}
    raw = json.loads(path.read_text(encoding="utf-8"))
    out = {k: {s: frozenset(v) for s, v in raw.get(k, {}).items()} for k in ("formulas", "texts", "rows")}
    # where the release wrote a cell, and the numbers it wrote (recorded from 0.3.0 on)
    out["cells"] = {s: frozenset(tuple(rc) for rc in v) for s, v in raw.get("cells", {}).items()}
    out["numbers"] = {s: {(r, c): x for r, c, x in v} for s, v in raw.get("numbers", {}).items()}
    out.update({k: frozenset(raw.get(k, ())) for k in ("sheets", "names")})
    return out


def new_since(version: str | None, sheets, names, model: str = "lenovo_isg") -> tuple[list[str], dict]:
    """The sheets (in order) and public names of this release that release ``version``
    did not have: a refresh adds them to its workbooks."""
    rel = known(version or OLDEST, model)
    if not rel["sheets"]:
        return [], {}
    return ([s for s in sheets if s not in rel["sheets"]],
            {n: r for n, r in names.items() if n not in rel["names"]})


def is_new_row(version: str | None, sheet: str, r: int, model: str = "lenovo_isg") -> bool:
    """Is row ``r`` of ``sheet`` one that release ``version`` left empty (so a blank there
    is not a person's deletion but a row this release adds)?"""
    rel = known(version or OLDEST, model)
    return bool(rel["rows"]) and sheet in rel["rows"] and r not in rel["rows"][sheet]


def is_new_cell(version: str | None, sheet: str, r: int, c: int, model: str = "lenovo_isg") -> bool:
    """Is (r, c) of ``sheet`` a cell release ``version`` never wrote (so a blank there is not a
    person's deletion but a cell this release adds to a row that had others)? Known for the
    releases whose cells were recorded (0.3.0 on)."""
    rel = known(version or OLDEST, model)
    return sheet in rel["cells"] and (r, c) not in rel["cells"][sheet]


def is_old_model(version: str | None, sheet: str, r: int, c: int, content,
                 model: str = "lenovo_isg") -> bool:
    """Is ``content`` of a model cell what release ``version`` wrote there?"""
    rel = known(version or OLDEST, model)
    from .core.reader import Formula
    if isinstance(content, Formula):
        return signature(str(content), r, c) in rel["formulas"].get(sheet, ())
    if isinstance(content, (int, float)) and not isinstance(content, bool):
        return rel["numbers"].get(sheet, {}).get((r, c)) == content
    return isinstance(content, str) and content in rel["texts"].get(sheet, ())


def record(path: str | Path) -> dict:
    """The formulas and labels of a workbook a release built, as ``known`` reads them."""
    from .models import of_book
    from .core.reader import Formula
    from .core.workbook import read_book
    SOURCES = of_book(path).sources
    formulas: dict[str, set] = {}
    texts: dict[str, set] = {}
    rows: dict[str, set] = {}
    where: dict[str, set] = {}
    numbers: dict[str, list] = {}
    book = read_book(path, styles=False)
    for sheet, cells in book.cells.items():
        if sheet == SOURCES:
            continue
        for (r, c), v in cells.items():
            rows.setdefault(sheet, set()).add(r)
            where.setdefault(sheet, set()).add((r, c))
            if isinstance(v, (int, float)) and not isinstance(v, bool) and sheet not in ("Inputs", "Assumptions"):
                numbers.setdefault(sheet, []).append([r, c, v])
            if isinstance(v, Formula):
                formulas.setdefault(sheet, set()).add(signature(str(v), r, c))
            elif isinstance(v, str):
                texts.setdefault(sheet, set()).add(v)
    return {"sheets": list(book.states),
            "names": sorted(n for n in book.names if not n.startswith("_xlnm")),
            "formulas": {s: sorted(v) for s, v in sorted(formulas.items())},
            "texts": {s: sorted(v) for s, v in sorted(texts.items())},
            "rows": {s: sorted(v) for s, v in sorted(rows.items())},
            "cells": {s: sorted(map(list, v)) for s, v in sorted(where.items())},
            "numbers": {s: sorted(v) for s, v in sorted(numbers.items())}}


if __name__ == "__main__":      # developer tool: record a release from a workbook it built
    from .models import of_book
    book, version = sys.argv[1], sys.argv[2]
    out = release_file(version, of_book(book).key)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(record(book), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"recorded {out}")
