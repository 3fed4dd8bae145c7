"""Change a saved workbook in place: only the cells the model must change.

A refresh used to rebuild the whole file, and everything a person did that the
model did not know (comments, formats, names, charts, macros, widths) was gone.
Here the workbook's own package is the starting point: every part is copied as
the person's program saved it, and only these are touched:

- cells whose model content changes (an input figure, a Sources row, a new
  quarter's column), written over the person's cell and keeping its format
  unless the model's own format for it changes (a figure's basis marker);
- references to a timeline row that grows (defined names, print areas, chart
  series, a person's own formulas) when new quarters extend it;
- column widths for new quarters (copied from the column before), the sheet's
  dimension, and ``calcPr`` so that Excel recalculates on open.

Cells are written with inline strings (no shared-string table to renumber);
styles the workbook lacks are imported from a build of the same layout. The
model content of a cell is compared by meaning (numbers at 1e-9, formulas as
normalised text) so an unchanged workbook yields no change at all.
"""
from __future__ import annotations

import io
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from posixpath import dirname, join, normpath

from lxml import etree
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from .core.grid import is_input
from .errors import ModelError
from .core.layout import Cell, Layout
from .core.reader import Formula
from .core.formula import normalise

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
CALC_CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
CUSTOM_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_blank_text=False)
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


def q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


class PatchConflict(ModelError, ValueError):
    """The model needs a cell that holds a person's own content; ``cells`` says where."""

    def __init__(self, message: str, cells: list[str]):
        self.cells = cells
        super().__init__(message)


# --- the package -------------------------------------------------------------

class ZipPackage:
    """An .xlsx/.xlsm as its parts, written back in the same order and compression;
    parts that were parsed and changed are serialised again, the rest copied as bytes."""

    def __init__(self, source):
        with zipfile.ZipFile(source) as z:
            self.infos = z.infolist()
            self.raw = {i.filename: z.read(i.filename) for i in self.infos}
        self._xml: dict[str, etree._Element] = {}
        self.dirty: set[str] = set()
        self.removed: set[str] = set()

    @classmethod
    def of(cls, wb) -> "ZipPackage":
        """The package of a workbook already read (model.core.workbook.Workbook): its parts
        as inflated there, no second read of the file."""
        import copy
        self = cls.__new__(cls)
        self.infos = [copy.copy(i) for i in wb.infos.values()]
        self.raw = dict(wb.parts())
        self._xml, self.dirty, self.removed = {}, set(), set()
        return self

    def has(self, part: str) -> bool:
        return part in self.raw and part not in self.removed

    def xml(self, part: str) -> etree._Element:
        if part not in self._xml:
            self._xml[part] = etree.fromstring(self.raw[part], _PARSER)
        return self._xml[part]

    def touch(self, part: str) -> None:
        self.dirty.add(part)

    def put(self, part: str, root: etree._Element) -> None:
        """Add a new part (or replace one) from an element tree."""
        if part not in self.raw:
            self.infos.append(zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0)))
            self.infos[-1].compress_type = zipfile.ZIP_DEFLATED
            self.raw[part] = b""
        self._xml[part] = root
        self.removed.discard(part)
        self.dirty.add(part)

    def remove(self, part: str) -> None:
        self.removed.add(part)

    def rels_of(self, part: str) -> str:
        return join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")

    def relationships(self, part: str) -> dict[str, tuple[str, str, str | None]]:
        """rId -> (type, target part or URL, TargetMode) of a part."""
        rp = self.rels_of(part)
        if not self.has(rp):
            return {}
        out = {}
        for rel in self.xml(rp):
            target, mode = rel.get("Target"), rel.get("TargetMode")
            if mode != "External":
                target = (target[1:] if target.startswith("/")
                          else normpath(join(dirname(part), target)))
            out[rel.get("Id")] = (rel.get("Type"), target, mode)
        return out

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for info in self.infos:
                name = info.filename
                if name in self.removed:
                    continue
                data = self.raw[name]
                if name in self.dirty:
                    data = etree.tostring(self._xml[name], xml_declaration=True,
                                          encoding="UTF-8", standalone=True)
                z.writestr(info, data, compress_type=info.compress_type)
        return buf.getvalue()

    def worksheet_parts(self) -> dict[str, str]:
        """Sheet name -> part of every worksheet (chart sheets excluded)."""
        wb = self.xml("xl/workbook.xml")
        rels = self.relationships("xl/workbook.xml")
        out = {}
        for sh in wb.iter(q("sheet")):
            typ, target, _ = rels.get(sh.get(q("id", R_NS)), ("", "", None))
            if typ.endswith("/worksheet"):
                out[sh.get("name")] = target
        return out


# --- cells of one worksheet ----------------------------------------------------

def _split(ref: str) -> tuple[int, int]:
    m = _CELL.match(ref)
    return int(m.group(2)) - 1, column_index_from_string(m.group(1)) - 1


def _ref(r: int, c: int) -> str:
    return f"{get_column_letter(c + 1)}{r + 1}"


