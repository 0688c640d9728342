"""public pages: the administrator-edited text of the accessibility statement, contact,
cookies and terms pages and of the partnership's part of the privacy notice. One new
table, so it re-chains easily at merge.

Revision ID: 0013_public_pages
Revises: 0012_performance
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_public_pages'
down_revision = '0012_performance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_public_pages_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_pages')),
    sa.UniqueConstraint('slug', name=op.f('uq_public_pages_slug'))
    )


def downgrade():
    op.drop_table('public_pages')
