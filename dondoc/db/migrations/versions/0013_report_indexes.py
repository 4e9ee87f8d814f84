"""reports read only the unsettled rows and those settled since the window opened (issue 13)

Revision ID: 0013_report_indexes
Revises: 0001_core
Create Date: 2026-11-26 01:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013_report_indexes'
down_revision: str | Sequence[str] | None = '0001_core'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('task_instance', schema=None) as batch_op:
        batch_op.create_index('ix_instance_agency_completed', ['agency_id', 'completed_on', 'opens_on', 'due_date'], unique=False)
        batch_op.create_index(
            'ix_instance_extended', ['agency_id'], unique=False,
            sqlite_where=sa.text('due_date <> original_due_date'), postgresql_where=sa.text('due_date <> original_due_date'),
        )


def downgrade() -> None:
    with op.batch_alter_table('task_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_instance_extended', sqlite_where=sa.text('due_date <> original_due_date'), postgresql_where=sa.text('due_date <> original_due_date'))
        batch_op.drop_index('ix_instance_agency_completed')
