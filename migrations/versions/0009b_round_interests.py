"""scrutiny: interests declared in a round by its officers, event staff and grant officers

Revision ID: 0009b_round_interests
Revises: 0009_scrutiny
"""
from alembic import op
import sqlalchemy as sa

revision = '0009b_round_interests'
down_revision = '0009_scrutiny'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('round_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nature', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_interests_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_round_interests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_interests'))
    )
    with op.batch_alter_table('round_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_interests_round_id'), ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('round_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_interests_round_id'))
    op.drop_table('round_interests')
