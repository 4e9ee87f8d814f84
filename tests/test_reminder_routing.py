"""The sweep's routing and ledger filtering as pure tables: who gets which reminder, and what is
skipped because the ledger already has it (sent, superseded, waiting for its backoff)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from dondoc.domain.reminders import DeliveryKey, LedgerState, Reminder, Role, Stage, due_deliveries, route
from dondoc.domain.vocabulary import DeliveryState

DUE = date(2023, 12, 15)
NOW = datetime(2023, 12, 12, 0, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Recipient:
    key: str


BOOK: dict[tuple[str, Role], list[Recipient]] = {
    ("so-a", "focal"): [Recipient("email:a1"), Recipient("email:a2")],
    ("so-a", "head"): [Recipient("email:a-head")],
    ("vp", "coordinator"): [Recipient("email:vp")],
}


def lookup(addressee: str, role: Role) -> Sequence[Recipient]:
    return BOOK.get((addressee, role), [])


def reminder(instance: int, addressee: str, role: Role, stage: str = "before-3") -> Reminder:
    return Reminder(instance, addressee, role, "lead", Stage(stage, "lead", -3, DUE, DUE, (role,)), DUE)


def key(instance: int, recipient: str, stage: str = "before-3") -> DeliveryKey:
    return DeliveryKey(instance, recipient, stage, DUE)


@pytest.mark.parametrize(
    ("fresh", "current", "routed", "retry", "unrouted"),
    [
        # one fresh reminder to an agency with two focal contacts: two deliveries
        ([reminder(1, "so-a", "focal")], [], {key(1, "email:a1"), key(1, "email:a2")}, set(), []),
        # an addressee without a contact for the role is reported, not dropped silently
        ([reminder(1, "so-b", "focal")], [], set(), set(), [1]),
        # a current stage that is also fresh is not a retry
        ([reminder(1, "vp", "coordinator")], [reminder(1, "vp", "coordinator")], {key(1, "email:vp")}, set(), []),
        # a current stage that was not fresh (outside the window) is only a retry candidate
        ([], [reminder(2, "so-a", "head", "overdue-1")], {key(2, "email:a-head", "overdue-1")}, {key(2, "email:a-head", "overdue-1")}, []),
        # an unroutable current (not fresh) stage is not reported again
        ([], [reminder(3, "so-b", "focal")], set(), set(), []),
    ],
)
def test_route(
    fresh: list[Reminder], current: list[Reminder], routed: set[DeliveryKey], retry: set[DeliveryKey], unrouted: list[int]
) -> None:
    result = route(fresh, current, lookup)
    assert set(result.routed) == routed
    assert result.retry_keys == retry
    assert [r.instance_id for r in result.unrouted] == unrouted


def ledger(state: DeliveryState, *, next_in_minutes: int | None = None) -> LedgerState:
    return LedgerState(state, 1, NOW + timedelta(minutes=next_in_minutes) if next_in_minutes is not None else None)


@pytest.mark.parametrize(
    ("is_retry", "row", "delivered", "already_sent", "waiting"),
    [
        (False, None, True, 0, 0),  # never planned: deliver
        (False, ledger(DeliveryState.PENDING), True, 0, 0),  # planned, a crash before the send: deliver
        (False, ledger(DeliveryState.SENT), False, 1, 0),  # never twice
        (False, ledger(DeliveryState.SUPERSEDED), False, 1, 0),  # a newer stage replaced it
        (False, ledger(DeliveryState.FAILED, next_in_minutes=30), False, 0, 1),  # backoff not over
        (False, ledger(DeliveryState.FAILED, next_in_minutes=-1), True, 0, 0),  # backoff over: retry
        (False, ledger(DeliveryState.FAILED), True, 0, 0),  # failed without a next attempt: retry
        (True, None, False, 0, 0),  # current but never planned in its window: not a retry
        (True, ledger(DeliveryState.SENT), False, 0, 0),  # a retry key that was sent is skipped quietly
        (True, ledger(DeliveryState.PENDING), True, 0, 0),
        (True, ledger(DeliveryState.FAILED, next_in_minutes=-5), True, 0, 0),
    ],
)
def test_due_deliveries(is_retry: bool, row: LedgerState | None, delivered: bool, already_sent: int, waiting: int) -> None:
    fresh = [] if is_retry else [reminder(1, "vp", "coordinator")]
    current = [reminder(1, "vp", "coordinator")] if is_retry else []
    routing = route(fresh, current, lookup)
    known = {key(1, "email:vp"): row} if row is not None else {}
    due = due_deliveries(routing, known, now=NOW)
    assert (len(due.todo) == 1, due.already_sent, due.waiting_backoff) == (delivered, already_sent, waiting)
