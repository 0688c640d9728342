"""The built-in text of each public page, shown until an administrator saves their own.

Bodies are Markdown, rendered through ``pb.proposals.markup`` like everything else people
type: ``# Heading`` is a section heading (an h2 under the page's own h1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# When the built-in text was last changed: the "Last updated" date until someone edits it.
BUILT_IN_UPDATED = datetime(2026, 12, 2, 12, 0)


@dataclass(frozen=True)
class PageDefault:
    title: str
    endpoint: str  # where the public sees it
    purpose: str  # what the page is for, on the admin screen
    body: str


ACCESSIBILITY = """\
This statement applies to this participatory budgeting website (pb), which the partnership
uses to take proposals, hold votes and publish results.

We want as many people as possible to be able to use this website. For example, that means
you should be able to:

- change colours, contrast levels and fonts using your browser or device settings
- get from the top of any page to its main content with a "Skip to main content" link
- use every page and form with just a keyboard
- use every page without JavaScript: voting, proposals and results all work without it
- use the website on a phone screen 360 pixels wide without scrolling sideways

We have also made the text as simple as possible to understand.

[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device easier to
use if you have a disability.

# How accessible this website is

We know some parts of this website are not fully accessible:

- documents that proposers upload (usually PDFs) may not be accessible, because they are
  made by the people who upload them
- pictures that proposers upload have a short, general text description ("Picture for"
  the proposal's title) rather than a description of what the picture shows
- the charts on the scrutiny pages have text labels but have not been tested with
  screen readers

# Feedback and contact information

If you need information on this website in a different format, like accessible PDF,
large print, easy read, audio recording or braille, or you find a problem not listed on
this page, [contact us](/contact). We will consider your request and get back to you
within 5 working days.

# Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public
Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018
(the "accessibility regulations"). If you are not happy with how we respond to your
complaint, [contact the Equality Advisory and Support Service
(EASS)](https://www.equalityadvisoryservice.com/).

If you are in Northern Ireland and are not happy with how we respond to your complaint,
you can contact the [Equality Commission for Northern Ireland
(ECNI)](https://www.equalityni.org/Home).

# Technical information about this website's accessibility

The partnership is committed to making its website accessible, in accordance with the
Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations
2018.

## Compliance status

This website is partially compliant with the [Web Content Accessibility Guidelines
version 2.2](https://www.w3.org/TR/WCAG22/) AA standard, due to the non-compliances
listed below.

# Non-accessible content

The content listed below is non-accessible for the following reasons.

## Non-compliance with the accessibility regulations

- Documents that proposers upload may not have a structure that screen readers can
  follow (WCAG 2.2 success criterion 1.3.1, Info and Relationships). We check each
  proposal before it goes on the ballot, and the proposal's own page always describes it
  in text.
- Pictures that proposers upload have a general text alternative, not one that describes
  the picture (WCAG 2.2 success criterion 1.1.1, Non-text Content). The picture never
  carries information that is not in the proposal's text.

## Disproportionate burden

We are not claiming disproportionate burden for any content.

## Content that is not within the scope of the accessibility regulations

Documents published before 23 September 2018 are not in scope; this website has none.

# What we are doing to improve accessibility

Every change to this website goes through automated tests before it is published. They
include tests that drive the pages in a real browser (Chromium, through Playwright):

- every page state the tests reach (including forms showing errors and lists updated in
  place) is checked with the axe accessibility checker against WCAG 2.2 AA: no serious or
  critical problems are allowed, and each page must have one main heading, one main
  landmark, and error messages linked to their fields
- the same pages are shown 360 pixels wide, as on a phone, and checked for sideways
  scrolling, and buttons and links are checked to be big enough to tap (24 by 24 pixels)
- a resident signs in and votes with the keyboard alone (Tab, Enter and Space), and every
  stop shows where the keyboard focus is
- a resident puts forward a proposal, votes and checks their receipt with JavaScript
  switched off
- hostile text typed into forms is shown as text and never run as code

Other automated tests check that the page layout sets the language (English, UK), a
title, a single main landmark and a footer, and that every page, opened by every kind of
user, answers unexpected input with a message rather than an error.

We have not yet had the website tested by disabled people or by an accessibility
specialist, and it is not yet available in Welsh. We plan to do these before the next
round opens, and to fix the issues listed above by letting proposers describe their
pictures and by asking for accessible documents.

# Preparation of this accessibility statement

This statement was prepared on 1 December 2026. It was last reviewed on 2 December 2026.

This website was last tested on 2 December 2026 against the WCAG 2.2 AA standard. The
tests were carried out by the team that builds the website, using the automated tests
described above and by checking pages by hand with a keyboard and at phone width.
"""

CONTACT = """\
The partnership that runs each round answers questions about it. Its email address is on
the round's page and in the list at the end of this page.

# Report a problem with a vote

If something went wrong when you voted (a voting code that would not work, a ballot you
think was not counted, or anything that looks unfair), email the partnership straight
away. Say which round, when it happened and what you saw. Never send your password.

When you vote you are given a receipt code. The vote's receipts page lists every ballot
counted, so you can check that yours is there without anyone learning how you voted.

# A problem with this website

If a page does not work for you, for example with a screen reader or on a phone, tell us
which page and what went wrong. See also our [accessibility statement](/accessibility).

# Your personal data

Our [privacy notice](/privacy) says what we keep about you and how to ask for it.
"""

COOKIES = """\
Cookies are small files saved on your phone, tablet or computer when you visit a website.

This website only uses cookies that it needs to work: to keep you signed in, to protect
forms against forgery, to stop people guessing voting codes, and to remember the language
you chose (English or Cymraeg). These are called essential cookies. The law does not require us to ask your permission for them, so there
is no cookie banner, and you cannot switch them off here.

We do not use cookies to measure how you use the website, to advertise, or to share
anything with other websites. Nothing on this website comes from another site, so other
sites cannot set cookies either.
"""

TERMS = """\
These terms apply when you put forward a proposal (an idea for a project) for a
participatory budgeting round on this website. By submitting a proposal you agree to them.

# What you agree to

- What you say in your proposal is true as far as you know, and you have the right to
  share any picture or document you upload.
- The proposal is for the benefit of people in the round's area, and its cost is your
  honest estimate of what the project needs.
- If the proposal wins funding, you (or your organisation) will use the money only for
  the project and report on how it was spent, as the grant agreement sets out.
- You will not submit anything unlawful, offensive, discriminatory or misleading, or
  anything that advertises a business or a political party.

# Moderation

Partnership officers review every proposal before it goes on the ballot. They may ask you
to change it, merge it with a similar proposal, or mark it not eligible. When they do,
they give a reason: you see it, and the public sees why a proposal is not eligible. An
officer may withdraw a proposal that breaks these terms, saying why. Every decision is
recorded in the audit log, which scrutiny can check.

# Publication and licence

Proposals are public once submitted: residents vote on them. A submitted proposal's title,
summary and cost are published in the [open data](/open-data) under the
[Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/),
so anyone may reuse them with credit, and you agree that the text of your proposal may be
shared that way. Pictures and documents you upload stay yours, but you allow us to show
them with your proposal for as long as the round's record is kept.

Only your first name, or your organisation's name, is shown with your proposal.

# Your personal data

Our [privacy notice](/privacy) says what we keep about you, why and for how long, and
how to delete your account.

# Changes and questions

We may change these terms for future rounds: the date at the top of this page shows when
they last changed. Questions: [contact us](/contact).
"""

PRIVACY = """\
pb is run for the partnership that holds each round: the partnership is the controller of
your personal data. Write to the partnership that runs the round (its email address is on
the round's page and on the [contact page](/contact)).

If you are not happy with the answer, you can complain to the Information Commissioner's
Office ([ico.org.uk](https://ico.org.uk/make-a-complaint/), 0303 123 1113).
"""



GLOSSARY = """\
The words pb uses, in plain English. If a word on this website is not here and should be,
[tell us](/contact).

# Round

One go at deciding how to spend a pot of money: people put forward projects, the
partnership checks them, everyone who can vote votes, and the winners are announced.

# Proposal

A project someone puts forward, with what it will do, where, and what it will cost.

# Ballot

Your vote: the projects you chose. You can change it until voting closes; only your
latest ballot counts.

# Receipt

A short code you are shown when your ballot is received, like ABCD-EFGH-JKLM-NPQR-STUV.
Keep it if you want to check later that your ballot was counted. It does not show how you
voted, and nobody else can use it to find out.

# Fingerprint

A scrambled copy of a receipt code. The list of fingerprints shows every counted ballot
without showing anyone's receipt.

# Voting code

A one-use code printed on a card, so that people without an account can vote, on paper or
on a tablet at a decision day.

# Decision day

An event where people hear each project's pitch and vote there and then.

# Ward budget

Money kept for projects in one ward, so that every part of the area gets a share.

# Greedy by votes

A way of choosing the winners: the project with the most votes is funded first, then the
next, and so on, skipping any project that no longer fits in the money left.

# Equal Shares

A way of choosing the winners that gives every voter an equal share of the money. A
project is funded when the people who voted for it can pay for it together from their
shares. It stops a large group from winning everything, so smaller groups get projects
too. Its full name is the Method of Equal Shares.

# Certified

Checked and signed off by a second officer. A certified result is published and does not
change.

# Grant

The money a winning project receives, with an agreement about what it will deliver.

# Tranche

One part of a grant, paid at a time. Most grants are paid in two or three tranches, each
after the project shows it is on track.

# Milestone

Something a project said it would have done by a date, like "first session held".

# Monitoring return

A short report a project sends in: what it has done, what it has spent, and how it is
going against its targets.

# KPI

Key performance indicator: a number a project counts to show its progress, like
"volunteers recruited" or "households reached", with a target to aim for.

# RAG

Red, amber or green: a quick sign of how a project is doing. Green means on track, amber
means some problems, red means serious problems.

# Scrutiny

The council's check on how the money was spent, by people who are not running the vote.
"""


def unwrap(text: str) -> str:
    """The source above is wrapped to fit this file; an administrator's editor shows each
    paragraph and list item on one line, as people type them."""
    lines: list[str] = []
    for line in text.splitlines():
        if lines and lines[-1] and line.strip() and not line.startswith(("- ", "#")):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


PAGES: dict[str, PageDefault] = {
    "accessibility": PageDefault(
        "Accessibility statement", "pages.accessibility",
        "The accessibility statement, in the GOV.UK model's form.", unwrap(ACCESSIBILITY)),
    "contact": PageDefault(
        "Contact us", "pages.contact",
        "How to reach the partnership and report a problem with a vote. The partnerships' "
        "email addresses are listed under it automatically.", unwrap(CONTACT)),
    "cookies": PageDefault(
        "Cookies", "pages.cookies",
        "What cookies are and why there is no banner. The table of the cookies pb sets is "
        "added under it automatically.", unwrap(COOKIES)),
    "terms": PageDefault(
        "Terms for proposers", "pages.terms",
        "What people agree to when they put forward a proposal.", unwrap(TERMS)),
    "glossary": PageDefault(
        "Words we use", "pages.glossary",
        "Plain-English meanings of the words pb uses (Equal Shares, tranche, RAG, receipt…).",
        unwrap(GLOSSARY)),
    "privacy": PageDefault(
        "Who to ask about your data", "privacy.notice",
        "The part of the privacy notice that names who runs the service and who to ask. "
        "The table of what pb keeps is fixed: it describes what the software does.", unwrap(PRIVACY)),
}
