"""RB2xx: every step says whether it is OPERATIONAL or CONSTITUTIONAL (FR147)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document.procedure import governance_gap, label_gap, procedure_steps
from ..findings import Hit
from ..rule import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document, Step

_STEP = """\
### Step 1: Clear the halt flag

🔴 **CONSTITUTIONAL** (ADR-10, FR21: the 48-hour recovery waiting period has elapsed)

- [ ] Confirm the waiting period ended
- [ ] Clear the halt through the dual-channel procedure

**Verification:**

- Expected outcome: halt state reads `clear` on both channels
"""


def _wrap(step: str) -> str:
    return (
        "# Halt Recovery\n\nLast Updated: 2026-11-02\nVersion: 1.0\nOwner: Governance\n\n"
        "## Procedure\n\n" + step
    )


def _steps(doc: Document, ctx: Context) -> tuple[Step, ...]:
    return procedure_steps(doc, ctx.library.template_for(doc))


def check_missing_label(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec = ctx.library.template_for(doc)
    if spec is None or not spec.labels:
        return  # a template without labels does not ask for them; a label given is checked
    for step in _steps(doc, ctx):
        gap = label_gap(step)
        if gap is not None:
            yield Hit(gap.line, gap.column, gap.message)


def check_unknown_label(doc: Document, ctx: Context) -> Iterator[Hit]:
    for step in _steps(doc, ctx):
        for unknown in doc.unknown_labels(step.start_line, step.end_line):
            yield Hit(
                unknown.line,
                unknown.column,
                f"unknown label '{unknown.text}': use 🔵 OPERATIONAL or 🔴 CONSTITUTIONAL",
            )


def governance_patterns(ctx: Context) -> list[re.Pattern[str]]:
    """The `governance` setting's patterns, compiled once per run."""
    return ctx.lasting("governance-res", lambda: [re.compile(p) for p in ctx.config.governance])


def check_governance(doc: Document, ctx: Context) -> Iterator[Hit]:
    for step in _steps(doc, ctx):
        gap = governance_gap(doc, step, governance_patterns(ctx))
        if gap is not None:
            yield Hit(gap.line, gap.column, gap.message)


def check_label_emoji(doc: Document, ctx: Context) -> Iterator[Hit]:
    for step in _steps(doc, ctx):
        label = step.label
        if label is None:
            continue
        text = doc.line_text(label.line)
        wrong = "\U0001f534" if label.kind == "operational" else "\U0001f535"
        if wrong in text[max(label.column - 1, 0) : label.column + 2]:
            right = "🔵" if label.kind == "operational" else "🔴"
            yield Hit(
                label.line,
                label.column,
                f"label {label.kind.upper()} is marked with the wrong emoji; use {right}",
            )


RULES = (
    Rule(
        id="RB201",
        name="step-without-label",
        severity="error",
        summary="A procedure step is not labelled 🔵 OPERATIONAL or 🔴 CONSTITUTIONAL.",
        rationale=(
            "FR147: constitutional and operational procedures are clearly distinguished. An "
            "operator must know, before acting, whether a step only affects availability or "
            "touches governance and integrity guarantees. The label is the first paragraph of "
            "the step (or part of its heading); '[OPERATIONAL]' and '[CONSTITUTIONAL]' are the "
            "text forms for terminals that lose emoji."
        ),
        bad=_wrap(
            _STEP.replace(
                "🔴 **CONSTITUTIONAL** (ADR-10, FR21: the 48-hour recovery "
                "waiting period has elapsed)\n\n",
                "",
            )
        ),
        good=_wrap(_STEP),
        check=check_missing_label,
    ),
    Rule(
        id="RB202",
        name="unknown-label",
        severity="error",
        summary="A step carries a label other than OPERATIONAL or CONSTITUTIONAL.",
        rationale=(
            "The library has exactly two kinds of procedure. A third label ('🟡 ADVISORY') is "
            "not recognised by the site, the audit or the command checks, so the step is "
            "neither clearly operational nor clearly constitutional."
        ),
        bad=_wrap(
            _STEP.replace("🔴 **CONSTITUTIONAL**", "🔴 **CONSTITUTIONAL**\n\n🟡 **ADVISORY**")
        ),
        good=_wrap(_STEP),
        check=check_unknown_label,
    ),
    Rule(
        id="RB203",
        name="constitutional-without-governance",
        severity="error",
        summary="A constitutional step cites no governance requirement (ADR, FR, governance page).",
        rationale=(
            "Story 8.9 AC4: constitutional procedures reference governance requirements. The "
            "reference tells the operator why the step cannot be skipped or shortcut, and tells "
            "the auditor which requirement it implements."
        ),
        bad=_wrap(
            _STEP.replace(" (ADR-10, FR21: the 48-hour recovery waiting period has elapsed)", "")
        ),
        good=_wrap(_STEP),
        check=check_governance,
        options={
            "governance": "regular expressions that count as a governance reference "
            "(default: ADR-n and FRn ids)"
        },
    ),
    Rule(
        id="RB204",
        name="label-emoji-mismatch",
        severity="error",
        summary="A label uses the other kind's emoji (🔴 OPERATIONAL, 🔵 CONSTITUTIONAL).",
        rationale=(
            "Readers trust colour first. A red circle on an operational step, or a blue one on "
            "a constitutional step, says the opposite of the word next to it."
        ),
        bad=_wrap(_STEP.replace("🔴 **CONSTITUTIONAL**", "🔵 **CONSTITUTIONAL**")),
        good=_wrap(_STEP),
        check=check_label_emoji,
    ),
)
