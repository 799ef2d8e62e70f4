"""`runbook-lint rules`: the rule catalogue."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("rules", help="list every rule")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..rules import all_rules

    rules = all_rules()
    if args.format == "json":
        payload = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity,
                "summary": r.summary,
                "fixable": r.fixable,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return 0
    width = max(len(r.name) for r in rules)
    for r in rules:
        fix = " (fixable)" if r.fixable else ""
        sys.stdout.write(f"{r.id}  {r.name:<{width}}  {r.severity:<7}  {r.summary}{fix}\n")
    return 0
