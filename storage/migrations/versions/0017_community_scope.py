"""Every record belongs to a community (村社): a `community` column on each record table

Rows written before this belong to the deployment's own community: `cunshe db upgrade` and
the bot pass its code (config.yaml's community.code) as the `default_community` attribute.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = "0016"
branch_labels = None
depends_on = None

TABLES = (
    "residents", "staff", "reports", "pushes", "shelters", "alerts", "notices", "ledger_lines",
    "projects", "booking_slots", "bookings", "policies", "polls", "ratings", "seal_requests",
    "certificates", "volunteers", "volunteer_tasks", "help_requests",
)


def _default() -> str:
    config = op.get_context().config
    return str((config.attributes if config else {}).get("default_community") or "default")


def upgrade() -> None:
    code = _default()
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("community", sa.String(length=32), nullable=False,
                                       server_default=code))
        with op.batch_alter_table(table) as batch:
            # The server default only fills the rows already there; new rows say whose they are.
            batch.alter_column("community", server_default=None)
            batch.create_index(op.f(f"ix_{table}_community"), ["community"])
    # Codes and slots are unique within a community now, not across the city.
    with op.batch_alter_table("booking_slots") as batch:
        batch.drop_constraint("uq_booking_slots_service", type_="unique")
        batch.create_unique_constraint("uq_booking_slots_community", ["community", "service", "start"])
    with op.batch_alter_table("shelters") as batch:
        batch.drop_constraint("uq_shelters_code", type_="unique")
        batch.create_unique_constraint("uq_shelters_community", ["community", "code"])
    with op.batch_alter_table("policies") as batch:
        batch.drop_constraint("uq_policies_code", type_="unique")
        batch.create_unique_constraint("uq_policies_community", ["community", "code"])


def downgrade() -> None:
    with op.batch_alter_table("policies") as batch:
        batch.drop_constraint("uq_policies_community", type_="unique")
        batch.create_unique_constraint("uq_policies_code", ["code"])
    with op.batch_alter_table("shelters") as batch:
        batch.drop_constraint("uq_shelters_community", type_="unique")
        batch.create_unique_constraint("uq_shelters_code", ["code"])
    with op.batch_alter_table("booking_slots") as batch:
        batch.drop_constraint("uq_booking_slots_community", type_="unique")
        batch.create_unique_constraint("uq_booking_slots_service", ["service", "start"])
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f"ix_{table}_community"))
            batch.drop_column("community")
