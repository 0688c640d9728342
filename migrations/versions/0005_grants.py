"""grants: programmes (KPIs, unit costs), grants, agreements, tranches, adjustments,
funding lines, savings, corrections, interests, monitoring returns and their reviews,
evidence documents, reminders

Revision ID: 0005
Revises: 0004

Self-contained: it only creates the grants area's tables (the lead re-chains
``down_revision`` at merge).
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('funder', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('budget_pence', sa.Integer(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.Column('savings_method', sa.Text(), nullable=False),
    sa.Column('ratio_note', sa.Text(), nullable=False),
    sa.Column('outcome_codes_json', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('budget_pence >= 0', name=op.f('ck_programmes_budget_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_programmes_created_by_id_users')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_programmes_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('name', name=op.f('uq_programmes_name'))
    )
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programmes_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('programme_kpis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('aggregation', sa.String(length=10), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_kpis_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_kpis')),
    sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_programme_kpis_programme_id_code'))
    )
    with op.batch_alter_table('programme_kpis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_kpis_programme_id'), ['programme_id'], unique=False)

    op.create_table('programme_rounds',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_rounds_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_programme_rounds_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'round_id', name=op.f('pk_programme_rounds'))
    )
    op.create_table('programme_unit_costs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('cost_pence', sa.Integer(), nullable=False),
    sa.Column('beneficiary', sa.String(length=80), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('cost_pence > 0', name=op.f('ck_programme_unit_costs_unit_cost_positive')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_unit_costs_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_unit_costs')),
    sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_programme_unit_costs_programme_id_code'))
    )
    with op.batch_alter_table('programme_unit_costs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_unit_costs_programme_id'), ['programme_id'], unique=False)

    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('delivered_by', sa.String(length=200), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('award_date', sa.Date(), nullable=False),
    sa.Column('outcome_codes_json', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('report_every_months', sa.Integer(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('set_up_by_id', sa.Integer(), nullable=True),
    sa.Column('agreement_issued_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_name', sa.String(length=120), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=False),
    sa.Column('withdrawn_reason', sa.Text(), nullable=False),
    sa.Column('rag_override', sa.String(length=5), nullable=True),
    sa.Column('rag_override_reason', sa.Text(), nullable=False),
    sa.Column('rag_override_by_id', sa.Integer(), nullable=True),
    sa.Column('rag_override_at', sa.DateTime(), nullable=True),
    sa.Column('rag_override_until', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_grants_amount_not_negative')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_grants_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_grants_area_id_areas')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_grants_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_grants_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_grants_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_grants_partnership_id_partnerships')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_grants_programme_id_programmes')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_grants_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['rag_override_by_id'], ['users.id'], name=op.f('fk_grants_rag_override_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_grants_round_id_rounds')),
    sa.ForeignKeyConstraint(['set_up_by_id'], ['users.id'], name=op.f('fk_grants_set_up_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_grants_proposal_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_grants_reference'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_status'), ['status'], unique=False)

    op.create_table('grant_budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('planned_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint('planned_pence >= 0', name=op.f('ck_grant_budget_lines_planned_not_negative')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_budget_lines_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_budget_lines'))
    )
    with op.batch_alter_table('grant_budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_budget_lines_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_funding_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('route', sa.String(length=30), nullable=False),
    sa.Column('source_name', sa.String(length=120), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_funding_lines_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_funding_lines'))
    )
    with op.batch_alter_table('grant_funding_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_funding_lines_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nature', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_interests_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_grant_interests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_interests'))
    )
    with op.batch_alter_table('grant_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_interests_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_kpi_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_kpi_targets_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kpi_id'], ['programme_kpis.id'], name=op.f('fk_grant_kpi_targets_kpi_id_programme_kpis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_kpi_targets')),
    sa.UniqueConstraint('grant_id', 'kpi_id', name=op.f('uq_grant_kpi_targets_grant_id_kpi_id'))
    )
    with op.batch_alter_table('grant_kpi_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_kpi_targets_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=True),
    sa.Column('met_recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_milestones_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['met_recorded_by_id'], ['users.id'], name=op.f('fk_grant_milestones_met_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_milestones'))
    )
    with op.batch_alter_table('grant_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_milestones_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('is_final', sa.Boolean(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('draft_json', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=True),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('public_update', sa.Text(), nullable=False),
    sa.Column('case_study', sa.Text(), nullable=False),
    sa.Column('first_submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_cycle', sa.Integer(), nullable=False),
    sa.Column('resubmit_by', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_returns_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_grant_returns_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_grant_returns_saved_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_grant_returns_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_returns')),
    sa.UniqueConstraint('grant_id', 'number', name=op.f('uq_grant_returns_grant_id_number'))
    )
    with op.batch_alter_table('grant_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_returns_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_returns_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_returns_status'), ['status'], unique=False)

    op.create_table('grant_savings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('unit_cost_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_grant_savings_saving_not_negative')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_savings_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_grant_savings_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['unit_cost_id'], ['programme_unit_costs.id'], name=op.f('fk_grant_savings_unit_cost_id_programme_unit_costs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_savings'))
    )
    with op.batch_alter_table('grant_savings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_savings_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_themes',
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_themes_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_grant_themes_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('grant_id', 'theme_id', name=op.f('pk_grant_themes'))
    )
    op.create_table('grant_tranches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('condition', sa.String(length=20), nullable=False),
    sa.Column('condition_number', sa.Integer(), nullable=True),
    sa.Column('condition_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('paid_pence', sa.Integer(), nullable=True),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.Column('released_at', sa.DateTime(), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('payment_reference', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_grant_tranches_tranche_positive')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_tranches_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_grant_tranches_released_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_tranches'))
    )
    with op.batch_alter_table('grant_tranches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_tranches_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_wards',
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_wards_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_grant_wards_ward_id_wards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('grant_id', 'ward_id', name=op.f('pk_grant_wards'))
    )
    op.create_table('grant_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('tranche_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_grant_adjustments_adjustment_positive')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_adjustments_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_grant_adjustments_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['tranche_id'], ['grant_tranches.id'], name=op.f('fk_grant_adjustments_tranche_id_grant_tranches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_adjustments'))
    )
    with op.batch_alter_table('grant_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_adjustments_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=True),
    sa.Column('budget_line_id', sa.Integer(), nullable=True),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['budget_line_id'], ['grant_budget_lines.id'], name=op.f('fk_grant_corrections_budget_line_id_grant_budget_lines')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_corrections_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kpi_id'], ['programme_kpis.id'], name=op.f('fk_grant_corrections_kpi_id_programme_kpis')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_grant_corrections_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_corrections'))
    )
    with op.batch_alter_table('grant_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_corrections_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=True),
    sa.Column('budget_line_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('original_name', sa.String(length=160), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=200), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['budget_line_id'], ['grant_budget_lines.id'], name=op.f('fk_grant_documents_budget_line_id_grant_budget_lines'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_documents_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['return_id'], ['grant_returns.id'], name=op.f('fk_grant_documents_return_id_grant_returns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_grant_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_grant_documents_stored_name'))
    )
    with op.batch_alter_table('grant_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_documents_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_documents_return_id'), ['return_id'], unique=False)

    op.create_table('grant_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['return_id'], ['grant_returns.id'], name=op.f('fk_grant_reminders_return_id_grant_returns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_reminders')),
    sa.UniqueConstraint('return_id', 'kind', name=op.f('uq_grant_reminders_return_id_kind'))
    )
    with op.batch_alter_table('grant_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_reminders_return_id'), ['return_id'], unique=False)

    op.create_table('return_kpi_actuals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_return_kpi_actuals_kpi_value_not_negative')),
    sa.ForeignKeyConstraint(['kpi_id'], ['programme_kpis.id'], name=op.f('fk_return_kpi_actuals_kpi_id_programme_kpis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['return_id'], ['grant_returns.id'], name=op.f('fk_return_kpi_actuals_return_id_grant_returns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_kpi_actuals')),
    sa.UniqueConstraint('return_id', 'kpi_id', name=op.f('uq_return_kpi_actuals_return_id_kpi_id'))
    )
    with op.batch_alter_table('return_kpi_actuals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_kpi_actuals_return_id'), ['return_id'], unique=False)

    op.create_table('return_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['return_id'], ['grant_returns.id'], name=op.f('fk_return_outcomes_return_id_grant_returns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_return_outcomes_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_outcomes')),
    sa.UniqueConstraint('return_id', 'code', name=op.f('uq_return_outcomes_return_id_code'))
    )
    with op.batch_alter_table('return_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_outcomes_return_id'), ['return_id'], unique=False)

    op.create_table('return_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=120), nullable=False),
    sa.Column('ward_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_return_people_people_not_negative')),
    sa.ForeignKeyConstraint(['return_id'], ['grant_returns.id'], name=op.f('fk_return_people_return_id_grant_returns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_id'], ['wards.id'], name=op.f('fk_return_people_ward_id_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_people')),
    sa.UniqueConstraint('return_id', 'dimension', 'category', name=op.f('uq_return_people_return_id_dimension_category'))
    )
    with op.batch_alter_table('return_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_people_return_id'), ['return_id'], unique=False)

    op.create_table('return_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['return_id'], ['grant_returns.id'], name=op.f('fk_return_reviews_return_id_grant_returns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_return_reviews_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_reviews'))
    )
    with op.batch_alter_table('return_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_reviews_return_id'), ['return_id'], unique=False)

    op.create_table('return_spend',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('budget_line_id', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_return_spend_spend_not_negative')),
    sa.ForeignKeyConstraint(['budget_line_id'], ['grant_budget_lines.id'], name=op.f('fk_return_spend_budget_line_id_grant_budget_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['return_id'], ['grant_returns.id'], name=op.f('fk_return_spend_return_id_grant_returns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_spend')),
    sa.UniqueConstraint('return_id', 'budget_line_id', name=op.f('uq_return_spend_return_id_budget_line_id'))
    )
    with op.batch_alter_table('return_spend', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_spend_return_id'), ['return_id'], unique=False)



def downgrade():
    with op.batch_alter_table('return_spend', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_spend_return_id'))

    op.drop_table('return_spend')
    with op.batch_alter_table('return_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_reviews_return_id'))

    op.drop_table('return_reviews')
    with op.batch_alter_table('return_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_people_return_id'))

    op.drop_table('return_people')
    with op.batch_alter_table('return_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_outcomes_return_id'))

    op.drop_table('return_outcomes')
    with op.batch_alter_table('return_kpi_actuals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_kpi_actuals_return_id'))

    op.drop_table('return_kpi_actuals')
    with op.batch_alter_table('grant_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_reminders_return_id'))

    op.drop_table('grant_reminders')
    with op.batch_alter_table('grant_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_documents_return_id'))
        batch_op.drop_index(batch_op.f('ix_grant_documents_grant_id'))

    op.drop_table('grant_documents')
    with op.batch_alter_table('grant_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_corrections_grant_id'))

    op.drop_table('grant_corrections')
    with op.batch_alter_table('grant_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_adjustments_grant_id'))

    op.drop_table('grant_adjustments')
    op.drop_table('grant_wards')
    with op.batch_alter_table('grant_tranches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_tranches_grant_id'))

    op.drop_table('grant_tranches')
    op.drop_table('grant_themes')
    with op.batch_alter_table('grant_savings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_savings_grant_id'))

    op.drop_table('grant_savings')
    with op.batch_alter_table('grant_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_returns_status'))
        batch_op.drop_index(batch_op.f('ix_grant_returns_grant_id'))
        batch_op.drop_index(batch_op.f('ix_grant_returns_due_date'))

    op.drop_table('grant_returns')
    with op.batch_alter_table('grant_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_milestones_grant_id'))

    op.drop_table('grant_milestones')
    with op.batch_alter_table('grant_kpi_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_kpi_targets_grant_id'))

    op.drop_table('grant_kpi_targets')
    with op.batch_alter_table('grant_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_interests_grant_id'))

    op.drop_table('grant_interests')
    with op.batch_alter_table('grant_funding_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_funding_lines_grant_id'))

    op.drop_table('grant_funding_lines')
    with op.batch_alter_table('grant_budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_budget_lines_grant_id'))

    op.drop_table('grant_budget_lines')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_status'))
        batch_op.drop_index(batch_op.f('ix_grants_round_id'))
        batch_op.drop_index(batch_op.f('ix_grants_programme_id'))
        batch_op.drop_index(batch_op.f('ix_grants_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_grants_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_grants_area_id'))

    op.drop_table('grants')
    with op.batch_alter_table('programme_unit_costs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_unit_costs_programme_id'))

    op.drop_table('programme_unit_costs')
    op.drop_table('programme_rounds')
    with op.batch_alter_table('programme_kpis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_kpis_programme_id'))

    op.drop_table('programme_kpis')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programmes_partnership_id'))

    op.drop_table('programmes')
