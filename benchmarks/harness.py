"""``./run bench``: every measure of issue 13 against a floor computed in the same run, on the same data.

    ./run bench [--quick] [--json FILE] [--only NAME ...] [--repeat N]

Each measure times dondoc doing the operator's job and, right beside it, the cheapest thing that
could do the same job on this machine (raw SQL over the same rows, icalendar alone, a bare
FastAPI app, ``import sqlmodel``...). The machine is shared, so the *ratio* is what counts; the
target is a ratio too. Figures are medians of ``--repeat`` runs after one warm-up run.

``--quick`` uses a 1M-instance nation instead of 5M and fewer repeats (well under 5 minutes once
the workload is cached; the first build adds about a minute).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import KW_ONLY, asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_digests, bench_prefect_sweep, workload

ROOT = workload.ROOT
PYTHON = sys.executable


@dataclass
class Result:
    measure: str
    seconds: float
    floor_seconds: float
    ratio: float
    target_ratio: float | None  # None: the issue sets no ratio for this measure, only seconds (and failures)
    target_seconds: float | None = None
    note: str = ""
    _: KW_ONLY  # the counts below by name only: a positional CPU time once landed in ``failures``
    failures: int | None = None  # lock failures and the like; a measure with a count is met only at 0
    cpu_seconds: float | None = None  # CPU time of this process (and its children), steadier than wall on a busy machine
    floor_cpu_seconds: float | None = None

    @property
    def cpu_ratio(self) -> float | None:
        if self.cpu_seconds is None or not self.floor_cpu_seconds:
            return None
        return self.cpu_seconds / self.floor_cpu_seconds


_CPU: list[float] = []  # CPU seconds of the last best_time call (best of N)


def _cpu_now() -> float:
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs after a warm-up (the machine is shared; the floor is measured
    the same way); the best CPU time (this process and its children) is left in ``_CPU``."""
    out = fn()  # warm-up: a live database has its pages cached
    samples, cpu = [], []
    for _ in range(repeat):
        start, c0 = time.perf_counter(), _cpu_now()
        out = fn()
        samples.append(time.perf_counter() - start)
        cpu.append(_cpu_now() - c0)
    _CPU[:] = [min(cpu)]
    return min(samples), out


def use_database(path: Path) -> None:
    from dondoc import db
    from dondoc.configuration.settings import get_settings

    os.environ["DONDOC_DATABASE_URL"] = f"sqlite:///{path}"
    get_settings.cache_clear()
    db.reset_engine()


def contact_book(path: Path) -> Any:
    """Focal and head addresses for every agency, the coordinator office and each province's leadership."""
    from dondoc.reminders import notify
    from dondoc.reminders.contacts import Contact, ContactBook

    con = sqlite3.connect(path)
    rows = con.execute("SELECT code, province FROM agency").fetchall()
    provinces = [p for (p,) in con.execute("SELECT code FROM province")]
    con.close()
    specs = [(code, role) for code, _p in rows for role in ("focal", "head")]
    specs += [(f"{p}-so00", "coordinator") for p in provinces] + [(p, "leadership") for p in provinces]
    contacts = []
    for tag, role in specs:
        address = f"{role}.{tag}@bench.gov.vn"
        channel = notify.Channel(f"email:{address}", f"mailto://localhost/{address}", "email", 32768)
        contacts.append(Contact("bench", frozenset({tag, role}), f"mailto://127.0.0.1:9?from=b@bench.gov.vn&to={address}", channel))
    return ContactBook(contacts)


# ---------------------------------------------------------------------------------------------- sweep


