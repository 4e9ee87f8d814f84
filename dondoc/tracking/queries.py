"""Reads for tracking: which directives are in force."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from dondoc.models import Directive


def directive_windows(province: str | None = None, *, session: Session) -> list[tuple[str, date, date | None]]:
    """(code, start, end) of every directive (of a province), by province and code."""
    stmt = select(col(Directive.code), col(Directive.start_date), col(Directive.end_date)).order_by(
        col(Directive.province), col(Directive.code)
    )
    if province:
        stmt = stmt.where(col(Directive.province) == province)
    return [(code, start, end) for code, start, end in session.execute(stmt).all()]
