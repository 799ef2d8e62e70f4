"""Heading anchors as each renderer makes them: Python-Markdown's toc (mkdocs), GitHub, GitLab.

A link's `#fragment` works when it equals the id the renderer gave a heading, so the anchor
rules compute ids the way the page is rendered where the library is read:

- python-markdown: NFKD to ASCII, drop `[^\\w\\s-]`, strip, lower-case, runs of separator or
  space -> one separator; duplicates `_1`; matched exactly.
- python-markdown-unicode: the same, keeping non-ASCII letters.
- pymdownx, pymdownx-lower: NFC, drop `[^\\w\\- ]`, each space -> separator (lower-cased or
  not); duplicates `_1`; exact.
- github: lower-case, drop `[^\\w\\- ]`, each space -> `-` (no collapsing); duplicates `-1`;
  GitHub finds the heading for a fragment in any case.
- gitlab: as github, then runs of `-` -> one `-`, and an id of digits only -> `anchor-N`; exact.
- hugo: as github (goldmark's default `autoHeadingIDType`); exact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..renderer import FLAVOURS
from .text import HTML_TAG_RE, slugify

__all__ = ["FLAVOURS", "base_id", "fold", "heading_ids"]

_WEB_DROP_RE = re.compile(r"[^\w\- ]")
_HYPHENS_RE = re.compile(r"-{2,}")


def _web(text: str) -> str:
    """GitHub's id of a heading text (before the duplicate suffix)."""
    return _WEB_DROP_RE.sub("", text.strip().lower()).replace(" ", "-")


def base_id(text: str, flavour: str, separator: str = "-") -> str:
    """The id `flavour` gives a heading with this plain text, before duplicates are told
    apart."""
    if "<" in text:
        text = HTML_TAG_RE.sub("", text)
    if flavour in ("github", "hugo"):
        return _web(text)
    if flavour == "gitlab":
        value = _HYPHENS_RE.sub("-", _web(text))
        return f"anchor-{value}" if value.isdigit() else value
    if flavour in ("pymdownx", "pymdownx-lower"):
        value = unicodedata.normalize("NFC", text).strip()
        if flavour == "pymdownx-lower":
            value = value.lower()
        return _WEB_DROP_RE.sub("", value).replace(" ", separator)
    if flavour == "python-markdown-unicode":
        value = re.sub(r"[^\w\s-]", "", text).strip().lower()
        return re.sub(rf"[{re.escape(separator)}\s]+", separator, value)
    return slugify(text, separator)


def heading_ids(texts: Iterable[str], flavour: str, separator: str = "-") -> list[str]:
    """The ids of a page's headings (plain texts, in order), duplicates told apart as the
    renderer does it."""
    web = flavour in ("github", "gitlab", "hugo")
    seen: set[str] = set()
    counts: dict[str, int] = {}
    out: list[str] = []
    for text in texts:
        base = base_id(text, flavour, separator)
        slug = base
        if web:
            count = counts.get(base, 0)
            counts[base] = count + 1
            if count:
                slug = f"{base}-{count}"
        elif base in seen or not base:
            count = counts.get(base, 1)
            while f"{base}_{count}" in seen:
                count += 1
            slug = f"{base}_{count}"
            counts[base] = count + 1
        seen.add(slug)
        out.append(slug)
    return out


def fold(fragment: str, flavour: str) -> str:
    """The form a fragment is compared in: GitHub finds a heading whatever the case of the
    fragment; the others compare it as written."""
    return fragment.lower() if flavour == "github" else fragment
