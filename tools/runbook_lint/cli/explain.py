"""`runbook-lint explain RULE`: one rule's rationale with a bad and a good example."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import UsageError
from ..rule import Rule


def register(sub: Any) -> None:
    parser = sub.add_parser("explain", help="explain one rule, with a bad and a good example")
    parser.add_argument("rule", metavar="RULE", help="rule id (RB101) or name")
    parser.set_defaults(func=run)


def explanation(rule: Rule) -> str:
    parts = [
        f"{rule.id} {rule.name} ({rule.severity}{', fixable' if rule.fixable else ''})",
        "",
        rule.summary,
        "",
        "Why",
        "",
        rule.rationale.strip(),
        "",
        "Bad",
        "",
        rule.bad.rstrip(),
        "",
        "Good",
        "",
        rule.good.rstrip(),
    ]
    if rule.options:
        parts += ["", "Options", ""]
        parts += [f"- {key}: {text}" for key, text in rule.options.items()]
    return "\n".join(parts) + "\n"


def run(args: argparse.Namespace) -> int:
    from ..rules import all_rules

    wanted = args.rule.strip()
    rules = all_rules()
    for rule in rules:
        if wanted.upper() == rule.id or wanted.lower() == rule.name:
            sys.stdout.write(explanation(rule))
            return 0
    names = [r.id for r in rules] + [r.name for r in rules]
    import difflib

    close = difflib.get_close_matches(wanted, names, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise UsageError(f"unknown rule {wanted!r}{hint}; `runbook-lint rules` lists them")
