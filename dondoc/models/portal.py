"""The department portal: personal links (stored hashed) and the submissions waiting for the Office."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from dondoc.db.types import AwareDateTime
from dondoc.domain.vocabulary import LinkRole as LinkRole
from dondoc.domain.vocabulary import SubmissionKind as SubmissionKind
from dondoc.domain.vocabulary import SubmissionState as SubmissionState


class PortalLink(SQLModel, table=True):
    """One personal link to the portal: an agency's (or the Office's), optionally for one recipient.

    The link carries a signed token; only its SHA-256 is stored. Expiry and revocation are rows, not code.
    """

    __tablename__ = "portal_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    agency_code: str = Field(max_length=64, index=True)
    role: str = Field(max_length=16, description="department | office")
    recipient: str | None = Field(default=None, max_length=200, description="Contact key, e.g. email:a@b.gov.vn")
    label: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_type=AwareDateTime)
    created_by: str = Field(max_length=120)
    expires_at: datetime = Field(sa_type=AwareDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class PortalSubmission(SQLModel, table=True):
    """What a department sent through the portal: a completion report, an extension request, or an input."""

    __tablename__ = "portal_submission"
    __table_args__ = (Index("ix_portal_submission_state_instance", "state", "instance_id"),)

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="task_instance.id", index=True)
    agency_code: str = Field(max_length=64, description="The agency that sent it")
    kind: str = Field(max_length=16, description="completion | extension | input")
    state: str = Field(max_length=16, description="pending | approved | rejected | received")
    link_id: int = Field(foreign_key="portal_link.id")
    report_number: str | None = Field(default=None, max_length=120)
    report_date: date | None = None
    note: str | None = None
    kpis: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    new_due_date: date | None = None
    file_path: str | None = Field(default=None, max_length=300, description="Relative to the portal file store")
    file_name: str | None = Field(default=None, max_length=200)
    file_type: str | None = Field(default=None, max_length=120)
    file_size: int | None = None
    submitted_at: datetime = Field(sa_type=AwareDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    decided_by: str | None = Field(default=None, max_length=120)
    decision_reason: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
