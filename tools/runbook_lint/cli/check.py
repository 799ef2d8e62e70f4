"""`runbook-lint check [PATH...]`: lint runbooks, drills, the index and samples."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import settings
from ..reporters import FORMATS, render
from .options import add_config_option, add_output_option


def register(sub: Any) -> None:
    parser = sub.add_parser("check", help="lint the library (default) or the given paths")
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders to check (default: the whole library)",
    )
    parser.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="RULES",
        help="only these rule ids or prefixes (comma-separated, repeatable)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="RULES",
        help="skip these rule ids or prefixes (comma-separated, repeatable)",
    )
    add_config_option(parser)
    add_output_option(parser)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file again; do not read or write the cache (cache-dir)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes for files not in the cache (default: the number of cores)",
    )
    parser.add_argument(
        "--fix", action="store_true", help="apply safe fixes, then report what is left"
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the safe fixes as a diff; change nothing"
    )
    parser.set_defaults(func=run)


def split_rules(values: list[str]) -> tuple[str, ...]:
    from ..errors import UsageError

    out = []
    for value in values:
        for item in value.split(","):
            item = item.strip().upper()
            if not item:
                continue
            if not (item.startswith("RB") and item[2:].isdigit() and len(item) <= 5):
                raise UsageError(f"{item!r} is not a rule id or prefix (like RB101 or RB1)")
            out.append(item)
    return tuple(out)


def run(args: argparse.Namespace) -> int:
    from ..engine import default_jobs
    from ..engine import run as run_engine
    from ..errors import UsageError
    from ..rules import all_rules

    cfg = settings.load(args.config)
    select, ignore = split_rules(args.select), split_rules(args.ignore)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    cache, jobs = not args.no_cache, args.jobs or default_jobs()
    report = run_engine(args.paths, cfg, select=select, ignore=ignore, cache=cache, jobs=jobs)
    if args.fix or args.diff:
        from ..fixes.apply import fix_command

        done, report = fix_command(
            report,
            preview=args.diff,
            rerun=lambda: run_engine(
                args.paths, cfg, select=select, ignore=ignore, cache=cache, jobs=jobs
            ),
        )
        if done is not None:
            return done
    output = render(args.format, report, all_rules())
    if args.output:
        from pathlib import Path

        Path(args.output).write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return 1 if report.errors else 0
