"""RB7xx: freshness: `Last Updated` keeps up with git, and runbooks are reviewed in time.

The last commit date of every Markdown file comes from one `git log` per run (memoised in the
context), not one per file, and one `git status` says which files have uncommitted changes: for
those the change is dated today, so a forgotten bump is caught before the commit (pre-commit).
Outside a git work tree, or in a shallow clone (where the oldest commit seems to touch every
file), RB701 stays silent.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..findings import Edit, Fix, Hit
from ..git import git_output
from ..rule import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document, MetaField

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_PATTERNS = ("*.md", "*.markdown")


@dataclass(frozen=True)
class GitState:
    dates: dict[Path, dt.date]  # absolute path -> author date of its last commit
    changed: frozenset[Path]  # files with uncommitted changes (staged, unstaged or untracked)


def last_commit_dates(root: Path) -> dict[Path, dt.date] | None:
    """The author date of the last commit that touched each Markdown file, by absolute path.

    None outside git and in a shallow clone.
    """
    state = git_state(root)
    return state.dates if state is not None else None


def git_state(root: Path) -> GitState | None:
    head = git_output(root, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    if head is None:
        return None
    lines = head.splitlines()
    if len(lines) < 2 or lines[1].strip() == "true":
        return None
    top = Path(lines[0]).resolve()
    log = git_output(top, "log", "--format=%x01%as", "--name-only", "-z", "--", *_PATTERNS)
    if log is None:
        return None
    dates: dict[Path, dt.date] = {}
    for record in log.split("\x01")[1:]:
        parts = record.split("\0")
        try:
            date = dt.date.fromisoformat(parts[0].strip())
        except ValueError:
            continue
        for name in parts[1:]:
            name = name.strip("\n")
            if name:
                dates.setdefault((top / name).resolve(), date)
    status = git_output(
        top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *_PATTERNS
    )
    changed: set[Path] = set()
    entries = iter((status or "").split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        changed.add((top / entry[3:]).resolve())
        if entry[0] in "RC":  # a rename or copy is followed by its source path
            next(entries, None)
    return GitState(dates, frozenset(changed))


def _date(field: MetaField | None) -> dt.date | None:
    if field is None or not _DATE_RE.match(field.value):
        return None
    try:
        return dt.date.fromisoformat(field.value)
    except ValueError:
        return None  # RB111 reports it


def check_behind_git(doc: Document, ctx: Context) -> Iterator[Hit]:
    field = doc.metadata.get("last_updated")
    written = _date(field)
    if field is None or written is None:
        return
    state = ctx.lasting("git-state", lambda: git_state(ctx.config.root))
    if state is None:
        return
    path = Path(os.path.realpath(ctx.library.absolute(doc.path)))
    if path in state.changed:
        if written < ctx.today:
            yield Hit(
                field.line,
                field.column,
                f"'Last Updated: {field.value}' is older than the file's uncommitted changes "
                f"(today is {ctx.today}): bump it whenever the file changes",
                fix=_bump(field, ctx.today),
            )
        return
    committed = state.dates.get(path)
    if committed is None or written >= committed:
        return
    yield Hit(
        field.line,
        field.column,
        f"'Last Updated: {field.value}' is older than the file's last commit ({committed}): "
        "bump it whenever the file changes",
        fix=_bump(field, ctx.today),  # the fix is itself a change, made today
    )


def _bump(field: MetaField, date: dt.date) -> Fix:
    end = field.column + len(field.value)
    return Fix(
        f"set Last Updated to {date}", (Edit(field.line, field.column, field.line, end, str(date)),)
    )


def check_review(doc: Document, ctx: Context) -> Iterator[Hit]:
    reviewed = doc.metadata.get("last_reviewed") or doc.metadata.get("reviewed")
    field = reviewed if _date(reviewed) is not None else doc.metadata.get("last_updated")
    date = _date(field)
    if field is None or date is None:
        return
    age = (ctx.today - date).days
    limit = ctx.config.review_days
    if age <= limit:
        return
    name = "Last Reviewed" if field is reviewed else "Last Updated"
    yield Hit(
        field.line,
        field.column,
        f"not reviewed for {age} days ('{name}: {field.value}'; the review period is {limit} "
        "days): review the runbook and update the date",
    )


_RUNBOOK = """\
# Backup Procedures

Last Updated: {date}
Version: 1.0
Owner: Platform Operations
"""

RULES = (
    Rule(
        id="RB701",
        name="last-updated-behind-git",
        severity="error",
        summary="'Last Updated' is older than the file's last commit (or its uncommitted changes).",
        rationale=(
            "Story 8.9 AC3: runbooks are version controlled with a last-updated date. The "
            "operator judges whether a runbook can be trusted by that date; when the file was "
            "changed after it, the date understates how recent the procedure is and hides that "
            "it changed. The last commit date is the author date of the newest commit touching "
            "the file; a file with uncommitted changes is compared with today, so the pre-commit "
            "hook catches a forgotten bump before the commit. Outside git, or in a shallow "
            "clone, the rule stays silent."
        ),
        bad="Last Updated: 2026-10-01, and the file's last commit is dated 2026-11-20",
        good="Last Updated: 2026-11-20, and the file's last commit is dated 2026-11-20",
        check=check_behind_git,
        runnable_examples=False,
        fixable=True,
    ),
    Rule(
        id="RB702",
        name="review-overdue",
        severity="warning",
        summary="The runbook was not reviewed within the review period (default 180 days).",
        rationale=(
            "Systems drift away from the procedures that describe them. A runbook nobody has "
            "read for half a year is likely to name a command, a flag or a contact that no "
            "longer exists. Review it, then bump 'Last Updated' (or a 'Last Reviewed:' line, "
            "which takes precedence)."
        ),
        bad=_RUNBOOK.format(date="2025-01-15"),
        good=_RUNBOOK.format(date="2026-11-02"),
        check=check_review,
        options={"review-days": "days after which a runbook is due for review (default 180)"},
    ),
)
