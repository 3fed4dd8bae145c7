"""The Excel adapter: the Refresh button runs the command line's refresh on the file.

The handler (model/templates/xlwings_main.py, beside the workbook) calls refresh_book:
it checks that the workbook's xlwings VBA is the installed xlwings' version
(model.button.plan), saves and closes the workbook, runs the same refresh as
``python -m model refresh`` on the file (new quarters and rows included; every edit kept
or named), reopens it and shows the report. The planner is pure and tested without Excel.
"""
from __future__ import annotations

from pathlib import Path

from .button import embedded_xlwings, installed_xlwings, plan


def refresh_book(book, data=None, take_data: bool = False):
    """Refresh the open xlwings Book through its file; tell the person what happened.
    Returns the refresh's Report, or None when nothing was done."""
    from .core.dataset import DataError
    from .refresh import RefreshRefused, refresh
    from .writer import WriteError
    path = Path(book.fullname)
    on_disk = path.is_file()
    todo = plan(path, on_disk, embedded_xlwings(path) if on_disk else None, installed_xlwings())
    if not todo.steps:
        book.app.alert(todo.message)
        return None
    app = book.app
    book.save()
    book.close()
    rep = None
    try:
        rep = refresh(path, data, take_data=take_data)
        message = "\n".join(rep.lines())
    except RefreshRefused as exc:
        message = "\n".join([f"Refused: {exc}", *(str(f) for f in exc.findings[:10])])
    except DataError as exc:
        message = "The data file has problems; nothing was changed:\n" + "\n".join(exc.problems[:10])
    except WriteError as exc:
        message = str(exc)
    finally:
        app.books.open(str(path))
    app.alert(message)
    return rep
