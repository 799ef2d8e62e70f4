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
# Facts the content cache keeps for files that are not checked, by the digest of their bytes:
# (to JSON, from JSON; the latter raises TypeError or ValueError on a value of the wrong shape).
Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]
KEPT: dict[str, Codec] = {}


def fact(
    name: str,
    partial: Callable[[str], tuple[Token, ...]] | None = None,
    kept: Codec | None = None,
) -> Callable[[Callable[[Document], Any]], Callable[[Document], Any]]:
    """Register `function(document)` as the fact `name` (see `Library.fact`); with `partial`,
    the fact of a file that is not checked is read from `Document(partial(text))`, and with
    `kept` the content cache keeps it for the next run."""

    def register(function: Callable[[Document], Any]) -> Callable[[Document], Any]:
        FACTS[name] = function
        if partial is not None:
            PARTIAL[name] = partial
        if kept is not None:
            KEPT[name] = kept
        return function

    return register


def anchors_out(value: tuple[tuple[str, ...], frozenset[str]] | None) -> list[Any] | None:
    return None if value is None else [list(value[0]), sorted(value[1])]


def anchors_in(value: Any) -> tuple[tuple[str, ...], frozenset[str]] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, list) for part in value)
        or not all(isinstance(v, str) for part in value for v in part)
    ):
        raise TypeError("expected [heading texts, explicit ids]")
    return tuple(value[0]), frozenset(value[1])


# A page's anchors: its heading texts (in order; the renderer makes the ids) and its ids.
ANCHORS: Codec = (anchors_out, anchors_in)


def text_out(value: str | None) -> str | None:
    return value


def text_in(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("expected a string or null")
    return value


TEXT: Codec = (text_out, text_in)  # a string, or None
