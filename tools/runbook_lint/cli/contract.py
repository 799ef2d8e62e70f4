"""`runbook-lint contract`: write a CLI contract from introspection, or validate contracts.

    runbook-lint contract --from argparse:pkg.cli:build_parser [--title NAME] [-o FILE]
    runbook-lint contract --check schemas/cli/*.json

CI regenerates contracts with `--from` and diffs them against the committed files, so linting
never has to import the project's code.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..errors import UsageError


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "contract", help="write a CLI contract from an argparse/click parser, or validate one"
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--from",
        dest="source",
        metavar="KIND:MODULE:CALLABLE",
        help="introspect argparse:module:callable or click:module:callable",
    )
    what.add_argument(
        "--check", nargs="+", metavar="FILE", help="validate contract files against the schema"
    )
    parser.add_argument("--title", help="program name for the contract (default: its prog)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..shell.introspect import IntrospectionError, introspect
    from ..shell.loader import ContractError, load_contract, schema_path
    from ..shell.spec import contract_to_dict

    if args.check:
        schema = schema_path(Path.cwd())
        for name in args.check:
            try:
                load_contract(Path(name), schema)
            except ContractError as e:
                raise UsageError(str(e)) from e
            print(f"{name}: valid")
        return 0
    try:
        contract = introspect(args.source, args.title)
    except IntrospectionError as e:
        raise UsageError(str(e)) from e
    text = json.dumps(contract_to_dict(contract), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
