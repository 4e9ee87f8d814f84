"""Alembic migrations build exactly the schema the SQLModel tables describe (no drift), on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import dondoc.models  # noqa: F401  (registers every table)
from dondoc.db import get_engine


def test_migrations_match_the_models(any_db: str) -> None:
    with get_engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
