"""``./run scale-out``: the production shape on one machine, measured.

    ./run scale-out [--provinces 34] [--workers 2] [--agencies 25] [--keep]

1. two private PostgreSQL databases on 127.0.0.1:5432: one for dondoc, one for the Prefect server;
2. dondoc migrated, then ``--provinces`` synthetic provinces imported through the real import path
   (a registry of ``--agencies`` agencies in one group each, three directives of three monthly
   assignments each), an Apprise contact file per province pointing every agency, coordinator
   and leadership at a loopback SMTP sink this script runs;
3. a Prefect server on PostgreSQL, the ``dondoc`` process work pool, every deployment of
   ``prefect.yaml`` and ``--workers`` workers;
4. the ``daily-sweep`` deployment started for every province at once (one flow run per province,
   each directive tracked with every assignment its own task run, then the reminder step);
5. waits for every run and prints wall time, task runs per second, failed runs, e-mails received
   and duplicate sends (the same digest twice to one recipient: 0 expected).

Everything it starts (server, workers, SMTP sink) it stops, and it drops both databases unless
``--keep``. See docs/performance.md for how this maps to several machines.
"""

from __future__ import annotations

import argparse
import email
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PG_ADMIN = os.environ.get("DONDOC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
AS_OF = date(2024, 3, 13)  # a Wednesday: monthly "before the 15th" deadlines are 2 working days away
ISSUED = date(2024, 1, 2)


def pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def pg_url(name: str, driver: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", f"postgresql+{driver}://") + f"/{name}"


def monthly_directive(code: str, n: int) -> dict[str, Any]:
    """Directive ``n + 1`` of province ``code``: three monthly assignments led by the group of all its agencies."""
    return {
        "number": f"{n + 1}/CT-{code.upper()}",
        "province": code,
        "issuer": f"{code}-ubnd",
        "kind": "chi_thi",
        "issued": ISSUED.isoformat(),
        "end": "2024-12-31",
        "title": f"Chỉ thị thử nghiệm số {n + 1} về triển khai nhiệm vụ hằng tháng",
        "source_file": "scale.txt",
        "coordinator": f"{code}-vp",
        "assignments": [
            {"clause": f"{k + 1}", "text": f"Báo cáo kết quả nhiệm vụ {k + 1} hằng tháng", "summary": f"Nhiệm vụ {k + 1}",
             "lead": f"{code}-g-all", "deadline": f"trước ngày {15 + k} hàng tháng"}
            for k in range(3)
        ],
    }  # fmt: skip


def write_inputs(folder: Path, provinces: int, agencies: int, smtp_port: int) -> list[Path]:
    """Registries, directives and contact files of the synthetic provinces; returns what to import."""
    paths: list[Path] = []
    contacts = folder / "contacts"
    contacts.mkdir(parents=True)
    (folder / "agencies").mkdir()

    def mail(to: str) -> str:
        return f"mailto://127.0.0.1:{smtp_port}?from=dondoc@scale.gov.vn&to={to}"

    for p in range(provinces):
        code = f"s{p:02d}"
        members = [f"{code}-so{i:02d}" if i < 15 else f"{code}-xa{i:03d}" for i in range(agencies)]
        registry = {
            "province": code,
            "province_name": f"Tỉnh thử nghiệm {p:02d}",
            "as_of": "2024-01-01",
            "groups": [{"code": f"{code}-g-all", "name": "Các sở, ngành và UBND cấp xã"}],
            "agencies": [
                {"code": f"{code}-ubnd", "name": f"UBND tỉnh thử nghiệm {p:02d}", "kind": "province_committee"},
                {"code": f"{code}-vp", "name": "Văn phòng UBND tỉnh", "kind": "department"},
            ]
            + [
                {
                    "code": m,
                    "name": f"Cơ quan thử nghiệm {m}",
                    "kind": "department" if "-so" in m else "commune",
                    "groups": [f"{code}-g-all"],
                }
                for m in members
            ],
        }
        reg = folder / "agencies" / f"{code}.yaml"
        reg.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
        paths.append(reg)
        for d in range(3):
            directive = monthly_directive(code, d)
            path = folder / f"{code}-{d}.yaml"
            path.write_text(yaml.safe_dump(directive, allow_unicode=True), encoding="utf-8")
            paths.append(path)
        entries = [(m, "focal") for m in members] + [(f"{code}-vp", "coordinator"), (code, "leadership")]
        book = "".join(f'  - "{mail(f"{role}.{tag}@scale.gov.vn")}":\n      - tag: {tag}, {role}\n' for tag, role in entries)
        (contacts / f"{code}.apprise.yml").write_text(f"version: 1\nurls:\n{book}", encoding="utf-8")
    return paths


#: The names Prefect gives a run that really failed. A tracking run or task whose agencies have overdue
#: work ends in a FAILED-type state too (red in the UI, by design: docs/coordinator.md), but named for
#: what it assesses ("Quá hạn chưa hoàn thành", "3 quá hạn · 0,0 %"): that is a finding, not a failure.
SOFTWARE_FAILURES = ["Failed", "Crashed", "TimedOut"]


def count(api: str, what: str, states: list[str] | None = None, names: list[str] | None = None) -> int:
    import httpx

    body: dict[str, Any] = {}
    if states:
        state: dict[str, Any] = {"type": {"any_": states}}
        if names:
            state["name"] = {"any_": names}
        body = {what: {"state": state}}
    response = httpx.post(f"{api}/{what}/count", json=body, timeout=30)
    response.raise_for_status()
    return int(response.json())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--agencies", type=int, default=25, help="agencies per province")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the databases and the folder (for a look afterwards)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers: at least 1")
    tag = uuid.uuid4().hex[:8]
    dondoc_db, prefect_db = f"dondoc_scale_{tag}", f"prefect_scale_{tag}"
    folder = Path(tempfile.mkdtemp(prefix="dondoc-scale-"))
    pids: list[int] = []
    controller: Any = None
    try:
        pg(f'CREATE DATABASE "{dondoc_db}"')
        pg(f'CREATE DATABASE "{prefect_db}"')
        from dondoc.orchestration.stack import free_port

        smtp_port = free_port()
        os.environ.update(
            {
                "DONDOC_DATABASE_URL": pg_url(dondoc_db, "psycopg"),
                "DONDOC_DATA_DIR": str(folder / "data"),
                "DONDOC_CONTACTS": str(folder / "contacts"),
                "DONDOC_TODAY": AS_OF.isoformat(),
                "PREFECT_API_DATABASE_CONNECTION_URL": pg_url(prefect_db, "asyncpg"),
            }
        )
        from dondoc.configuration.settings import get_settings

        get_settings.cache_clear()
        from dondoc.db import reset_engine
        from dondoc.db.migrate import upgrade
        from dondoc.directives import service as services
        from dondoc.reminders.mailbox import start as start_mailbox

        reset_engine()
        upgrade()
        inputs = write_inputs(folder, args.provinces, args.agencies, smtp_port)
        t0 = time.perf_counter()
        summary = services.import_paths(inputs, as_of=ISSUED, actor="scale-out")
        planned = sum(p.inserted for p in summary.plans.values())
        print(
            f"» {args.provinces} provinces imported: {planned:,} task instances in {time.perf_counter() - t0:.1f} s", flush=True
        )
        controller = start_mailbox(folder / "mailbox", "127.0.0.1", smtp_port)

        from dondoc.orchestration import stack as local

        home = folder / "prefect"
        server = local.start_server(home, local.free_port())
        pids.append(server.server_pid or 0)
        print(f"» Prefect server on PostgreSQL at {server.url}", flush=True)
        local.deploy(server)
        env = local.stack_env(home, server.api_url)
        for n in range(args.workers):
            log = home / f"worker-{n}.log"
            with log.open("ab") as out:
                worker = subprocess.Popen(
                    [
                        local._prefect_bin(),
                        "worker",
                        "start",
                        "--pool",
                        local.WORK_POOL,
                        "--type",
                        "process",
                        "--name",
                        f"scale-{n}",
                    ],
                    env=env,
                    cwd=local.PROJECT_ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            pids.append(worker.pid)
        print(f"» {args.workers} workers started on pool {local.WORK_POOL}", flush=True)
        result = sweep_all(server.api_url, args.provinces, args.timeout)
        received = [email.message_from_bytes(p.read_bytes()) for p in sorted((folder / "mailbox").rglob("*.eml"))]
        per_digest = Counter((m["To"], m["Subject"]) for m in received)
        duplicates = sum(n - 1 for n in per_digest.values() if n > 1)
        print()
        print("| measure | value |")
        print("|---|---:|")
        print(f"| provinces swept concurrently | {args.provinces} |")
        print(f"| workers | {args.workers} |")
        print(f"| wall time, first run submitted → last run finished | {result['wall']:.1f} s |")
        print(f"| flow runs (incl. subflows) | {result['flow_runs']} |")
        print(f"| task runs | {result['task_runs']} |")
        print(f"| task runs per second | {result['task_runs'] / result['wall']:.1f} |")
        print(f"| failed or crashed flow runs | {result['failed_flows']} |")
        print(f"| failed or crashed task runs | {result['failed_tasks']} |")
        print(
            f"| tracking runs / task runs ending red for overdue work (findings, not failures) | {result['overdue_flows']} / {result['overdue_tasks']} |"
        )
        print(f"| e-mails received by the SMTP sink | {len(received)} |")
        print(f"| duplicate sends | {duplicates} |")
        ok = result["failed_flows"] == 0 and result["failed_tasks"] == 0 and duplicates == 0 and result["finished"]
        return 0 if ok else 1
    finally:
        for pid in reversed(pids):
            if pid:
                try:
                    os.killpg(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for pid in pids:
            if pid:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
        if controller is not None:
            controller.stop()
        from dondoc.db import reset_engine

        reset_engine()
        if not args.keep:
            for name in (dondoc_db, prefect_db):
                pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept: databases {dondoc_db}, {prefect_db}; folder {folder}")


def sweep_all(api: str, provinces: int, timeout: float) -> dict[str, Any]:
    """Start daily-sweep for every province at once, wait for all, count runs from the server."""
    os.environ["PREFECT_API_URL"] = api
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    start = time.perf_counter()
    ids = [
        run_deployment("daily-sweep/daily-sweep", parameters={"province": f"s{p:02d}", "as_of": AS_OF.isoformat()}, timeout=0).id
        for p in range(provinces)
    ]
    print(f"» {len(ids)} daily-sweep runs submitted in {time.perf_counter() - start:.1f} s", flush=True)
    finished = False
    with get_client(sync_client=True) as client:
        while time.perf_counter() - start < timeout:
            runs = [client.read_flow_run(i) for i in ids]
            if all(r.state is not None and r.state.is_final() for r in runs):
                finished = True
                break
            time.sleep(1)
        wall = time.perf_counter() - start
    return {
        "wall": wall,
        "finished": finished,
        "flow_runs": count(
            api, "flow_runs", ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]
        ),  # not the deployments' scheduled runs
        "task_runs": count(api, "task_runs"),
        "failed_flows": count(api, "flow_runs", ["FAILED", "CRASHED"], SOFTWARE_FAILURES) + (0 if finished else provinces),
        "failed_tasks": count(api, "task_runs", ["FAILED", "CRASHED"], SOFTWARE_FAILURES),
        "overdue_flows": count(api, "flow_runs", ["FAILED"]) - count(api, "flow_runs", ["FAILED"], SOFTWARE_FAILURES),
        "overdue_tasks": count(api, "task_runs", ["FAILED"]) - count(api, "task_runs", ["FAILED"], SOFTWARE_FAILURES),
    }


if __name__ == "__main__":
    raise SystemExit(main())
