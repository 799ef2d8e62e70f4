"""Shell snippets extracted from Markdown code, with a map back to Markdown positions.

A snippet is the shell text of one fenced block (or one inline code span) with every
``<placeholder>`` masked to same-length text, plus a map from each character offset in the
snippet to the line and column in the ``.md`` file. Masking keeps columns exact: bash would read
``<run_id>`` as a redirection, so ``<run_id>`` becomes ``________`` before parsing and any word
overlapping a masked span is treated as "any value".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from .transcripts import LineLike, read_block

SHELL_LANGS = frozenset({"bash", "sh", "shell", "zsh", "console", "shell-session", "sh-session"})

# `<run_id>`, `<path/to/file>`, `<pod name from the previous step>`: a letter first, no shell
# operator inside and no blank before the `>`, so the redirections `< in.txt > out.txt` and
# `cat <<EOF > file` are left alone.
PLACEHOLDER = re.compile(r"(?<!<)<[A-Za-z_](?:[^<>|;&\n]*[^\s<>|;&])?>")
MASK_CHAR = "_"

# Inline code after one of these cues is a command to run: "Command to verify:", "Run:",
# or an item that starts with the verb ("run `make gate`", "[ ] Run `make gate`" in a task
# list). "blocks that run `x`" is prose.
COMMAND_CUES = re.compile(
    r"\b(?:command(?: to (?:verify|run|check))?|run|execute|verify with|check with)\s*:\s*$"
    r"|(?:^(?:\[[ xX]\]\s*)?|[.;:]\s*)(?:then\s+)?(?:re)?(?:run|execute)\s*$",
    re.IGNORECASE,
)


class BlockLike(Protocol):
    @property
    def lang(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def lines(self) -> Sequence[LineLike]: ...


class InlineLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def context(self) -> str: ...


@dataclass(frozen=True)
class Segment:
    offset: int  # offset in the snippet text where this piece starts
    line: int  # Markdown line (1-based)
    column: int  # Markdown column (1-based, code points) of the piece's first character


def _segment_offset(segment: Segment) -> int:
    return segment.offset


@dataclass(frozen=True)
class Snippet:
    text: str  # masked shell text, lines joined with "\n"
    segments: tuple[Segment, ...]
    masked: tuple[tuple[int, int], ...]  # [start, end) offsets of masked placeholders
    inline: bool = False
    cued: bool = False  # inline code introduced as a command ("Command to verify:")
    kind: str = "commands"  # how its block reads (transcripts.Reading.kind)
    # (line, column) of lines ending in a backslash and blanks, which do not continue
    broken: tuple[tuple[int, int], ...] = ()
    source: str = ""  # the text as written, placeholders unmasked (same offsets as `text`)

    def position(self, offset: int) -> tuple[int, int]:
        """Markdown (line, column) of a character offset in the snippet."""
        i = max(0, bisect.bisect_right(self.segments, offset, key=_segment_offset) - 1)
        seg = self.segments[i]
        return seg.line, seg.column + (offset - seg.offset)


def first_mask(masked: Iterable[tuple[int, int]], start: int, end: int) -> int | None:
    """Offset of the first character of [start, end) inside a masked span, or None."""
    for s, e in masked:
        if s < end and start < e:
            return max(s, start)
    return None


def mask(text: str) -> tuple[str, list[tuple[int, int]]]:
    spans: list[tuple[int, int]] = []

    def repl(m: re.Match[str]) -> str:
        spans.append((m.start(), m.end()))
        return MASK_CHAR * (m.end() - m.start())

    return PLACEHOLDER.sub(repl, text), spans


def _build(
    pieces: Iterable[tuple[int, int, str]], inline: bool = False, cued: bool = False
) -> Snippet | None:
    """Join (md_line, md_column, text) pieces into a snippet; None when nothing is left."""
    segments: list[Segment] = []
    parts: list[str] = []
    offset = 0
    for line, column, text in pieces:
        text = text.rstrip("\r")
        segments.append(Segment(offset, line, column))
        parts.append(text)
        offset += len(text) + 1
    if not segments or not any(p.strip() for p in parts):
        return None
    source = "\n".join(parts)
    masked_text, spans = mask(source)
    return Snippet(masked_text, tuple(segments), tuple(spans), inline, cued, source=source)


def from_block(block: BlockLike) -> Snippet | None:
    """The shell snippet of a fenced block (what is typed, `transcripts.read_block`), or None
    if the block is not shell or nothing in it is a command."""
    if block.lang not in SHELL_LANGS:
        return None
    reading = read_block(block.lang, block.lines)
    snippet = _build((p.line, p.column, p.text) for p in reading.pieces)
    if snippet is None:
        return None
    return replace(snippet, kind=reading.kind, broken=reading.broken_continuations)


def is_command_inline(code: InlineLike, program_words: frozenset[str]) -> bool:
    """Inline code presents a command when a cue precedes it ("Command to verify:") or when it
    starts with the invocation of a declared program."""
    if is_cued(code):
        return True
    first = code.text.strip().split(" ", 1)[0]
    if "=" in first:  # VAR=value prefix
        rest = code.text.strip().split(" ")
        first = next((w for w in rest if "=" not in w), "")
    return first in program_words


def is_cued(code: InlineLike) -> bool:
    return bool(COMMAND_CUES.search(code.context.rstrip()))


def from_inline(code: InlineLike) -> Snippet | None:
    return _build([(code.line, code.column, code.text)], inline=True, cued=is_cued(code))
