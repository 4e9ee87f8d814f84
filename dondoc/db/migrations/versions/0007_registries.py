"""dated registries: commune fields, group validity, successions, province mergers

Revision ID: 0007_registries
Revises: 0001_core
Create Date: 2026-11-26 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007_registries'
down_revision: str | Sequence[str] | None = '0001_core'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commune_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('formed_from', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    with op.batch_alter_table('agency_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('successor_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))

    op.create_table('agency_succession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('to_codes', sa.JSON(), nullable=False),
    sa.Column('work', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('lead_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('unconfirmed', sa.Boolean(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('registry_file', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agency_succession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_succession_from_code'), ['from_code'], unique=True)
        batch_op.create_index(batch_op.f('ix_agency_succession_province'), ['province'], unique=False)

    op.create_table('province_merger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_province', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('into_province', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('province_merger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_province_merger_from_province'), ['from_province'], unique=True)
        batch_op.create_index(batch_op.f('ix_province_merger_into_province'), ['into_province'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('province_merger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_province_merger_into_province'))
        batch_op.drop_index(batch_op.f('ix_province_merger_from_province'))
    op.drop_table('province_merger')
    with op.batch_alter_table('agency_succession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_succession_province'))
        batch_op.drop_index(batch_op.f('ix_agency_succession_from_code'))
    op.drop_table('agency_succession')
    with op.batch_alter_table('agency_group', schema=None) as batch_op:
        batch_op.drop_column('successor_code')
        batch_op.drop_column('valid_to')
        batch_op.drop_column('valid_from')
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('resolution')
        batch_op.drop_column('formed_from')
        batch_op.drop_column('commune_type')