def sweep_floor_sql(province: str | None) -> str:
    """The sweep's floor: the same selection (open instances due on the day's candidate dates, with their
    facts) as one raw SQLite statement."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from dondoc.configuration.files import load_calendar, load_policy
    from dondoc.domain.reminders import candidate_due_dates
    from dondoc.reminders.queries import candidates_statement

    day = workload.AS_OF
    dates = candidate_due_dates(day, since=day - timedelta(days=1), policies=[load_policy(province).reminders], calendar=load_calendar())
    statement = candidates_statement(dates, province=province)
    return str(statement.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}))


def sweep_measure(label: str, path: Path, province: str | None, repeat: int, target_seconds: float) -> Result:
    from dondoc.reminders.service import run_sweep

    use_database(path)
    book = contact_book(path)
    day = workload.AS_OF
    sql = sweep_floor_sql(province)
    con = sqlite3.connect(path)

    def floor() -> int:
        return len(con.execute(sql).fetchall())

    floor_s, selected = median_time(floor, repeat)
    floor_cpu = _CPU[0]
    con.close()

    def dondoc() -> Any:
        return run_sweep(day, province=province, dry_run=True, today=day, contacts=book)

    seconds, result = median_time(dondoc, repeat)
    note = f"{result.candidates:,} candidates (floor {selected:,}), {result.planned:,} reminders, {len(result.digests):,} digests"
    return Result(label, seconds, floor_s, seconds / floor_s, 3.0, target_seconds, note, cpu_seconds=_CPU[0], floor_cpu_seconds=floor_cpu)


# --------------------------------------------------------------------------------------------- report


def report_measure(label: str, path: Path, province: str, repeat: int, target_seconds: float) -> Result:
    from sqlmodel import Session

    from dondoc.db import get_engine
    from dondoc.domain.periods import parse_period, window
    from dondoc.domain.policy import Policy
    from dondoc.models import Province
    from dondoc.reports.store import compute

    use_database(path)
    period = parse_period("2025-Q4")
    win = window(period)
    as_of = workload.AS_OF
    con = sqlite3.connect(path)
    floor_sql = (
        "SELECT agency_id, directive_id, count(*), sum(completed_on <= due_date), sum(completed_on > due_date), "
        "sum(completed_on IS NULL AND due_date < :as_of), sum(completed_on IS NULL AND due_date >= :as_of) "
        "FROM task_instance WHERE agency_id IN (SELECT id FROM agency WHERE province = :p) "
        "AND due_date BETWEEN :start AND :end GROUP BY agency_id, directive_id"
    )
    params = {"p": province, "start": win.start.isoformat(), "end": win.end.isoformat(), "as_of": as_of.isoformat()}

    def floor() -> int:
        return len(con.execute(floor_sql, params).fetchall())

    floor_s, _groups = median_time(floor, repeat)
    floor_cpu = _CPU[0]
    quarter_rows = con.execute(
        "SELECT count(*) FROM task_instance WHERE agency_id IN (SELECT id FROM agency WHERE province = ?) AND due_date BETWEEN ? AND ?",
        (province, win.start.isoformat(), win.end.isoformat()),
    ).fetchone()[0]
    con.close()
    engine = get_engine()
    with Session(engine) as session:
        prov = session.get(Province, province)
        assert prov is not None
        policy = Policy()  # the configuration, loaded once by a report run (its validation is not the report's work)
        seconds, report = median_time(lambda: compute(prov, period, "nd09", as_of, policy, session=session), repeat)
    note = f"Q4/2025 as of {as_of:%d/%m/%Y}: {quarter_rows:,} rows due in the quarter; overdue list {len(report.overdue):,}"
    return Result(label, seconds, floor_s, seconds / floor_s, 2.0, target_seconds, note, cpu_seconds=_CPU[0], floor_cpu_seconds=floor_cpu)


def alltime_measure(label: str, path: Path, province: str, repeat: int) -> Result:
    """All-time figures (frozen quarters + the live part) vs a raw GROUP BY over every row of the province.

    The first call freezes the province's closed quarters (timed apart, in the note); the measured calls
    are the steady state: sum the frozen counts, check the audit trail, count the open quarter live.
    Everything runs in one transaction rolled back at the end, so the cached workload is not changed."""
    from sqlmodel import Session

    from dondoc.db import get_engine
    from dondoc.domain.policy import Policy
    from dondoc.reports.store import all_time

    use_database(path)
    as_of = workload.AS_OF
    con = sqlite3.connect(path)
    floor_sql = (
        "SELECT agency_id, count(*), sum(completed_on <= due_date), sum(completed_on > due_date), "
        "sum(completed_on IS NULL AND due_date < :as_of), sum(completed_on IS NULL AND due_date >= :as_of) "
        "FROM task_instance WHERE agency_id IN (SELECT id FROM agency WHERE province = :p) GROUP BY agency_id"
    )
    params = {"p": province, "as_of": as_of.isoformat()}

    def floor() -> int:
        return len(con.execute(floor_sql, params).fetchall())

    floor_s, _groups = median_time(floor, repeat)
    floor_cpu = _CPU[0]
    rows = con.execute(
        "SELECT count(*) FROM task_instance WHERE agency_id IN (SELECT id FROM agency WHERE province = ?)", (province,)
    ).fetchone()[0]
    con.close()
    with Session(get_engine()) as session:
        start = time.perf_counter()
        policy = Policy()  # loaded once, as for report_measure
        all_time(province=province, as_of=as_of, today=as_of, policy=policy, actor="bench", session=session)
        freezing = time.perf_counter() - start
        seconds, report = median_time(
            lambda: all_time(province=province, as_of=as_of, today=as_of, policy=policy, actor="bench", session=session), repeat
        )
        session.rollback()
    note = (
        f"{rows:,} rows in the province; {len(report.frozen_periods)} frozen quarters ({report.frozen_periods[0]}–"
        f"{report.frozen_periods[-1]}, frozen once in {freezing:.2f} s), live from {report.live_from:%d/%m/%Y}"
    )
    return Result(label, seconds, floor_s, seconds / floor_s, 2.0, None, note, cpu_seconds=_CPU[0], floor_cpu_seconds=floor_cpu)


# ------------------------------------------------------------------------------------------- planning


def planning_measure(repeat: int) -> Result:
    """Import + plan 100k instances (1,000 agencies x 10 monthly assignments x 10 months) vs a Core insert of the same rows.

    The agency registry is imported first, untimed: writing 1,000 agencies is the registries' import,
    not planning, and the floor (inserting the planned rows) has no counterpart for it."""
    from benchmarks.bench_planning import build
    from dondoc.db.migrate import upgrade
    from dondoc.directives import service as services

    samples: list[float] = []
    floors: list[float] = []
    planned = 0
    for _ in range(max(1, repeat)):
        folder = Path(tempfile.mkdtemp(prefix="dondoc-bench-plan-"))
        try:
            use_database(folder / "plan.db")
            os.environ["DONDOC_DATA_DIR"] = str(folder)
            upgrade()
            reg, directive = build(folder, 1000, 10)
            services.import_paths([reg], as_of=date(2024, 1, 2), actor="bench")
            start = time.perf_counter()
            summary = services.import_paths([directive], as_of=date(2024, 1, 2), actor="bench")
            samples.append(time.perf_counter() - start)
            planned = summary.plans["1/BENCH"].inserted
            floors.append(_core_floor(folder / "plan.db"))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    seconds, floor_s = statistics.median(samples), statistics.median(floors)
    note = f"{planned:,} instances (registry imported before, untimed); floor: Core executemany of the same rows"
    return Result("plan 100k instances (import + plan)", seconds, floor_s, seconds / floor_s, 1.5, None, note)


def _core_floor(path: Path) -> float:
    """The planned rows read back, deleted, and inserted again with one SQLAlchemy Core executemany."""
    from sqlalchemy import create_engine, delete, insert, select

    from dondoc.models import TaskInstance

    table = TaskInstance.__table__  # type: ignore[attr-defined]
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(table))]
        for row in rows:
            row.pop("id")
        conn.execute(delete(table))
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


# -------------------------------------------------------------------------------------------- the CLI


def cli_measure(path: Path, repeat: int) -> list[Result]:
    """Each read command as a process against one floor, ``python -c 'import sqlmodel'``: the best of
    ``repeat`` rounds after a warm-up round, a round running the floor and every command once (on a
    shared machine a burst of load then falls on all of them, not on one command's samples)."""
    con = sqlite3.connect(path)
    code, rows = con.execute(
        "SELECT d.code, count(*) FROM directive d JOIN task_instance t ON t.directive_id = d.id WHERE d.province = 'p07' "
        "GROUP BY d.id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    (agencies,) = con.execute("SELECT count(*) FROM agency WHERE province = 'p07'").fetchone()
    (tokens,) = con.execute("SELECT count(*) FROM calendar_token").fetchone()
    con.close()
    env = {**os.environ, "DONDOC_DATABASE_URL": f"sqlite:///{path}", "DONDOC_TODAY": workload.AS_OF.isoformat(), "PYTHONPATH": str(ROOT)}
    commands = {  # label: (arguments, note)
        "tasks --directive X": (["tasks", "--directive", code], f"{code}: {rows:,} instances"),
        "status X": (["status", code], f"{code}: {rows:,} instances"),
        "agencies --province p07": (["agencies", "--province", "p07"], f"{agencies:,} agencies"),
        "calendar-token list": (["calendar-token", "list"], f"{tokens:,} tokens"),
    }
    argvs = {"floor": [PYTHON, "-c", "import sqlmodel"], **{label: [PYTHON, "-m", "dondoc", *args] for label, (args, _) in commands.items()}}

    def run(argv: list[str]) -> tuple[float, float]:
        start, c0 = time.perf_counter(), _cpu_now()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr[-800:]}")
        return time.perf_counter() - start, _cpu_now() - c0

    for argv in argvs.values():  # warm-up: a live database has its pages cached
        run(argv)
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in argvs}
    for _ in range(repeat):
        for label, argv in argvs.items():
            samples[label].append(run(argv))
    best = {label: (min(wall for wall, _ in timed), min(cpu for _, cpu in timed)) for label, timed in samples.items()}
    floor_s, floor_cpu = best["floor"]
    return [
        Result(
            f"CLI `dondoc {label}` (process wall)", best[label][0], floor_s, best[label][0] / floor_s, 1.3, 1.0, note,
            cpu_seconds=best[label][1], floor_cpu_seconds=floor_cpu,
        )
        for label, (_, note) in commands.items()
    ]


