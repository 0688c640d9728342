"""voting and results: voters, ballots, voting codes, round results

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voting_code_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voting_code_attempts'))
    )
    with op.batch_alter_table('voting_code_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_voting_code_attempts_ip_at', ['ip_address', 'attempted_at'], unique=False)
    op.create_table('round_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('tie_break', sa.String(length=40), nullable=False),
    sa.Column('inputs_hash', sa.String(length=64), nullable=False),
    sa.Column('ballots_counted', sa.Integer(), nullable=False),
    sa.Column('budget_pence', sa.Integer(), nullable=False),
    sa.Column('outcome_json', sa.Text(), nullable=False),
    sa.Column('tallied_at', sa.DateTime(), nullable=False),
    sa.Column('tallied_by_id', sa.Integer(), nullable=True),
    sa.Column('override_selected_json', sa.Text(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('override_by_id', sa.Integer(), nullable=True),
    sa.Column('certified_at', sa.DateTime(), nullable=True),
    sa.Column('certified_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['certified_by_id'], ['users.id'], name=op.f('fk_round_results_certified_by_id_users')),
    sa.ForeignKeyConstraint(['override_by_id'], ['users.id'], name=op.f('fk_round_results_override_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_results_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tallied_by_id'], ['users.id'], name=op.f('fk_round_results_tallied_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_results')),
    sa.UniqueConstraint('round_id', name=op.f('uq_round_results_round_id'))
    )
    op.create_table('voters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_voters_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_voters_ward_id_wards'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voters')),
    sa.UniqueConstraint('round_id', 'voter_key', name=op.f('uq_voters_round_id_voter_key'))
    )
    with op.batch_alter_table('voters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voters_round_id'), ['round_id'], unique=False)
    op.create_table('voting_code_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_voting_code_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_voting_code_batches_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voting_code_batches'))
    )
    with op.batch_alter_table('voting_code_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voting_code_batches_round_id'), ['round_id'], unique=False)
    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('receipt_hash', sa.String(length=64), nullable=False),
    sa.Column('other_ward_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('cast_at', sa.DateTime(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_ballots_entered_by_id_users')),
    sa.ForeignKeyConstraint(['other_ward_id'], ['wards.id'], name=op.f('fk_ballots_other_ward_id_wards'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_ballots_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_id'], ['voters.id'], name=op.f('fk_ballots_voter_id_voters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('receipt_hash', name=op.f('uq_ballots_receipt_hash'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_cast_at'), ['cast_at'], unique=False)
        batch_op.create_index('ix_ballots_round_status', ['round_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_ballots_voter_id'), ['voter_id'], unique=False)
        batch_op.create_index('uq_ballots_counted_voter', ['voter_id'], unique=True, sqlite_where=sa.text("status = 'counted'"), postgresql_where=sa.text("status = 'counted'"))
    op.create_table('voting_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('used_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['voting_code_batches.id'], name=op.f('fk_voting_codes_batch_id_voting_code_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_voting_codes_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by_user_id'], ['users.id'], name=op.f('fk_voting_codes_used_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voting_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_voting_codes_code_hash'))
    )
    with op.batch_alter_table('voting_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voting_codes_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voting_codes_round_id'), ['round_id'], unique=False)
    op.create_table('ballot_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_choices_ballot_id_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_ballot_choices_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_choices')),
    sa.UniqueConstraint('ballot_id', 'proposal_id', name=op.f('uq_ballot_choices_ballot_id_proposal_id'))
    )
    with op.batch_alter_table('ballot_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_choices_ballot_id'), ['ballot_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ballot_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_choices_ballot_id'))
    op.drop_table('ballot_choices')
    with op.batch_alter_table('voting_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voting_codes_round_id'))
        batch_op.drop_index(batch_op.f('ix_voting_codes_batch_id'))
    op.drop_table('voting_codes')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index('uq_ballots_counted_voter', sqlite_where=sa.text("status = 'counted'"), postgresql_where=sa.text("status = 'counted'"))
        batch_op.drop_index(batch_op.f('ix_ballots_voter_id'))
        batch_op.drop_index('ix_ballots_round_status')
        batch_op.drop_index(batch_op.f('ix_ballots_cast_at'))
    op.drop_table('ballots')
    with op.batch_alter_table('voting_code_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voting_code_batches_round_id'))
    op.drop_table('voting_code_batches')
    with op.batch_alter_table('voters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voters_round_id'))
    op.drop_table('voters')
    op.drop_table('round_results')
    with op.batch_alter_table('voting_code_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_voting_code_attempts_ip_at')
    op.drop_table('voting_code_attempts')
