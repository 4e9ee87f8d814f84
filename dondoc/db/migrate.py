"""Schema migrations (Alembic), run programmatically so no alembic.ini is needed.

The database has one lifecycle: ``dondoc migrate`` (run by ``./run``, ``dondoc stack up``, the demo,
the test fixtures and each flow's start) brings it to the latest schema; every session checks once
per engine that it is current and otherwise says to run ``dondoc migrate``. Feature migrations
branch from the core revision; ``upgrade("heads")`` applies them all.
"""

from __future__ import annotations

import re
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from dondoc.errors import DondocError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_current: weakref.WeakSet[Engine] = weakref.WeakSet()


class SchemaNotCurrent(DondocError):
    """The database has no schema yet, or an older one than this version of dondoc."""


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


_REVISION = re.compile(r"^revision(?:\s*:[^=]*)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]*)?\s*=\s*(.+)$", re.MULTILINE)


@lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    """The revisions nothing revises, read from the revision files' ``revision``/``down_revision`` lines.

    What Alembic's ``ScriptDirectory.get_heads()`` returns (a test checks they agree), without
    importing Alembic: every command's first session asks, and Alembic costs ~1 s to import.
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        down = _DOWN.search(source)
        if found is None or down is None:
            raise DondocError(f"{path}: no revision/down_revision line; is this a migration file?")
        revisions.add(found.group(1))
        revised.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions - revised)


def upgrade(engine: Engine | None = None) -> None:
    """Bring the database to the latest schema (idempotent; a no-op when it is current)."""
    from alembic import command

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
    revisions = _stamped(connection)
    if revisions != _heads():
        where = engine.url.render_as_string(hide_password=True)
        state = "has no dondoc schema" if not revisions else "has an older dondoc schema"
        raise SchemaNotCurrent(f"database {where} {state}: run `dondoc migrate` first")
    _current.add(engine)


def _stamped(connection: Connection) -> frozenset[str]:
    """The revisions recorded in ``alembic_version`` (empty without the table), as Alembic reads them."""
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(v for (v,) in connection.execute(text("SELECT version_num FROM alembic_version")))
