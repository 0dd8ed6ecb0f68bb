"""Policies added by staff (`cunshe policies add FILE.md`)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'policies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('target', sa.Text(), nullable=False),
        sa.Column('benefit', sa.Text(), nullable=False),
        sa.Column('documents', sa.Text(), nullable=False),
        sa.Column('apply', sa.Text(), nullable=False),
        sa.Column('issuer', sa.String(length=100), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('estates', sa.JSON(), nullable=False),
        sa.Column('keywords', sa.JSON(), nullable=False),
        sa.Column('min_age', sa.Integer(), nullable=True),
        sa.Column('max_age', sa.Integer(), nullable=True),
        sa.Column('added_by', sa.String(length=64), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policies')),
        sa.UniqueConstraint('code', name=op.f('uq_policies_code')),
    )


def downgrade() -> None:
    op.drop_table('policies')
