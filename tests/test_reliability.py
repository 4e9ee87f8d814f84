"""Issue 10: one sweep per scope at a time, honest failures, concurrent writes, import loops, one-line errors.

Real peers only: the aiosmtpd server of test_reminders_email, SQLite and PostgreSQL; concurrency with
threads released together by a barrier; every wait bounded.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlmodel import col
from typer.testing import CliRunner

from dondoc.cli import app
from dondoc.clock import utc_now
from dondoc.db import lease, session_scope
from dondoc.directives.service import record_completion
from dondoc.domain.graphs import find_cycle
from dondoc.errors import BusyError, ConflictError
from dondoc.models import AuditEvent, DeliveryState, Lease, ReminderDelivery, TaskInstance
from dondoc.reminders import notify
from dondoc.reminders.contacts import load_contacts
from dondoc.reminders.notify import DIGEST_HEADER
from dondoc.reminders.service import SweepResult, run_sweep
from tests.helpers import free_port
from tests.test_reminders_email import NOW, Inbox, instance_id, start_smtp

SEEDS = Path(__file__).resolve().parent.parent / "directives_seed"
DAY = date(2023, 12, 5)
TODAY = date(2023, 12, 31)
runner = CliRunner()
T = TypeVar("T")


def all_contacts(tmp_path: Path, port: int) -> Path:
    """The demo contact book of Đồng Nai (every agency, focal and head), delivering to the test server."""
    text = (SEEDS / "contacts" / "dong-nai.apprise.yml").read_text(encoding="utf-8")
    path = tmp_path / "contacts" / "dong-nai.apprise.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.replace("localhost:2525", f"127.0.0.1:{port}"), encoding="utf-8")
    return path


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    port = free_port()
    controller, inbox = start_smtp(port)
    yield port, inbox
    controller.stop()


def together(n: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``work(i)`` in ``n`` threads released at the same instant; results or exceptions, in order."""
    barrier = threading.Barrier(n, timeout=30)

    def one(i: int) -> T | BaseException:
        barrier.wait()
        try:
            return work(i)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def sweep(contacts: Path, **kw: Any) -> SweepResult:
    return run_sweep(DAY, province="dong-nai", now=NOW, today=TODAY, contacts=load_contacts(contacts), **kw)


def delivered_ids(inbox: Inbox) -> Counter[tuple[str, str]]:
    return Counter((rcpts[0], str(msg[DIGEST_HEADER])) for rcpts, msg, _raw in inbox.messages)


def addresses(result: SweepResult) -> Counter[str]:
    found = [re.search(r"email:(\S+)", d.recipient) for d in result.digests]
    return Counter(m.group(1) for m in found if m)


def ledger_states() -> Counter[str]:
    with session_scope() as session:
        return Counter(
            dict(session.execute(select(col(ReminderDelivery.state), func.count()).group_by(col(ReminderDelivery.state))).all())
        )


# ---------------------------------------------------------------- one sweep per scope at a time


@pytest.mark.parametrize("sweeps", [2, 5])
def test_concurrent_sweeps_of_one_scope_deliver_each_digest_once(
    seeded_db: str, smtp: tuple[int, Inbox], tmp_path: Path, sweeps: int
) -> None:
    port, inbox = smtp
    contacts = all_contacts(tmp_path, port)
    expected = sweep(contacts, dry_run=True)
    assert len(expected.digests) >= 20  # enough recipients for a race to show

    results = together(sweeps, lambda _i: sweep(contacts, wait=120))

    assert all(isinstance(r, SweepResult) for r in results), results
    done = [r for r in results if isinstance(r, SweepResult)]
    assert sum(r.sent for r in done) == len(expected.digests)  # 0 lost
    assert sorted(r.sent for r in done)[:-1] == [0] * (sweeps - 1)  # the others waited and found everything sent
    delivered = delivered_ids(inbox)
    assert len(inbox.messages) == len(expected.digests)
    assert max(delivered.values()) == 1  # 0 duplicated
    assert Counter(rcpt for rcpt, _id in delivered) == addresses(expected)  # exactly the planned recipients
    states = ledger_states()
    assert states[DeliveryState.PENDING] == 0
    assert states[DeliveryState.FAILED] == 0
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(Lease)).scalar_one() == 0  # every lease given back


