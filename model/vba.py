"""The macro-enabled twin's VBA: taken from the installed xlwings package at build time.

xlwings' standalone quickstart workbook carries its ``xlwings`` module (RunPython
and friends, with its ``Dictionary`` class) and ``Module1.SampleCall``, which runs
``import <workbook name>; <workbook name>.main()``: xlwings' own convention, the
same call its ribbon's Run main makes. The Refresh button calls SampleCall, so
the workbook holds xlwings' code and that one call, nothing of ours in VBA.
"""
from __future__ import annotations

import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

BUTTON_MACRO = "SampleCall"
EXPECTED_MODULES = {"ThisWorkbook", "Sheet1", "Sheet2", "Module1", "xlwings", "Dictionary"}
AUTO_RUN = ("workbook_open", "auto_open", "autoopen", "document_open", "workbook_activate",
            "auto_exec", "workbook_beforeclose", "auto_close")


def _quickstart() -> Path:
    """xlwings' standalone quickstart workbook, found without importing xlwings (slow)."""
    from importlib.util import find_spec
    found = find_spec("xlwings")
    if found is None or not found.submodule_search_locations:
        raise RuntimeError("xlwings is not installed: pip install xlwings")
    return Path(found.submodule_search_locations[0]) / "quickstart_standalone.xlsm"


@lru_cache(maxsize=1)
def vba_project() -> Path:
    """xl/vbaProject.bin of the installed xlwings, extracted to a temporary file."""
    with zipfile.ZipFile(_quickstart()) as z:
        data = z.read("xl/vbaProject.bin")
    tmp = Path(tempfile.mkdtemp(prefix="model-vba-")) / "vbaProject.bin"
    tmp.write_bytes(data)
    return tmp


def macros(path) -> dict[str, str]:
    """Module name -> VBA source of a workbook (a path, or a model.core.workbook.Workbook
    already read), read with oletools (nothing is run)."""
    from oletools.olevba import VBA_Parser
    data = getattr(path, "data", None)
    parser = VBA_Parser(str(getattr(path, "path", path)), data=data) if data is not None \
        else VBA_Parser(str(path))
    try:
        if not parser.detect_vba_macros():
            return {}
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def vba_problems(path) -> list[str]:
    """What is wrong with a workbook's macros: unexpected modules, auto-run entry points."""
    found = macros(path)
    out = [f"unexpected VBA module {m!r}" for m in sorted(set(found) - EXPECTED_MODULES)]
    for name, code in found.items():
        low = code.lower()
        for entry in AUTO_RUN:
            if f"sub {entry}" in low or f"function {entry}" in low:
                out.append(f"VBA module {name!r} has an auto-run macro {entry}")
    m1 = found.get("Module1", "")
    if m1 and [ln.strip() for ln in m1.splitlines() if ln.strip().lower().startswith(("sub ", "function "))] \
            != [f"Sub {BUTTON_MACRO}()"]:
        out.append("Module1 holds more than the button's call")
    return out
