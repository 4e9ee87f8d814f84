"""The calendar subscription tokens as listed (``dondoc calendar-token list``, the portal's calendar button).

A Core select over :mod:`dondoc.db.tables`, from an ORM session or a bare Core connection: listing
tokens needs neither the feeds (icalendar) nor the ORM models. Issuing and revoking write through
:mod:`dondoc.calendars.store`. The secret's hash is never read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from dondoc.db import tables as t

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

ct = t.calendar_token.c


@dataclass(frozen=True)
class TokenRow:
    id: int
    scope: str
    key: str
    label: str | None
    created_at: datetime
    revoked_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        """``--format json``: the keys in the order that command has always printed (that of the ORM
        object it dumped before, which scripts may have compared as text)."""
        return {name: getattr(self, name) for name in ("key", "id", "created_at", "label", "scope", "revoked_at")}


def list_tokens(*, session: Session | Connection, key: str | None = None) -> list[TokenRow]:
    """Every token (of one feed key), by scope, key and id."""
    stmt = select(ct.id, ct.scope, ct.key, ct.label, ct.created_at, ct.revoked_at).order_by(ct.scope, ct.key, ct.id)
    if key:
        stmt = stmt.where(ct.key == key)
    return [TokenRow(*row) for row in session.execute(stmt)]
