"""decision days: events, agenda, staff on duty, kiosk tablets, check-ins, paper ballots
keyed twice, and recorded reasons to count with paper pending. New tables only (no
existing table is rebuilt), so it is self-contained for re-chaining at merge.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('accessibility', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('uses_tablets', sa.Boolean(), nullable=False),
    sa.Column('uses_paper', sa.Boolean(), nullable=False),
    sa.Column('pitch_minutes', sa.Integer(), nullable=False),
    sa.Column('paper_received', sa.Integer(), nullable=False),
    sa.Column('totals_hidden', sa.Boolean(), nullable=False),
    sa.Column('revealed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_events_created_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_events_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_events_ward_id_wards'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_round_id'), ['round_id'], unique=False)

    op.create_table('paper_waivers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('pending_json', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_paper_waivers_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_paper_waivers_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_waivers'))
    )
    with op.batch_alter_table('paper_waivers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_waivers_round_id'), ['round_id'], unique=False)

    op.create_table('event_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_projects_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_event_projects_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_projects')),
    sa.UniqueConstraint('event_id', 'number', name=op.f('uq_event_projects_event_id_number')),
    sa.UniqueConstraint('event_id', 'proposal_id', name=op.f('uq_event_projects_event_id_proposal_id'))
    )
    with op.batch_alter_table('event_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_projects_event_id'), ['event_id'], unique=False)

    op.create_table('event_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_event_staff_added_by_id_users')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_staff_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_staff_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_staff')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_staff_event_id_user_id'))
    )
    with op.batch_alter_table('event_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_staff_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_staff_user_id'), ['user_id'], unique=False)

    op.create_table('kiosk_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('link_hash', sa.String(length=64), nullable=False),
    sa.Column('enrol_expires_at', sa.DateTime(), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(), nullable=True),
    sa.Column('secret_hash', sa.String(length=64), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_kiosk_devices_created_by_id_users')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_kiosk_devices_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk_devices')),
    sa.UniqueConstraint('link_hash', name=op.f('uq_kiosk_devices_link_hash')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_kiosk_devices_secret_hash'))
    )
    with op.batch_alter_table('kiosk_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_devices_event_id'), ['event_id'], unique=False)

    op.create_table('event_check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('age_band', sa.String(length=12), nullable=False),
    sa.Column('details_hash', sa.String(length=64), nullable=False),
    sa.Column('facts_hash', sa.String(length=64), nullable=True),
    sa.Column('handed', sa.String(length=12), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_event_check_ins_checked_in_by_id_users')),
    sa.ForeignKeyConstraint(['code_id'], ['voting_codes.id'], name=op.f('fk_event_check_ins_code_id_voting_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_check_ins_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_event_check_ins_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_event_check_ins_ward_id_wards'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_check_ins')),
    sa.UniqueConstraint('code_id', name=op.f('uq_event_check_ins_code_id'))
    )
    with op.batch_alter_table('event_check_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_check_ins_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_event_check_ins_round_details', ['round_id', 'details_hash'], unique=False)

    op.create_table('event_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_event_votes_ballot_id_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['device_id'], ['kiosk_devices.id'], name=op.f('fk_event_votes_device_id_kiosk_devices'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_votes_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_votes')),
    sa.UniqueConstraint('ballot_id', name=op.f('uq_event_votes_ballot_id'))
    )
    with op.batch_alter_table('event_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_votes_event_id'), ['event_id'], unique=False)

    op.create_table('paper_ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('code_tail', sa.String(length=4), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('spoilt_reason', sa.Text(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('ballot_id', sa.Integer(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_paper_ballots_ballot_id_ballots'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['code_id'], ['voting_codes.id'], name=op.f('fk_paper_ballots_code_id_voting_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_paper_ballots_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_paper_ballots_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_ballots')),
    sa.UniqueConstraint('code_id', name=op.f('uq_paper_ballots_code_id'))
    )
    with op.batch_alter_table('paper_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_ballots_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_ballots_status'), ['status'], unique=False)

    op.create_table('paper_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('paper_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('choices_json', sa.Text(), nullable=True),
    sa.Column('spoilt_reason', sa.Text(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_paper_entries_entered_by_id_users')),
    sa.ForeignKeyConstraint(['paper_id'], ['paper_ballots.id'], name=op.f('fk_paper_entries_paper_id_paper_ballots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_entries')),
    sa.UniqueConstraint('paper_id', 'entered_by_id', name=op.f('uq_paper_entries_paper_id_entered_by_id')),
    sa.UniqueConstraint('paper_id', 'sequence', name=op.f('uq_paper_entries_paper_id_sequence'))
    )
    with op.batch_alter_table('paper_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_entries_paper_id'), ['paper_id'], unique=False)



def downgrade():
    with op.batch_alter_table('paper_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_entries_paper_id'))

    op.drop_table('paper_entries')
    with op.batch_alter_table('paper_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_ballots_status'))
        batch_op.drop_index(batch_op.f('ix_paper_ballots_event_id'))

    op.drop_table('paper_ballots')
    with op.batch_alter_table('event_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_votes_event_id'))

    op.drop_table('event_votes')
    with op.batch_alter_table('event_check_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_event_check_ins_round_details')
        batch_op.drop_index(batch_op.f('ix_event_check_ins_event_id'))

    op.drop_table('event_check_ins')
    with op.batch_alter_table('kiosk_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_devices_event_id'))

    op.drop_table('kiosk_devices')
    with op.batch_alter_table('event_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_staff_event_id'))

    op.drop_table('event_staff')
    with op.batch_alter_table('event_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_projects_event_id'))

    op.drop_table('event_projects')
    with op.batch_alter_table('paper_waivers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_waivers_round_id'))

    op.drop_table('paper_waivers')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_round_id'))

    op.drop_table('events')
