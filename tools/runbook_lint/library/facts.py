"""Facts: small per-document values a library-wide rule needs from every runbook.

A rule registers `function(document)` under a name with `@fact(name)` (the signals a runbook
claims, the anchors it offers). A worker that parses a document computes every fact there and
sends them with it, so the rule does not unpack two thousand documents in the main process;
`Library.fact` answers from those values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..document import Document

if TYPE_CHECKING:
    from markdown_it.token import Token

FACTS: dict[str, Callable[[Document], Any]] = {}
# Facts that a Document built from fewer tokens answers as the full one would: the function
# (text -> tokens) that builds them, used for a file that is not itself checked.
PARTIAL: dict[str, Callable[[str], tuple[Token, ...]]] = {}


def fact(
    name: str, partial: Callable[[str], tuple[Token, ...]] | None = None
) -> Callable[[Callable[[Document], Any]], Callable[[Document], Any]]:
    """Register `function(document)` as the fact `name` (see `Library.fact`); with `partial`,
    the fact of a file that is not checked is read from `Document(partial(text))`."""

    def register(function: Callable[[Document], Any]) -> Callable[[Document], Any]:
        FACTS[name] = function
        if partial is not None:
            PARTIAL[name] = partial
        return function

    return register
