"""performance: covering indexes for the city-scale pages — the receipts list (counted
ballots of a round in fingerprint order, paged) and turnout (each voter's first ballot).
Indexes only (no table is rebuilt), so it is self-contained for re-chaining at merge.

Revision ID: 0012_performance
Revises: 0008
"""
from alembic import op

revision = '0012_performance'
down_revision = '0009b_round_interests'  # re-chained at merge
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ballots_round_status_receipt', 'ballots',
                    ['round_id', 'status', 'receipt_hash'])
    op.create_index('ix_ballots_round_voter_cast', 'ballots',
                    ['round_id', 'voter_id', 'cast_at'])


def downgrade():
    op.drop_index('ix_ballots_round_voter_cast', table_name='ballots')
    op.drop_index('ix_ballots_round_status_receipt', table_name='ballots')