# -------------------------------------------------------------------------------------------- calendars

ICS_AGENCY = "dn-so-thong-tin-truyen-thong"
ICS_AS_OF = date(2023, 12, 6)


def _calendar_database(events: int) -> Path:
    """The five seeds plus synthetic open instances of one agency until its feed holds ``events`` events."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, select
    from sqlmodel import col

    from dondoc.calendars.store import FeedSpec, render
    from dondoc.db import session_scope
    from dondoc.db.migrate import upgrade
    from dondoc.directives import service as services
    from dondoc.models import Agency, Assignment, Directive, TaskInstance

    folder = Path(tempfile.mkdtemp(prefix="dondoc-bench-ics-"))
    use_database(folder / "ics.db")
    upgrade()
    services.import_paths([ROOT / "directives_seed"], as_of=ICS_AS_OF, actor="bench")
    spec = FeedSpec("agency", ICS_AGENCY)
    with session_scope() as session:
        have = render(spec, as_of=ICS_AS_OF, session=session).events
        agency_id = session.execute(select(col(Agency.id)).where(col(Agency.code) == ICS_AGENCY)).scalar_one()
        assignments = session.execute(
            select(col(Assignment.id), col(Assignment.directive_id))
            .join(Directive, col(Directive.id) == col(Assignment.directive_id))
            .where(col(Directive.province) == "dong-nai")
        ).all()
        now = datetime.now(UTC)
        rows = []
        for n in range(max(0, events - have)):
            assignment_id, directive_id = assignments[n % len(assignments)]
            due = date(2024, 1, 2) + timedelta(days=n % 700)
            rows.append(
                {"assignment_id": assignment_id, "directive_id": directive_id, "agency_id": agency_id, "period": f"bench-{n}",
                 "kind": "once", "opens_on": date(2023, 11, 1), "due_date": due, "original_due_date": due, "state": "open",
                 "kpi_values": {}, "due_on_day_off": False, "updated_at": now}
            )
        if rows:
            session.execute(insert(TaskInstance), rows)
    return folder / "ics.db"


def ics_cold_measure(repeat: int, events: int = 2000, *, first: bool = False) -> Result:
    """One agency's feed built cold vs icalendar alone building the same number of events.

    Cold: no cached feed (in the database or a server's memory) and a new day, so every status is
    derived again; each event's VEVENT comes from its per-event cache unless what it shows changed
    (the daily case: the 08:00 export, a server's first request of the day). ``first``: nothing
    cached at all, every VEVENT built by icalendar (the feed's very first build).
    """
    from sqlalchemy import delete

    from dondoc.calendars.store import FeedSpec, render
    from dondoc.db import session_scope
    from dondoc.models import CalendarEventState, CalendarFeedCache

    path = _calendar_database(events)
    use_database(path)
    spec = FeedSpec("agency", ICS_AGENCY)
    with session_scope() as session:
        render(spec, as_of=ICS_AS_OF, session=session)  # events built once, as they are in a live database

    def cold(day: date) -> Any:
        with session_scope() as session:
            if first:
                session.execute(delete(CalendarEventState))
            session.execute(delete(CalendarFeedCache))
        start = time.perf_counter()
        with session_scope() as session:
            feed = render(spec, as_of=day, session=session)
        return time.perf_counter() - start, feed

    samples = [cold(ICS_AS_OF + timedelta(days=n)) for n in range(1, repeat + 2)][1:]
    seconds = min(s for s, _ in samples)
    feed = samples[-1][1]
    simple_s, _ = median_time(lambda: _icalendar_alone(feed.events), repeat)
    what = "first build, nothing cached" if first else "cold (no cached feed, a new day)"
    rebuilt = f"{min(f.rebuilt_events for _, f in samples)}–{max(f.rebuilt_events for _, f in samples)}"
    note = f"VEVENTs built by icalendar: {rebuilt} of {feed.events:,}"
    simple = "icalendar building and serialising the same number of VEVENTs (one alarm each)"
    if first:
        # Nothing is cached, so every VEVENT of the feed must be built: the floor is icalendar building these
        # very VEVENTs (their texts and every alarm) from memory; the one-alarm events are shown beside it.
        floor_s, _ = median_time(_the_same_events_alone(spec, ICS_AS_OF + timedelta(days=repeat + 1)), repeat)
        note += f"; floor: icalendar alone building the feed's own VEVENTs from memory; {simple}: {fmt(simple_s)} (×{seconds / simple_s:.1f})"
    else:
        floor_s = simple_s
        note += f"; floor: {simple}"
    shutil.rmtree(path.parent, ignore_errors=True)  # the private database of this measure
    return Result(f"one agency's ICS, {feed.events:,} events, {what}", seconds, floor_s, seconds / floor_s, 1.3, None, note)


def _the_same_events_alone(spec: Any, day: date) -> Callable[[], int]:
    """The feed's own VEVENTs (its texts and alarms) built and serialised by icalendar from plain data in
    memory: what a first build costs before any database read, hashing or cache write."""
    from dondoc.calendars import ical
    from dondoc.calendars.store import load_items
    from dondoc.configuration.files import load_calendar, load_policy
    from dondoc.db import session_scope

    with session_scope() as session:
        _scope, items, _ = load_items(spec, as_of=day, session=session)
    policy, calendar = load_policy("dong-nai"), load_calendar()
    revision = ical.Revision(0, datetime(2023, 12, 1, tzinfo=UTC), "", "")
    plan = [
        (item, ical.alarm_days(item.due, role=item.role, monthly=item.monthly, policy=policy.reminders, calendar=calendar))
        for item in items
    ]
    send_time = policy.reminders.send_time
    return lambda: sum(
        len(ical.serialize(ical.event(i, revision=revision, alarms=a, policy=policy.calendars, send_time=send_time))) for i, a in plan
    )


def _icalendar_alone(events: int) -> int:
    from datetime import UTC, datetime

    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("PRODID", "-//bench//")
    cal.add("VERSION", "2.0")
    stamp = datetime(2023, 12, 1, tzinfo=UTC)
    for n in range(events):
        due = date(2024, 1, 2) + timedelta(days=n % 700)
        ev = Event.new(uid=f"bench-{n}@dondoc", stamp=stamp, last_modified=stamp, sequence=0, start=due, end=due + timedelta(days=1),
                       summary=f"[Chủ trì] 11677/UBND-HCC 1.{n} — Nhiệm vụ thử nghiệm số {n}",
                       description="Nhiệm vụ (11677/UBND-HCC, mục 1): triển khai nhiệm vụ thử nghiệm theo chỉ thị.\nHạn: 02/01/2024.",
                       categories=["11677/UBND-HCC", "Chủ trì"])
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", "Nhắc việc")
        alarm.add("TRIGGER", timedelta(days=-3))
        ev.add_component(alarm)
        cal.add_component(ev)
    return len(cal.to_ical())


def ics_304_measure(requests: int = 300) -> Result:
    """A conditional GET answered 304 through ``dondoc serve`` vs a bare FastAPI app answering 304."""
    import threading

    import httpx
    import uvicorn
    from fastapi import FastAPI, Response

    from dondoc.calendars.server import create_app
    from dondoc.calendars.service import issue
    from dondoc.calendars.store import FeedSpec
    from dondoc.orchestration.stack import free_port

    path = _calendar_database(200)
    use_database(path)
    token = issue(FeedSpec("agency", ICS_AGENCY), label="bench").token
    bare = FastAPI()

    @bare.get("/calendars/{code}")
    def bare_feed(code: str) -> Response:
        return Response(status_code=304, headers={"ETag": '"x"'})

    def per_request(app: Any, url: str, etag_from_first: bool) -> float:
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                deadline = time.monotonic() + 30
                while not server.started:
                    if time.monotonic() > deadline:
                        raise RuntimeError("uvicorn did not start")
                    time.sleep(0.02)
                etag = client.get(url).headers.get("etag", '"x"') if etag_from_first else '"x"'
                best = float("inf")
                for _ in range(3):
                    start = time.perf_counter()
                    for _ in range(requests):
                        response = client.get(url, headers={"If-None-Match": etag})
                        if response.status_code != 304:
                            raise RuntimeError(f"{url}: {response.status_code}, expected 304")
                    best = min(best, (time.perf_counter() - start) / requests)
                return best
        finally:
            server.should_exit = True
            thread.join(timeout=10)

    seconds = per_request(create_app(as_of=lambda: ICS_AS_OF), f"/calendars/{ICS_AGENCY}.ics?token={token}", True)
    floor_s = per_request(bare, f"/calendars/{ICS_AGENCY}.ics", False)
    shutil.rmtree(path.parent, ignore_errors=True)
    return Result("ICS 304 through `dondoc serve` (per request)", seconds, floor_s, seconds / floor_s, 1.5, None, f"{requests} conditional GETs, best of 3")


# --------------------------------------------------------------------------------------- peak memory

_PEAK = """
import os, resource, sys, tempfile
def peak_kib():
    # VmHWM: this process's own high-water mark. ru_maxrss is not enough on Linux: a process started by
    # a big one (this harness, after the 5M measures) reports its parent's peak until it grows past it.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.path.insert(0, {root!r})
os.environ["DONDOC_DATA_DIR"] = tempfile.mkdtemp()
from benchmarks import harness, workload
harness.use_database(__import__("pathlib").Path({path!r}))
book = harness.contact_book(__import__("pathlib").Path({path!r})) if {what!r} == "sweep" else None
from dondoc.reminders.service import run_sweep
from dondoc.reports.store import compute
from dondoc.domain.periods import parse_period
from dondoc.domain.policy import Policy
from dondoc.db import session_scope
from dondoc.models import Province
before = peak_kib()
if {what!r} == "sweep":
    run_sweep(workload.AS_OF, dry_run=True, today=workload.AS_OF, contacts=book)
else:
    with session_scope() as session:
        compute(session.get(Province, {province!r}), parse_period("2025-Q4"), "nd09", workload.AS_OF, Policy(), session=session)
after = peak_kib()
print(before, after)
"""


def peak_memory(what: str, path: Path, province: str = "") -> tuple[float, float]:
    """(peak RSS of the process, growth of that peak during the operation) in MiB, in a fresh process."""
    code = _PEAK.format(root=str(ROOT), path=str(path), what=what, province=province)
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    before, after = (int(v) / 1024 for v in done.stdout.split()[-2:])
    return after, after - before


# ----------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1M-instance nation, fewer repeats (< 5 minutes)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--only", nargs="*", default=None, help="run only measures whose key starts with one of these")
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 5)
    data_dir = Path(tempfile.mkdtemp(prefix="dondoc-bench-"))
    os.environ["DONDOC_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DONDOC_CONTACTS", str(data_dir / "no-contacts"))
    # each workload is built (or found in the cache) only when a chosen measure reads it: the calendar ones do not
    nation = functools.cache(lambda: workload.ensure(workload.nation(1_000_000 if args.quick else 5_000_000)))
    stress = functools.cache(lambda: workload.ensure(workload.stress()))
    size = "1M" if args.quick else "5M"
    measures: dict[str, Callable[[], Result | list[Result]]] = {
        "sweep-nation": lambda: sweep_measure(f"sweep dry run, nation ({size})", nation(), None, repeat, 3.0),
        "sweep-province": lambda: sweep_measure(f"sweep dry run, one province of the nation ({size})", nation(), "p07", repeat, 0.3),
        "report-province": lambda: report_measure(f"quarter report, one province of the nation ({size})", nation(), "p07", repeat, 0.3),
        "report-stress": lambda: report_measure("quarter report, 1M-instance province", stress(), "p00", repeat, 1.0),
        "report-alltime": lambda: alltime_measure("all-time report, 1M-instance province", stress(), "p00", repeat),
        "report-alltime-province": lambda: alltime_measure(
            f"all-time report, one province of the nation ({size})", nation(), "p07", repeat
        ),
        "plan": lambda: planning_measure(1 if args.quick else 3),
        "cli": lambda: cli_measure(nation(), repeat),
        "ics-cold": lambda: ics_cold_measure(repeat),
        "ics-cold-first": lambda: ics_cold_measure(repeat, first=True),
        "ics-304": lambda: ics_304_measure(),
        "digests-smtp": lambda: Result(**bench_digests.measure()),
        "prefect-sweep-100": lambda: Result(**bench_prefect_sweep.measure()),  # slow (minutes): its own process
    }
    chosen = {k: v for k, v in measures.items() if not args.only or any(k.startswith(o) for o in args.only)}
    if args.quick and not args.only:  # minutes on its own: --quick stays under 5 minutes (--only prefect runs it)
        chosen.pop("prefect-sweep-100", None)
    results: list[Result] = []
    for key, fn in chosen.items():
        print(f"» {key} …", file=sys.stderr, flush=True)
        done = fn()
        results.extend(done if isinstance(done, list) else [done])
    print_table(results)
    if not args.only or "memory" in args.only:
        for label, (what, path, province) in {
            f"sweep dry run, nation ({size})": ("sweep", nation(), ""),
            "quarter report, 1M-instance province": ("report", stress(), "p00"),
        }.items():
            peak, grown = peak_memory(what, path, province)
            print(f"- peak memory, {label}: {peak:.0f} MiB for the process, of which {grown:.0f} MiB for the operation itself")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {"measure": r.measure, "seconds": round(r.seconds, 4), "floor_seconds": round(r.floor_seconds, 4),
                     "ratio": round(r.ratio, 2), "target_ratio": r.target_ratio,
                     "cpu_seconds": None if r.cpu_seconds is None else round(r.cpu_seconds, 4),
                     "floor_cpu_seconds": None if r.floor_cpu_seconds is None else round(r.floor_cpu_seconds, 4),
                     **{k: v for k, v in asdict(r).items() if k in ("target_seconds", "note", "failures")}}
                    for r in results
                ],
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def print_table(results: list[Result]) -> None:
    print("| measure | dondoc | floor | ratio | CPU ratio | target | met |")
    print("|---|---:|---:|---:|---:|---:|:---:|")
    for r in results:
        met = (
            (r.target_ratio is None or r.ratio <= r.target_ratio)
            and (r.target_seconds is None or r.seconds <= r.target_seconds)
            and not r.failures
        )
        limits = ([f"≤ {r.target_ratio:g}×"] if r.target_ratio is not None else []) + (
            [f"≤ {r.target_seconds:g} s"] if r.target_seconds else []
        )
        target = limits[0] + (f" ({limits[1]})" if len(limits) > 1 else "") + (", 0 failures" if r.failures is not None else "")
        cpu = f"{r.cpu_ratio:.1f}×" if r.cpu_ratio is not None else "—"
        print(f"| {r.measure} | {fmt(r.seconds)} | {fmt(r.floor_seconds)} | {r.ratio:.1f}× | {cpu} | {target} | {'yes' if met else 'no'} |")
    for r in results:
        if r.note:
            print(f"- {r.measure}: {r.note}")


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    raise SystemExit(main())
