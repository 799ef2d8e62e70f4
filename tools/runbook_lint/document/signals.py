"""Signal declarations: the signals a section says it handles (`**Signals:** `a`, `b``).

A section or step that handles something an operator sees (an error signature, a reason code, a
heartbeat or lease state) declares it in a paragraph directly under its heading, optionally
with `<!-- runbook-lint: signals shared -- reason -->` beside it. `declarations(doc)` is the
one reader of these lines: the RB32x rules check them and the site's signal lookup page is
built from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Heading, HtmlComment, Paragraph
from .runbook import Document

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
                line, column = doc.paragraph_position(para, pos)
                return signals, (
                    line,
                    column,
                    "each signal goes in inline code, separated by commas: "
                    "**Signals:** `stage_conflict`, `topic spec not ready`",
                )
            body = " ".join(match.group("body").split())
            line, column = doc.paragraph_position(para, match.start("body"))
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
                line, column = doc.paragraph_position(para, pos)
                return signals, (line, column, "separate signals with commas; nothing else")
            pos += 1
            expect_item = True
    if not signals:
        return [], (para.line, para.column, "declares no signal")
    if expect_item:
        line, column = doc.paragraph_position(para, len(text.rstrip()) - 1)
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
