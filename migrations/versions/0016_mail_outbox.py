"""mail outbox: receipt emails are written with the ballot, in its transaction, and
sent (then deleted) by a worker (issue 15 item 2).

Revision ID: 0016_mail_outbox
Revises: 0015_voter_keys
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_mail_outbox'
down_revision = '0015_voter_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_emails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outbox_emails_next_attempt_at', 'outbox_emails', ['next_attempt_at'])


def downgrade():
    op.drop_index('ix_outbox_emails_next_attempt_at', table_name='outbox_emails')
    op.drop_table('outbox_emails')
