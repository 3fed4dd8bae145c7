"""Render a workbook as a person would see it: LibreOffice to PDF, pdftoppm to pixels."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import IN_CI


def _tool(name):
    exe = shutil.which(name)
    if not exe:
        if IN_CI:
            pytest.fail(f"{name} is required in CI (apt-get install poppler-utils)")
        pytest.skip(f"{name} not installed")
    return exe


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")


def coloured_pixels(pdf: Path, page: int, dpi: int = 40) -> int:
    """Pixels on a page that are clearly coloured (not white, grey or black): bars and lines."""
    raw = subprocess.run([_tool("pdftoppm"), "-f", str(page), "-l", str(page), "-r", str(dpi), str(pdf)],
                         check=True, capture_output=True).stdout
    # binary PPM: 'P6\n<w> <h>\n255\n' then RGB bytes
    parts = raw.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    data = parts[3]
    n = 0
    for i in range(0, w * h * 3, 3):
        r, g, b = data[i], data[i + 1], data[i + 2]
        if max(r, g, b) - min(r, g, b) > 60:
            n += 1
    return n


# Coloured pixels at 40 dpi above which a chart page is drawn: a chart sheet shrunk to nothing
# draws 0, a legend alone about 30; the sparsest model chart (the Lenovo AI chart, whose few
# figures leave gaps rather than zeros) about 160.
DRAWN = 100


def chart_pages(lo, book: Path, titles, tmp: Path) -> dict[str, int]:
    """Each chart title -> coloured pixels on the PDF page that carries it."""
    pdf = lo.to_pdf(book, tmp / (book.stem + ".pdf"))
    texts = page_texts(pdf)
    out = {}
    for t in titles:
        pages = [i + 1 for i, txt in enumerate(texts) if t in " ".join(txt.split())]
        assert pages, f"no PDF page shows the chart titled {t!r}"
        # a worksheet page may quote the title (the cell a chart title refers to): the chart's
        # page is the one that draws the most
        out[t] = max(coloured_pixels(pdf, p) for p in pages)
    return out
