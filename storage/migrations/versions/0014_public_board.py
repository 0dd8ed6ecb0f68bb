"""公开之栏: notices, ledger lines, projects and project updates

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=80), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('estate', sa.String(length=32), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('by', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    )
    op.create_index(op.f('ix_notices_estate'), 'notices', ['estate'])
    op.create_index(op.f('ix_notices_published_at'), 'notices', ['published_at'])
    op.create_table(
        'ledger_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('purpose', sa.String(length=120), nullable=False),
        sa.Column('approver', sa.String(length=64), nullable=False),
        sa.Column('estate', sa.String(length=32), nullable=False),
        sa.Column('receipt_file_id', sa.String(length=256), nullable=True),
        sa.Column('entered_by', sa.String(length=32), nullable=False),
        sa.Column('entered_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_lines')),
    )
    op.create_index(op.f('ix_ledger_lines_day'), 'ledger_lines', ['day'])
    op.create_index(op.f('ix_ledger_lines_estate'), 'ledger_lines', ['estate'])
    op.create_table(
        'projects',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('estate', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('budget_fen', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    )
    op.create_index(op.f('ix_projects_estate'), 'projects', ['estate'])
    op.create_table(
        'project_updates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=True),
        sa.Column('by', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_project_updates_project_id_projects')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_updates')),
    )
    op.create_index(op.f('ix_project_updates_project_id'), 'project_updates', ['project_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_project_updates_project_id'), table_name='project_updates')
    op.drop_table('project_updates')
    op.drop_index(op.f('ix_projects_estate'), table_name='projects')
    op.drop_table('projects')
    op.drop_index(op.f('ix_ledger_lines_estate'), table_name='ledger_lines')
    op.drop_index(op.f('ix_ledger_lines_day'), table_name='ledger_lines')
    op.drop_table('ledger_lines')
    op.drop_index(op.f('ix_notices_published_at'), table_name='notices')
    op.drop_index(op.f('ix_notices_estate'), table_name='notices')
    op.drop_table('notices')
