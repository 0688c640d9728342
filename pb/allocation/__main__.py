"""Command line: ``python -m pb.allocation FILE.pb --rule RULE [--tie-break T] [--json]``.

Exit codes: 0 success, 2 bad usage or a malformed .pb file (the message names
the line and the problem), 1 a rule that cannot run on this election.
"""
from __future__ import annotations

import argparse
import json
import sys

from . import RULE_SUMMARIES, RULES, PabulibError, allocate, compare, money_formatter, read_pb

EPILOG = "rules (--rule):\n" + "\n".join(f"  {name:<22}{RULE_SUMMARIES[name]}" for name in RULES) + """

tie-breaks (--tie-break):
  id                    smallest project id as a string wins ("10" before "9"); the default
  cost                  the cheaper project wins
  votes                 the project with more supporters wins
  lottery:SEED          a random order drawn from the published SEED (reproducible)

--json prints {"rule", "tie_break", "budget", "spent", "selected": [ids in selection order],
"projects": {id: {"cost", "votes", "selected", "explanation"}}, "metrics": {...}, "notes"}.
Money is exact: an integer, or "a/b" when the file has fractional costs.

exit codes: 0 ok, 1 the rule cannot run on this election, 2 bad arguments or a malformed file.
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pb.allocation",
        description="Run a participatory-budgeting allocation rule on a pabulib .pb file and explain the result.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE.pb", help="a pabulib .pb file (UTF-8, byte-order mark allowed)")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--rule", choices=list(RULES), metavar="RULE", help="the rule to run (see below)")
    group.add_argument("--compare", metavar="RULE,RULE,...",
                       help="run several rules and list the projects they disagree on")
    p.add_argument("--tie-break", default="id", metavar="T", help="how exact ties are broken (default: id)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return p


def _table(instance, outcome) -> str:
    fmt = money_formatter(instance)
    lines = [f"Rule {outcome.rule}, ties: {outcome.tie_break}. Budget {fmt(outcome.budget)}, "
             f"spent {fmt(outcome.spent)}, left {fmt(outcome.left)}; "
             f"{len(outcome.selected)} of {len(outcome.projects)} projects funded.", ""]
    lines.append(f"{'':2}{'project':<36} {'cost':>14} {'votes':>8}  explanation")
    funded = [outcome.projects[pid] for pid in outcome.selected]
    rest = [r for r in outcome.projects.values() if not r.selected]
    for r in funded + rest:
        mark = "* " if r.selected else "  "
        label = f"{r.id} {r.name}"[:36]
        lines.append(f"{mark}{label:<36} {fmt(r.cost):>14} {r.votes:>8}  {r.explanation}")
    m = outcome.metrics
    lines += ["", f"Voters with at least one funded project: {m['voters_with_funded_project']:.1%}",
              f"Average share of each voter's supported spending that was funded: "
              f"{m['avg_share_of_approved_spending_funded']:.1%}"]
    lines += [f"Note: {n}" for n in outcome.notes]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        instance, profile = read_pb(args.file)
    except PabulibError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{args.file}: cannot read the file ({exc.strerror})", file=sys.stderr)
        return 2
    try:
        if args.compare:
            rules = [r.strip() for r in args.compare.split(",") if r.strip()]
            unknown = [r for r in rules if r not in RULES]
            if unknown:
                print(f"unknown rule(s): {', '.join(unknown)}; choose from {', '.join(RULES)}", file=sys.stderr)
                return 2
            result = compare(instance, profile, rules, args.tie_break)
            print(json.dumps(result.to_json(), ensure_ascii=False, indent=1) if args.json
                  else result.to_text(instance))
            return 0
        outcome = allocate(instance, profile, args.rule, args.tie_break)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if "tie-break" in str(exc) else 1
    print(json.dumps(outcome.to_json(), ensure_ascii=False, indent=1) if args.json else _table(instance, outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main())
