"""reports: the partial index of extended rows carries every column the extended list tests (issue 13)

The extended list read each extended row of the province's agencies from the table to test its dates
and state; with those columns on the index entry only the listed rows are read from the table (for
their free-text reason, kept off the index).

Revision ID: 0015_report_extended_index
Revises: 0014_report_snapshots
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0015_report_extended_index"
down_revision: str | Sequence[str] | None = "0014_report_snapshots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_IS_EXTENDED = sa.text("due_date <> original_due_date")
_COLUMNS = ["agency_id", "completed_on", "due_date", "original_due_date", "opens_on", "state", "assignment_id", "directive_id"]


def upgrade() -> None:
    with op.batch_alter_table("task_instance", schema=None) as batch_op:
        batch_op.drop_index("ix_instance_extended", sqlite_where=_IS_EXTENDED, postgresql_where=_IS_EXTENDED)
        batch_op.create_index(
            "ix_instance_extended_window", _COLUMNS, unique=False, sqlite_where=_IS_EXTENDED, postgresql_where=_IS_EXTENDED
        )


def downgrade() -> None:
    with op.batch_alter_table("task_instance", schema=None) as batch_op:
        batch_op.drop_index("ix_instance_extended_window", sqlite_where=_IS_EXTENDED, postgresql_where=_IS_EXTENDED)
        batch_op.create_index(
            "ix_instance_extended", ["agency_id"], unique=False, sqlite_where=_IS_EXTENDED, postgresql_where=_IS_EXTENDED
        )
