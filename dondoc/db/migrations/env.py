"""Alembic environment: migrates the database named by dondoc settings (or the caller's connection)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import dondoc.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from dondoc.db import get_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    with get_engine(config.get_main_option("sqlalchemy.url") or None).connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()


run_migrations_online()
