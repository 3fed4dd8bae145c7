"""Look at a workbook file before anything parses it: is it safe and readable?

An .xlsx/.xlsm is a zip of XML parts. Before openpyxl or LibreOffice opens a
file that people (or anyone) committed, this module refuses, with a message
that says why and without executing or inflating anything:

    not a zip, a truncated zip       -> the central directory is missing
    an old .xls / an encrypted file  -> an OLE2 container (olefile names which)
    a zip bomb                       -> declared sizes above MAX_PART / MAX_TOTAL
                                        or compression above MAX_RATIO
    XML entity expansion, external   -> every XML part's prolog parsed with
    entities (billion laughs, XXE)      defusedxml, DTDs forbidden

Only the zip directory and each part's first bytes (up to the root element)
are read, so time and memory are bounded whatever the file claims.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError

MAX_FILE = 200 * 2**20          # bytes on disk
MAX_PART = 400 * 2**20          # one part, inflated
MAX_TOTAL = 1024 * 2**20        # all parts, inflated
MAX_RATIO = 250                 # inflated / compressed, for parts over 1 MB
MAX_PARTS = 5000
PROLOG_LIMIT = 64 * 1024        # bytes read before the root element must have started
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(ModelError, ValueError):
    """The file is not a workbook this tool will open; the message says why."""


@dataclass(frozen=True)
class Package:
    """What the package says about itself."""
    application: str          # docProps/app.xml <Application>, '' if absent
    full_calc_on_load: bool   # the saving program asked readers to recalculate on open

    @property
    def cached_values_trusted(self) -> bool:
        """Cached values are what people saw when the program that saved the file
        computed them (Excel, LibreOffice) and did not ask for recalculation on load."""
        return bool(self.application) and not self.full_calc_on_load


def _ole_kind(data: bytes) -> str:
    import olefile
    try:
        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(s) for s in ole.listdir()}
    except OSError:
        return "a damaged OLE2 compound file"
    if {"EncryptionInfo", "EncryptedPackage"} <= streams:
        return ("a password-protected (encrypted) workbook; remove the password in Excel "
                "(File > Info > Protect Workbook) and commit it again")
    if streams & {"Workbook", "Book"}:
        return "an old Excel 97-2003 .xls workbook; save it as .xlsx in Excel"
    return "an OLE2 compound file, not an Office Open XML workbook"


class _RootStarted(Exception):
    pass


class _StopAtRoot:
    def start(self, tag, attrib):
        raise _RootStarted

    def end(self, tag):
        pass

    def data(self, text):
        pass

    def close(self):
        pass


def _check_prolog(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Parse a part's prolog with defusedxml (no DTD, no entities) up to its root element."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser
    name = info.filename
    with z.open(info) as f:
        head = f.read(PROLOG_LIMIT)
    if name.endswith(".vml"):        # legacy VML is often not well-formed XML: look for a DTD only
        if re.search(rb"<!(DOCTYPE|ENTITY)", head, re.I):
            raise UnreadableFile(f"the part {name} declares a DTD or entities")
        return
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    try:
        parser.feed(head)
    except _RootStarted:
        return
    except DefusedXmlException as exc:
        raise UnreadableFile(f"the part {name} declares a DTD or entities ({type(exc).__name__}); "
                             "such XML can expand without bound and is refused") from exc
    except ParseError as exc:
        raise UnreadableFile(f"the part {name} is not well-formed XML ({exc})") from exc
    if len(head) == PROLOG_LIMIT:
        raise UnreadableFile(f"the part {name} has no root element in its first {PROLOG_LIMIT} bytes")


def _text(z: zipfile.ZipFile, name: str, pattern: bytes, limit: int = 4 * 2**20) -> str:
    """The first group of ``pattern`` in the part's first ``limit`` bytes."""
    try:
        with z.open(name) as f:
            m = re.search(pattern, f.read(limit))
    except KeyError:
        return ""
    return m.group(1).decode("utf-8", "replace") if m else ""


def check(path: str | Path) -> Package:
    """Refuse (UnreadableFile, its message starting with the path) anything unsafe or
    unreadable; describe the rest. A command reads the file once instead
    (model.core.workbook.Workbook.read), which checks the bytes it read with check_bytes."""
    path = Path(path)
    return check_bytes(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, from one open; a file above MAX_FILE is refused before it is read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise UnreadableFile(f"{path}: it is {size / 2**20:.0f} MB, above the "
                                 f"{MAX_FILE // 2**20} MB limit")
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot open it ({exc.strerror or exc})") from exc


def check_bytes(data: bytes, path) -> Package:
    """``check`` of a file's bytes as read (``path``: what to call it in messages)."""
    try:
        return _check(data)
    except UnreadableFile as exc:
        raise UnreadableFile(f"{path}: {exc}") from exc


def _check(data: bytes) -> Package:
    import io
    size, magic = len(data), data[:8]
    if magic == OLE_MAGIC:
        raise UnreadableFile(_ole_kind(data))
    if size > MAX_FILE:
        raise UnreadableFile(f"it is {size / 2**20:.0f} MB, above the {MAX_FILE // 2**20} MB limit")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        what = "truncated or damaged" if magic.startswith(b"PK") else "not a zip archive"
        raise UnreadableFile(f"{what}, so not an .xlsx/.xlsm workbook ({exc})") from exc
    with z:
        infos = z.infolist()
        if len(infos) > MAX_PARTS:
            raise UnreadableFile(f"it has {len(infos)} parts, above the limit of {MAX_PARTS}")
        total = sum(i.file_size for i in infos)
        for i in infos:
            big = i.file_size > 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1)
            if i.file_size > MAX_PART or big:
                raise UnreadableFile(
                    f"the part {i.filename} inflates from {i.compress_size:,} to {i.file_size:,} "
                    "bytes: a zip bomb, refused")
        if total > MAX_TOTAL:
            raise UnreadableFile(f"its parts inflate to {total:,} bytes, above the "
                                 f"{MAX_TOTAL // 2**20} MB limit: refused")
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise UnreadableFile("a zip without xl/workbook.xml, so not an Excel workbook")
        for i in infos:
            if i.filename.endswith((".xml", ".rels", ".vml")):
                try:
                    _check_prolog(z, i)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                    raise UnreadableFile(f"the part {i.filename} is damaged ({exc})") from exc
        app = _text(z, "docProps/app.xml", rb"<(?:\w+:)?Application>([^<]*)<")
        calc = _text(z, "xl/workbook.xml", rb"(<(?:\w+:)?calcPr\b[^>]*>)")
    full = bool(re.search(r'fullCalcOnLoad="(1|true)"', calc))
    return Package(app.strip(), full)