def test_a_second_sweep_exits_with_who_holds_the_scope(seeded_sqlite: str, smtp: tuple[int, Inbox], tmp_path: Path) -> None:
    port, inbox = smtp
    contacts = all_contacts(tmp_path, port)
    with lease.hold(["reminders:dong-nai"], what="test"), pytest.raises(BusyError) as busy:
        sweep(contacts)
    assert "Lượt nhắc việc cho dong-nai đang chạy ở nơi khác" in str(busy.value)
    assert "--wait" in str(busy.value)
    assert inbox.messages == []
    # a sweep of all provinces needs every province's lease, so it is excluded too
    with lease.hold(["reminders:dong-nai"], what="test"), pytest.raises(BusyError):
        run_sweep(DAY, now=NOW, today=TODAY, contacts=load_contacts(contacts))
    assert inbox.messages == []


def test_a_stalled_holder_learns_that_its_lease_was_taken_over(sqlite_db: str) -> None:
    from dondoc.db.lease import LeaseLost
    from tests.helpers import poll

    with lease.hold(["reminders:x"], what="test", ttl=0.3) as held:
        held.keep()  # still ours
        with session_scope() as session:  # another process took it after this one stalled past the expiry
            row = session.get(Lease, "reminders:x")
            assert row is not None
            row.holder = "other-host:1:beef"
            session.add(row)

        def lost() -> bool:
            try:
                held.keep()
            except LeaseLost:
                return True
            return False

        poll(lost, bool, timeout=10, what="LeaseLost after the heartbeat", every=0.05)
    with session_scope() as session:
        assert session.get(Lease, "reminders:x") is not None  # the new holder's lease was left alone


def test_the_lease_of_a_killed_sweep_expires_and_the_next_sweep_resends_its_pending_rows(
    seeded_db: str, smtp: tuple[int, Inbox], tmp_path: Path
) -> None:
    port, inbox = smtp
    contacts = all_contacts(tmp_path, port)
    # A sweep that died (kill -9) after planning: its rows are pending and its lease was never released.
    with session_scope() as session:
        past = utc_now() - timedelta(minutes=10)
        session.add(Lease(name="reminders:dong-nai", holder="dead-host:4242:abcd", acquired_at=past, expires_at=past + timedelta(minutes=5)))
    first = sweep(contacts, dry_run=True)
    result = sweep(contacts)
    assert result.sent == len(first.digests)
    assert max(delivered_ids(inbox).values()) == 1


def test_a_resend_after_a_dropped_connection_carries_the_same_digest_id(seeded_db: str, tmp_path: Path) -> None:
    """The server received the message, then the connection dropped before its reply: at-least-once."""

    class DropAfterData(Inbox):
        drop = True

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            reply = await super().handle_DATA(server, session, envelope)
            if self.drop:
                server.transport.close()  # the message is stored, the client never hears 250
            return reply

    port = free_port()
    inbox = DropAfterData()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        from tests.test_reminders_email import FOCAL, contacts_file

        path = contacts_file(tmp_path, port)
        iid = instance_id()
        first = sweep(path)
        assert first.failed == len(first.digests) > 0
        inbox.drop = False
        again = sweep(path, retry_failed_now=True)
        assert again.sent == first.failed
        ids = [str(m[DIGEST_HEADER]) for m in inbox.to(FOCAL)]
        assert len(ids) == 2
        assert ids[0] == ids[1]
        assert re.fullmatch(r"<[0-9a-f]{32}\.20231205@dondoc>", ids[0])
        # The resend is the same message for a mail client: exactly one Message-ID, the same both times.
        message_ids = [m.get_all("Message-ID") for m in inbox.to(FOCAL)]
        assert message_ids == [[ids[0]], [ids[0]]]
        # ... and another recipient's digest of that day has its own.
        others = {str(m["Message-ID"]) for rcpts, m, _ in inbox.messages if FOCAL not in rcpts}
        assert others
        assert ids[0] not in others
        assert all(len(m.get_all("Message-ID") or []) == 1 for _, m, _ in inbox.messages)
        # issue 12: a department's digest links the task on its portal page (the CLI text is the Office's)
        assert any(f"?task={iid}" in str(m.get_body(("plain",)).get_content()) for m in inbox.to(FOCAL))  # type: ignore[union-attr]
    finally:
        controller.stop()


