"""Calendar tasks: write the .ics feed files; publish the agency feeds to a CalDAV server.

Both are idempotent (same file names, events replaced by UID), never cached, retried with
short explicit delays; a user error (unknown province, bad folder) fails at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tasks.policy import side_effect_task


@side_effect_task("write-calendar-files")
def write_calendar_files(out_dir: Path, as_of: date, province: str | None) -> list[dict[str, Any]]:
    """One .ics per agency, directive and province; unchanged feeds come from the cache."""
    from dondoc.calendars.service import write_all

    return [{**vars(w), "path": str(w.path)} for w in write_all(out_dir, as_of=as_of, province=province)]


@side_effect_task("publish-caldav", delays=(5, 30))
def publish_caldav(
    url: str, user: str | None, password_env: str | None, as_of: date, province: str | None
) -> list[dict[str, Any]]:
    """Each agency's feed into its own CalDAV calendar; only changed events are sent (the worker reads the password)."""
    from dondoc.calendars.service import publish_to_caldav

    return [
        dict(vars(r))
        for r in publish_to_caldav(
            url, user=user, password_env=password_env, as_of=as_of, province=province, option="caldav_password_env"
        )
    ]
