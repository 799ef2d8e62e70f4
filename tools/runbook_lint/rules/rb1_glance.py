"""RB140-RB143: the At a glance section, what an operator reads first at 3 a.m.

A runbook whose template has an `## At a glance` section says there, in order: when to use it,
its severity, the first safe command, and where to escalate (`document/glance.py` reads it).
RB101/RB102 see that the section is there and first; these rules check what it says: all four
parts (RB140), one severity linked to the index's severity levels (RB141; whether it equals the
index's runbook table is RB330's), a first command that only reads (RB142), and an Escalate line
that leads to the page's Escalation table, or for a drill to its runbook's (RB143).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..document.glance import ESCALATE, FIRST_COMMAND, LABELS, PARTS, SEVERITY, USE, glance
from ..document.index_tables import may_be_severity
from ..document.levels import LEVELS, index_levels, level_tokens
from ..document.markdown import table_tokens
from ..findings import Hit
from ..library.facts import TEXT, fact
from ..library.links import split_target
from ..rule import DocCheck, Rule
from .rb1_common import template_rule

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ..context import Context
    from ..document import Document

ESCALATION = "Escalation"
_ORDER = ", ".join(f"'**{LABELS[name]}**'" for name in PARTS)


def _severity_tokens(text: str) -> tuple[Token, ...]:
    return table_tokens(text, may_be_severity)


@fact("severity-anchor", partial=_severity_tokens, kept=TEXT)
def severity_anchor(doc: Document) -> str | None:
    """The anchor of the heading above the index's severity definitions, if it has them."""
    line = index_levels(doc).definitions
    if line is None:
        return None
    heading = doc.heading_at(line)
    return heading.slug if heading is not None else None


def check_parts(doc: Document, ctx: Context) -> Iterator[Hit]:
    found = glance(doc)
    if found is None:
        return
    heading = found.section.heading
    seen: list[str] = []
    for part in found.parts:
        label = LABELS[part.name]
        if part.name in seen:
            yield Hit(part.line, part.column, f"'**{label}**' appears twice in At a glance")
            continue
        later = [name for name in seen if PARTS.index(name) > PARTS.index(part.name)]
        if later:
            yield Hit(
                part.line,
                part.column,
                f"'**{label}**' comes after '**{LABELS[later[0]]}**': At a glance reads "
                f"{_ORDER}, in that order",
            )
        seen.append(part.name)
        if part.name in (USE, ESCALATE) and not part.rest.strip(" :*_"):
            yield Hit(part.line, part.column, f"'**{label}**' says nothing after its label")
    for name in PARTS:
        if name not in seen:
            yield Hit(
                heading.line,
                heading.column,
                f"At a glance has no '**{LABELS[name]}**' part: it holds {_ORDER}",
            )


def check_severity(doc: Document, ctx: Context) -> Iterator[Hit]:
    found = glance(doc)
    part = found.part(SEVERITY) if found is not None else None
    if part is None:
        return  # RB140
    library = ctx.library
    index = library.display(library.index_path)
    levels = level_tokens(doc, part.paragraph)
    if not levels:
        yield Hit(
            part.line,
            part.column,
            f"the severity names no level: write one of {', '.join(LEVELS)}, linked to the "
            f"index's severity levels ({index})",
        )
        return
    if len(levels) > 1:
        named = ", ".join(m.level for m in levels)
        yield Hit(
            levels[1].line,
            levels[1].column,
            f"the severity names {len(levels)} levels ({named}): a runbook has one severity",
        )
    level = levels[0]
    anchor = (
        library.fact(library.index_path, "severity-anchor")
        if library.index_path.is_file()
        else None
    )
    wanted = f"{index}#{anchor}" if anchor else index
    if level.link is None:
        yield Hit(
            level.line,
            level.column,
            f"write the severity as a link to the index's severity levels ({wanted}), so the "
            "operator reads what the level means and what to do",
        )
        return
    fragment = split_target(level.link.strip())[2]
    target = library.linked_file(doc, level.link)
    at_index = target is not None and target.resolve() == library.index_path.resolve()
    if not at_index or (anchor and fragment != anchor):
        yield Hit(
            level.line,
            level.column,
            f"the severity links to '{level.link}', not to the index's severity levels ({wanted})",
        )


def check_first_command(doc: Document, ctx: Context) -> Iterator[Hit]:
    from ..shell.snippets import from_block

    found = glance(doc)
    part = found.part(FIRST_COMMAND) if found is not None else None
    if found is None or part is None:
        return  # RB140
    blocks = found.blocks_of(part)
    if not blocks:
        yield Hit(
            part.line,
            part.column,
            "the first safe command has no command block: put exactly one ```bash block after it",
        )
        return
    for extra in blocks[1:]:
        yield Hit(
            extra.line,
            extra.column,
            f"the first safe command is one shell block; this is block {blocks.index(extra) + 1}",
        )
    snippet = from_block(blocks[0])
    if snippet is None:
        lang = blocks[0].lang or "unmarked"
        yield Hit(
            blocks[0].line,
            blocks[0].column,
            f"the first safe command is a {lang} block: write it as a ```bash block",
        )
        return
    from ..errors import UsageError
    from ..shell.introspect import IntrospectionError
    from ..shell.loader import ContractError
    from ..shell.programs import run_registry
    from ..shell.readonly import changes

    path = doc.path
    with contextlib.suppress(ValueError):
        path = ctx.library.absolute(doc.path).relative_to(ctx.library.root).as_posix()
    try:
        found_changes = changes(snippet, run_registry(ctx), path)
    except (ContractError, IntrospectionError) as e:
        raise UsageError(str(e)) from e
    for change in found_changes:
        line, column = snippet.position(change.offset)
        yield Hit(line, column, f"the first safe command must only read: {change.message}")


