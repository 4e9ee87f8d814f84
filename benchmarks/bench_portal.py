"""Load on the department portal: 200 concurrent clients against one agency's page, 1M instances.

    .venv/bin/python benchmarks/bench_portal.py [--instances 1000000] [--clients 200] [--requests 20]

A private SQLite database (WAL) in a temp folder: the five seeds, then synthetic agencies and
instances until the table holds ``--instances`` rows (13 % open, as in PERFORMANCE.md), with the
measured agency (Sở TT&TT, Đồng Nai) holding a few hundred of them. `dondoc serve` runs in its own
process; the clients (asyncio + httpx, one connection each) open the agency's personal link once,
then ask for its page repeatedly. Prints p50/p90/p99 latency and requests per second, plus the
plans of the page's queries. A benchmark, not a test: figures depend on the machine.

The httpx clients run in one Python process on the same machine and cost more CPU per request than
the server does, so on 2 cores they measure themselves as much as the server. When ``wrk`` (Debian's
package, C, ~0.05 ms per request) is on PATH, the same 200 connections are then driven by it for
``--seconds`` (one opened link's session cookie on every connection: the server's work per request is
the same as for 200 sessions): that is the figure of the server under 200 concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dondoc.orchestration.stack import free_port

ROOT = Path(__file__).resolve().parent.parent
AGENCY = "dn-so-thong-tin-truyen-thong"
AS_OF = date(2023, 12, 6)
BATCH = 10_000


def fill(db: Path, total: int, agencies: int, mine: int) -> int:
    """Synthetic agencies and instances with executemany in 10k-row batches (fastest path measured)."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    have = con.execute("select count(*) from task_instance").fetchone()[0]
    assignments = con.execute(
        "select a.id, a.directive_id from assignment a join directive d on d.id = a.directive_id where d.province = 'dong-nai'"
    ).fetchall()
    target = con.execute("select id from agency where code = ?", (AGENCY,)).fetchone()[0]
    con.executemany(
        "insert into agency (code, province, name, short_name, aliases, kind, contacts) values (?, 'dong-nai', ?, ?, '[]', 'department', '[]')",
        [(f"bench-{n:05d}", f"Cơ quan thử {n}", f"CQ {n}") for n in range(agencies)],
    )
    ids = [r[0] for r in con.execute("select id from agency where code like 'bench-%'")]
    rng = random.Random(12)
    now = datetime.now(UTC).isoformat(sep=" ")
    todo = max(0, total - have)
    rows: list[tuple[object, ...]] = []
    for n in range(todo):
        assignment_id, directive_id = assignments[n % len(assignments)]
        agency_id = target if n < mine else ids[n % len(ids)]
        due = date(2022, 1, 3) + timedelta(days=rng.randrange(0, 1100))
        is_open = (due >= AS_OF - timedelta(days=40) and rng.random() < 0.25) or rng.random() < 0.03
        done_on = None if is_open else due - timedelta(days=rng.randrange(-5, 10))
        rows.append(
            (assignment_id, directive_id, agency_id, f"bench-{n}", "once", (due - timedelta(days=60)).isoformat(), due.isoformat(),
             due.isoformat(), "open" if is_open else "done", done_on.isoformat() if done_on else None, "{}", 0, now)
        )  # fmt: skip
        if len(rows) == BATCH:
            _insert(con, rows)
    _insert(con, rows)
    con.commit()
    open_rows = con.execute("select count(*) from task_instance where state = 'open'").fetchone()[0]
    con.execute("ANALYZE")
    con.close()
    return int(open_rows)


