"""iCal feeds: subscription tokens, per-event revision state, and cached serialised feeds."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from dondoc.db.types import AwareDateTime


class CalendarToken(SQLModel, table=True):
    """A revocable secret that opens one feed. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "calendar_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    scope: str = Field(max_length=16, description="agency | directive | province")
    key: str = Field(max_length=80, description="Agency code, directive code or province code")
    label: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_type=AwareDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class CalendarEventState(SQLModel, table=True):
    """The last published revision of one calendar event (UID), and its serialised VEVENT.

    ``major_hash`` covers what RFC 5545 calls a significant change (date, status): when it
    changes SEQUENCE goes up. ``content_hash`` covers everything else that is shown; either
    change moves LAST-MODIFIED (and DTSTAMP) to the build's instant.
    """

    __tablename__ = "calendar_event_state"

    uid: str = Field(primary_key=True, max_length=200)
    sequence: int = 0
    major_hash: str = Field(max_length=64)
    content_hash: str = Field(max_length=64)
    last_modified: datetime = Field(sa_type=AwareDateTime)
    ics: str = Field(description="The serialised VEVENT for this revision")


class CalendarFeedCache(SQLModel, table=True):
    """One serialised feed and the fingerprint of the rows it was built from."""

    __tablename__ = "calendar_feed_cache"

    feed: str = Field(primary_key=True, max_length=200, description="e.g. agency:dn-so-noi-vu")
    fingerprint: str = Field(max_length=64)
    etag: str = Field(max_length=80)
    events: int = 0
    body: str
    built_at: datetime = Field(sa_type=AwareDateTime)
