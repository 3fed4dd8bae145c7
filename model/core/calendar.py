"""Fiscal quarters on one calendar: each company's quarter sits in the calendar quarter
that holds its middle month.

Companies close their years in different months (Lenovo March, Dell late January or
early February on a 52/53-week year, HPE October, Supermicro June), so "Q3" means
different months at each. To put them side by side, a fiscal quarter is labelled by
the calendar quarter of its middle month: Dell's fiscal Q3 2026 (August to October
2025) is 2025 Q3; Lenovo's FY2025/26 Q1 (April to June 2025) is 2025 Q2.

Two ways to the same answer, and each checks the other: from the quarter's last day
(the middle of a 13- or 14-week quarter is 6 to 7 weeks before its end), and from the
company's fiscal calendar (the month its year ends).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Month in which each company's fiscal year ends, and how its year is named:
# 'end' = named for the calendar year it ends in (Dell FY2026 ends January 2026),
# 'start' = named for the year it starts in (Lenovo FY2025/26 starts April 2025).
FISCAL_YEAR_END = {
    "Lenovo": (3, "start"),
    "Dell": (1, "end"),          # 52/53 weeks, ending on the Friday nearest 31 January
    "HPE": (10, "end"),
    "Supermicro": (6, "end"),
}


@dataclass(frozen=True, order=True)
class CalendarQuarter:
    year: int
    q: int

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.q}"

    @property
    def index(self) -> int:
        return self.year * 4 + self.q - 1

    def shifted(self, n: int) -> "CalendarQuarter":
        i = self.index + n
        return CalendarQuarter(i // 4, i % 4 + 1)


def _of_month(year: int, month: int) -> CalendarQuarter:
    return CalendarQuarter(year, (month - 1) // 3 + 1)


def from_period_end(period_end: date) -> CalendarQuarter:
    """The calendar quarter of the middle month of the quarter that ends on ``period_end``
    (13 weeks, or 14 in a 53-week year: the middle is 45 to 49 days before the end)."""
    middle = period_end - timedelta(days=45)
    return _of_month(middle.year, middle.month)


def _start_year(fiscal_year: str) -> int:
    m = re.match(r"^(?:FY)?(\d{4})(?:/\d{2})?$", fiscal_year.strip())
    if not m:
        raise ValueError(f"fiscal year {fiscal_year!r} is not like FY2026, 2025/26 or FY2025/26")
    return int(m.group(1))


def from_fiscal(company: str, fiscal_year: str, fiscal_quarter: str) -> CalendarQuarter:
    """The same from the company's fiscal calendar alone."""
    if company not in FISCAL_YEAR_END:
        raise ValueError(f"no fiscal calendar for {company!r} (known: {', '.join(FISCAL_YEAR_END)})")
    end_month, naming = FISCAL_YEAR_END[company]
    q = int(fiscal_quarter.strip().upper().lstrip("Q"))
    if not 1 <= q <= 4:
        raise ValueError(f"fiscal quarter {fiscal_quarter!r} is not Q1-Q4")
    year = _start_year(fiscal_year)
    end_year = year + 1 if naming == "start" else year        # the calendar year the FY ends in
    # months counted from year 0: the fiscal year's last month, then back to this quarter's middle
    last = end_year * 12 + end_month - 1
    middle = last - 3 * (4 - q) - 1
    return _of_month(middle // 12, middle % 12 + 1)


def calendar_quarter(company: str, fiscal_year: str, fiscal_quarter: str,
                     period_end: date | None = None) -> CalendarQuarter:
    """The calendar quarter of a fiscal quarter; with its last day, both ways must agree."""
    by_calendar = from_fiscal(company, fiscal_year, fiscal_quarter)
    if period_end is not None and from_period_end(period_end) != by_calendar:
        raise ValueError(f"{company} {fiscal_year} {fiscal_quarter} ending {period_end} falls in "
                         f"{from_period_end(period_end).label}, but {company}'s fiscal calendar "
                         f"puts it in {by_calendar.label}")
    return by_calendar
