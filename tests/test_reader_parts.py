"""The reader parses the package's parts itself (model.core.reader.read_book): what it reads from
them, checked on small workbooks made for each fact, and a scan that fails if the model
package touches a private member of openpyxl again (openpyxl is pinned below 4 only
because its public API is all the package uses)."""
from __future__ import annotations

import ast
import datetime
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from model.core.reader import Formula

from model.core.workbook import read_book

MODEL = Path(__file__).resolve().parents[1] / "model"


# --- no private openpyxl members ------------------------------------------------------------

def _openpyxl_private_names() -> set[str]:
    """Every private name ('_x', not dunder) that openpyxl's own source defines or sets."""
    root = Path(openpyxl.__file__).parent
    names = set()
    for py in root.rglob("*.py"):
        text = py.read_text(encoding="utf-8", errors="replace")
        names |= set(re.findall(r"\bdef (_[a-z]\w*)", text))
        names |= set(re.findall(r"\.(_[a-z]\w*)\s*=", text))
        names |= set(re.findall(r"^\s*(_[a-z]\w*)\s*=", text, re.M))
    return names


def _bound(targets) -> list[str]:
    """The names an assignment binds (not the objects whose attributes or items it sets)."""
    out = []
    for t in targets:
        if isinstance(t, ast.Name):
            out.append(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            out += _bound(t.elts)
        elif isinstance(t, ast.Starred):
            out += _bound([t.value])
    return out


def private_openpyxl_uses(source: str, own: set[str], opx_private: set[str]) -> list[str]:
    """Where ``source`` reaches into openpyxl's privates, as 'line: what':

    - any ``x._name`` whose root ``x`` is bound from an openpyxl import, or assigned (at module
      level, or in the same function) from an expression that uses such a name, followed to a
      fixpoint;
    - any class that subclasses an openpyxl class (overriding its internals);
    - any ``._name`` that openpyxl defines privately and the model package does not define
      itself (``own``), whatever object it is read from (a cell or workbook passed in)."""
    tree = ast.parse(source)
    imported: set[str] = set()       # names bound by openpyxl imports, anywhere in the module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "openpyxl":
                    imported.add((a.asname or a.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "openpyxl":
            imported |= {a.asname or a.name for a in node.names}

    def uses(expr, tainted) -> bool:
        return any(isinstance(n, ast.Name) and n.id in tainted for n in ast.walk(expr))

    def targets(node):
        if isinstance(node, ast.Assign):
            return node.targets, node.value
        if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and node.value is not None:
            return [node.target], node.value
        if isinstance(node, (ast.For, ast.comprehension)):
            return [node.target], node.iter
        if isinstance(node, ast.withitem) and node.optional_vars is not None:
            return [node.optional_vars], node.context_expr
        return [], None

    def spread(nodes, tainted: set[str]) -> set[str]:
        """Names assigned from openpyxl objects, followed to a fixpoint (flow-insensitive)."""
        tainted, changed = set(tainted), True
        while changed:
            changed = False
            for node in nodes:
                tgts, value = targets(node)
                if value is not None and uses(value, tainted):
                    new = set(_bound(tgts)) - tainted
                    tainted |= new
                    changed = changed or bool(new)
        return tainted

    def outside_functions(node):
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield child
                yield from outside_functions(child)

    module = list(outside_functions(tree))
    scopes = [(module, spread(module, imported))]         # the module's own names, then each function's
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            body = list(ast.walk(fn))
            scopes.append((body, spread(body, scopes[0][1])))
    found = []
    for nodes, tainted in scopes:
        for node in nodes:
            if isinstance(node, ast.ClassDef) and any(uses(b, tainted) for b in node.bases):
                found.append(f"{node.lineno}: class {node.name} subclasses an openpyxl class")
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                    and not node.attr.startswith("__"):
                root = node.value
                while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
                    root = root.func if isinstance(root, ast.Call) else root.value
                on_openpyxl = isinstance(root, ast.Name) and root.id in tainted
                if on_openpyxl or (node.attr in opx_private and node.attr not in own):
                    found.append(f"{node.lineno}: .{node.attr}")
            # getattr(obj, "_private", ...) hides an access from the above
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("getattr", "setattr", "hasattr") \
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                    and isinstance(node.args[1].value, str) and node.args[1].value.startswith("_") \
                    and not node.args[1].value.startswith("__"):
                name = node.args[1].value
                if uses(node.args[0], tainted) or (name in opx_private and name not in own):
                    found.append(f"{node.lineno}: {node.func.id}(..., {name!r})")
    return sorted(set(found), key=lambda s: int(s.split(":")[0]))


def _own_private_names() -> set[str]:
    """Private names the model package defines itself (its own methods and attributes)."""
    names = set()
    for py in MODEL.glob("*.py"):
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {n for n in names if n.startswith("_")}


def test_model_uses_no_private_openpyxl_member():
    own, opx = _own_private_names(), _openpyxl_private_names()
    found = {py.name: hits for py in sorted(MODEL.glob("*.py"))
             if (hits := private_openpyxl_uses(py.read_text(encoding="utf-8"), own, opx))}
    assert found == {}


def test_the_scan_finds_what_the_old_reader_did():
    """The scan is not vacuous: each private access the reader used to make is found."""
    own, opx = _own_private_names(), _openpyxl_private_names()
    old = '''
from openpyxl.reader.excel import ExcelReader
from openpyxl.chartsheet import Chartsheet
import openpyxl

def style(cell):
    return getattr(cell, "_style_id", None)

def facts(wb, ws):
    part = getattr(ws, "_worksheet_path", None)
    with wb._archive.open(part) as f:
        return f.read()

class CellsOnly(ExcelReader):
    def read_chartsheet(self, sheet, rel):
        cs = Chartsheet()
        cs._parent = self.wb

def links(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    return [l for l in wb._external_links]
'''
    hits = private_openpyxl_uses(old, own, opx)
    text = "\n".join(hits)
    for what in ("_style_id", "_worksheet_path", "._archive", "subclasses", "._parent", "._external_links"):
        assert what in text, (what, hits)


# --- what the reader parses itself --------------------------------------------------------------

def _edit(path: Path, edits: dict) -> None:
    """Rewrite a zip, each part in ``edits`` replaced (bytes) or changed (a function of its bytes)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    for name, change in edits.items():
        parts[name] = change(parts[name]) if callable(change) else change
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _sub(pattern: bytes, repl: bytes):
    def change(data: bytes) -> bytes:
        new, n = re.subn(pattern, repl, data, count=1)
        assert n == 1, pattern
        return new
    return change


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A workbook with one of each fact the reader parses itself."""
    path = tmp_path_factory.mktemp("parts") / "small.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Data")
    hid = wb.add_worksheet("Back")
    hid.hide()
    fill = wb.add_format({"bg_color": "#FFCC00", "locked": False, "num_format": "0.0%"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write(0, 0, "Rate", fill)
    ws.write_number(1, 0, 0.25)
    ws.write_number(2, 0, 4)
    ws.write_boolean(3, 0, True)
    ws.write_datetime(4, 0, datetime.datetime(2025, 3, 31), day)
    ws.write_formula(5, 0, "=A2*A3", None, 1)
    ws.write_rich_string(6, 0, "plain ", wb.add_format({"bold": True}), "bold")
    ws.set_row(9, None, None, {"hidden": True})
    ws.set_row(10, None, None, {"hidden": True})
    ws.set_row(12, None, None, {"hidden": True})
    ws.set_column("D:F", None, None, {"hidden": True})
    ws.protect()
    wb.define_name("Rate", "=Data!$A$2")
    wb.define_name("Data!OnlyHere", "=Data!$A$3")       # a sheet's own name: not a workbook name
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=Data!$A$2:$A$3"})
    cs = wb.add_chartsheet("Chart")
    cs.set_chart(chart)
    cs.hide()
    wb.set_properties({"created": datetime.datetime(2024, 2, 3, 4, 5, 6)})
    wb.close()
    link = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<externalBook r:id="rId1"><sheetNames><sheetName val="S"/></sheetNames></externalBook>'
            b'</externalLink>')
    link_rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 b'relationships/externalLinkPath" Target="file:///C:/Finance/other.xlsx" '
                 b'TargetMode="External"/></Relationships>')
    ext_type = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"
    _edit(path, {
        "xl/externalLinks/externalLink1.xml": link,
        "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels,
        "xl/_rels/workbook.xml.rels": _sub(rb"</Relationships>", b'<Relationship Id="rId99" Type="'
                                           + ext_type + b'" Target="externalLinks/externalLink1.xml"/>'
                                           b"</Relationships>"),
        "[Content_Types].xml": _sub(rb"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument.'
                                    b'spreadsheetml.externalLink+xml"/></Types>'),
        # iterative calculation, and the external reference in its place after the sheets
        "xl/workbook.xml": lambda d: _sub(rb"<calcPr ", b'<calcPr iterate="1" ')(
            _sub(rb"</sheets>", b'</sheets><externalReferences><externalReference r:id="rId99"/>'
                 b"</externalReferences>")(d)),
        # a cell below the sheet's <dimension>, as people's edits and some programs leave it,
        # and a shared formula (LibreOffice and Excel save them; XlsxWriter does not)
        "xl/worksheets/sheet1.xml": _sub(
            rb"</sheetData>",
            b'<row r="40"><c r="B40"><f t="shared" ref="B40:B41" si="0">A2*2</f><v>0.5</v></c></row>'
            b'<row r="41"><c r="B41"><f t="shared" si="0"/><v>8</v></c>'
            b'<c r="C41" t="inlineStr"><is><t>typed</t></is></c></row></sheetData>'),
    })
    return path


def test_chart_sheet_state_and_name(small):
    book = read_book(small)
    assert book.states == {"Data": "visible", "Back": "hidden", "Chart": "hidden"}
    assert "Chart" not in book.cells


def test_chart_parts_are_never_parsed(small, tmp_path):
    """A chart sheet's chart and drawing are not read: garbage in them changes nothing."""
    broken = tmp_path / "broken_chart.xlsx"
    broken.write_bytes(small.read_bytes())
    with zipfile.ZipFile(broken) as z:
        charts = [n for n in z.namelist() if n.startswith(("xl/charts/", "xl/drawings/"))
                  and n.endswith(".xml")]
    assert charts
    _edit(broken, {n: b"<nonsense/>" for n in charts})
    assert read_book(broken).states == read_book(small).states


def test_hidden_rows_and_columns(small):
    book = read_book(small)
    assert book.hidden == {"Data": ["D:F", "10:11", "13:13"], "Back": []}


def test_sheet_protection(small):
    assert read_book(small).protected == {"Data": True, "Back": False}


def test_defined_names_of_the_workbook(small):
    assert read_book(small).names == {"Rate": "Data!$A$2"}


def test_external_link(small):
    assert read_book(small).external_links == ["file:///C:/Finance/other.xlsx"]


def test_iterative_calculation(small, tmp_path):
    assert read_book(small).iterate is True
    off = tmp_path / "off.xlsx"
    off.write_bytes(small.read_bytes())
    _edit(off, {"xl/workbook.xml": _sub(rb' iterate="1"', b"")})
    assert read_book(off).iterate is False


def test_created(small):
    assert read_book(small).created == datetime.datetime(2024, 2, 3, 4, 5, 6)


def test_cells_formulas_and_values(small):
    f = read_book(small).cells["Data"]
    assert f[(0, 0)] == "Rate" and f[(1, 0)] == 0.25 and f[(2, 0)] == 4 and f[(3, 0)] is True
    assert f[(4, 0)] == datetime.datetime(2025, 3, 31)
    assert f[(5, 0)] == "=A2*A3" and isinstance(f[(5, 0)], Formula)
    assert f[(6, 0)] == "plain bold"
    # below <dimension>, a shared formula's copy translated to its own row, an inline string
    assert f[(39, 1)] == "=A2*2" and f[(40, 1)] == "=A3*2" and f[(40, 2)] == "typed"
    v = read_book(small, data_only=True).cells["Data"]
    assert v[(5, 0)] == 1 and not isinstance(v[(5, 0)], Formula)
    assert v[(39, 1)] == 0.5 and v[(40, 1)] == 8


def test_styles(small):
    st = read_book(small).styles["Data"]
    assert (st[(0, 0)].fill, st[(0, 0)].locked, st[(0, 0)].number_format) == ("FFCC00", False, "0.0%")
    assert st[(4, 0)].number_format == "yyyy-mm-dd" and st[(4, 0)].locked
    assert read_book(small, styles=False).protected == {}


@pytest.mark.parametrize("data_only", [False, True])
def test_cells_agree_with_openpyxl(small, data_only):
    """openpyxl's public read-only API, as an independent reading of the same cells."""
    wb = openpyxl.load_workbook(small, read_only=True, data_only=data_only)
    try:
        for ws in wb.worksheets:
            ws.reset_dimensions()
            theirs = {}
            for r, row in enumerate(ws.iter_rows()):
                for c, cell in enumerate(row):
                    if cell.value is not None and cell.value != "":
                        theirs[(r, c)] = cell.value
            assert read_book(small, data_only=data_only).cells[ws.title] == theirs
    finally:
        wb.close()
