"""axe-core in every browser journey: each page state a journey acts on is audited.

axe-core 4.14.1 is vendored in ``tests/browser/vendor/axe-core/`` (from npm, with its
MPL-2.0 licence); it is never fetched at run time. It is evaluated into the page through
the DevTools protocol, so pb's Content Security Policy stays as it is.

*When* a page is audited: just before the journey acts on it (``goto``, ``click``,
``fill``, ``press``, ``check``, ``select_option``…), if the document has not been audited
since it loaded or since htmx last settled a swap into it, and once more at the end of the
test. So every state a journey reaches and then uses — a form with its error summary, a
list after an htmx filter — is checked, not only first loads. Event handlers cannot do
this: Playwright runs them beside the test, and they lose the race with the next click.

What fails a test: any critical or serious violation (target size, WCAG 2.2's 24 px,
included), any moderate one not explained in ``EXPLAINED``, and pb's own checks: exactly
one ``h1``, one ``main`` landmark, every error message linked to its field through
``aria-describedby``, and nothing scrolling sideways at 360 px. With ``PB_SCREENSHOTS`` set
to a folder, each audited state is kept there at 360x740 and 1280x800.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# Moderate findings that are understood and accepted, with the reason. Empty is the aim.
EXPLAINED: dict[str, str] = {}

# Runs in the page: axe over the whole document plus pb's own structural checks, then
# marks the state as audited until the next load or htmx swap.
AUDIT_JS = """async (tags) => {
  if (!window.__pbAxeHooked) {
    window.__pbAxeHooked = true;
    document.addEventListener('htmx:afterSettle', () => { window.__pbAxeDone = false; });
  }
  window.__pbAxeDone = true;
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          rules: {'target-size': {enabled: true}},
                                          resultTypes: ['violations']});
  const found = result.violations.map(v => ({id: v.id, impact: v.impact || 'minor',
      help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
  const own = (id, ok, help) => { if (!ok) found.push({id, impact: 'serious', help, nodes: []}); };
  own('pb-one-h1', document.querySelectorAll('h1').length === 1, 'a page has exactly one h1');
  own('pb-one-main', document.querySelectorAll('main').length === 1,
      'a page has exactly one main landmark');
  const unlinked = [...document.querySelectorAll('.error-message')].filter(
      m => !m.id || !document.querySelector(`[aria-describedby~="${m.id}"]`))
      .map(m => m.id ? '#' + m.id : JSON.stringify(m.textContent.trim().slice(0, 40)));
  own('pb-error-linked', unlinked.length === 0,
      'every error message is linked to its field: ' + unlinked.join(' '));
  return {url: location.pathname + location.search, violations: found};
}"""

NEEDS_AUDIT_JS = "() => window.__pbAxeDone !== true"
# Playwright's words for a page state that went away mid-audit (counted as missed).
GONE = ("execution context was destroyed", "navigat", "has been closed", "detached")
WIDTH_JS = "() => document.documentElement.scrollWidth"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = os.environ.get("PB_SCREENSHOTS")  # a folder to keep every audited state's screenshots
HAS_AXE_JS = "() => typeof window.axe !== 'undefined'"


@dataclass
class AxeLog:
    """Every audit of one test session, for the failure checks and the printed summary."""

    audits: list[dict] = field(default_factory=list)
    skipped: int = 0
    shots: int = 0

    def problems(self, audits: list[dict]) -> list[str]:
        bad = []
        for audit in audits:
            for v in audit["violations"]:
                if v["impact"] in ("critical", "serious") or (
                        v["impact"] == "moderate" and v["id"] not in EXPLAINED):
                    bad.append(f"{audit['url']}: {v['impact']} {v['id']} ({v['help']}) "
                               f"at {', '.join(v['nodes'])}")
        return bad

    def summary(self) -> str:
        impacts = Counter(v["impact"] for a in self.audits for v in a["violations"])
        pages = len({a["url"].split("?")[0] for a in self.audits})
        return (f"axe-core {AXE_VERSION}: {len(self.audits)} page states audited "
                f"({pages} distinct paths), critical {impacts['critical']}, "
                f"serious {impacts['serious']}, moderate {impacts['moderate']} "
                f"({len(EXPLAINED)} explained), minor {impacts['minor']}; "
                f"{self.skipped} states missed while navigating")


AXE_VERSION = AXE_SOURCE.split("axe v", 1)[1].split()[0]


def audit(page, log: AxeLog, into: list[dict]) -> None:
    """Audit the page's current state if it has not been audited yet."""
    try:
        if page.is_closed() or not page.evaluate(NEEDS_AUDIT_JS):
            return
        if page.url.startswith(("about:", "data:")):
            return
        if not page.evaluate(HAS_AXE_JS):
            page.evaluate(AXE_SOURCE)
        result = page.evaluate(AUDIT_JS, AXE_TAGS)
        result["violations"] += _on_a_phone(page, log)
    except Exception as exc:  # navigating away, a download, a page closing: the state is gone
        if any(word in str(exc).lower() for word in GONE):
            log.skipped += 1
            return
        raise
    log.audits.append(result)
    into.append(result)


def _on_a_phone(page, log: AxeLog) -> list[dict]:
    """The same state at 360 px: nothing may scroll sideways. Screenshots at 360x740 and
    1280x800 are kept when PB_SCREENSHOTS names a folder."""
    before = page.viewport_size
    log.shots += 1
    name = f"{log.shots:04d}-" + (re.sub(r"[^a-z0-9]+", "-", page.url.split("//", 1)[-1]
                                         .split("/", 1)[-1].lower()).strip("-") or "home")
    try:
        page.set_viewport_size(PHONE)
        wide = page.evaluate(WIDTH_JS)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name[:80]}-360.png", full_page=True)
            page.set_viewport_size(DESKTOP)
            page.screenshot(path=f"{SHOTS}/{name[:80]}-1280.png", full_page=True)
    finally:
        if before:
            page.set_viewport_size(before)
    if wide <= PHONE["width"]:
        return []
    return [{"id": "pb-no-sideways-scroll", "impact": "serious",
             "help": f"nothing scrolls sideways at 360 px (the page is {wide} px wide)",
             "nodes": []}]


# Actions after which the page may be in a new state; the state before them is audited.
PAGE_ACTIONS = ("goto", "click", "fill", "press", "check", "uncheck", "select_option",
                "set_input_files", "go_back", "reload", "tap", "dblclick")
LOCATOR_ACTIONS = ("click", "fill", "press", "check", "uncheck", "select_option",
                   "set_input_files", "tap", "dblclick", "press_sequentially", "set_checked")


def install(monkeypatch, log: AxeLog, into: list[dict]) -> None:
    """Wrap Playwright's actions so that each one first audits the state it acts on, and
    closing a context audits the last state of each of its pages."""
    from playwright.sync_api import BrowserContext, Locator, Page

    close_context = BrowserContext.close

    def closing(self, *args, **kwargs):
        for page in self.pages:
            audit(page, log, into)
        return close_context(self, *args, **kwargs)

    monkeypatch.setattr(BrowserContext, "close", closing)

    def wrap(cls, name, page_of):
        original = getattr(cls, name)

        def wrapped(self, *args, **kwargs):
            audit(page_of(self), log, into)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, wrapped)

    for name in PAGE_ACTIONS:
        wrap(Page, name, lambda page: page)
    for name in LOCATOR_ACTIONS:
        wrap(Locator, name, lambda locator: locator.page)
