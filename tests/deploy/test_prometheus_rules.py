"""The shipped alert rules and dashboard: valid for Prometheus, each alert firing when it should
(promtool's unit tests), every metric they read one ardesk serves, every runbook a section of
docs/operations.md."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.metrics.exposition import exposition, registry
from tests.support.metrics import samples

ROOT = Path(__file__).parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "alerts.test.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "ardesk.json"
OPERATIONS = ROOT / "docs" / "operations.md"
METRIC = re.compile(r"\bardesk_[a-z_]+\b")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def promtool(*args: str) -> subprocess.CompletedProcess:
    tool = shutil.which("promtool")
    if tool is None:
        pytest.fail("promtool is missing: run scripts/install-system-deps.sh")
    return subprocess.run([tool, *args], capture_output=True, text=True, cwd=RULES.parent)


def test_the_rules_are_valid():
    checked = promtool("check", "rules", RULES.name)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_each_alert_fires_when_it_should_and_not_before():
    tested = promtool("test", "rules", RULE_TESTS.name)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    alerts = set(re.findall(r"alert: (\w+)", RULES.read_text()))
    tested_alerts = set(re.findall(r"alertname: (\w+)", RULE_TESTS.read_text()))
    assert alerts == tested_alerts


def served_names(db) -> set[str]:
    """Every series name a scrape of ardesk can hold, whether or not it was counted yet."""
    from prometheus_client.parser import text_string_to_metric_families

    text = exposition(registry(db))[0].decode()
    assert samples(text)
    return {
        family.name + suffix
        for family in text_string_to_metric_families(text)
        for suffix in SUFFIXES.get(family.type, ("",))
    }


def test_every_metric_the_rules_and_dashboard_read_is_one_ardesk_serves(db):
    served = served_names(db)
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    read = set(METRIC.findall(RULES.read_text())) | set(METRIC.findall(" ".join(expressions)))
    assert read, "no metric read"
    assert read <= served, sorted(read - served)
    assert {"ardesk_requests_total", "ardesk_outbox_oldest_age_seconds"} <= read


def test_every_runbook_is_a_section_of_the_operations_guide():
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in OPERATIONS.read_text().splitlines()
        if line.startswith("#")
    }
    runbooks = re.findall(r'runbook: "docs/operations\.md#([a-z0-9-]+)"', RULES.read_text())
    assert len(runbooks) == len(re.findall(r"alert: ", RULES.read_text()))
    assert set(runbooks) <= headings, sorted(set(runbooks) - headings)
