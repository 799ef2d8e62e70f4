"""Rules: what one check is.

A rule is a frozen record: a stable id, a kebab-case name, a default severity, a one-line
summary, a rationale, a bad and a good example, and one check function. Per-document rules take
a Document; library rules take the whole Library. Both yield Hits; the engine turns them into
Findings with the rule's id and severity, applies suppressions and selection, and sorts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .findings import FAMILIES, ID_RE, SEVERITIES, Hit, Severity

if TYPE_CHECKING:
    from .context import Context
    from .document import Document
    from .library import Library

DOC_KINDS = frozenset({"runbook", "drill", "index", "template", "drill-template", "other"})
RUNBOOKS = frozenset({"runbook", "drill"})


DocCheck = Callable[["Document", "Context"], Iterable[Hit]]
LibraryCheck = Callable[["Library", "Context"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    rationale: str
    bad: str  # a Markdown example that triggers the rule
    good: str  # the same example, corrected
    check: DocCheck | None = None
    check_library: LibraryCheck | None = None
    kinds: frozenset[str] = RUNBOOKS  # document kinds a per-document check applies to
    fixable: bool = False
    # Files of a small library for examples one Markdown snippet cannot show
    # (path -> content); the snippet goes to `example_path` when these are absent.
    bad_files: Mapping[str, str] = field(default_factory=dict)
    good_files: Mapping[str, str] = field(default_factory=dict)
    example_path: str = "runbooks/example.md"
    options: Mapping[str, str] = field(default_factory=dict)  # option -> description
    runnable_examples: bool = True  # False when the examples describe files, not Markdown
    engine: bool = False  # reported by the engine itself (internal errors, suppressions)
    # Work every worker would repeat (loading contracts), done once in the main process
    # before the workers are forked.
    prepare: Callable[[Context], None] | None = None
    # The configuration table that switches this rule's family on (`markdown-style`): such a
    # rule runs when the configuration enables it or a selection names it. Empty: always on.
    switch: str = ""


def catalogue_order(rule: Rule) -> tuple[int, str]:
    """Where a rule sits in the catalogue: runbook-lint's own rules first, then by id."""
    family = rule.id[:2]
    return (FAMILIES.index(family) if family in FAMILIES else len(FAMILIES), rule.id)


_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def validate_rules(rules: Iterable[Rule]) -> dict[str, Rule]:
    """Check the catalogue's invariants and index it by id."""
    by_id: dict[str, Rule] = {}
    names: set[str] = set()
    for rule in rules:
        problems = []
        if not ID_RE.match(rule.id):
            problems.append("id must look like RB123 or MD013")
        if not _NAME_RE.match(rule.name):
            problems.append("name must be kebab-case")
        if rule.severity not in SEVERITIES:
            problems.append(f"unknown severity {rule.severity!r}")
        for attr in ("summary", "rationale", "bad", "good"):
            if not getattr(rule, attr).strip():
                problems.append(f"empty {attr}")
        checks = (rule.check is not None) + (rule.check_library is not None)
        if checks != (0 if rule.engine else 1):
            problems.append("needs exactly one of check / check_library (none for engine rules)")
        if rule.id in by_id:
            problems.append("duplicate id")
        if rule.name in names:
            problems.append("duplicate name")
        if not rule.kinds <= DOC_KINDS:
            problems.append(f"unknown kinds {sorted(rule.kinds - DOC_KINDS)}")
        if problems:
            raise ValueError(f"rule {rule.id} ({rule.name}): " + "; ".join(problems))
        by_id[rule.id] = rule
        names.add(rule.name)
    return by_id