class SheetXml:
    """The cells of one worksheet part, addressable by 0-based (row, column)."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.data = root.find(q("sheetData"))
        self.rows: dict[int, etree._Element] = {}
        self.cells: dict[tuple[int, int], etree._Element] = {}
        for row in self.data.findall(q("row")):
            r = int(row.get("r")) - 1
            self.rows[r] = row
            for c_el in row.findall(q("c")):
                self.cells[_split(c_el.get("r"))] = c_el

    def style(self, r: int, c: int) -> int | None:
        el = self.cells.get((r, c))
        return int(el.get("s", "0")) if el is not None else None

    def _row(self, r: int) -> etree._Element:
        row = self.rows.get(r)
        if row is None:
            row = etree.Element(q("row"), r=str(r + 1))
            later = [k for k in self.rows if k > r]
            if later:
                self.rows[min(later)].addprevious(row)
            else:
                self.data.append(row)
            self.rows[r] = row
        row.attrib.pop("spans", None)    # an optional hint that new cells would contradict
        return row

    def cell(self, r: int, c: int) -> etree._Element:
        el = self.cells.get((r, c))
        if el is None:
            row = self._row(r)
            el = etree.Element(q("c"), r=_ref(r, c))
            later = [x for x in row.findall(q("c")) if _split(x.get("r"))[1] > c]
            if later:
                later[0].addprevious(el)
            else:
                row.append(el)
            self.cells[(r, c)] = el
        return el

    def unshare(self, r: int, c: int) -> None:
        """Before a cell's formula changes: if it leads a shared formula, give every cell
        that shares it its own formula text (Excel saves filled rows as shared formulas)."""
        el = self.cells.get((r, c))
        f = el.find(q("f")) if el is not None else None
        if f is None or f.get("t") != "shared" or not f.text:
            return
        si, origin = f.get("si"), _ref(r, c)
        for (rr, cc), other in self.cells.items():
            of = other.find(q("f"))
            if (rr, cc) != (r, c) and of is not None and of.get("t") == "shared" and of.get("si") == si:
                of.text = Translator("=" + f.text, origin).translate_formula(_ref(rr, cc))[1:]
                for a in ("t", "si", "ref"):
                    of.attrib.pop(a, None)
        for a in ("t", "si", "ref"):
            f.attrib.pop(a, None)

    def set(self, r: int, c: int, cell: Cell | None, style: int | None) -> None:
        """Write the model's content (None: empty it); ``style`` None keeps the cell's own."""
        if cell is None and (r, c) not in self.cells:
            return
        self.unshare(r, c)
        el = self.cell(r, c)
        for child in list(el):
            if child.tag in (q("f"), q("v"), q("is")):
                el.remove(child)
        el.attrib.pop("t", None)
        if style is not None:
            if style:
                el.set("s", str(style))
            else:
                el.attrib.pop("s", None)
        if cell is None or cell.value is None:
            return
        v = cell.value
        if cell.formula:
            f = etree.SubElement(el, q("f"))
            if getattr(cell, "array", False):         # a one-cell array formula (spec.Check.array)
                f.set("t", "array")
                f.set("ref", _ref(r, c))
            f.text = str(v)
            _first(el, ("f",))
        elif isinstance(v, bool):
            el.set("t", "b")
            etree.SubElement(el, q("v")).text = "1" if v else "0"
        elif isinstance(v, (int, float)):
            etree.SubElement(el, q("v")).text = repr(float(v)) if isinstance(v, float) else str(v)
        elif isinstance(v, (date, datetime)):
            serial = (date(v.year, v.month, v.day) - date(1899, 12, 30)).days
            etree.SubElement(el, q("v")).text = str(serial)
        else:
            el.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(el, q("is")), q("t"))
            t.text = str(v)
            if t.text != t.text.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        _first(el, ("f", "v", "is"))

    def finish(self) -> None:
        """Refresh the sheet's dimension tag from the cells it now has."""
        dim = self.root.find(q("dimension"))
        if dim is None or not self.cells:
            return
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        dim.set("ref", f"{_ref(min(rows), min(cols))}:{_ref(max(rows), max(cols))}")


def _first(el, tags) -> None:
    """Keep <f>, <v>, <is> before any other child (extLst), as the schema orders them."""
    kids = [k for k in el if k.tag in tuple(q(t) for t in tags)]
    others = [k for k in el if k not in kids]
    for k in others:
        el.remove(k)
        el.append(k)


# --- styles ---------------------------------------------------------------------

class Styles:
    """A workbook's cellXfs, able to take in an xf from another workbook's styles."""

    def __init__(self, pkg: ZipPackage, part: str = "xl/styles.xml"):
        self.pkg, self.part = pkg, part
        self.root = pkg.xml(part)

    def _list(self, tag: str) -> etree._Element:
        el = self.root.find(q(tag))
        if el is None:
            el = etree.SubElement(self.root, q(tag), count="0")
        return el

    def _append(self, tag: str, item) -> int:
        lst = self._list(tag)
        lst.append(item)
        n = len(lst)
        lst.set("count", str(n))
        self.pkg.touch(self.part)
        return n - 1

    def _numfmt(self, src: "Styles", fid: int) -> int:
        if fid < 164:
            return fid
        code = next((f.get("formatCode") for f in src._list("numFmts") if int(f.get("numFmtId")) == fid), None)
        mine = self._list("numFmts")
        for f in mine:
            if f.get("formatCode") == code:
                return int(f.get("numFmtId"))
        new = max([163] + [int(f.get("numFmtId")) for f in mine]) + 1
        self._append("numFmts", etree.Element(q("numFmt"), numFmtId=str(new), formatCode=code or "General"))
        nf = self._list("numFmts")
        self.root.remove(nf)
        self.root.insert(0, nf)           # numFmts come first in styles.xml
        return new

    def take(self, src: "Styles", xf_id: int) -> int:
        """Copy ``src``'s cell format ``xf_id`` (with its font, fill, border and number
        format) into this workbook; returns the new xf index."""
        xf = _copy(src._list("cellXfs")[xf_id])
        for attr, tag in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            i = int(xf.get(attr, "0"))
            xf.set(attr, str(self._append(tag, _copy(src._list(tag)[i]))))
        xf.set("numFmtId", str(self._numfmt(src, int(xf.get("numFmtId", "0")))))
        xf.set("xfId", "0")
        return self._append("cellXfs", xf)


def _copy(el):
    return etree.fromstring(etree.tostring(el), _PARSER)


# --- references that grow with the timeline ------------------------------------

