"""A workbook file, read once: the one value every command works from.

``Workbook.read(path)`` opens the file once and keeps its bytes; the package check
(model.core.package) runs on those bytes before anything is inflated; then each part is
inflated at most once, on first use, and the package is walked by one set of functions
here (relationships, the sheet list, defined names, custom properties), parsed with
defusedxml (no DTDs, no entities). What audit, refresh, diff and textconv need of a file
(its parsed sheets as model.core.reader.Book, its sheet list, its stamp) comes from this
value, so none of them opens the file a second time.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .package import Package, check_bytes, read_bytes
from .reader import parse_book

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


@dataclass(frozen=True)
class Rel:
    """One relationship of a part: its type's last word ('worksheet', 'chartsheet',
    'drawing', 'chart' ...), the full type, the target (a part name, or as written when
    external) and its id."""
    kind: str
    type: str
    target: str
    id: str
    external: bool = False


@dataclass(frozen=True)
class SheetEntry:
    """A sheet as xl/workbook.xml lists it, in tab order."""
    name: str
    state: str          # visible | hidden | veryHidden
    kind: str           # worksheet | chartsheet | ...
    part: str           # its part ('' when the relationship is missing)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _Parts:
    """The parts as a read-only zip-like view over the inflated bytes (open, read,
    getinfo, namelist), for readers written against zipfile."""

    def __init__(self, wb: "Workbook"):
        self._wb = wb

    def getinfo(self, name: str) -> zipfile.ZipInfo:
        return self._wb.info(name)

    def open(self, name, mode: str = "r"):
        name = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return io.BytesIO(self._wb.part(name))

    def read(self, name) -> bytes:
        name = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return self._wb.part(name)

    def namelist(self) -> list[str]:
        return list(self._wb.infos)

    def infolist(self) -> list[zipfile.ZipInfo]:
        return list(self._wb.infos.values())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@dataclass
class Workbook:
    """A workbook file as read once (see the module docstring)."""
    path: Path
    data: bytes
    package: Package
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    _inflated: dict[str, bytes] = field(default_factory=dict, repr=False)
    _xml: dict[str, object] = field(default_factory=dict, repr=False)
    _rels: dict[str, list[Rel]] = field(default_factory=dict, repr=False)
    _books: dict[tuple, object] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, path) -> "Workbook":
        """Open ``path`` once (a path, or a binary file object), check its package
        (UnreadableFile, naming the path, for anything unsafe or unreadable), and keep it."""
        if hasattr(path, "read"):
            data, where = path.read(), Path(getattr(path, "name", "workbook"))
        else:
            where = Path(path)
            data = read_bytes(where)
        package = check_bytes(data, where)
        z = zipfile.ZipFile(io.BytesIO(data))
        return cls(where, data, package, {i.filename: i for i in z.infolist()})

    @classmethod
    def of(cls, source) -> "Workbook":
        """``source`` itself when it is a Workbook, else read it."""
        return source if isinstance(source, Workbook) else cls.read(source)

    # --- parts ----------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        return name in self.infos

    def info(self, name: str) -> zipfile.ZipInfo:
        return self.infos[name]            # KeyError, as zipfile's getinfo

    def part(self, name: str) -> bytes:
        """A part's bytes, inflated once (KeyError when absent)."""
        if name not in self._inflated:
            info = self.infos[name]
            with zipfile.ZipFile(io.BytesIO(self.data)) as z:
                self._inflated[name] = z.read(info)
        return self._inflated[name]

    def parts(self) -> dict[str, bytes]:
        """Every part, in the package's order (each inflated once)."""
        return {name: self.part(name) for name in self.infos}

    def zip(self) -> _Parts:
        """The parts as a zip-like view (open, read, getinfo) over the inflated bytes."""
        return _Parts(self)

    def xml(self, name: str):
        """A part parsed with defusedxml (no DTDs, entities or external references), or
        None when the package has no such part."""
        if name not in self._xml:
            from defusedxml.ElementTree import fromstring
            self._xml[name] = (fromstring(self.part(name), forbid_dtd=True, forbid_entities=True,
                                          forbid_external=True) if self.has(name) else None)
        return self._xml[name]

    # --- the package walker -------------------------------------------------------------

    def rels(self, part: str) -> list[Rel]:
        """The relationships of ``part`` ('' for the package's own), targets resolved to
        part names (external ones as written)."""
        if part not in self._rels:
            folder, name = posixpath.split(part)
            root = self.xml(posixpath.join(folder, "_rels", name + ".rels"))
            out = []
            for rel in (root if root is not None else []):
                target, mode = rel.get("Target", ""), rel.get("TargetMode", "")
                external = mode == "External"
                if not external:
                    target = target[1:] if target.startswith("/") else \
                        posixpath.normpath(posixpath.join(folder, target))
                typ = rel.get("Type", "")
                out.append(Rel(typ.rsplit("/", 1)[-1], typ, target, rel.get("Id", ""), external))
            self._rels[part] = out
        return self._rels[part]

    def related(self, part: str, kind: str) -> list[str]:
        """The target parts of ``part``'s relationships of ``kind`` ('drawing', 'chart' ...)."""
        return [r.target for r in self.rels(part) if r.kind == kind and not r.external]

    @property
    def sheets(self) -> list[SheetEntry]:
        """Every sheet (worksheets and chart sheets) in tab order."""
        if "_sheets" not in self._books:
            root = self.xml("xl/workbook.xml")
            by_id = {r.id: r for r in self.rels("xl/workbook.xml")}
            out = []
            for el in ([] if root is None else root.iter()):
                if _local(el.tag) != "sheet":
                    continue
                rid = el.get(f"{{{R_NS}}}id") or next(
                    (v for k, v in el.attrib.items() if k.endswith("}id")), "")
                rel = by_id.get(rid)
                out.append(SheetEntry(el.get("name", ""), el.get("state") or "visible",
                                      rel.kind if rel else "", rel.target if rel else ""))
            self._books["_sheets"] = out
        return self._books["_sheets"]

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    @property
    def custom_properties(self) -> dict[str, str]:
        """docProps/custom.xml: name -> text (the model's stamp lives here)."""
        root = self.xml("docProps/custom.xml")
        if root is None:
            return {}
        return {p.get("name"): "".join(p.itertext()) for p in root
                if _local(p.tag) == "property"}

    # --- parsed sheets ---------------------------------------------------------------------

    def book(self, data_only: bool = False, styles: bool = True):
        """The parsed sheets and the facts the lints need (model.core.reader.Book), read
        once per kind (formulas or cached values; with or without styles)."""
        key = (data_only, styles)
        if key not in self._books:
            have = self._books.get((data_only, True)) if not styles else None
            self._books[key] = have or parse_book(self, data_only=data_only, styles=styles)
        return self._books[key]

    @property
    def cells(self):
        return self.book(styles=False).cells


def read_book(source, data_only: bool = False, styles: bool = True):
    """The parsed sheets of ``source`` (a path, a binary file, or a Workbook already read):
    model.core.reader.Book. A command that needs more of the file reads it once with
    Workbook.read and asks that value instead."""
    return Workbook.of(source).book(data_only, styles)


def read_cells(source, data_only: bool = False):
    """Every worksheet's non-empty cells as saved in the file (see read_book)."""
    return read_book(source, data_only, styles=False).cells
