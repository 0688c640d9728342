"""The description sanitiser against a list of XSS payloads."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from pb.extensions import db
from pb.proposals.markup import render_markdown, safe_html
from tests.factories import proposal_with_lines

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=javascript:alert('XSS')>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "<div hx-get=\"/account\" hx-trigger=\"load\">x</div>",
    "<p data-hx-post=\"/x\">x</p>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"x.swf\"></object>",
    "<form action=\"https://evil.example\"><button>go</button></form>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
    "`<script>alert(1)</script>`",
    "<!--<script>alert(1)</script>-->",
    "<<script>script>alert(1)<</script>/script>",
    "\"><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
]

ALLOWED = {"p", "br", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre",
           "h2", "h3", "h4", "hr"}


class _Elements(HTMLParser):
    """Every real element and attribute in a piece of HTML (escaped text is not one)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def dangerous(html: str) -> list[str]:
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag not in ALLOWED:
            problems.append(f"tag {tag}")
        for name, value in attrs.items():
            if tag == "a" and name in ("href", "rel"):
                scheme = re.match(r"\s*([a-z][a-z0-9+.-]*):", (value or "").lower())
                if name == "href" and scheme and scheme.group(1) not in ("http", "https",
                                                                           "mailto"):
                    problems.append(f"href {value}")
                continue
            problems.append(f"attribute {name} on {tag}")
    return problems


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload):
    html = render_markdown(payload)
    assert dangerous(html) == [], html
    assert dangerous(str(safe_html(html))) == [], html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_stored_raw_is_cleaned_again_on_output(payload):
    # Even HTML that reached the database some other way is sanitised when shown.
    assert dangerous(str(safe_html(payload))) == []


def test_the_checker_itself_catches_danger():
    assert dangerous('<img src=x onerror="alert(1)">')
    assert dangerous('<a href="javascript:alert(1)">x</a>')
    assert dangerous('<p hx-get="/x">x</p>')
    assert dangerous('<p style="color:red">x</p>')


def test_ordinary_markdown_survives():
    html = render_markdown("# Our café\n\n**Every** *Tuesday*:\n\n- tea\n- cake\n\n"
                           "[Our website](https://hurdsfield.example.org)")
    assert "<h2>Our café</h2>" in html
    assert "<strong>Every</strong>" in html and "<em>Tuesday</em>" in html
    assert "<li>tea</li>" in html
    assert 'href="https://hurdsfield.example.org"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


def test_detail_page_shows_sanitised_description(client, neighbourhood):
    proposal = proposal_with_lines(neighbourhood.rounds["proposals"], "Safe Page",
                                   [("Hall", 600_00)])
    proposal.description = "<img src=x onerror=alert(1)> **bold**"
    proposal.description_html = "<img src=x onerror=alert(1)><p><strong>bold</strong></p>"
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "onerror" not in page
    assert "<strong>bold</strong>" in page
