"""From the checker's positions to the editor's.

A finding's line and column are 1-based, and the column counts characters (code points) of the
line as the checker reads it: without a byte-order mark, lines ended by "\\n", "\\r\\n" or "\\r".
The Language Server Protocol counts lines from 0 and characters in the unit the client and
server agreed on: UTF-16 code units by default (an emoji outside the Basic Multilingual Plane
is two), or UTF-8 bytes, or code points.
"""

from __future__ import annotations

import re

NEWLINE_RE = re.compile(r"\r\n|\r|\n")
UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str) -> int:
    """The length of `text` in the agreed unit."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class LineIndex:
    """The lines of a buffer as the editor holds it, to place the checker's positions."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.bom = 1 if text.startswith("\ufeff") else 0
        self.lines = NEWLINE_RE.split(text)
        first = NEWLINE_RE.search(text)
        self.newline = first.group(0) if first else "\n"

    def position(self, line: int, column: int) -> tuple[int, int]:
        """(line, character) of the checker's 1-based (line, column); a position past the end
        of a line or of the text is put at its end."""
        if line > len(self.lines):
            last = len(self.lines) - 1
            return last, units(self.lines[last], self.encoding)
        index = max(line, 1) - 1
        raw = self.lines[index]
        offset = max(column, 1) - 1 + (self.bom if index == 0 else 0)
        return index, units(raw[:offset], self.encoding)

    def word_end(self, line: int, column: int) -> tuple[int, int]:
        """Where the run of non-blank characters starting at (line, column) ends: the end of
        a diagnostic's range (the start itself when nothing is there)."""
        start = self.position(line, column)
        if line > len(self.lines):
            return start
        raw = self.lines[max(line, 1) - 1]
        offset = max(column, 1) - 1 + (self.bom if line <= 1 else 0)
        end = offset
        while end < len(raw) and not raw[end].isspace():
            end += 1
        if end == offset:
            return start
        return start[0], start[1] + units(raw[offset:end], self.encoding)

    def replacement(self, text: str) -> str:
        """An edit's text with its line breaks as the buffer writes them."""
        return text.replace("\n", self.newline) if self.newline != "\n" else text
