"""RB124: a verification that repeats its step's command, in the real library broken on purpose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Runner
from .real_library import copy_library, edit

BACKUP = "runbooks/backup.md"
STEP1_CHECK = "- Command to verify: `opsctl checkpoint list`"
STEP2_CHECK = '- Command to verify: `sha256sum -c "$BACKUP_DIR/db-$STAMP.dump.sha256"`'


def _rb124(run: Runner, *paths: str) -> list[tuple[str, int, int, str]]:
    paths = paths or (BACKUP,)
    code, out, err = run({}, "check", "--format", "json", "--select", "RB124", *paths)
    assert code in (0, 1), err
    return [(f["path"], f["line"], f["column"], f["message"]) for f in json.loads(out)["findings"]]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_library(tmp_path)


def test_the_library_has_no_circular_verification(run: Runner, library: Path) -> None:
    assert _rb124(run, "runbooks") == []


@pytest.mark.parametrize(
    ("old", "command", "repeated_on"),
    [
        # a statement of the step's block, as written
        (STEP1_CHECK, "opsctl halt status --channel both", 60),
        # the same statement, spaced differently: whitespace does not hide a repeat
        (STEP1_CHECK, "opsctl  halt status   --channel both", 60),
        # a command inside one of the step's pipelines
        (STEP2_CHECK, 'pg_restore --list "$BACKUP_DIR/db-$STAMP.dump"', 83),
    ],
)
def test_a_verification_that_repeats_its_step_is_found(
    run: Runner, library: Path, old: str, command: str, repeated_on: int
) -> None:
    line = edit(library, BACKUP, old, f"- Command to verify: `{command}`")
    (finding,) = _rb124(run)
    path, at, column, message = finding
    assert (path, at, column) == (BACKUP, line, len("- Command to verify: `") + 1)
    assert f"repeats the step's command `{' '.join(command.split())}` (line {repeated_on})" in (
        message
    )


def test_a_verification_block_may_set_the_shell_up_again(run: Runner, library: Path) -> None:
    block = (
        "- Command to verify:\n\n"
        "  ```bash\n"
        "  BACKUP_DIR=<backup-dir>\n"
        '  cd "$BACKUP_DIR"\n'
        '  sha256sum -c "db-$STAMP.dump.sha256"\n'
        "  ```"
    )
    first = edit(library, BACKUP, STEP2_CHECK, block)
    assert _rb124(run) == []
    # ... but not repeat the action itself
    edit(
        library,
        BACKUP,
        '  sha256sum -c "db-$STAMP.dump.sha256"',
        '  echo "$STAMP" > "$BACKUP_DIR/current-backup-stamp"',
    )
    (finding,) = _rb124(run)
    assert (
        finding[1] == first + 5
        and '`echo "$STAMP" > "$BACKUP_DIR/current-backup-stamp"`' in finding[3]
    )


def test_a_different_command_is_not_a_repeat(run: Runner, library: Path) -> None:
    edit(library, BACKUP, STEP1_CHECK, "- Command to verify: `opsctl halt status --channel db`")
    assert _rb124(run) == []
