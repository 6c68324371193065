"""intake: urgency life cycle (reason code and article of a decision, agreements' validity)

Revision ID: d4e7a1b2c3f5
Revises: c6f3a82521ff
Create Date: 2026-12-05 09:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'd4e7a1b2c3f5'
down_revision = 'c6f3a82521ff'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('urgency_decisions') as batch:
        batch.add_column(sa.Column('reason_code', sqlmodel.sql.sqltypes.AutoString(length=40),
                                   nullable=True))
        batch.add_column(sa.Column('article', sqlmodel.sql.sqltypes.AutoString(length=80),
                                   nullable=True))
    op.create_table('agreements',
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('municipalities', sa.JSON(), nullable=False),
    sa.Column('validity_days', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'period')
    )


def downgrade() -> None:
    op.drop_table('agreements')
    with op.batch_alter_table('urgency_decisions') as batch:
        batch.drop_column('article')
        batch.drop_column('reason_code')
