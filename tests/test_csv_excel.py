"""Issue 19 item 10: data files as Excel (or LibreOffice) saves them. Short dates
(6/30/2025) are read; UTF-16 ('Unicode Text') and Windows-1252 files are refused with
how to save as CSV UTF-8; one message per kind of problem, with the rows counted."""

import csv
import io
from datetime import datetime

import pytest

from model.__main__ import main
from model.core.dataset import DataError
from model.lenovo.data import load
from model.peers.data import load as load_peers

from .conftest import DATA, ROOT

PEERS = ROOT / "data" / "peers_quarterly.csv"


def _rows(path=DATA):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path, rows, encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)       # Excel ends lines with CRLF
    path.write_bytes(buf.getvalue().encode(encoding, "replace"))  # '?' for what the code page lacks
    return path


def _short(iso: str, day_first: bool, sep: str = "/") -> str:
    d = datetime.strptime(iso, "%Y-%m-%d")
    return f"{d.day}{sep}{d.month}{sep}{d.year}" if day_first else f"{d.month}{sep}{d.day}{sep}{d.year}"


@pytest.mark.parametrize("day_first, sep", [(False, "/"), (True, "/"), (True, ".")])
def test_short_dates_as_excel_saves_them_are_read(tmp_path, day_first, sep):
    """Item 10: every period_end as 6/30/2025 (US Excel), 30/6/2025 or 30.6.2025 reads as
    the ISO date it was."""
    rows = _rows()
    col = rows[0].index("period_end")
    want = {}
    for i, r in enumerate(rows[1:], start=2):
        if r[col]:
            want[i] = datetime.strptime(r[col], "%Y-%m-%d").date()
            r[col] = _short(r[col], day_first, sep)
    assert len(want) > 100
    got = load(_write(tmp_path / "excel.csv", rows))
    assert {f.row: f.period_end for f in got.figures if f.period_end} == want
    assert [(f.period, f.key, f.value) for f in got.figures] == [(f.period, f.key, f.value) for f in load(DATA).figures]


def test_short_dates_in_the_peers_file_are_read(tmp_path):
    rows = _rows(PEERS)
    col = rows[0].index("period_end")
    for r in rows[1:]:
        if r[col]:
            r[col] = _short(r[col], day_first=False)
    peers = _write(tmp_path / "peers.csv", rows)
    assert [(f.period, f.key, f.value) for f in load_peers([peers, DATA]).figures] == \
        [(f.period, f.key, f.value) for f in load_peers([PEERS, DATA]).figures]


def test_a_date_that_could_be_either_way_names_both_fixes(tmp_path):
    """Item 10: a short date no other date of the file disambiguates is named with both fixes;
    (the peers file's Friday quarter ends, 8/4/2023, are told by the file's other dates)."""
    rows = _rows()
    col = rows[0].index("period_end")
    rows[1][col] = "6/1/2025"
    with pytest.raises(DataError) as err:
        load(_write(tmp_path / "odd.csv", rows))
    assert err.value.problems == [f"{tmp_path / 'odd.csv'}:2: period_end '6/1/2025' could be month/day or "
                                  "day/month (no date in the file tells which); write it as 2025-06-01 "
                                  "or 2025-01-06"]


def test_one_kind_of_problem_on_every_row_is_one_message_with_the_rows_counted(tmp_path, capsys):
    """Item 10: 186 rows with the same fault were 186 error lines."""
    rows = _rows()
    col = rows[0].index("period_end")
    data_rows = [i for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    for r in rows[1:]:
        r[col] = "June 30"
    bad = _write(tmp_path / "bad.csv", rows)
    with pytest.raises(DataError) as err:
        load(bad)
    problem, = err.value.problems
    assert problem.startswith(f"{bad}:2: period_end 'June 30' is not a date like 2025-06-30")
    assert problem.endswith(f"(the same in {len(data_rows)} rows: 2-{data_rows[-1]})")
    assert main(["build", "--data", str(bad), "--out", str(tmp_path / "x.xlsx")]) == 2
    err_text = capsys.readouterr().err
    assert err_text.count("\n") == 2 and not (tmp_path / "x.xlsx").exists()


def test_different_problems_stay_apart(tmp_path):
    rows = _rows()
    header = rows[0]
    rows[1][header.index("entity")] = "Mars"
    rows[2][header.index("value")] = "n/a"
    rows[3][header.index("value")] = "tbd"
    with pytest.raises(DataError) as err:
        load(_write(tmp_path / "two.csv", rows))
    problems = err.value.problems
    assert len(problems) == 2
    assert problems[0].startswith(f"{tmp_path / 'two.csv'}:2: unknown entity 'Mars'")
    assert problems[1] == f"{tmp_path / 'two.csv'}:3: value 'n/a' is not a number (the same in 2 rows: 3-4)"


def test_a_utf16_file_is_refused_with_how_to_save_as_csv_utf8(tmp_path, capsys):
    """Item 10: Excel's 'Unicode Text' (UTF-16, tabs) was reported by byte offset."""
    text = "\r\n".join("\t".join(r) for r in _rows()) + "\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))              # with its byte-order mark, as Excel writes
    with pytest.raises(DataError) as err:
        load(path)
    problem, = err.value.problems
    assert "UTF-16" in problem and "'CSV UTF-8 (Comma delimited) (*.csv)'" in problem
    assert "byte" not in problem
    assert main(["build", "--data", str(path), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert capsys.readouterr().err.count("\n") == 2


def test_a_windows_1252_file_is_refused_naming_its_row_and_the_fix(tmp_path):
    rows = _rows()
    text_rows = [",".join(r) for r in rows]
    first = next(i for i, ln in enumerate(text_rows, start=1)
                 if any(b > 127 for b in ln.encode("cp1252", "replace")))
    path = _write(tmp_path / "ansi.csv", rows, encoding="cp1252")
    with pytest.raises(DataError) as err:
        load(path)
    problem, = err.value.problems
    assert problem.startswith(f"{path}:{first}: the file is not UTF-8 text")
    assert "Windows-1252" in problem and "'CSV UTF-8 (Comma delimited) (*.csv)'" in problem
    with pytest.raises(DataError) as err:                # the peers loader says the same
        load_peers([path, DATA])
    assert "Windows-1252" in err.value.problems[0]
