"""Dump quarter reports of the benchmark workloads as canonical JSON, to check that a change to the
report's queries leaves every number and list IDENTICAL.

    .venv/bin/python benchmarks/report_fingerprint.py OUT.json
    PYTHONPATH=/path/to/other/checkout .venv/bin/python benchmarks/report_fingerprint.py OTHER.json
    cmp OUT.json OTHER.json

``PYTHONPATH`` picks whose ``dondoc`` package computes the reports (e.g. an export of main's), so the
two files come from the same cached databases. Several windows and cut-off days are dumped per
province, including an as-of inside the window and one after it.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH: the dondoc package under test wins

import dondoc  # noqa: E402  (first: the benchmarks modules put this checkout first on sys.path)
from benchmarks import workload  # noqa: E402

CASES = [
    ("2025-Q4", workload.AS_OF),
    ("2025-Q3", date(2025, 9, 14)),
    ("2025-Q3", workload.AS_OF),
    ("2024-Q1", date(2024, 2, 1)),
]


def main() -> None:
    from sqlmodel import Session

    from benchmarks.harness import use_database
    from dondoc.db import get_engine
    from dondoc.domain.periods import parse_period
    from dondoc.domain.policy import Policy
    from dondoc.models import Province
    from dondoc.reports.store import compute

    print(f"dondoc from {Path(dondoc.__file__).parent}", file=sys.stderr)
    out: dict[str, object] = {}
    for shape, provinces in ((workload.stress(), ["p00"]), (workload.nation(1_000_000), ["p07", "p21"])):
        use_database(workload.ensure(shape))
        with Session(get_engine()) as session:
            for code in provinces:
                province = session.get(Province, code)
                assert province is not None
                for key, as_of in CASES:
                    report = compute(province, parse_period(key), "nd09", as_of, Policy(), session=session)
                    out[f"{shape.name}/{code}/{key}/{as_of.isoformat()}"] = report.to_json()
                    print(f"{shape.name}/{code}/{key} as of {as_of}: {len(report.overdue)} overdue", file=sys.stderr)
    Path(sys.argv[1]).write_text(json.dumps(out, sort_keys=True, ensure_ascii=False, default=str, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
