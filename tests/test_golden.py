"""Golden files: a fresh build equals the committed workbooks byte for byte.

When it does not, the message lists the parts that differ (as XlsxWriter's own tests
compare files part by part) and, in text, the cells, names and sheets that differ
(model.textconv), so a reviewer sees what changed. A reviewed change is blessed with the
one command that writes the committed workbooks:

    python3 -m model build        # rebuilds workbooks/ (then commit them)
"""
from __future__ import annotations

import difflib
import io
import zipfile
from pathlib import Path

import pytest

from model import models
from model.build import build

ROOT = Path(__file__).resolve().parent.parent
BLESS = "python3 -m model build"


def _golden():
    for m in models.all_models():
        yield m.key, m.workbook
        if m.macro_twin:
            yield m.key, str(Path(m.workbook).with_suffix(".xlsm"))


def part_differences(want: bytes, got: bytes) -> list[str]:
    """Parts added, removed or changed between two packages, and how (size, first byte that
    differs)."""
    za, zb = zipfile.ZipFile(io.BytesIO(want)), zipfile.ZipFile(io.BytesIO(got))
    a, b = set(za.namelist()), set(zb.namelist())
    out = [f"part only in the golden file: {n}" for n in sorted(a - b)]
    out += [f"part only in the fresh build: {n}" for n in sorted(b - a)]
    for n in sorted(a & b):
        x, y = za.read(n), zb.read(n)
        if x != y:
            at = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
            out.append(f"part differs: {n} ({len(x)} -> {len(y)} bytes; first difference at byte "
                       f"{at}: {x[max(0, at - 30):at + 50]!r} -> {y[max(0, at - 30):at + 50]!r})")
    if not out and za.namelist() != zb.namelist():
        out.append(f"the parts are in another order: {za.namelist()} -> {zb.namelist()}")
    return out


def cell_differences(want: Path, got: Path, limit: int = 60) -> list[str]:
    """The text form (sheets, names, every cell's formula or value) of both, as a diff."""
    from model.textconv import lines
    diff = list(difflib.unified_diff(lines(want), lines(got), "golden", "fresh build", n=0, lineterm=""))
    return diff[:limit] + ([f"... {len(diff) - limit} more lines"] if len(diff) > limit else [])


@pytest.mark.parametrize("key,name", list(_golden()), ids=[n for _, n in _golden()])
def test_a_fresh_build_equals_the_committed_workbook(tmp_path, monkeypatch, key, name):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    golden = ROOT / "workbooks" / name
    fresh = build(None, tmp_path / name, key)
    want, got = golden.read_bytes(), fresh.read_bytes()
    if want == got:
        return
    report = [f"{name}: a fresh build differs from the committed workbook; if the change is "
              f"reviewed and intended, bless it with `{BLESS}` and commit workbooks/"]
    report += part_differences(want, got) or ["(the same parts and bytes, another zip layout)"]
    report += cell_differences(golden, fresh)
    pytest.fail("\n".join(report), pytrace=False)


def test_the_comparison_names_a_changed_part_and_cell(tmp_path):
    """The report is not blind: a workbook with one cell changed is reported by its part and
    by its cell."""
    import openpyxl
    golden = ROOT / "workbooks" / "ai_server_peers.xlsx"
    changed = tmp_path / "changed.xlsx"
    wb = openpyxl.load_workbook(golden)
    wb["Inputs"]["F7"] = 123456.0
    wb.save(changed)
    parts = part_differences(golden.read_bytes(), changed.read_bytes())
    assert any("xl/worksheets/" in p for p in parts)
    cells = cell_differences(golden, changed)
    assert any(line.startswith("+Inputs!F7 123456") for line in cells), cells
