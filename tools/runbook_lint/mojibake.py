"""Mojibake: UTF-8 text that was decoded as Windows-1252 on its way into a file ('ðŸ”µ' for
'🔵'). RB002 repairs it in prose; the lookalike check in commands leaves such runs to RB002."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache


@cache
def _mojibake_re() -> re.Pattern[str]:
    # Characters that bytes 0x80-0xBF become when UTF-8 is misread as Windows-1252.
    trail = "".join(
        sorted({bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xC0)} - {""})
    )
    lead = "".join(chr(c) for c in range(0xC2, 0xF5))
    return re.compile(f"[{re.escape(lead)}][{re.escape(trail)}]{{1,3}}")


def find_mojibake(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, repaired) for each run of UTF-8 text misread as Windows-1252."""
    pattern = _mojibake_re()
    for match in pattern.finditer(text):
        chunk = match.group(0)
        try:
            repaired = chunk.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        yield match.start(), match.end(), repaired
