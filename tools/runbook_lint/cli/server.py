"""`runbook-lint server`: the Language Server Protocol over stdio, for editors."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "server",
        help="speak the Language Server Protocol over stdio (diagnostics and safe fixes)",
        description="Run as a language server over standard input and output: the editor "
        "sends the runbooks it opens and edits, and gets the findings of `check` as "
        "diagnostics and the safe fixes as code actions. See the author guide for editor "
        "set-up.",
    )
    parser.add_argument(
        "--stdio",
        action="store_true",
        help="accepted for editors that pass it; standard input and output are always used",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import UsageError

    try:
        from ..server.protocol import serve
    except ImportError as exc:  # pygls or lsprotocol missing from this environment
        raise UsageError(f"the language server needs pygls and lsprotocol: {exc}") from exc
    return serve()
