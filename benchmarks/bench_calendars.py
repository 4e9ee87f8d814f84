"""Build and serve a 2,000-event agency feed; prints the figures quoted in docs/calendars.md.

    .venv/bin/python benchmarks/bench_calendars.py [--events 2000] [--requests 300]

A private SQLite database in a temp folder: the five seeds, then synthetic instances for
Sở TT&TT (Đồng Nai) until its feed holds the requested number of events. Measures a cold
build (every VEVENT serialised), a cached build (feed unchanged), an incremental rebuild
(10 instances completed), a new day (statuses re-derived, events from the per-event cache),
and HTTP requests per second through uvicorn for full responses (gzip) and for 304s.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from datetime import UTC, date, datetime, timedelta

from dondoc.orchestration.stack import free_port

AGENCY = "dn-so-thong-tin-truyen-thong"
AS_OF = date(2023, 12, 6)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    from benchmarks.harness import _calendar_database

    database = _calendar_database(args.events)  # the seeds plus synthetic events: the same data as `./run bench`
    os.environ["DONDOC_DATA_DIR"] = str(database.parent)

    import httpx
    import uvicorn
    from sqlalchemy import func, select, update
    from sqlmodel import col

    from dondoc.calendars.server import create_app
    from dondoc.calendars.store import FeedSpec, render
    from dondoc.db import session_scope
    from dondoc.models import Agency, TaskInstance

    spec = FeedSpec("agency", AGENCY)
    with session_scope() as session:
        agency_id = session.execute(select(col(Agency.id)).where(col(Agency.code) == AGENCY)).scalar_one()

    def timed(label: str, day: date = AS_OF) -> float:
        start = time.perf_counter()
        with session_scope() as session:
            feed = render(spec, as_of=day, session=session)
        elapsed = time.perf_counter() - start
        print(
            f"{label:<44} {elapsed * 1000:8.1f} ms  events={feed.events} serialised={feed.rebuilt_events} "
            f"cache={'yes' if feed.from_cache else 'no'} size={len(feed.body.encode()) / 1024:.0f} KB"
        )
        return elapsed

    print(f"agency feed {AGENCY}, as of {AS_OF:%d/%m/%Y}")
    cold = timed("cold build (all events serialised)")
    timed("cached build (nothing changed)")
    with session_scope() as session:
        ids = (
            session.execute(
                select(col(TaskInstance.id))
                .where(col(TaskInstance.agency_id) == agency_id, col(TaskInstance.period).like("bench-%"))
                .limit(10)
            )
            .scalars()
            .all()
        )
        session.execute(
            update(TaskInstance)
            .where(col(TaskInstance.id).in_(ids))
            .values(state="done", completed_on=AS_OF, completion_evidence="bench", updated_at=datetime.now(UTC))
        )
    timed("incremental (10 instances completed)")
    timed("next day (statuses re-derived)", AS_OF + timedelta(days=1))
    with session_scope() as session:
        events = session.execute(select(func.count()).select_from(TaskInstance)).scalar_one()
    print(f"({events} instances in the database; cold build {cold / max(1, args.events) * 1000:.2f} ms per event)")

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(as_of=lambda: AS_OF + timedelta(days=1)), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    from dondoc.calendars.service import issue

    token = issue(spec, label="bench").token
    url = f"http://127.0.0.1:{port}/calendars/{AGENCY}.ics"
    with httpx.Client(timeout=60) as client:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.get(f"http://127.0.0.1:{port}/healthz")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        start = time.perf_counter()
        first = client.get(url, params={"token": token})
        print(
            f"{'HTTP first request (server cache empty)':<44} {(time.perf_counter() - start) * 1000:8.1f} ms  status={first.status_code}"
        )
        etag = first.headers["etag"]
        for label, headers in (
            ("HTTP 200 gzip", {"Accept-Encoding": "gzip"}),
            ("HTTP 200 identity", {"Accept-Encoding": "identity"}),
            ("HTTP 304 (If-None-Match)", {"If-None-Match": etag}),
        ):
            start = time.perf_counter()
            size = 0
            for _ in range(args.requests):
                response = client.get(url, params={"token": token}, headers=headers)
                size = int(response.headers.get("content-length", 0))
            elapsed = time.perf_counter() - start
            print(f"{label:<44} {args.requests / elapsed:8.1f} req/s  status={response.status_code} bytes on the wire={size}")
    server.should_exit = True
    thread.join(timeout=10)


if __name__ == "__main__":
    main()
