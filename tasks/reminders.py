"""Prefect task of the daily sweep: deliver today's reminder digests (thin: the service decides)."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.retry import retry_unless_user_error


@task(
    name="reminders", retries=2, retry_delay_seconds=[60, 300], cache_policy=NO_CACHE, retry_condition_fn=retry_unless_user_error
)
def reminder_step(as_of: date, province: str | None = None, dry_run: bool = False) -> dict[str, Any]:
    """One reminder sweep as of ``as_of``. Idempotent: the ledger makes a re-run send nothing twice."""
    from dondoc.reminders.service import remind

    result = remind(as_of, province=province, dry_run=dry_run).as_json()
    for digest in result["digests"]:
        digest.pop("text", None)
    return result
