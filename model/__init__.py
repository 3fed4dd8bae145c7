"""ISG margin model: builds, refreshes and audits a formula-driven Excel workbook."""

__version__ = "0.1.0"

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "lenovo_quarterly.csv"
DEFAULT_WORKBOOK = ROOT / "workbooks" / "lenovo_isg.xlsx"
