"""The audit trail: one row per action a person or a flow took (who, when, what, on which record)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from dondoc.clock import utc_now
from dondoc.models import AuditEvent, TaskInstance


def record(
    session: Session,
    action: str,
    *,
    actor: str,
    directive_id: int | None = None,
    instance_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit row to the caller's transaction (it commits or rolls back with the change it describes)."""
    session.add(
        AuditEvent(
            at=utc_now(),
            actor=actor,
            action=action,
            directive_id=directive_id,
            instance_id=instance_id,
            detail=detail or {},
        )
    )


def record_on(session: Session, action: str, instance: TaskInstance, *, actor: str, detail: dict[str, Any]) -> None:
    """An audit row for an action on one task instance (and so on its directive)."""
    record(session, action, actor=actor, directive_id=instance.directive_id, instance_id=instance.id, detail=detail)
