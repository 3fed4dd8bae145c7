"""ISG margin model: builds, refreshes and audits a formula-driven Excel workbook."""

__version__ = "0.1.0"
