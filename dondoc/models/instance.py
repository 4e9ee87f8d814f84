"""Task instances (one per assignment, lead agency and period) and their audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from dondoc.db.types import AwareDateTime
from dondoc.domain.vocabulary import InstanceKind as InstanceKind
from dondoc.domain.vocabulary import InstanceState as InstanceState


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
        # Reports: per agency, the unsettled rows (completed_on NULL) by opening day, and those settled
        # since a window opened; the due date is tested on the entry, and the entry carries every column
        # a report counts or lists (the index covers the report: no table look-up per row, issue 13).
        Index(
            "ix_instance_agency_completed",
            "agency_id",
            "completed_on",
            "opens_on",
            "due_date",
            "directive_id",
            "assignment_id",
            "original_due_date",
            "kind",
            "state",
        ),
        # Reports: the few ongoing rows (Thường xuyên) per clause, whenever they were reported.
        Index(
            "ix_instance_ongoing",
            "agency_id",
            "assignment_id",
            "opens_on",
            "completed_on",
            "due_date",
            "state",
            sqlite_where=text("kind = 'ongoing'"),
            postgresql_where=text("kind = 'ongoing'"),
        ),
        # Reports: the few extended rows (written only when a deadline is extended), with every column the
        # extended list tests: only the listed rows are read from the table (for their reason).
        Index(
            "ix_instance_extended_window",
            "agency_id",
            "completed_on",
            "due_date",
            "original_due_date",
            "opens_on",
            "state",
            "assignment_id",
            "directive_id",
            sqlite_where=text("due_date <> original_due_date"),
            postgresql_where=text("due_date <> original_due_date"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id")
    directive_id: int = Field(foreign_key="directive.id")
    agency_id: int = Field(foreign_key="agency.id")
    period: str = Field(max_length=32)
    kind: InstanceKind = Field(sa_type=String(16))
    opens_on: date
    due_date: date | None = None
    original_due_date: date | None = None
    state: InstanceState = Field(default=InstanceState.OPEN, sa_type=String(16))
    completed_on: date | None = None
    completion_evidence: str | None = None
    completed_by: str | None = None
    completion_recorded_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    kpi_values: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    extended_reason: str | None = None
    extended_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    cancelled_reason: str | None = None
    due_on_day_off: bool = False
    updated_at: datetime = Field(sa_type=AwareDateTime)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=AwareDateTime, index=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40)
    directive_id: int | None = Field(default=None, index=True)
    instance_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
