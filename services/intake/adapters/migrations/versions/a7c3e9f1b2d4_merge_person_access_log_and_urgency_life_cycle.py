"""merge: the access log's person columns and the urgency life cycle (made side by side)

Revision ID: a7c3e9f1b2d4
Revises: 7dbc971f6050, d4e7a1b2c3f5
Create Date: 2026-12-05 10:15:00
"""

revision = 'a7c3e9f1b2d4'
down_revision = ('7dbc971f6050', 'd4e7a1b2c3f5')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # both branches change different tables: nothing to reconcile


def downgrade() -> None:
    pass
