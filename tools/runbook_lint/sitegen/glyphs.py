"""Draw the library's emoji (🔵 🔴 ✅ ❌ ⏸ ...) as inline SVG, so they show on a machine with no
emoji font (where they are empty boxes), offline, with no image file or web font.

In text the character becomes an SVG with the character's name as its accessible label. In
code (`<pre>`, `<code>`) the character stays, so that copying a snippet copies what the Markdown
source says, but it is painted transparent over the same picture. Mermaid diagrams, scripts,
styles and attribute values are left alone. The Markdown keeps the emoji: the linter reads
labels there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

# character -> (name, CSS class, SVG body on a 0 0 20 20 view box)
_CIRCLE = '<circle cx="10" cy="10" r="8.5" fill="{}"/>'
_MARK = '<circle cx="10" cy="10" r="9" fill="{}"/>'
GLYPHS: dict[str, tuple[str, str, str]] = {
    "\U0001f535": ("blue circle", "blue", _CIRCLE.format("#1565c0")),
    "\U0001f534": ("red circle", "red", _CIRCLE.format("#c62828")),
    "\U0001f7e1": ("yellow circle", "yellow", _CIRCLE.format("#f9a825")),
    "\U0001f7e2": ("green circle", "green", _CIRCLE.format("#2e7d32")),
    "\U0001f7e0": ("orange circle", "orange", _CIRCLE.format("#ef6c00")),
    "\u2705": (
        "check mark",
        "check",
        _MARK.format("#2e7d32")
        + '<path d="M5.5 10.5l3 3 6-6.5" fill="none" stroke="#fff" stroke-width="2.2" '
        'stroke-linecap="round" stroke-linejoin="round"/>',
    ),
    "\u274c": (
        "cross mark",
        "cross",
        '<path d="M4.5 4.5l11 11M15.5 4.5l-11 11" stroke="#c62828" stroke-width="3" '
        'stroke-linecap="round"/>',
    ),
    "\u23f8": (
        "pause",
        "pause",
        '<rect x="1.5" y="1.5" width="17" height="17" rx="4" fill="#607d8b"/>'
        '<rect x="6.5" y="5.5" width="2.6" height="9" rx="0.6" fill="#fff"/>'
        '<rect x="10.9" y="5.5" width="2.6" height="9" rx="0.6" fill="#fff"/>',
    ),
}
_CHAR_RE = re.compile("(" + "|".join(GLYPHS) + ")\ufe0f?")
# Parts of a page whose text is not drawn as prose: code, diagrams, scripts and styles.
_SPECIAL_RE = re.compile(
    r"(?P<keep><pre\b[^>]*\bclass=\"[^\"]*\bmermaid\b[^>]*>.*?</pre>"
    r"|<(?P<tag>script|style)\b.*?</(?P=tag)>)"
    r"|(?P<code><pre\b.*?</pre>|<code\b.*?</code>)",
    re.DOTALL | re.IGNORECASE,
)
_TAG_RE = re.compile(r"(<[^>]*>)")


def svg(char: str) -> str:
    name, kind, body = GLYPHS[char]
    return (
        f'<svg class="rb-glyph rb-glyph--{kind}" viewBox="0 0 20 20" role="img" '
        f'aria-label="{name}" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def _painted(char: str) -> str:
    name, kind, body = GLYPHS[char]
    picture = quote(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20">{body}</svg>')
    return (
        f'<span class="rb-glyph-char rb-glyph--{kind}" title="{name}" '
        f"style=\"background-image:url('data:image/svg+xml,{picture}')\">{char}</span>"
    )


def _in_text(html: str, draw: Callable[[str], str]) -> str:
    """Replace the characters in the text between tags (never inside a tag)."""
    pieces = _TAG_RE.split(html)
    return "".join(
        piece if index % 2 else _CHAR_RE.sub(lambda m: draw(m.group(1)), piece)
        for index, piece in enumerate(pieces)
    )


def draw_glyphs(page_html: str) -> str:
    """The page with every known emoji drawn as SVG (see the module's docstring)."""
    if not _CHAR_RE.search(page_html):
        return page_html
    out: list[str] = []
    position = 0
    for match in _SPECIAL_RE.finditer(page_html):
        out.append(_in_text(page_html[position : match.start()], svg))
        block = match.group(0)
        out.append(_in_text(block, _painted) if match.group("code") else block)
        position = match.end()
    out.append(_in_text(page_html[position:], svg))
    return "".join(out)
