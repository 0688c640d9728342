"""carry-overs: a ward's leftover from a certified round whose leftovers roll over, owed to
the ward's budget in a later round of the same area until an officer adds it there.
One new table, so it re-chains easily at merge.

Revision ID: 0014_carry_overs
Revises: 0013_public_pages
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_carry_overs'
down_revision = '0013_public_pages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ward_carry_overs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_round_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('into_round_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_ward_carry_overs_carry_over_positive')),
    sa.CheckConstraint('into_round_id IS NULL OR into_round_id <> from_round_id', name=op.f('ck_ward_carry_overs_carry_over_into_another_round')),
    sa.ForeignKeyConstraint(['from_round_id'], ['rounds.id'], name=op.f('fk_ward_carry_overs_from_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['into_round_id'], ['rounds.id'], name=op.f('fk_ward_carry_overs_into_round_id_rounds'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_ward_carry_overs_ward_id_wards')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_ward_carry_overs_added_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ward_carry_overs')),
    sa.UniqueConstraint('from_round_id', 'ward_id', name=op.f('uq_ward_carry_overs_from_round_id_ward_id'))
    )
    with op.batch_alter_table('ward_carry_overs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ward_carry_overs_from_round_id'), ['from_round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ward_carry_overs_into_round_id'), ['into_round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ward_carry_overs_ward_id'), ['ward_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ward_carry_overs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ward_carry_overs_ward_id'))
        batch_op.drop_index(batch_op.f('ix_ward_carry_overs_into_round_id'))
        batch_op.drop_index(batch_op.f('ix_ward_carry_overs_from_round_id'))
    op.drop_table('ward_carry_overs')
