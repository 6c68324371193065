"""woonzorgvisie imports, stapeling threshold of an agreement

Revision ID: d4e7a1c93b20
Revises: a29956721e61
Create Date: 2026-12-05 09:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import shared.db


revision = 'd4e7a1c93b20'
down_revision = 'a29956721e61'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('woonzorgvisie_imports',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('org', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('rates_import', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('imported_at', shared.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'org', 'version')
    )
    op.create_index(op.f('ix_woonzorgvisie_imports_kind'), 'woonzorgvisie_imports', ['kind'],
                    unique=False)
    with op.batch_alter_table('agreements') as batch:
        batch.add_column(sa.Column('stapeling_threshold', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agreements') as batch:
        batch.drop_column('stapeling_threshold')
    op.drop_index(op.f('ix_woonzorgvisie_imports_kind'), table_name='woonzorgvisie_imports')
    op.drop_table('woonzorgvisie_imports')
