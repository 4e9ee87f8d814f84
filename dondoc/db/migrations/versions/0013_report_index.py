"""reports read only the unsettled rows and those settled since the window opened (issue 13)

Revision ID: 0013_report_index
Revises: 0001_core
Create Date: 2026-11-26 01:15:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0013_report_index'
down_revision: str | Sequence[str] | None = '0001_core'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('task_instance', schema=None) as batch_op:
        batch_op.create_index('ix_instance_agency_completed', ['agency_id', 'completed_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_instance_agency_completed')
