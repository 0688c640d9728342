"""voter keys: voters keep keyed hashes of the account or code that voted, never the
plain ids (ballot secrecy at rest, issue 14 item 8). ``user_id`` becomes
``account_key`` (keyed, unique per round: one slot per account) and ``account_ref``
(the id masked, for the server's emails); ballots' form keys (submissions) lose their
account. Existing rows are re-keyed with the app's
voter-key secret; only UPDATEs, ADD/DROP COLUMN and index changes, so SQLite rebuilds
no table (a rebuild of voters would cascade-delete the ballots).

Revision ID: 0015_voter_keys
Revises: 0014_carry_overs
"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from pb.voting import keys

revision = '0015_voter_keys'
down_revision = '0014_carry_overs'
branch_labels = None
depends_on = None

_KINDS = ("user", "code")


def _plain(voter_key):
    """("user", 42) for "user:42", else None (keys of another form are left as they are)."""
    kind, _sep, ident = (voter_key or "").partition(":")
    return (kind, int(ident)) if kind in _KINDS and ident.isdigit() else None


def upgrade():
    op.add_column('voters', sa.Column('account_key', sa.String(length=40), nullable=True))
    op.add_column('voters', sa.Column('account_ref', sa.String(length=16), nullable=True))
    conn = op.get_bind()
    secret = keys.secret(current_app.config)
    updates = []
    for id_, round_id, voter_key, user_id in conn.execute(sa.text(
            "SELECT id, round_id, voter_key, user_id FROM voters")).all():
        plain = _plain(voter_key)
        new_key = keys.voter_key(round_id, *plain, secret) if plain else voter_key
        updates.append({"id": id_, "voter_key": new_key,
                        "account_key": None if user_id is None
                        else keys.account_key(round_id, user_id, secret),
                        "account_ref": None if user_id is None
                        else keys.account_ref(round_id, new_key, user_id, secret)})
    if updates:
        conn.execute(sa.text("UPDATE voters SET voter_key = :voter_key, account_key = "
                             ":account_key, account_ref = :account_ref WHERE id = :id"), updates)
    op.drop_index('uq_voters_round_user', table_name='voters')
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not batch mode's table rebuild.
    op.execute("ALTER TABLE voters DROP COLUMN user_id")
    op.create_index('uq_voters_round_account', 'voters', ['round_id', 'account_key'],
                    unique=True)
    # A ballot's form key no longer names the account either (pb.voting.casting).
    op.execute("UPDATE submissions SET user_id = NULL WHERE action = 'ballot.cast'")


def _code_keys(conn, secret):
    """{(round id, keyed code key): code id} for every voting code."""
    return {(round_id, keys.code_key(round_id, code_id, secret)): code_id
            for code_id, round_id in conn.execute(sa.text(
                "SELECT id, round_id FROM voting_codes")).all()}


def downgrade():
    """Back to plain ids, with the same secret (the server can link; see pb.voting.keys)."""
    op.add_column('voters', sa.Column('user_id', sa.Integer(), nullable=True))
    conn = op.get_bind()
    secret = keys.secret(current_app.config)
    by_code = _code_keys(conn, secret)
    updates = []
    for id_, round_id, voter_key, channel, ref in conn.execute(sa.text(
            "SELECT id, round_id, voter_key, channel, account_ref FROM voters")).all():
        user_id = keys.account_of(round_id, voter_key, ref, secret)
        plain = voter_key
        if (round_id, voter_key) in by_code:
            plain = f"code:{by_code[(round_id, voter_key)]}"
        elif channel == "account" and user_id is not None \
                and voter_key == keys.voter_key(round_id, "user", user_id, secret):
            plain = f"user:{user_id}"
        elif voter_key.startswith(keys.PREFIX):
            raise RuntimeError(
                f"voter {id_} has a key this server's VOTER_KEY_SECRET did not make: "
                "downgrading needs the secret the keys were made with (irreversible "
                "otherwise).")
        updates.append({"id": id_, "voter_key": plain, "user_id": user_id})
    if updates:
        conn.execute(sa.text("UPDATE voters SET voter_key = :voter_key, user_id = :user_id "
                             "WHERE id = :id"), updates)
    op.drop_index('uq_voters_round_account', table_name='voters')
    op.execute("ALTER TABLE voters DROP COLUMN account_ref")
    op.execute("ALTER TABLE voters DROP COLUMN account_key")
    op.create_index('uq_voters_round_user', 'voters', ['round_id', 'user_id'], unique=True)
