"""Benchmark pb.allocation against pabutools on the shared pabulib elections.

    python bench/allocation.py                 # every instance x rule; pabutools up to --timeout each
    python bench/allocation.py --quick         # reuse pabutools' recorded time where it is long
    python bench/allocation.py --only Warszawa --rules mes-cost,phragmen

For every instance and rule it prints, measured in this run:

* pabutools: seconds for parse + rule in a fresh subprocess ("timeout" when it did not finish;
  ``~N`` marks the figure recorded in the instance's JSON, used in --quick mode);
* ours: seconds for the whole ``python -m pb.allocation FILE --rule R --json`` process;
* ratio: pabutools / ours;
* read, rule: in-process seconds to read the file and to run the rule (allocate), and rule/read;
* agree: whether the two selected sets are equal (against the JSON reference when pabutools did not run).

Then it checks the targets: every run under 5 s end to end; at least 10x faster where
pabutools needs 2 s or more; never slower than pabutools above 10,000 voters; the rule
within 2x of the time to read the file.  Needs pabutools only for the pabutools column.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pb.allocation import allocate, read_pb, rules_for_vote_type  # noqa: E402

SHARED = REPO.parent / "shared" / "pabulib"

# Runs one rule in pabutools 1.2.3 exactly as the reference JSON files were made.
PABUTOOLS_SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
from pabutools.election import (ApprovalBallot, ApprovalProfile, Cardinality_Sat, Cost_Sat,
                                Additive_Cardinal_Sat)
from pabutools.election.pabulib import parse_pabulib
from pabutools.rules import (completion_by_rule_combination, greedy_utilitarian_welfare,
                             method_of_equal_shares, sequential_phragmen)
path, rule = sys.argv[1], sys.argv[2]
t1 = time.perf_counter()
instance, profile = parse_pabulib(path)
t2 = time.perf_counter()
kind = type(profile).__name__
if rule == "greedy-points":
    class PointsTimesCost(Additive_Cardinal_Sat):
        def sat_project(self, project):
            return self.ballot.get(project, 0) * project.cost
    out = greedy_utilitarian_welfare(instance, profile, sat_class=PointsTimesCost)
elif rule == "mes-score":
    out = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=Additive_Cardinal_Sat)
else:
    if "Cumulative" in kind or "Cardinal" in kind:
        approval = ApprovalProfile([ApprovalBallot({p for p in b if b[p] > 0}) for b in profile],
                                   instance=instance)
    elif "Approval" in kind:
        approval = profile
    else:
        approval = ApprovalProfile([ApprovalBallot(set(b)) for b in profile], instance=instance)
    multi = approval.as_multiprofile()
    if rule == "greedy-approval":
        out = greedy_utilitarian_welfare(instance, approval, sat_class=Cost_Sat)
    elif rule == "greedy-cost":
        out = greedy_utilitarian_welfare(instance, approval, sat_class=Cardinality_Sat)
    elif rule in ("mes-cost", "mes-approval"):
        out = method_of_equal_shares(instance, multi, sat_class=Cost_Sat if rule == "mes-cost" else Cardinality_Sat)
    elif rule in ("mes-cost-add1", "mes-approval-add1"):
        sat = Cost_Sat if rule == "mes-cost-add1" else Cardinality_Sat
        out = completion_by_rule_combination(
            instance, multi, [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}])
    elif rule == "mes-cost-add1-nofill":
        out = method_of_equal_shares(instance, multi, sat_class=Cost_Sat, voter_budget_increment=1)
    elif rule == "phragmen":
        out = sequential_phragmen(instance, approval)
    else:
        raise SystemExit(f"no pabutools equivalent for {rule}")
t3 = time.perf_counter()
print(json.dumps({"selected": sorted(p.name for p in out), "import": t1 - t0, "parse": t2 - t1,
                  "rule": t3 - t2}))
"""
NO_REFERENCE = {"max-utility"}  # pabutools' version needs an ILP solver; not compared


