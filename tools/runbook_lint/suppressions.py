"""Inline suppressions: `<!-- runbook-lint: disable=RB101 -- reason: ... -->`.

`disable=` covers the next block (a heading's whole section when the next block is a heading);
`disable-file=` covers the file. Ids may be prefixes (`RB1` covers the family); an id or prefix
that matches no catalogued rule is a bad directive (RB010), and the others still apply.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .document import Document
from .selection import matches, unknown_message

_DIRECTIVE_RE = re.compile(r"^runbook-lint\s*:\s*(?P<body>.*)$", re.IGNORECASE | re.DOTALL)
_DISABLE_RE = re.compile(
    r"^(?P<kind>disable|disable-file)\s*=\s*(?P<ids>[A-Za-z0-9_,\s]+?)\s*"
    r"(?:--\s*reason\s*:\s*(?P<reason>.*))?$",
    re.IGNORECASE | re.DOTALL,
)
# Directives other parts of runbook-lint read: template marks, signal justifications, and the
# site's generated-table includes.
KNOWN_DIRECTIVES = ("optional", "signals", "include")


@dataclass(frozen=True)
class Suppression:
    path: str
    line: int
    column: int
    rules: tuple[str, ...]
    first: int  # first line covered
    last: int  # last line covered
    whole_file: bool
    reason: str

    def covers(self, rule: str, line: int) -> bool:
        if not any(rule.startswith(prefix) for prefix in self.rules):
            return False
        return self.whole_file or self.first <= line <= self.last


@dataclass(frozen=True)
class BadDirective:
    line: int
    column: int
    message: str


def _covered_range(doc: Document, line: int) -> tuple[int, int]:
    for first, last in doc.block_ranges:
        if first > line:
            for heading in doc.headings:
                if heading.line == first:
                    return first, doc.section_end(heading)
            return first, last
    # a comment inside a nested block: cover up to the next blank line
    last = line
    while last < len(doc.lines) and doc.line_text(last + 1).strip():
        last += 1
    return line + 1, max(last, line + 1)


def parse(doc: Document, known: Collection[str]) -> tuple[list[Suppression], list[BadDirective]]:
    """The suppressions of `doc` and its bad directives; `known` is the catalogue's rule ids."""
    found: list[Suppression] = []
    bad: list[BadDirective] = []
    for comment in doc.comments:
        match = _DIRECTIVE_RE.match(comment.text)
        if not match:
            continue
        body = match.group("body").strip()
        if re.split(r"[\s=:]", body.lower(), maxsplit=1)[0] in KNOWN_DIRECTIVES:
            continue
        directive = _DISABLE_RE.match(body)
        if not directive:
            bad.append(
                BadDirective(
                    comment.line,
                    comment.column,
                    f"unrecognised runbook-lint directive {body[:60]!r}; "
                    "use disable=RBxxx or disable-file=RBxxx",
                )
            )
            continue
        named = tuple(i.strip().upper() for i in directive.group("ids").split(",") if i.strip())
        ids = tuple(i for i in named if matches(i, known))
        for wrong in (i for i in named if i not in ids):
            bad.append(
                BadDirective(
                    comment.line,
                    comment.column,
                    f"suppression names {unknown_message(wrong, known)}",
                )
            )
        if not ids:
            if not named:
                bad.append(BadDirective(comment.line, comment.column, "suppression names no rule"))
            continue
        whole = directive.group("kind").lower() == "disable-file"
        first, last = (1, len(doc.lines)) if whole else _covered_range(doc, comment.line)
        found.append(
            Suppression(
                path=doc.path,
                line=comment.line,
                column=comment.column,
                rules=ids,
                first=first,
                last=last,
                whole_file=whole,
                reason=(directive.group("reason") or "").strip(),
            )
        )
    return found, bad
