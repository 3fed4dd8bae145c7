import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "lenovo_quarterly.csv"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


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
