"""What the RB1xx (template) rules share: the good runbook every example edits, and a builder
for their records (all are errors whose good example is that runbook)."""

from __future__ import annotations

from collections.abc import Mapping

from ..rule import DocCheck, Rule

GOOD = """\
# Backup Procedures

Last Updated: 2026-11-02
Version: 1.0
Owner: Platform Operations

## Purpose

Take a consistent backup of the database and the event store.

## Prerequisites

- [ ] Write access to the backup bucket

## Trigger Conditions

- Nightly schedule, or before any schema migration

## Procedure

### Step 1: Dump the database

🔵 **OPERATIONAL**

- [ ] Run `pg_dump --format=custom --file=/backups/db.dump "$DATABASE_URL"`

**Verification:**

- Expected outcome: `/backups/db.dump` exists and is not empty
- Command to verify: `ls -l /backups/db.dump`

## Escalation

| Condition | Escalate To | Contact |
|-----------|-------------|---------|
| Dump fails twice | Database on-call | `database-on-call` |

## Rollback

Not applicable: taking a backup changes nothing that needs undoing.

## References

- [Recovery](recovery.md)
"""


def template_rule(
    id: str,
    name: str,
    summary: str,
    rationale: str,
    bad: str,
    check: DocCheck,
    fixable: bool = False,
    good: str = GOOD,
    files: Mapping[str, str] | None = None,
) -> Rule:
    """An error rule of the RB1xx family. With `files` (other files of the example library),
    the examples are also run as `runbooks/example.md` among them."""
    extra = dict(files or {})
    return Rule(
        id=id,
        name=name,
        severity="error",
        summary=summary,
        rationale=rationale,
        bad=bad,
        good=good,
        check=check,
        fixable=fixable,
        bad_files={**extra, "runbooks/example.md": bad} if files else {},
        good_files={**extra, "runbooks/example.md": good} if files else {},
    )
