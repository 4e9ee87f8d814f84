"""The ledger store: one row per (instance, recipient, stage, due date), with its delivery state.

Protocol of a sweep (at-least-once delivery, never silent loss):

1. ``plan`` inserts the planned rows as *pending* (insert-or-ignore on the unique key) and commits;
2. a digest is sent; 3. ``mark_sent`` / ``mark_failed`` records the outcome for that recipient.

A crash between 2 and 3 leaves the rows pending: the next sweep sends them again (the recipient
may get the same lines twice; nobody silently misses them). A row is only *sent* after Apprise
reported success for that recipient.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, and_, bindparam, delete, func, or_, select, tuple_, update
from sqlalchemy.schema import CreateTable
from sqlmodel import Session, col

from dondoc.db import upsert_insert
from dondoc.domain.policy import ReminderPolicy
from dondoc.domain.reminders import DeliveryKey, LedgerState, retry_delay_minutes
from dondoc.models import DeliveryState, ReminderDelivery, ReminderSweep

_BATCH = 5_000
_INLINE = 200  # up to this many keys (a digest's): an inline IN list; more: a temporary table
_FILL_ROWS = 200  # rows per statement that fills a temporary table (at most 800 parameters)


Key = DeliveryKey
_LEDGER: Table = ReminderDelivery.__table__  # type: ignore[attr-defined]  # Core: executemany, no ORM bulk path


@dataclass(frozen=True)
class Planned:
    key: Key
    addressee: str
    role: str


def _key_filter(keys: Sequence[Key]) -> Any:
    cols = tuple_(col(ReminderDelivery.instance_id), col(ReminderDelivery.recipient), col(ReminderDelivery.stage), col(ReminderDelivery.due_date))
    return cols.in_([(k.instance_id, k.recipient, k.stage, k.due_date) for k in keys])


def _temporary(name: str, *columns: Column[Any]) -> Table:
    return Table(name, MetaData(), *columns, prefixes=["TEMPORARY"])


_KEYS = _temporary(
    "tmp_ledger_keys",
    Column("instance_id", Integer, nullable=False),
    Column("recipient", String(200), nullable=False),
    Column("stage", String(60), nullable=False),
    Column("due_date", Date, nullable=False),
)
#: (instance, stage, due date) of the keys a sweep asks about: its ~100,000 keys are ~30,000 stages (an
#: instance's stage goes to its focal point, head, co-agencies...), a third of the rows to fill
_STAGES = _temporary(
    "tmp_ledger_stages",
    Column("instance_id", Integer, nullable=False),
    Column("stage", String(60), nullable=False),
    Column("due_date", Date, nullable=False),
)


_stage_of = itemgetter(0, 2, 3)  # a key's (instance_id, stage, due_date)


def states(keys: Sequence[Key], *, session: Session) -> dict[Key, LedgerState]:
    """Current state, attempts and next attempt of the keys that have a ledger row.

    A sweep asks about tens of thousands of keys: beyond a digest's few, their distinct (instance,
    stage, due date) go into a temporary table (the driver's own ``executemany``) joined to the
    ledger, and the rows found are kept for the keys asked about; never an inline ``IN`` list of
    tuples (issue 13).
    """
    out: dict[Key, LedgerState] = {}
    if not keys:
        return out
    if len(keys) <= _INLINE:
        rows = session.execute(_states_select().where(_key_filter(keys))).all()
    else:
        conn = _fill(_STAGES, list(dict.fromkeys(map(_stage_of, keys))), session=session)
        joined = _states_select().join(
            _STAGES,
            and_(
                _STAGES.c.instance_id == col(ReminderDelivery.instance_id),
                _STAGES.c.stage == col(ReminderDelivery.stage),
                _STAGES.c.due_date == col(ReminderDelivery.due_date),
            ),
        )
        rows = conn.execute(joined).all()
        conn.execute(delete(_STAGES))
    asked = set(keys) if rows else set()  # the stage table also finds a stage's other recipients: left out
    for iid, rec, stage, due, state, attempts, next_at in rows:
        key = Key(iid, rec, stage, due)
        if key in asked:
            out[key] = LedgerState(DeliveryState(state), attempts, next_at)
    return out


def _fill(table: Table, rows: Sequence[tuple[Any, ...]], *, session: Session) -> Any:
    """``rows`` (the table's columns in order, the last a due date) in the session's temporary ``table``: the
    driver's own ``executemany`` of a statement of ``_FILL_ROWS`` rows (half the cost of one row per statement
    for a sweep's tens of thousands); returns the connection."""
    conn = session.connection()
    conn.execute(CreateTable(table, if_not_exists=True))
    conn.execute(delete(table))
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    if conn.dialect.name == "sqlite":  # SQLAlchemy stores SQLite dates as ISO text
        iso = {due: due.isoformat() for due in {r[-1] for r in rows}}  # a sweep's rows share a few hundred due dates
        rows = [(*r[:-1], iso[r[-1]]) for r in rows]
    names = ", ".join(c.name for c in table.columns)
    one = f"({', '.join([marker] * len(table.columns))})"

    def insert(count: int) -> str:
        return f"INSERT INTO {table.name} ({names}) VALUES {', '.join([one] * count)}"

    whole = len(rows) - len(rows) % _FILL_ROWS
    if whole:
        conn.exec_driver_sql(insert(_FILL_ROWS), [tuple(chain.from_iterable(rows[i : i + _FILL_ROWS])) for i in range(0, whole, _FILL_ROWS)])
    if whole < len(rows):
        conn.exec_driver_sql(insert(len(rows) - whole), tuple(chain.from_iterable(rows[whole:])))
    return conn


def _states_select() -> Any:
    return select(
        col(ReminderDelivery.instance_id),
        col(ReminderDelivery.recipient),
        col(ReminderDelivery.stage),
        col(ReminderDelivery.due_date),
        col(ReminderDelivery.state),
        col(ReminderDelivery.attempts),
        col(ReminderDelivery.next_attempt_at),
    )


def plan(rows: Iterable[Planned], *, session: Session, day: date, now: datetime) -> int:
    """Insert planned rows as pending (rows that exist are left alone). Returns how many were new.

    One single-row ``INSERT … ON CONFLICT DO NOTHING`` run by the driver's ``executemany`` (compiled
    once): a multi-row ``VALUES`` list of 5,000 rows × 11 columns was compiled anew for every batch
    and cost ~1 ms a row (issue 13).
    """
    values = [
        {
            "instance_id": p.key.instance_id,
            "recipient": p.key.recipient,
            "stage": p.key.stage,
            "due_date": p.key.due_date,
            "addressee": p.addressee,
            "role": p.role,
            "planned_for": day,
            "state": DeliveryState.PENDING,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for p in rows
    ]
    if not values:
        return 0
    conn = session.connection()
    stmt = upsert_insert(session)(_LEDGER).on_conflict_do_nothing()
    inserted = 0
    for start in range(0, len(values), _BATCH):
        result = conn.execute(stmt, values[start : start + _BATCH])
        inserted += max(result.rowcount or 0, 0)
    return inserted


def supersede_older(instance_ids: Iterable[int], current: dict[int, set[tuple[str, date]]], *, session: Session, now: datetime) -> int:
    """Pending/failed rows of these instances whose stage is no longer current will never be sent."""
    ids = sorted(set(instance_ids))
    changed = 0
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        stmt = select(col(ReminderDelivery.id), col(ReminderDelivery.instance_id), col(ReminderDelivery.stage), col(ReminderDelivery.due_date)).where(
            col(ReminderDelivery.instance_id).in_(chunk),
            col(ReminderDelivery.state).in_([DeliveryState.PENDING, DeliveryState.FAILED]),
        )
        stale = [rid for rid, iid, stage, due in session.execute(stmt).all() if (stage, due) not in current.get(iid, set())]
        if stale:
            session.execute(
                update(ReminderDelivery).where(col(ReminderDelivery.id).in_(stale)).values(state=DeliveryState.SUPERSEDED, updated_at=now)
            )
            changed += len(stale)
    return changed


def retry_instance_ids(*, session: Session, now: datetime) -> list[int]:
    """Instances with pending rows (a crash) or failed rows whose backoff has passed."""
    stmt = (
        select(col(ReminderDelivery.instance_id))
        .where(
            or_(
                col(ReminderDelivery.state) == DeliveryState.PENDING,
                and_(
                    col(ReminderDelivery.state) == DeliveryState.FAILED,
                    or_(col(ReminderDelivery.next_attempt_at).is_(None), col(ReminderDelivery.next_attempt_at) <= now),
                ),
            )
        )
        .distinct()
    )
    return [iid for (iid,) in session.execute(stmt).all()]


def unsettled_instance_ids(*, session: Session) -> set[int]:
    """Instances with a pending or failed row, whatever its backoff: only their current stages that a
    sweep's window did not plan can be retries (``due_deliveries`` skips a retry key with no such row)."""
    stmt = select(col(ReminderDelivery.instance_id)).where(col(ReminderDelivery.state).in_([DeliveryState.PENDING, DeliveryState.FAILED])).distinct()
    return {iid for (iid,) in session.execute(stmt).all()}


def _by_key(keys: Sequence[Key], values: dict[str, Any], per_key: Sequence[dict[str, Any]] | None = None, *, session: Session) -> None:
    """``UPDATE`` the ledger rows of ``keys`` (each found through the unique key) with ``values``, plus
    each key's own ``per_key`` values: one statement, compiled once, run by ``executemany``."""
    if not keys:
        return
    t = _LEDGER
    own = sorted(per_key[0]) if per_key else []
    stmt = (
        update(t)
        .where(t.c.instance_id == bindparam("k_instance"), t.c.recipient == bindparam("k_recipient"),
               t.c.stage == bindparam("k_stage"), t.c.due_date == bindparam("k_due"))
        .values(**values, **{name: bindparam(f"v_{name}") for name in own})
    )  # fmt: skip
    rows = [
        {"k_instance": k.instance_id, "k_recipient": k.recipient, "k_stage": k.stage, "k_due": k.due_date,
         **({f"v_{name}": per_key[i][name] for name in own} if per_key else {})}
        for i, k in enumerate(keys)
    ]  # fmt: skip
    session.connection().execute(stmt, rows)


def mark_sent(keys: Sequence[Key], *, session: Session, now: datetime) -> None:
    """A digest's rows are sent: beyond a few keys, one ``UPDATE`` of the rows whose key is in the
    temporary key table (a digest of a busy agency carries thousands of lines)."""
    values = {"state": DeliveryState.SENT, "attempts": _LEDGER.c.attempts + 1, "last_error": None, "next_attempt_at": None,
              "sent_at": now, "updated_at": now}  # fmt: skip
    if len(keys) <= _INLINE:
        _by_key(keys, values, session=session)
        return
    conn = _fill(_KEYS, keys, session=session)
    t = _LEDGER
    listed = select(_KEYS.c.instance_id, _KEYS.c.recipient, _KEYS.c.stage, _KEYS.c.due_date)
    conn.execute(update(t).where(tuple_(t.c.instance_id, t.c.recipient, t.c.stage, t.c.due_date).in_(listed)).values(**values))
    conn.execute(delete(_KEYS))


def mark_failed(keys: Sequence[Key], *, session: Session, error: str, now: datetime, policy: ReminderPolicy) -> None:
    current = states(keys, session=session)
    attempts = [(current[k].attempts if k in current else 0) + 1 for k in keys]
    _by_key(
        keys, {"state": DeliveryState.FAILED, "last_error": error[:1000], "updated_at": now},
        [{"attempts": n, "next_attempt_at": now + timedelta(minutes=retry_delay_minutes(n, policy))} for n in attempts], session=session,
    )  # fmt: skip


@dataclass(frozen=True)
class Unreachable:
    recipient: str
    instance_id: int
    attempts: int
    last_error: str | None


def unreported_failures(*, session: Session, min_attempts: int) -> list[Unreachable]:
    stmt = select(
        col(ReminderDelivery.recipient), col(ReminderDelivery.instance_id), col(ReminderDelivery.attempts), col(ReminderDelivery.last_error)
    ).where(
        col(ReminderDelivery.state) == DeliveryState.FAILED,
        col(ReminderDelivery.attempts) >= min_attempts,
        col(ReminderDelivery.reported_at).is_(None),
    )
    return [Unreachable(*r) for r in session.execute(stmt).all()]


def mark_reported(recipient: str, instance_ids: Sequence[int], *, session: Session, now: datetime) -> None:
    session.execute(
        update(ReminderDelivery)
        .where(
            col(ReminderDelivery.recipient) == recipient,
            col(ReminderDelivery.instance_id).in_(list(instance_ids)),
            col(ReminderDelivery.state) == DeliveryState.FAILED,
        )
        .values(reported_at=now)
    )


def last_sweep_before(scope: str, day: date, *, session: Session) -> date | None:
    scopes = [scope] if scope == "*" else [scope, "*"]
    stmt = select(func.max(col(ReminderSweep.day))).where(
        col(ReminderSweep.scope).in_(scopes), col(ReminderSweep.day) < day, col(ReminderSweep.finished_at).is_not(None)
    )
    return session.execute(stmt).scalar_one_or_none()


def record_sweep(scope: str, day: date, *, session: Session, started: datetime, finished: datetime, planned: int, sent: int, failed: int) -> None:
    insert = upsert_insert(session)
    values = {"scope": scope, "day": day, "started_at": started, "finished_at": finished, "planned": planned, "sent": sent, "failed": failed}
    stmt = insert(ReminderSweep).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["scope", "day"],
        set_={"finished_at": finished, "planned": planned, "sent": sent, "failed": failed},
    )
    session.execute(stmt)
