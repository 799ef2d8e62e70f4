"""RB6xx: drill checklists rehearse a real runbook, collect known evidence, assert real fields.

A drill (runbooks/drills/*.md) declares the runbook it rehearses on a `Runbook:` line (a
relative link or the path in inline code, or a `runbook:` key in front matter), lists its
expected evidence files in inline code under a section whose title contains "Evidence", states
pass/fail assertions on artifact fields in the notations of docs/dev/conventions.md, and has a
reset (or rollback) section and a sign-off section.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..artifacts.store import artifacts, unresolved_fields
from ..findings import Hit
from ..rule import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document

_SIGN_OFF = re.compile(r"\bsign[- ]?off\b|\bsignoff\b", re.IGNORECASE)
_RESET = re.compile(r"\b(reset|roll ?back|restore|clean ?up|tear ?down)\b", re.IGNORECASE)
_PATHLIKE = re.compile(r"^[\w.$<>{}/-]+\.(?:jsonl?|md|txt|log)$")

_DRILL = """\
# Stale Heartbeat Drill

Runbook: [Operator Recovery](../operator-recovery.md)

## Expected Evidence

- `state/heartbeat_status.json`

## Pass/Fail Assertions

- [ ] `state/heartbeat_status.json#status` is `STALE`

## Reset

- [ ] Restore the saved state folder

## Sign-off

