"""outbox delivery states and unreachable chats

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
import storage.models


revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='pending',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_outbox_status'), ['status'], unique=False)
    # Rows the old dispatcher gave up on (8 attempts) were silently dropped: keep them as failed.
    op.execute("UPDATE outbox SET status = 'sent' WHERE sent_at IS NOT NULL")
    op.execute("UPDATE outbox SET status = 'failed' WHERE sent_at IS NULL AND attempts >= 8")
    op.create_table(
        'unreachable_chats',
        sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('since', storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('chat_id', name=op.f('pk_unreachable_chats')),
    )


def downgrade() -> None:
    op.drop_table('unreachable_chats')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_status'))
        batch_op.drop_column('status')
