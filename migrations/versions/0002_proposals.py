"""proposals: budget lines, outcomes, versions, status history, supports, documents

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_proposal_budget_lines_amount_positive')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_budget_lines_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_budget_lines'))
    )
    with op.batch_alter_table('proposal_budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_budget_lines_proposal_id'), ['proposal_id'], unique=False)
    op.create_table('proposal_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('original_name', sa.String(length=160), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_documents_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_proposal_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_proposal_documents_stored_name'))
    )
    with op.batch_alter_table('proposal_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_documents_proposal_id'), ['proposal_id'], unique=False)
    op.create_table('proposal_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_outcomes_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_outcomes')),
    sa.UniqueConstraint('proposal_id', 'code', name=op.f('uq_proposal_outcomes_proposal_id_code'))
    )
    with op.batch_alter_table('proposal_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_outcomes_proposal_id'), ['proposal_id'], unique=False)
    op.create_table('proposal_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_as', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_proposal_status_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_status_changes_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_status_changes'))
    )
    with op.batch_alter_table('proposal_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_status_changes_proposal_id'), ['proposal_id'], unique=False)
    op.create_table('proposal_supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_supports_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proposal_supports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_supports')),
    sa.UniqueConstraint('proposal_id', 'user_id', name=op.f('uq_proposal_supports_proposal_id_user_id'))
    )
    with op.batch_alter_table('proposal_supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_supports_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_supports_user_id'), ['user_id'], unique=False)
    op.create_table('proposal_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_as', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_proposal_versions_changed_by_id_users')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_versions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_versions')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_proposal_versions_proposal_id_number'))
    )
    with op.batch_alter_table('proposal_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_versions_proposal_id'), ['proposal_id'], unique=False)
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_html', sa.Text(), nullable=False))
        batch_op.add_column(sa.Column('outcomes_other', sa.String(length=200), nullable=False))
        batch_op.add_column(sa.Column('delivered_by', sa.String(length=200), nullable=False))
        batch_op.add_column(sa.Column('status_reason', sa.Text(), nullable=False))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('entered_on_behalf_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('paper_proposer_name', sa.String(length=80), nullable=False))
        batch_op.add_column(sa.Column('paper_proposer_contact', sa.String(length=200), nullable=False))
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_proposals_idempotency_key'), ['idempotency_key'])
        batch_op.create_foreign_key(batch_op.f('fk_proposals_merged_into_id_proposals'), 'proposals', ['merged_into_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_proposals_entered_on_behalf_by_id_users'), 'users', ['entered_on_behalf_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_entered_on_behalf_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_proposals_merged_into_id_proposals'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_proposals_idempotency_key'), type_='unique')
        batch_op.drop_column('idempotency_key')
        batch_op.drop_column('paper_proposer_contact')
        batch_op.drop_column('paper_proposer_name')
        batch_op.drop_column('entered_on_behalf_by_id')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('status_reason')
        batch_op.drop_column('delivered_by')
        batch_op.drop_column('outcomes_other')
        batch_op.drop_column('description_html')
    with op.batch_alter_table('proposal_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_versions_proposal_id'))
    op.drop_table('proposal_versions')
    with op.batch_alter_table('proposal_supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_supports_user_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_supports_proposal_id'))
    op.drop_table('proposal_supports')
    with op.batch_alter_table('proposal_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_status_changes_proposal_id'))
    op.drop_table('proposal_status_changes')
    with op.batch_alter_table('proposal_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_outcomes_proposal_id'))
    op.drop_table('proposal_outcomes')
    with op.batch_alter_table('proposal_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_documents_proposal_id'))
    op.drop_table('proposal_documents')
    with op.batch_alter_table('proposal_budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_budget_lines_proposal_id'))
    op.drop_table('proposal_budget_lines')
