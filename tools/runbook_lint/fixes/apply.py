"""Apply the fixes that findings carry, safely.

Edits are grouped by the file they change (a fix may target another file than its finding, such
as the index). A file is changed all or nothing: if any two of its edits overlap, or one does
not fit the file as it is now, the file is left untouched and the reason is reported. Writes go
to a temporary file in the same folder that is then renamed over the original, so a reader
never sees half a file. Line endings and a byte-order mark are kept as they were.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..findings import Edit, Finding, Fix

if TYPE_CHECKING:
    from ..engine import Report

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class FilePlan:
    path: str  # as the findings name it (relative to the working directory)
    original: str
    fixed: str | None  # None when the file is refused
    descriptions: tuple[str, ...]
    findings: int  # findings whose fixes this plan applies
    problem: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


def write_atomic(path: str | Path, text: str, *, exclusive: bool = False) -> None:
    """Write `text` (UTF-8, as is) via a temporary file and a rename.

    With `exclusive`, refuse (FileExistsError) when `path` already exists, without a window in
    which another writer's file could be replaced.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    mode = None
    if not exclusive and target.exists():
        mode = target.stat().st_mode & 0o7777
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if exclusive:
            try:
                os.link(tmp, target)  # fails if the target exists
            except FileExistsError:
                raise
            except OSError:  # no hard links on this file system: check, then rename
                if target.exists():
                    raise FileExistsError(str(target)) from None
                os.replace(tmp, target)
            else:
                os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # name the file in the message
        raise


def _line_starts(text: str) -> tuple[list[int], list[int]]:
    """Offset where each line starts and the length of its content (ending excluded)."""
    starts, lengths = [0], []
    for match in _NEWLINE_RE.finditer(text):
        lengths.append(match.start() - starts[-1])
        starts.append(match.end())
    lengths.append(len(text) - starts[-1])
    return starts, lengths


def _offset(starts: list[int], lengths: list[int], line: int, column: int) -> int | None:
    if not 1 <= line <= len(starts) or not 1 <= column <= lengths[line - 1] + 1:
        return None
    return starts[line - 1] + column - 1


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str | None, str | None]:
    """Apply edits to a file's text: (new text, None) or (None, why it cannot apply)."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    first = _NEWLINE_RE.search(body)
    newline = first.group(0) if first else "\n"
    starts, lengths = _line_starts(body)
    spans: list[tuple[int, int, int, str]] = []
    for order, edit in enumerate(edits):
        start = _offset(starts, lengths, edit.line, edit.column)
        end = _offset(starts, lengths, edit.end_line, edit.end_column)
        if start is None or end is None or end < start:
            return None, (
                f"an edit at {edit.line}:{edit.column}-{edit.end_line}:{edit.end_column} "
                "does not fit the file as it is now"
            )
        spans.append((start, end, order, edit.replacement.replace("\n", newline)))
    spans.sort()
    for before, after in itertools.pairwise(spans):
        if before[1] > after[0]:
            return None, "two fixes change the same text"
    out, cursor = [], 0
    for start, end, _, replacement in spans:
        out.append(body[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(body[cursor:])
    return bom + "".join(out), None


def plan(findings: Iterable[Finding], cwd: Path | None = None) -> list[FilePlan]:
    """What applying every safe fix would do, file by file (nothing is written)."""
    base = cwd or Path.cwd()
    by_file: dict[str, list[Fix]] = {}
    counts: dict[str, int] = {}
    seen: set[tuple[str, tuple[Edit, ...]]] = set()
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.edits:
            continue
        target = fix.path or finding.path
        counts[target] = counts.get(target, 0) + 1
        key = (target, fix.edits)
        if key in seen:  # one fix shared by several findings (e.g. sections inserted together)
            continue
        seen.add(key)
        by_file.setdefault(target, []).append(fix)
    plans = []
    for target, fixes in sorted(by_file.items()):
        descriptions = tuple(dict.fromkeys(f.description for f in fixes))
        try:
            original = (base / target).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not valid UTF-8"
            plans.append(FilePlan(target, "", None, descriptions, 0, f"cannot read: {reason}"))
            continue
        edits = [e for f in fixes for e in f.edits]
        fixed, problem = None, open_fence_problem(target, original, edits)
        if problem is None:
            fixed, problem = apply_edits(original, edits)
        plans.append(FilePlan(target, original, fixed, descriptions, counts[target], problem))
    return plans


def open_fence_problem(path: str, text: str, edits: Iterable[Edit]) -> str | None:
    """Why edits must not be applied to a file with an unclosed code fence, or None.

    Everything after such a fence is read as code: a section inserted there would land inside
    the code block, and be inserted again on the next run because it is still missing. An edit
    at or after the fence's line is refused (RB007 reports the fence)."""
    from ..document.page import Page

    if "```" not in text and "~~~" not in text:
        return None
    fence = next(
        (b.line for b in Page.parse(path, text).code_blocks if b.fenced and not b.closed), None
    )
    if fence is None or all(e.line < fence for e in edits):
        return None
    return (
        f"the code fence opened at line {fence} is never closed, so the rest of the file is "
        "read as code and a fix there would land inside it; close the fence (RB007) and run "
        "--fix again"
    )


def diff(plans: Iterable[FilePlan]) -> str:
    """A unified diff of every change the plans would make."""
    out: list[str] = []
    for item in plans:
        if not item.changed or item.fixed is None:
            continue
        out.extend(
            difflib.unified_diff(
                item.original.splitlines(keepends=True),
                item.fixed.splitlines(keepends=True),
                fromfile=f"a/{item.path}",
                tofile=f"b/{item.path}",
            )
        )
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += "\n\\ No newline at end of file\n"
    return "".join(out)


def apply(plans: Iterable[FilePlan], cwd: Path | None = None) -> list[FilePlan]:
    """Write every changed file (atomically); returns the plans that were written."""
    base = cwd or Path.cwd()
    written = []
    for item in plans:
        if item.changed and item.fixed is not None:
            write_atomic(base / item.path, item.fixed)
            written.append(item)
    return written


ROUNDS = 5  # a fix can make another finding (a changed file needs its date bumped)


def fix_command(
    report: Report, *, preview: bool, rerun: Callable[[], Report]
) -> tuple[int | None, Report]:
    """`check --fix` / `check --diff`: returns (exit code to stop with, or None; the report).

    With `preview`, print the diff and stop (exit 1 when there is something to fix). Otherwise
    write the fixes and lint again, so the findings shown are the ones left; fixes that the
    first ones make possible are applied too, for a few rounds.
    """
    fixed, files, told = 0, set[str](), set[str]()
    for _ in range(1 if preview else ROUNDS):
        plans = plan(report.findings)
        for item in plans:
            if item.problem and item.path not in told:
                told.add(item.path)
                print(f"runbook-lint: not fixed: {item.path}: {item.problem}", file=sys.stderr)
        changed = [p for p in plans if p.changed]
        if preview:
            sys.stdout.write(diff(plans))
            count = sum(p.findings for p in changed)
            print(
                f"{count} fixable finding(s) in {len(changed)} file(s)"
                + ("; apply with --fix" if changed else ""),
                file=sys.stderr,
            )
            return (1 if changed or report.errors else 0), report
        written = apply(plans)
        if not written:
            break
        fixed += sum(p.findings for p in written)
        files.update(p.path for p in written)
        report = rerun()
    if fixed:
        names = ", ".join(sorted(files))
        print(f"Fixed {fixed} finding(s) in {len(files)} file(s): {names}", file=sys.stderr)
    return None, report
