"""The one place that creates the database engine and sessions.

The engine is built lazily from settings (never at import time) and cached per URL,
so tests can point ``DONDOC_DATABASE_URL`` at a temporary database and call
:func:`reset_engine`.

Two units of work: :func:`session_scope` (an ORM session, for everything that writes or reads
models) and :func:`read_scope` (one Core connection, for the read commands that select from
:mod:`dondoc.db.tables`). Only the first imports the ORM: SQLModel and ``sqlalchemy.orm`` are
~40 % of ``import sqlmodel``, which ``dondoc tasks`` would otherwise pay for a Core select.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event

from dondoc.configuration.settings import get_settings

if TYPE_CHECKING:
    from sqlmodel import Session

_engines: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def get_engine(url: str | None = None) -> Engine:
    settings = get_settings()
    url = url or settings.effective_database_url
    engine = _engines.get(url)
    if engine is None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=settings.echo_sql, future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        _engines[url] = engine
    return engine


def upsert_insert(session: Session) -> Any:
    """The dialect's INSERT construct with ``on_conflict_do_*`` (PostgreSQL or SQLite) for set-based upserts."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def reset_engine() -> None:
    """Dispose cached engines (tests, or after settings changed)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    get_settings.cache_clear()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (all or nothing).

    The first session of an engine checks that the schema is current (``dondoc migrate``).
    """
    from sqlmodel import Session

    from dondoc.db.migrate import require_current

    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        require_current(engine, session.connection())
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_scope(url: str | None = None) -> Iterator[Connection]:
    """One Core connection for a read (its transaction rolled back at the end: nothing is written).

    Like :func:`session_scope`, its first use on an engine checks that the schema is current.
    """
    from dondoc.db.migrate import require_current

    engine = get_engine(url)
    with engine.connect() as connection:
        require_current(engine, connection)
        yield connection
