"""Leases: at most one holder of a named piece of work (a reminder sweep of a scope, an import) at a time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from dondoc.db.types import AwareDateTime


class Lease(SQLModel, table=True):
    """A row per held lease; it expires if its holder dies (kill -9, lost machine) without releasing it.

    A table row rather than a PostgreSQL advisory lock so that SQLite and PostgreSQL behave the same
    and an operator can see who holds what (``holder`` = host:pid:random).
    """

    __tablename__ = "lease"

    name: str = Field(primary_key=True, max_length=120, description="What is leased, e.g. reminders:dong-nai or import")
    holder: str = Field(max_length=120, description="host:pid:token of the process holding it")
    acquired_at: datetime = Field(sa_type=AwareDateTime)
    expires_at: datetime = Field(sa_type=AwareDateTime, description="Renewed while the holder works; a later process may take it after this instant")
