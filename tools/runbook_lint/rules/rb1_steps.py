"""RB120-RB123: the procedure is written as numbered steps, each with a checklist and a
Verification block."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document.procedure import procedure_steps, verification_gap
from ..findings import Hit
from .rb1_common import GOOD, template_rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document, Step
    from ..document.template import TemplateSpec


def _steps(doc: Document, ctx: Context) -> tuple[TemplateSpec | None, tuple[Step, ...]]:
    spec = ctx.library.template_for(doc)
    return spec, procedure_steps(doc, spec)


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


RB120 = template_rule(
    "RB120",
    "step-without-checklist",
    "A procedure step has no checklist.",
    "Checklists let the operator track progress under stress and record what was done. "
    "Every step lists its actions as '- [ ] action' items.",
    GOOD.replace("- [ ] Run `pg_dump", "Run `pg_dump"),
    check_checklist,
)


def check_verification(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec, steps = _steps(doc, ctx)
    if spec is None or not spec.verification:
        return
    for step in steps:
        gap = verification_gap(step)
        if gap is not None:
            yield Hit(gap.line, gap.column, gap.message)


RB121 = template_rule(
    "RB121",
    "step-without-verification",
    "A procedure step has no Verification block, or it is empty.",
    "FR146: runbooks include verification steps. Without one the operator cannot tell "
    "whether the step worked before moving on. Each step ends with '**Verification:**' "
    "and what the operator sees when it worked, and how to see it.",
    GOOD.replace(
        "**Verification:**\n\n- Expected outcome: `/backups/db.dump` exists and is "
        "not empty\n- Command to verify: `ls -l /backups/db.dump`\n",
        "",
    ),
    check_verification,
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


RB122 = template_rule(
    "RB122",
    "step-numbering",
    "Step numbers skip or repeat.",
    "Operators say 'I am on step 4' on the bridge call. Numbers that skip or repeat cause "
    "confusion about where someone is. Steps count from 1 in each scenario group.",
    GOOD.replace("### Step 1: Dump", "### Step 2: Dump"),
    check_numbering,
)


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


RB123 = template_rule(
    "RB123",
    "procedure-without-steps",
    "The procedure section has no 'Step N:' steps.",
    "Steps are the unit operators follow, tick and report. A procedure written as prose "
    "cannot be checked off or verified step by step.",
    GOOD.replace("### Step 1: Dump the database", "### Dump the database"),
    check_no_steps,
)


RULES = (RB120, RB121, RB122, RB123)
