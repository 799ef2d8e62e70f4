"""The links of the index, read without parsing all of it when only a few can matter.

A library-wide check asks whether some runbooks are listed. An index of thousands of rows that
is not itself checked need not be parsed whole for that: only the runs of text that may hold a
link to one of those files are parsed inline.
"""

from __future__ import annotations

from collections.abc import Collection

from ..document import Document, Link, normalise
from .files import decode


def partial_index_links(display: str, data: bytes, names: Collection[str]) -> tuple[Link, ...]:
    """The links of the index `data` that may lead to a file of one of `names` (file names):
    those in runs of text that contain one, or an escape (`%`, `&`, `\\`) that could spell
    one, or a reference when the index defines references."""
    from ..document.markdown import link_tokens

    text = normalise(decode(data, display)[0])

    def wanted(source: str, references: bool) -> bool:
        return (
            any(name in source for name in names)
            or any(char in source for char in "%&\\")
            or (references and "[" in source)
        )

    return Document(display, text, "index", link_tokens(text, wanted)).links
