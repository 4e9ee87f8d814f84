"""How numbers are written for people: the one Vietnamese format of every form (DOCX, XLSX,
Markdown, the Prefect artifacts and state names, the CLI): decimal comma, one decimal for rates,
a space before the percent sign — ``4,0 %``. Machine-readable forms (CSV, JSON) keep plain
decimals (``4.0``) and name their unit instead.
"""

from __future__ import annotations

#: Shown where a rate cannot be computed (nothing was due).
NO_VALUE = "—"


def decimal_vi(value: float, digits: int = 1) -> str:
    """``4,0``; ``12,5``; ``-3,0`` — a fixed number of decimals with a decimal comma."""
    return f"{value:.{digits}f}".replace(".", ",")


def percent_vi(value: float | None, digits: int = 1) -> str:
    """``4,0 %``; ``100,0 %``; ``—`` when there is no value."""
    return NO_VALUE if value is None else f"{decimal_vi(value, digits)} %"
