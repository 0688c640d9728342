"""equality monitoring answers, kept apart from ballots

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('equality_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('context', sa.String(length=20), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=True),
    sa.Column('sex', sa.String(length=20), nullable=True),
    sa.Column('gender_same_as_birth', sa.String(length=20), nullable=True),
    sa.Column('ethnicity', sa.String(length=40), nullable=True),
    sa.Column('disability', sa.String(length=20), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_equality_responses_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_equality_responses_ward_id_wards'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equality_responses'))
    )
    with op.batch_alter_table('equality_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equality_responses_context'), ['context'], unique=False)
        batch_op.create_index(batch_op.f('ix_equality_responses_round_id'), ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('equality_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equality_responses_round_id'))
        batch_op.drop_index(batch_op.f('ix_equality_responses_context'))
    op.drop_table('equality_responses')
