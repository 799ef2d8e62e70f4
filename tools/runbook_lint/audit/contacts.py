"""The audit's statement about escalation contacts, in Markdown and JSON: which file was used,
and whether the contacts the escalation rows reach are filled in or still placeholders."""

from __future__ import annotations

from typing import Any

from ..config import CONTACTS_ENV
from .build import ContactsSummary

_SUPPLY = (
    f"supply this environment's contacts file with {CONTACTS_ENV} or `--contacts` "
    "(see docs/authors/contacts.md)"
)


def _origin(summary: ContactsSummary) -> str:
    kind = "the deployment's" if summary.external else "the repository's"
    return f"{kind} `{summary.file}`"


def statement(summary: ContactsSummary) -> str:
    """One paragraph that says plainly whether the escalation contacts are filled in."""
    head = "**Escalation contacts:**"
    if summary.status == "missing":
        return (
            f"{head} none declared: {_origin(summary)} does not exist, so no escalation row "
            "resolves to a contact and FR146 escalation paths fail."
        )
    if summary.status == "invalid":
        return (
            f"{head} the contacts file is invalid (`{summary.problem}`), so no escalation row "
            "resolves to a contact and FR146 escalation paths fail."
        )
    used = len(summary.in_use)
    filled = used - len(summary.placeholders)
    text = (
        f"{head} {filled} of {used} role{'s' * (used != 1)} in use "
        f"{'has' if filled == 1 else 'have'} real contacts in {_origin(summary)}"
    )
    if not summary.placeholders:
        return text + "; FR146 escalation paths resolve to declared roles with real contacts."
    waiting = len(summary.placeholders)
    verb = "is a placeholder" if waiting == 1 else "are placeholders"
    text += (
        f"; {'the other ' if filled else ''}{waiting} {verb} "
        f"({', '.join(sorted(summary.placeholders))}). FR146 escalation paths resolve to "
        f"declared roles, but the contacts are not filled in: {_SUPPLY}."
    )
    if summary.required:
        text += " require-contacts is set, so the audit fails until they are."
    return text


def section(summary: ContactsSummary) -> list[str]:
    """The `## Escalation contacts` section (its lines): each role in use and whether it is
    filled in; nothing when no role resolves (the statement above says why)."""
    if summary.status in ("missing", "invalid"):
        return []
    out = [
        "## Escalation contacts",
        "",
        f"`{summary.file}` declares {summary.declared} role(s); escalation rows name "
        f"{len(summary.in_use)} of them:",
        "",
    ]
    out += [
        f"- `{role}`: {'placeholder' if role in summary.placeholders else 'filled in'}"
        for role in summary.in_use
    ]
    return out


def as_dict(summary: ContactsSummary) -> dict[str, Any]:
    return {
        "file": summary.file,
        "source": "deployment" if summary.external else "repository",
        "status": summary.status,
        "problem": summary.problem,
        "declared": summary.declared,
        "in_use": list(summary.in_use),
        "filled": len(summary.in_use) - len(summary.placeholders),
        "placeholders": list(summary.placeholders),
        "required": summary.required,
    }
