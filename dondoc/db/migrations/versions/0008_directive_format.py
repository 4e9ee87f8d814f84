"""directive format (issue 14): several leads, several report_to bodies, per-item start, ad hoc part, repeated items

Revision ID: 0008_directive_format
Revises: 0001_core
Create Date: 2026-11-26 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_directive_format"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.add_column(sa.Column("lead_codes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch.add_column(sa.Column("report_to_codes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("ad_hoc", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("repeats", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    # rows written before this revision named one lead and at most one body to report to
    assignment = sa.table(
        "assignment",
        sa.column("id", sa.Integer()),
        sa.column("lead_code", sa.String()),
        sa.column("report_to", sa.String()),
        sa.column("lead_codes", sa.JSON()),
        sa.column("report_to_codes", sa.JSON()),
    )
    bind = op.get_bind()
    for row_id, lead, report_to in bind.execute(sa.select(assignment.c.id, assignment.c.lead_code, assignment.c.report_to)).all():
        bind.execute(
            assignment.update()
            .where(assignment.c.id == row_id)
            .values(lead_codes=[lead], report_to_codes=[report_to] if report_to else [])
        )


def downgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        for column in ("repeats", "ad_hoc", "start_date", "report_to_codes", "lead_codes"):
            batch.drop_column(column)
