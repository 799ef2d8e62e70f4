"""The command line: `main(argv) -> int` and one module per subcommand.

`runbook-lint` (the console script) and `python -m runbook_lint.cli` both run `main`.
"""

from __future__ import annotations

from .main import build_parser, main

__all__ = ["build_parser", "main"]
