"""`runbook-lint audit`: the FR145-FR147 coverage report; exit 1 if any requirement fails."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import settings
from .options import add_config_option, add_output_option


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "audit", help="FR145-FR147 coverage report: required runbooks x requirements"
    )
    parser.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="report format (default: markdown)",
    )
    add_config_option(parser)
    add_output_option(parser)
    parser.add_argument(
        "--no-lint",
        action="store_true",
        help="skip the lint run (the report then has no lint totals and no suppressions)",
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print no report, only the reasons of failing requirements (for hooks)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..audit import build, render_json, render_markdown

    cfg = settings.load(args.config)
    report = build(cfg, lint=not args.no_lint)
    if args.format == "json":
        output = render_json(report)
    else:
        output = "# FR145–FR147 audit report\n\n" + render_markdown(report)
    if args.output:
        from ..fixes.apply import write_atomic

        write_atomic(args.output, output)
    elif not args.quiet:
        sys.stdout.write(output)
    for failure in report.failures:
        print(f"runbook-lint: audit: {failure.text()}", file=sys.stderr)
    return 0 if report.passed else 1
