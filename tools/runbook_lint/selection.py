"""Rule ids and prefixes as people write them, checked against the catalogue.

`--select RB999` or `ignore = ["RB8"]` would otherwise select nothing, or ignore nothing, and
report "All checks passed". Every id or prefix must match at least one catalogued rule; the
catalogue is data (`rules.all_rules()`), so a family added to it is accepted with no change here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from functools import cache

from .config import Config, rule_ids
from .errors import UsageError


@cache
def catalogue_ids() -> frozenset[str]:
    from .rules import all_rules

    return frozenset(rule.id for rule in all_rules())


def matches(item: str, ids: Collection[str]) -> bool:
    """Whether the id or prefix `item` names at least one of `ids`."""
    return bool(item) and any(rule.startswith(item) for rule in ids)


def nearest(item: str, ids: Collection[str]) -> list[str]:
    """The catalogued ids, or prefixes as long as `item` (`RB12X` -> `RB123`), most like it:
    the longest shared beginning first, then difflib's similarity; else the families."""
    families = {m.group(0) for m in (re.match(r"^\D+\d", rule) for rule in ids) if m}
    wanted = item.upper()

    def score(candidate: str) -> tuple[int, float]:
        shared = next(
            (i for i, (a, b) in enumerate(zip(wanted, candidate, strict=False)) if a != b),
            min(len(wanted), len(candidate)),
        )
        return shared, difflib.SequenceMatcher(None, wanted, candidate).ratio()

    pool = {rule[: len(wanted)] for rule in ids} | families
    ranked = sorted(pool, key=lambda c: (tuple(-x for x in score(c)), c))
    close = [c for c in ranked if score(c)[1] >= 0.5][:3]
    return close or sorted(families)


def unknown_message(item: str, ids: Collection[str]) -> str:
    return (
        f"{item!r} matches no catalogued rule (nearest: {', '.join(nearest(item, ids))}; "
        "`runbook-lint rules` lists them)"
    )


def check_ids(items: Iterable[tuple[str, str]], where: str) -> None:
    """Raise UsageError for the first (key, id) whose id matches no catalogued rule."""
    ids = catalogue_ids()
    for key, item in items:
        if not matches(item, ids):
            place = f"{where}: '{key}'" if key else where
            raise UsageError(f"{place}: {unknown_message(item, ids)}")


def check_config(config: Config) -> None:
    """Every rule id the configuration names (select, ignore, severity, per-path-ignores)."""
    check_ids(rule_ids(config), config.source or "configuration")
