"""What a rule may know besides its document: configuration, the library, today's date."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import TypeVar

from .config import Config
from .library import Library

T = TypeVar("T")


def today() -> dt.date:
    """Today's date; RUNBOOK_LINT_TODAY=YYYY-MM-DD pins it (reproducible runs and tests)."""
    pinned = os.environ.get("RUNBOOK_LINT_TODAY")
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            pass
    return dt.date.today()


class Context:
    def __init__(
        self, config: Config, library: Library, lasting: dict[str, object] | None = None
    ) -> None:
        """`lasting`: the values of `lasting()` kept from earlier runs (the language server
        keeps them until the configuration, a contract, a schema or the commit changes)."""
        self.config = config
        self.library = library
        self.today = today()
        self._memo: dict[str, object] = {}
        self._lasting = self._memo if lasting is None else lasting
        # Digests of inputs already validated in an earlier run (a CLI contract against its
        # schema), kept in the content cache; None when the cache is off.
        self.verified: set[str] | None = None

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        """Compute a value once per run (contract registries, schema stores, git dates)."""
        if key not in self._memo:
            self._memo[key] = factory()
        return self._memo[key]  # type: ignore[return-value]

    def lasting(self, key: str, factory: Callable[[], T]) -> T:
        """`memo()` for a value that depends only on the configuration and the inputs the
        cache's fingerprint hashes (contracts, schemas, the catalog, the commit), never on a
        checked file: a process that stays alive keeps it from one run to the next, until
        one of those inputs changes. A key starting with "git" (a value read from the work
        tree's git state) is dropped whenever a file is saved."""
        if key not in self._lasting:
            self._lasting[key] = factory()
        return self._lasting[key]  # type: ignore[return-value]
