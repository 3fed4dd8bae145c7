"""The toy margin model, declared once: two input rows (revenue, cost) over a few quarters,
gross profit and gross margin calculated, two checks. Built only from model.core."""
from __future__ import annotations

from dataclasses import dataclass

from model.core.spec import CalcRow, Check, Scalar, given, k

KEY = "toy_margin"
COVER, INPUTS, ASSUMPTIONS, CALCS, CHECKS, SOURCES = (
    "Cover", "Inputs", "Assumptions", "Calculations", "Checks", "Sources")
WORKSHEETS = (COVER, INPUTS, ASSUMPTIONS, CALCS, CHECKS, SOURCES)
TIMELINE_SHEETS = (INPUTS, CALCS, CHECKS)
PERIOD_REGEX = r"^FY\d{4} Q[1-4]$"
ENTITY = "Toy"
BASES = ("reported", "estimate", "approx", "lower_bound", "derived")


@dataclass(frozen=True)
class InputRow:
    metric: str
    label: str
    unit: str = "$M"

    @property
    def key(self) -> str:
        return f"{ENTITY}.{self.metric}"


INPUT_ROWS = (InputRow("revenue", "Revenue ($M)"), InputRow("cost", "Cost of sales ($M)"))
INPUT_KEYS = {r.key: r for r in INPUT_ROWS}
SCALARS = (
    Scalar("margin_bound", "Largest plausible absolute margin (%)", "%", 1.0,
           "Margins beyond +/- this fail the bounds check.", valid=(0.0, 1.0)),
)
CALC_ROWS = (
    CalcRow("gross_profit", "Gross profit ($M)", "$M",
            given([k("Toy.revenue"), k("Toy.cost")], "{Toy.revenue}-{Toy.cost}"), "Toy_GrossProfit"),
    CalcRow("gross_margin", "Gross margin (%)", "%",
            given([k("gross_profit"), k("Toy.revenue")], "{gross_profit}/{Toy.revenue}",
                  also=["{Toy.revenue}=0"]), "Toy_GrossMargin"),
)
CHECKS_LIST = (
    Check("cost_sign", "No negative cost",
          given([k("Toy.cost")], "IF({Toy.cost}<0,1,0)", blank="0")),
    Check("margin_bounds", "Gross margin within the plausible bound",
          given([k("gross_margin")], "IF(ABS({gross_margin})>{$margin_bound},1,0)", blank="0")),
)


def defined_names() -> dict[str, str]:
    return {"Toy_Revenue": "Toy.revenue", **{r.name: r.key for r in CALC_ROWS if r.name}}
