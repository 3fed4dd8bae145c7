"""ISG margin model: builds, refreshes and audits a formula-driven Excel workbook."""

__version__ = "0.3.0"

from pathlib import Path

_SOURCE = Path(__file__).resolve().parent.parent
# In a clone the defaults are the clone's data/ and workbooks/; installed from a wheel
# (the package alone in site-packages), they are the same folders under the current one.
ROOT = _SOURCE if (_SOURCE / "pyproject.toml").is_file() else Path.cwd()
DEFAULT_DATA = ROOT / "data" / "lenovo_quarterly.csv"
DEFAULT_WORKBOOK = ROOT / "workbooks" / "lenovo_isg.xlsx"


def shipped_data() -> Path | None:
    """The data files shipped with the package: model/data in an installed wheel (setup.py
    copies the repository's data/*.csv there), the repository's data/ in a clone."""
    clone = [_SOURCE / "data"] if ROOT == _SOURCE else []
    for d in [Path(__file__).resolve().parent / "data", *clone]:
        if d.is_dir() and any(d.glob("*.csv")):
            return d
    return None
