"""Profiles: which rules a library of a given shape gets. Data only, in one place.

A family is a named set of rule-id prefixes; a profile lists the families it enables and the
sections its runbooks must have when the library has no template file of its own. A rule
whose id matches no family of a profile is off in that profile, except in a profile that
enables every rule (`ALL`).

- story-8.9: this project's full template (metadata, steps, labels, Verification,
  escalation): every rule.
- alert-runbook: alert runbooks with Meaning / Impact / Diagnosis / Mitigation: the generic
  families and the sections.
- generic: any Markdown library: file, front matter, links, text, commands.

Adding a rule to a profile is one line: give its prefix to a family (or a new family) below,
and name the family in the profiles that should run it. A new rule that no family names runs
in story-8.9 only.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = "*"

FAMILIES: dict[str, tuple[str, ...]] = {
    # Encoding and readability of every file, and the engine's own findings (suppressions).
    "file": ("RB0",),
    "front-matter": ("RB113",),
    "links": ("RB303", "RB304", "RB305", "RB306"),
    "text": ("RB401", "RB402", "RB403"),
    "commands": ("RB42", "RB43"),
    "sections": ("RB101", "RB102", "RB103", "RB104", "RB105"),
    "metadata": ("RB110", "RB111", "RB112"),
    "steps": ("RB12",),
    "escalation": ("RB13",),
    "labels": ("RB2",),
    "index": ("RB301", "RB302", "RB307", "RB308"),
    "html": ("RB310",),
    "signals": ("RB32",),
    "artifacts": ("RB5",),
    "drills": ("RB6",),
    "freshness": ("RB7",),
}

GENERIC_FAMILIES = ("file", "front-matter", "links", "text", "commands")


@dataclass(frozen=True)
class Profile:
    name: str
    summary: str
    families: tuple[str, ...]  # names in FAMILIES, or (ALL,)
    # The sections every runbook has when the library names no template file; () when the
    # profile checks no sections, or brings a whole template (story-8.9: Story 8.9's).
    sections: tuple[str, ...] = ()

    @property
    def prefixes(self) -> tuple[str, ...]:
        if ALL in self.families:
            return ("",)
        return tuple(p for family in self.families for p in FAMILIES[family])

    def enables(self, rule_id: str) -> bool:
        return rule_id.startswith(self.prefixes)

    @property
    def checks_sections(self) -> bool:
        return ALL in self.families or "sections" in self.families


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "story-8.9",
            "this project's full template: metadata, steps, labels, Verification, escalation",
            (ALL,),
        ),
        Profile(
            "alert-runbook",
            "alert runbooks: Meaning, Impact, Diagnosis and Mitigation sections; no step rules",
            (*GENERIC_FAMILIES, "sections"),
            ("Meaning", "Impact", "Diagnosis", "Mitigation"),
        ),
        Profile(
            "generic",
            "any Markdown library: links, anchors, commands, secrets, encoding",
            GENERIC_FAMILIES,
        ),
    )
}
DEFAULT = "generic"
STORY = "story-8.9"
ALERT = "alert-runbook"


def profile(name: str) -> Profile:
    return PROFILES[name or DEFAULT]


def _check() -> None:
    """The data's own invariants, checked at import: every family a profile names exists."""
    for item in PROFILES.values():
        unknown = [f for f in item.families if f != ALL and f not in FAMILIES]
        if unknown:
            raise ValueError(f"profile {item.name} names unknown families {unknown}")


_check()
