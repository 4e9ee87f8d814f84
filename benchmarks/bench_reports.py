"""Report aggregation at scale: a quarter over one million task instances.

Builds a synthetic database (SQLite by default; ``--pg`` adds PostgreSQL on 127.0.0.1:5432),
then times the set-based counts query alone and the whole report computation (counts, overdue
and extended lists, ongoing and KPI tables) for Q4/2023 under the NĐ 09/2019 cut-off.

    .venv/bin/python benchmarks/bench_reports.py [--rows 1000000] [--pg] [--repeat 5]

Two shapes: ``one-province`` puts every row in the reported province (the worst case);
``nation`` spreads them over 34 provinces and reports one of them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CUTOFF = date(2023, 12, 14)
WINDOW_START = date(2023, 9, 15)
FIRST_DUE = date(2021, 1, 1)
DAYS = (date(2024, 12, 31) - FIRST_DUE).days
PG_ADMIN = os.environ.get("DONDOC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _instances(rows: int, agencies: list[int], assignments: list[tuple[int, int]], seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    now = datetime.now(UTC).isoformat()
    for i in range(rows):
        assignment_id, directive_id = assignments[i % len(assignments)]
        agency_id = agencies[rng.randrange(len(agencies))]
        if rng.random() < 0.04:
            due = None
            opens = FIRST_DUE + timedelta(days=rng.randrange(DAYS))
            kind = "ongoing"
        else:
            due = FIRST_DUE + timedelta(days=rng.randrange(DAYS))
            opens = due - timedelta(days=30)
            kind = "recurring"
        state, completed = "open", None
        # Old tasks were almost all settled; the quarter's own tasks less so (the overdue backlog stays realistic).
        settled = 0.985 if due is not None and due < WINDOW_START else 0.85
        if due is not None and due < CUTOFF and rng.random() < settled:
            state, completed = "done", due + timedelta(days=rng.choice([-5, -2, -1, 0, 0, 1, 3, 12]))
        elif due is not None and rng.random() < 0.08:
            state, completed = "done", min(due, CUTOFF) - timedelta(days=rng.randrange(1, 20))
        extended = due is not None and rng.random() < 0.01
        yield (
            assignment_id,
            directive_id,
            agency_id,
            f"p{i}",
            kind,
            opens,
            due,
            (due - timedelta(days=10)) if extended and due else due,
            state,
            completed,
            '{"digitized_rate": 71.5}' if completed and i % 50 == 0 else "{}",
            False,
            now,
        )


INSERT = (
    "INSERT INTO task_instance (assignment_id, directive_id, agency_id, period, kind, opens_on, due_date, original_due_date, "
    "state, completed_on, kpi_values, due_on_day_off, updated_at) VALUES ({})"
)


def populate(url: str, rows: int, provinces: int, agencies_per_province: int) -> None:
    """Registry, directives and instances; the instance indexes are rebuilt after the bulk load."""
    from sqlalchemy import text

    from dondoc.db import get_engine
    from dondoc.db.migrate import upgrade

    engine = get_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    kinds = ["department"] * 3 + ["district"]
    with engine.begin() as conn:
        for p in range(provinces):
            conn.execute(
                text("INSERT INTO province (code, name, registry_as_of, registry_file) VALUES (:c, :n, :d, 'bench')"),
                {"c": f"p{p:02d}", "n": f"Tỉnh {p:02d}", "d": date(2023, 1, 1)},
            )
        agency_rows = [
            {"code": f"p{p:02d}-a{a:03d}", "province": f"p{p:02d}", "name": f"Cơ quan {a:03d} tỉnh {p:02d}", "kind": kinds[a % 4]}
            for p in range(provinces)
            for a in range(agencies_per_province)
        ]
        conn.execute(
            text(
                "INSERT INTO agency (code, province, name, aliases, kind, contacts) VALUES (:code, :province, :name, '[]', :kind, '[]')"
            ),
            agency_rows,
        )
        for p in range(provinces):
            for d in range(5):
                code = f"p{p:02d}-d{d}"
                conn.execute(
                    text(
                        "INSERT INTO directive (code, number, province, issuer_code, kind, issued_year, title, source_file, seed_file, "
                        "coordinator_code, start_date, recipients, kpis, content_hash, imported_at) VALUES "
                        "(:c, :c, :p, 'x', 'chi_thi', 2021, 'Chỉ thị thử', 'x', 'x', 'x', :s, '[]', '[]', 'x', :now)"
                    ),
                    {"c": code, "p": f"p{p:02d}", "s": date(2021, 1, 1), "now": now},
                )
                did = conn.execute(text("SELECT id FROM directive WHERE code = :c"), {"c": code}).scalar_one()
                for k in range(8):
                    kpis = '[{"key": "digitized_rate", "label": "Số hóa", "target": 70, "level": "any"}]' if k == 0 else "[]"
                    conn.execute(
                        text(
                            "INSERT INTO assignment (directive_id, position, clause, text, summary, lead_code, lead_is_group, co_agencies, "
                            "deadline_kind, deadline_reading, deadline_understood, depends_on, kpis, active) VALUES "
                            f"(:d, :k, :cl, 'Nhiệm vụ', 'Nhiệm vụ thử {{k}}', 'x', false, '[]', 'recurring', 'x', true, '[]', '{kpis}', true)"
                        ),
                        {"d": did, "k": k, "cl": f"{k + 1}"},
                    )
        ids = conn.execute(text("SELECT id, province FROM agency")).all()
        assignments = conn.execute(
            text("SELECT a.id, a.directive_id, d.province FROM assignment a JOIN directive d ON d.id = a.directive_id")
        ).all()
    by_province: dict[str, tuple[list[int], list[tuple[int, int]]]] = {}
    for aid, prov in ids:
        by_province.setdefault(prov, ([], []))[0].append(aid)
    for sid, did, prov in assignments:
        by_province[prov][1].append((sid, did))
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        indexes = ["ix_instance_open_agency_due", "ix_instance_report", "ix_instance_directive_due"]
        if engine.dialect.name == "sqlite":
            definitions = {n: cur.execute("SELECT sql FROM sqlite_master WHERE name = ?", (n,)).fetchone()[0] for n in indexes}
        else:
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", (indexes,))
            definitions = dict(cur.fetchall())
        for name in indexes:
            cur.execute(f"DROP INDEX {name}")
        marker = "?" if engine.dialect.name == "sqlite" else "%s"
        per_province = rows // provinces
        for n, (_prov, (agencies, assigns)) in enumerate(sorted(by_province.items())):
            batch: list[tuple[Any, ...]] = []
            for row in _instances(per_province, agencies, assigns, seed=n):
                batch.append(row)
                if len(batch) == 10_000:
                    cur.executemany(INSERT.format(", ".join([marker] * 13)), batch)
                    batch.clear()
            if batch:
                cur.executemany(INSERT.format(", ".join([marker] * 13)), batch)
        for name in indexes:
            cur.execute(definitions[name])
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    fn()  # warm the cache: the report is run on a live database
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples), result


def measure(url: str, label: str, repeat: int) -> None:
    from sqlmodel import Session, func, select

    from dondoc.db import get_engine
    from dondoc.domain.periods import parse_period, window
    from dondoc.domain.policy import Policy
    from dondoc.models import Province, TaskInstance
    from dondoc.reports.queries import count_totals
    from dondoc.reports.store import compute

    engine = get_engine(url)
    period = parse_period("2023-Q4")
    win = window(period)
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(TaskInstance)).one()
        province = session.get(Province, "p00")
        assert province is not None
        median, best, (by_agency, by_directive) = timed(lambda: count_totals("p00", win, win.end, session=session), repeat)
        print(
            f"{label}: {total:,} instances; counts query for one province, Q4/2023: median {median * 1000:.0f} ms "
            f"(best {best * 1000:.0f} ms), {len(by_agency)} agencies, {len(by_directive)} directives"
        )
        median, best, report = timed(lambda: compute(province, period, "nd09", win.end, Policy(), session=session), repeat)
        print(
            f"{label}: whole report (counts + lists): median {median * 1000:.0f} ms (best {best * 1000:.0f} ms); "
            f"totals {report.totals.as_dict()}; overdue list {len(report.overdue):,} rows; KPI rows {len(report.kpis):,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg", action="store_true", help="also run on PostgreSQL (127.0.0.1:5432)")
    parser.add_argument("--shape", choices=["one-province", "nation", "both"], default="both")
    args = parser.parse_args()
    shapes = {"one-province": (1, 400), "nation": (34, 130)}
    chosen = list(shapes) if args.shape == "both" else [args.shape]
    with tempfile.TemporaryDirectory() as folder:
        for shape in chosen:
            provinces, agencies = shapes[shape]
            url = f"sqlite:///{folder}/{shape}.db"
            start = time.perf_counter()
            populate(url, args.rows, provinces, agencies)
            print(
                f"sqlite/{shape}: built in {time.perf_counter() - start:.1f} s ({provinces} province(s), {provinces * agencies} agencies)"
            )
            measure(url, f"sqlite/{shape}", args.repeat)
            if args.pg:
                import psycopg

                name = f"dondoc_bench_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
                try:
                    pg_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
                    start = time.perf_counter()
                    populate(pg_url, args.rows, provinces, agencies)
                    print(f"postgresql/{shape}: built in {time.perf_counter() - start:.1f} s")
                    measure(pg_url, f"postgresql/{shape}", args.repeat)
                finally:
                    from dondoc.db import reset_engine

                    reset_engine()
                    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
