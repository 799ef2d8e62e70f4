"""RB140-RB143: the At a glance section, on the real library broken on purpose."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import Runner
from .real_library import copy_library, edit

STARTUP = "runbooks/startup.md"
HALT = "runbooks/epic-3-halt-fork.md"
DRILL = "runbooks/drills/lease-takeover-drill.md"
FIRST = "```bash\nopsctl halt status --channel both\n```"


def _found(run: Runner, select: str, *paths: str) -> list[tuple[str, int, int, str, str]]:
    code, out, err = run(
        {}, "check", "--format", "json", "--select", select, *(paths or ("runbooks",))
    )
    assert code in (0, 1), err
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["message"])
        for f in json.loads(out)["findings"]
    ]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_library(tmp_path)


def test_every_at_a_glance_of_the_library_passes(run: Runner, library: Path) -> None:
    assert _found(run, "RB14") == []


# -- RB140: the four parts, in order ----------------------------------------------------------


def test_a_missing_part_is_reported_at_the_heading(run: Runner, library: Path) -> None:
    edit(library, STARTUP, "**Severity:** [HIGH](index.md#severity-levels)\n\n", "")
    assert _found(run, "RB140", STARTUP) == [
        (
            STARTUP,
            7,
            4,
            "RB140",
            "At a glance has no '**Severity:**' part: it holds '**Use it when:**', "
            "'**Severity:**', '**First safe command**', '**Escalate:**'",
        )
    ]


def test_parts_out_of_order_and_empty(run: Runner, library: Path) -> None:
    severity = "**Severity:** [HIGH](index.md#severity-levels)\n\n"
    edit(library, STARTUP, severity, "")
    line = edit(library, STARTUP, "**Escalate:**", severity + "**Escalate:**")
    use = edit(
        library,
        STARTUP,
        "**Use it when:** the platform must come up after maintenance, a reboot or a crash, "
        "or after a restore.",
        "**Use it when:**",
    )
    found = _found(run, "RB140", STARTUP)
    assert [(f[1], f[2]) for f in found] == [(use, 1), (line, 1)]
    assert found[0][4] == "'**Use it when:**' says nothing after its label"
    assert found[1][4].startswith("'**Severity:**' comes after '**First safe command**'")


# -- RB141: one level, linked to the definitions ----------------------------------------------


@pytest.mark.parametrize(
    ("severity", "message"),
    [
        ("HIGH", "write the severity as a link to the index's severity levels"),
        ("[HIGH](index.md#quick-reference-by-scenario)", "not to the index's severity levels"),
        ("[HIGH](recovery.md#procedure)", "not to the index's severity levels"),
        (
            "[HIGH](index.md#severity-levels), [CRITICAL](index.md#severity-levels) when halted",
            "the severity names 2 levels (HIGH, CRITICAL): a runbook has one severity",
        ),
        ("high", "the severity names no level"),
    ],
)
def test_the_severity_is_one_linked_level(
    run: Runner, library: Path, severity: str, message: str
) -> None:
    line = edit(
        library,
        STARTUP,
        "**Severity:** [HIGH](index.md#severity-levels)",
        f"**Severity:** {severity}",
    )
    (finding,) = _found(run, "RB141", STARTUP)
    assert finding[:2] == (STARTUP, line) and message in finding[4]
    if "names no level" not in message:
        levels = [m.start() + 1 for m in re.finditer(r"HIGH|CRITICAL", f"**Severity:** {severity}")]
        assert finding[2] == levels[-1 if "2 levels" in message else 0]


# -- RB142: the first command only reads ------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "column", "message"),
    [
        ("opsctl halt trigger --reason x", 13, "`opsctl halt trigger` is constitutional"),
        (
            "sudo opsctl fork rollback --to-checkpoint 7",
            18,
            "`opsctl fork rollback` is constitutional",
        ),
        ("opsctl queue pause", 14, "`opsctl queue pause` is not marked readOnly"),
        ("rm -rf <incident-dir>", 1, "`rm` changes state"),
        ("kill -TERM <worker-pid>", 1, "`kill` changes state"),
        ("sed -i 's/a/b/' config.yaml", 5, "`sed -i` writes"),
        ("curl http://localhost:8080/health", 1, "`curl` is not known to only read"),
        (
            "opsctl halt status --channel both > <incident-dir>/halt.txt",
            35,
            "`> <incident-dir>/halt.txt` writes a file",
        ),
        ("opsctl halt status --channel both >> status.log", 35, "`>> status.log` writes a file"),
        ("$TOOL status", 1, "runs a program named by a variable"),
        ("opsctl halt status (", 20, "not valid shell"),
    ],
)
def test_a_first_command_that_does_not_only_read(
    run: Runner, library: Path, command: str, column: int, message: str
) -> None:
    line = edit(library, HALT, FIRST, f"```bash\n{command}\n```") + 1
    found = _found(run, "RB142", HALT)
    assert [(f[0], f[1], f[2]) for f in found] == [(HALT, line, column)], found
    assert found[0][4].startswith("the first safe command must only read: ")
    assert message in found[0][4]


@pytest.mark.parametrize(
    "command",
    [
        "opsctl halt status --channel both 2>&1 | grep -i halted >/dev/null",
        'INCIDENT_DIR=<incident-dir>\ncd "$INCIDENT_DIR"\nls -l && jq . status.json >&2',
        "docker compose ps",
        "STAMP=$(date -u +%Y%m%dT%H%M%SZ)\nopsctl service status",
    ],
)
def test_a_first_command_that_only_reads(run: Runner, library: Path, command: str) -> None:
    edit(library, HALT, FIRST, f"```bash\n{command}\n```")
    assert _found(run, "RB142", HALT) == []


def test_one_shell_block(run: Runner, library: Path) -> None:
    line = edit(library, HALT, FIRST, FIRST + "\n\n```bash\nopsctl health --component all\n```")
    assert [(f[1], f[4]) for f in _found(run, "RB142", HALT)] == [
        (line + 4, "the first safe command is one shell block; this is block 2")
    ]
    edit(library, HALT, FIRST + "\n\n```bash\nopsctl health --component all\n```", "")
    assert [f[4] for f in _found(run, "RB142", HALT)] == [
        "the first safe command has no command block: put exactly one ```bash block after it"
    ]
    edit(library, HALT, "**Escalate:**", "```text\nopsctl halt status\n```\n\n**Escalate:**")
    assert [f[4] for f in _found(run, "RB142", HALT)] == [
        "the first safe command is a text block: write it as a ```bash block"
    ]


def test_a_contract_cannot_be_read_only_and_constitutional(run: Runner, library: Path) -> None:
    opsctl = library / "schemas/cli/opsctl.json"
    data = json.loads(opsctl.read_text(encoding="utf-8"))
    halt = next(c for c in data["commands"] if c["name"] == "halt")
    trigger = next(c for c in halt["commands"] if c["name"] == "trigger")
    trigger["readOnly"] = True
    opsctl.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run({}, "check", "--select", "RB142", HALT)
    assert code == 2 and "cannot be both readOnly and constitutional" in err


# -- RB143: Escalate leads to the Escalation table --------------------------------------------


def test_escalate_must_link_to_the_escalation_section(run: Runner, library: Path) -> None:
    line = edit(
        library,
        STARTUP,
        "**Escalate:** [Escalation](#escalation)",
        "**Escalate:** [Purpose](#purpose)",
    )
    assert [(f[1], f[2], f[4]) for f in _found(run, "RB143")] == [
        (
            line,
            1,
            "Escalate does not link to this page's Escalation section (#escalation): link it "
            "there, so the operator lands on the table of whom to call",
        )
    ]


def test_escalate_leads_to_rows(run: Runner, library: Path) -> None:
    text = (library / STARTUP).read_text(encoding="utf-8")
    start = text.index("| Database not accepting connections")
    end = text.index("\n\n", start)
    (library / STARTUP).write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    assert [f[4] for f in _found(run, "RB143", STARTUP)] == [
        "Escalate leads to this page's Escalation section, which has no table rows"
    ]


def test_a_drill_escalates_through_its_runbook(run: Runner, library: Path) -> None:
    assert _found(run, "RB143", DRILL) == []
    line = edit(
        library, DRILL, "(../operator-recovery.md#escalation)", "(../operator-recovery.md#purpose)"
    )
    assert [(f[1], f[4]) for f in _found(run, "RB143", DRILL)] == [
        (
            line,
            "Escalate does not link to runbooks/operator-recovery.md's Escalation section "
            "(runbooks/operator-recovery.md#escalation): link it there, so the operator lands "
            "on the table of whom to call",
        )
    ]
