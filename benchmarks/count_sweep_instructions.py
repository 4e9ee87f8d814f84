"""The nation's dry-run sweep against its floor in instructions, not seconds (valgrind's callgrind).

A shared machine moves timings 2–4×; an instruction count does not move with the load. Each side runs in
its own process under callgrind twice, with one and with two warm runs: the difference is one run, without
the imports, the contact book and the first run's warm-up. Needs ``valgrind`` (Debian's package) and the
cached benchmark nation (``./run bench --only sweep-nation`` builds it).

    .venv/bin/python -m benchmarks.count_sweep_instructions            # the 5M nation (~5 minutes)
    .venv/bin/python -m benchmarks.count_sweep_instructions --instances 1000000
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness, workload

_COLLECTED = re.compile(r"Collected : (\d+)")


def _one(side: str, path: Path, runs: int) -> None:
    """``runs`` warm dry runs of the nation's sweep (``side`` "dondoc") or of its floor's SQL ("floor")."""
    day = workload.AS_OF
    if side == "dondoc":
        from dondoc.reminders.service import run_sweep

        harness.use_database(path)
        book = harness.contact_book(path)
        for _ in range(runs):
            run_sweep(day, dry_run=True, today=day, contacts=book)
        return
    sql = harness.sweep_floor_sql(None)
    con = sqlite3.connect(path)
    for _ in range(runs):
        con.execute(sql).fetchall()


def _instructions(side: str, path: Path, runs: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable, __file__, "--side", side,
             "--runs", str(runs), "--db", str(path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind {side} ×{runs}: exit {done.returncode}; {done.stderr[-500:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=5_000_000, help="the cached nation's size (default 5M)")
    parser.add_argument("--side", choices=["dondoc", "floor"], help=argparse.SUPPRESS)  # one process under valgrind
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        _one(args.side, args.db, args.runs)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind: not installed; apt-get install valgrind")
    path = workload.nation(args.instances).path
    if not path.exists():
        raise SystemExit(f"{path}: not built; run ./run bench --only sweep-nation first (--quick for the 1M nation)")
    one = {side: _instructions(side, path, 2) - _instructions(side, path, 1) for side in ("floor", "dondoc")}
    print(f"nation ({args.instances:,} instances), one warm dry run: dondoc {one['dondoc'] / 1e9:.2f} G instructions, "
          f"floor {one['floor'] / 1e9:.2f} G, ratio {one['dondoc'] / one['floor']:.2f}×")  # fmt: skip


if __name__ == "__main__":
    main()
