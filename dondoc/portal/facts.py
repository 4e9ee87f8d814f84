"""Plain facts the portal's pages are made of (pure: the queries fill them, the views read them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class TaskFacts:
    instance_id: int
    role: str  # "lead" | "co" | "office"
    directive_id: int
    directive: str
    directive_number: str | None
    directive_title: str
    coordinator: str
    province: str
    assignment_id: int
    clause: str
    summary: str
    text: str
    deadline_text: str | None
    kpis: list[dict[str, Any]]
    depends_on: list[str]
    lead_code: str
    lead_name: str
    kind: str
    state: str
    opens_on: date
    due: date | None
    original_due: date | None
    completed_on: date | None
    evidence: str | None
    extended_reason: str | None
    period: str


@dataclass(frozen=True)
class SubmissionFacts:
    id: int
    instance_id: int
    agency_code: str
    kind: str
    state: str
    report_number: str | None
    report_date: date | None
    note: str | None
    kpis: dict[str, float]
    new_due: date | None
    file_name: str | None
    file_type: str | None
    file_size: int | None
    submitted_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None


@dataclass(frozen=True)
class QueueItem:
    submission: SubmissionFacts
    task: TaskFacts
    agency_name: str
