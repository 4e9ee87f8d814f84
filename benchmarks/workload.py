"""A synthetic workload that looks like the country, built once and cached under ``.bench-cache/``.

Two shapes, both SQLite files built with ``executemany`` in 10k-row batches, the task_instance
indexes created after the load (PERFORMANCE.md):

- ``nation``: 34 provinces, each with its province committee, 14–16 departments and its share of
  about 3,300 communes; five years of directives (2021–2025, 12 a year per province, 8 assignments
  each); 5,000,000 task instances (``--quick``: 1,000,000) due over the five years and up to four
  months after the benchmark day. Past tasks are settled but for 2 % (overdue); future ones open.
- ``stress``: one province holding 1,000,000 instances (the worst case for one province's report).

Every row is random but seeded: the same arguments always build the same database. The cache key
is the shape, the row count and ``VERSION``; bump it when the generator changes.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

VERSION = 2
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache"
AS_OF = date(2025, 11, 18)  # a Tuesday, a working day
FIRST_DUE = date(2021, 1, 4)
LAST_DUE = AS_OF + timedelta(days=120)
PROVINCES = 34
COMMUNES = 3_300
YEARS = (2021, 2022, 2023, 2024, 2025)
DIRECTIVES_PER_YEAR = 12
ASSIGNMENTS_PER_DIRECTIVE = 8
BATCH = 10_000
KPI = '[{"key": "digitized_rate", "label": "Tỷ lệ số hóa hồ sơ", "target": 70, "level": "any"}]'

INSTANCE_COLUMNS = (
    "assignment_id, directive_id, agency_id, period, kind, opens_on, due_date, original_due_date, "
    "state, completed_on, kpi_values, due_on_day_off, updated_at"
)


@dataclass(frozen=True)
class Shape:
    name: str
    provinces: int
    instances: int

    @property
    def path(self) -> Path:
        return CACHE / f"{self.name}-{self.instances}-v{VERSION}.db"


def nation(instances: int = 5_000_000) -> Shape:
    return Shape("nation", PROVINCES, instances)


def stress(instances: int = 1_000_000) -> Shape:
    return Shape("stress", 1, instances)


def province_code(p: int) -> str:
    return f"p{p:02d}"


def ensure(shape: Shape, log: Any = print) -> Path:
    """The cached database for ``shape``; built (≈ 20–90 s) when missing."""
    if shape.path.exists():
        _migrate(shape.path)  # a cached database follows the code's migrations (new indexes)
        _analyze_new_indexes(shape.path)
        return shape.path
    CACHE.mkdir(exist_ok=True)
    partial = shape.path.with_suffix(".partial")
    for leftover in CACHE.glob(f"{partial.name}*"):
        leftover.unlink()
    start = time.perf_counter()
    _build(shape, partial)
    partial.rename(shape.path)
    log(f"» built {shape.path.name} in {time.perf_counter() - start:.0f} s")
    return shape.path


def _migrate(path: Path) -> None:
    from dondoc import db
    from dondoc.db.migrate import upgrade

    previous = os.environ.get("DONDOC_DATABASE_URL")
    os.environ["DONDOC_DATABASE_URL"] = f"sqlite:///{path}"
    db.reset_engine()
    try:
        upgrade()
    finally:
        db.reset_engine()
        if previous is None:
            os.environ.pop("DONDOC_DATABASE_URL", None)
        else:
            os.environ["DONDOC_DATABASE_URL"] = previous


def _analyze_new_indexes(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        names = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='task_instance'")}
        known = {n for (n,) in con.execute("SELECT idx FROM sqlite_stat1 WHERE tbl='task_instance'")}
        if names - known - {n for n in names if n.startswith("sqlite_autoindex")}:
            con.execute("ANALYZE")
            con.commit()
    finally:
        con.close()


def _build(shape: Shape, path: Path) -> None:
    _migrate(path)
    rng = random.Random(20251118)
    now = datetime(2025, 11, 1, tzinfo=UTC).isoformat(sep=" ")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    indexes = [
        (name, sql)
        for name, sql in con.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='task_instance' AND sql IS NOT NULL")
    ]
    for name, _sql in indexes:
        con.execute(f'DROP INDEX "{name}"')
    provinces = [province_code(p) for p in range(shape.provinces)]
    con.executemany(
        "INSERT INTO province(code, name, registry_as_of, registry_file) VALUES (?,?,?,?)",
        [(p, f"Tỉnh thử nghiệm {p[1:]}", "2025-07-01", "bench") for p in provinces],
    )
    agencies: dict[str, list[int]] = {}
    agency_rows: list[tuple[Any, ...]] = []
    aid = 0
    communes_each = COMMUNES // PROVINCES if shape.provinces > 1 else 100
    for p in provinces:
        members = agencies.setdefault(p, [])
        aid += 1
        agency_rows.append((aid, f"{p}-ubnd", p, f"UBND tỉnh {p}", "province_committee"))
        for d in range(14 + rng.randrange(3)):
            aid += 1
            members.append(aid)
            agency_rows.append((aid, f"{p}-so{d:02d}", p, f"Sở thử nghiệm {d:02d} tỉnh {p}", "department"))
        for c in range(communes_each + rng.randrange(-3, 4)):
            aid += 1
            members.append(aid)
            agency_rows.append((aid, f"{p}-xa{c:03d}", p, f"UBND xã thử nghiệm {c:03d} tỉnh {p}", "commune"))
    con.executemany(
        "INSERT INTO agency(id, code, province, name, aliases, kind, contacts) VALUES (?,?,?,?,'[]',?,'[]')", agency_rows
    )
    directive_rows: list[tuple[Any, ...]] = []
    assignment_rows: list[tuple[Any, ...]] = []
    by_province: dict[str, list[tuple[int, int, bool]]] = {}
    did = sid = 0
    for p in provinces:
        for year in YEARS:
            for n in range(DIRECTIVES_PER_YEAR):
                did += 1
                number = f"{n + 1}/CT-UBND-{p}-{year}"
                directive_rows.append(
                    (did, number, number, p, f"{p}-ubnd", "chi_thi", year, f"Chỉ thị thử nghiệm số {n + 1} năm {year}",
                     "bench.txt", "bench.yaml", f"{p}-so00", f"{year}-{n % 12 + 1:02d}-01", "[]", "[]", "x", now)
                )
                for k in range(ASSIGNMENTS_PER_DIRECTIVE):
                    sid += 1
                    monthly = k % 3 == 0
                    assignment_rows.append(
                        (sid, did, k, f"{k + 1}", "Nhiệm vụ thử nghiệm", f"Triển khai nhiệm vụ {k + 1} của chỉ thị {number}",
                         f"{p}-so00", 0, f'["{p}-so01"]' if k % 4 == 1 else "[]", "recurring" if monthly else "once", "x",
                         "FREQ=MONTHLY;BYMONTHDAY=15" if monthly else None, 1, "[]", KPI if k == 0 else "[]", 1)
                    )
                    by_province.setdefault(p, []).append((sid, did, k == 0))
    con.executemany(
        "INSERT INTO directive(id, code, number, province, issuer_code, kind, issued_year, title, source_file, seed_file, "
        "coordinator_code, start_date, recipients, kpis, content_hash, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        directive_rows,
    )
    con.executemany(
        "INSERT INTO assignment(id, directive_id, position, clause, text, summary, lead_code, lead_is_group, co_agencies, "
        "deadline_kind, deadline_reading, deadline_rule, deadline_understood, depends_on, kpis, active) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        assignment_rows,
    )
    insert = f"INSERT INTO task_instance({INSTANCE_COLUMNS}) VALUES ({','.join('?' * 13)})"
    batch: list[tuple[Any, ...]] = []
    for row in _instances(shape, rng, agencies, by_province, now):
        batch.append(row)
        if len(batch) == BATCH:
            con.executemany(insert, batch)
            batch.clear()
    if batch:
        con.executemany(insert, batch)
    con.commit()
    for _name, sql in indexes:
        con.execute(sql)
    # Steady state: yesterday's sweep ran for the nation and for every province.
    prev = (AS_OF - timedelta(days=1)).isoformat()
    con.executemany(
        "INSERT INTO reminder_sweep(scope, day, started_at, finished_at, planned, sent, failed) VALUES (?,?,?,?,0,0,0)",
        [(scope, prev, now, now) for scope in ["*", *provinces]],
    )
    con.execute("ANALYZE")
    con.commit()
    con.close()


def _instances(
    shape: Shape, rng: random.Random, agencies: dict[str, list[int]], by_province: dict[str, list[tuple[int, int, bool]]], now: str
) -> Iterator[tuple[Any, ...]]:
    span = (LAST_DUE - FIRST_DUE).days
    provinces = sorted(agencies)
    kpi = json.dumps({"digitized_rate": 71.5})
    for n in range(shape.instances):
        p = provinces[n % len(provinces)]
        assignment_id, directive_id, has_kpi = by_province[p][rng.randrange(len(by_province[p]))]
        members = agencies[p]
        agency = members[rng.randrange(len(members))]
        if rng.random() < 0.03:
            opens = FIRST_DUE + timedelta(days=rng.randrange(span))
            yield (assignment_id, directive_id, agency, f"n{n}", "ongoing", opens.isoformat(), None, None, "open", None, "{}", 0, now)
            continue
        due = FIRST_DUE + timedelta(days=rng.randrange(span))
        original = due - timedelta(days=10) if rng.random() < 0.01 else due
        done = None
        if due <= AS_OF and rng.random() >= 0.02:
            done = min(AS_OF - timedelta(days=1), due + timedelta(days=rng.choice((-6, -3, -1, 0, 0, 1, 4, 12))))
        values = kpi if has_kpi and done is not None else "{}"
        yield (
            assignment_id, directive_id, agency, f"n{n}", "once", (due - timedelta(days=45)).isoformat(), due.isoformat(),
            original.isoformat(), "done" if done else "open", done.isoformat() if done else None, values, 0, now,
        )
