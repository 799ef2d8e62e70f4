"""RB009-RB010: suppression comments. The engine reports these itself (`engine.py`), from the
comments `suppressions.py` reads, so the records here carry no check of their own."""

from __future__ import annotations

from ..rule import DOC_KINDS, Rule
from .rb1_common import GOOD

_SUPPRESSED = GOOD.replace(
    "### Step 1: Dump the database",
    "<!-- runbook-lint: disable=RB121 -- reason: the dump is checked by the next runbook -->\n"
    "### Step 1: Dump the database",
)

UNUSED_SUPPRESSION = Rule(
    id="RB009",
    name="unused-suppression",
    severity="warning",
    engine=True,
    summary="A suppression comment matches no finding.",
    rationale=(
        "A suppression is a justified exception to one rule at one place. Once the text it "
        "excused is fixed or moved, a left-over comment silently excuses whatever is written "
        "there next, and the audit lists an exception that no longer exists. Remove it. A "
        "suppression of a rule that did not run (deselected with --select or --ignore) is not "
        "judged."
    ),
    bad=_SUPPRESSED,
    good=_SUPPRESSED.replace(
        "**Verification:**\n\n- Expected outcome: `/backups/db.dump` exists and is "
        "not empty\n- Command to verify: `ls -l /backups/db.dump`\n",
        "",
    ),
    kinds=DOC_KINDS,
)

BAD_DIRECTIVE = Rule(
    id="RB010",
    name="bad-directive",
    severity="error",
    engine=True,
    summary="A runbook-lint comment is not a directive the linter knows, or names no "
    "catalogued rule.",
    rationale=(
        "A misspelt directive ('disabel=') or a rule id that does not exist ('RB999', a "
        "typo of 'RB121') excuses nothing, yet reads as if it did: the author believes a "
        "finding is handled and a reviewer believes it was justified. Directives are "
        "'disable=' (the next block) and 'disable-file=' (the whole file), followed by rule "
        "ids or prefixes that `runbook-lint rules` lists."
    ),
    bad=GOOD.replace("## Rollback", "<!-- runbook-lint: disable=RB999 -->\n## Rollback"),
    good=GOOD,
    kinds=DOC_KINDS,
)

RULES = (UNUSED_SUPPRESSION, BAD_DIRECTIVE)
