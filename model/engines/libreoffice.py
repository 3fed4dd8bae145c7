"""The LibreOffice engine: model.libreoffice (headless over UNO), the reference."""
from ..libreoffice import KeptLibreOffice, LibreOffice  # noqa: F401


def Engine(warm: bool = False):
    return KeptLibreOffice() if warm else LibreOffice(wait=False)
