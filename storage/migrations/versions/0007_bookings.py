"""bookings and their slots

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per service slot: bookings take a place with a conditional UPDATE on it.
    op.create_table(
        'booking_slots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service', sa.String(length=16), nullable=False),
        sa.Column('start', sa.DateTime(), nullable=False),
        sa.Column('taken', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_slots')),
        sa.UniqueConstraint('service', 'start', name=op.f('uq_booking_slots_service')),
    )
    op.create_table(
        'bookings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('service', sa.String(length=16), nullable=False),
        sa.Column('start', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('booker_user_id', sa.BigInteger(), nullable=False),
        sa.Column('booker_chat_id', sa.BigInteger(), nullable=False),
        sa.Column('beneficiary_enc', sa.LargeBinary(), nullable=True),
        sa.Column('contact_enc', sa.LargeBinary(), nullable=True),
        sa.Column('relation', sa.String(length=16), nullable=False),
        sa.Column('beneficiary_id', sa.Integer(), nullable=True),
        sa.Column('unverified', sa.Boolean(), nullable=False),
        sa.Column('note_enc', sa.LargeBinary(), nullable=True),
        sa.Column('reason_enc', sa.LargeBinary(), nullable=True),
        sa.Column('staff_note_enc', sa.LargeBinary(), nullable=True),
        sa.Column('rating', sa.Integer(), nullable=True),
        sa.Column('comment_enc', sa.LargeBinary(), nullable=True),
        sa.Column('patience', sa.String(length=8), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['beneficiary_id'], ['residents.id'],
                                name=op.f('fk_bookings_beneficiary_id_residents'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
        sa.UniqueConstraint('key', name=op.f('uq_bookings_key')),
        sa.UniqueConstraint('number', name=op.f('uq_bookings_number')),
    )
    for column in ('service', 'start', 'status', 'booker_user_id', 'beneficiary_id'):
        op.create_index(op.f(f'ix_bookings_{column}'), 'bookings', [column], unique=False)
    # 家属代办: who said they book for whom, and whether staff or that person confirmed it.
    op.create_table(
        'beneficiary_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booker_user_id', sa.BigInteger(), nullable=False),
        sa.Column('booker_chat_id', sa.BigInteger(), nullable=False),
        sa.Column('name_enc', sa.LargeBinary(), nullable=True),
        sa.Column('contact_enc', sa.LargeBinary(), nullable=True),
        sa.Column('relation', sa.String(length=16), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('decided_by', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                                name=op.f('fk_beneficiary_links_resident_id_residents'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_beneficiary_links')),
    )
    op.create_index(op.f('ix_beneficiary_links_booker_user_id'), 'beneficiary_links',
                    ['booker_user_id'], unique=False)
    op.create_index(op.f('ix_beneficiary_links_resident_id'), 'beneficiary_links',
                    ['resident_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_beneficiary_links_resident_id'), table_name='beneficiary_links')
    op.drop_index(op.f('ix_beneficiary_links_booker_user_id'), table_name='beneficiary_links')
    op.drop_table('beneficiary_links')
    for column in ('service', 'start', 'status', 'booker_user_id', 'beneficiary_id'):
        op.drop_index(op.f(f'ix_bookings_{column}'), table_name='bookings')
    op.drop_table('bookings')
    op.drop_table('booking_slots')
