"""Task instances (one per assignment, lead agency and period) and their audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class InstanceState:
    """Stored lifecycle state; the reported status is derived as of a day (domain.status)."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskInstance(SQLModel, table=True):
    __tablename__ = "task_instance"
    __table_args__ = (
        UniqueConstraint("assignment_id", "agency_id", "period", name="uq_instance_assignment_agency_period"),
        # Sweeps: open rows by agency and due date (partial; values inlined so SQLite uses it).
        Index(
            "ix_instance_open_agency_due",
            "agency_id",
            "due_date",
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
        # Reports: one index covering the grouping and the conditional counts.
        Index("ix_instance_report", "agency_id", "due_date", "state", "completed_on"),
        Index("ix_instance_directive_due", "directive_id", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id")
    directive_id: int = Field(foreign_key="directive.id")
    agency_id: int = Field(foreign_key="agency.id")
    period: str = Field(max_length=32)
    kind: str = Field(max_length=16, description="once | recurring | milestone | ongoing | undated")
    opens_on: date
    due_date: date | None = None
    original_due_date: date | None = None
    state: str = Field(default=InstanceState.OPEN, max_length=16)
    completed_on: date | None = None
    completion_evidence: str | None = None
    completed_by: str | None = None
    completion_recorded_at: datetime | None = None
    kpi_values: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    extended_reason: str | None = None
    extended_at: datetime | None = None
    cancelled_reason: str | None = None
    due_on_day_off: bool = False
    updated_at: datetime


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40)
    directive_id: int | None = Field(default=None, index=True)
    instance_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
