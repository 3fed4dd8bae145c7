"""The rule registry is the one place rules are declared, and the model has an independent
counterpart for everything it calculates, checks, charts or names."""
import inspect
import re

from model.lenovo import spec
from model.audit import _uncovered
from model.charts import expected_series, row_refs
from model.lenovo.layout import lay_out
from model.core.workbook import read_book
from model.lenovo.reader import read_model_inputs
from model.lenovo.reference import recompute
from model import models
from model.rules import CHECKS, RULES, SEVERITIES

from .conftest import DATA, ROOT
from .independent import DEFAULT_SCALARS, SENS_INTENSITIES, SENS_MARGINS, frames_from_csv


def test_every_rule_names_a_check_function_that_reports_it():
    """Each rule's check is a function registered in the order the audit runs them, and its
    source (with its @check line) names the rule."""
    import model.audit  # noqa: F401  (registers the checks)
    for rule in RULES.values():
        assert rule.severity in SEVERITIES, rule.id
        assert callable(rule.check), rule.id
        source = inspect.getsource(rule.check)
        assert f'"{rule.id}"' in source, f"{rule.check.__name__} does not report {rule.id}"
    assert len({c.function for c in CHECKS}) == len(CHECKS)


def test_the_audit_runs_the_registry(monkeypatch, tmp_path):
    """The audit loops over the registry: a check added to it runs, and its findings are
    reported, without the audit naming it."""
    import model.audit as audit
    from model.rules import Check, finding
    extra = Check(lambda insp: [finding("STRUCT-LABEL", "Cover", "A1", "from an added check")],
                  ("STRUCT-LABEL",))
    monkeypatch.setattr(audit, "CHECKS", CHECKS + [extra])
    found = audit.inspect(ROOT / "workbooks" / "ai_server_peers.xlsx").findings
    assert [f.message for f in found] == ["from an added check"]


def test_every_rule_the_code_reports_is_in_the_registry():
    used = set()
    for path in (ROOT / "model").glob("*.py"):
        used |= set(re.findall(r'finding\(\s*"([A-Z0-9-]+)"', path.read_text()))
    assert used and used <= set(RULES)
    assert set(RULES) - used == set()      # no rule declared that nothing reports


def test_the_readme_table_is_the_registry():
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `([A-Z0-9-]+)` \| (\w+) \| (.+) \|$", readme, re.M)
    assert rows == [(r.id, r.severity, r.meaning) for r in RULES.values()]


def _reference():
    inputs, scen, periods = frames_from_csv(DATA)
    return recompute(inputs, scen, DEFAULT_SCALARS, periods[-4], SENS_MARGINS, SENS_INTENSITIES)


def test_every_calculated_row_and_check_has_an_independent_recompute():
    ref = _reference()
    assert {r.key for r in spec.CALC_ROWS} - set(ref.calcs.index) == set()
    per_period = {c.key for c in spec.CHECKS_LIST if c.per_period}
    assert per_period - set(ref.flags.index) == set()
    assert {c.key for c in spec.CHECKS_LIST} - set(ref.check_totals.index) == set()
    assert [k for k, _, _ in spec.SENS_LOOKUPS] == list(ref.sens_lookups.index)


def test_a_row_the_recompute_lacks_is_reported_by_the_audit(default_book):
    """RECOMPUTE-UNCOVERED: were a calculated row added to the spec but not to
    model/lenovo/reference.py, the audit says so instead of never comparing it."""
    mi, _, _ = read_model_inputs(read_book(default_book, styles=False).cells)
    lay = lay_out(mi)
    ref = _reference()
    assert _uncovered(lay, ref) == []
    ref.calcs = ref.calcs.drop(index="csp_op")
    found = [(f.rule, f.where) for f in _uncovered(lay, ref)]
    assert found == [("RECOMPUTE-UNCOVERED", f"Calculations!C{lay.row_of['csp_op'][1] + 1}")]


def test_every_chart_series_and_defined_name_has_its_row_found_independently(default_book):
    """The audit's expectations for chart series and names come from the workbook's own codes
    (model.charts.row_refs), not from the layout; each one is found, and each series plots
    a row the recompute or the inputs hold."""
    cells = read_book(default_book, styles=False).cells
    want, cats = expected_series(cells, models.get("lenovo_isg"))
    keys = {s.key for c in spec.CHARTS for s in c.series}
    assert keys - set(want) == set()
    ref = _reference()
    inputs = {r.key for r in spec.CORE_INPUTS}
    for key in keys:
        if key.startswith("sens:"):
            assert int(key.split(":")[1]) < len(ref.sens_grid.columns)
        else:
            assert key in set(ref.calcs.index) | set(ref.feeds.index) | inputs, key
    refs = row_refs(cells, models.get("lenovo_isg"))
    names = {"Periods": "Periods", **spec.defined_names()}
    assert {k for k in names.values()} - set(refs) == set()
    for name, key in names.items():
        if key != "Periods":
            assert key in set(ref.calcs.index) | inputs, name
