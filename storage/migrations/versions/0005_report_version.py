"""report version (optimistic locking), follower ratings, note visibility

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follower_ratings', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('report_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_public', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('report_changes', schema=None) as batch_op:
        batch_op.drop_column('note_public')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('follower_ratings')
