"""RB320-RB329: the signals a section declares it handles (`**Signals:** `a`, `b``).

A section or step that handles something an operator sees (an error signature, a reason code, a
heartbeat or lease state) declares it in a paragraph directly under its heading. The site's
signal lookup page is built from these declarations, so each must belong to a section, parse,
and name a signal that no other section claims unless the overlap is justified with
`<!-- runbook-lint: signals shared -- reason -->` beside the declaration.

The declarations are read by `document/signals.py`, which the site uses too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document.signals import Declaration, Signal, declarations, markers
from ..findings import Hit
from ..library.facts import fact
from ..rule import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document
    from ..library import Library


@fact("signal-claims")
def _claims(doc: Document) -> list[tuple[Declaration, Signal]]:
    return [
        (decl, signal)
        for decl in declarations(doc)
        if decl.heading is not None
        for signal in decl.signals
    ]


# -- checks ------------------------------------------------------------------------------------


def check_outside_section(doc: Document, ctx: Context) -> Iterator[Hit]:
    for decl in declarations(doc):
        if decl.heading is not None:
            continue
        names = ", ".join(f"`{s.text}`" for s in decl.signals) or "these signals"
        yield Hit(
            decl.line,
            decl.column,
            f"{names} belong to no section: put the **Signals:** line directly under the "
            "heading of the section or step that handles them",
        )


def check_malformed(doc: Document, ctx: Context) -> Iterator[Hit]:
    for decl in declarations(doc):
        if decl.problem is not None:
            line, column, message = decl.problem
            yield Hit(line, column, f"malformed **Signals:** line: {message}")


def check_markers(doc: Document, ctx: Context) -> Iterator[Hit]:
    attached = {d.marker.line for d in declarations(doc) if d.marker is not None}
    for comment, marker in markers(doc):
        if not marker.shared:
            yield Hit(
                comment.line,
                comment.column,
                "unrecognised signals directive: write "
                "<!-- runbook-lint: signals shared -- why this section handles it too -->",
            )
        elif not marker.reason:
            yield Hit(
                comment.line,
                comment.column,
                "'signals shared' needs a reason after '--': say why two sections handle the "
                "same signal",
            )
        elif marker.line not in attached:
            yield Hit(
                comment.line,
                comment.column,
                "'signals shared' is not beside a **Signals:** line directly under a heading",
            )


def check_claimed_twice(library: Library, ctx: Context) -> Iterator[Hit]:
    claims: dict[str, list[tuple[Declaration, Signal]]] = {}
    checked = library.runbook_files_in_scope()
    for path in checked:
        for decl, signal in library.fact(path, "signal-claims") or ():
            claims.setdefault(signal.text, []).append((decl, signal))
    if not claims:
        return  # the checked files claim no signal: nothing elsewhere can conflict
    others = [p for p in library.runbook_files() if not library.path_in_scope(p)]
    # A file outside the checked paths matters only if it can claim a signal a checked file
    # claims, and it can only do that if the signal's text is in it: parse just those.
    wanted = [text.encode("utf-8") for text in claims]
    for path in others if wanted else ():
        data = library.read(path).data
        if data is not None and not any(text in data for text in wanted):
            continue
        for decl, signal in library.fact(path, "signal-claims") or ():
            if signal.text in claims:
                claims[signal.text].append((decl, signal))
    for text, found in sorted(claims.items()):
        unjustified = sorted(
            (c for c in found if not c[0].shared_reason), key=lambda c: (c[0].path, c[1].line)
        )
        if len(unjustified) < 2:
            continue
        owner, _ = unjustified[0]
        assert owner.heading is not None
        for decl, signal in unjustified[1:]:
            if not library.in_scope(decl.path):
                continue
            where = "above" if decl.path == owner.path else owner.path
            yield Hit(
                signal.line,
                signal.column,
                f"signal `{text}` is already claimed by '{owner.heading.text}' ({where}, line "
                f"{owner.line}): one section handles a signal; remove it here or justify it "
                "with <!-- runbook-lint: signals shared -- reason -->",
                path=decl.path,
            )


# -- the catalogue -----------------------------------------------------------------------------


def _runbook(body: str) -> str:
    return f"""# Orchestration Incidents

Last Updated: 2026-11-20
Version: 1.0
Owner: Platform Operations

## Procedure

{body}"""


_CASE_A = "### Case A: Stage conflict\n\n**Signals:** `stage_conflict`\n\nResolve the conflict.\n"
_CASE_B = "### Case B: Stale topic spec\n\n**Signals:** `stage_conflict`\n\nRefresh the spec.\n"
_CASE_B_SHARED = (
    "### Case B: Stale topic spec\n\n"
    "<!-- runbook-lint: signals shared -- a stale spec also reports stage_conflict -->\n"
    "**Signals:** `stage_conflict`\n\nRefresh the spec.\n"
)

RULES = (
    Rule(
        id="RB320",
        name="signals-outside-section",
        severity="error",
        summary="A **Signals:** line that is not directly under the heading of a section.",
        rationale=(
            "The signal lookup page sends an operator from what they see (a reason code, an "
            "error message, a STALE state) straight to the section that handles it. A "
            "declaration in the middle of a section, in a list or above the first section "
            "has no section to send them to."
        ),
        bad=_runbook(
            "### Case A: Stage conflict\n\nResolve the conflict.\n\n**Signals:** `stage_conflict`\n"
        ),
        good=_runbook(_CASE_A),
        check=check_outside_section,
    ),
    Rule(
        id="RB321",
        name="signal-claimed-twice",
        severity="error",
        summary="Two sections claim the same signal and neither says why.",
        rationale=(
            "Under stress an operator follows the first match. When two sections claim one "
            "signal the lookup cannot say which to follow: keep one owner, or keep both and "
            "write down why with <!-- runbook-lint: signals shared -- reason --> beside the "
            "second declaration."
        ),
        bad=_runbook(_CASE_A + "\n" + _CASE_B),
        good=_runbook(_CASE_A + "\n" + _CASE_B_SHARED),
        check_library=check_claimed_twice,
        bad_files={"runbooks/example.md": _runbook(_CASE_A + "\n" + _CASE_B)},
        good_files={"runbooks/example.md": _runbook(_CASE_A + "\n" + _CASE_B_SHARED)},
    ),
    Rule(
        id="RB322",
        name="malformed-signals-line",
        severity="error",
        summary="A **Signals:** line the linter and the site cannot read.",
        rationale=(
            "Signals are copied from what the operator sees, so each must be exact: one per "
            "inline code span, separated by commas, after '**Signals:**'. Anything else is "
            "dropped from the lookup page or merged into a signal nobody will ever see."
        ),
        bad=_runbook(
            "### Case A: Stage conflict\n\n**Signals:** stage_conflict, `topic spec not ready`\n"
        ),
        good=_runbook(
            "### Case A: Stage conflict\n\n**Signals:** `stage_conflict`, `topic spec not ready`\n"
        ),
        check=check_malformed,
    ),
    Rule(
        id="RB323",
        name="signals-shared-without-reason",
        severity="error",
        summary="A 'signals shared' marker with no reason, or not beside a **Signals:** line.",
        rationale=(
            "The marker exists to record why two sections handle one signal; without the reason "
            "the next author cannot tell a deliberate overlap from a copy-paste. A marker that "
            "is not beside a declaration justifies nothing."
        ),
        bad=_runbook(
            "### Case B: Stale topic spec\n\n<!-- runbook-lint: signals shared -->\n"
            "**Signals:** `stage_conflict`\n"
        ),
        good=_runbook(_CASE_B_SHARED),
        check=check_markers,
    ),
)
