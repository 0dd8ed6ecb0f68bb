"""Volunteers: sign-ups, tasks with places, attendance, help requests (求助)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'volunteers',
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('skills_enc', sa.LargeBinary(), nullable=True),
        sa.Column('times', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('joined_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                                name=op.f('fk_volunteers_resident_id_residents'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('resident_id', name=op.f('pk_volunteers')),
    )
    op.create_index(op.f('ix_volunteers_user_id'), 'volunteers', ['user_id'])
    op.create_table(
        'volunteer_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title_enc', sa.LargeBinary(), nullable=True),
        sa.Column('start', sa.DateTime(), nullable=False),
        sa.Column('hours', sa.Float(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('taken', sa.Integer(), nullable=False),
        sa.Column('skill', sa.String(length=32), nullable=False),
        sa.Column('estate', sa.String(length=16), nullable=False),
        sa.Column('grid', sa.String(length=16), nullable=True),
        sa.Column('help_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('posted_by', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_tasks')),
    )
    op.create_index(op.f('ix_volunteer_tasks_start'), 'volunteer_tasks', ['start'])
    op.create_table(
        'volunteer_signups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attended', sa.Boolean(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['volunteer_tasks.id'],
                                name=op.f('fk_volunteer_signups_task_id_volunteer_tasks'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                                name=op.f('fk_volunteer_signups_resident_id_residents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_signups')),
        sa.UniqueConstraint('task_id', 'resident_id', name=op.f('uq_volunteer_signups_task_id')),
    )
    op.create_index(op.f('ix_volunteer_signups_resident_id'), 'volunteer_signups', ['resident_id'])
    op.create_table(
        'help_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=True),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('text_enc', sa.LargeBinary(), nullable=True),
        sa.Column('estate', sa.String(length=16), nullable=False),
        sa.Column('grid', sa.String(length=16), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                                name=op.f('fk_help_requests_resident_id_residents'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_help_requests')),
    )
    op.create_index(op.f('ix_help_requests_resident_id'), 'help_requests', ['resident_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_help_requests_resident_id'), table_name='help_requests')
    op.drop_table('help_requests')
    op.drop_index(op.f('ix_volunteer_signups_resident_id'), table_name='volunteer_signups')
    op.drop_table('volunteer_signups')
    op.drop_index(op.f('ix_volunteer_tasks_start'), table_name='volunteer_tasks')
    op.drop_table('volunteer_tasks')
    op.drop_index(op.f('ix_volunteers_user_id'), table_name='volunteers')
    op.drop_table('volunteers')
