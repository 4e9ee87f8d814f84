"""Fault probes (issue 10): repeat an operator's and an attacker's probes against real processes.

For SQLite (a temporary file) and PostgreSQL (a temporary database on 127.0.0.1:5432), with the five
seeds imported as of 06/12/2023 and the Đồng Nai demo contact book delivering to an SMTP server
(aiosmtpd) on a loopback port chosen at run time, every probe runs ``dondoc`` as separate processes:

- ``sweeps×2`` / ``sweeps×5``: that many ``dondoc remind --wait 120`` for the same scope at once;
- ``smtp down→up``: a sweep with the SMTP server down (exit 1), then one after the backoff with it up;
- ``kill -9``: a sweep killed mid-way (SMTP slowed down), a sweep while its lease is still held
  (exit 2, one line), then one after the lease expired (``DONDOC_LEASE_SECONDS=40``; the probe polls the lease table until it expired);
- ``drop after DATA``: the server stores each message and drops the connection before replying, then
  a sweep after the backoff with a well-behaved server (the at-least-once case: a duplicate, same id);
- ``imports×3``: three ``dondoc import`` of the seeds into an empty database at once;
- ``completions×5``: five ``dondoc complete`` of the same instance at once.

"The backoff has elapsed" is simulated by moving ``next_attempt_at`` of failed ledger rows to the
past (the ledger's retry delay is minutes to hours). Figures per probe: digests expected (dry run),
delivered (distinct recipient × Message-ID), lost, duplicated, and errors (a traceback in any
output, an exit code other than the documented one, or a message whose Message-ID is not exactly one
header equal to its X-Dondoc-Digest-Id).

Usage: /work/main/.venv/bin/python benchmarks/fault_probes.py [--backend sqlite|postgres|both]
[--only imports,sweeps,smtp,kill,drop,completions] (the seeds are always imported first)
(run from the repository root; PostgreSQL must accept trust connections on 127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import email
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy as email_policy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "directives_seed"
DAY = "05/12/2023"
SCOPE = ["--province", "dong-nai"]
HEADER = "X-Dondoc-Digest-Id"


# ---------------------------------------------------------------- the SMTP peer


class Inbox:
    """aiosmtpd handler: records (recipient, Message-ID); can drop the connection after DATA or go slow.

    ``bad_ids`` counts messages without exactly one Message-ID equal to their X-Dondoc-Digest-Id.
    """

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.bad_ids = 0
        self.lock = threading.Lock()
        self.drop_after_data = False
        self.delay = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email_policy.default)
        with self.lock:
            ids = [str(v) for v in msg.get_all("Message-ID") or []]
            if ids != [str(msg[HEADER])]:
                self.bad_ids += 1
            self.received.append((str(envelope.rcpt_tos[0]), ids[0] if ids else ""))
        if self.drop_after_data:
            server.transport.close()  # stored, but the client never hears "250"
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.bad_ids = 0
        self.drop_after_data, self.delay = False, 0.0


class Smtp:
    def __init__(self, port: int) -> None:
        self.port, self.inbox, self.controller = port, Inbox(), None

    def up(self) -> None:
        from aiosmtpd.controller import Controller

        if self.controller is None:
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# ---------------------------------------------------------------- one database and the dondoc processes


@dataclass
class Probe:
    name: str
    backend: str
    expected: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    errors: int = 0
    note: str = ""


@dataclass
class Env:
    backend: str
    url: str
    workdir: Path
    smtp: Smtp
    extra: dict[str, str] = field(default_factory=dict)

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "DONDOC_DATABASE_URL": self.url,
                "DONDOC_DATA_DIR": str(self.workdir / "data"),
                "DONDOC_CONTACTS": str(self.workdir / "contacts"),
                "DONDOC_TODAY": "2023-12-31",
                "DONDOC_LEASE_SECONDS": "40",
                "PREFECT_LOGGING_LEVEL": "WARNING",
                **self.extra,
            }
        )
        return env

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "dondoc", *args],
            cwd=ROOT,
            env=self.environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, timeout: float = 300) -> tuple[int, str]:
        proc = self.start(*args)
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out + err


def _bad(rc: int, output: str, allowed: set[int]) -> int:
    """1 when a process crashed (traceback) or exited with a code the probe does not expect (shown on stderr)."""
    bad = "Traceback" in output or rc not in allowed
    if bad:
        print(f"  unexpected exit {rc}: {output.strip()[-600:]}", file=sys.stderr)
    return int(bad)


def _sql(env: Env, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(env.url)
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def _reset_ledger(env: Env) -> None:
    for table in ("reminder_delivery", "reminder_sweep", "lease"):
        _sql(env, f"DELETE FROM {table}")


def _backoff_elapsed(env: Env) -> None:
    _sql(env, "UPDATE reminder_delivery SET next_attempt_at = '2000-01-01 00:00:00' WHERE state = 'failed'")


def _expected(env: Env) -> int:
    rc, out = env.run("remind", "--as-of", DAY, *SCOPE, "--dry-run", "--format", "json")
    assert rc == 0, out
    return len(json.loads(out[out.index("{") :])["digests"])


def _score(probe: Probe, env: Env, *, same_id_duplicates: bool = False) -> Probe:
    received = Counter(env.smtp.inbox.received)
    probe.delivered = len(received)
    probe.duplicated = sum(received.values()) - len(received)
    probe.lost = max(0, probe.expected - len(received))
    probe.errors += env.smtp.inbox.bad_ids
    if probe.duplicated and same_id_duplicates:
        probe.note += " duplicates carry the same Message-ID"
    return probe


# ---------------------------------------------------------------- the probes


def concurrent_sweeps(env: Env, n: int) -> Probe:
    probe = Probe(f"sweeps×{n}", env.backend, expected=_expected(env))
    procs = [env.start("remind", "--as-of", DAY, *SCOPE, "--wait", "120") for _ in range(n)]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        probe.errors += _bad(proc.returncode, out + err, {0})
    return _score(probe, env)


def smtp_down_then_up(env: Env) -> Probe:
    probe = Probe("smtp down→up", env.backend, expected=_expected(env))
    env.smtp.down()
    rc, out = env.run("remind", "--as-of", DAY, *SCOPE)
    probe.errors += _bad(rc, out, {1})  # failures reported, exit 1, one line
    env.smtp.up()
    _backoff_elapsed(env)
    rc, out = env.run("remind", "--as-of", DAY, *SCOPE)
    probe.errors += _bad(rc, out, {0})
    return _score(probe, env)


def kill_mid_sweep(env: Env) -> Probe:
    probe = Probe("kill -9", env.backend, expected=_expected(env))
    env.smtp.inbox.delay = 0.15
    proc = env.start("remind", "--as-of", DAY, *SCOPE, "--wait", "0")
    deadline = time.monotonic() + 120
    while len(env.smtp.inbox.received) < probe.expected // 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    env.smtp.inbox.delay = 0.0
    at_kill = len(env.smtp.inbox.received)
    rc, out = env.run("remind", "--as-of", DAY, *SCOPE)  # the dead sweep's lease is still valid
    held = rc == 2 and "đang chạy ở nơi khác" in out and "Traceback" not in out
    probe.errors += int(not held)
    _until_lease_expired(env)
    rc, out = env.run("remind", "--as-of", DAY, *SCOPE)
    probe.errors += _bad(rc, out, {0})
    probe.note = f"killed after {at_kill} messages; second sweep refused while the lease was held: {'yes' if held else 'NO'}"
    return _score(probe, env)


def _until_lease_expired(env: Env, timeout: float = 90) -> None:
    """Poll (bounded) until the killed sweep's lease has expired: nobody renews it any more."""
    from sqlalchemy import create_engine, text

    engine = create_engine(env.url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                held = conn.execute(text("SELECT expires_at FROM lease WHERE name = 'reminders:dong-nai'")).scalar_one_or_none()
            if held is None:
                return
            expires = held if isinstance(held, datetime) else datetime.fromisoformat(str(held))
            if expires.tzinfo is None:
                expires = expires.replace(tzinfo=UTC)  # SQLite keeps UTC text
            if expires <= datetime.now(UTC):
                return
            time.sleep(0.5)
    finally:
        engine.dispose()
    raise AssertionError(f"the killed sweep's lease did not expire within {timeout:.0f} s")


def drop_after_data(env: Env) -> Probe:
    probe = Probe("drop after DATA", env.backend, expected=_expected(env))
    env.smtp.inbox.drop_after_data = True
    rc, out = env.run("remind", "--as-of", DAY, *SCOPE)
    probe.errors += _bad(rc, out, {1})
    env.smtp.inbox.drop_after_data = False
    _backoff_elapsed(env)
    rc, out = env.run("remind", "--as-of", DAY, *SCOPE)
    probe.errors += _bad(rc, out, {0})
    probe = _score(probe, env, same_id_duplicates=True)
    ids = Counter(env.smtp.inbox.received)
    if any(count > 1 for count in ids.values()) and len({i for _r, i in ids}) == len(ids):
        probe.note = "every resend carries the Message-ID of the message it repeats"
    return probe


def concurrent_imports(env: Env, n: int = 3) -> Probe:
    probe = Probe(f"imports×{n}", env.backend)
    procs = [env.start("import", str(SEEDS), "--as-of", "06/12/2023") for _ in range(n)]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        probe.errors += _bad(proc.returncode, out + err, {0})
    from sqlalchemy import create_engine, text

    engine = create_engine(env.url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM task_instance")).scalar_one()
    engine.dispose()
    rc, out = env.run("import", str(SEEDS), "--as-of", "06/12/2023", "--format", "json")
    again = json.loads(out[out.index("{") :]) if rc == 0 else {}
    new = sum(p["inserted"] for p in again.get("plans", {}).values())
    probe.note = f"{count} instances; a fourth import adds {new}"
    probe.errors += int(rc != 0 or new != 0)
    return probe


def concurrent_completions(env: Env, n: int = 5) -> Probe:
    from sqlalchemy import create_engine, text

    probe = Probe(f"completions×{n}", env.backend)
    engine = create_engine(env.url)
    with engine.connect() as conn:
        iid = conn.execute(text("SELECT min(id) FROM task_instance WHERE state = 'open'")).scalar_one()
    engine.dispose()
    procs = [env.start("complete", str(iid), "--on", "06/12/2023", "--evidence", f"Báo cáo {i}", "--as-of", "06/12/2023") for i in range(n)]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        outcomes.append((proc.returncode, out + err))
    wins = sum(1 for rc, _ in outcomes if rc == 0)
    told = sum(1 for rc, out in outcomes if rc == 2 and "đã được ghi nhận hoàn thành" in out and "--force" in out)
    probe.errors = sum(1 for rc, out in outcomes if "Traceback" in out) + int(wins != 1) + (n - wins - told)
    probe.note = f"{wins} recorded, {told} told who completed it first"
    return probe


# ---------------------------------------------------------------- databases


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'probe.db'}"
        return
    import secrets

    from sqlalchemy import create_engine, text

    name = f"dondoc_probe_{secrets.token_hex(4)}"
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def contacts(workdir: Path, port: int) -> None:
    folder = workdir / "contacts"
    folder.mkdir(exist_ok=True)
    text = (SEEDS / "contacts" / "dong-nai.apprise.yml").read_text(encoding="utf-8")
    (folder / "dong-nai.apprise.yml").write_text(text.replace("localhost:2525", f"127.0.0.1:{port}"), encoding="utf-8")


PROBES = ("imports", "sweeps", "smtp", "kill", "drop", "completions")


def run_backend(backend: str, only: frozenset[str] = frozenset(PROBES)) -> list[Probe]:
    from dondoc.orchestration.stack import free_port

    probes: list[Probe] = []
    with tempfile.TemporaryDirectory(prefix="dondoc-faults-") as tmp:
        workdir = Path(tmp)
        smtp = Smtp(free_port())
        contacts(workdir, smtp.port)
        smtp.up()
        try:
            with database(backend, workdir) as url:
                env = Env(backend, url, workdir, smtp)
                assert env.run("migrate")[0] == 0
                imported = concurrent_imports(env)  # also the seeding every other probe needs
                if "imports" in only:
                    probes.append(imported)
                steps: dict[str, list[Callable[[], Probe]]] = {
                    "sweeps": [lambda: concurrent_sweeps(env, 2), lambda: concurrent_sweeps(env, 5)],
                    "smtp": [lambda: smtp_down_then_up(env)],
                    "kill": [lambda: kill_mid_sweep(env)],
                    "drop": [lambda: drop_after_data(env)],
                }
                for step in (step for key, chosen in steps.items() if key in only for step in chosen):
                    _reset_ledger(env)
                    smtp.inbox.reset()
                    smtp.up()
                    probes.append(step())
                    print(_row(probes[-1]), flush=True)
                if "completions" in only:
                    probes.append(concurrent_completions(env))
        finally:
            smtp.down()
    return probes


def _row(p: Probe) -> str:
    exp = str(p.expected) if p.expected else "—"
    digits = (p.delivered, p.lost, p.duplicated) if p.expected else ("—", "—", "—")
    return f"| {p.name} | {p.backend} | {exp} | {digits[0]} | {digits[1]} | {digits[2]} | {p.errors} | {p.note.strip()} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--only", default=",".join(PROBES), help=f"comma-separated probes among {', '.join(PROBES)}")
    args = parser.parse_args()
    only = frozenset(name.strip() for name in args.only.split(",") if name.strip())
    if unknown := only - set(PROBES):
        parser.error(f"--only: unknown probe(s) {', '.join(sorted(unknown))}; choose among {', '.join(PROBES)}")
    sys.path.insert(0, str(ROOT))
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    started = time.monotonic()
    rows: list[Probe] = []
    for backend in backends:
        rows.extend(run_backend(backend, only))
    print()
    print("| Probe | Database | Digests expected | Delivered | Lost | Duplicated | Errors | Note |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for probe in rows:
        print(_row(probe))
    print(f"\n({timedelta(seconds=round(time.monotonic() - started))} in all)")


if __name__ == "__main__":
    main()