def _escalation_of(doc: Document, ctx: Context) -> tuple[Path, Document | None, str] | None:
    """The page whose Escalation section the Escalate line must lead to, that page, and how
    to name it; None when a drill names no runbook (RB601 reports it)."""
    library = ctx.library
    if doc.kind != "drill":
        return library.absolute(doc.path).resolve(), doc, "this page's"
    declared = doc.declared_runbook
    if declared is None or declared.target is None:
        return None
    for candidate in library.declared_runbook_paths(doc, declared.target):
        if candidate.is_file():
            return candidate, library.document(candidate), f"{library.display(candidate)}'s"
    return None


def check_escalate(doc: Document, ctx: Context) -> Iterator[Hit]:
    found = glance(doc)
    part = found.part(ESCALATE) if found is not None else None
    where = _escalation_of(doc, ctx) if part is not None else None
    if part is None or where is None:
        return
    path, page, whose = where
    section = page.section(ESCALATION) if page is not None else None
    if page is None or section is None:
        return  # RB101 reports the missing section
    anchor = section.heading.slug
    own = page is doc
    leads = False
    for link in part.links:
        _, link_path, fragment = split_target(link.target.strip())
        target = ctx.library.linked_file(doc, link.target) if link_path else None
        same = (own and not link_path) or (target is not None and target.resolve() == path)
        leads = leads or (same and fragment == anchor)
    if not leads:
        shown = f"#{anchor}" if own else f"{ctx.library.display(path)}#{anchor}"
        yield Hit(
            part.line,
            part.column,
            f"Escalate does not link to {whose} Escalation section ({shown}): link it there, "
            "so the operator lands on the table of whom to call",
        )
        return
    rows = sum(
        len(table.rows)
        for table in page.tables
        if section.start_line < table.line <= section.end_line
    )
    if rows == 0:
        yield Hit(
            part.line,
            part.column,
            f"Escalate leads to {whose} Escalation section, which has no table rows",
        )


# -- the catalogue -----------------------------------------------------------------------------

_GLANCE = """\
## At a glance

**Use it when:** the health check reports `degraded` or `down`.

**Severity:** [MEDIUM](index.md#severity-levels)

**First safe command** (read-only, changes nothing):

```bash
jq '.status' state/health.json
```

**Escalate:** [Escalation](#escalation): still degraded after 15 minutes (platform on-call).
"""

_BODY = """\

## Procedure

Restart the worker.

## Escalation

| Condition | Escalate To | Contact |
|-----------|-------------|---------|
| Still degraded after 15 minutes | Platform on-call | pager (see index) |
"""

_INDEX = """\
# Runbook Index

| Runbook | Severity |
|---------|----------|
| [Health](example.md) | MEDIUM |

## Severity Levels

| Severity | What it means | What you do |
|----------|---------------|-------------|
| CRITICAL | The record is in doubt | Page now |
| MEDIUM | Degraded | Start within 15 minutes |
"""


def _example(glance_text: str) -> str:
    return "# Health Checks\n\n" + glance_text + _BODY


GOOD = _example(_GLANCE)


def _rule(id: str, name: str, summary: str, rationale: str, bad: str, check: DocCheck) -> Rule:
    return template_rule(
        id,
        name,
        summary,
        rationale,
        _example(bad),
        check,
        good=GOOD,
        files={"runbooks/index.md": _INDEX},
    )


RULES = (
    _rule(
        "RB140",
        "glance-incomplete",
        "The At a glance section lacks one of its four parts, or has them out of order.",
        "At a glance is what the operator reads before anything else: when to use the page, "
        "how severe it is, the first command that is safe to run, and where to escalate. A "
        "missing part sends them scrolling; a part out of order is one they may not reach. "
        f"It holds {_ORDER}, each a paragraph starting with its label in bold.",
        _GLANCE.replace("**Severity:** [MEDIUM](index.md#severity-levels)\n\n", ""),
        check_parts,
    ),
    _rule(
        "RB141",
        "glance-severity",
        "The At a glance severity is not exactly one level linked to the index's severity levels.",
        "A severity is only useful with its meaning: what the level asks the operator to do "
        "(page whom, how fast). The index defines the levels once; the runbook names one of "
        "CRITICAL, HIGH, MEDIUM, LOW, INFO as a link to that definition. Whether it matches the "
        "index's runbook table is RB330's check.",
        _GLANCE.replace("[MEDIUM](index.md#severity-levels)", "MEDIUM"),
        check_severity,
    ),
    _rule(
        "RB142",
        "glance-unsafe-first-command",
        "The first safe command is not one shell block that only reads.",
        "The first command runs before the operator has understood the incident, so it must "
        "change nothing: one shell block that parses and runs only commands known to read "
        "(contract commands marked readOnly, none constitutional or destructive; common "
        "read-only tools such as jq, cat or grep; assignments and cd), with no redirection "
        "that writes a file and no rm, mv, kill or sed -i.",
        _GLANCE.replace(
            "jq '.status' state/health.json", "jq '.status' state/health.json > status.txt"
        ),
        check_first_command,
    ),
    _rule(
        "RB143",
        "glance-escalate-target",
        "The At a glance Escalate line does not lead to the page's Escalation table.",
        "Under stress the operator follows the link, not the prose: Escalate links to this "
        "page's Escalation section (a drill: to its runbook's), and that section has rows "
        "saying whom to call.",
        _GLANCE.replace("[Escalation](#escalation)", "Escalation"),
        check_escalate,
    ),
)