def _insert(con: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    con.executemany(
        "insert into task_instance (assignment_id, directive_id, agency_id, period, kind, opens_on, due_date, original_due_date, "
        "state, completed_on, kpi_values, due_on_day_off, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    rows.clear()


async def load(base: str, token: str, clients: int, requests: int) -> tuple[list[float], float, int]:
    import httpx

    latencies: list[float] = []
    errors = 0

    async def client_run() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            opened = await client.get(f"/portal/open/{token}", follow_redirects=False)
            assert opened.status_code == 303, opened.status_code
            for _ in range(requests):
                start = time.perf_counter()
                try:
                    response = await client.get("/portal/")
                except httpx.TransportError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200 or "Nhiệm vụ của" not in response.text:
                    errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(client_run() for _ in range(clients)))
    return latencies, time.perf_counter() - started, errors


def session_cookie(base: str, token: str) -> str:
    import httpx

    with httpx.Client(base_url=base) as client:
        opened = client.get(f"/portal/open/{token}", follow_redirects=False)
        assert opened.status_code == 303, opened.status_code
        page = client.get("/portal/")
        assert page.status_code == 200, page.status_code
        assert "Nhiệm vụ của" in page.text
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def wrk(base: str, cookie: str, clients: int, seconds: int) -> dict[str, float]:
    """200 keep-alive connections from wrk (two threads), closed loop like the httpx clients; its latency percentiles."""
    threads = 2 if clients >= 2 else 1
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         "-H", f"Cookie: {cookie}", "-H", "Accept-Encoding: gzip", f"{base}/portal/"],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    unit = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
    figures = {f"p{p}": float(v) * unit[u] for p, v, u in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    if len(figures) != 3:
        raise SystemExit(f"wrk's output not understood:\n{out}")
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    figures["requests"] = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    figures["errors"] = float(bad.group(1) if bad else 0) + (sum(int(g) for g in errors.groups()) if errors else 0)
    return figures


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc): the server's own cost, whatever else runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=4_500)
    parser.add_argument("--mine", type=int, default=600, help="synthetic instances of the measured agency")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20, help="per client, after a warm-up round")
    parser.add_argument("--reuse", type=Path, help="the folder of an earlier run: measure again without refilling")
    parser.add_argument("--seconds", type=int, default=15, help="how long wrk drives the page")
    parser.add_argument("--client", choices=["both", "httpx", "wrk"], default="both")
    args = parser.parse_args()
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="dondoc-bench-portal-"))
    db = folder / "bench.db"
    env = {**os.environ, "DONDOC_DATA_DIR": str(folder), "DONDOC_DATABASE_URL": f"sqlite:///{db}"}
    os.environ.update(env)

    from dondoc.db.migrate import upgrade
    from dondoc.directives import service as services

    upgrade()
    if args.reuse is None:
        services.import_paths([ROOT / "directives_seed"], as_of=AS_OF, actor="bench")
        started = time.perf_counter()
        open_rows = fill(db, args.instances, args.agencies, args.mine)
        print(f"database: {args.instances:,} instances ({open_rows:,} open) in {time.perf_counter() - started:.1f} s — {db}")
    else:
        con = sqlite3.connect(db)
        total, open_rows = con.execute("select count(*), sum(state = 'open') from task_instance").fetchone()
        con.close()
        print(f"database: {total:,} instances ({open_rows:,} open), reused — {db}")

    from dondoc.db import session_scope
    from dondoc.portal import service
    from dondoc.portal.queries import OPEN, _columns
    from dondoc.reminders.queries import explain

    issued = service.issue_link(AGENCY, office=False, recipient=None, label="bench", actor="bench")
    token = issued.url.rsplit("/", 1)[1]
    with session_scope() as session:
        from sqlmodel import col

        from dondoc.models import TaskInstance

        stmt = (
            _columns()
            .where(col(TaskInstance.agency_id) == 1, OPEN, col(TaskInstance.due_date).is_not(None))
            .order_by(col(TaskInstance.due_date))
        )
        print("plan of the page's main query:", " | ".join(explain(stmt.limit(151), session=session)))
        page = service.department_page(service.current_link(issued.id) or sys.exit("link"), as_of=AS_OF)
        print(f"page: {len(page.lead)} lead tasks, {len(page.co)} co-agency tasks, truncated={page.truncated}")

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from dondoc.cli import app; app()",
            "serve",
            "--port",
            str(port),
            "--as-of",
            AS_OF.strftime("%d/%m/%Y"),
        ],
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=(folder / "serve.log").open("w"),
    )
    try:
        import httpx

        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("dondoc serve did not start")
            time.sleep(0.2)
        asyncio.run(load(base, token, min(args.clients, 20), 2))  # warm-up: imports, caches, connections
        if args.client in ("both", "httpx"):
            cpu_before = cpu_seconds(server.pid)
            latencies, elapsed, errors = asyncio.run(load(base, token, args.clients, args.requests))
            cpu = cpu_seconds(server.pid) - cpu_before
            latencies.sort()
            q = statistics.quantiles(latencies, n=100)
            print(
                f"httpx, {args.clients} concurrent clients, {len(latencies):,} requests in {elapsed:.1f} s: "
                f"{len(latencies) / elapsed:.0f} req/s; p50 {q[49] * 1000:.0f} ms, p90 {q[89] * 1000:.0f} ms, "
                f"p99 {q[98] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; errors {errors}"
            )
            per_request = cpu / max(1, len(latencies)) * 1000
            print(
                f"server CPU {cpu:.1f} s = {per_request:.2f} ms per request (≈ {1000 / per_request:.0f} req/s per free core); "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs while measuring"
            )
        if args.client == "httpx":
            return
        if shutil.which("wrk") is None:
            print("wrk: not installed (apt-get install wrk): the server's own figure is not measured")
            return
        cookie = session_cookie(base, token)
        cpu_before = cpu_seconds(server.pid)
        got = wrk(base, cookie, args.clients, args.seconds)
        cpu = cpu_seconds(server.pid) - cpu_before
        print(
            f"wrk, {args.clients} connections for {args.seconds} s, {got['requests']:,.0f} requests: {got['rps']:.0f} req/s; "
            f"p50 {got['p50']:.0f} ms, p90 {got['p90']:.0f} ms, p99 {got['p99']:.0f} ms; errors {got['errors']:.0f}; "
            f"server CPU {cpu / max(1.0, got['requests']) * 1000:.2f} ms per request; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
