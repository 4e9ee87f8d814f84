"""``./run demo`` (``python -m flows.demo``): the end-to-end story on the embedded default, left visible in the Prefect UI.

Imports the seeds, starts (or reuses) the local Prefect stack, replays the daily sweep over a span
of days while the Office records a few completions (on time, late, and some never: overdue), then
prints every directive's status. Flow runs execute in this process against the local server (not
Prefect's ephemeral API, which can drop task runs when a process exits early).

Run counts: the sweep runs on every working day, but the tracking flows only on the first working
day of each week and on the last day (a flow run per directive per day would be ~200 runs and
~5,000 task runs for two months, more than a SQLite Prefect server records in the time budget).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import typer

from dondoc.cli.common import console, handles_errors, parse_day
from dondoc.domain.dates import vn_date

# The weeks in which 11677/UBND-HCC's dated items fall due (1.k 04/12, 2.a/5.b/5.c 09/12,
# 7 and 8 15/12, 2.b 19/12); pass --from 02/11/2023 --to 31/12/2023 for its whole timeline.
DEFAULT_FROM = "27/11/2023"
DEFAULT_TO = "20/12/2023"
SETTLE_TIMEOUT = 120.0


@dataclass(frozen=True)
class ScriptedCompletion:
    on: date
    directive: str
    clause: str
    agency: str
    evidence: str
    kpis: dict[str, float] | None = None


#: What the Office hears back during 11677/UBND-HCC (due: 1.k 04/12, 2.a and 5.b/5.c 09/12,
#: 7 and 8 15/12, 2.b 19/12). Everything not listed stays open and turns overdue.
STORY: tuple[ScriptedCompletion, ...] = (
    ScriptedCompletion(
        date(2023, 12, 1), "11677/UBND-HCC", "1.k", "dn-so-tu-phap", "Báo cáo số 412/BC-STP ngày 01/12/2023"
    ),
    ScriptedCompletion(
        date(2023, 12, 7), "11677/UBND-HCC", "5.b", "dn-so-thong-tin-truyen-thong", "Công văn số 3301/STTTT-CNTT ngày 07/12/2023"
    ),
    ScriptedCompletion(date(2023, 12, 8), "11677/UBND-HCC", "2.a", "dn-so-tu-phap", "Báo cáo số 288/BC-STP ngày 08/12/2023"),
    ScriptedCompletion(date(2023, 12, 12), "11677/UBND-HCC", "1.k", "dn-so-noi-vu", "Báo cáo số 590/BC-SNV ngày 12/12/2023"),
    ScriptedCompletion(
        date(2023, 12, 14),
        "11677/UBND-HCC",
        "7",
        "dn-ubnd-tp-bien-hoa",
        "Báo cáo số 1021/BC-UBND ngày 14/12/2023",
    ),
    ScriptedCompletion(date(2023, 12, 18), "11677/UBND-HCC", "2.b", "dn-cong-an-tinh", "Báo cáo số 77/BC-CAT ngày 18/12/2023"),
)


def _use_stack(api_url: str, home: str) -> None:
    """Point this process's Prefect client at the local server before Prefect is first imported."""
    os.environ["PREFECT_API_URL"] = api_url
    os.environ["PREFECT_HOME"] = home
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _settle(api_url: str, timeout: float, *, worker: bool) -> int:
    """Wait until the server has recorded every task run and (with a worker) the triggered refreshes have run."""
    import httpx

    from dondoc.clock import utc_now

    waiting = ["PENDING", "RUNNING", *(["SCHEDULED"] if worker else [])]
    deadline = time.monotonic() + timeout
    last, stable_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = int(httpx.post(f"{api_url}/task_runs/count", json={}, timeout=10).json())
        busy = int(
            httpx.post(
                f"{api_url}/flow_runs/count",
                json={
                    "flow_runs": {
                        "state": {"type": {"any_": waiting}},
                        "expected_start_time": {"before_": utc_now().isoformat()},
                    }
                },
                timeout=10,
            ).json()
        )
        if count != last or busy:
            last, stable_since = count, time.monotonic()
        elif time.monotonic() - stable_since >= 3.0:
            return count
        time.sleep(0.5)
    return last


