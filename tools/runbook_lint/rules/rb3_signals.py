"""RB320-RB329: the signals a section declares it handles (`**Signals:** `a`, `b``).

A section or step that handles something an operator sees (an error signature, a reason code, a
heartbeat or lease state) declares it in a paragraph directly under its heading. The site's
signal lookup page is built from these declarations, so each must belong to a section, parse,
and name a signal that no other section claims unless the overlap is justified with
`<!-- runbook-lint: signals shared -- reason -->` beside the declaration.

`declarations(doc)` is the one reader of these lines; the site uses it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..findings import Hit
from ..library.facts import fact
from ..rule import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document, Heading, HtmlComment, Paragraph
    from ..library import Library

# A paragraph that means to declare signals, well formed or not: "Signals:", "**Signal:**",
# "**Signals**:", "__signals:__" ...
_INTENT_RE = re.compile(r"^\s*(?:\*\*|__)?\s*signals?\s*(?:\*\*|__)?\s*:", re.IGNORECASE)
_PREFIX = "**Signals:**"
_ITEM_RE = re.compile(r"(`+)(?P<body>.*?)\1")
_DIRECTIVE_RE = re.compile(r"^runbook-lint\s*:\s*signals\b(?P<rest>.*)$", re.I | re.DOTALL)
_SHARED_RE = re.compile(
    r"^\s*shared\b\s*(?:--\s*(?:reason\s*:)?\s*(?P<reason>.*?))?\s*$", re.I | re.DOTALL
)


@dataclass(frozen=True)
class Signal:
    text: str
    line: int
    column: int


@dataclass(frozen=True)
class Marker:
    """A `<!-- runbook-lint: signals ... -->` comment."""

    line: int
    column: int
    shared: bool  # it says `signals shared`
    reason: str  # the text after `--` (empty when missing)


@dataclass(frozen=True)
class Declaration:
    path: str
    line: int
    column: int
    heading: Heading | None  # the section the line belongs to; None when it belongs to none
    signals: tuple[Signal, ...]
    problem: tuple[int, int, str] | None  # (line, column, message) when the line is malformed
    marker: Marker | None  # a `signals shared` justification beside the line

    @property
    def shared_reason(self) -> str:
        return self.marker.reason if self.marker is not None and self.marker.shared else ""


def markers(doc: Document) -> list[tuple[HtmlComment, Marker]]:
    found = []
    for comment in doc.comments:
        match = _DIRECTIVE_RE.match(comment.text)
        if not match:
            continue
        shared = _SHARED_RE.match(match.group("rest"))
        reason = (shared.group("reason") or "").strip() if shared else ""
        found.append((comment, Marker(comment.line, comment.column, bool(shared), reason)))
    return found


def _position(doc: Document, para: Paragraph, offset: int) -> tuple[int, int]:
    before = para.text[:offset]
    row = before.count("\n")
    line = para.line + row
    if row == 0:
        return line, para.column + offset
    rest = para.text.split("\n")[row]
    col = offset - (before.rfind("\n") + 1)
    return line, doc.locate(line, rest.strip()[:20]) + col - (len(rest) - len(rest.lstrip()))


def _parse(doc: Document, para: Paragraph) -> tuple[list[Signal], tuple[int, int, str] | None]:
    text = para.text
    if not text.startswith(_PREFIX):
        written = _INTENT_RE.match(text)
        shown = written.group(0).strip() if written else text[:12]
        return [], (para.line, para.column, f"write the declaration as '{_PREFIX}', not {shown!r}")
    signals: list[Signal] = []
    seen: set[str] = set()
    pos = len(_PREFIX)
    expect_item = True
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        if expect_item:
            match = _ITEM_RE.match(text, pos)
            if not match:
                line, column = _position(doc, para, pos)
                return signals, (
                    line,
                    column,
                    "each signal goes in inline code, separated by commas: "
                    "**Signals:** `stage_conflict`, `topic spec not ready`",
                )
            body = " ".join(match.group("body").split())
            line, column = _position(doc, para, match.start("body"))
            if not body:
                return signals, (line, column, "empty signal")
            if body in seen:
                return signals, (line, column, f"signal `{body}` is listed twice")
            seen.add(body)
            signals.append(Signal(body, line, column))
            pos = match.end()
            expect_item = False
        else:
            if text[pos] != ",":
                line, column = _position(doc, para, pos)
                return signals, (line, column, "separate signals with commas; nothing else")
            pos += 1
            expect_item = True
    if not signals:
        return [], (para.line, para.column, "declares no signal")
    if expect_item:
        line, column = _position(doc, para, len(text.rstrip()) - 1)
        return signals, (line, column, "a trailing comma with no signal after it")
    return signals, None


def _owner(doc: Document, para: Paragraph) -> Heading | None:
    """The heading the paragraph sits directly under (only comments or, for a step, its label
    paragraph between them), or None."""
    if para.in_list or para.in_quote:
        return None
    heading = doc.heading_at(para.line)
    if heading is None or heading.level < 2:
        return None
    comment_lines = {c.line for c in doc.comments if c.block}
    html_lines = {h.line for h in doc.html if h.block}
    label_line = None
    step = next((s for s in doc.steps if s.heading.line == heading.line), None)
    if step is not None and step.label is not None:
        label_line = step.label.line
    for first, last in doc.block_ranges:
        if not (heading.line < first < para.line):
            continue
        if first in comment_lines and first not in html_lines:
            continue
        if label_line is not None and first <= label_line <= last:
            continue
        return None
    return heading


def declarations(doc: Document) -> list[Declaration]:
    """Every paragraph of `doc` that declares (or means to declare) signals."""
    all_markers = markers(doc)
    out: list[Declaration] = []
    for para in doc.paragraphs:
        if not _INTENT_RE.match(para.text):
            continue
        signals, problem = _parse(doc, para)
        heading = _owner(doc, para)
        marker = None
        if heading is not None:
            for comment, candidate in all_markers:
                if candidate.shared and heading.line < comment.line <= para.end_line + 1:
                    marker = candidate
                    break
        out.append(
            Declaration(doc.path, para.line, para.column, heading, tuple(signals), problem, marker)
        )
    return out


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
