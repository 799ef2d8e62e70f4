"""The rule catalogue: every rule module, validated once at import."""

from __future__ import annotations

import importlib
from functools import cache

from ..rule import Rule, catalogue_order, validate_rules

# Rule modules, by family. Each exports RULES: tuple[Rule, ...].
MODULES = (
    "rb0_file",
    "rb0_suppressions",
    "rb1_sections",
    "rb1_metadata",
    "rb1_steps",
    "rb1_tables",
    "rb1_contacts",
    "rb1_leftovers",
    "rb1_verification",
    "rb1_glance",
    "rb2_labels",
    "rb3_links",
    "rb3_signals",
    "rb3_levels",
    "rb3_coverage",
    "rb4_text",
    "rb4_commands",
    "rb5_artifacts",
    "rb6_drills",
    "rb7_freshness",
    "md_headings",  # generic Markdown style (pymarkdownlnt), when switched on
    "md_blocks",
    "md_inline",
)


@cache
def all_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        rules.extend(module.RULES)
    rules.sort(key=catalogue_order)
    validate_rules(rules)
    return tuple(rules)


def by_id() -> dict[str, Rule]:
    return {r.id: r for r in all_rules()}
