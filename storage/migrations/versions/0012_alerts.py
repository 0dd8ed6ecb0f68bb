"""预警: shelters, alerts, residents' last shared locations

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'shelters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('address', sa.String(length=200), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('open', sa.Boolean(), nullable=False),
        sa.Column('area', sa.String(length=100), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shelters')),
        sa.UniqueConstraint('code', name=op.f('uq_shelters_code')),
    )
    op.create_table(
        'alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=4), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('cap_identifier', sa.String(length=200), nullable=True),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
        sa.UniqueConstraint('cap_identifier', name=op.f('uq_alerts_cap_identifier')),
    )
    op.create_table(
        'resident_locations',
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('point_enc', sa.LargeBinary(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], ondelete='CASCADE',
                                name=op.f('fk_resident_locations_resident_id_residents')),
        sa.PrimaryKeyConstraint('resident_id', name=op.f('pk_resident_locations')),
    )


def downgrade() -> None:
    op.drop_table('resident_locations')
    op.drop_table('alerts')
    op.drop_table('shelters')
