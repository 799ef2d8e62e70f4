"""RB6xx: drills name a real runbook, known evidence, real fields, a reset and a sign-off."""

from __future__ import annotations

import json

from .conftest import Runner
from .test_artifacts import library

DRILL_PATH = "runbooks/drills/stale-heartbeat.md"
DRILL = """\
# Stale Heartbeat Drill

Runbook: [Operator Recovery](../operator-recovery.md)

## Expected Evidence

- `state/heartbeat_status.json`
- `$RUN_ROOT/reports/operator-recovery.md`

## Pass/Fail Assertions

- [ ] `state/heartbeat_status.json#status` is `STALE`
- [ ] In `reports/operator-recovery.json`:
  - `takeover.handoff_applied == true`

## Reset

- [ ] Restore the saved state folder

## Sign-off

| Role | Name | Date |
| --- | --- | --- |
| Drill lead | | |
"""


def drill_findings(run: Runner, text: str, rule: str, **extra: str) -> list[tuple[int, int, str]]:
    files = library(
        **{DRILL_PATH: text, "runbooks/operator-recovery.md": "# Operator Recovery\n", **extra}
    )
    code, out, err = run(files, "check", "--format", "json", "--select", rule, DRILL_PATH)
    assert code in (0, 1), out + err
    return [
        (f["line"], f["column"], f["message"])
        for f in json.loads(out)["findings"]
        if f["rule"] == rule
    ]


def test_clean_drill_has_no_rb6_findings(run: Runner) -> None:
    assert drill_findings(run, DRILL, "RB6") == []


def test_rb601_missing_runbook_file(run: Runner) -> None:
    got = drill_findings(
        run, DRILL.replace("../operator-recovery.md", "../operator-recovry.md"), "RB601"
    )
    assert got == [(3, 30, "rehearsed runbook '../operator-recovry.md' does not exist")]


def test_rb601_no_declaration_and_empty_declaration(run: Runner) -> None:
    no_line = DRILL.replace("Runbook: [Operator Recovery](../operator-recovery.md)\n", "")
    got = drill_findings(run, no_line, "RB601")
    assert [(g[0], g[1]) for g in got] == [(1, 3)]
    assert "does not name the runbook" in got[0][2]
    empty = DRILL.replace("[Operator Recovery](../operator-recovery.md)", "TBD")
    assert [(g[0], g[1]) for g in drill_findings(run, empty, "RB601")] == [(3, 10)]


def test_rb601_front_matter_and_inline_code_forms(run: Runner) -> None:
    body = DRILL.replace("Runbook: [Operator Recovery](../operator-recovery.md)\n", "")
    front = "---\nrunbook: ../operator-recovery.md\n---\n" + body
    assert drill_findings(run, front, "RB601") == []
    code = DRILL.replace(
        "[Operator Recovery](../operator-recovery.md)", "`../operator-recovery.md`"
    )
    assert drill_findings(run, code, "RB601") == []
    missing = "---\nrunbook: ../gone.md\n---\n" + body
    assert [(g[0], g[1]) for g in drill_findings(run, missing, "RB601")] == [(2, 10)]


def test_rb602_unknown_evidence_file(run: Runner) -> None:
    text = DRILL.replace("- `state/heartbeat_status.json`\n", "- `state/heartbeat.json`\n")
    got = drill_findings(run, text, "RB602")
    assert got == [
        (
            7,
            4,
            "evidence file 'state/heartbeat.json' is not a known artifact: add it "
            "to schemas/artifacts.yaml (with 'schema: null' if it has no schema)",
        )
    ]


def test_rb603_assertion_on_missing_field(run: Runner) -> None:
    text = DRILL.replace("#status", "#state").replace("handoff_applied ==", "handoff ==")
    got = drill_findings(run, text, "RB603")
    assert [(g[0], g[1]) for g in got] == [(12, 36), (14, 6)]
    assert "field 'state' is not defined" in got[0][2]
    assert "field 'takeover.handoff' is not defined" in got[1][2]


def _without(heading: str) -> str:
    out, skip = [], False
    for line in DRILL.split("\n"):
        if line.startswith("## "):
            skip = line == heading
        if not skip:
            out.append(line)
    return "\n".join(out)


def test_rb604_missing_sign_off(run: Runner) -> None:
    got = drill_findings(run, _without("## Sign-off"), "RB604")
    assert [(g[0], g[1]) for g in got] == [(1, 1)]


def test_rb605_missing_reset(run: Runner) -> None:
    got = drill_findings(run, _without("## Reset"), "RB605")
    assert [(g[0], g[1]) for g in got] == [(1, 1)]
    rollback = DRILL.replace("## Reset", "## Rollback of the injected fault")
    assert drill_findings(run, rollback, "RB605") == []


def test_drill_rules_skip_runbooks(run: Runner) -> None:
    files = library(**{"runbooks/plain.md": "# Plain\n\nNo drill here.\n"})
    code, out, _ = run(files, "check", "--format", "json", "--select", "RB6", "runbooks/plain.md")
    assert code == 0
    assert json.loads(out)["findings"] == []
