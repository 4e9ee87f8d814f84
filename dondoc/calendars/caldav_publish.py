"""Publishing the agency feeds to a CalDAV server (the only module that imports ``caldav``).

One calendar per agency (``dondoc-<agency code>``, created when missing). Events are
written by UID, so a republish replaces each changed event in place (PUT to the same
resource) instead of adding a copy; events whose SEQUENCE and LAST-MODIFIED already
match are not sent again. A cancelled instance stays as a STATUS:CANCELLED event (as in
the feed); an event that no longer belongs to the agency's feed at all is deleted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dondoc.calendars.ical import PRODID
from dondoc.calendars.store import FeedSpec, render
from dondoc.db import session_scope
from dondoc.errors import DondocError

_EVENT = re.compile(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", re.S)


@dataclass(frozen=True)
class PublishResult:
    agency: str
    calendar_url: str
    created: int
    updated: int
    unchanged: int
    deleted: int


def _field(ics: str, name: str) -> str | None:
    """A top-level property of a serialised VEVENT (VALARMs carry none of UID, SEQUENCE, LAST-MODIFIED)."""
    unfolded = ics.replace("\r\n ", "")
    match = re.search(rf"^{name}(?:;[^:\r\n]*)?:(.*)$", unfolded, re.M)
    return match.group(1).strip() if match else None


def split_events(body: str) -> dict[str, str]:
    """UID → serialised VEVENT of a feed built by :mod:`dondoc.calendars.ical`."""
    events: dict[str, str] = {}
    for match in _EVENT.finditer(body):
        ics = match.group(0)
        uid = _field(ics, "UID")
        if uid:
            events[uid] = ics
    return events


def _signature(sequence: Any, last_modified: Any) -> tuple[str, str]:
    return (str(sequence or 0), str(last_modified or ""))


def _wrap(ics: str) -> str:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\n{ics}END:VCALENDAR\r\n"


def _calendar(principal: Any, cal_id: str, name: str) -> Any:
    for calendar in principal.calendars():
        if str(calendar.url).rstrip("/").rsplit("/", 1)[-1] == cal_id:
            return calendar
    return principal.make_calendar(name=name, cal_id=cal_id)


def _ical_stamp(value: Any) -> str:
    """LAST-MODIFIED as written in our feeds (UTC, basic format) from a parsed component value."""
    dt = getattr(value, "dt", value)
    if isinstance(dt, datetime):
        return dt.strftime("%Y%m%dT%H%M%SZ")
    return str(dt or "")


def publish_agency(principal: Any, agency: str, *, as_of: date, now: datetime | None = None) -> PublishResult:
    with session_scope() as session:
        feed = render(FeedSpec("agency", agency), as_of=as_of, now=now, session=session)
    code = feed.spec.key
    wanted = split_events(feed.body)
    name = _field(feed.body.split("BEGIN:VEVENT", 1)[0], "X-WR-CALNAME") or f"Hạn nhiệm vụ — {code}"
    calendar = _calendar(principal, f"dondoc-{code}", name)
    existing: dict[str, tuple[Any, tuple[str, str]]] = {}
    for obj in calendar.events():
        component = obj.icalendar_component
        uid = str(component.get("UID", ""))
        existing[uid] = (obj, _signature(component.get("SEQUENCE"), _ical_stamp(component.get("LAST-MODIFIED"))))
    created = updated = unchanged = deleted = 0
    for uid, ics in wanted.items():
        mine = _signature(_field(ics, "SEQUENCE"), _field(ics, "LAST-MODIFIED"))
        found = existing.get(uid)
        if found is None:
            calendar.add_event(_wrap(ics), increase_seqno=False)
            created += 1
        elif found[1] != mine:
            obj = found[0]
            obj.data = _wrap(ics)
            obj.save(increase_seqno=False)
            updated += 1
        else:
            unchanged += 1
    for uid, (obj, _sig) in existing.items():
        if uid.endswith("@dondoc") and uid not in wanted:
            obj.delete()
            deleted += 1
    return PublishResult(code, str(calendar.url), created, updated, unchanged, deleted)


def publish(
    url: str,
    agencies: Sequence[str],
    *,
    username: str | None,
    password: str | None,
    as_of: date,
    now: datetime | None = None,
    progress: Callable[[PublishResult], None] | None = None,
) -> list[PublishResult]:
    """Publish each agency's feed to its own calendar on the server at ``url``."""
    from caldav.davclient import DAVClient
    from caldav.lib.error import AuthorizationError, DAVError

    results: list[PublishResult] = []
    try:
        client: Any = DAVClient(url=url, username=username, password=password, enable_rfc6764=False)
        principal = client.principal()
        for agency in agencies:
            result = publish_agency(principal, agency, as_of=as_of, now=now)
            results.append(result)
            if progress:
                progress(result)
        return results
    except AuthorizationError as exc:
        raise DondocError(f"CalDAV server {url}: login refused; check --user and the password variable ({exc})") from exc
    except DAVError as exc:
        raise DondocError(f"CalDAV server {url}: {type(exc).__name__}: {exc}") from exc
    except OSError as exc:  # connection refused or dropped, DNS, timeout (niquests/requests errors are OSErrors)
        done = (
            f"; {len(results)}/{len(agencies)} agencies were published before the failure (publishing again updates them in place)"
            if results
            else ""
        )
        raise DondocError(
            f"CalDAV server {url}: cannot connect ({_reason(exc)}); check that the server is running and the URL is right, then run again{done}"
        ) from exc


def _reason(exc: BaseException) -> str:
    """The innermost cause in a few words (``Connection refused``), not urllib3's nested repr."""
    text = str(exc)
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    return found.group(1).strip() if found else type(exc).__name__
