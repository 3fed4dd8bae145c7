import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "lenovo_quarterly.csv"
# The same v3 data up to FY2025/26 Q4 (its 15 figures of FY2026/27 Q1 left out): the refresh and
# keep-your-work tests add the next quarter themselves, at the column after FY2025/26 Q4.
DATA_TO_FY2025_26 = ROOT / "tests" / "fixtures" / "lenovo_v3_to_fy2025_26.csv"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ENGINE_NAMES = ("soffice", "libreoffice")


# --- tiers: a test that needs LibreOffice is marked `engine` (the `lo` fixture marks it by
# itself); `python3 -m pytest -m "not engine"` is the inner loop. Every other test runs as if
# LibreOffice were not installed (no soffice on PATH, no uno), in this process and in the
# commands it starts, so the inner loop passes on a machine without it and a test that
# needs the engine without saying so fails instead of quietly using it.

def pytest_configure(config):
    config.addinivalue_line("markers", "engine: needs LibreOffice (headless, via UNO); "
                                       "the inner loop leaves these out: -m \"not engine\"")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "lo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.engine)


_HIDDEN_PATH: list[str] = []


def path_without_engine() -> str:
    """PATH with every folder that holds soffice/libreoffice replaced by a shadow folder
    of links to everything else in it."""
    if not _HIDDEN_PATH:
        shadow_root = Path(tempfile.mkdtemp(prefix="no-engine-"))
        out = []
        for i, d in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
            p = Path(d)
            if not any((p / n).exists() for n in ENGINE_NAMES):
                out.append(d)
                continue
            shadow = shadow_root / str(i)
            shadow.mkdir()
            for entry in p.iterdir():
                if entry.name not in ENGINE_NAMES:
                    try:
                        (shadow / entry.name).symlink_to(entry)
                    except OSError:
                        pass
            out.append(str(shadow))
        _HIDDEN_PATH.append(os.pathsep.join(out))
    return _HIDDEN_PATH[0]


@pytest.fixture(autouse=True)
def _engine_hidden_unless_marked(request, monkeypatch):
    if request.node.get_closest_marker("engine"):
        yield
        return
    import model.libreoffice as engine

    def hidden(*_a, **_k):
        raise engine.EngineUnavailable("LibreOffice is hidden from this test: mark it "
                                       "@pytest.mark.engine if it needs the engine")
    monkeypatch.setenv("PATH", path_without_engine())
    # the commands it starts would find LibreOffice where its installer puts it: point them
    # at an soffice that does not exist (model.libreoffice.find_soffice takes $SOFFICE first)
    monkeypatch.setenv(engine.SOFFICE_ENV, str(Path(tempfile.gettempdir()) / "no-engine" / "soffice"))
    monkeypatch.setattr(engine, "_UNO_PATHS", ())
    monkeypatch.setattr(engine, "_import_uno", hidden)
    monkeypatch.setattr(engine, "soffice_path", hidden)
    yield


@pytest.fixture(scope="session")
def lo():
    """One headless LibreOffice for the whole run. Missing in CI: a failure, not a skip."""
    from model.libreoffice import EngineUnavailable, LibreOffice
    try:
        engine = LibreOffice()
    except EngineUnavailable as exc:
        if IN_CI:
            pytest.fail(f"LibreOffice is required in CI: {exc}")
        pytest.skip(f"LibreOffice not installed: {exc}")
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def default_book(tmp_path_factory):
    from model.build import build
    return build(DATA, tmp_path_factory.mktemp("book") / "lenovo_isg.xlsx")


@pytest.fixture(scope="session")
def default_values(lo, default_book):
    return lo.recalculate(default_book)


def engine_or_skip(name: str):
    """A started in-process engine (model.engines). Missing in CI: a failure, not a skip."""
    from model.engines import start
    from model.libreoffice import EngineUnavailable
    try:
        return start(name)
    except EngineUnavailable as exc:
        if IN_CI:
            pytest.fail(f"the engine {name} is required in CI (scripts/setup.sh installs it): {exc}")
        pytest.skip(f"{name} not installed: {exc}")
