"""Pushes: push records, residents' topic subscriptions, outbox rows linked to their push

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pushes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('topic', sa.String(length=8), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('targets', sa.JSON(), nullable=False),
        sa.Column('started_by', sa.String(length=32), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('progress_chat_id', sa.BigInteger(), nullable=True),
        sa.Column('progress_message_id', sa.BigInteger(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pushes')),
    )
    op.create_index(op.f('ix_pushes_created_at'), 'pushes', ['created_at'])
    op.create_table(
        'subscriptions',
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=8), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], ondelete='CASCADE',
                                name=op.f('fk_subscriptions_resident_id_residents')),
        sa.PrimaryKeyConstraint('resident_id', 'topic', name=op.f('pk_subscriptions')),
    )
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('push_id', sa.Integer(), nullable=True))
        batch.create_index(op.f('ix_outbox_push_id'), ['push_id'])


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_index(op.f('ix_outbox_push_id'))
        batch.drop_column('push_id')
    op.drop_table('subscriptions')
    op.drop_index(op.f('ix_pushes_created_at'), table_name='pushes')
    op.drop_table('pushes')
