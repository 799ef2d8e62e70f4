"""Facts: small per-document values a library-wide rule needs from every runbook.

A rule registers `function(document)` under a name with `@fact(name)` (the signals a runbook
claims, the anchors it offers). A worker that parses a document computes every fact there and
sends them with it, so the rule does not unpack two thousand documents in the main process;
`Library.fact` answers from those values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..document import Document

FACTS: dict[str, Callable[[Document], Any]] = {}


def fact(name: str) -> Callable[[Callable[[Document], Any]], Callable[[Document], Any]]:
    """Register `function(document)` as the fact `name` (see `Library.fact`)."""

    def register(function: Callable[[Document], Any]) -> Callable[[Document], Any]:
        FACTS[name] = function
        return function

    return register
