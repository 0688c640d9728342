"""Text residents type: Markdown turned into HTML that is safe to show anyone, and
plain text cleaned of control characters.

markdown-it-py renders with raw HTML switched off, then nh3 (the Rust ammonia
sanitiser) keeps a strict allowlist: no scripts, no event handlers, no style, no
hx-* or data-* attributes, and links only to http(s) and mailto addresses.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# Residents' headings sit under the page's own h1/h2.
_markdown.disable(["image"])


def _shift_headings(html: str) -> str:
    for level in (4, 3, 2, 1):
        target = min(level + 1, 4)
        html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>",
                                                                    f"</h{target}>")
    return html


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown source -> sanitised HTML (a plain string, stored with the proposal)."""
    return sanitise_html(_shift_headings(_markdown.render(text or "")))


def safe_html(stored_html: str) -> Markup:
    """Stored description HTML for a template, sanitised again on the way out."""
    # Waiver for bandit B704: this is the sanitiser module; the HTML has just been through nh3.
    return Markup(sanitise_html(stored_html or ""))  # nosec B704


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str | None) -> str:
    """Typed text without control characters (PostgreSQL refuses NUL) or outer spaces."""
    return _CONTROL.sub("", text or "").strip()
