"""家属代办 links belong to a community: the one their bookings were filed in

A link was filed under no community, so any staff member could decide it by a forged press and
街道/区/市 staff could not act in its community. Existing links are filled in from what is known:
the roster person it names (their community), else the booker's bookings for that relation (the
first made with or after the link), else any booking of the booker, else the booker's own
community, else the deployment's own (`default_community`, as in 0017).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = "0020"
branch_labels = None
depends_on = None

links = sa.table("beneficiary_links", sa.column("id"), sa.column("community"), sa.column("resident_id"),
                 sa.column("booker_user_id"), sa.column("relation"), sa.column("created_at"))
residents = sa.table("residents", sa.column("id"), sa.column("community"), sa.column("user_id"))
bookings = sa.table("bookings", sa.column("community"), sa.column("booker_user_id"), sa.column("relation"),
                    sa.column("created_at"))


def _default() -> str:
    config = op.get_context().config
    return str((config.attributes if config else {}).get("default_community") or "default")


def _sources() -> list[sa.ScalarSelect]:
    """Where each link's community can be read from, the surest first."""
    by_booker = bookings.c.booker_user_id == links.c.booker_user_id
    # A link "本人" (for oneself, not on the roster) goes with bookings of relation "".
    same_relation = bookings.c.relation == sa.case((links.c.relation == "本人", ""), else_=links.c.relation)
    return [
        sa.select(residents.c.community).where(residents.c.id == links.c.resident_id).scalar_subquery(),
        sa.select(bookings.c.community)
        .where(by_booker, same_relation, bookings.c.created_at >= links.c.created_at)
        .order_by(bookings.c.created_at).limit(1).scalar_subquery(),
        sa.select(bookings.c.community).where(by_booker).order_by(bookings.c.created_at).limit(1)
        .scalar_subquery(),
        sa.select(residents.c.community).where(residents.c.user_id == links.c.booker_user_id)
        .limit(1).scalar_subquery(),
    ]


def upgrade() -> None:
    with op.batch_alter_table("beneficiary_links") as batch:
        batch.add_column(sa.Column("community", sa.String(length=32), nullable=False, server_default=""))
    op.execute(links.update().values(community=sa.func.coalesce(*_sources(), _default())))
    with op.batch_alter_table("beneficiary_links") as batch:
        # The server default only served the rows already there; new rows say whose they are.
        batch.alter_column("community", server_default=None)
        batch.create_index(op.f("ix_beneficiary_links_community"), ["community"])


def downgrade() -> None:
    with op.batch_alter_table("beneficiary_links") as batch:
        batch.drop_index(op.f("ix_beneficiary_links_community"))
        batch.drop_column("community")
