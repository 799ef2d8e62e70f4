"""Text as the model holds and compares it: normalised lines, heading slugs, section titles."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

HTML_TAG_RE = re.compile(r"<[^>]*>")
_SLUG_DROP_RE = re.compile(r"[^\w\s-]")
_SLUG_SPACE_RE = re.compile(r"[-\s]+")


def normalise(text: str) -> str:
    """Text as a Document holds it: no byte order mark, line endings "\n"."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def slugify(text: str, separator: str = "-") -> str:
    """The slug Python-Markdown's toc extension (used by mkdocs) gives a heading."""
    value = text
    if not text.isascii():
        value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = _SLUG_DROP_RE.sub("", value).strip().lower()
    if separator == "-":
        return _SLUG_SPACE_RE.sub(separator, value)
    return re.sub(rf"[{separator}\s]+", separator, value)


@lru_cache(maxsize=4096)
def normalise_title(title: str) -> str:
    text = HTML_TAG_RE.sub("", title)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LNZP" or ch in "-&/")
    text = re.sub(r"\s*\(.*?\)\s*$", "", text)
    return re.sub(r"\s+", " ", text).strip().strip(":").lower()


def locate_in(raw: str, fragment: str, start_column: int = 1) -> int:
    """Column of `fragment` in the line `raw` at or after `start_column`, or `start_column`."""
    index = raw.find(fragment, max(start_column - 1, 0)) if fragment else -1
    return index + 1 if index >= 0 else start_column
