"""The XSS corpus (G7) shared by tests/trust (test client) and tests/browser (Chromium):
payloads, and a check of a page's HTML for anything a payload could have injected."""

from __future__ import annotations

from html.parser import HTMLParser

# Each vector runs X, which becomes ``alert(N)`` with the payload's own number, so a browser
# can count (and name) any that ran.
VECTORS = [
    "<script>X</script>",
    "<ScRiPt>X</sCrIpT>",
    "<scr<script>ipt>X</script>",
    "<script src=data:,X></script>",
    "<img src=x onerror=X>",
    '<img src="x" onerror="X">',
    "<svg onload=X>",
    "<svg><script>X</script></svg>",
    "<body onload=X>",
    '<iframe src="javascript:X"></iframe>',
    '<iframe srcdoc="<script>X</script>"></iframe>',
    '<a href="javascript:X">click me</a>',
    "[click me](javascript:X)",
    "<details open ontoggle=X>",
    "<input autofocus onfocus=X>",
    "<video><source onerror=X></video>",
    "<math><mtext><table><mglyph><style><img src=x onerror=X>",
    '<object data="javascript:X"></object>',
    '<embed src="javascript:X">',
    '<form action="javascript:X"><button>go</button></form>',
    '<button formaction="javascript:X">go</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:X">',
    '<base href="javascript:X//">',
    '<div hx-get="/" hx-trigger="load" hx-on::after-request="X">x</div>',
    '<div hx-on:click="X" data-hx-on:load="X">x</div>',
    "<marquee onstart=X>",
    "<select autofocus onfocus=X>",
    '<noscript><p title="</noscript><img src=x onerror=X>">',
    "{{constructor.constructor('X')()}}",
    "javascript:X",
    "<style>@import 'javascript:X';</style>",
    "<isindex type=image src=1 onerror=X>",
]
BREAKOUTS = ["", '">', "'>", "</title></textarea>", "--></script>"]


def payloads() -> list[str]:
    """Every vector after every breakout, each numbered: 160 payloads."""
    corpus = []
    for breakout in BREAKOUTS:
        for vector in VECTORS:
            corpus.append(breakout + vector.replace("X", f"alert({len(corpus) + 1})"))
    return corpus


DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "isindex", "marquee", "math", "frame",
                  "frameset", "applet", "style", "video", "source"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"}


class _Injected(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.found.append(f"<script> {attributes}")
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for name, value in attrs:
            if name.startswith(("on", "hx-on", "data-hx-on")):
                self.found.append(f"<{tag} {name}=...>")
            text = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name in URL_ATTRIBUTES and text.startswith(("javascript:", "data:text/html",
                                                           "vbscript:")):
                self.found.append(f"<{tag} {name}={value!r}>")


def injected(html: str, payloads_shown: list[str] = ()) -> list[str]:
    """What in ``html`` a payload could have put there: script, handlers, script URLs,
    dangerous elements, or any payload holding markup written out unescaped."""
    parser = _Injected()
    parser.feed(html)
    parser.close()
    found = parser.found
    found += [f"unescaped: {p[:40]}" for p in payloads_shown if "<" in p and p in html]
    return found
