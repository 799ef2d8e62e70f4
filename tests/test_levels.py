"""RB330-RB331: one level per runbook and per signal, defined once; the real library broken on
purpose in each way the content once was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook_lint.document import Document
from runbook_lint.document.levels import mentions, signal_names, words

from .conftest import Runner
from .real_library import copy_library, edit

INDEX = "runbooks/index.md"
HALT = "runbooks/epic-3-halt-fork.md"
BACKUP = "runbooks/backup.md"
SCALING = "runbooks/scaling.md"
CHANNELS_ROW = "| Halt channels disagree | CRITICAL |"
CHANNELS_TRIGGER = "- The two halt channels disagree (severity [CRITICAL]"


def _found(run: Runner, select: str = "RB33") -> list[tuple[str, int, int, str, str]]:
    code, out, err = run({}, "check", "--format", "json", "--select", select, "runbooks")
    assert code in (0, 1), err
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["message"])
        for f in json.loads(out)["findings"]
    ]


def _places(found: list[tuple[str, int, int, str, str]]) -> set[tuple[str, int]]:
    return {(path, line) for path, line, *_ in found}


def _column(root: Path, rel: str, line: int, fragment: str) -> int:
    text = (root / rel).read_text(encoding="utf-8").split("\n")[line - 1]
    return text.index(fragment) + 1


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_library(tmp_path)


def test_the_library_agrees_with_itself(run: Runner, library: Path) -> None:
    assert _found(run) == []


def test_a_signal_raised_in_the_quick_reference_is_found_at_both_places(
    run: Runner, library: Path
) -> None:
    row = edit(library, INDEX, CHANNELS_ROW, "| Halt channels disagree | HIGH |")
    found = _found(run)
    definitions = next(line for path, line, *_ in found if path == INDEX and line != row)
    trigger = edit(library, HALT, CHANNELS_TRIGGER, CHANNELS_TRIGGER)
    # the row against the definitions example, and the row against the runbook's trigger
    assert _places(found) == {(INDEX, row), (INDEX, definitions), (HALT, trigger)}
    by_line = {line: (column, message) for _, line, column, _, message in found}
    assert by_line[row][0] == _column(library, INDEX, row, "HIGH")
    assert (
        f"'Halt channels disagree' is HIGH here but CRITICAL at {INDEX}:{definitions}"
        in (by_line[row][1])
    )
    assert (
        f"but the index gives 'Halt channels disagree' HIGH ({INDEX}:{row})"
        in (by_line[definitions][1])
    )


def test_a_signal_lowered_in_its_runbook_is_found_at_both_places(
    run: Runner, library: Path
) -> None:
    line = edit(
        library, HALT, CHANNELS_TRIGGER, "- The two halt channels disagree (severity [HIGH]"
    )
    found = _found(run)
    in_runbook = [f for f in found if f[0] == HALT]
    assert {(f[1], f[2]) for f in in_runbook} == {(line, _column(library, HALT, line, "HIGH"))}
    assert "'The two halt channels disagree' is HIGH here but the index gives" in (in_runbook[0][4])
    # the quick reference row and the definitions example each get the other half
    quick = (library / INDEX).read_text(encoding="utf-8").split("\n").index(
        "| Halt channels disagree | CRITICAL | [Verify both halt channels]"
        "(epic-3-halt-fork.md#step-3-verify-both-halt-channels) |"
    ) + 1
    assert (INDEX, quick) in _places(found)
    assert all(f"but HIGH at {HALT}:{line}" in f[4] for f in found if f[0] == INDEX)


def test_a_runbook_row_that_disagrees_with_at_a_glance(run: Runner, library: Path) -> None:
    row = edit(library, INDEX, "(backup.md) | Core | MEDIUM |", "(backup.md) | Core | INFO |")
    found = _found(run)
    assert _places(found) == {(INDEX, row), (BACKUP, 11)}
    messages = {path: message for path, _, _, _, message in found}
    assert (
        f"gives 'Backup Procedures' INFO, but its At a glance says MEDIUM ({BACKUP}:11)"
        in (messages[INDEX])
    )
    assert f"gives this runbook INFO ({INDEX}:{row})" in messages[BACKUP]


def test_a_scenario_above_its_runbook(run: Runner, library: Path) -> None:
    row = edit(library, INDEX, "| Backup job failed | MEDIUM |", "| Backup job failed | HIGH |")
    found = _found(run)
    assert _places(found) == {(INDEX, row), (BACKUP, 11)}
    assert any(
        f"'Backup job failed' is HIGH, above the MEDIUM of the runbook it points into "
        f"({BACKUP}:11)" in f[4]
        for f in found
    )


def test_a_runbook_that_handles_a_signal_above_its_own_severity(run: Runner, library: Path) -> None:
    edit(library, SCALING, "**Severity:** [MEDIUM]", "**Severity:** [LOW]")
    row = edit(library, INDEX, "(scaling.md) | Core | MEDIUM |", "(scaling.md) | Core | LOW |")
    found = _found(run)
    # load shedding (MEDIUM) is handled by a runbook that now says LOW; the index row and
    # At a glance agree with each other, so nothing is reported between them
    assert _places(found) == {(SCALING, 43), (SCALING, 11)}
    assert (INDEX, row) not in _places(found)
    assert "'or load shedding becomes active' is MEDIUM, above this runbook's severity LOW" in (
        " ".join(f[4] for f in found)
    )


def test_signals_are_matched_on_all_their_words(run: Runner, library: Path) -> None:
    """'scheduled backup' (INFO) and 'backup job failed' (MEDIUM) are different signals."""
    edit(
        library,
        BACKUP,
        "- The daily backup window opens",
        "- A scheduled backup is due (severity [INFO](index.md#severity-levels))\n"
        "- The daily backup window opens",
    )
    assert _found(run) == []
    line = edit(
        library,
        BACKUP,
        "- A backup job alerted as failed or did not run",
        "- A backup job failed alert fires (severity [INFO](index.md#severity-levels))",
    )
    found = _found(run)
    assert (BACKUP, line) in _places(found)
    assert all("'Backup job failed'" in f[4] for f in found if f[0] == BACKUP and f[1] == line)


def test_severity_defined_in_a_second_table(run: Runner, library: Path) -> None:
    line = edit(
        library,
        "runbooks/incident-response.md",
        "## Trigger Conditions\n",
        "## Trigger Conditions\n\n"
        "| Severity | Response |\n|----------|----------|\n"
        "| CRITICAL | Immediately, system is halted |\n| HIGH | Within 15 minutes |\n",
    )
    found = _found(run, "RB331")
    assert [(f[0], f[1], f[2]) for f in found] == [("runbooks/incident-response.md", line + 2, 3)]
    assert f"defined here and in {INDEX}:115" in found[0][4]


def test_a_single_file_run_reports_only_on_that_file(run: Runner, library: Path) -> None:
    edit(library, HALT, CHANNELS_TRIGGER, "- The two halt channels disagree (severity [HIGH]")
    code, out, _ = run({}, "check", "--format", "json", "--select", "RB330", HALT)
    paths = {f["path"] for f in json.loads(out)["findings"]}
    assert code == 1 and paths == {HALT}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Witness pool low, or witness attribution missing",
            ["Witness pool low", "witness attribution missing"],
        ),
        ("Heartbeat missed (deliberation agent)", ["Heartbeat missed"]),
        ("`stage_conflict`, topic spec not ready", ["`stage_conflict`", "topic spec not ready"]),
        (
            "Pipeline run lease `EXPIRED`, `INVALID` or missing",
            ["Pipeline run lease `EXPIRED`", "`INVALID` or missing"],
        ),
    ],
)
def test_signal_names(text: str, expected: list[str]) -> None:
    assert signal_names(text) == expected


def test_a_level_is_given_to_the_words_before_its_parenthesis() -> None:
    text = (
        "# Scaling\n\n## Trigger Conditions\n\n"
        "- A capacity warning fires (severity [LOW](index.md#severity-levels)) or load "
        "shedding becomes active (severity [MEDIUM](index.md#severity-levels))\n"
        "- Open a ticket at severity [CRITICAL](index.md#severity-levels) for a halt or "
        "[HIGH](index.md#severity-levels) for a fork\n"
        "- Heartbeat missed: page at [MEDIUM](index.md#severity-levels)\n"
        "- Run `status CRITICAL` first\n"
    )
    found = mentions(Document.parse("runbooks/scaling.md", text))
    lines = text.split("\n")
    assert [(m.level, m.line, m.column, m.subject) for m in found] == [
        ("LOW", 5, lines[4].index("LOW") + 1, "A capacity warning fires"),
        ("MEDIUM", 5, lines[4].index("MEDIUM") + 1, "or load shedding becomes active"),
        ("MEDIUM", 7, lines[6].index("MEDIUM") + 1, "page at"),
    ]
    assert found[0].link == "index.md#severity-levels"
    assert words("The backup jobs failed, `stage_conflicts`") == frozenset(
        {"backup", "job", "failed", "stage_conflicts"}
    )
