"""The embedded Prefect server's SQLite writes (dondoc/orchestration/prefect_server.py), on Prefect's own
SQLite configuration class and a real database file: a transaction that reads, then writes after another
connection committed, fails at once under Prefect's default (what the API answers with 503) and waits
for its turn once write transactions begin IMMEDIATE."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from prefect.server.database import configurations

from dondoc.orchestration import prefect_server


async def _read_then_write_while_another_writes(url: str) -> list[str]:
    config = configurations.AioSqliteConfiguration(connection_url=url)
    engine = await config.engine()
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY)"))
    first_has_read = asyncio.Event()
    outcomes: list[str] = []

    async def first() -> None:  # create_task_run's shape: look for the key, then insert it
        session = await config.session(engine)
        try:
            async with config.begin_transaction(session):
                await session.execute(sa.text("SELECT count(*) FROM run WHERE key = 'a'"))
                first_has_read.set()
                await asyncio.sleep(0.5)  # the other writer commits meanwhile, or waits for us
                await session.execute(sa.text("INSERT INTO run VALUES ('a')"))
            outcomes.append("first committed")
        except sa.exc.OperationalError as error:
            outcomes.append(f"first failed: {error.orig}")
        finally:
            await session.close()

    async def second() -> None:
        await first_has_read.wait()
        session = await config.session(engine)
        try:
            async with config.begin_transaction(session):
                await session.execute(sa.text("INSERT INTO run VALUES ('b')"))
            outcomes.append("second committed")
        finally:
            await session.close()

    await asyncio.gather(first(), second())
    await engine.dispose()
    configurations.ENGINES.clear()
    return outcomes


def _run(tmp_path: Path) -> list[str]:
    return asyncio.run(_read_then_write_while_another_writes(f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}"))


def test_prefects_default_fails_a_read_then_write_transaction(tmp_path: Path) -> None:
    """Upstream behaviour of the pinned Prefect: if this starts passing, the workaround can go."""
    outcomes = _run(tmp_path)
    assert "second committed" in outcomes
    assert any(o.startswith("first failed") and "locked" in o for o in outcomes), outcomes


def test_immediate_write_transactions_queue_instead_of_failing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        configurations.AioSqliteConfiguration, "begin_transaction", configurations.AioSqliteConfiguration.begin_transaction
    )
    assert prefect_server.begin_sqlite_writes_immediate()
    assert prefect_server.begin_sqlite_writes_immediate()  # applying it twice is harmless
    assert _run(tmp_path) == ["first committed", "second committed"]
