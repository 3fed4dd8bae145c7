"""Hostile and broken files: the audit (and refresh) refuse them with exit 2 and a clear
message, in seconds and bounded memory, before any parser inflates or any engine runs."""

import io
import shutil
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest

from model.build import build
from model.core.package import MAX_RATIO

from .conftest import DATA, ROOT

SECONDS = 5             # Python start-up and imports included
PEAK_MB = 200           # the whole audit process (about 80 MB measured)

RUN = """
import re, sys
from model.__main__ import main
rc = main(["audit", sys.argv[1]])
# VmHWM: this process's peak resident memory (ru_maxrss would carry the forking parent's over exec)
peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print("PEAK_KB", peak, file=sys.stderr)
sys.exit(rc)
"""


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return build(DATA, tmp_path_factory.mktemp("good") / "model.xlsx")


def _rewrite(src, dst, replace: dict[str, bytes], add: dict[str, bytes] | None = None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            b'uniqueCount="1"><si><t>&lol9;</t></si></sst>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>')


def make_not_a_zip(good, tmp):
    p = tmp / "notes.xlsx"
    p.write_bytes(b"Quarterly notes, not a workbook\n" * 100)
    return p


def make_empty(good, tmp):
    p = tmp / "empty.xlsx"
    p.write_bytes(b"")
    return p


def make_truncated(good, tmp):
    p = tmp / "truncated.xlsx"
    data = good.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p


def make_zip_bomb(good, tmp):
    """A sheet part that inflates 1000 to 1: 200 MB of XML from a few hundred kB."""
    p = tmp / "bomb.xlsx"
    filler = b"<row/>" * (200 * 2**20 // 6)
    return _rewrite(good, p, {"xl/worksheets/sheet4.xml": filler})


def make_billion_laughs(good, tmp):
    return _rewrite(good, tmp / "laughs.xlsx", {"xl/sharedStrings.xml": LAUGHS})


def make_external_entity(good, tmp):
    return _rewrite(good, tmp / "xxe.xlsx", {"xl/sharedStrings.xml": XXE})


def make_other_zip(good, tmp):
    p = tmp / "archive.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("report.txt", "hello")
    return p


def make_password_protected(good, tmp):
    from msoffcrypto.format.ooxml import OOXMLFile
    p = tmp / "locked.xlsx"
    with open(good, "rb") as src, open(p, "wb") as out:
        OOXMLFile(src).encrypt("secret", out)
    return p


def make_old_xls(good, tmp, lo):
    return lo.save_as(good, tmp / "old.xls", filter_name="MS Excel 97")


def make_sheet_missing(good, tmp):
    p = shutil.copy(good, tmp / "missing.xlsx")
    wb = openpyxl.load_workbook(p)
    del wb["Calculations"]
    wb.save(p)
    return p


HOSTILE = {   # how it is made, and what the message must say
    "not a zip": (make_not_a_zip, "not a zip archive"),
    "empty file": (make_empty, "not a zip archive"),
    "truncated": (make_truncated, "truncated or damaged"),
    "zip bomb": (make_zip_bomb, "zip bomb"),
    "billion laughs": (make_billion_laughs, "declares a DTD or entities"),
    "external entity": (make_external_entity, "declares a DTD or entities"),
    "a zip but no workbook": (make_other_zip, "not an Excel workbook"),
    "password-protected": (make_password_protected, "password-protected"),
    "old .xls": (make_old_xls, "Excel 97-2003 .xls"),
    "sheet missing": (make_sheet_missing, "'Calculations' are missing"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_exits_2_quickly_in_bounded_memory(lo, good, tmp_path, name):
    make, says = HOSTILE[name]
    path = make(good, tmp_path, lo) if make is make_old_xls else make(good, tmp_path)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    seconds = time.perf_counter() - t
    peak_mb = int(done.stderr.rsplit("PEAK_KB", 1)[1]) / 1024
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and path.name in done.stderr, done.stderr
    assert seconds < SECONDS, f"{name}: {seconds:.1f} s"
    assert peak_mb < PEAK_MB, f"{name}: {peak_mb:.0f} MB"
    print(f"{name}: exit 2 in {seconds:.2f} s, peak {peak_mb:.0f} MB")


def test_the_bomb_is_refused_by_its_ratio_not_by_inflating_it(good, tmp_path):
    from model.core.package import UnreadableFile, check
    bomb = make_zip_bomb(good, tmp_path)
    info = zipfile.ZipFile(bomb).getinfo("xl/worksheets/sheet4.xml")
    assert info.file_size > MAX_RATIO * info.compress_size
    with pytest.raises(UnreadableFile, match="inflates from"):
        check(bomb)


def test_refresh_refuses_a_hostile_file_and_leaves_it_untouched(good, tmp_path, capsys):
    from model.__main__ import main
    bad = make_billion_laughs(good, tmp_path)
    before = bad.read_bytes()
    assert main(["refresh", str(bad), "--data", str(DATA)]) == 1
    assert "declares a DTD or entities" in capsys.readouterr().err
    assert bad.read_bytes() == before


def test_a_zip_with_a_bad_part_is_not_half_read(good, tmp_path):
    """A part whose bytes were corrupted inside a valid zip directory: refused by CRC."""
    from model.core.package import UnreadableFile, check
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 10: start + 20] = b"\x00" * 10
    bad = tmp_path / "corrupt.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile):
        check(bad)
