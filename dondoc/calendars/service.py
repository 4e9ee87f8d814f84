"""Calendar use cases shared by the CLI and the Prefect flow: write feed files, manage tokens.

The feeds (:mod:`dondoc.calendars.store`: icalendar, the ORM models) are imported by the functions
that build or change them: ``dondoc calendar-token list`` reads through :mod:`dondoc.calendars.tokens`
(Core tables on a Core connection) and loads neither.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dondoc.clock import utc_now
from dondoc.db import read_scope, session_scope
from dondoc.domain.text import slug
from dondoc.errors import InputError

if TYPE_CHECKING:

    from dondoc.calendars.caldav_publish import PublishResult
    from dondoc.calendars.store import FeedSpec
    from dondoc.calendars.tokens import TokenRow
    from dondoc.models.calendar import CalendarToken


@dataclass(frozen=True)
class WrittenFeed:
    feed: str
    path: Path
    events: int
    rebuilt_events: int
    from_cache: bool
    bytes: int


#: Calendar files are for others to read (a web server, a shared folder): rw-r--r--.
FEED_FILE_MODE = 0o644


def file_name(spec: FeedSpec) -> str:
    """``agency-dn-so-noi-vu.ics``, ``directive-11677-ubnd-hcc.ics``: ASCII, no slashes."""
    return f"{spec.scope}-{slug(spec.key) or 'feed'}.ics"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, FEED_FILE_MODE)  # mkstemp makes 0600; a published calendar is read by others
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def feed_text(spec: FeedSpec, *, as_of: date, now: datetime | None = None) -> tuple[str, int]:
    from dondoc.calendars.store import render

    with session_scope() as session:
        feed = render(spec, as_of=as_of, now=now, session=session)
    return feed.body, feed.events


def write_feed(spec: FeedSpec, out: Path, *, as_of: date, now: datetime | None = None) -> WrittenFeed:
    from dondoc.calendars.store import render

    if out.is_dir():
        raise InputError(f"--out {out}: is a folder; give a file name such as {out / file_name(spec)}")
    with session_scope() as session:
        feed = render(spec, as_of=as_of, now=now, session=session)
    _write_atomically(out, feed.body)
    return WrittenFeed(feed.spec.cache_key, out, feed.events, feed.rebuilt_events, feed.from_cache, len(feed.body.encode()))


def write_all(
    out_dir: Path,
    *,
    as_of: date,
    province: str | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[WrittenFeed]:
    """One file per agency and per directive (plus one per province) into ``out_dir``;
    ``progress(done, total, feed)`` after each feed is built."""
    from dondoc.calendars.store import FeedSpec, all_specs, render
    from dondoc.directives.listing import directive_provinces

    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir}: with --all give a folder, not a file")
    with session_scope() as session:
        specs = all_specs(province=province, session=session)
        provinces = [province] if province else directive_provinces(session=session)
        specs += [FeedSpec("province", p) for p in provinces]
        rendered = []
        for done, spec in enumerate(specs, 1):
            rendered.append(render(spec, as_of=as_of, now=now, session=session))
            if progress:
                progress(done, len(specs), spec.cache_key)
    written: list[WrittenFeed] = []
    for feed in rendered:
        path = out_dir / file_name(feed.spec)
        _write_atomically(path, feed.body)
        written.append(
            WrittenFeed(feed.spec.cache_key, path, feed.events, feed.rebuilt_events, feed.from_cache, len(feed.body.encode()))
        )
    return written


def agencies_with_events(*, as_of: date, province: str | None = None) -> list[str]:
    from dondoc.calendars.store import all_specs, render

    with session_scope() as session:
        specs = [s for s in all_specs(province=province, session=session) if s.scope == "agency"]
        return [s.key for s in specs if render(s, as_of=as_of, session=session).events > 0]


@dataclass(frozen=True)
class Issued:
    id: int
    token: str
    spec: FeedSpec


def issue(spec: FeedSpec, *, label: str | None) -> Issued:
    from dondoc.calendars.store import FeedSpec, issue_token
    from dondoc.models.calendar import CalendarToken

    with session_scope() as session:
        token_id, token = issue_token(spec, label=label, now=utc_now(), session=session)
        row = session.get(CalendarToken, token_id)
        assert row is not None
        return Issued(token_id, token, FeedSpec(spec.scope, row.key))


def revoke(token_id: int) -> CalendarToken:
    from dondoc.calendars.store import revoke_token

    with session_scope() as session:
        return revoke_token(token_id, now=utc_now(), session=session)


def tokens(*, key: str | None = None) -> list[TokenRow]:
    from dondoc.calendars.tokens import list_tokens

    with read_scope() as connection:
        return list_tokens(key=key, session=connection)


def publish_to_caldav(
    url: str,
    *,
    user: str | None,
    password_env: str | None,
    as_of: date,
    province: str | None,
    agencies: Sequence[str] = (),
    option: str = "--password-env",
) -> list[PublishResult]:
    """Publish each agency's feed (default: every agency with events) to its own CalDAV calendar.

    The password is read here, from the environment variable named ``password_env``, never passed
    around (a flow or task parameter would be stored by Prefect).
    """
    from dondoc.calendars.caldav_publish import publish

    password = None
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise InputError(f"{option} {password_env}: that environment variable is not set here; export it first")
    codes = list(agencies) or agencies_with_events(as_of=as_of, province=province)
    return publish(url, codes, username=user, password=password, as_of=as_of)
