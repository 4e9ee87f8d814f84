"""reports: frozen per-agency counts of closed periods (all-time figures), and an index that covers a report (issue 13)

Revision ID: 0014_report_snapshots
Revises: 0013_report_indexes
Create Date: 2026-12-07 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0014_report_snapshots"
down_revision: str | Sequence[str] | None = "0013_report_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NARROW = ["agency_id", "completed_on", "opens_on", "due_date"]
_COVERING = [*_NARROW, "directive_id", "assignment_id", "original_due_date", "kind", "state"]
_ONGOING = ["agency_id", "assignment_id", "opens_on", "completed_on", "due_date", "state"]
_IS_ONGOING = sa.text("kind = 'ongoing'")


def upgrade() -> None:
    op.create_table(
        "period_count_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("cutoff_mode", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("period_key", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["province"],
            ["province.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("province", "cutoff_mode", "period_key", name="uq_period_count_snapshot"),
    )
    op.create_table(
        "period_count_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("extended", sa.Integer(), nullable=False),
        sa.Column("ongoing", sa.Integer(), nullable=False),
        sa.Column("undated", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.id"],
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["period_count_snapshot.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("snapshot_id", "agency_id", name="uq_period_count_row"),
    )
    with op.batch_alter_table("task_instance", schema=None) as batch_op:
        batch_op.drop_index("ix_instance_agency_completed")
        batch_op.create_index("ix_instance_agency_completed", _COVERING, unique=False)
        batch_op.create_index(
            "ix_instance_ongoing", _ONGOING, unique=False, sqlite_where=_IS_ONGOING, postgresql_where=_IS_ONGOING
        )


def downgrade() -> None:
    with op.batch_alter_table("task_instance", schema=None) as batch_op:
        batch_op.drop_index("ix_instance_ongoing", sqlite_where=_IS_ONGOING, postgresql_where=_IS_ONGOING)
        batch_op.drop_index("ix_instance_agency_completed")
        batch_op.create_index("ix_instance_agency_completed", _NARROW, unique=False)
    op.drop_table("period_count_row")
    op.drop_table("period_count_snapshot")
