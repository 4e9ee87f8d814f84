"""``./run bench --only digests-smtp``: real digests to a real loopback SMTP server, against Apprise alone.

1. A synthetic nation (``bench_reminders.build``: 34 provinces × 132 agencies) with enough open
   instances that one day's sweep has about 1,000 digests; every agency (focal, head), coordinating
   office and province leadership has an email contact on a loopback SMTP server.
2. The SMTP server is ``dondoc mailbox`` (aiosmtpd, one ``.eml`` file per recipient) in its own
   process, so the server does not share this process's GIL.
3. dondoc: one real sweep (``run_sweep``, not a dry run) — plan the ledger, render, send every
   digest through the production path (``notify.send``: Apprise), record each outcome. The
   messages it sent (URL, subject, HTML body, headers) are recorded on the way.
4. The floor: Apprise alone, as released, sending exactly those messages (one ``Apprise`` object per
   message, as Apprise needs, the same thread-pool width) to a second mailbox, in a fresh process
   that imports nothing of dondoc (dondoc's notify adapter changes how Apprise makes TLS contexts,
   ``dondoc.reminders.smtp_tls``; the floor must not get that for free).

Both phases are checked against the mailbox: every message must arrive (a missing one fails the
benchmark). The figure is wall time per phase; digests per second is ``digests / seconds``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_reminders  # imports nothing of dondoc at module level

ROOT = Path(__file__).resolve().parent.parent
#: instances of the synthetic nation: one sweep as of bench_reminders.AS_OF then has ~1,000 digests
INSTANCES = 60_000
TARGET_PER_SECOND = 50.0


def _free_port() -> int:
    from dondoc.orchestration.stack import free_port

    return free_port()


def _mailbox(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DONDOC_DATA_DIR": str(folder)}
    dondoc = Path(sys.executable).with_name("dondoc")
    proc = subprocess.Popen([str(dondoc), "mailbox", "--port", str(port), "--seconds", "1800"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            raise RuntimeError(f"dondoc mailbox exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("dondoc mailbox did not listen within 60 s")


def received(folder: Path) -> int:
    return sum(1 for _ in (folder / "mailbox").rglob("*.eml"))


def _book(port: int) -> Any:
    """Email contacts for every agency (focal, head), coordinator and leadership of the synthetic nation."""
    from dondoc.reminders import notify
    from dondoc.reminders.contacts import Contact, ContactBook

    contacts = []
    for p in range(bench_reminders.PROVINCES):
        prov = f"p{p:02d}"
        specs = [(prov, "leadership"), (f"{prov}-a001", "coordinator")]
        specs += [(f"{prov}-a{i:03d}", role) for i in range(bench_reminders.AGENCIES_PER_PROVINCE) for role in ("focal", "head")]
        for tag, role in specs:
            url = f"mailto://127.0.0.1:{port}?from=dondoc@bench.gov.vn&to={role}.{tag}@bench.gov.vn"
            contacts.append(Contact("bench", frozenset({tag, role}), url, notify.describe(url)))
    return ContactBook(contacts)


def _apprise_alone(messages: list[tuple[str, dict[str, Any]]], workers: int) -> int:
    """The floor: bare Apprise sending the same messages (fresh object per message), ``workers`` at a time."""
    import apprise
    from apprise.plugins.email import NotifyEmail

    def one(message: tuple[str, dict[str, Any]]) -> bool:
        url, kw = message
        notifier = apprise.Apprise()
        plugin: Any = apprise.Apprise.instantiate(url)
        notifier.add(plugin)
        if kw.get("headers") and isinstance(plugin, NotifyEmail):
            plugin.headers.update(kw["headers"])
        fmt = apprise.NotifyFormat.HTML if kw["html"] else apprise.NotifyFormat.TEXT
        return bool(notifier.notify(body=kw["body"], title=kw["title"], body_format=fmt))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(one, messages))


def measure() -> dict[str, Any]:
    """dondoc's real sweep and Apprise alone, each to its own fresh mailbox; seconds for each phase."""
    from benchmarks.harness import use_database
    from dondoc.configuration.files import clear_caches
    from dondoc.reminders import notify
    from dondoc.reminders.service import SEND_WORKERS, run_sweep

    folder = Path(tempfile.mkdtemp(prefix="dondoc-bench-digests-"))
    db_path = folder / "digests.db"
    bench_reminders.build(db_path, INSTANCES)
    use_database(db_path)
    clear_caches()
    boxes = {phase: folder / phase for phase in ("dondoc", "floor")}
    ports = {phase: _free_port() for phase in boxes}
    servers = {phase: _mailbox(boxes[phase], ports[phase]) for phase in boxes}
    try:
        sent: list[tuple[str, dict[str, Any]]] = []

        def recording(url: str, **kw: Any) -> notify.Outcome:
            outcome = notify.send(url, **kw)
            if outcome.ok:
                sent.append((url.replace(f":{ports['dondoc']}?", f":{ports['floor']}?"), kw))
            return outcome

        now = datetime(2024, 12, 17, 1, 0, tzinfo=UTC)
        book = _book(ports["dondoc"])
        start = time.perf_counter()
        result = run_sweep(bench_reminders.AS_OF, contacts=book, sender=recording, now=now, today=bench_reminders.AS_OF)
        seconds = time.perf_counter() - start
        if result.failed or result.sent != len(result.digests):
            raise RuntimeError(f"dondoc: {result.failed} of {len(result.digests)} digests failed")
        floor_ok, floor_s = _floor_process(folder, sent, SEND_WORKERS)
        if floor_ok != len(sent):
            raise RuntimeError(f"Apprise alone: {len(sent) - floor_ok} of {len(sent)} messages failed")
        arrived = {phase: _wait_for(boxes[phase], len(sent)) for phase in boxes}
        if any(n != len(sent) for n in arrived.values()):
            raise RuntimeError(f"the mailboxes received {arrived}, expected {len(sent)} each")
    finally:
        for proc in servers.values():
            proc.terminate()
            proc.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)
    digests = len(result.digests)
    return {
        "measure": f"{digests:,} digests to a loopback SMTP server",
        "seconds": seconds,
        "floor_seconds": floor_s,
        "ratio": seconds / floor_s,
        "target_ratio": 1.3,
        "target_seconds": digests / TARGET_PER_SECOND,
        "note": (f"{digests / seconds:.0f} digests/s (Apprise alone {len(sent) / floor_s:.0f}/s, {SEND_WORKERS} at a time); "
                 f"{len(sent):,} messages arrived in each mailbox; target ≥ {TARGET_PER_SECOND:g}/s"),
    }  # fmt: skip


def _floor_process(folder: Path, messages: list[tuple[str, dict[str, Any]]], workers: int) -> tuple[int, float]:
    """Apprise alone in a fresh process: (messages accepted, seconds sending them)."""
    import json

    spec = folder / "floor-messages.json"
    spec.write_text(json.dumps(messages, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--floor", str(spec), str(workers)], cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    ok, seconds = done.stdout.split()[-2:]
    return int(ok), float(seconds)


def _wait_for(box: Path, expected: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while received(box) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return received(box)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--floor"]:  # the floor's own process: Apprise and the standard library only
        import json

        batch = [(url, kw) for url, kw in json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))]
        began = time.perf_counter()
        accepted = _apprise_alone(batch, int(sys.argv[3]))
        print(accepted, time.perf_counter() - began)
    else:
        os.environ.setdefault("DONDOC_DATA_DIR", tempfile.mkdtemp(prefix="dondoc-bench-"))
        print(measure())
