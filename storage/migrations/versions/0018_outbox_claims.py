"""outbox claims: a worker leases the rows it is sending; a shared rate budget

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        # Which worker process is sending the row, and until when its lease runs (renewed while
        # it sends; a killed worker's rows are taken by another once the lease has run out).
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_outbox_claimed_until', ['claimed_until'], unique=False)
    # The deployment's Telegram budget (one row per limiter), shared by every worker process.
    op.create_table(
        'rate_budget',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('tokens', sa.Float(), nullable=False),
        sa.Column('at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_rate_budget')),
    )


def downgrade() -> None:
    op.drop_table('rate_budget')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_claimed_until')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
