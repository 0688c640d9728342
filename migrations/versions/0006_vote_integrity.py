"""vote integrity: one counted ballot per person across channels; sessions that sign-out
revokes; idempotency keys; code guesses throttled per device and code prefix

The upgrade adds tables, columns and indexes in place and rebuilds no table: on SQLite
(foreign keys on) batch mode's copy-and-drop of a parent table would cascade-delete its
children, e.g. every ballot when voters is rebuilt.

Revision ID: 0006
Revises: 0005

Self-contained: it only adds tables, columns and indexes, so the lead can re-chain it
after any other branch's migration.
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
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
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'], unique=False)

    # No table is rebuilt here: on SQLite (foreign keys on) dropping the old copy of
    # voters would cascade-delete every ballot. Columns are added in place and the
    # uniqueness is an index.
    op.add_column('voters', sa.Column('user_id', sa.Integer(), nullable=True))
    # Existing voters: an account's own slot names it; a code used while signed in names
    # the account too, unless that account already has a slot in the round (such a pair
    # is the double ballot this migration's index now prevents; both stay counted and
    # the partnership should review them).
    op.execute("UPDATE voters SET user_id = CAST(substr(voter_key, 6) AS INTEGER) "
               "WHERE voter_key LIKE 'user:%'")
    op.execute("UPDATE voters SET user_id = (SELECT c.used_by_user_id FROM voting_codes c "
               "WHERE 'code:' || c.id = voters.voter_key) "
               "WHERE voter_key LIKE 'code:%' AND NOT EXISTS (SELECT 1 FROM voters v2, voting_codes c2 "
               "WHERE 'code:' || c2.id = voters.voter_key AND v2.round_id = voters.round_id "
               "AND v2.user_id = c2.used_by_user_id)")
    op.create_index('uq_voters_round_user', 'voters', ['round_id', 'user_id'], unique=True)

    op.add_column('ballots', sa.Column('superseded_reason', sa.String(length=20), nullable=True))
    op.add_column('ballots', sa.Column('facts_hash', sa.String(length=64), nullable=True))
    op.create_index('uq_ballots_counted_facts', 'ballots', ['round_id', 'facts_hash'], unique=True, sqlite_where=sa.text("status = 'counted' AND facts_hash IS NOT NULL"), postgresql_where=sa.text("status = 'counted' AND facts_hash IS NOT NULL"))

    op.add_column('round_results', sa.Column('override_exceptions_json', sa.Text(), nullable=True))

    op.add_column('voting_code_attempts', sa.Column('device_id', sa.String(length=32), nullable=True))
    op.add_column('voting_code_attempts', sa.Column('prefix', sa.String(length=4), nullable=True))
    op.create_index('ix_voting_code_attempts_device_at', 'voting_code_attempts', ['device_id', 'attempted_at'], unique=False)
    op.create_index('ix_voting_code_attempts_prefix_at', 'voting_code_attempts', ['prefix', 'attempted_at'], unique=False)


def _drop_column(table, column):
    # In place on SQLite too (3.35+): a batch rebuild would cascade-delete child rows.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade():
    op.drop_index('ix_voting_code_attempts_prefix_at', table_name='voting_code_attempts')
    op.drop_index('ix_voting_code_attempts_device_at', table_name='voting_code_attempts')
    _drop_column('voting_code_attempts', 'prefix')
    _drop_column('voting_code_attempts', 'device_id')
    _drop_column('round_results', 'override_exceptions_json')
    op.drop_index('uq_ballots_counted_facts', table_name='ballots')
    _drop_column('ballots', 'facts_hash')
    _drop_column('ballots', 'superseded_reason')
    op.drop_index('uq_voters_round_user', table_name='voters')
    _drop_column('voters', 'user_id')
    op.drop_index(op.f('ix_user_sessions_user_id'), table_name='user_sessions')
    op.drop_table('user_sessions')
    op.drop_table('submissions')
