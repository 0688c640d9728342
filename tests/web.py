"""What tests read from pages and emails: the form a browser would submit, the links
in an email, whether a client is signed in."""

from __future__ import annotations

import re
from html.parser import HTMLParser

LINK_RE = re.compile(r"https?://[^/\s]+(/\S+)")


def signed_in(client) -> bool:
    """Whether the client's session reaches the account page."""
    return client.get("/account/").status_code == 200


def links_in(message) -> list[str]:
    """The paths of every link in an email."""
    return LINK_RE.findall(message.get_content())


def mail_to(outbox, address: str):
    """The last email sent to ``address`` (the test fails if there is none)."""
    found = [m for m in outbox if m["To"] == address]
    assert found, f"no email to {address}; sent: {[m['To'] for m in outbox]}"
    return found[-1]


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action"), "method": attrs.get("method", "get"),
                          "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            self._input(attrs)
        elif tag == "select":
            self._select = {"name": attrs.get("name"), "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"] = value
        elif tag == "textarea":
            self._textarea = [attrs.get("name"), ""]

    def _input(self, attrs):
        kind = attrs.get("type", "text")
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        if kind in ("submit", "button", "file"):
            return
        self._form["fields"].append((attrs["name"], attrs.get("value") or
                                     ("y" if kind == "checkbox" else "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            self._form["fields"].append(
                (self._select["name"], chosen if chosen is not None else self._select["first"]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            self._form["fields"].append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None


def form_fields(html: str, index: int = -1, containing: str | None = None) -> dict:
    """The values a browser would submit from a page's form, as a dict.

    ``containing`` picks the first POST form with a field of that name; otherwise the
    POST form at ``index``.
    """
    parser = _FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms if f["method"].lower() == "post"]
    if containing:
        forms = [f for f in forms if any(name == containing for name, _ in f["fields"])]
        index = 0
    assert forms, "no matching form on the page"
    return dict(forms[index]["fields"])
