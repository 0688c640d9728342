"""The demo partnership's contact page: its phone number, address and email (made up)."""

from __future__ import annotations

from pb.models import User
from pb.pages import services
from pb.pages.defaults import CONTACT, unwrap

CONTACT_DETAILS = """\
The Macclesfield Community Health Partnership runs participatory budgeting in
Macclesfield.

- Email: [partnership@demo.pb.localhost](mailto:partnership@demo.pb.localhost)
- Phone: 0306 999 0142 (Monday to Friday, 9am to 5pm; on decision days, 9am to 3pm)
- Post: Macclesfield Community Health Partnership, Community Hub, 1 Silk Street,
  Macclesfield SK10 1AA

"""


def seed(area, partnership, rounds) -> None:
    """Replace the built-in contact text with the demo partnership's details, once."""
    if services.saved("contact") is not None:
        return
    from pb.demo import ACCOUNTS

    admin = User.by_email(ACCOUNTS[0].email)
    services.save_page(admin, "contact", "Contact us", unwrap(CONTACT_DETAILS + CONTACT))
