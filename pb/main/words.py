"""The Welsh (and any other language's) words for the fixed English labels a round page
shows from the models and the allocation core: a round's status, its ballot design, its
tie-break, and the rules' names and descriptions. The English stays the source (the API,
exports and the core use it); templates translate with ``{{ round.status_label|words }}``
(pb.i18n.words). tests/i18n/test_words.py checks every label has its entry here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from pb.i18n import register_words

register_words({
    "Draft (not public)": _l("Draft (not public)"),
    "Opens soon": _l("Opens soon"),
    "Taking proposals": _l("Taking proposals"),
    "Reviewing proposals": _l("Reviewing proposals"),
    "Voting open": _l("Voting open"),
    "Voting closed, counting": _l("Voting closed, counting"),
    "Results published": _l("Results published"),
    "Approval: tick any number of projects": _l("Approval: tick any number of projects"),
    ("Budget: choose projects whose total fits the budget"):
        _l("Budget: choose projects whose total fits the budget"),
    ("Points: share a number of points among projects"):
        _l("Points: share a number of points among projects"),
    "Scores: give each project 0 to 5": _l("Scores: give each project 0 to 5"),
    ("Ranking: put your favourite projects in order"):
        _l("Ranking: put your favourite projects in order"),
    ("the project whose number comes first when read as text (10 before 9)"):
        _l("the project whose number comes first when read as text (10 before 9)"),
    "the cheaper project": _l("the cheaper project"),
    "the project with more supporters": _l("the project with more supporters"),
    "Most votes first": _l("Most votes first"),
    "Most votes per pound first": _l("Most votes per pound first"),
    "Most points first": _l("Most points first"),
    "Equal Shares (without completion)": _l("Equal Shares (without completion)"),
    "Equal Shares, spending the whole budget": _l("Equal Shares, spending the whole budget"),
    ("Equal Shares, raised shares without the top-up"):
        _l("Equal Shares, raised shares without the top-up"),
    "Equal Shares counting projects, not pounds": _l("Equal Shares counting projects, not pounds"),
    ("Equal Shares counting projects, spending the whole budget"):
        _l("Equal Shares counting projects, spending the whole budget"),
    "Equal Shares for points and scores": _l("Equal Shares for points and scores"),
    "Phragmén's shared-load method": _l("Phragmén's shared-load method"),
    "Most total support": _l("Most total support"),
    ("Most votes first. Projects are ranked by how many people voted for them and "
     "funded in that order; a project that no longer fits in the money left is skipped"
     " and the count moves on to the next. Simple to explain, but a large group of "
     "like-minded voters can take the whole budget."):
        _l("Most votes first. Projects are ranked by how many people voted for them and "
           "funded in that order; a project that no longer fits in the money left is skipped"
           " and the count moves on to the next. Simple to explain, but a large group of "
           "like-minded voters can take the whole budget."),
    ("Votes per pound. Projects are ranked by their number of votes divided by their "
     "cost, then funded in that order while they fit. Favours cheap, popular projects "
     "and funds more of them than most-votes-first."):
        _l("Votes per pound. Projects are ranked by their number of votes divided by their "
           "cost, then funded in that order while they fit. Favours cheap, popular projects "
           "and funds more of them than most-votes-first."),
    ("Most points first. For points or score ballots: projects are ranked by the total"
     " points (or score) they received and funded in that order while they fit."):
        _l("Most points first. For points or score ballots: projects are ranked by the total"
           " points (or score) they received and funded in that order while they fit."),
    ("Method of Equal Shares. Every voter gets an equal share of the budget to spend "
     "on the projects they voted for. Round by round, the project its supporters can "
     "buy most cheaply (relative to its cost) is funded, its supporters sharing the "
     "bill as equally as their remaining money allows. Groups of voters get projects "
     "in proportion to their size. On its own it often leaves money unspent."):
        _l("Method of Equal Shares. Every voter gets an equal share of the budget to spend "
           "on the projects they voted for. Round by round, the project its supporters can "
           "buy most cheaply (relative to its cost) is funded, its supporters sharing the "
           "bill as equally as their remaining money allows. Groups of voters get projects "
           "in proportion to their size. On its own it often leaves money unspent."),
    ("Equal Shares as run by cities such as Świecie and Wieliczka: if money is left, "
     "every voter's share is raised a little (a pound at a time) and the count is run "
     "again, as long as the result stays within the real budget; any money still left "
     "then funds the most-voted projects that fit. Proportional and spends nearly all "
     "the budget."):
        _l("Equal Shares as run by cities such as Świecie and Wieliczka: if money is left, "
           "every voter's share is raised a little (a pound at a time) and the count is run "
           "again, as long as the result stays within the real budget; any money still left "
           "then funds the most-voted projects that fit. Proportional and spends nearly all "
           "the budget."),
    ("Equal Shares with the raised voter shares, but without the final most-votes top-"
     "up, as some cities ran it. Keeps the outcome fully proportional at the price of "
     "some unspent money."):
        _l("Equal Shares with the raised voter shares, but without the final most-votes top-"
           "up, as some cities ran it. Keeps the outcome fully proportional at the price of "
           "some unspent money."),
    ("Equal Shares where every supporter counts a project as one unit of benefit "
     "whatever its cost, so cheaper projects go first. Funds more, smaller projects "
     "than the cost version."):
        _l("Equal Shares where every supporter counts a project as one unit of benefit "
           "whatever its cost, so cheaper projects go first. Funds more, smaller projects "
           "than the cost version."),
    ("Equal Shares with one-unit benefits, the raised voter shares and the most-votes "
     "top-up."):
        _l("Equal Shares with one-unit benefits, the raised voter shares and the most-votes "
           "top-up."),
    ("Equal Shares for points or score ballots: voters pay for projects in proportion "
     "to the points they gave them, so a voter who gave a project more points pays a "
     "bigger share."):
        _l("Equal Shares for points or score ballots: voters pay for projects in proportion "
           "to the points they gave them, so a voter who gave a project more points pays a "
           "bigger share."),
    ("Phragmén's method. Voters share the cost of funded projects; each round funds "
     "the project that keeps the largest amount any supporter has to carry as low as "
     "possible. Proportional like Equal Shares, and stops at the first project that "
     "does not fit."):
        _l("Phragmén's method. Voters share the cost of funded projects; each round funds "
           "the project that keeps the largest amount any supporter has to carry as low as "
           "possible. Proportional like Equal Shares, and stops at the first project that "
           "does not fit."),
    ("Most total support. Funds the combination of projects, within the budget, that "
     "the largest total number of votes went to (every voter counted once per funded "
     "project they backed). Gets the most support per budget but ignores who the "
     "supporters are, so majorities can win everything."):
        _l("Most total support. Funds the combination of projects, within the budget, that "
           "the largest total number of votes went to (every voter counted once per funded "
           "project they backed). Gets the most support per budget but ignores who the "
           "supporters are, so majorities can win everything."),
})