def _norm_range(text: str, here: str | None = None) -> tuple[str, str] | None:
    """('SHEET', 'A1:B2') of a reference, without $ and quotes; None if not a cell range."""
    sheet, _, rng = text.rpartition("!")
    sheet = sheet.strip("'").replace("''", "'") if sheet else (here or "")
    rng = rng.replace("$", "").upper()
    try:
        range_boundaries(rng)
    except (ValueError, TypeError):
        return None
    return sheet, rng


_A1_SPAN = re.compile(r"[A-Z]{1,3}\d+:[A-Z]{1,3}\d+")
_SPANS: dict[int, tuple[dict, frozenset]] = {}


def _spans_of(ranges: dict) -> frozenset:
    """The A1:B2 texts of ``ranges``' keys (cached for the dict being used)."""
    hit = _SPANS.get(id(ranges))
    if hit is None or hit[0] is not ranges:
        _SPANS.clear()
        hit = _SPANS[id(ranges)] = (ranges, frozenset(rng for _, rng in ranges))
    return hit[1]


def remap_formula(text: str, ranges: dict[tuple[str, str], str], here: str | None = None) -> str:
    """``text`` with every reference found in ``ranges`` (normalised old -> new text)
    replaced; other references and everything else kept as written."""
    if not ranges:
        return text
    spans = _spans_of(ranges)
    if not any(m.group(0) in spans for m in _A1_SPAN.finditer(text.replace("$", "").upper())):
        return text             # no reference that could grow: not worth tokenising
    lead = "" if text.startswith("=") else "="
    try:
        tok = Tokenizer(lead + text)
    except Exception:
        return text
    changed = False
    for t in tok.items:
        if t.type == Token.OPERAND and t.subtype == Token.RANGE:
            key = _norm_range(t.value, here)
            if key in ranges:
                t.value = _regrow(t.value, ranges[key])
                changed = True
    if not changed:
        return text
    out = tok.render()
    return out[len(lead):] if lead else out


