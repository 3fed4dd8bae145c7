"""The Refresh button's plan, decided without Excel: what the handler does for a workbook,
or the one message it gives instead.

The button runs the same refresh as `python -m model refresh` on the file: the handler
saves and closes the workbook, refreshes the file (new quarters and rows included), and
reopens it. Before anything, the xlwings VBA embedded in the workbook must be the version
of the xlwings Python package that runs it (a mismatch is the most reported cause of a
broken button in xlwings' own issues): the package pins xlwings to XLWINGS_PINNED and the
build embeds that version's VBA.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

XLWINGS_PINNED = "0.37.8"        # pyproject.toml pins xlwings==this; the build embeds its VBA
STEPS = ("save", "close", "refresh", "reopen")


@dataclass(frozen=True)
class Plan:
    steps: tuple[str, ...]       # STEPS, or () when refused
    message: str = ""            # why it is refused (shown in Excel), else ""


def embedded_xlwings(path) -> str | None:
    """The xlwings version whose VBA the workbook at ``path`` carries (its XLWINGS_VERSION
    constant), or None."""
    from .vba import macros
    code = macros(path).get("xlwings", "")
    m = re.search(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', code)
    return m.group(1) if m else None


def installed_xlwings() -> str | None:
    from importlib import metadata
    try:
        return metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        return None


def plan(path: str | Path, on_disk: bool, embedded: str | None, installed: str | None) -> Plan:
    """What the button does for the workbook at ``path`` (``on_disk``: it has been saved
    as a file), whose VBA is xlwings ``embedded``, run by xlwings ``installed``."""
    path = Path(path)
    if not on_disk:
        return Plan((), "Save the workbook as an .xlsm file first; the refresh works on the "
                        "file. Nothing was changed.")
    if path.suffix.lower() != ".xlsm":
        return Plan((), f"{path.name} is not the macro-enabled model workbook (.xlsm). Nothing "
                        "was changed.")
    if embedded is None:
        return Plan((), f"{path.name} carries no xlwings VBA of a known version; rebuild it with "
                        "python -m model build. Nothing was changed.")
    if installed != embedded:
        have = f"xlwings {installed}" if installed else "no xlwings"
        return Plan((), f"The Refresh button in {path.name} is xlwings {embedded}'s, but the "
                        f"Python that runs it has {have}. Install the same version in that Python "
                        f'(pip install "xlwings=={embedded}"), or rebuild the workbook with '
                        "python -m model build. Nothing was changed.")
    return Plan(STEPS)