def run_pabutools(path: Path, rule: str, timeout: float):
    """(seconds for parse + rule, selected ids) or (None, None) on timeout/error."""
    try:
        out = subprocess.run([sys.executable, "-c", PABUTOOLS_SCRIPT, str(path), rule],
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None
    if out.returncode != 0:
        return None, None
    data = json.loads(out.stdout)
    return data["parse"] + data["rule"], set(data["selected"])


def run_ours(path: Path, rule: str):
    """(whole-process seconds, selected ids) for python -m pb.allocation."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pb.allocation", str(path), "--rule", rule, "--json"],
                         capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"pb.allocation failed on {path.name} {rule}: {out.stderr}")
    return seconds, set(json.loads(out.stdout)["selected"])


def in_process(path: Path, rule: str):
    """(read seconds, rule seconds) inside one process (best of two reads)."""
    reads = []
    for _ in range(2):
        start = time.perf_counter()
        instance, profile = read_pb(path)
        reads.append(time.perf_counter() - start)
    start = time.perf_counter()
    allocate(instance, profile, rule)
    return min(reads), time.perf_counter() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds allowed to each pabutools run")
    ap.add_argument("--quick", action="store_true",
                    help="where the instance's JSON records pabutools taking --quick-limit seconds or more "
                         "(or timing out), show that recorded figure instead of running it again")
    ap.add_argument("--quick-limit", type=float, default=10.0, help="seconds (default 10)")
    ap.add_argument("--only", default="", help="only instances whose name contains this text")
    ap.add_argument("--rules", default="", help="comma-separated rules (default: every rule for the ballot kind)")
    ap.add_argument("--no-pabutools", action="store_true", help="skip pabutools entirely")
    ap.add_argument("--json-out", help="also write the measurements to this JSON file")
    args = ap.parse_args(argv)
    if not SHARED.is_dir():
        print(f"no shared elections at {SHARED}", file=sys.stderr)
        return 2
    rows = []
    for path in sorted(SHARED.glob("*.pb")):
        if args.only and args.only not in path.stem:
            continue
        ref = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        instance, profile = read_pb(path)
        rules = args.rules.split(",") if args.rules else list(rules_for_vote_type(profile.kind))
        print(f"\n{path.stem}: {profile.num_voters:,} voters, {len(instance.projects)} projects, "
              f"{path.stat().st_size / 1e6:.2f} MB")
        print(f"  {'rule':<21}{'pabutools':>10}{'ours':>8}{'ratio':>8}{'read':>8}{'rule':>8}{'rule/read':>10}  agree")
        for rule in rules:
            if rule not in rules_for_vote_type(profile.kind):
                continue
            ours, selected = run_ours(path, rule)
            read_s, rule_s = in_process(path, rule)
            recorded = ref["rules"].get(rule, {})
            pabu, pabu_sel, mark = None, None, ""
            if not args.no_pabutools and rule not in NO_REFERENCE:
                rec = (recorded.get("wall_seconds") or 0) + (ref.get("parse_seconds") or 0)
                if recorded.get("status") == "skipped_timeout":
                    rec = float("inf")
                if args.quick and recorded and rec >= args.quick_limit:
                    if recorded.get("status") == "ok":
                        pabu, mark = rec, "~"
                else:
                    pabu, pabu_sel = run_pabutools(path, rule, args.timeout)
            reference = pabu_sel if pabu_sel is not None else (
                set(recorded["selected"]) if recorded.get("status") == "ok" else None)
            agree = "n/a" if reference is None else ("yes" if reference == selected else "NO")
            ratio = f"{pabu / ours:.1f}x" if pabu else "-"
            pabu_text = f"{mark}{pabu:.2f}" if pabu else ("timeout" if rule not in NO_REFERENCE and
                                                          not args.no_pabutools else "-")
            print(f"  {rule:<21}{pabu_text:>10}{ours:>8.2f}{ratio:>8}{read_s:>8.3f}{rule_s:>8.3f}"
                  f"{rule_s / read_s:>10.1f}  {agree}", flush=True)
            rows.append({"instance": path.stem, "voters": profile.num_voters, "rule": rule, "pabutools": pabu,
                         "pabutools_recorded": bool(mark), "ours": ours, "read": read_s, "rule_s": rule_s,
                         "agree": agree})
    print("\nTargets:")
    slow = [r for r in rows if r["ours"] >= 5]
    print(f"- every run under 5 s end to end: {'met' if not slow else 'MISSED'}"
          + "".join(f"\n    {r['instance']} {r['rule']}: {r['ours']:.1f} s" for r in slow))
    big = [r for r in rows if r["pabutools"] and r["pabutools"] >= 2]
    short = [r for r in big if r["pabutools"] / r["ours"] < 10]
    print(f"- >= 10x faster where pabutools needs >= 2 s ({len(big)} runs): {'met' if not short else 'MISSED'}"
          + "".join(f"\n    {r['instance']} {r['rule']}: {r['pabutools'] / r['ours']:.1f}x" for r in short))
    large = [r for r in rows if r["voters"] > 10_000 and r["pabutools"]]
    slower = [r for r in large if r["ours"] > r["pabutools"]]
    print(f"- never slower than pabutools above 10,000 voters ({len(large)} runs): "
          f"{'met' if not slower else 'MISSED'}")
    ratio = [r for r in rows if r["rule_s"] > 2 * r["read"]]
    print(f"- rule within 2x of reading the file: {'met' if not ratio else 'MISSED'}"
          + "".join(f"\n    {r['instance']} {r['rule']}: rule {r['rule_s']:.3f} s vs read {r['read']:.3f} s"
                    for r in ratio))
    disagree = [r for r in rows if r["agree"] == "NO"]
    print(f"- outcomes agree with pabutools/reference: {'all' if not disagree else 'NOT ALL'}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