def _replay(start: date, end: date, *, send_reminders: bool) -> dict[str, Any]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from dondoc.configuration.files import load_calendar
    from dondoc.domain.numbers import percent_vi
    from dondoc.tracking.view import replay_plan
    from flows.daily_sweep import daily_sweep
    from flows.record_completion import record_completion

    plan = replay_plan(start, end, load_calendar())
    totals = {"days": len(plan), "tracked_days": 0, "tracking_runs": 0, "completions": 0}
    # Heartbeats detect crashed long-lived runs; a foreground replay does not need them, and a sync
    # flow run waits up to 1 s for the heartbeat thread at exit.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        for step in plan:
            for done in (c for c in STORY if c.on == step.day):
                record_completion(
                    completed_on=done.on,
                    evidence=done.evidence,
                    directive=done.directive,
                    clause=done.clause,
                    agency=done.agency,
                    kpis=done.kpis or {},
                    as_of=step.day,
                )
                totals["completions"] += 1
                console.print(
                    f"  {vn_date(step.day)}  ghi nhận hoàn thành {done.directive} {done.clause} · {done.agency}", highlight=False
                )
            result = daily_sweep(as_of=step.day, track=step.track, dry_run=not send_reminders)
            if step.track:
                totals["tracked_days"] += 1
                totals["tracking_runs"] += len(result.get("tracked", []))
                line = ", ".join(f"{t['directive']} {percent_vi(t['progress'])}" for t in result.get("tracked", []))
                console.print(f"  {vn_date(step.day)}  theo dõi: {line}", highlight=False)
    return totals


@handles_errors
def demo(
    date_from: Annotated[str, typer.Option("--from", help="First replayed day, dd/mm/yyyy")] = DEFAULT_FROM,
    date_to: Annotated[str, typer.Option("--to", help="Last replayed day, dd/mm/yyyy")] = DEFAULT_TO,
    port: Annotated[int | None, typer.Option(help="Port of the local Prefect server (default 4200, or a free one)")] = None,
    worker: Annotated[bool, typer.Option(help="Also start a worker, so the UI's Run buttons and the trigger work")] = True,
    send_reminders: Annotated[
        bool, typer.Option(help="Really send the reminder digests (start `dondoc mailbox` first); default: dry run")
    ] = False,
) -> None:
    """The end-to-end story: import the seeds, replay the daily sweep over the span on a local Prefect
    server (weekly tracking + the last day), record a few completions, print every directive's status."""
    from dondoc.cli.stack import print_stack_urls
    from dondoc.configuration.settings import get_settings
    from dondoc.db.migrate import upgrade
    from dondoc.directives import service as services
    from dondoc.errors import InputError
    from dondoc.orchestration import stack as prefect_stack

    start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to")
    if end < start:
        raise InputError(f"--to {vn_date(end)} is before --from {vn_date(start)}")
    began = time.monotonic()
    settings = get_settings()
    upgrade()
    summary = services.import_paths([settings.seed_dir], as_of=start, actor="demo")
    console.print(
        f"Đã nạp {len(summary.directives)} văn bản, {summary.assignments} nhiệm vụ vào {settings.effective_database_url}",
        highlight=False,
    )
    stack, reused = prefect_stack.up(port=port, with_worker=worker)
    console.print(
        ("Dùng lại" if reused else "Đã khởi động") + f" Prefect server {stack.url} ({time.monotonic() - began:.0f} s)",
        highlight=False,
    )
    _use_stack(stack.api_url, stack.home)
    console.print(f"Chạy lại quét hằng ngày từ {vn_date(start)} đến {vn_date(end)}:", highlight=False)
    totals = _replay(start, end, send_reminders=send_reminders)
    recorded = _settle(stack.api_url, SETTLE_TIMEOUT, worker=worker)
    console.print(
        f"{totals['days']} ngày làm việc, {totals['tracking_runs']} lượt theo dõi văn bản trong {totals['tracked_days']} ngày, "
        f"{totals['completions']} lượt ghi nhận hoàn thành; máy chủ Prefect đã ghi {recorded} task run "
        f"({time.monotonic() - began:.0f} s).",
        highlight=False,
    )
    from dondoc.cli import app as root

    root(["status", "--as-of", vn_date(end)], standalone_mode=False)
    print_stack_urls(stack.url)


def main() -> None:
    """Entry point of ``./run demo``: the demo drives the Prefect flows, so it lives beside them, not in the library."""
    typer.run(demo)


if __name__ == "__main__":
    main()
