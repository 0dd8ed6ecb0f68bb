"""Staff by level: 街道/区/市 staff (level, the 街道 or 区 they reach, read-only accounts)

Their rows belong to no one community (community "*"); a 村社's own staff keep level "".

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("level", sa.String(length=8), nullable=False, server_default=""))
        batch.add_column(sa.Column("reach", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("read_only", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("read_only")
        batch.drop_column("reach")
        batch.drop_column("level")
