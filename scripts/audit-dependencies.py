"""Known vulnerabilities in the installed dependencies (pip-audit), against an ignore file.

    .venv/bin/python scripts/audit-dependencies.py      # what `make test` runs

Fails when an advisory that has a fixed version is found and ``security/accepted-advisories.txt``
does not list it (one advisory id per line, ``#`` and the reason after it). pip-audit asks PyPI's
per-version JSON API for advisories; where that service cannot be reached (an offline mirror, a
closed network) every dependency is skipped, and the script says so loudly instead of passing
quietly — with ``AUDIT_REQUIRED=1`` it fails then too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCEPTED = ROOT / "security" / "accepted-advisories.txt"
# A network that swallows requests must not stall the test run: the audit gets this long.
WHOLE_AUDIT = 180


def accepted() -> set[str]:
    ids = set()
    for line in ACCEPTED.read_text().splitlines():
        advisory = line.split("#", 1)[0].strip()
        if advisory:
            ids.add(advisory)
    return ids


def main() -> int:
    audit = Path(sys.executable).parent / "pip-audit"
    command = [str(audit), "--local", "--skip-editable", "--format", "json"]
    command += ["--progress-spinner", "off", "--timeout", "5"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=WHOLE_AUDIT)
    except subprocess.TimeoutExpired:
        print(f"dependency audit: no answer within {WHOLE_AUDIT} s, nothing was audited")
        return 1 if os.environ.get("AUDIT_REQUIRED") == "1" else 0
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit failed: {result.stderr.strip()[-500:]}", file=sys.stderr)
        return 1
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    ignored = accepted()
    problems = []
    for dependency in dependencies:
        for vuln in dependency.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            if vuln.get("fix_versions") and not ids & ignored:
                fixes = ", ".join(vuln["fix_versions"])
                problems.append(
                    f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})"
                )
    for problem in problems:
        print(problem, file=sys.stderr)
    audited = len(dependencies) - len(skipped)
    print(f"dependency audit: {audited} audited, {len(skipped)} skipped, {len(problems)} to fix")
    if skipped and audited == 0:
        print(
            "dependency audit: the vulnerability service could not be reached, nothing was "
            "audited (run `make audit` where PyPI's JSON API answers)",
            file=sys.stderr,
        )
        return 1 if os.environ.get("AUDIT_REQUIRED") == "1" else 0
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
