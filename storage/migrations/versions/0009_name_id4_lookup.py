"""家属代办: look a resident up by name + last 4 of the ID number

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filled for older rows by the app where the key is (bot/cli/common.py ready_app): not here.
    with op.batch_alter_table('residents') as batch:
        batch.add_column(sa.Column('name_id4_hash', sa.String(length=64), nullable=True))
        batch.create_index(op.f('ix_residents_name_id4_hash'), ['name_id4_hash'])


def downgrade() -> None:
    with op.batch_alter_table('residents') as batch:
        batch.drop_index(op.f('ix_residents_name_id4_hash'))
        batch.drop_column('name_id4_hash')
