"""Options several subcommands share."""

from __future__ import annotations

import argparse

from .. import config as config_mod


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: nearest runbook-lint.toml or pyproject.toml)",
    )


def add_output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output"
    )


def add_contacts_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--contacts",
        metavar="FILE",
        help="escalation contacts file of this deployment, used instead of the repository's "
        f"(default: ${config_mod.CONTACTS_ENV}, else the 'contacts' key)",
    )


def load_config(args: argparse.Namespace) -> config_mod.Config:
    """The configuration `--config` names (or the nearest), with `--contacts` applied."""
    from .. import settings

    cfg = settings.load(args.config)
    return config_mod.with_contacts(cfg, getattr(args, "contacts", None), "--contacts")
