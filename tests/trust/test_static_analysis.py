"""Static analysis (G15): bandit finds nothing in pb/, and every waiver says why."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOSEC = re.compile(r"#\s*nosec\b\s*(B\d+)?")


def test_bandit_is_clean_and_every_waiver_has_a_reason(figure):
    done = subprocess.run([sys.executable, "-m", "bandit", "-q", "-c", "pyproject.toml", "-r",
                           "pb", "-f", "json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    report = json.loads(done.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']}" for r in report["results"]]
    waivers, unexplained = 0, []
    for path in ROOT.joinpath("pb").rglob("*.py"):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            match = NOSEC.search(line)
            if not match:
                continue
            waivers += 1
            test_id = match.group(1)
            reason = "\n".join(lines[max(0, number - 2):number])
            if test_id is None or f"bandit {test_id}" not in reason and "bandit B" not in reason:
                unexplained.append(f"{path.relative_to(ROOT)}:{number + 1}")
    figure("bandit", lines_scanned=report["metrics"]["_totals"]["loc"], findings=len(findings),
           waivers=waivers, waivers_without_reason=len(unexplained))
    assert findings == []
    assert unexplained == []
