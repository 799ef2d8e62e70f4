"""RB1xx: the runbook follows its template: sections, metadata, steps, escalation table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import Section, normalise_title
from ..findings import Hit
from ..rule import DOC_KINDS, DocCheck, Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document, Step, Table
    from ..document.template import TemplateSection, TemplateSpec

_GOOD = """\
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
| Dump fails twice | Database on-call | pager (see index) |

## Rollback

Not applicable: taking a backup changes nothing that needs undoing.

## References

- [Recovery](recovery.md)
"""


def _matched(doc: Document, spec: TemplateSpec) -> list[tuple[Section, int]]:
    """The document's sections that the template knows, with their template position."""
    order = {s.key: i for i, s in enumerate(spec.sections)}
    return [
        (sec, order[normalise_title(sec.title)])
        for sec in doc.sections
        if normalise_title(sec.title) in order
    ]


def check_missing(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec = ctx.library.template_for(doc)
    if spec is None:
        return
    present = {normalise_title(s.title) for s in doc.sections}
    matched = _matched(doc, spec)
    missing: list[tuple[int, str]] = []
    for position, section in enumerate(spec.sections):
        if section.optional or section.key in present:
            continue
        # Point where the section belongs: at the next template section present.
        line = len(doc.lines)
        for sec, index in matched:
            if index > position:
                line = sec.start_line
                break
        missing.append((line, section.title))
    if not missing:
        return
    from ..fixes.sections import missing_sections_fix  # the fix builder, for a file that needs it

    where = f" (template: {spec.path})" if spec.path else ""
    for line, title in missing:
        # Sections missing at the same place share one fix that adds them in template order.
        fix = missing_sections_fix(doc, line, [t for at, t in missing if at == line])
        yield Hit(line, 1, f"missing required section '{title}'{where}", fix=fix)


def _longest_increasing(values: list[int]) -> set[int]:
    """Indices of one longest strictly increasing subsequence."""
    best: list[int] = []
    length = [1] * len(values)
    prev = [-1] * len(values)
    for i, value in enumerate(values):
        for j in range(i):
            if values[j] < value and length[j] + 1 > length[i]:
                length[i], prev[i] = length[j] + 1, j
    if values:
        i = max(range(len(values)), key=lambda k: length[k])
        while i >= 0:
            best.append(i)
            i = prev[i]
    return set(best)


def check_order(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec = ctx.library.template_for(doc)
    if spec is None:
        return
    seen: set[int] = set()
    matched = []
    for sec, index in _matched(doc, spec):
        if index not in seen:
            seen.add(index)
            matched.append((sec, index))
    keep = _longest_increasing([index for _, index in matched])
    for position, (sec, index) in enumerate(matched):
        if position in keep:
            continue
        before = [spec.sections[i].title for _, i in matched if i < index]
        after = spec.sections[index - 1].title if index > 0 else None
        hint = f"; the template puts it after '{after}'" if after else "; it comes first"
        del before
        yield Hit(
            sec.heading.line,
            sec.heading.column,
            f"section '{sec.title}' is out of template order{hint}",
        )


def check_duplicate(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec = ctx.library.template_for(doc)
    if spec is None:
        return
    first: dict[str, int] = {}
    for sec in doc.sections:
        key = normalise_title(sec.title)
        if spec.section_for(sec.title) is None:
            continue
        if key in first:
            yield Hit(
                sec.heading.line,
                sec.heading.column,
                f"section '{sec.title}' appears again (first at line {first[key]})",
            )
        else:
            first[key] = sec.heading.line


_COMMENT_ONLY = re.compile(r"<!--.*?-->", re.DOTALL)


def check_empty(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec = ctx.library.template_for(doc)
    if spec is None:
        return
    for sec in doc.sections:
        if spec.section_for(sec.title) is None:
            continue
        body = _COMMENT_ONLY.sub("", doc.section_body(sec)).strip()
        if body:
            continue
        if normalise_title(sec.title) == "rollback":
            message = (
                "section 'Rollback' is empty: list the rollback steps, or say why none "
                "apply ('Not applicable: ...')"
            )
        else:
            message = f"section '{sec.title}' is empty"
        yield Hit(sec.heading.line, sec.heading.column, message)


def check_title(doc: Document, ctx: Context) -> Iterator[Hit]:
    if ctx.library.template_for(doc) is None:
        return
    titles = [h for h in doc.headings if h.level == 1]
    if not titles:
        yield Hit(1, 1, "runbook has no title: start it with a '# Title' heading")
        return
    first = doc.headings[0]
    if first.level != 1:
        yield Hit(first.line, first.column, "the first heading should be the '# Title'")
    for extra in titles[1:]:
        yield Hit(
            extra.line,
            extra.column,
            f"second title '{extra.text}': a runbook has one '#' heading; use '##'",
        )


_LABELS = {"last_updated": "Last Updated", "version": "Version", "owner": "Owner"}
_VERSION_RE = re.compile(r"^v?\d+(?:\.\d+){0,2}(?:[-+][0-9A-Za-z.-]+)?$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def check_metadata(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec = ctx.library.template_for(doc)
    if spec is None:
        return
    anchor = doc.title.line if doc.title else 1
    for key in spec.metadata:
        name = _LABELS.get(key, key.replace("_", " ").title())
        field = doc.metadata.get(key)
        if field is None:
            yield Hit(anchor, 1, f"missing '{name}:' line under the title")
        elif not field.value:
            yield Hit(field.line, field.column, f"'{name}:' has no value")


def check_front_matter(doc: Document, ctx: Context) -> Iterator[Hit]:
    error = doc.front_matter_error
    if error is not None:
        yield Hit(error[0], 1, f"front matter cannot be read: {error[1]}")


def check_date(doc: Document, ctx: Context) -> Iterator[Hit]:
    field = doc.metadata.get("last_updated")
    if field is None or not field.value or ctx.library.template_for(doc) is None:
        return
    match = _DATE_RE.match(field.value)
    if not match:
        yield Hit(
            field.line,
            field.column,
            f"'Last Updated: {field.value}' is not a date in YYYY-MM-DD form",
        )
        return
    try:
        date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        yield Hit(field.line, field.column, f"'Last Updated: {field.value}' is not a real date")
        return
    if date > ctx.today:
        yield Hit(
            field.line,
            field.column,
            f"'Last Updated: {field.value}' is in the future (today is {ctx.today})",
        )


def check_version(doc: Document, ctx: Context) -> Iterator[Hit]:
    field = doc.metadata.get("version")
    if field is None or not field.value or ctx.library.template_for(doc) is None:
        return
    if not _VERSION_RE.match(field.value):
        yield Hit(
            field.line,
            field.column,
            f"'Version: {field.value}' is not a version number such as 1.0 or 2.1.3",
        )


def _steps(doc: Document, ctx: Context) -> tuple[TemplateSpec | None, tuple[Step, ...]]:
    spec = ctx.library.template_for(doc)
    if spec is None or spec.step_section is None:
        return spec, ()
    return spec, doc.steps_in(spec.step_section)


def check_no_steps(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec, steps = _steps(doc, ctx)
    if spec is None or spec.step_section is None or steps:
        return
    section = doc.section(spec.step_section)
    if section is not None:
        yield Hit(
            section.heading.line,
            section.heading.column,
            f"section '{section.title}' has no steps: write them as '### Step 1: Name' headings",
        )


def check_checklist(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec, steps = _steps(doc, ctx)
    if spec is None or not spec.checklists:
        return
    for step in steps:
        if not step.checklist:
            yield Hit(
                step.heading.line,
                step.heading.column,
                f"step '{step.heading.text}' has no checklist ('- [ ] action' items)",
            )


def check_verification(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec, steps = _steps(doc, ctx)
    if spec is None or not spec.verification:
        return
    for step in steps:
        if step.verification is None:
            yield Hit(
                step.heading.line,
                step.heading.column,
                f"step '{step.heading.text}' has no '**Verification:**' block",
            )
        elif not step.verification.items:
            yield Hit(
                step.verification.line,
                step.verification.column,
                "Verification block is empty: say what the operator sees when the step "
                "worked and how to see it",
            )


def check_numbering(doc: Document, ctx: Context) -> Iterator[Hit]:
    _, steps = _steps(doc, ctx)
    expected: dict[int | None, int] = {}
    for step in steps:
        group = step.group.line if step.group else None
        want = expected.get(group, 1)
        if step.number != want:
            yield Hit(
                step.heading.line,
                step.heading.column,
                f"step numbered {step.number}, expected {want}",
            )
        expected[group] = (step.number or want) + 1


def _tabled_sections(
    doc: Document, ctx: Context
) -> Iterator[tuple[TemplateSection, Section, Table | None]]:
    """Each section the template gives a table, as present in `doc`, with its first table."""
    spec = ctx.library.template_for(doc)
    if spec is None:
        return
    for tsec in spec.sections:
        if not tsec.table_columns:
            continue
        sec = doc.section(tsec.title)
        if sec is None:
            continue
        table = next((t for t in doc.tables if sec.start_line < t.line <= sec.end_line), None)
        yield tsec, sec, table


def check_tables(doc: Document, ctx: Context) -> Iterator[Hit]:
    for tsec, sec, table in _tabled_sections(doc, ctx):
        columns = " | ".join(tsec.table_columns)
        if table is None:
            yield Hit(
                sec.heading.line,
                sec.heading.column,
                f"section '{sec.title}' needs a table with columns {columns}",
            )
            continue
        have = [normalise_title(c.text) for c in table.header]
        missing = [c for c in tsec.table_columns if normalise_title(c) not in have]
        if missing:
            yield Hit(
                table.line,
                1,
                f"table in '{sec.title}' lacks column(s) {', '.join(missing)}; expected {columns}",
            )
        if not table.rows:
            yield Hit(table.line, 1, f"table in '{sec.title}' has no rows")


def check_table_cells(doc: Document, ctx: Context) -> Iterator[Hit]:
    for _, sec, table in _tabled_sections(doc, ctx):
        if table is None:
            continue
        header = [c.text for c in table.header]
        for row in table.rows:
            for index, cell in enumerate(row):
                if not cell.text.strip():
                    name = header[index] if index < len(header) else f"column {index + 1}"
                    yield Hit(
                        cell.line or table.line,
                        cell.column or 1,
                        f"empty '{name}' cell in the '{sec.title}' table",
                    )


def _swap(text: str, first: str, second: str, stop: str) -> str:
    """Move the `second` section (up to `stop`) in front of the `first` one."""
    a, b, c = text.index(first), text.index(second), text.index(stop)
    return text[:a] + text[b:c] + text[a:b] + text[c:]


def _rule(
    id: str,
    name: str,
    summary: str,
    rationale: str,
    bad: str,
    check: DocCheck,
    fixable: bool = False,
) -> Rule:
    return Rule(
        id=id,
        name=name,
        severity="error",
        summary=summary,
        rationale=rationale,
        bad=bad,
        good=_GOOD,
        check=check,
        fixable=fixable,
    )


RULES = (
    _rule(
        "RB101",
        "missing-section",
        "A section the template requires is missing.",
        "The template's sections are what makes a runbook usable under stress: an operator "
        "knows where the trigger conditions, the escalation contacts and the rollback are "
        "without reading the whole page. Required sections come from the library's "
        "TEMPLATE.md (its '##' headings), or the Story 8.9 template when there is none; a "
        "section marked '<!-- runbook-lint: optional -->' in the template may be left out.",
        _GOOD.replace(
            "## Rollback\n\nNot applicable: taking a backup changes nothing that "
            "needs undoing.\n\n",
            "",
        ),
        check_missing,
        fixable=True,
    ),
    _rule(
        "RB102",
        "section-order",
        "Sections are not in the template's order.",
        "Operators scan runbooks by position as much as by heading. When every runbook keeps "
        "the template's order, the escalation table is always just before the rollback.",
        _swap(_GOOD, "## Escalation", "## Rollback", "## References"),
        check_order,
    ),
    _rule(
        "RB103",
        "duplicate-section",
        "A template section appears twice.",
        "Two 'Escalation' sections mean one of them is stale, and the operator cannot know "
        "which. Merge them.",
        _GOOD + "\n## Escalation\n\n| Condition | Escalate To | Contact |\n|---|---|---|\n"
        "| Any | Duty manager | pager |\n",
        check_duplicate,
    ),
    _rule(
        "RB104",
        "empty-section",
        "A template section has a heading but no content.",
        "An empty section looks complete in a table of contents and fails the operator who "
        "opens it. Rollback may be short, but it must say why it does not apply.",
        _GOOD.replace(
            "Not applicable: taking a backup changes nothing that needs undoing.\n\n", ""
        ),
        check_empty,
    ),
    _rule(
        "RB105",
        "title",
        "The runbook has no '# Title', it is not the first heading, or there are two.",
        "The title names the runbook in the index, the site navigation and search results. "
        "Exactly one '#' heading, first.",
        _GOOD.replace("# Backup Procedures\n", "Backup Procedures\n"),
        check_title,
    ),
    _rule(
        "RB110",
        "missing-metadata",
        "A metadata line the template shows (Last Updated, Version, Owner) is missing or empty.",
        "During an incident the operator needs to know whether the runbook is current and who "
        "owns it. The template's 'Last Updated:', 'Version:' and 'Owner:' lines (or the same "
        "keys in YAML front matter) are required.",
        _GOOD.replace("Owner: Platform Operations\n", ""),
        check_metadata,
    ),
    Rule(
        id="RB113",
        name="invalid-front-matter",
        severity="error",
        summary="YAML front matter is not a plain mapping, or uses anchors, aliases or tags.",
        rationale=(
            "Front matter is loaded safely: plain keys and values only. Anchors and aliases "
            "(the 'billion laughs' expansion) and tags that construct objects are refused, and "
            "a mapping that cannot be read means the metadata it holds is lost."
        ),
        bad="---\nowner: &o Platform\nreviewer: *o\n---\n\n# Backup\n",
        good="---\nowner: Platform\nreviewer: Platform\n---\n\n# Backup\n",
        check=check_front_matter,
        kinds=DOC_KINDS,
    ),
    _rule(
        "RB111",
        "invalid-date",
        "'Last Updated' is not a real YYYY-MM-DD date, or it is in the future.",
        "A date that cannot be read, or one in the future, makes freshness impossible to judge "
        "and usually means a typo.",
        _GOOD.replace("2026-11-02", "2026-13-02"),
        check_date,
    ),
    _rule(
        "RB112",
        "invalid-version",
        "'Version' is not a version number.",
        "The version tells the operator which edition of the procedure they followed; it is "
        "quoted in incident evidence, so it must be a plain number such as 1.0 or 2.1.3.",
        _GOOD.replace("Version: 1.0", "Version: latest"),
        check_version,
    ),
    _rule(
        "RB120",
        "step-without-checklist",
        "A procedure step has no checklist.",
        "Checklists let the operator track progress under stress and record what was done. "
        "Every step lists its actions as '- [ ] action' items.",
        _GOOD.replace("- [ ] Run `pg_dump", "Run `pg_dump"),
        check_checklist,
    ),
    _rule(
        "RB121",
        "step-without-verification",
        "A procedure step has no Verification block, or it is empty.",
        "FR146: runbooks include verification steps. Without one the operator cannot tell "
        "whether the step worked before moving on. Each step ends with '**Verification:**' "
        "and what the operator sees when it worked, and how to see it.",
        _GOOD.replace(
            "**Verification:**\n\n- Expected outcome: `/backups/db.dump` exists and is "
            "not empty\n- Command to verify: `ls -l /backups/db.dump`\n",
            "",
        ),
        check_verification,
    ),
    _rule(
        "RB122",
        "step-numbering",
        "Step numbers skip or repeat.",
        "Operators say 'I am on step 4' on the bridge call. Numbers that skip or repeat cause "
        "confusion about where someone is. Steps count from 1 in each scenario group.",
        _GOOD.replace("### Step 1: Dump", "### Step 2: Dump"),
        check_numbering,
    ),
    _rule(
        "RB123",
        "procedure-without-steps",
        "The procedure section has no 'Step N:' steps.",
        "Steps are the unit operators follow, tick and report. A procedure written as prose "
        "cannot be checked off or verified step by step.",
        _GOOD.replace("### Step 1: Dump the database", "### Dump the database"),
        check_no_steps,
    ),
    _rule(
        "RB130",
        "table-columns",
        "A section the template gives a table (Escalation) lacks it or its columns.",
        "FR146: runbooks include escalation paths. The escalation table's Condition | "
        "Escalate To | Contact columns answer, at a glance, who to call and when.",
        _GOOD.replace("| Condition | Escalate To | Contact |", "| Condition | Team | Contact |"),
        check_tables,
    ),
    _rule(
        "RB131",
        "empty-table-cell",
        "A row of the escalation table has an empty cell.",
        "An escalation row without a contact or a role is a dead end in the middle of an "
        "incident. Write a placeholder pointing to the contacts list rather than nothing.",
        _GOOD.replace("| Database on-call | pager (see index) |", "| Database on-call |  |"),
        check_table_cells,
    ),
)
