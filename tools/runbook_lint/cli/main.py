"""The command line: `runbook-lint check|rules|explain|...`.

Each subcommand lives in its own module of this package with `register(subparsers)`.
Usage and configuration problems raise UsageError, reported here as one line with exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import __version__
from ..errors import UsageError

SUBCOMMANDS = ("check", "rules", "explain", "contract", "audit", "new", "init", "server")


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="runbook-lint",
        description="Lint operational runbooks: structure, labels, index, commands, artifacts.",
    )
    parser.add_argument("--version", action="version", version=f"runbook-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"runbook_lint.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        code: int = args.func(args)
        return code
    except UsageError as exc:
        print(f"runbook-lint: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help / --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print("runbook-lint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except OSError as exc:  # the file system refused a write (disk full, permissions)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"runbook-lint: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # pragma: no cover - the last line of defence
        print(f"runbook-lint: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
