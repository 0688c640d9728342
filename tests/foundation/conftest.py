"""Names kept for test_accounts.py and test_admin.py until they move to the shared
vocabulary (they belong to the vote-integrity work): new tests use the ``sign_in``
fixture from tests/conftest.py and the helpers in tests/web.py."""

from __future__ import annotations

from tests.factories import PASSWORD
from tests.web import form_fields, links_in, mail_to, signed_in

__all__ = ["form_fields", "links_in", "mail_to", "sign_in", "signed_in"]


def sign_in(client, email: str, password: str = PASSWORD, **kwargs):
    """Transitional: the ``sign_in`` fixture does this (and checks the outcome)."""
    return client.post("/account/login", data={"email": email, "password": password}, **kwargs)
