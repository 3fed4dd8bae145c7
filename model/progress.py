"""Progress on a terminal, silence in a pipe or a log.

    with Progress(len(books), "auditing") as step:
        for b in books:
            step(b.name)          # '[2/5] auditing lenovo_isg.xlsm' on one rewritten line

Shown only when there is more than one step and standard error is a terminal
(``isatty()``), so CI logs, pipes and redirects stay as they were.
"""
from __future__ import annotations

import sys


class Progress:
    def __init__(self, total: int, what: str, stream=None):
        self.total, self.what, self.done = total, what, 0
        self.stream = stream if stream is not None else sys.stderr
        try:
            self.shown = total > 1 and bool(self.stream.isatty())
        except (AttributeError, ValueError):
            self.shown = False
        self._width = 0

    def __call__(self, item: str = "") -> None:
        self.done += 1
        if not self.shown:
            return
        line = f"[{self.done}/{self.total}] {self.what} {item}".rstrip()
        pad = " " * max(0, self._width - len(line))
        self._width = len(line)
        self.stream.write(f"\r{line}{pad}")
        self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.shown and self._width:
            self.stream.write("\r" + " " * self._width + "\r")     # leave the terminal clean
            self.stream.flush()