def _regrow(written: str, target: str) -> str:
    """``written`` (as the person or program wrote it: sheet prefix or not, $ or not)
    with its end cell moved to ``target``'s end cell, keeping every $ as it was; so a
    relative reference stays relative, and a shared formula's cells still follow it."""
    sheet, bang, rng = written.rpartition("!")
    end_new = target.rpartition("!")[2].split(":")[-1].replace("$", "")
    m_new = _CELL.match(end_new)
    if ":" not in rng or not m_new:
        return target
    start, end = rng.split(":", 1)
    m = re.match(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$", end)
    if not m:
        return target
    end = f"{m.group(1)}{m_new.group(1)}{m.group(3)}{m_new.group(2)}"
    return f"{sheet}{bang}{start}:{end}"


# --- the patch ---------------------------------------------------------------------

def same_content(have, want: Cell | None) -> bool:
    """A saved cell value against the model's cell, as a person would compare them."""
    wv = None if want is None else want.value
    if have in (None, "") and wv in (None, ""):
        return True
    if want is not None and want.formula:
        return isinstance(have, Formula) and normalise(have) == normalise(str(wv))
    if isinstance(have, Formula):
        return False
    if isinstance(have, bool) or isinstance(wv, bool):
        return have == wv
    if isinstance(have, (int, float)) and isinstance(wv, (int, float)):
        return math.isclose(have, wv, rel_tol=1e-9, abs_tol=1e-12)
    if hasattr(have, "year") and hasattr(wv, "year"):
        return (have.year, have.month, have.day) == (wv.year, wv.month, wv.day)
    return have == wv


@dataclass
class Patch:
    """What a patch changed, for the report."""
    cells: list[str] = field(default_factory=list)      # 'Sheet!A1'
    replaced: list[str] = field(default_factory=list)   # 'Sheet!A1: old -> new' (not blank before)
    styles_imported: int = 0
    references: list[str] = field(default_factory=list)  # names / chart series / formulas extended
    formulas: set = field(default_factory=set)          # (sheet, r, c) holding the model's formula now
    overwritten: list[str] = field(default_factory=list)  # of ``replaced``: what a person should look at

    def __bool__(self) -> bool:
        return bool(self.cells or self.references)


def _shared_strings(pkg: ZipPackage) -> list[str]:
    part = "xl/sharedStrings.xml"
    if not pkg.has(part):
        return []
    return ["".join(si.itertext()) for si in pkg.xml(part).iter(q("si"))]


class _Built:
    """The same layout written by the writer, in memory: where each style key's xf is."""

    def __init__(self, data: bytes):
        self.pkg = ZipPackage(io.BytesIO(data))
        self.styles = Styles(self.pkg)
        self.sheets = {n: SheetXml(self.pkg.xml(p)) for n, p in self.pkg.worksheet_parts().items()}
        self.links: dict[str, dict[tuple[int, int], etree._Element]] = {}
        for name, part in self.pkg.worksheet_parts().items():
            rels = self.pkg.relationships(part)
            out = {}
            hl = self.sheets[name].root.find(q("hyperlinks"))
            for h in (hl if hl is not None else []):
                h = _copy(h)
                rid = h.get(q("id", R_NS))
                if rid:
                    h.attrib.pop(q("id", R_NS))
                    h.set("_url", rels[rid][1])
                out[_split(h.get("ref"))] = h
            self.links[name] = out


def apply(pkg: ZipPackage, cells: dict[str, dict], old: Layout, new: Layout, built: bytes,
          force: set[str] | None = None, new_sheets: list[str] = (),
          new_names: dict[str, str] | None = None, typed: dict[str, set[int]] | None = None,
          data_sheets: tuple[str, ...] = (), quiet_sheets: tuple[str, ...] = ()) -> Patch:
    """Change ``pkg`` (the person's workbook, whose cells as read are ``cells``) from the
    model content of ``old`` to that of ``new``. ``built`` is ``new`` written by the
    writer (for styles, hyperlinks and the sheets a new release adds: ``new_sheets``,
    with the public names ``new_names``). A model cell a person holds content in raises
    PatchConflict unless its 'Sheet!A1' is in ``force``, or unless it is an input cell in
    a column ``typed`` (sheet -> columns where a person typed a quarter, whose figures
    the refresh merged). On ``data_sheets`` (Sources) the model's cells record the data
    file and are always brought up to date; what they held is listed in ``replaced``.
    ``overwritten`` lists, of those, what a person should look at: content that was not the
    old model's (theirs, restored or forced), and data values written over model values
    other than a figure's (a period end); not a model formula or label brought up to date,
    a figure (the refresh reports those by kind), nor text on ``quiet_sheets`` (Cover,
    Quotes) or ``data_sheets`` that followed the data file."""
    force = force or set()
    patch = Patch()
    ref = _Built(built)
    styles = Styles(pkg)
    imported: dict[int, int] = {}
    conflicts: list[str] = []
    if new_sheets:
        add_sheets(pkg, built, list(new_sheets), patch, ref, styles, imported)
        patch.formulas |= {(n, *pos) for n in new_sheets if n in new.sheets
                           for pos, c in new.sheets[n].cells.items() if c.formula}
    parts = pkg.worksheet_parts()
    for name, sh in new.sheets.items():
        part = parts.get(name)
        if part is None or name in new_sheets:
            continue
        have = cells.get(name, {})
        was = old.sheets[name].cells if name in old.sheets else {}
        xml = SheetXml(pkg.xml(part))
        # the style a model style key has in this workbook: what most of its cells use now
        usual: dict[str, Counter] = {}
        for pos, c in was.items():
            s = xml.style(*pos)
            if s is not None:
                usual.setdefault(c.style, Counter())[s] += 1
        changed = False
        mine = (typed or {}).get(name, set())
        for pos in sorted(set(sh.cells) | set(was)):
            want, before, got = sh.cells.get(pos), was.get(pos), have.get(pos)
            where = f"{name}!{_ref(*pos)}"
            if (before is not None and not is_input(before.style)
                    and name not in data_sheets
                    and not same_content(got, before) and where not in force):
                continue            # a person changed a model cell (a label, a heading): theirs
            content_same = same_content(got, want)
            if (before is None and got not in (None, "") and not content_same
                    and not (is_input(want.style) and pos[1] in mine)
                    and not (name in data_sheets and _same_record(have, sh.cells, pos))
                    and where not in force):
                # content of one's own where the model now needs the cell (the figures of
                # a quarter the person typed in were merged already: those are theirs)
                conflicts.append(where)
                continue
            if want is not None and want.formula:
                patch.formulas.add((name, *pos))    # the model's formula, kept or written
            style = None
            restyle = (want is not None and before is not None and want.style != before.style
                       and xml.style(*pos) == _mode(usual.get(before.style)))
            fresh = want is not None and (before is None or pos not in xml.cells)
            if restyle or (fresh and (not content_same or xml.style(*pos) in (None, 0))):
                style = _style_for(name, pos, want, sh, xml, usual, ref, styles, imported, patch)
            if content_same and style is None:
                continue
            if content_same and pos in xml.cells:
                xml.cells[pos].set("s", str(style))
            else:
                if not content_same and got not in (None, ""):
                    patch.replaced.append(f"{where}: {_brief(got)} -> "
                                          f"{_brief(_content(want))}")
                    routine = before is not None and same_content(got, before) and (
                        before.formula or (want is not None and (want.formula or is_input(want.style)))
                        or name in quiet_sheets or name in data_sheets)
                    if not routine:
                        patch.overwritten.append(patch.replaced[-1])
                xml.set(*pos, want, style)
                if (want is not None and want.url) or (before is not None and before.url):
                    _link(pkg, part, xml, pos, ref.links.get(name, {}).get(pos))
                if not content_same:
                    patch.cells.append(where)
            changed = True
        if _extend_columns(xml, old, new, name):
            changed = True
        if changed:
            xml.finish()
            pkg.touch(part)
    if conflicts:
        raise PatchConflict(
            f"the model needs {len(conflicts)} cell(s) that hold your own content: "
            + ", ".join(conflicts[:12]) + (" ..." if len(conflicts) > 12 else "")
            + "; move that content elsewhere (or, if you inserted a row or column there, "
            "delete it) and refresh again", conflicts)
    if new_names:
        add_names(pkg, new_names, patch)
    ranges = grown_ranges(old, new)
    own = {n: {pos for pos, c in sh.cells.items()            # not a person's formula carried in
               if c.formula and not is_input(c.style) and not c.style.startswith("note")}
           for n, sh in new.sheets.items()}
    _remap_references(pkg, parts, ranges, patch, cells, own)
    _repair_chart_sizes(pkg, ref.pkg, patch)
    if patch:
        _recalculate_on_open(pkg)
    return patch


def _same_record(have: dict, want: dict, pos: tuple[int, int]) -> bool:
    """On a data sheet (Sources): is ``pos`` one of the model's columns of a row that already
    records the same figure (period, entity, metric)? Then the cell is the model's even where
    the workbook's own layout lacks the row (a figure a person cleared keeps its Sources row)."""
    from .core.grid import SOURCES_COLUMNS, SRC
    r, c = pos
    if c >= len(SOURCES_COLUMNS):
        return False
    keys = [(r, SRC[f]) for f in ("period", "entity", "metric")]
    return all(want.get(k) is not None and have.get(k) == want[k].value for k in keys)


def _content(want: Cell | None):
    """A model cell's content as a person reads it: a formula with its '=' (not as text)."""
    if want is None:
        return None
    return Formula("=" + str(want.value)) if want.formula else want.value


def _brief(v) -> str:
    if hasattr(v, "year"):
        return f"{v:%Y-%m-%d}"
    s = "blank" if v in (None, "") else (str(v) if isinstance(v, Formula) else repr(v))
    return s if len(s) <= 40 else s[:37] + "..."


def _mode(counter: Counter | None) -> int | None:
    return counter.most_common(1)[0][0] if counter else None


def _style_for(name, pos, want: Cell, sh, xml: SheetXml, usual, ref: _Built, styles: Styles,
               imported: dict, patch: Patch) -> int:
    """The xf for a model cell: the one its style key usually has in this workbook, the
    one of its left neighbour of the same key (a new quarter continues its row), else
    the writer's own, imported."""
    r, c = pos
    left = sh.cells.get((r, c - 1))
    if left is not None and left.style == want.style and (r, c - 1) in xml.cells:
        return xml.style(r, c - 1)
    mode = _mode(usual.get(want.style))
    if mode is not None:
        return mode
    src = ref.sheets[name].style(*pos) or 0
    if src not in imported:
        imported[src] = styles.take(ref.styles, src)
        patch.styles_imported += 1
    return imported[src]


def _link(pkg: ZipPackage, part: str, xml: SheetXml, pos, link) -> None:
    """Give the cell at ``pos`` the model's hyperlink (or none): replace what it had."""
    hl = xml.root.find(q("hyperlinks"))
    ref = _ref(*pos)
    if hl is not None:
        for h in hl.findall(q("hyperlink")):
            if h.get("ref") == ref:
                hl.remove(h)
    if link is None:
        if hl is not None and not len(hl):
            xml.root.remove(hl)
        return
    if hl is None:
        hl = etree.Element(q("hyperlinks"))
        _insert_sheet_child(xml.root, hl)
    h = _copy(link)
    url = h.attrib.pop("_url", None)
    if url:
        h.set(q("id", R_NS), _add_rel(pkg, part, HYPERLINK, url, external=True))
    hl.append(h)


# children of <worksheet> in schema order, for placing a new one
_SHEET_ORDER = ("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData",
                "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter",
                "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
                "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions",
                "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
                "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
                "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
                "controls", "webPublishItems", "tableParts", "extLst")


def _insert_sheet_child(root, el) -> None:
    mine = _SHEET_ORDER.index(etree.QName(el).localname)
    for i, child in enumerate(root):
        name = etree.QName(child).localname
        if name in _SHEET_ORDER and _SHEET_ORDER.index(name) > mine:
            root.insert(i, el)
            return
    root.append(el)


def _add_rel(pkg: ZipPackage, part: str, typ: str, target: str, external=False) -> str:
    rp = pkg.rels_of(part)
    if pkg.has(rp):
        root = pkg.xml(rp)
    else:
        root = etree.Element(q("Relationships", PKG_REL), nsmap={None: PKG_REL})
        pkg.put(rp, root)
    ids = {r.get("Id") for r in root}
    n = 1
    while f"rId{n}" in ids:
        n += 1
    rel = etree.SubElement(root, q("Relationship", PKG_REL), Id=f"rId{n}", Type=typ, Target=target)
    if external:
        rel.set("TargetMode", "External")
    pkg.touch(rp)
    return f"rId{n}"


def _extend_columns(xml: SheetXml, old: Layout, new: Layout, name: str) -> bool:
    """New quarter columns get the width of the last quarter column before them."""
    if name not in old.sheets or new.last_col <= old.last_col:
        return False
    if not any(c > old.last_col for _, c in new.sheets[name].cells):
        return False
    cols = xml.root.find(q("cols"))
    if cols is None:
        return False
    last = old.last_col + 1                       # 1-based
    spec_el = next((c for c in cols.findall(q("col"))
                    if int(c.get("min")) <= last <= int(c.get("max"))), None)
    if spec_el is None:
        return False
    taken = [c for c in cols.findall(q("col")) if int(c.get("min")) > last]
    if int(spec_el.get("max")) == last and not taken:
        spec_el.set("max", str(new.last_col + 1))
        return True
    return False


def grown_ranges(old: Layout, new: Layout) -> dict[tuple[str, str], str]:
    """Old reference (normalised) -> new reference text, for every model row whose
    timeline range changed, the Periods row, and each sheet's used area."""
    out = {}
    if old.last_col != new.last_col:
        for key in old.row_of:
            if key in new.row_of and old.row_of[key] == new.row_of[key]:
                a, b = old.row_range(key), new.row_range(key)
                if a != b:
                    out[_norm_range(a)] = b
        period_name = new.spec.period_name        # 'Periods', 'CalendarQuarters'
        a, b = old.names.get(period_name), new.names.get(period_name)
        if a and b and a != b:
            out[_norm_range(a)] = b
        out[_norm_range(old.blank_range)] = new.blank_range
    for name, sh in new.sheets.items():
        if name in old.sheets and old.sheets[name].cells and sh.cells:
            (r0, c0), (r1, c1) = old.sheets[name].extent, sh.extent
            if (r0, c0) != (r1, c1):
                sheet = name if re.fullmatch(r"\w+", name) else "'" + name.replace("'", "''") + "'"
                out[(name, f"A1:{_ref(r0, c0)}")] = f"{sheet}!$A$1:${get_column_letter(c1 + 1)}${r1 + 1}"
    return {k: v for k, v in out.items() if k is not None}


def _row_tails(ranges: dict) -> dict:
    """For each one-row range that grows, the same row from any later column to its end: a chart
    whose quarters start where its data starts (model.writer._chart's ``start``) grows with the
    timeline too. Charts only: a person's formula over the last quarters must keep its span."""
    out = {}
    for (sheet, rng), new in ranges.items():
        m = re.fullmatch(r"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)", rng)
        if not m or m.group(2) != m.group(4):
            continue
        for c in range(column_index_from_string(m.group(1)) + 1, column_index_from_string(m.group(3))):
            out.setdefault((sheet, f"{get_column_letter(c)}{m.group(2)}:{m.group(3)}{m.group(4)}"), new)
    return out


def _remap_references(pkg: ZipPackage, parts: dict[str, str], ranges, patch: Patch,
                      cells: dict[str, dict], own: dict[str, set] | None = None) -> None:
    """Extend names, print areas, chart series and a person's own formulas that cover
    a whole timeline row (or a sheet's used area) to the rows' new length. ``own``: the
    model's formula cells per sheet, written as the new layout has them (a running total
    in the last column, SUM($F$43:Y43), looks like a whole row but must stay as it is)."""
    if not ranges:
        return
    wb = pkg.xml("xl/workbook.xml")
    names = wb.find(q("definedNames"))
    for dn in (names if names is not None else []):
        new = remap_formula(dn.text or "", ranges)
        if new != dn.text:
            patch.references.append(f"name {dn.get('name')}")
            dn.text = new
            pkg.touch("xl/workbook.xml")
    in_charts = ranges | _row_tails(ranges)
    for part in [p for p in pkg.raw if p.startswith("xl/charts/chart") and p.endswith(".xml")]:
        if not pkg.has(part):
            continue
        touched = False
        for f in pkg.xml(part).iter(q("f", C_NS)):
            new = remap_formula(f.text or "", in_charts)
            if new != f.text:
                f.text = new
                touched = True
        if touched:
            patch.references.append(f"chart {part}")
            pkg.touch(part)
    for name, part in parts.items():       # a person's own formulas over a whole row
        root = pkg.xml(part)
        touched = False
        mine = (own or {}).get(name, set())
        for f in root.iter(q("f")):
            if not f.text:
                continue
            c_el = f.getparent()
            if mine and c_el is not None and c_el.get("r") and _split(c_el.get("r")) in mine:
                continue
            new = remap_formula(f.text, ranges, name)
            if new != f.text:
                f.text = new
                touched = True
        # conditional formats, validations and a filter over a whole row or the used area
        for el, attr in ([(e, "sqref") for e in root.iter(q("conditionalFormatting"))]
                         + [(e, "sqref") for e in root.iter(q("dataValidation"))]
                         + [(e, "ref") for e in root.iter(q("autoFilter"))]):
            refs = (el.get(attr) or "").split()
            grown = []
            for r in refs:
                key = _norm_range(r, name)
                grown.append(_regrow(r, ranges[key]).rpartition("!")[2] if key in ranges else r)
            if grown != refs:
                el.set(attr, " ".join(grown))
                touched = True
        if touched:
            pkg.touch(part)


XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


def _repair_chart_sizes(pkg: ZipPackage, built: ZipPackage, patch: Patch) -> None:
    """A chart sheet whose chart is anchored at zero size (what an openpyxl save leaves)
    shows nothing anywhere; give it the size the writer gives chart sheets. A zero-size
    chart is never what a person meant, so nothing of theirs is lost."""
    size = None
    for part in built.raw:
        if part.startswith("xl/drawings/drawing") and part.endswith(".xml"):
            ext = built.xml(part).find(f"{{{XDR}}}absoluteAnchor/{{{XDR}}}ext")
            if ext is not None:
                size = (ext.get("cx"), ext.get("cy"))
                break
    if size is None:
        return
    for part in [p for p in pkg.raw if p.startswith("xl/chartsheets/sheet") and p.endswith(".xml")]:
        for typ, target, _ in pkg.relationships(part).values():
            if not typ.endswith("/drawing") or not pkg.has(target):
                continue
            for ext in pkg.xml(target).iter(f"{{{XDR}}}ext"):
                parent = ext.getparent()
                if (etree.QName(parent).localname == "absoluteAnchor"
                        and ext.get("cx") == "0" and ext.get("cy") == "0"):
                    ext.set("cx", size[0])
                    ext.set("cy", size[1])
                    pkg.touch(target)
                    patch.references.append(f"chart size {target}")


def store_values(pkg: ZipPackage, formulas: set, values: dict) -> int:
    """Give every formula cell of every worksheet its stored (cached) value: ``values``
    ((sheet, r, c) -> value, from the independent recompute) where the cell holds the
    model's formula (``formulas``), else no value at all (a person's own formula, whose
    value the refresh cannot know), never the stale one it had. Returns the cells changed."""
    n = 0
    for name, part in pkg.worksheet_parts().items():
        if not pkg.has(part):
            continue
        root = pkg.xml(part)
        touched = False
        for c_el in root.iter(q("c")):
            if c_el.find(q("f")) is None:
                continue
            r, c = _split(c_el.get("r"))
            key = (name, r, c)
            v_el = c_el.find(q("v"))
            old = (c_el.get("t"), None if v_el is None else (v_el.text or ""))
            if key in formulas and key in values:
                new = _cached_xml(values[key])
            else:
                new = (None, None)
            if new == old:
                continue
            if v_el is not None:
                c_el.remove(v_el)
            c_el.attrib.pop("t", None)
            t, text = new
            if t:
                c_el.set("t", t)
            if text is not None:
                etree.SubElement(c_el, q("v")).text = text
                _first(c_el, ("f", "v"))
            touched = True
            n += 1
        if touched:
            pkg.touch(part)
    return n


_ERRORS = ("#N/A", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")


def _cached_xml(v) -> tuple[str | None, str]:
    """(the cell's t attribute, the text of its <v>) for a formula's value."""
    if isinstance(v, bool):
        return "b", "1" if v else "0"
    if isinstance(v, (int, float)):
        return None, repr(float(v)) if isinstance(v, float) else str(v)
    if v in _ERRORS:
        return "e", v
    return "str", "" if v is None else str(v)


def _recalculate_on_open(pkg: ZipPackage) -> None:
    """Cached values of changed formulas are stale: have Excel recalculate on open and
    drop the calculation chain (Excel rebuilds it; a stale one makes it repair the file)."""
    wb = pkg.xml("xl/workbook.xml")
    calc = wb.find(q("calcPr"))
    if calc is None:
        calc = etree.Element(q("calcPr"))
        after = [wb.find(q(t)) for t in ("definedNames", "sheets")]
        anchor = next((a for a in after if a is not None), None)
        if anchor is not None:
            anchor.addnext(calc)
        else:
            wb.append(calc)
    calc.set("fullCalcOnLoad", "1")
    pkg.touch("xl/workbook.xml")
    rels_part = "xl/_rels/workbook.xml.rels"
    if pkg.has(rels_part):
        rels = pkg.xml(rels_part)
        for rel in list(rels):
            if rel.get("Type") == CALC_CHAIN:
                rels.remove(rel)
                pkg.touch(rels_part)
    if pkg.has("xl/calcChain.xml"):
        pkg.remove("xl/calcChain.xml")
        ct = pkg.xml("[Content_Types].xml")
        for o in list(ct):
            if o.get("PartName") == "/xl/calcChain.xml":
                ct.remove(o)
                pkg.touch("[Content_Types].xml")


def set_custom_properties(pkg: ZipPackage, props: dict[str, str]) -> bool:
    """Set text custom document properties (docProps/custom.xml), creating the part if
    needed; returns True when anything changed."""
    part = "docProps/custom.xml"
    if pkg.has(part):
        root = pkg.xml(part)
    else:
        root = etree.Element(q("Properties", CUSTOM_NS), nsmap={None: CUSTOM_NS, "vt": VT_NS})
        pkg.put(part, root)
        ct = pkg.xml("[Content_Types].xml")
        etree.SubElement(ct, q("Override", "http://schemas.openxmlformats.org/package/2006/content-types"),
                         PartName="/docProps/custom.xml",
                         ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml")
        pkg.touch("[Content_Types].xml")
        _add_rel(pkg, "", CUSTOM_PROPS, "docProps/custom.xml")
    changed = False
    have = {p.get("name"): p for p in root.findall(q("property", CUSTOM_NS))}
    for k, v in props.items():
        p = have.get(k)
        if p is None:
            pid = max([1] + [int(x.get("pid", "1")) for x in have.values()]) + 1
            p = etree.SubElement(root, q("property", CUSTOM_NS), fmtid=FMTID, pid=str(pid), name=k)
            have[k] = p
        val = p[0] if len(p) else None
        if val is None or val.tag != q("lpwstr", VT_NS) or val.text != v:
            for child in list(p):
                p.remove(child)
            etree.SubElement(p, q("lpwstr", VT_NS)).text = v
            changed = True
    if changed:
        pkg.touch(part)
    return changed


def custom_properties(pkg: ZipPackage) -> dict[str, str]:
    part = "docProps/custom.xml"
    if not pkg.has(part):
        return {}
    return {p.get("name"): "".join(p.itertext()) for p in pkg.xml(part).findall(q("property", CUSTOM_NS))}


# --- sheets and names a new release adds ---------------------------------------------

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def sheet_order(pkg: ZipPackage) -> list[str]:
    """Every sheet's name (worksheets and chart sheets) in tab order."""
    return [s.get("name") for s in pkg.xml("xl/workbook.xml").iter(q("sheet"))]


def _free_name(pkg: ZipPackage, part: str) -> str:
    """``part`` if unused in ``pkg``, else the same folder and stem with the next number."""
    if not pkg.has(part) and part not in pkg.raw:
        return part
    m = re.match(r"^(.*?)(\d*)(\.[^./]+)$", part)
    stem, ext = m.group(1), m.group(3)
    n = 1
    while pkg.has(f"{stem}{n}{ext}") or f"{stem}{n}{ext}" in pkg.raw:
        n += 1
    return f"{stem}{n}{ext}"


def _content_type(pkg: ZipPackage, part: str) -> str | None:
    ct = pkg.xml("[Content_Types].xml")
    for o in ct:
        if o.get("PartName") == "/" + part:
            return o.get("ContentType")
    ext = part.rsplit(".", 1)[-1]
    for d in ct:
        if etree.QName(d).localname == "Default" and d.get("Extension") == ext:
            return d.get("ContentType")
    return None


def _relative(from_part: str, to_part: str) -> str:
    from posixpath import relpath
    return relpath(to_part, dirname(from_part) or ".")


class _Importer:
    """Copies parts from the writer's build of the new layout into the person's package,
    with every style, shared string and relationship they use."""

    def __init__(self, pkg: ZipPackage, built: "_Built", styles: Styles, imported: dict):
        self.pkg, self.built, self.styles, self.imported = pkg, built, styles, imported
        self.strings = _shared_strings(built.pkg)
        self.copied: dict[str, str] = {}
        self.dxfs: dict[int, int] = {}

    def xf(self, s: int) -> int:
        if s not in self.imported:
            self.imported[s] = self.styles.take(self.built.styles, s)
        return self.imported[s]

    def dxf(self, i: int) -> int:
        if i not in self.dxfs:
            src = self.built.styles._list("dxfs")[i]
            self.dxfs[i] = self.styles._append("dxfs", _copy(src))
        return self.dxfs[i]

    def part(self, src: str) -> str:
        """Copy ``src`` (and what it refers to) into the package; returns its new name."""
        if src in self.copied:
            return self.copied[src]
        dst = _free_name(self.pkg, src)
        self.copied[src] = dst
        root = _copy(self.built.pkg.xml(src)) if src.endswith(".xml") else None
        if root is not None and etree.QName(root).localname == "worksheet":
            self._restyle(root)
        if root is not None:
            self.pkg.put(dst, root)
        else:
            self.pkg.infos.append(zipfile.ZipInfo(dst, date_time=(1980, 1, 1, 0, 0, 0)))
            self.pkg.infos[-1].compress_type = zipfile.ZIP_DEFLATED
            self.pkg.raw[dst] = self.built.pkg.raw[src]
        ctype = _content_type(self.built.pkg, src)
        if ctype and _content_type(self.pkg, dst) != ctype:
            ct = self.pkg.xml("[Content_Types].xml")
            etree.SubElement(ct, q("Override", CT_NS), PartName="/" + dst, ContentType=ctype)
            self.pkg.touch("[Content_Types].xml")
        src_rels = self.built.pkg.rels_of(src)
        if self.built.pkg.has(src_rels):
            rels = _copy(self.built.pkg.xml(src_rels))
            for rel in rels:
                if rel.get("TargetMode") != "External":
                    target = normpath(join(dirname(src), rel.get("Target")))
                    rel.set("Target", _relative(dst, self.part(target)))
            self.pkg.put(self.pkg.rels_of(dst), rels)
        return dst

    def _restyle(self, root) -> None:
        for c_el in root.iter(q("c")):
            if c_el.get("s"):
                c_el.set("s", str(self.xf(int(c_el.get("s")))))
            if c_el.get("t") == "s":
                v = c_el.find(q("v"))
                text = self.strings[int(v.text)] if v is not None and v.text else ""
                c_el.remove(v)
                c_el.set("t", "inlineStr")
                t = etree.SubElement(etree.SubElement(c_el, q("is")), q("t"))
                t.text = text
                if text != text.strip():
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        for row in root.iter(q("row")):
            if row.get("s"):
                row.set("s", str(self.xf(int(row.get("s")))))
        for col in root.iter(q("col")):
            if col.get("style"):
                col.set("style", str(self.xf(int(col.get("style")))))
        for rule in root.iter(q("cfRule")):
            if rule.get("dxfId") is not None:
                rule.set("dxfId", str(self.dxf(int(rule.get("dxfId")))))


def add_sheets(pkg: ZipPackage, built_bytes: bytes, names: list[str], patch: Patch,
               built: "_Built | None" = None, styles: Styles | None = None,
               imported: dict | None = None) -> None:
    """Add the sheets ``names`` (worksheets or chart sheets) of the writer's build to the
    person's package, each at its place in the build's tab order, with its print area."""
    built = built or _Built(built_bytes)
    styles = styles or Styles(pkg)
    imp = _Importer(pkg, built, styles, {} if imported is None else imported)
    wb = pkg.xml("xl/workbook.xml")
    sheets_el = wb.find(q("sheets"))
    bwb = built.pkg.xml("xl/workbook.xml")
    brels = built.pkg.relationships("xl/workbook.xml")
    border = sheet_order(built.pkg)
    for name in names:
        bsheet = next(s for s in bwb.iter(q("sheet")) if s.get("name") == name)
        src = brels[bsheet.get(q("id", R_NS))]
        dst = imp.part(src[1])
        rid = _add_rel(pkg, "xl/workbook.xml", src[0], _relative("xl/workbook.xml", dst))
        have = sheet_order(pkg)
        before = [n for n in border[:border.index(name)] if n in have]
        idx = have.index(before[-1]) + 1 if before else 0
        new_id = max([0] + [int(s.get("sheetId")) for s in sheets_el]) + 1
        el = etree.Element(q("sheet"), name=name, sheetId=str(new_id))
        el.set(q("id", R_NS), rid)
        sheets_el.insert(idx, el)
        for dn in wb.iter(q("definedName")):            # sheet-scoped names follow their sheet
            if dn.get("localSheetId") is not None and int(dn.get("localSheetId")) >= idx:
                dn.set("localSheetId", str(int(dn.get("localSheetId")) + 1))
        for view in wb.iter(q("workbookView")):
            for attr in ("activeTab", "firstSheet"):
                if view.get(attr) is not None and int(view.get(attr)) >= idx and idx > 0:
                    view.set(attr, str(int(view.get(attr)) + 1))
        bidx = border.index(name)
        for dn in bwb.iter(q("definedName")):
            if dn.get("localSheetId") == str(bidx):
                new = _copy(dn)
                new.set("localSheetId", str(idx))
                _names_el(wb).append(new)
        pkg.touch("xl/workbook.xml")
        patch.references.append(f"sheet {name} added")
    _theme_for_charts(pkg, built, imp)


THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"


def _theme_for_charts(pkg: ZipPackage, built: "_Built", imp: "_Importer") -> None:
    """The writer's charts take their colours from the workbook's theme; a workbook saved
    without one (LibreOffice writes none) would draw them without fill. Give such a
    workbook the writer's theme (cells keep their own explicit colours)."""
    if not any(p.startswith("xl/charts/") for p in imp.copied):
        return
    if any(t == THEME for t, _, _ in pkg.relationships("xl/workbook.xml").values()):
        return
    src = next((target for t, target, _ in built.pkg.relationships("xl/workbook.xml").values()
                if t == THEME), None)
    if src:
        dst = imp.part(src)
        _add_rel(pkg, "xl/workbook.xml", THEME, _relative("xl/workbook.xml", dst))


def _names_el(wb):
    names = wb.find(q("definedNames"))
    if names is None:
        names = etree.Element(q("definedNames"))
        wb.find(q("sheets")).addnext(names)
    return names


def add_names(pkg: ZipPackage, names: dict[str, str], patch: Patch) -> None:
    """Add the model's public names a workbook lacks (a new release's); those it has are
    left as they are (the audit checks where they point)."""
    wb = pkg.xml("xl/workbook.xml")
    have = {dn.get("name") for dn in wb.iter(q("definedName")) if dn.get("localSheetId") is None}
    for name, ref in sorted(names.items()):
        if name not in have:
            el = etree.SubElement(_names_el(wb), q("definedName"), name=name)
            el.text = ref
            pkg.touch("xl/workbook.xml")
            patch.references.append(f"name {name} added")
