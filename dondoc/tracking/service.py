"""Tracking use cases for the Prefect tasks: which directives the daily sweep tracks, and a directive's snapshot."""

from __future__ import annotations

from datetime import date

from dondoc.db import session_scope
from dondoc.directives.listing import directive_progress, task_rows
from dondoc.tracking.queries import directive_windows
from dondoc.tracking.view import DirectiveSnapshot, TrackedDirective, build_snapshot, is_active


def active_directives(province: str | None, as_of: date) -> list[str]:
    """Codes of the directives in force on ``as_of`` (started, not ended), optionally one province's."""
    with session_scope() as session:
        return [code for code, start, end in directive_windows(province, session=session) if is_active(start, end, as_of)]


def snapshot(directive: str, as_of: date) -> DirectiveSnapshot:
    """Read-only: the directive's instances and per-assignment progress as of a day, decided by the view."""
    with session_scope() as session:
        found, progress = directive_progress(directive, as_of=as_of, session=session)
        rows = task_rows(as_of=as_of, directive=found.code, session=session)
        info = TrackedDirective(found.code, found.number, found.title, found.province)
    return build_snapshot(info, progress, rows, as_of)
