"""``./run bench --only prefect-sweep-100``: the daily sweep of 100 directives on the embedded SQLite
Prefect server, against trivial tasks of the same count on the same server.

Runs in its own process (Prefect reads its settings when it is first imported):

1. one synthetic province (25 agencies in one group, its committee and office) with 100 directives
   of three monthly assignments each (every agency leads each one), imported through the real import
   path into a SQLite dondoc database; one email contact per agency on a loopback SMTP sink;
2. the embedded Prefect server on SQLite (``prefect server start``, as ``dondoc stack up`` runs it);
3. dondoc: the ``daily-sweep`` flow for that day (replan, one ``track-directive`` subflow per
   directive with every assignment its own task run, artifacts, then the reminder step, which sends);
4. the floor: a flow with the same number of subflows, each running as many trivial tasks as the
   dondoc run created per subflow on average (Prefect also records one task run in the parent per
   subflow call, in both), on the same server, its subflows without heartbeats as the sweep's.

Counts come from the server's API (flow runs, task runs, crashed or failed ones); lock failures are
the "database is locked" lines of the server's log and the requests it answered 503 (retryable errors
are logged: ``SERVER_SETTINGS``). The server runs as ``dondoc stack up`` runs it, SQLite write
transactions begun IMMEDIATE (dondoc/orchestration/prefect_server.py). Everything started here is stopped here.

    .venv/bin/python -m benchmarks.bench_prefect_sweep [--directives 100] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from benchmarks.scale_out import ISSUED, count, monthly_directive  # counted and shaped as in ./run scale-out

AS_OF = date(2024, 3, 13)  # a Wednesday: monthly "before the 15th" deadlines are 2 working days away, none overdue
PROVINCE = "pf"
TARGET_SECONDS = 180.0


def write_inputs(folder: Path, directives: int, agencies: int, smtp_port: int) -> list[Path]:
    """The registry, the directives and the contact file of the synthetic province; returns what to import."""
    members = [f"{PROVINCE}-so{i:02d}" for i in range(agencies)]
    registry = {
        "province": PROVINCE,
        "province_name": "Tỉnh thử nghiệm Prefect",
        "as_of": "2024-01-01",
        "groups": [{"code": f"{PROVINCE}-g-all", "name": "Các sở, ngành tỉnh"}],
        "agencies": [{"code": f"{PROVINCE}-ubnd", "name": "UBND tỉnh thử nghiệm", "kind": "province_committee"},
                     {"code": f"{PROVINCE}-vp", "name": "Văn phòng UBND tỉnh", "kind": "department"}]
        + [{"code": m, "name": f"Sở thử nghiệm {m}", "kind": "department", "groups": [f"{PROVINCE}-g-all"]} for m in members],
    }  # fmt: skip
    (folder / "agencies").mkdir(parents=True)
    reg = folder / "agencies" / f"{PROVINCE}.yaml"
    reg.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    paths = [reg]
    for d in range(directives):
        directive = monthly_directive(PROVINCE, d)
        path = folder / f"directive-{d:03d}.yaml"
        path.write_text(yaml.safe_dump(directive, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    contacts = folder / "contacts"
    contacts.mkdir()
    entries = [(m, "focal") for m in members] + [(f"{PROVINCE}-vp", "coordinator"), (PROVINCE, "leadership")]
    mail = "mailto://127.0.0.1:{port}?from=dondoc@bench.gov.vn&to={to}"
    book = "".join(
        f'  - "{mail.format(port=smtp_port, to=f"{role}.{tag}@bench.gov.vn")}":\n      - tag: {tag}, {role}\n'
        for tag, role in entries
    )
    (contacts / f"{PROVINCE}.apprise.yml").write_text(f"version: 1\nurls:\n{book}", encoding="utf-8")
    return paths


def _counts(api: str, settle: float = 7.0, timeout: float = 120.0) -> dict[str, int]:
    """Run counts once the server has recorded everything: task runs arrive as events, written by the
    recorder in batches flushed at least every 5 s, so the counts must stay unchanged for longer."""

    def read() -> dict[str, int]:
        return {
            "flow_runs": count(api, "flow_runs"),
            "task_runs": count(api, "task_runs"),
            "crashed_flows": count(api, "flow_runs", ["CRASHED"]),
            "crashed_tasks": count(api, "task_runs", ["CRASHED"]),
        }

    last, since, deadline = read(), time.monotonic(), time.monotonic() + timeout
    while time.monotonic() - since < settle and time.monotonic() < deadline:
        time.sleep(0.5)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
    return last


def _floor_flow(subflows: int, tasks_per_subflow: list[int]) -> Any:
    """Trivial subflows and tasks, run the way the daily sweep runs its subflows (no heartbeat thread of their own)."""
    from prefect import flow, task
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    @task(persist_result=False)
    def trivial(n: int) -> int:
        return n

    @flow(name="floor-directive", persist_result=False)
    def floor_directive(tasks: int) -> int:
        return sum(trivial(n) for n in range(tasks))

    @flow(name="floor-sweep", persist_result=False)
    def floor_sweep() -> int:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            return sum(floor_directive(tasks_per_subflow[i]) for i in range(subflows))

    return floor_sweep


def run(directives: int, agencies: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="dondoc-bench-prefect-"))
    from dondoc.orchestration.stack import free_port

    smtp_port = free_port()
    os.environ.update(
        {
            "DONDOC_DATABASE_URL": f"sqlite:///{folder / 'dondoc.db'}",
            "DONDOC_DATA_DIR": str(folder / "data"),
            "DONDOC_CONTACTS": str(folder / "contacts"),
            "DONDOC_TODAY": AS_OF.isoformat(),
        }
    )
    from dondoc.configuration.settings import get_settings

    get_settings.cache_clear()
    from dondoc.db import reset_engine
    from dondoc.db.migrate import upgrade
    from dondoc.directives import service as services
    from dondoc.orchestration import stack as local
    from dondoc.reminders.mailbox import start as start_mailbox

    reset_engine()
    upgrade()
    services.import_paths(write_inputs(folder, directives, agencies, smtp_port), as_of=ISSUED, actor="bench")
    mailbox = start_mailbox(folder / "mailbox", "127.0.0.1", smtp_port)
    home = folder / "prefect"
    server = local.start_server(home, local.free_port())
    try:
        for key, value in local.stack_env(home, server.api_url).items():
            if key.startswith("PREFECT_"):
                os.environ[key] = value
        from flows.daily_sweep import daily_sweep

        start = time.perf_counter()
        outcome = daily_sweep(province=PROVINCE, as_of=AS_OF.isoformat())
        seconds = time.perf_counter() - start
        ours = _counts(server.api_url)
        tracked = len(outcome.get("tracked", []))
        sent = outcome.get("reminders", {}).get("sent", 0)
        subflows = max(1, ours["flow_runs"] - 1)
        tasks = ours["task_runs"] - subflows  # Prefect records a task run in the parent for each subflow call
        per = [tasks // subflows + (1 if i < tasks % subflows else 0) for i in range(subflows)]
        start = time.perf_counter()
        _floor_flow(subflows, per)()
        floor_s = time.perf_counter() - start
        total = _counts(server.api_url)
        floor = {k: total[k] - ours[k] for k in total}
        log = (home / "server.log").read_text(encoding="utf-8", errors="replace")
        retried = log.count("Encountered retryable exception in request")  # each one a 503 the client retried
        locked = log.count("database is locked")  # in those and in the server's own services
    finally:
        local.stop(server)
        mailbox.stop()
        reset_engine()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "measure": f"daily sweep of {tracked} directives, SQLite Prefect server",
        "seconds": seconds,
        "floor_seconds": floor_s,
        "ratio": seconds / floor_s,
        "target_ratio": None,  # the issue's target is ≤ 3 minutes and 0 lock failures; the ratio is shown
        "target_seconds": TARGET_SECONDS,
        "note": (f"{ours['flow_runs']} flow runs, {ours['task_runs']} task runs ({ours['task_runs'] / seconds:.1f}/s), "
                 f"{ours['crashed_flows'] + ours['crashed_tasks']} crashed, {retried} requests answered 503 and retried, "
                 f"{locked} 'database is locked' in the server log, "
                 f"{sent} digests sent; floor: {floor['flow_runs']} flow runs, {floor['task_runs']} trivial task runs"),
        "lock_failures": locked,
        "retried_requests": retried,
        "failures": locked + retried + ours["crashed_flows"] + ours["crashed_tasks"],
        "counts": ours,
        "floor_counts": floor,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--directives", type=int, default=100)
    parser.add_argument("--agencies", type=int, default=25)
    parser.add_argument("--json", type=Path, help="write the result here")
    args = parser.parse_args(argv)
    result = run(args.directives, args.agencies)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)
    return 0


def measure() -> dict[str, Any]:
    """For ``./run bench``: the same in a fresh process (Prefect must not be configured by the harness)."""
    import subprocess

    out = Path(tempfile.mkstemp(prefix="dondoc-bench-prefect-", suffix=".json")[1])
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DONDOC_"))}
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_prefect_sweep", "--json", str(out)], cwd=root, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"bench_prefect_sweep failed: {done.stderr[-2000:]}")
    result = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return {k: result[k] for k in ("measure", "seconds", "floor_seconds", "ratio", "target_ratio", "target_seconds", "note", "failures")}


if __name__ == "__main__":
    raise SystemExit(main())
