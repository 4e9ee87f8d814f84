"""Prefect task of the daily sweep: deliver today's reminder digests (thin: the service decides)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tasks.policy import side_effect_task


class DeliveryFailed(RuntimeError):
    """Some digests were not delivered: the task fails (red run, retries fire) after the ledger recorded them."""


@side_effect_task("reminders", delays=(60, 300))
def reminder_step(as_of: date, province: str | None = None, dry_run: bool = False) -> dict[str, Any]:
    """One reminder sweep as of ``as_of``. Idempotent: the ledger makes a re-run send nothing twice.

    Fails when any delivery failed, so Prefect retries (a retry resends only what failed) and the run
    shows red with the counts in its state message; a sweep of the same scope still running makes it
    fail with a BusyError, which is retried too.
    """
    from prefect.runtime import task_run

    from dondoc.reminders.service import failure_summary, remind

    retrying = int(task_run.run_count or 1) > 1  # a Prefect retry resends what failed now, not after the ledger's backoff
    sweep = remind(as_of, province=province, dry_run=dry_run, retry_failed_now=retrying)
    problem = failure_summary(sweep)
    if problem:
        raise DeliveryFailed(problem)
    result = sweep.as_json()
    for digest in result["digests"]:
        digest.pop("text", None)
    return result
