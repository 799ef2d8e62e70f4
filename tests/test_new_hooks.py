"""The pre-commit hooks: this repository's configuration and the hooks other repositories use."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from runbook_lint.cli import build_parser

from .conftest import Runner
from .test_audit import LIBRARY

ROOT = Path(__file__).resolve().parents[1]


def _hooks(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return data
    return [hook for repo in data["repos"] for hook in repo["hooks"]]


def test_published_hooks_run_real_commands() -> None:
    hooks = {h["id"]: h for h in _hooks(ROOT / ".pre-commit-hooks.yaml")}
    assert set(hooks) == {"runbook-lint", "runbook-lint-audit"}
    parser = build_parser()
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        argv = shlex.split(hook["entry"])
        assert argv[0] == "runbook-lint"
        parser.parse_args(argv[1:])  # raises on an unknown subcommand or option
    assert hooks["runbook-lint-audit"]["pass_filenames"] is False


def test_repository_hooks_match_the_published_ones() -> None:
    local = {h["id"]: h for h in _hooks(ROOT / ".pre-commit-config.yaml")}
    published = {h["id"]: h for h in _hooks(ROOT / ".pre-commit-hooks.yaml")}
    # Generic Markdown style is part of `runbook-lint check` (the MD rules), not a hook of its own.
    assert set(local) == {"runbook-lint", "runbook-lint-audit"}
    for hook_id, hook in published.items():
        assert local[hook_id]["entry"] == hook["entry"]
    assert re.match(local["runbook-lint"]["files"], "docs/authors/linting.md")


def test_audit_hook_is_quiet_on_success_and_names_the_failure(run: Runner) -> None:
    argv = shlex.split(
        {h["id"]: h for h in _hooks(ROOT / ".pre-commit-hooks.yaml")}["runbook-lint-audit"]["entry"]
    )[1:]
    assert run(LIBRARY, *argv) == (0, "", "")
    broken = dict(LIBRARY)
    broken["runbooks/index.md"] = LIBRARY["runbooks/index.md"].replace(
        "| [Backup Procedures](backup.md) | Core | Ops |\n", ""
    )
    code, out, err = run(broken, *argv)
    assert (code, out) == (1, "")
    assert err == (
        "runbook-lint: audit: FR145 runbooks/index.md: not listed in runbooks/index.md "
        "(procedure 'backup')\n"
    )


def test_a_scaffold_passes_markdown_style_which_catches_sloppy_markdown(run: Runner) -> None:
    # This repository's own configuration: generic Markdown style is switched on there.
    files = {
        "pyproject.toml": (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        "runbooks/TEMPLATE.md": (ROOT / "runbooks/TEMPLATE.md").read_text(encoding="utf-8"),
    }
    code, _, err = run(files, "new", "Redis Failover", "--owner", "Data Platform")
    assert code == 0, err
    code, out, _ = run({}, "check", "runbooks/redis-failover.md", "--select", "MD")
    assert (code, out) == (0, "All checks passed (1 files).\n")
    code, out, _ = run(
        {"runbooks/sloppy.md": "# Title\n## Purpose\nText\n"}, "check", "--select", "MD"
    )
    assert code == 1
    assert "runbooks/sloppy.md:2:1: MD022 error" in out  # headings need blank lines around them
