"""What every rule receives (``Election``) and returns (``RuleResult``).

``Election`` is the instance and profile boiled down to what the rules need:
costs, the approval view grouped into distinct ballots with counts, and the
tie-break ranks.  Constraints build smaller elections (one ward, fewer
projects, less money) from the same profile, so the rules never see them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..facts import Fact
from ..model import Instance, Money, Profile


@dataclass
class RuleResult:
    """Selected ids in selection order, plus per-project facts for the explanation."""

    selected: list[str]
    facts: dict[str, Fact] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Election:
    """The approval view of a profile restricted to ``project_ids``, with ``budget``."""

    def __init__(self, instance: Instance, profile: Profile, ranks: dict[str, int],
                 project_ids=None, budget: Money | None = None, voter_filter=None):
        self.instance = instance
        self.kind = profile.kind
        self.ids = [p.id for p in instance.projects] if project_ids is None else list(project_ids)
        keep = set(self.ids)
        self.cost = {pid: instance.project(pid).cost for pid in self.ids}
        self.budget = instance.budget if budget is None else budget
        self.rank = ranks
        # groups: (approved ids, count, {id: points} or None).  Empty ballots count as voters.
        points_kind = profile.kind in ("cumulative", "scores")
        whole = project_ids is None and voter_filter is None
        if whole and not points_kind:
            # The common case (no constraint): nothing to restrict, so no per-ballot filtering.
            self.groups = [(b.approved(), b.count, None) for b in profile.ballots]
            self.votes = dict.fromkeys(self.ids, 0)
            self.votes.update(profile.approval_counts())
        else:
            self.groups = []
            for b in profile.ballots:
                if voter_filter is not None and not voter_filter(b):
                    continue
                approved = tuple(pid for pid in b.approved() if pid in keep)
                pts = ({pid: x for pid, x in zip(b.projects, b.points) if pid in keep and x > 0}
                       if points_kind else None)
                self.groups.append((approved, b.count, pts))
            self.votes = dict.fromkeys(self.ids, 0)
            for approved, c, _ in self.groups:
                for pid in approved:
                    self.votes[pid] += c
        self.n = sum(c for _, c, _ in self.groups)
        self.points = None
        if points_kind:
            self.points = dict.fromkeys(self.ids, 0)
            for _, c, pts in self.groups:
                for pid, x in pts.items():
                    self.points[pid] += x * c
        self._bits = None

    def bits(self) -> dict[str, int]:
        """Supporters of each project as a bitset over voters (one bit per voter).

        Voters with identical ballots occupy consecutive bits.  Set sizes and
        intersections are then ``(a & b).bit_count()``, which runs in C over
        machine words and is far faster than a Python loop over voters.
        """
        if self._bits is None:
            arrays = {pid: bytearray((self.n + 7) // 8) for pid in self.ids}
            start = 0
            for approved, c, _ in self.groups:
                for pid in approved:
                    arr = arrays[pid]
                    for v in range(start, start + c):
                        arr[v >> 3] |= 1 << (v & 7)
                start += c
            self._bits = {pid: int.from_bytes(arr, "little") for pid, arr in arrays.items()}
        return self._bits

