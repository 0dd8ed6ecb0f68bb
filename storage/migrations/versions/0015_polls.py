"""线上表决 (polls, voters apart from ballots) and 物业评价 / 业委会评价 (monthly ratings)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'polls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('estate', sa.String(length=16), nullable=True),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_by', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_polls')),
    )
    op.create_index(op.f('ix_polls_status'), 'polls', ['status'])
    # Who voted (one row per household: the primary key is the one-vote rule) …
    op.create_table(
        'poll_voters',
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('voter_hash', sa.String(length=64), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=True),
        sa.Column('voted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_voters_poll_id_polls')),
        sa.PrimaryKeyConstraint('poll_id', 'voter_hash', name=op.f('pk_poll_voters')),
    )
    # … apart from what was voted (another keyed hash of the household, no time, no chat).
    op.create_table(
        'poll_ballots',
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('ballot_hash', sa.String(length=64), nullable=False),
        sa.Column('option', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_ballots_poll_id_polls')),
        sa.PrimaryKeyConstraint('poll_id', 'ballot_hash', name=op.f('pk_poll_ballots')),
    )
    op.create_table(
        'ratings',
        sa.Column('rater_hash', sa.String(length=64), nullable=False),
        sa.Column('target', sa.String(length=16), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('estate', sa.String(length=16), nullable=False),
        sa.Column('stars', sa.Integer(), nullable=False),
        sa.Column('comment_enc', sa.LargeBinary(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('rater_hash', 'target', 'month', name=op.f('pk_ratings')),
    )
    op.create_index(op.f('ix_ratings_estate'), 'ratings', ['estate'])


def downgrade() -> None:
    op.drop_index(op.f('ix_ratings_estate'), table_name='ratings')
    op.drop_table('ratings')
    op.drop_table('poll_ballots')
    op.drop_table('poll_voters')
    op.drop_index(op.f('ix_polls_status'), table_name='polls')
    op.drop_table('polls')
