"""Named leases held in the database: one reminder sweep per scope, one import, at a time.

A lease is a row (name, holder, expires_at). Taking it is one atomic upsert that succeeds only when
the row is absent or expired, on SQLite and PostgreSQL alike; the holder renews it while it works
and deletes it when done. A holder killed with ``kill -9`` cannot release it: the lease then expires
after ``DONDOC_LEASE_SECONDS`` and the next run takes over (and, for a sweep, resends what was left
*pending*, see :mod:`dondoc.reminders.store`).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from dondoc.clock import utc_now
from dondoc.configuration.settings import TZ, get_settings
from dondoc.db.engine import session_scope, upsert_insert
from dondoc.db.retry import retry_busy
from dondoc.errors import BusyError
from dondoc.models import Lease

log = logging.getLogger(__name__)


class LeaseLost(RuntimeError):
    """The lease expired and another process took it: stop before doing work twice."""


@dataclass(frozen=True)
class Holder:
    holder: str
    acquired_at: datetime
    expires_at: datetime

    def describe(self) -> str:
        host, pid = [*self.holder.split(":"), "?", "?"][:2]
        since = self.acquired_at.astimezone(TZ)
        until = self.expires_at.astimezone(TZ)
        return f"máy {host}, tiến trình {pid}, từ {since:%H:%M:%S %d/%m/%Y}, giữ đến {until:%H:%M:%S} nếu không gia hạn"


def new_holder() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def try_acquire(session: Session, name: str, holder: str, *, now: datetime, ttl: timedelta) -> Holder | None:
    """Take ``name`` if free or expired; otherwise return who holds it. Commit right after."""
    insert = upsert_insert(session)
    stmt = insert(Lease).values(name=name, holder=holder, acquired_at=now, expires_at=now + ttl)
    stmt = stmt.on_conflict_do_update(
        index_elements=["name"],
        set_={"holder": holder, "acquired_at": now, "expires_at": now + ttl},
        where=col(Lease.expires_at) <= now,
    )
    session.execute(stmt)
    row = session.execute(select(col(Lease.holder), col(Lease.acquired_at), col(Lease.expires_at)).where(col(Lease.name) == name)).one()
    current = Holder(row[0], _aware(row[1]), _aware(row[2]))
    return None if current.holder == holder else current


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def current_holders(session: Session, names: Sequence[str], *, now: datetime) -> list[Holder]:
    """Unexpired holders of any of ``names`` (a plain read)."""
    rows = session.execute(
        select(col(Lease.holder), col(Lease.acquired_at), col(Lease.expires_at)).where(col(Lease.name).in_(list(names)), col(Lease.expires_at) > now)
    ).all()
    return [Holder(h, _aware(a), _aware(e)) for h, a, e in rows]


def renew(session: Session, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    result = session.execute(
        update(Lease).where(col(Lease.name) == name, col(Lease.holder) == holder).values(expires_at=now + ttl)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release(session: Session, name: str, holder: str) -> None:
    session.execute(delete(Lease).where(col(Lease.name) == name, col(Lease.holder) == holder))


class HeldLeases:
    """Leases held by this process, renewed by a heartbeat thread every third of their lifetime.

    The work calls :meth:`keep` before each unit (a digest): it raises :class:`LeaseLost` once a
    renewal found the lease taken by another process (this one was stalled past the expiry), so
    the two never both send.
    """

    def __init__(self, names: Sequence[str], holder: str, ttl: timedelta) -> None:
        self.names, self.holder, self.ttl = list(names), holder, ttl
        self._lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._heartbeat, name=f"lease-{holder}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.ttl.total_seconds())

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.ttl.total_seconds() / 3):
            try:
                with session_scope() as session:
                    now = utc_now()
                    kept = all([renew(session, name, self.holder, now=now, ttl=self.ttl) for name in self.names])
            except Exception:  # a database blip: try again at the next beat, well before the expiry
                log.warning("could not renew lease %s; retrying", ", ".join(self.names), exc_info=True)
                continue
            if not kept:
                self._lost.set()
                return

    def keep(self) -> None:
        """Raise :class:`LeaseLost` if another process took the lease over."""
        if self._lost.is_set():
            raise LeaseLost(f"lease {', '.join(self.names)} expired and was taken by another process; stopping")


@contextmanager
def hold(names: Sequence[str], *, what: str, wait: float = 0.0, ttl: float | None = None, hint: str = "") -> Iterator[HeldLeases]:
    """Hold every lease in ``names`` (all or none), waiting at most ``wait`` seconds for them.

    Raises :class:`BusyError` naming the holder when they stay taken.
    """
    lifetime = timedelta(seconds=ttl if ttl is not None else get_settings().lease_seconds)
    holder = new_holder()
    wanted = sorted(set(names))
    deadline = time.monotonic() + wait

    def attempt() -> Holder | None:
        with session_scope() as session:
            now = utc_now()
            taken = current_holders(session, wanted, now=now)
            if taken:  # read-only while someone works: waiting must not compete with the holder's writes
                return taken[0]
            for name in wanted:
                other = try_acquire(session, name, holder, now=now, ttl=lifetime)
                if other is not None:
                    session.rollback()  # all or none: give back what this attempt took
                    return other
            return None

    while True:
        other = retry_busy(attempt, what=what)
        if other is None:
            break
        if time.monotonic() >= deadline:
            raise BusyError(f"{what} đang chạy ở nơi khác ({other.describe()}); chờ nó xong rồi chạy lại{hint}")
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
    held = HeldLeases(wanted, holder, lifetime)
    held.start()
    try:
        yield held
    finally:
        held.stop()

        def give_back() -> None:
            with session_scope() as session:
                for name in wanted:
                    release(session, name, holder)

        retry_busy(give_back, what="trả lease")
