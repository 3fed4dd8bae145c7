"""Issue 19, item 1: a plain open-and-save in LibreOffice (no edit) never fails the audit.

LibreOffice's default for Excel files is not to recalculate on load (OOXMLRecalcMode 1,
'never'); it then stores the values it read, as it reads them: a text result loses its
leading and trailing spaces, a number keeps 15 significant digits. Tested here with that
default, with recalculation off set explicitly, and with a recalculation before the save,
for both workbooks as built and as refreshed (a new quarter), and for a workbook 0.3.0
built (whose csp_missing text ended in a space)."""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from model.audit import audit
from model.build import build
from model.libreoffice import _props
from model.refresh import refresh

from .conftest import DATA, DATA_TO_FY2025_26, ROOT
from .test_peers_refresh import _older
from .test_refresh import new_data

PEERS = ROOT / "data" / "peers_quarterly.csv"
V030 = ROOT / "tests" / "fixtures" / "lenovo_isg_v0.3.0.xlsx"
NEVER, ALWAYS = 1, 0          # com.sun.star OOXMLRecalcMode values


def _load_settings(lo, update=False):
    local = lo.uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    lo.desktop                                          # connected
    ctx = resolver.resolve(f"uno:pipe,name={lo._pipe};urp;StarOffice.ComponentContext")
    cp = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
    svc = ("com.sun.star.configuration.ConfigurationUpdateAccess" if update
           else "com.sun.star.configuration.ConfigurationAccess")
    return cp.createInstanceWithArguments(svc, _props(lo.uno, nodepath="/org.openoffice.Office.Calc/Formula/Load"))


@contextmanager
def recalc_mode(lo, mode):
    """LibreOffice's 'recalculation on file load' for Excel files set to ``mode`` (None: as
    installed), restored after."""
    before = _load_settings(lo).getPropertyValue("OOXMLRecalcMode")
    if mode is not None:
        acc = _load_settings(lo, update=True)
        acc.setPropertyValue("OOXMLRecalcMode", mode)
        acc.commitChanges()
    try:
        yield before
    finally:
        acc = _load_settings(lo, update=True)
        acc.setPropertyValue("OOXMLRecalcMode", before)
        acc.commitChanges()


def plain_save(lo, src: Path, out: Path, recalculate: bool) -> Path:
    """Open ``src`` in LibreOffice as a person would (not read-only, no edit) and save it as
    .xlsx; ``recalculate``: press Ctrl+Shift+F9 first."""
    doc = lo.desktop.loadComponentFromURL(lo.uno.systemPathToFileUrl(str(src.resolve())), "_blank", 0,
                                          _props(lo.uno, Hidden=True, MacroExecutionMode=0))
    try:
        if recalculate:
            doc.calculateAll()
        doc.storeToURL(lo.uno.systemPathToFileUrl(str(out.resolve())),
                       _props(lo.uno, FilterName="Calc Office Open XML"))
    finally:
        doc.close(True)
    return out


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("plain")
    out = {"lenovo": build(DATA, d / "lenovo_isg.xlsx"),
           "peers": build((PEERS, DATA), d / "ai_server_peers.xlsx", model="ai_server_peers")}
    # built to FY2025/26 Q4, then refreshed with new_data (that file plus a new quarter)
    out["lenovo refreshed"] = build(DATA_TO_FY2025_26, d / "r" / "lenovo_isg.xlsx")
    refresh(out["lenovo refreshed"], new_data(d))
    out["peers refreshed"] = build((_older(PEERS, d / "p.csv"), _older(DATA, d / "l.csv")),
                                   d / "r" / "ai_server_peers.xlsx", model="ai_server_peers")
    refresh(out["peers refreshed"], (PEERS, DATA))
    return out


@pytest.mark.parametrize("how", ["LibreOffice's default", "recalculation off", "recalculated"])
@pytest.mark.parametrize("which", ["lenovo", "peers", "lenovo refreshed", "peers refreshed"])
def test_a_plain_libreoffice_save_audits_clean(lo, books, tmp_path, which, how):
    """Item 1: no finding at all after an open-and-save with no edit."""
    mode = {"LibreOffice's default": None, "recalculation off": NEVER, "recalculated": None}[how]
    with recalc_mode(lo, mode) as installed:
        if how == "LibreOffice's default":
            assert installed == NEVER          # what a person's LibreOffice does by default
        saved = plain_save(lo, books[which], tmp_path / books[which].name, how == "recalculated")
    findings = audit(saved, lo)
    assert findings == [], "\n".join(f"{f.rule} {f.where} {f.message}" for f in findings[:10])


@pytest.mark.xfail(strict=True, reason=(
    "known gap of issue 18 (open): 0.4.0 lays the Lenovo Summary and Outlook out anew and the release "
    "record does not yet let the audit tell 0.3.0's cells there from a person's (2,990 STRUCT-OVERTYPED "
    "on a plainly saved 0.3.0 workbook). Strict: this fails as soon as the upgrade path is mended."))
@pytest.mark.parametrize("recalculate", [False, True])
def test_a_workbook_0_3_0_built_saved_plainly_has_no_error(lo, tmp_path, recalculate):
    """Item 1: its csp_missing text ended in a space, which a plain save drops; that is the
    same text, and the old formula is the old release's (a warning until refreshed)."""
    book = shutil.copy(V030, tmp_path / "lenovo_isg.xlsx")
    with recalc_mode(lo, NEVER):
        saved = plain_save(lo, Path(book), tmp_path / "saved.xlsx", recalculate)
    found = audit(saved, lo)
    assert [f for f in found if f.severity != "warning"] == []
    # the old release's formulas (csp_missing's row, and since issue 24 the portable forms)
    # and the relabelled non-number check are warnings until a refresh
    assert {f.rule for f in found} <= {"STRUCT-OLD-RELEASE", "STRUCT-LABEL"}
    assert "42" in {f.cell[1:] for f in found if f.sheet == "Calculations"}   # csp_missing


@pytest.mark.xfail(strict=True, reason=(
    "known gap of issue 18 (open): a refresh of a 0.3.0 workbook into the 0.4.0 layout leaves the "
    "0.3.0 Summary's cells (C3:K8) and the old CSP-loss chart's right-axis series in place; the audit "
    "names them (STRUCT-UNEXPECTED, CHART-SERIES). Strict: this fails as soon as the upgrade is clean."))
def test_a_workbook_0_3_0_saved_plainly_then_refreshed_audits_clean(lo, tmp_path):
    """Issue 18's upgrade path: a 0.3.0 workbook saved plainly in LibreOffice, refreshed, audits clean."""
    book = shutil.copy(V030, tmp_path / "lenovo_isg.xlsx")
    with recalc_mode(lo, NEVER):
        saved = plain_save(lo, Path(book), tmp_path / "saved.xlsx", False)
    refresh(saved, DATA)                                        # brings it up to date
    assert audit(saved, lo) == []


def test_text_is_compared_as_libreoffice_stores_it():
    """Item 1: leading and trailing blanks are what LibreOffice drops; nothing else is equal."""
    from model.audit import same_as_stored
    assert same_as_stored("missing: CSP revenue; ", "missing: CSP revenue;")
    assert same_as_stored("a\n", "a") and same_as_stored(" a", "a")
    assert not same_as_stored("a b", "ab")
    assert not same_as_stored("missing: CSP revenue;", "missing: ex-CSP gross margin;")
    assert not same_as_stored(1.0, "1")
