"""Real consumers on loopback: the HTTP feed through uvicorn + httpx, and a Radicale CalDAV server."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from icalendar import Calendar

from dondoc.calendars.caldav_publish import publish
from dondoc.calendars.server import create_app
from dondoc.calendars.service import issue, revoke
from dondoc.calendars.store import FeedSpec
from dondoc.directives import service as services
from tests.helpers import free_port, poll

pytestmark = pytest.mark.e2e
AGENCY = "dn-so-thong-tin-truyen-thong"
AS_OF = date(2023, 12, 6)


@pytest.fixture
def feed_server(seeded_sqlite: str) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(as_of=lambda: AS_OF), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    poll(lambda: httpx.get(f"{base}/healthz").status_code, lambda code: code == 200, timeout=20, what="calendar server /healthz")
    yield base
    server.should_exit = True
    thread.join(timeout=10)


def test_http_feed_tokens_etag_gzip(feed_server: str) -> None:
    mine = issue(FeedSpec("agency", AGENCY), label="Sở TT&TT")
    other = issue(FeedSpec("agency", "dn-so-noi-vu"), label="Sở Nội vụ")
    directive = issue(FeedSpec("directive", "11677/UBND-HCC"), label=None)
    url = f"{feed_server}/calendars/{AGENCY}.ics"
    with httpx.Client(timeout=30) as client:
        ok = client.get(url, params={"token": mine.token})
        assert ok.status_code == 200
        assert ok.headers["content-type"] == "text/calendar; charset=utf-8"
        assert ok.headers["content-encoding"] == "gzip"  # httpx asks for gzip and decodes it
        cal = Calendar.from_ical(ok.text)
        assert str(cal["X-WR-CALNAME"]) == "Hạn nhiệm vụ — Sở TT&TT"
        assert len(cal.walk("VEVENT")) == 25  # not a lead of 1.k, its co-agency
        etag = ok.headers["etag"]

        plain = client.get(url, params={"token": mine.token}, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.content == ok.content  # same feed either way
        assert int(plain.headers["content-length"]) > 5 * len(client.get(url, params={"token": mine.token}).content) / 10

        not_modified = client.get(url, params={"token": mine.token}, headers={"If-None-Match": etag})
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert client.get(url, params={"token": mine.token}, headers={"If-None-Match": '"stale"'}).status_code == 200

        for token in (None, "not-a-token", other.token, directive.token):
            denied = client.get(url, params={"token": token} if token else {})
            assert denied.status_code == 404, token
            assert "BEGIN:VCALENDAR" not in denied.text
        assert client.get(f"{feed_server}/calendars/khong-co.ics", params={"token": mine.token}).status_code == 404

        by_directive = client.get(f"{feed_server}/calendars/directive/11677/UBND-HCC.ics", params={"token": directive.token})
        assert by_directive.status_code == 200
        assert len(Calendar.from_ical(by_directive.text).walk("VEVENT")) > 600

        revoke(mine.id)
        assert client.get(url, params={"token": mine.token}).status_code == 404

        # a change is served at once, with a new ETag
        still = issue(FeedSpec("agency", AGENCY), label=None)
        services.record_completion(
            services.find_instance_id("11677/UBND-HCC", "5.b", AGENCY),
            on=AS_OF,
            evidence="Báo cáo 50/BC-STTTT",
            actor="test",
            today=AS_OF,
        )
        fresh = client.get(url, params={"token": still.token}, headers={"If-None-Match": etag})
        assert fresh.status_code == 200
        assert fresh.headers["etag"] != etag
        assert "✓ [Chủ trì] 11677/UBND-HCC 5.b" in fresh.text.replace("\r\n ", "")


def test_304_from_memory_and_a_revocation_elsewhere_takes_effect_within_the_bound(seeded_sqlite: str) -> None:
    """Within ``revalidate_seconds`` of a token's check, requests open no database session; a token
    revoked by another process (a plain UPDATE here, as `dondoc calendar-token revoke` does in its own
    process) stops getting 304s (and the feed) once that bound has passed."""
    from sqlalchemy import event, update
    from sqlmodel import col

    from dondoc.db import session_scope
    from dondoc.db.engine import get_engine
    from dondoc.models import CalendarToken

    bound = 2.0
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(as_of=lambda: AS_OF, revalidate_seconds=bound), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = get_engine()
    try:
        poll(
            lambda: httpx.get(f"{base}/healthz").status_code,
            lambda code: code == 200,
            timeout=20,
            what="calendar server /healthz",
        )
        mine = issue(FeedSpec("agency", AGENCY), label=None)
        url = f"{base}/calendars/{AGENCY}.ics"
        with httpx.Client(timeout=30) as client:
            etag = client.get(url, params={"token": mine.token}).headers["etag"]
            event.listen(engine, "before_cursor_execute", count)
            start = time.monotonic()
            answers = [
                client.get(url, params={"token": mine.token}, headers={"If-None-Match": etag}).status_code for _ in range(20)
            ]
            fast = time.monotonic() - start < bound
            event.remove(engine, "before_cursor_execute", count)
            assert answers == [304] * 20
            if fast:  # all 20 inside the bound (else some legitimately re-checked the token)
                assert statements == []
            with session_scope() as session:
                session.execute(
                    update(CalendarToken).where(col(CalendarToken.id) == mine.id).values(revoked_at=datetime.now(UTC))
                )
            revoked = time.monotonic()
            seen = [client.get(url, params={"token": mine.token}, headers={"If-None-Match": etag}).status_code]
            time.sleep(max(0.0, bound - (time.monotonic() - revoked)) + 0.05)
            seen.append(client.get(url, params={"token": mine.token}, headers={"If-None-Match": etag}).status_code)
            assert seen[0] in (304, 404)  # still inside the bound: either is allowed
            assert seen[1] == 404  # past the bound: refused, nothing of the feed
            assert client.get(url, params={"token": mine.token}).status_code == 404
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    config = tmp_path / "radicale.conf"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = none\n[storage]\nfilesystem_folder = {tmp_path / 'collections'}\n"
        "[web]\ntype = none\n[logging]\nlevel = warning\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        poll(lambda: proc.poll() is None and httpx.request("OPTIONS", base).status_code < 500, bool, timeout=20, what="Radicale")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_publish_to_radicale_updates_in_place(seeded_sqlite: str, radicale: str) -> None:
    from caldav.davclient import DAVClient

    first = publish(radicale, [AGENCY], username="vpubnd", password="x", as_of=AS_OF, now=datetime(2023, 12, 6, 1, tzinfo=UTC))
    assert (first[0].created, first[0].updated, first[0].unchanged) == (25, 0, 0)
    client = DAVClient(url=radicale, username="vpubnd", password="x", enable_rfc6764=False)
    calendar = next(c for c in client.principal().calendars() if str(c.url).rstrip("/").endswith(f"dondoc-{AGENCY}"))
    december = calendar.search(start=datetime(2023, 12, 1, tzinfo=UTC), end=datetime(2024, 1, 1, tzinfo=UTC), event=True)
    summaries = sorted(str(e.icalendar_component["SUMMARY"]) for e in december)
    assert any(s.startswith("[Chủ trì] 11677/UBND-HCC 5.b") for s in summaries)
    assert all(e.icalendar_component.start < date(2024, 1, 1) for e in december)

    instance = services.find_instance_id("11677/UBND-HCC", "5.b", AGENCY)
    services.record_completion(instance, on=AS_OF, evidence="Báo cáo 50/BC-STTTT", actor="test", today=AS_OF)
    again = publish(radicale, [AGENCY], username="vpubnd", password="x", as_of=AS_OF, now=datetime(2023, 12, 6, 9, tzinfo=UTC))
    assert (again[0].created, again[0].updated, again[0].unchanged, again[0].deleted) == (0, 1, 24, 0)
    uid = f"instance-{instance}-lead-{AGENCY}@dondoc"
    copies = [e for e in calendar.events() if str(e.icalendar_component["UID"]) == uid]
    assert len(copies) == 1
    updated = copies[0].icalendar_component
    assert str(updated["SUMMARY"]).startswith("✓ [Chủ trì] 11677/UBND-HCC 5.b")
    assert updated["SEQUENCE"] == 1
    assert len(calendar.events()) == 25
