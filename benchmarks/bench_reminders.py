"""Benchmark: the reminder sweep's selection and digest building on a province-to-nation dataset.

Builds a synthetic SQLite database: 34 provinces, ~4,500 agencies, 20 directives per province,
and N task instances (default 1M) with due dates over three years up to four months after the
sweep day; future ones are open, 2 % of past ones are still open (overdue): ~13 % open. Rows go in with ``executemany`` in 10k batches and the
task_instance indexes are created after the load. Then it times, as of a working day:

- selection: candidate due dates (pure planner) + the indexed query of open instances;
- digests: planning the stages, routing to contacts, grouping and rendering every digest
  (HTML for email, text), as a dry run (nothing is sent or written).

Usage: .venv/bin/python benchmarks/bench_reminders.py [--instances 1000000] [--keep PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PROVINCES = 34
AGENCIES_PER_PROVINCE = 132  # ≈ 4,500 in all
DIRECTIVES_PER_PROVINCE = 20
ASSIGNMENTS_PER_DIRECTIVE = 12
AS_OF = date(2024, 12, 17)  # a Tuesday
BATCH = 10_000


def build(path: Path, instances: int, seed: int = 7) -> dict[str, float]:
    from dondoc import db
    from dondoc.db.migrate import upgrade

    os.environ["DONDOC_DATABASE_URL"] = f"sqlite:///{path}"
    db.reset_engine()
    upgrade()
    db.reset_engine()
    rng = random.Random(seed)
    now = datetime(2024, 12, 1, tzinfo=UTC).isoformat(sep=" ")
    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    indexes = [r[0] for r in con.execute("select sql from sqlite_master where type='index' and tbl_name='task_instance' and sql is not null")]
    for (name,) in con.execute("select name from sqlite_master where type='index' and tbl_name='task_instance' and sql is not null").fetchall():
        con.execute(f'DROP INDEX "{name}"')
    provinces = [f"p{p:02d}" for p in range(PROVINCES)]
    con.executemany(
        "insert into province(code, name, registry_as_of, registry_file) values (?,?,?,?)",
        [(p, f"Tỉnh {p}", "2024-01-01", "bench") for p in provinces],
    )
    agencies: list[tuple[int, str, str]] = []
    aid = 0
    for p in provinces:
        for i in range(AGENCIES_PER_PROVINCE):
            aid += 1
            agencies.append((aid, f"{p}-a{i:03d}", p))
    con.executemany(
        "insert into agency(id, code, province, name, aliases, kind, contacts) values (?,?,?,?,?,?,?)",
        [(i, code, p, f"Cơ quan {code}", "[]", "department", "[]") for i, code, p in agencies],
    )
    directives: list[tuple[int, str]] = []
    assignments: list[tuple[int, int, str]] = []
    did = asg = 0
    for p in provinces:
        for _d in range(DIRECTIVES_PER_PROVINCE):
            did += 1
            directives.append((did, p))
            for _a in range(ASSIGNMENTS_PER_DIRECTIVE):
                asg += 1
                assignments.append((asg, did, p))
    con.executemany(
        "insert into directive(id, code, number, province, issuer_code, kind, issued_year, title, source_file, seed_file, coordinator_code, start_date, recipients, kpis, content_hash, imported_at) "
        "values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(i, f"{i}/UBND-{p}", f"{i}/UBND-{p}", p, f"{p}-a000", "chi_thi", 2023, f"Chỉ thị thử nghiệm số {i}", "b.txt", "b.yaml", f"{p}-a001", "2023-01-01", "[]", "[]", "x", now) for i, p in directives],
    )
    con.executemany(
        "insert into assignment(id, directive_id, position, clause, text, summary, lead_code, lead_is_group, co_agencies, deadline_kind, deadline_reading, deadline_rule, deadline_understood, depends_on, kpis, active) "
        "values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (i, d, i % ASSIGNMENTS_PER_DIRECTIVE, f"{i % ASSIGNMENTS_PER_DIRECTIVE + 1}", "Nhiệm vụ thử nghiệm", f"Triển khai nhiệm vụ thử nghiệm số {i} theo chỉ thị", f"{p}-a000", 0,
             f'["{p}-a002"]' if i % 5 == 0 else "[]", "once" if i % 3 else "recurring", "D", None if i % 3 else "FREQ=MONTHLY;BYMONTHDAY=15", 1, "[]", "[]", 1)
            for i, d, p in assignments
        ],
    )
    by_province: dict[str, list[int]] = {}
    for i, _code, p in agencies:
        by_province.setdefault(p, []).append(i)
    span = 3 * 365
    start = AS_OF - timedelta(days=span - 130)  # ~12 % of due dates in the future (open), the rest past
    rows = []
    inserted = 0
    for n in range(instances):
        a_id, d_id, p = assignments[n % len(assignments)]
        agency = by_province[p][rng.randrange(AGENCIES_PER_PROVINCE)]
        due = start + timedelta(days=rng.randrange(span))
        is_open = due > AS_OF or rng.random() < 0.02  # past tasks: 2 % still open (overdue)
        state = "open" if is_open else "done"
        done_on = None if is_open else (due - timedelta(days=rng.randrange(10))).isoformat()
        rows.append((a_id, d_id, agency, f"n{n}", "once", (due - timedelta(days=60)).isoformat(), due.isoformat(), due.isoformat(), state, done_on, "{}", 0, now))
        if len(rows) == BATCH:
            con.executemany(
                "insert into task_instance(assignment_id, directive_id, agency_id, period, kind, opens_on, due_date, original_due_date, state, completed_on, kpi_values, due_on_day_off, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            inserted += len(rows)
            rows.clear()
    if rows:
        con.executemany(
            "insert into task_instance(assignment_id, directive_id, agency_id, period, kind, opens_on, due_date, original_due_date, state, completed_on, kpi_values, due_on_day_off, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    con.commit()
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    for sql in indexes:
        con.execute(sql)
    # Steady state: yesterday's sweep ran (scope all and p07), so today's window is one working day.
    prev = (AS_OF - timedelta(days=1)).isoformat()
    con.executemany(
        "insert into reminder_sweep(scope, day, started_at, finished_at, planned, sent, failed) values (?,?,?,?,0,0,0)",
        [("*", prev, now, now), ("p07", prev, now, now)],
    )
    con.execute("ANALYZE")
    con.commit()
    open_rows = con.execute("select count(*) from task_instance where state = 'open'").fetchone()[0]
    con.close()
    return {"load_s": load, "index_s": time.perf_counter() - t1, "open": open_rows, "agencies": len(agencies), "directives": len(directives)}


def contacts_for(agencies: int) -> object:
    """A contact book covering every agency (focal, head), coordinator and province (built in memory)."""
    from dondoc.reminders import notify
    from dondoc.reminders.contacts import Contact, ContactBook

    contacts: list[Contact] = []
    for p in range(PROVINCES):
        prov = f"p{p:02d}"
        specs = [(f"{prov}", "leadership")] + [(f"{prov}-a{i:03d}", role) for i in range(AGENCIES_PER_PROVINCE) for role in ("focal", "head")]
        specs.append((f"{prov}-a001", "coordinator"))
        for tag, role in specs:
            address = f"{role}.{tag}@bench.gov.vn"
            channel = notify.Channel(f"email:{address}", f"mailto://localhost/{address}", "email", 32768)
            contacts.append(Contact("bench", frozenset({tag, role}), f"mailto://localhost:2525?from=b@bench.gov.vn&to={address}", channel))
    return ContactBook(contacts)


def sweep(path: Path, province: str | None) -> dict[str, float]:
    from dondoc import db
    from dondoc.configuration.files import clear_caches
    from dondoc.reminders.service import run_sweep

    os.environ["DONDOC_DATABASE_URL"] = f"sqlite:///{path}"
    db.reset_engine()
    clear_caches()
    book = contacts_for(PROVINCES * AGENCIES_PER_PROVINCE)
    t0 = time.perf_counter()
    result = run_sweep(AS_OF, province=province, dry_run=True, today=AS_OF, contacts=book)  # type: ignore[arg-type]
    total = time.perf_counter() - t0
    return {
        "candidates": result.candidates,
        "reminders": result.planned,
        "digests": len(result.digests),
        "selection_ms": result.selection_ms,
        "digest_ms": result.digest_ms,
        "total_s": total,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--keep", type=Path, default=None, help="Folder to keep the databases in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="dondoc-bench-rem-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DONDOC_DATA_DIR"] = str(folder)
    for n in args.instances:
        path = folder / f"rem-{n}.db"
        if path.exists():
            path.unlink()
        built = build(path, n)
        print(f"{n:,} instances ({built['open']:,} open, {built['agencies']:,} agencies, {built['directives']} directives): "
              f"load {built['load_s']:.1f} s, indexes {built['index_s']:.1f} s")
        for scope in (None, "p07"):
            for run in (1, 2):
                r = sweep(path, scope)
                print(f"  sweep {AS_OF:%d/%m/%Y} scope={scope or 'all'} run {run}: selection {r['selection_ms']:.0f} ms "
                      f"({r['candidates']:,} candidates), digests {r['digest_ms']:.0f} ms ({r['reminders']:,} reminders → "
                      f"{r['digests']:,} digests), whole dry run {r['total_s']:.1f} s")


if __name__ == "__main__":
    main()
