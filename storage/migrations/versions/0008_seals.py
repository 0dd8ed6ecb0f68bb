"""云盖章: certificate requests, certificates, decisions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'seal_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('template', sa.String(length=16), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('facts_enc', sa.LargeBinary(), nullable=False),
        sa.Column('requested_by', sa.String(length=32), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('decided_by', sa.String(length=32), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('reason_enc', sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seal_requests')),
        sa.UniqueConstraint('number', name=op.f('uq_seal_requests_number')),
    )
    op.create_index(op.f('ix_seal_requests_resident_id'), 'seal_requests', ['resident_id'])
    op.create_index(op.f('ix_seal_requests_status'), 'seal_requests', ['status'])
    op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('pdf_enc', sa.LargeBinary(), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('revoked', sa.Boolean(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_reason_enc', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['number'], ['seal_requests.number'],
                                name=op.f('fk_certificates_number_seal_requests')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
        sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
        sa.UniqueConstraint('number', name=op.f('uq_certificates_number')),
        sa.UniqueConstraint('sha256', name=op.f('uq_certificates_sha256')),
    )
    op.create_table(
        'seal_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('actor', sa.String(length=32), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seal_decisions')),
    )
    op.create_index(op.f('ix_seal_decisions_number'), 'seal_decisions', ['number'])


def downgrade() -> None:
    op.drop_index(op.f('ix_seal_decisions_number'), table_name='seal_decisions')
    op.drop_table('seal_decisions')
    op.drop_table('certificates')
    op.drop_index(op.f('ix_seal_requests_status'), table_name='seal_requests')
    op.drop_index(op.f('ix_seal_requests_resident_id'), table_name='seal_requests')
    op.drop_table('seal_requests')
