"""Schema migrations (Alembic), run programmatically so no alembic.ini is needed.

The database has one lifecycle: ``dondoc migrate`` (run by ``./run``, ``dondoc stack up``, the demo,
the test fixtures and each flow's start) brings it to the latest schema; every session checks once
per engine that it is current and otherwise says to run ``dondoc migrate``. Feature migrations
branch from the core revision; ``upgrade("heads")`` applies them all.
"""

from __future__ import annotations

import weakref
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from dondoc.errors import DondocError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_current: weakref.WeakSet[Engine] = weakref.WeakSet()


class SchemaNotCurrent(DondocError):
    """The database has no schema yet, or an older one than this version of dondoc."""


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


@lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def upgrade(engine: Engine | None = None) -> None:
    """Bring the database to the latest schema (idempotent; a no-op when it is current)."""
    from dondoc.db.engine import get_engine

    engine = engine or get_engine()
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")
    _current.add(engine)


def require_current(engine: Engine, connection: Connection) -> None:
    """Raise a one-line error unless the schema is current (checked once per engine)."""
    if engine in _current:
        return
    revisions = frozenset(MigrationContext.configure(connection).get_current_heads())
    if revisions != _heads():
        where = engine.url.render_as_string(hide_password=True)
        state = "has no dondoc schema" if not revisions else "has an older dondoc schema"
        raise SchemaNotCurrent(f"database {where} {state}: run `dondoc migrate` first")
    _current.add(engine)
