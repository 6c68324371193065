"""merge the two intake heads: the person in the access log (sso) and the urgency life cycle

Both branches started from the initial revision; alembic refuses to upgrade to 'head' while
there are two, so intake (and with it `make run`) did not start.

Revision ID: e5a1c0d2f7b9
Revises: 7dbc971f6050, d4e7a1b2c3f5
Create Date: 2026-12-05 10:16:00
"""

revision = "e5a1c0d2f7b9"
down_revision = ("7dbc971f6050", "d4e7a1b2c3f5")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