def test_a_digest_message_id_depends_on_recipient_and_day_and_nothing_else_gets_it(
    seeded_db: str, smtp: tuple[int, Inbox], tmp_path: Path
) -> None:
    from tests.test_reminders_email import FOCAL, contacts_file

    port, inbox = smtp
    path = contacts_file(tmp_path, port)
    for day in (DAY, date(2023, 12, 6), date(2023, 12, 7)):
        run_sweep(day, province="dong-nai", now=NOW, today=TODAY, contacts=load_contacts(path))
    received = [(rcpts[0], m.get_all("Message-ID") or []) for rcpts, m, _ in inbox.messages]
    assert all(len(ids) == 1 for _, ids in received)
    per_day = Counter(re.fullmatch(r"<[0-9a-f]{32}\.(\d{8})@dondoc>", ids[0]).group(1) for _, ids in received)  # type: ignore[union-attr]
    assert len(per_day) >= 2  # several days ...
    assert len({rcpt for rcpt, _ in received}) >= 2  # ... and several recipients, each message its own id:
    assert len({ids[0] for _, ids in received}) == len(received)
    focal_ids = {str(m["Message-ID"]) for m in inbox.to(FOCAL)}
    # Mail sent outside a digest (here: a plain send) keeps Apprise's own random Message-ID.
    inbox.clear()
    url = f"mailto://127.0.0.1:{port}?from=dondoc@demo.gov.vn&to={FOCAL}"
    assert notify.send(url, title="t", body="b", html=False).ok
    assert notify.send(url, title="t", body="b", html=False).ok
    plain = [m.get_all("Message-ID") or [] for m in inbox.to(FOCAL)]
    assert len(plain) == 2
    assert all(len(ids) == 1 for ids in plain)
    assert plain[0] != plain[1]
    assert not focal_ids & {plain[0][0], plain[1][0]}


