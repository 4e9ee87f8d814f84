"""Prefect task of the daily sweep: deliver today's reminder digests (thin: the service decides)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tasks.policy import side_effect_task


@side_effect_task("reminders", delays=(60, 300))
def reminder_step(as_of: date, province: str | None = None, dry_run: bool = False) -> dict[str, Any]:
    """One reminder sweep as of ``as_of``. Idempotent: the ledger makes a re-run send nothing twice."""
    from dondoc.reminders.service import remind

    result = remind(as_of, province=province, dry_run=dry_run).as_json()
    for digest in result["digests"]:
        digest.pop("text", None)
    return result
