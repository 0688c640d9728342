"""The Welsh (and any other language's) words for a proposal's fixed English labels from
the models: its status and the health outcomes it aims for. The English stays the source
(the API and exports use it); templates translate with ``{{ proposal.status_label|words }}``
(pb.i18n.words, as pb/main/words.py does for rounds)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from pb.i18n import register_words

register_words({
    "Draft": _l("Draft"),
    "Submitted": _l("Submitted"),
    "Under review": _l("Under review"),
    "Needs changes": _l("Needs changes"),
    "Eligible": _l("Eligible"),
    "Not eligible": _l("Not eligible"),
    "On the ballot": _l("On the ballot"),
    "Merged into another proposal": _l("Merged into another proposal"),
    "Withdrawn": _l("Withdrawn"),
    "Reduced social isolation": _l("Reduced social isolation"),
    "Improved mental health": _l("Improved mental health"),
    "Improved physical activity": _l("Improved physical activity"),
    "Healthier eating": _l("Healthier eating"),
    "Improved community well-being": _l("Improved community well-being"),
    "Reduced hospital admissions": _l("Reduced hospital admissions"),
})
