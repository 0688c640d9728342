"""scrutiny: ward populations and the area's population profile

Revision ID: 0009_scrutiny
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_scrutiny'
down_revision = '0011'  # re-chained at merge: after the round constraints
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('wards', sa.Column('population', sa.Integer(), nullable=True))
    op.create_table('area_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.CheckConstraint('population >= 0', name=op.f('ck_area_profiles_profile_not_negative')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_area_profiles_area_id_areas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area_profiles')),
    sa.UniqueConstraint('area_id', 'field', 'category', name=op.f('uq_area_profiles_area_id_field_category'))
    )
    with op.batch_alter_table('area_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_profiles_area_id'), ['area_id'], unique=False)


def downgrade():
    with op.batch_alter_table('area_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_profiles_area_id'))
    op.drop_table('area_profiles')
    _drop_column('wards', 'population')


def _drop_column(table, column):
    # In place on SQLite too (3.35+): a batch rebuild would cascade-delete child rows
    # (rebuilding rounds would take every ballot with it); see 0006_vote_integrity.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)
