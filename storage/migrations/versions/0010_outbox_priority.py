"""outbox priority: answers, personal notices, bulk pushes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        # 0 answer, 1 personal notice (every existing row), 2 bulk push.
        batch_op.add_column(sa.Column('priority', sa.SmallInteger(), server_default='1',
                                      nullable=False))
        # The dispatcher reads pending rows by priority, then age.
        batch_op.create_index('ix_outbox_due', ['status', 'priority', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')
        batch_op.drop_column('priority')
