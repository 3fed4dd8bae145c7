"""ISG margin model: builds, refreshes and audits a formula-driven Excel workbook."""

__version__ = "0.3.0"

from pathlib import Path

_SOURCE = Path(__file__).resolve().parent.parent
# In a clone the defaults are the clone's data/ and workbooks/; installed from a wheel
# (the package alone in site-packages), they are the same folders under the current one.
ROOT = _SOURCE if (_SOURCE / "pyproject.toml").is_file() else Path.cwd()
DEFAULT_DATA = ROOT / "data" / "lenovo_quarterly.csv"
DEFAULT_WORKBOOK = ROOT / "workbooks" / "lenovo_isg.xlsx"
