"""intake: merge the two heads main gained (urgency life cycle, portal person in the access
log); no schema change

Revision ID: e5a9c0d1b2f3
Revises: 7dbc971f6050, d4e7a1b2c3f5
Create Date: 2026-12-05 10:20:00
"""

revision = 'e5a9c0d1b2f3'
down_revision = ('7dbc971f6050', 'd4e7a1b2c3f5')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
