"""What a check reports: a Hit from a rule, the Finding the engine makes of it, and the Fix
(text Edits) a finding may carry. Reporters, the cache and `--fix` read these records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# Rule id families: runbook-lint's own rules (RB) and generic Markdown style (MD, the
# markdownlint ids pymarkdownlnt reports). The catalogue (`rule.py`) holds ids of this shape.
FAMILIES = ("RB", "MD")
_FAMILY = "|".join(FAMILIES)
ID_RE = re.compile(rf"^(?:{_FAMILY})\d{{3}}$")
# A rule id or a prefix of one, as selections and suppressions name rules.
ID_PREFIX_RE = re.compile(rf"^(?:{_FAMILY})\d{{0,3}}$")


@dataclass(frozen=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions of a file."""

    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]
    path: str | None = None  # another file than the finding's (e.g. the index)


@dataclass(frozen=True)
class Hit:
    line: int
    column: int
    message: str
    path: str | None = None  # required for library rules; defaults to the document's path
    fix: Fix | None = None


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    fix: Fix | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }
