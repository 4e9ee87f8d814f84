"""instants are timezone-aware: timestamptz on PostgreSQL (SQLite keeps text; the column type re-attaches UTC)

Revision ID: 0005_aware_datetimes
Revises: 0002_reminders, 0003_reports, 0004_calendars
Create Date: 2026-11-26 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_aware_datetimes"
down_revision: str | Sequence[str] | None = ("0002_reminders", "0003_reports", "0004_calendars")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS: dict[str, tuple[tuple[str, bool], ...]] = {
    "directive": (("imported_at", False),),
    "task_instance": (("completion_recorded_at", True), ("extended_at", True), ("updated_at", False)),
    "audit_event": (("at", False),),
    "reminder_delivery": (
        ("next_attempt_at", True),
        ("reported_at", True),
        ("created_at", False),
        ("updated_at", False),
        ("sent_at", True),
    ),
    "reminder_sweep": (("started_at", False), ("finished_at", True)),
    "report_snapshot": (("created_at", False),),
    "calendar_token": (("created_at", False), ("revoked_at", True)),
    "calendar_event_state": (("last_modified", False),),
    "calendar_feed_cache": (("built_at", False),),
}


def _alter(timezone: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite stores the same text either way
    for table, columns in COLUMNS.items():
        for column, nullable in columns:
            using = f"{column} AT TIME ZONE 'UTC'"  # stored values were UTC
            op.alter_column(
                table,
                column,
                type_=sa.DateTime(timezone=timezone),
                existing_type=sa.DateTime(timezone=not timezone),
                existing_nullable=nullable,
                postgresql_using=using,
            )


def upgrade() -> None:
    _alter(True)


def downgrade() -> None:
    _alter(False)
