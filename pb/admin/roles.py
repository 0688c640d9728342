"""People's roles: administrators give and take away roles, each scoped where it must be."""

from __future__ import annotations

from flask_babel import gettext as _

from pb import audit
from pb.admin import AdminError
from pb.admin.places import require_admin
from pb.errors import refuse
from pb.extensions import db
from pb.loaders import get_or_none
from pb.models import Organisation, Partnership, Role, RoleAssignment, User


def assign_role(actor: User, email: str, role: Role, partnership_id: int | None,
                organisation_id: int | None) -> RoleAssignment:
    require_admin(actor)
    user = User.by_email(email)
    if user is None:
        raise AdminError(field_errors={"email": _("No account has that email address. Ask the "
                                                "person to register first.")})
    scope = role.scope
    partnership_id = partnership_id if scope == "partnership" else None
    organisation_id = organisation_id if scope == "organisation" else None
    if scope == "partnership" and get_or_none(Partnership, partnership_id) is None:
        raise AdminError(field_errors={"partnership_id": _(
            "Choose the partnership this %(role)s works for.", role=role.label.lower())})
    if scope == "organisation" and get_or_none(Organisation, organisation_id) is None:
        raise AdminError(field_errors={"organisation_id": _("Choose the organisation this "
                                                          "grantee reports for.")})
    if user.has_role(role, partnership_id=partnership_id, organisation_id=organisation_id) and (
            scope or any(a.role == role for a in user.roles)):
        raise AdminError(field_errors={"role": _("That person already has that role.")})
    assignment = RoleAssignment(user=user, role=role, partnership_id=partnership_id,
                                organisation_id=organisation_id, granted_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    audit.record("role.assigned", assignment, after={
        "user_id": user.id, "role": role.value, "partnership_id": partnership_id,
        "organisation_id": organisation_id}, actor=actor)
    db.session.commit()
    return assignment


def revoke_role(actor: User, assignment: RoleAssignment) -> None:
    require_admin(actor)
    if assignment.user_id == actor.id and assignment.role == Role.ADMIN:
        # Someone must always be able to administer; another admin can do it.
        raise refuse(AdminError(_("You cannot remove your own administrator role.")))
    audit.record("role.revoked", assignment, before={
        "user_id": assignment.user_id, "role": assignment.role.value,
        "partnership_id": assignment.partnership_id,
        "organisation_id": assignment.organisation_id}, actor=actor)
    db.session.delete(assignment)
    db.session.commit()
