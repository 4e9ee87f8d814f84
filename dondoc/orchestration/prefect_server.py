"""``python -m dondoc.orchestration.prefect_server server start …``: Prefect's own CLI, with every
write transaction on a SQLite database begun ``IMMEDIATE``.

Why: Prefect begins a SQLite write transaction ``DEFERRED`` unless the caller asks for a row lock.
Such a transaction reads first (``create_task_run`` looks for an existing run with the same key), then
writes; if another connection committed a write in between, SQLite cannot upgrade the read snapshot
and answers ``SQLITE_BUSY`` at once, without waiting for its busy timeout. The API turns that into a
503 that the client retries (upstream: PrefectHQ/prefect#18934). A 100-directive sweep met ~25 of
them. Begun ``IMMEDIATE``, a write transaction takes the write lock before its first read and waits
for it (busy timeout 60 s), so writers queue instead of failing; readers are not affected (WAL).

Only the embedded server runs through this (``dondoc stack up``, the Prefect benchmarks); on
PostgreSQL Prefect uses another configuration class and nothing here applies. If a Prefect upgrade
renames what is patched, the server still starts, unpatched, and says so in its log
(tests/test_prefect_server.py fails on that upgrade so the change is looked at).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

logger = logging.getLogger("dondoc.prefect_server")


def begin_sqlite_writes_immediate() -> bool:
    """Make Prefect's SQLite configuration begin every write transaction ``IMMEDIATE``; True if applied."""
    try:
        from prefect.server.database import configurations
    except ImportError:  # pragma: no cover - prefect is a dependency
        return False
    config = getattr(configurations, "AioSqliteConfiguration", None)
    mode = getattr(configurations, "SQLITE_BEGIN_MODE", None)
    if config is None or mode is None or not hasattr(config, "begin_transaction"):
        logger.warning("Prefect's SQLite configuration has changed: write transactions keep Prefect's default (DEFERRED)")
        return False
    if getattr(config.begin_transaction, "__dondoc_immediate__", False):
        return True

    @asynccontextmanager
    async def begin_transaction(self: Any, session: Any, with_for_update: bool = False) -> AsyncGenerator[Any, None]:
        token = mode.set("IMMEDIATE")
        try:
            async with session.begin() as transaction:
                yield transaction
        finally:
            mode.reset(token)

    begin_transaction.__dondoc_immediate__ = True  # type: ignore[attr-defined]
    config.begin_transaction = begin_transaction
    return True


def main() -> int:
    begin_sqlite_writes_immediate()
    from prefect.cli import app

    sys.argv[0] = "prefect"
    app()
    return 0


if __name__ == "__main__":
    sys.exit(main())
