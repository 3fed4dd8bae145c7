"""Every model is a value found from the workbook's own stamp; each has an independent
reference for every calculated row and check, and its public names on its rows."""
import subprocess
import sys

import pytest

from model import models
from model.build import build
from model.patch import ZipPackage, custom_properties, set_custom_properties

from .conftest import ROOT

KEYS = list(models.REGISTRY)


@pytest.fixture(scope="module", params=KEYS)
def built(request, tmp_path_factory):
    m = models.get(request.param)
    return m, build(None, tmp_path_factory.mktemp(m.key) / m.workbook, m.key)


def test_a_workbook_names_its_model_and_the_commands_find_it(built):
    m, path = built
    props = custom_properties(ZipPackage(path))
    # the Lenovo workbook stays as releases before 0.3.0 stamped it: no model property
    assert props.get(models.STAMP_MODEL) == (None if m.key == models.DEFAULT else m.key)
    assert models.of_book(path).key == m.key


def test_every_calculated_row_and_check_has_an_independent_reference(built):
    m, path = built
    from model.core.workbook import read_book
    mi, problems, _ = m.read_inputs(read_book(path, styles=False).cells)
    assert problems == []
    lay = m.lay_out(mi)
    covered = m.reference(lay.inputs).covered
    rows = {key for key, (sheet, _) in lay.row_of.items() if sheet in (m.calcs, m.checks)}
    assert rows, "the layout has no calculated rows"
    assert rows - covered == set()


def test_each_public_name_spans_its_row_over_the_whole_timeline(built):
    m, path = built
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=False)
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    n = len(m.from_dataset(m.load(m.default_data)).periods)
    for name in [m.period_name, *m.names()]:
        assert name in names, name
        ref = names[name].split("!")[1].replace("$", "")
        first, last = ref.split(":")
        from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
        (c0, r0), (c1, r1) = (coordinate_from_string(x) for x in (first, last))
        assert r0 == r1 and column_index_from_string(c1) - column_index_from_string(c0) + 1 == n, (name, ref)


def _stamped(path, key, out):
    pkg = ZipPackage(path)
    set_custom_properties(pkg, {models.STAMP_MODEL: key})
    out.write_bytes(pkg.to_bytes())
    return out


@pytest.mark.engine
def test_a_workbook_of_an_unknown_model_is_refused_in_one_line(built, tmp_path):
    _, path = built
    odd = _stamped(path, "acme_widgets", tmp_path / "odd.xlsx")
    before = odd.read_bytes()
    for cmd in (["refresh", str(odd)], ["audit", str(odd)]):
        done = subprocess.run([sys.executable, "-m", "model", *cmd], capture_output=True, text=True,
                              cwd=ROOT, timeout=300)
        assert done.returncode in (1, 2), done
        assert "acme_widgets" in done.stdout + done.stderr
        assert "Traceback" not in done.stderr
    assert odd.read_bytes() == before
