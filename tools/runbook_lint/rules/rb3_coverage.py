"""RB308: every procedure the requirements declaration lists has its runbook (FR145)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..findings import Hit
from ..rule import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..library import Library


def check_required(library: Library, ctx: Context) -> Iterator[Hit]:
    from ..requirements import RequirementsError, load

    path = ctx.config.path(ctx.config.requirements)
    if not path.is_file():
        return  # no declaration: nothing is required
    display = library.display(path)
    try:
        requirements = load(path)
    except RequirementsError as exc:
        yield Hit(exc.line, 1, f"requirements declaration is invalid: {exc}", path=display)
        return
    for procedure in requirements.procedures:
        target = requirements.runbook_path(procedure)
        if target is None or target.is_file():
            continue
        yield Hit(
            procedure.runbook_line,
            _value_column(path, procedure.runbook_line),
            f"required runbook '{library.display(target)}' ({procedure.title}) does not exist: "
            "write it (runbook-lint new) or mark the procedure deferred",
            path=display,
        )


def _value_column(path: Path, line: int) -> int:
    """Column of the value after `runbook:` on a line of the declaration."""
    try:
        text = path.read_text(encoding="utf-8").split("\n")[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return 1
    key = text.find("runbook:")
    if key < 0:
        return 1
    rest = text[key + len("runbook:") :]
    return key + len("runbook:") + len(rest) - len(rest.lstrip()) + 1


_REQUIREMENTS = """\
version: 1
procedures:
  - id: backup
    title: Backup procedures
    runbook: backup.md
  - id: recovery
    title: Recovery procedures
    runbook: recovery.md
"""

RULES = (
    Rule(
        id="RB308",
        name="required-runbook-missing",
        severity="error",
        summary="A procedure the requirements declaration lists has no runbook.",
        rationale=(
            "FR145: operational runbooks exist for all critical procedures. Which procedures "
            "are critical is declared once, as data, in the requirements file (the "
            "'requirements' key, by default runbooks/requirements.yaml); a declared runbook "
            "that does not exist means an operator will meet that situation without a "
            "procedure. Write it, or mark the entry 'deferred:' with the reason."
        ),
        bad="runbooks/requirements.yaml requires backup.md and recovery.md; recovery.md is missing",
        good="runbooks/requirements.yaml requires backup.md and recovery.md; both exist",
        check_library=check_required,
        bad_files={
            "runbooks/requirements.yaml": _REQUIREMENTS,
            "runbooks/backup.md": "# Backup\n",
        },
        good_files={
            "runbooks/requirements.yaml": _REQUIREMENTS,
            "runbooks/backup.md": "# Backup\n",
            "runbooks/recovery.md": "# Recovery\n",
        },
    ),
)
