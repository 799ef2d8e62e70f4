"""Where a link leads: its scheme, path and fragment, and the file a relative path names.

The link rules, the index fix and the audit all resolve links the same way, through
these functions and `Library.resolve`/`Library.linked_file`.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def split_target(target: str) -> tuple[str, str | None, str | None]:
    """(scheme, path, fragment) of a link target; scheme is '' for relative links."""
    match = SCHEME_RE.match(target)
    if match and len(match.group(1)) > 1:  # a single letter is a Windows drive, not a scheme
        return match.group(1).lower(), None, None
    if target.startswith("//"):  # protocol-relative: a web address on the page's scheme
        return "//", None, None
    parts = urlsplit(target)
    path = unquote(parts.path) if parts.path else None
    fragment = unquote(parts.fragment) if "#" in target else None
    return "", path, fragment


def listed_path(target: str) -> str | None:
    """The file an index link lists: its path when the link leads to a whole local file. A
    link to a section (`backup.md#procedure`, a quick-reference entry) points into a runbook;
    it does not list it."""
    scheme, path, fragment = split_target(target.strip())
    return path if not scheme and path and not fragment else None


# What a site serves for a page URL such as `/guide/setup` or `/guide/setup/`.
PAGE_FILES = ("{}.md", "{}/index.md", "{}/README.md", "{}/_index.md")


def site_page(site_root: Path, path: str) -> Path:
    """The file a site-absolute link (`/guide/setup`) names on an mkdocs or Hugo site: the path
    itself, or the Markdown page the site serves at that URL."""
    plain = (site_root / path.lstrip("/")).resolve()
    if plain.exists():
        return plain
    stem = path.strip("/")
    for pattern in PAGE_FILES:
        candidate = (site_root / pattern.format(stem)).resolve()
        if stem and candidate.is_file():
            return candidate
    return plain


def resolve_path(root: Path, base: Path, path: str) -> Path:
    """The file a link path names from the folder `base`; '/...' starts at the root."""
    if path.startswith("/"):
        return (root / path.lstrip("/")).resolve()
    return (base / path).resolve()