@pytest.mark.parametrize(
    ("headers", "message_id", "error"),
    [
        ({"Message-ID": "<a@b>"}, None, "not in headers"),
        ({" message-id ": "<a@b>"}, None, "not in headers"),
        (None, "no-angle@dondoc", "not an RFC 5322 msg-id"),
        (None, "<two@@dondoc>", "not an RFC 5322 msg-id"),
        (None, "<a b@dondoc>", "not an RFC 5322 msg-id"),
    ],
)
def test_a_message_id_is_one_valid_msg_id(headers: dict[str, str] | None, message_id: str | None, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        notify.send(
            "mailto://127.0.0.1:9?from=a@b.vn&to=c@d.vn", title="t", body="b", html=False, headers=headers, message_id=message_id
        )


@pytest.mark.parametrize("server_up", [True, False])
def test_replay_exits_1_with_one_line_when_any_delivery_failed(
    seeded_db: str, smtp: tuple[int, Inbox], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server_up: bool
) -> None:
    from dondoc.configuration.settings import get_settings
    from tests.test_reminders_email import contacts_file

    port, inbox = smtp
    monkeypatch.setenv("DONDOC_CONTACTS", str(contacts_file(tmp_path, port if server_up else free_port()).parent))
    monkeypatch.setenv("DONDOC_TODAY", TODAY.isoformat())
    get_settings.cache_clear()
    out = runner.invoke(app, ["replay", "--from", "04/12/2023", "--to", "06/12/2023", "--province", "dong-nai"])
    if server_up:
        assert out.exit_code == 0, out.output
        assert inbox.messages
        assert "lỗi gửi" not in out.output
        return
    assert out.exit_code == 1, out.output
    assert not inbox.messages
    problem = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(problem) == 1, out.stderr
    assert re.search(
        r"lỗi gửi: \d+/\d+ thư/tin nhắn nhắc việc không gửi được trong 3 ngày \(04/12/2023, 05/12/2023, 06/12/2023\); "
        r"kiểm tra danh bạ và máy chủ thư rồi chạy lại\. Ngày đầu tiên — .*ngày 04/12/2023 không gửi được",
        problem[0],
    )
    with session_scope() as session:  # every failure is in the ledger, to be retried
        assert session.execute(select(func.count()).where(col(ReminderDelivery.state) == DeliveryState.FAILED)).scalar_one() > 0


# ---------------------------------------------------------------- honest failures in Prefect


@pytest.mark.slow
def test_the_reminder_task_fails_when_deliveries_failed_and_its_retry_resends(
    prefect_api: None, seeded_sqlite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect import flow

    from dondoc.configuration.settings import get_settings
    from tasks.reminders import reminder_step

    down = free_port()  # nothing listens: every delivery fails
    monkeypatch.setenv("DONDOC_CONTACTS", str(all_contacts(tmp_path, down)))
    monkeypatch.setenv("DONDOC_TODAY", TODAY.isoformat())
    get_settings.cache_clear()

    @flow(persist_result=False)
    def one_step() -> Any:
        return reminder_step.with_options(retries=1, retry_delay_seconds=0)(as_of=DAY, province="dong-nai")

    state = one_step(return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match=r"\d+/\d+ thư/tin nhắn nhắc việc ngày 05/12/2023 không gửi được") as failed:
        state.result()
    assert "Connection error while submitting email" in str(failed.value)
    with session_scope() as session:
        attempts = set(session.execute(select(col(ReminderDelivery.attempts))).scalars())
    assert attempts == {2}  # the Prefect retry fired and tried every failed digest again at once


# ---------------------------------------------------------------- completions


def test_completing_a_completed_instance_says_by_whom_and_needs_force(seeded_db: str) -> None:
    iid = instance_id()
    record_completion(iid, on=date(2023, 12, 6), evidence="Báo cáo 1/BC-STTTT", actor="cli:an", today=date(2023, 12, 6))
    again = runner.invoke(app, ["complete", str(iid), "--on", "07/12/2023", "--evidence", "Báo cáo 2", "--as-of", "07/12/2023"])
    assert again.exit_code == 2, again.output
    one_line = " ".join(again.output.split())
    assert f"nhiệm vụ #{iid} đã được ghi nhận hoàn thành ngày 06/12/2023" in one_line
    assert "bởi cli:an lúc" in one_line
    assert "--force" in one_line
    forced = runner.invoke(
        app, ["complete", str(iid), "--on", "07/12/2023", "--evidence", "Báo cáo 2", "--as-of", "07/12/2023", "--force"]
    )
    assert forced.exit_code == 0, forced.output
    with session_scope() as session:
        row = session.get(TaskInstance, iid)
        assert row is not None
        assert (row.completed_on, row.completion_evidence) == (date(2023, 12, 7), "Báo cáo 2")
        details = [e.detail for e in session.exec(select(AuditEvent).where(col(AuditEvent.instance_id) == iid)).scalars()]  # type: ignore[call-overload]
    overwritten = [d["overwritten"] for d in details if d.get("overwritten")]
    assert overwritten
    assert overwritten[0]["evidence"] == "Báo cáo 1/BC-STTTT"
    assert overwritten[0]["by"] == "cli:an"


@pytest.mark.parametrize("writers", [2, 5])
def test_of_concurrent_completions_one_wins_and_the_others_are_told(seeded_db: str, writers: int) -> None:
    iid = instance_id()
    results = together(
        writers,
        lambda i: record_completion(
            iid, on=date(2023, 12, 6), evidence=f"Báo cáo {i}", actor=f"user-{i}", today=date(2023, 12, 6)
        ),
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert all(isinstance(e, ConflictError) for e in losers), losers
    with session_scope() as session:
        row = session.get(TaskInstance, iid)
        assert row is not None
        winner = row.completed_by
        assert winner is not None
        completions = session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(col(AuditEvent.instance_id) == iid, col(AuditEvent.action) == "instance.completed")
        ).scalar_one()
    assert completions == 1
    assert all(f"bởi {winner} lúc" in str(e) for e in losers)


# ---------------------------------------------------------------- concurrent imports


def test_concurrent_imports_are_serialised(any_db: str, tmp_path: Path) -> None:
    from dondoc.directives.service import import_paths

    results = together(3, lambda _i: import_paths([SEEDS], as_of=date(2023, 12, 6), actor="test"))
    assert not [r for r in results if isinstance(r, BaseException)], results
    with session_scope() as session:
        instances = session.execute(select(func.count()).select_from(TaskInstance)).scalar_one()
    single = import_paths([SEEDS], as_of=date(2023, 12, 6), actor="test")
    assert sum(p.inserted for p in single.plans.values()) == 0  # the three concurrent imports left the complete state
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(TaskInstance)).scalar_one() == instances


# ---------------------------------------------------------------- import loops and duplicated keys


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({}, None),
        ({"a": ["b"], "b": ["c"]}, None),
        ({"a": ["a"]}, ["a", "a"]),
        ({"a": ["b"], "b": ["a"]}, ["a", "b", "a"]),
        ({"x": ["a"], "a": ["b"], "b": ["c"], "c": ["a"]}, ["a", "b", "c", "a"]),
        ({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}, None),  # a diamond is not a loop
    ],
)
def test_find_cycle(graph: dict[str, list[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


REGISTRY = "agencies/dong-nai.yaml"
DIRECTIVE = "000_dong-nai_11677-UBND-HCC.yaml"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (DIRECTIVE, "    depends_on:\n      - 2.a\n", "    depends_on:\n      - 2.b\n", "clause '2.b' depends on itself"),
        (
            DIRECTIVE,
            "    report_via: dn-cong-an-tinh\n\n  - clause: 2.b",
            "    report_via: dn-cong-an-tinh\n    depends_on:\n      - 2.b\n\n  - clause: 2.b",
            "the dependencies form a loop (2.a → 2.b → 2.a)",
        ),
        (
            DIRECTIVE,
            "    report_via: dn-cong-an-tinh\n\n  - clause: 2.b",
            "    report_via: dn-cong-an-tinh\n    report_via: dn-ubnd-tinh\n\n  - clause: 2.b",
            "key 'report_via' appears again",
        ),
        (
            REGISTRY,
            "    includes:\n      - dn-g-so-ban-nganh\n      - dn-g-huyen\n\n",
            "    includes:\n      - dn-g-so-ban-nganh\n      - dn-g-huyen\n      - dn-g-so-ban-nganh-huyen\n\n",
            "group 'dn-g-so-ban-nganh-huyen' includes itself",
        ),
        (
            REGISTRY,
            "    name: UBND các huyện, thành phố\n",
            "    name: UBND các huyện, thành phố\n    includes:\n      - dn-g-so-ban-nganh-huyen\n",
            "groups include each other in a loop",
        ),
    ],
)
def test_loops_and_duplicated_keys_are_errors_naming_file_and_line(
    sqlite_db: str, tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    folder = tmp_path / "in"
    (folder / "agencies").mkdir(parents=True)
    shutil.copy(SEEDS / REGISTRY, folder / "agencies")
    shutil.copy(SEEDS / DIRECTIVE, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    first_changed = text[: text.index(old)].count("\n") + 1
    result = runner.invoke(app, ["import", str(folder), "--as-of", "06/12/2023"])
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert expected in out, out
    lines = {int(n) for n in re.findall(rf"{re.escape(Path(file).name)}:(\d+):", result.output)}
    assert any(first_changed <= n <= first_changed + new.count("\n") for n in lines), (first_changed, result.output)
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(TaskInstance)).scalar_one() == 0


# ---------------------------------------------------------------- one-line errors


def test_unexpected_errors_are_one_line_and_debug_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dondoc.cli import common
    from dondoc.db import reset_engine

    monkeypatch.setenv("DONDOC_DATABASE_URL", f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    reset_engine()
    monkeypatch.setitem(common.debug_mode, "on", False)
    plain = runner.invoke(app, ["status"])
    assert plain.exit_code == 1
    assert "Traceback" not in plain.output
    assert "không kết nối được cơ sở dữ liệu" in plain.output
    assert "DONDOC_DATABASE_URL" in plain.output
    debug = runner.invoke(app, ["--debug", "status"])
    assert debug.exit_code == 1
    assert debug.exception is not None
    assert "OperationalError" in type(debug.exception).__name__


def test_publish_caldav_with_the_server_down_is_one_line(seeded_sqlite: str) -> None:
    port = free_port()
    result = runner.invoke(app, ["publish-caldav", f"http://127.0.0.1:{port}/dav/", "--agency", "dn-so-thong-tin-truyen-thong"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "cannot connect (Connection refused); check that the server is running" in " ".join(result.output.split())


# ---------------------------------------------------------------- a busy database


def _locked() -> Exception:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    return OperationalError("UPDATE task_instance …", {}, sqlite3.OperationalError("database is locked"))


def test_a_busy_database_is_retried_then_succeeds() -> None:
    from dondoc.db.retry import retry_busy

    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _locked()
        return "done"

    assert retry_busy(work, what="test", seconds=10) == "done"
    assert len(calls) == 3


def test_a_database_busy_for_too_long_is_one_line_naming_the_setting() -> None:
    from dondoc.db.retry import retry_busy

    def work() -> None:
        raise _locked()

    with pytest.raises(BusyError, match=r"nhập văn bản: cơ sở dữ liệu vẫn bận sau 0 giây .*DONDOC_BUSY_SECONDS"):
        retry_busy(work, what="nhập văn bản", seconds=0.3)


def test_other_database_errors_are_not_retried() -> None:
    from sqlalchemy.exc import IntegrityError

    from dondoc.db.retry import retry_busy

    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed"))

    with pytest.raises(IntegrityError):
        retry_busy(work, what="test", seconds=10)
    assert calls == [1]