| Role | Name | Date |
| --- | --- | --- |
| Drill lead | | |
"""
_CATALOG = (
    'version: 1\nsystems:\n  dkt:\n    root: ""\nartifacts:\n'
    "  - path: state/heartbeat_status.json\n    system: dkt\n"
)
_SCHEMA = (
    '{"type": "object", "properties": {"status": {"description": "Heartbeat state.", '
    '"enum": ["HEALTHY", "STALE"]}}}\n'
)
_FILES = {
    "schemas/artifacts.yaml": _CATALOG,
    "schemas/artifacts/dkt/state/heartbeat_status.schema.json": _SCHEMA,
    "runbooks/operator-recovery.md": "# Operator Recovery\n",
}
_DRILL_PATH = "runbooks/drills/stale-heartbeat.md"


def check_runbook(doc: Document, ctx: Context) -> Iterator[Hit]:
    found = doc.declared_runbook
    title = doc.title
    if found is None:
        yield Hit(
            title.line if title else 1,
            title.column if title else 1,
            "drill does not name the runbook it rehearses: add a line "
            "'Runbook: [Title](../runbook.md)'",
        )
        return
    line, column, target = found.line, found.column, found.target
    if target is None:
        yield Hit(line, column, "the 'Runbook:' line names no runbook: link the runbook file")
        return
    if re.match(r"^[a-z][a-z0-9+.-]*:", target):
        yield Hit(line, column, f"'{target}' is not a runbook of this library")
        return
    candidates = ctx.library.declared_runbook_paths(doc, target)
    if not any(c.is_file() for c in candidates):
        yield Hit(line, column, f"rehearsed runbook '{target}' does not exist")
    elif not any(c.is_file() and ctx.library.runbooks_dir in c.parents for c in candidates):
        folder = ctx.library.display(ctx.library.runbooks_dir)
        yield Hit(line, column, f"'{target}' is not under {folder}/")


def _evidence_codes(doc: Document) -> Iterator[tuple[str, int, int]]:
    for section in doc.sections:
        if "evidence" not in section.title.lower():
            continue
        for code in doc.inline_codes:
            if section.start_line < code.line <= section.end_line:
                text = code.text.strip()
                if _PATHLIKE.match(text) and not text.startswith(("http:", "https:")):
                    yield text, code.line, code.column


def check_evidence(doc: Document, ctx: Context) -> Iterator[Hit]:
    state = artifacts(ctx)
    if state.catalog is None:
        return
    for text, line, column in _evidence_codes(doc):
        if not state.catalog.named(text):
            yield Hit(
                line,
                column,
                f"evidence file '{text}' is not a known artifact: add it to "
                f"{state.catalog_path} (with 'schema: null' if it has no schema)",
            )


def check_assertions(doc: Document, ctx: Context) -> Iterator[Hit]:
    return unresolved_fields(doc, ctx, "assertion on a field that does not exist: ")


def _has_heading(doc: Document, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(h.text) for h in doc.headings if h.level > 1)


def check_sign_off(doc: Document, ctx: Context) -> Iterator[Hit]:
    if not _has_heading(doc, _SIGN_OFF):
        yield Hit(
            doc.title.line if doc.title else 1,
            1,
            "drill has no sign-off section: add '## Sign-off' with who ran and who "
            "accepted the drill",
        )


def check_reset(doc: Document, ctx: Context) -> Iterator[Hit]:
    if not _has_heading(doc, _RESET):
        yield Hit(
            doc.title.line if doc.title else 1,
            1,
            "drill has no reset or rollback step: add a section that puts the injected "
            "fault back and restores the environment",
        )


def _without(heading: str) -> str:
    out, skip = [], False
    for line in _DRILL.split("\n"):
        if line.startswith("## "):
            skip = line == heading
        if not skip:
            out.append(line)
    return "\n".join(out)


_DRILLS = frozenset({"drill"})

RULES = (
    Rule(
        id="RB601",
        name="drill-unknown-runbook",
        severity="error",
        summary="A drill does not name the runbook it rehearses, or names one that does not exist.",
        rationale=(
            "A drill rehearses a runbook; when the runbook is renamed or removed, the drill "
            "rehearses nothing and its sign-off proves nothing."
        ),
        bad=_DRILL.replace("../operator-recovery.md", "../operator-recovry.md"),
        good=_DRILL,
        check=check_runbook,
        kinds=_DRILLS,
        example_path=_DRILL_PATH,
        bad_files={
            **_FILES,
            _DRILL_PATH: _DRILL.replace("../operator-recovery.md", "../operator-recovry.md"),
        },
        good_files={**_FILES, _DRILL_PATH: _DRILL},
    ),
    Rule(
        id="RB602",
        name="drill-unknown-evidence",
        severity="error",
        summary="A drill expects an evidence file that is not a known artifact.",
        rationale=(
            "Expected evidence must be files the system really writes; the catalog "
            "(schemas/artifacts.yaml) is the list of them."
        ),
        bad=_DRILL.replace("- `state/heartbeat_status.json`\n", "- `state/heartbeat.json`\n"),
        good=_DRILL,
        check=check_evidence,
        kinds=_DRILLS,
        example_path=_DRILL_PATH,
        bad_files={
            **_FILES,
            _DRILL_PATH: _DRILL.replace(
                "- `state/heartbeat_status.json`\n", "- `state/heartbeat.json`\n"
            ),
        },
        good_files={**_FILES, _DRILL_PATH: _DRILL},
    ),
    Rule(
        id="RB603",
        name="drill-unknown-assertion-field",
        severity="error",
        summary="A drill asserts on an artifact field the artifact's schema does not define.",
        rationale=(
            "A pass/fail assertion on a field that does not exist can never pass, or passes "
            "because the check silently returns null."
        ),
        bad=_DRILL.replace("#status", "#state"),
        good=_DRILL,
        check=check_assertions,
        kinds=_DRILLS,
        example_path=_DRILL_PATH,
        bad_files={**_FILES, _DRILL_PATH: _DRILL.replace("#status", "#state")},
        good_files={**_FILES, _DRILL_PATH: _DRILL},
    ),
    Rule(
        id="RB604",
        name="drill-missing-sign-off",
        severity="error",
        summary="A drill has no sign-off section.",
        rationale=(
            "A drill counts as evidence of readiness only when someone signs that it ran and "
            "that the assertions held."
        ),
        bad=_without("## Sign-off"),
        good=_DRILL,
        check=check_sign_off,
        kinds=_DRILLS,
        example_path=_DRILL_PATH,
    ),
    Rule(
        id="RB605",
        name="drill-missing-reset",
        severity="error",
        summary="A drill has no reset or rollback step.",
        rationale=(
            "A drill injects a fault; without a step that removes it, the next person finds a "
            "broken environment and a real incident starts from a rehearsal."
        ),
        bad=_without("## Reset"),
        good=_DRILL,
        check=check_reset,
        kinds=_DRILLS,
        example_path=_DRILL_PATH,
    ),
)
