"""The reminder ledger: what was (or must still be) delivered to whom, and each sweep that ran."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from dondoc.db.types import AwareDateTime
from dondoc.domain.vocabulary import DeliveryState as DeliveryState


class ReminderDelivery(SQLModel, table=True):
    """One (instance, recipient, stage) of the ladder, with its delivery state.

    The stage is keyed with the due date it refers to: an extension (gia hạn) moves the due
    date and so restarts the ladder instead of being silenced by the old stages.
    """

    __tablename__ = "reminder_delivery"
    __table_args__ = (
        UniqueConstraint("instance_id", "recipient", "stage", "due_date", name="uq_reminder_delivery"),
        Index("ix_reminder_delivery_state", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="task_instance.id", index=True)
    recipient: str = Field(max_length=200, description="Stable, secret-free key of the contact (email:addr or scheme:hash)")
    stage: str = Field(max_length=60)
    due_date: date
    addressee: str = Field(max_length=64, description="Tag the recipient was found by: agency, coordinator or province")
    role: str = Field(max_length=16)
    planned_for: date = Field(description="The sweep day that planned (or last re-planned) it")
    state: DeliveryState = Field(default=DeliveryState.PENDING, sa_type=String(16))
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    reported_at: datetime | None = Field(default=None, sa_type=AwareDateTime, description="When the coordinating office was told it keeps failing")
    created_at: datetime = Field(sa_type=AwareDateTime)
    updated_at: datetime = Field(sa_type=AwareDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class ReminderSweep(SQLModel, table=True):
    """One sweep per scope (a province, or '*' for all) and day; the next sweep starts after it."""

    __tablename__ = "reminder_sweep"
    __table_args__ = (UniqueConstraint("scope", "day", name="uq_reminder_sweep"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=64)
    day: date
    started_at: datetime = Field(sa_type=AwareDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    planned: int = 0
    sent: int = 0
    failed: int = 0
