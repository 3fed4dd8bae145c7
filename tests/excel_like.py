"""Saving an edit with openpyxl as Excel would save it."""
import shutil
import tempfile
from pathlib import Path


def chart_sizes_kept(src, dst):
    """Excel keeps a chart sheet's size when it saves; openpyxl anchors it at zero, which the
    audit reports (model.charts.zero_size). So that the edit is the only change, as in Excel,
    the chart sheets of ``dst`` get back the size they had in ``src``."""
    from model.patch import Patch, ZipPackage, _repair_chart_sizes
    pkg = ZipPackage(Path(dst))
    _repair_chart_sizes(pkg, ZipPackage(Path(src)), Patch())
    Path(dst).write_bytes(pkg.to_bytes())
    return dst


def save_like_excel(wb, src, dst=None):
    """``wb`` (loaded from ``src``) saved to ``dst`` (default: over ``src``), chart sizes kept."""
    dst = Path(dst or src)
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before.xlsx"
        shutil.copy(src, before)
        wb.save(dst)
        return chart_sizes_kept(before, dst)
