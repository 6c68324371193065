"""intake: urgency life cycle (reason code and article of a decision, agreements' validity)

Revision ID: d4e7a1b2c3f5
Revises: c6f3a82521ff
Create Date: 2026-12-05 09:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import shared.db


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
    op.create_table('urgency_applications',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('candidate_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('applied_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('references_sealed', sa.Text(), nullable=True),
    sa.Column('applied_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('urgency_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_urgency_applications_candidate_id'),
                              ['candidate_id'], unique=False)
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
    op.drop_table('urgency_applications')
    with op.batch_alter_table('urgency_decisions') as batch:
        batch.drop_column('article')
        batch.drop_column('reason_code')
