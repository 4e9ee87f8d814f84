"""Retry a whole transaction while the database is busy, for a bounded time.

SQLite lets one writer at a time: a second writer waits ``busy_timeout`` and, when its read snapshot
went stale meanwhile (WAL), fails at once with "database is locked" whatever the timeout. PostgreSQL
reports the same situation as a deadlock or a serialization failure. In every case the transaction
was rolled back, so running the unit of work again from the start is safe; after ``seconds`` the
caller gets a one-line :class:`~dondoc.errors.BusyError` instead of a traceback.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from dondoc.configuration.settings import get_settings
from dondoc.errors import BusyError

log = logging.getLogger(__name__)
T = TypeVar("T")

_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
_PG_RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def is_busy(exc: BaseException) -> bool:
    """A lock conflict that a later attempt of the same transaction can get past."""
    if not isinstance(exc, DBAPIError):
        return False
    if getattr(exc.orig, "sqlstate", None) in _PG_RETRYABLE or getattr(exc.orig, "pgcode", None) in _PG_RETRYABLE:
        return True
    return any(text in str(exc.orig).lower() for text in _SQLITE_BUSY)


def busy_message(what: str, seconds: float) -> str:
    return (
        f"{what}: cơ sở dữ liệu vẫn bận sau {seconds:.0f} giây (một tiến trình khác đang ghi); "
        "chạy lại sau ít phút, hoặc tăng DONDOC_BUSY_SECONDS"
    )


def retry_busy(work: Callable[[], T], *, what: str, seconds: float | None = None) -> T:
    """Run ``work`` (one whole transaction) again while the database is busy, at most ``seconds`` in all."""
    budget = get_settings().busy_seconds if seconds is None else seconds
    deadline = time.monotonic() + budget
    attempt = 0
    while True:
        try:
            return work()
        except DBAPIError as exc:
            if not is_busy(exc):
                raise
            attempt += 1
            left = deadline - time.monotonic()
            if left <= 0:
                raise BusyError(busy_message(what, budget)) from exc
            pause = min(left, min(1.0, 0.02 * 2**attempt) * (0.5 + random.random()))
            log.info("%s: database busy (attempt %d), retrying in %.2f s", what, attempt, pause)
            time.sleep(pause)
