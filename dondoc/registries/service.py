"""Registry use cases for the CLI: the agencies in force on a day."""

from __future__ import annotations

from datetime import date

from dondoc.db import read_scope
from dondoc.registries.queries import AgencyRow, in_force, stored_state


def agencies_in_force(province: str | None, on: date | None) -> list[AgencyRow]:
    """The registry of ``province`` (all provinces when None) in force on ``on`` (every agency ever when None)."""
    with read_scope() as connection:
        return in_force(stored_state(session=connection, province=province), province, on)
