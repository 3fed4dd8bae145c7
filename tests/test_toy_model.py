"""A third model proves the shape: tests/toy_model is its own package, its Cover text and its
data, and one registry line (added here for the test only). It builds, audits clean,
refreshes with a new quarter (audited clean again), and diffs, through the same commands
as the two real models, with no change to a shared module."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model import models
from model.__main__ import main

from .toy_model import HERE, REGISTRY_LINE

DATA = HERE / "toy_quarterly.csv"
NEW_QUARTER = ("FY2025 Q4,2025-12-31,revenue,130,reported,Toy results Q4,https://example.com/toy/q4\n"
               "FY2025 Q4,2025-12-31,cost,100,approx,Toy results Q4,https://example.com/toy/q4\n")


@pytest.fixture
def toy(monkeypatch):
    """The toy model, registered by one line for the length of a test."""
    key, where = REGISTRY_LINE
    monkeypatch.setitem(models.REGISTRY, key, where)
    monkeypatch.setattr(models, "_CACHE", dict(models._CACHE))
    yield models.get(key)


@pytest.fixture
def built(toy, tmp_path, capsys) -> Path:
    out = tmp_path / "toy_margin.xlsx"
    assert main(["build", "--model", toy.key, "--data", str(DATA), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def _newer_data(tmp_path) -> Path:
    data = tmp_path / "toy_newer.csv"
    data.write_text(DATA.read_text(encoding="utf-8") + NEW_QUARTER, encoding="utf-8")
    return data


def test_the_toy_builds_and_is_found_from_its_stamp(toy, built):
    from model.core.workbook import Workbook
    wb = Workbook.read(built)
    assert models.of_book(wb).key == "toy_margin"
    cells = wb.cells
    assert [cells["Inputs"][(3, c)] for c in (5, 6, 7)] == ["FY2025 Q1", "FY2025 Q2", "FY2025 Q3"]
    assert set(wb.book().names) >= {"Periods", "Toy_Revenue", "Toy_GrossProfit", "Toy_GrossMargin"}


def test_the_toy_audits_clean_without_the_engine(toy, built):
    from model.audit import inspect
    insp = inspect(built)
    assert [str(f) for f in insp.findings] == []
    # the independent recompute, by hand from the CSV: 100-80, 110-85, 120-99
    assert insp.expected.calcs["gross_profit"] == {"FY2025 Q1": 20.0, "FY2025 Q2": 25.0, "FY2025 Q3": 21.0}
    assert insp.expected.calcs["gross_margin"]["FY2025 Q2"] == pytest.approx(25 / 110)


def test_the_toy_refreshes_with_a_new_quarter_and_diffs(toy, built, tmp_path, capsys):
    before = tmp_path / "before.xlsx"
    shutil.copyfile(built, before)
    assert main(["refresh", str(built), "--data", str(_newer_data(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "FY2025 Q4" in out
    from model.audit import inspect
    insp = inspect(built)
    assert [str(f) for f in insp.findings] == []
    assert insp.expected.calcs["gross_profit"]["FY2025 Q4"] == 30.0
    assert main(["diff", str(before), str(built), "--no-values", "--json"]) == 1
    changes = capsys.readouterr().out
    assert "FY2025 Q4" in changes and "Toy.revenue" in changes


@pytest.mark.engine
def test_the_toy_audits_clean_in_libreoffice_before_and_after_a_refresh(toy, built, tmp_path, capsys, lo):
    assert main(["audit", str(built)]) == 0, capsys.readouterr()
    assert main(["refresh", str(built), "--data", str(_newer_data(tmp_path))]) == 0
    capsys.readouterr()
    assert main(["audit", str(built)]) == 0, capsys.readouterr()
    assert "clean" in capsys.readouterr().out


def test_the_toy_needs_no_shared_module_to_know_it():
    """Nothing in model/ names the toy: it lives in its own package, cover and data."""
    hits = [p for p in Path(models.__file__).parent.rglob("*.py") if "toy" in p.read_text(encoding="utf-8").lower()]
    assert hits == []
    assert {p.name for p in HERE.iterdir() if p.is_file()} >= {
        "__init__.py", "spec.py", "data.py", "inputs.py", "layout.py", "reader.py", "reference.py",
        "cover.txt", "toy_quarterly.csv"}
