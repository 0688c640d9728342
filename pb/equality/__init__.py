"""Equality monitoring: the optional questions as a form, and recording answers apart
from ballots (``services.record``). The questions and answers themselves are defined in
``pb.models.equality``, which also says why nothing stored can be joined to a ballot."""
