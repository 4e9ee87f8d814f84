"""Benchmark: planning 100,000 task instances through the real import path.

A synthetic province with 1,000 agencies in one group and a directive whose 10 monthly
assignments fan out over the group for 10 months. Prints the time to import (validate +
write + plan with set-based upserts), to re-import unchanged (idempotent), and to re-plan
after a deadline edit. Usage: .venv/bin/python benchmarks/bench_planning.py [--agencies N] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml


def build(folder: Path, agencies: int, assignments: int) -> tuple[Path, Path]:
    registry = {
        "province": "bench",
        "province_name": "Tỉnh Thử nghiệm",
        "as_of": "2024-01-01",
        "groups": [{"code": "bn-g-all", "name": "Các cơ quan"}],
        "agencies": [{"code": "bn-ubnd", "name": "UBND tỉnh Thử nghiệm", "kind": "province_committee"}]
        + [{"code": f"bn-a{i:05d}", "name": f"Cơ quan {i}", "kind": "department", "groups": ["bn-g-all"]} for i in range(agencies)],
    }
    directive = {
        "number": "1/BENCH",
        "province": "bench",
        "issuer": "bn-ubnd",
        "kind": "chi_thi",
        "issued": "2024-01-01",
        "end": "2024-10-31",
        "title": "Chỉ thị thử nghiệm hiệu năng",
        "source_file": "bench.txt",
        "coordinator": "bn-ubnd",
        "assignments": [
            {"clause": f"{i + 1}", "text": f"Nhiệm vụ số {i + 1} báo cáo hàng tháng", "summary": f"Nhiệm vụ {i + 1}", "lead": "bn-g-all", "deadline": f"trước ngày {10 + i} hàng tháng"}
            for i in range(assignments)
        ],
    }
    (folder / "agencies").mkdir(parents=True, exist_ok=True)
    reg_path = folder / "agencies" / "bench.yaml"
    dir_path = folder / "bench.yaml"
    reg_path.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    dir_path.write_text(yaml.safe_dump(directive, allow_unicode=True), encoding="utf-8")
    return reg_path, dir_path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--assignments", type=int, default=10)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a temp SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="dondoc-bench-"))
    os.environ["DONDOC_DATABASE_URL"] = args.db or f"sqlite:///{folder / 'bench.db'}"
    os.environ["DONDOC_DATA_DIR"] = str(folder)
    from dondoc.db.migrate import upgrade
    from dondoc.directives import service as services

    upgrade()
    reg, directive = build(folder, args.agencies, args.assignments)
    as_of = date(2024, 1, 2)

    t0 = time.perf_counter()
    summary = services.import_paths([reg, directive], as_of=as_of, actor="bench")
    t1 = time.perf_counter()
    planned = summary.plans["1/BENCH"]
    print(f"import + plan: {planned.inserted:,} instances in {t1 - t0:.2f} s ({planned.inserted / (t1 - t0):,.0f}/s)")

    t0 = time.perf_counter()
    again = services.import_paths([directive], as_of=as_of, actor="bench")
    t1 = time.perf_counter()
    print(f"re-import unchanged: {again.plans['1/BENCH'].inserted} new, {again.plans['1/BENCH'].cancelled} cancelled in {t1 - t0:.2f} s")

    text = directive.read_text(encoding="utf-8").replace("trước ngày 10 hàng tháng", "trước ngày 9 hàng tháng")
    directive.write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    services.import_paths([directive], as_of=as_of, actor="bench")
    t1 = time.perf_counter()
    print(f"re-plan after editing one assignment's deadline: {t1 - t0:.2f} s")


if __name__ == "__main__":
    main()
