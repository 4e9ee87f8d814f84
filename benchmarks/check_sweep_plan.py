"""Is the sweep's plan the same before and after a change? (issue 13: faster, same behaviour).

Dumps, for the cached benchmark nation (``--instances``, default the 1M ``--quick`` one):

1. the nation's and one province's dry runs with every message rendered (``render=True``: who is
   reminded, each digest's subject, lines and full text) and the plain dry run the benchmark times
   (``render=False``: the same digests, recipients, counts and instance lists, nothing rendered);
2. on a throw-away copy of the database, two real sweeps (the benchmark day and the next working
   day, fixed clocks) through a recording sender that fails a fixed subset of recipients: every
   message sent (URL, title, body, headers) and the whole reminder ledger after each sweep.

Portal tokens are random (and issued by code this check does not cover), so they are blanked. Run it on the code
before the change with ``--out before.json`` and after it with ``--out after.json --compare
before.json``: any difference is printed (first ones) and the exit status is 1.

    .venv/bin/python -m benchmarks.check_sweep_plan --out /tmp/before.json
    .venv/bin/python -m benchmarks.check_sweep_plan --out /tmp/after.json --compare /tmp/before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness, workload

_TOKEN = re.compile(r"/portal/open/([A-Za-z0-9_.\-]+)")


def _normalise_tokens(text: str) -> str:
    return _TOKEN.sub("/portal/open/<token>", text)


def _dry(path: Path, province: str | None, render: bool) -> dict[str, Any]:
    from dondoc.reminders.service import run_sweep

    harness.use_database(path)
    book = harness.contact_book(path)
    day = workload.AS_OF
    result = run_sweep(day, province=province, dry_run=True, today=day, contacts=book, render=render)
    out = result.as_json()
    out.pop("selection_ms"), out.pop("digest_ms")
    return out


def _real(path: Path) -> dict[str, Any]:
    """Two real sweeps on ``path`` (a copy): the messages sent and the ledger after each."""
    from dondoc.reminders import notify
    from dondoc.reminders.service import run_sweep

    harness.use_database(path)
    book = harness.contact_book(path)
    logging.getLogger("dondoc.reminders.service").setLevel(logging.ERROR)  # a warning per failed digest, by design
    sent: list[dict[str, Any]] = []

    def sender(
        url: str, *, title: str, body: str, html: bool, headers: Any = None, message_id: str | None = None
    ) -> notify.Outcome:
        fails = int(hashlib.sha256(url.encode()).hexdigest(), 16) % 11 == 0  # a fixed ~9 % of recipients are unreachable
        sent.append(
            {"url": url, "title": title, "body": _normalise_tokens(body), "html": html, "headers": dict(headers or {}),
             "message_id": message_id, "ok": not fails}
        )  # fmt: skip
        return notify.Outcome(not fails, "550 hộp thư không tồn tại" if fails else None)

    out: dict[str, Any] = {}
    day = workload.AS_OF
    now = datetime(2025, 11, 18, 1, 0, tzinfo=UTC)
    for label, sweep_day, sweep_now in (("day1", day, now), ("day2", day + timedelta(days=1), now + timedelta(days=1))):
        sent.clear()
        result = run_sweep(sweep_day, dry_run=False, now=sweep_now, today=sweep_day, contacts=book, sender=sender)
        summary = result.as_json()
        summary.pop("selection_ms"), summary.pop("digest_ms")
        con = sqlite3.connect(path)
        ledger = [
            list(row)
            for row in con.execute(
                "SELECT instance_id, recipient, stage, due_date, addressee, role, planned_for, state, attempts, last_error, "
                "next_attempt_at, sent_at, reported_at FROM reminder_delivery ORDER BY instance_id, recipient, stage, due_date"
            )
        ]
        con.close()
        out[label] = {"result": summary, "sent": sorted(sent, key=lambda m: (m["url"], m["title"], m["body"])), "ledger": ledger}
    return out


def dump(instances: int) -> dict[str, Any]:
    path = workload.ensure(workload.nation(instances))
    data_dir = Path(tempfile.mkdtemp(prefix="dondoc-check-"))
    os.environ["DONDOC_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DONDOC_CONTACTS", str(data_dir / "no-contacts"))
    out: dict[str, Any] = {}
    try:
        for label, province, render in (("nation-rendered", None, True), ("nation", None, False), ("p07-rendered", "p07", True)):
            t0 = time.perf_counter()
            out[label] = _dry(path, province, render)
            print(f"» {label}: {len(out[label]['digests']):,} digests, {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        copy = data_dir / "copy.db"
        src = sqlite3.connect(path)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.close()
        t0 = time.perf_counter()
        out["real"] = _real(copy)
        print(f"» two real sweeps on a copy: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return out


def differences(a: Any, b: Any, where: str = "", limit: int = 20) -> list[str]:
    found: list[str] = []

    def walk(x: Any, y: Any, at: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    found.append(f"{at}/{k}: only in {'after' if k not in x else 'before'}")
                else:
                    walk(x[k], y[k], f"{at}/{k}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                found.append(f"{at}: {len(x)} items before, {len(y)} after")
            for i, (p, q) in enumerate(zip(x, y, strict=False)):
                walk(p, q, f"{at}[{i}]")
        elif x != y:
            found.append(f"{at}: {str(x)[:200]!r} before, {str(y)[:200]!r} after")

    walk(a, b, where)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--compare", type=Path, default=None, help="an earlier --out: exit 1 on any difference")
    args = parser.parse_args(argv)
    data = json.loads(json.dumps(dump(args.instances), ensure_ascii=False, default=str))
    args.out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    real = data["real"]
    print(
        f"nation: {data['nation']['candidates']:,} candidates, {data['nation']['planned']:,} reminders, "
        f"{len(data['nation']['digests']):,} digests; real sweeps: {len(real['day1']['sent']):,} + {len(real['day2']['sent']):,} "
        f"messages, ledger {len(real['day1']['ledger']):,} → {len(real['day2']['ledger']):,} rows; sha256 {digest}"
    )
    if args.compare is None:
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    found = differences(before, data)
    if found:
        print("DIFFERENT from", args.compare)
        for line in found:
            print("  " + line)
        return 1
    print("identical to", args.compare)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
