"""outbox: drop the indexes no query uses; the lease index holds only leased rows

Every outbox row was written into eight indexes. Three served no query: `status` alone (the
dispatcher's `ix_outbox_due` starts with it), `not_before` and `sent_at`. The lease index held a
NULL for every row never claimed; it now holds only the rows a worker is sending. A city-wide
warning writes a million rows: this took a quarter of PostgreSQL's time for it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = "0019"
branch_labels = None
depends_on = None

LEASED = sa.text("claimed_until IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status')
        batch_op.drop_index('ix_outbox_not_before')
        batch_op.drop_index('ix_outbox_sent_at')
        batch_op.drop_index('ix_outbox_claimed_until')
        batch_op.create_index('ix_outbox_claimed_until', ['claimed_until'], unique=False,
                              postgresql_where=LEASED, sqlite_where=LEASED)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_claimed_until')
        batch_op.create_index('ix_outbox_claimed_until', ['claimed_until'], unique=False)
        batch_op.create_index('ix_outbox_sent_at', ['sent_at'], unique=False)
        batch_op.create_index('ix_outbox_not_before', ['not_before'], unique=False)
        batch_op.create_index('ix_outbox_status', ['status'], unique=False)
