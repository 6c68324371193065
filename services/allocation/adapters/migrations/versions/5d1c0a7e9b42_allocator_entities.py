"""allocator entities: one row per entity of the aggregate instead of one document

Revision ID: 5d1c0a7e9b42
Revises: 8be8aed65f73
Create Date: 2026-12-05 12:40:00
"""
import json

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '5d1c0a7e9b42'
down_revision = '8be8aed65f73'
branch_labels = None
depends_on = None

_COMPACT = json.JSONEncoder(separators=(",", ":")).encode


def upgrade() -> None:
    entities = op.create_table('allocator_entities',
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'kind', 'key')
    )
    # the documents written so far become records (same bodies as `domain.stored` writes)
    rows = op.get_bind().execute(sa.text("SELECT scope, state FROM allocator_state")).all()
    records = [record for scope, state in rows for record in _records(scope, json.loads(state))]
    if records:
        op.bulk_insert(entities, records)
    with op.batch_alter_table('allocator_state') as batch:
        batch.drop_column('state')


def _records(scope: str, document: dict) -> list[dict]:
    keys = {"municipalities": "code", "agreements": "period", "candidates": "id",
            "vacancies": "id", "externalLettings": "vacancyId", "proposals": "id",
            "placements": "id"}
    records, seq = [], 0
    for kind, key_field in keys.items():
        for item in document[kind]:
            seq += 1
            records.append({"scope": scope, "kind": kind, "key": item[key_field],
                            "seq": seq, "body": _COMPACT(item)})
    for vacancy_id, ids in document["attempts"].items():
        seq += 1
        records.append({"scope": scope, "kind": "attempts", "key": vacancy_id, "seq": seq,
                        "body": _COMPACT(ids)})
    for entry in document["ledger"]:
        seq += 1
        records.append({"scope": scope, "kind": "ledger", "key": entry[0], "seq": seq,
                        "body": _COMPACT(entry)})
    return records


def downgrade() -> None:
    with op.batch_alter_table('allocator_state') as batch:
        batch.add_column(sa.Column('state', sa.Text(), nullable=False, server_default='{}'))
    op.drop_table('allocator_entities')
