"""round constraints: what a ward's leftover does, minimum support (votes or share of
voters), caps and reserves per theme; the stored comparison of rules on a result.
Additive only (new columns and one new table), so it re-chains easily at merge.

Revision ID: 0011
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ward_leftover', sa.String(length=20),
                                      server_default='returned', nullable=False))
        batch_op.add_column(sa.Column('min_support_votes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('min_support_percent', sa.Integer(), nullable=True))
    with op.batch_alter_table('round_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comparison_json', sa.Text(), nullable=True))
    op.create_table('round_theme_limits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('cap_pence', sa.Integer(), nullable=True),
    sa.Column('reserve_pence', sa.Integer(), nullable=True),
    sa.CheckConstraint('cap_pence IS NULL OR cap_pence >= 0', name=op.f('ck_round_theme_limits_theme_cap_not_negative')),
    sa.CheckConstraint('reserve_pence IS NULL OR reserve_pence >= 0', name=op.f('ck_round_theme_limits_theme_reserve_not_negative')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_theme_limits_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_round_theme_limits_theme_id_themes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_theme_limits')),
    sa.UniqueConstraint('round_id', 'theme_id', name=op.f('uq_round_theme_limits_round_id_theme_id'))
    )
    with op.batch_alter_table('round_theme_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_theme_limits_round_id'), ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('round_theme_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_theme_limits_round_id'))
    op.drop_table('round_theme_limits')
    _drop_column('round_results', 'comparison_json')
    _drop_column('rounds', 'min_support_percent')
    _drop_column('rounds', 'min_support_votes')
    _drop_column('rounds', 'ward_leftover')


def _drop_column(table, column):
    # In place on SQLite too (3.35+): a batch rebuild would cascade-delete child rows
    # (rebuilding rounds would take every ballot with it); see 0006_vote_integrity.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)
