"""vote integrity: one counted ballot per person across channels; sessions that sign-out
revokes; idempotency keys; code guesses throttled per device and code prefix

Revision ID: 0004_integrity
Revises: 0003

Self-contained: it only adds tables, columns and indexes, so the lead can re-chain it
after any other branch's migration.
"""
from alembic import op
import sqlalchemy as sa

revision = '0004_integrity'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submissions',
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_submissions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_submissions'))
    )
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('voters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_voters_user_id_users'), 'users', ['user_id'], ['id'], ondelete='SET NULL')
    # Existing voters: an account's own slot names it; a code used while signed in names
    # the account too, unless that account already has a slot in the round (such a pair
    # is the double ballot this migration's constraint now prevents; both stay counted
    # and should be reviewed by the partnership).
    op.execute("UPDATE voters SET user_id = CAST(substr(voter_key, 6) AS INTEGER) "
               "WHERE voter_key LIKE 'user:%'")
    op.execute("UPDATE voters SET user_id = (SELECT c.used_by_user_id FROM voting_codes c "
               "WHERE 'code:' || c.id = voters.voter_key) "
               "WHERE voter_key LIKE 'code:%' AND NOT EXISTS (SELECT 1 FROM voters v2, voting_codes c2 "
               "WHERE 'code:' || c2.id = voters.voter_key AND v2.round_id = voters.round_id "
               "AND v2.user_id = c2.used_by_user_id)")
    with op.batch_alter_table('voters', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_voters_round_id_user_id'), ['round_id', 'user_id'])

    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('facts_hash', sa.String(length=64), nullable=True))
        batch_op.create_index('uq_ballots_counted_facts', ['round_id', 'facts_hash'], unique=True, sqlite_where=sa.text("status = 'counted' AND facts_hash IS NOT NULL"), postgresql_where=sa.text("status = 'counted' AND facts_hash IS NOT NULL"))

    with op.batch_alter_table('round_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('override_exceptions_json', sa.Text(), nullable=True))

    with op.batch_alter_table('voting_code_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('prefix', sa.String(length=4), nullable=True))
        batch_op.create_index('ix_voting_code_attempts_device_at', ['device_id', 'attempted_at'], unique=False)
        batch_op.create_index('ix_voting_code_attempts_prefix_at', ['prefix', 'attempted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('voting_code_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_voting_code_attempts_prefix_at')
        batch_op.drop_index('ix_voting_code_attempts_device_at')
        batch_op.drop_column('prefix')
        batch_op.drop_column('device_id')

    with op.batch_alter_table('round_results', schema=None) as batch_op:
        batch_op.drop_column('override_exceptions_json')

    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index('uq_ballots_counted_facts', sqlite_where=sa.text("status = 'counted' AND facts_hash IS NOT NULL"), postgresql_where=sa.text("status = 'counted' AND facts_hash IS NOT NULL"))
        batch_op.drop_column('facts_hash')
        batch_op.drop_column('superseded_reason')

    with op.batch_alter_table('voters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_voters_round_id_user_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_voters_user_id_users'), type_='foreignkey')
        batch_op.drop_column('user_id')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
    op.drop_table('submissions')
