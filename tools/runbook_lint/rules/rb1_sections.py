"""RB101-RB105: the template's sections are all there, in order, once each, not empty, under
one title."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import Section, normalise_title
from ..findings import Hit
from .rb1_common import GOOD, template_rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document
    from ..document.template import TemplateSpec


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


RB101 = template_rule(
    "RB101",
    "missing-section",
    "A section the template requires is missing.",
    "The template's sections are what makes a runbook usable under stress: an operator "
    "knows where the trigger conditions, the escalation contacts and the rollback are "
    "without reading the whole page. Required sections come from the library's "
    "TEMPLATE.md (its '##' headings), or the Story 8.9 template when there is none; a "
    "section marked '<!-- runbook-lint: optional -->' in the template may be left out.",
    GOOD.replace(
        "## Rollback\n\nNot applicable: taking a backup changes nothing that needs undoing.\n\n",
        "",
    ),
    check_missing,
    fixable=True,
)


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


def _swap(text: str, first: str, second: str, stop: str) -> str:
    """Move the `second` section (up to `stop`) in front of the `first` one."""
    a, b, c = text.index(first), text.index(second), text.index(stop)
    return text[:a] + text[b:c] + text[a:b] + text[c:]


RB102 = template_rule(
    "RB102",
    "section-order",
    "Sections are not in the template's order.",
    "Operators scan runbooks by position as much as by heading. When every runbook keeps "
    "the template's order, the escalation table is always just before the rollback.",
    _swap(GOOD, "## Escalation", "## Rollback", "## References"),
    check_order,
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


RB103 = template_rule(
    "RB103",
    "duplicate-section",
    "A template section appears twice.",
    "Two 'Escalation' sections mean one of them is stale, and the operator cannot know "
    "which. Merge them.",
    GOOD + "\n## Escalation\n\n| Condition | Escalate To | Contact |\n|---|---|---|\n"
    "| Any | Duty manager | pager |\n",
    check_duplicate,
)


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


RB104 = template_rule(
    "RB104",
    "empty-section",
    "A template section has a heading but no content.",
    "An empty section looks complete in a table of contents and fails the operator who "
    "opens it. Rollback may be short, but it must say why it does not apply.",
    GOOD.replace("Not applicable: taking a backup changes nothing that needs undoing.\n\n", ""),
    check_empty,
)


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


RB105 = template_rule(
    "RB105",
    "title",
    "The runbook has no '# Title', it is not the first heading, or there are two.",
    "The title names the runbook in the index, the site navigation and search results. "
    "Exactly one '#' heading, first.",
    GOOD.replace("# Backup Procedures\n", "Backup Procedures\n"),
    check_title,
)


RULES = (RB101, RB102, RB103, RB104, RB105)
