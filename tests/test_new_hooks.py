"""The pre-commit hooks: this repository's configuration and the hooks other repositories use."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from runbook_lint.cli import build_parser

from .conftest import Runner, write_files
from .test_audit import LIBRARY

ROOT = Path(__file__).resolve().parents[1]


def _hooks(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return data
    return [hook for repo in data["repos"] for hook in repo["hooks"]]


def _pymarkdown() -> str:
    found = shutil.which("pymarkdown", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("pymarkdownlnt is not installed")
    return found


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
    assert set(local) == {"runbook-lint", "runbook-lint-audit", "pymarkdown"}
    for hook_id, hook in published.items():
        assert local[hook_id]["entry"] == hook["entry"]
    assert local["pymarkdown"]["entry"] == "pymarkdown --config .pymarkdown.json scan"


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


@pytest.mark.parametrize("template", ["runbooks/TEMPLATE.md", "runbooks/drills/TEMPLATE.md"])
def test_pymarkdown_passes_the_templates(template: str) -> None:
    done = subprocess.run(
        [_pymarkdown(), "--config", ".pymarkdown.json", "scan", template],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "")


def test_pymarkdown_passes_a_scaffold_and_would_catch_style(run: Runner, tmp_path: Path) -> None:
    shutil.copy(ROOT / ".pymarkdown.json", tmp_path / ".pymarkdown.json")
    write_files(tmp_path, {"runbooks/TEMPLATE.md": (ROOT / "runbooks/TEMPLATE.md").read_text()})
    assert run({}, "new", "Redis Failover", "--owner", "Data Platform")[0] == 0

    def scan(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [_pymarkdown(), "--config", ".pymarkdown.json", "scan", name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    assert scan("runbooks/redis-failover.md").returncode == 0
    sloppy = tmp_path / "runbooks/sloppy.md"
    sloppy.write_text("# Title\n## Purpose\nText\n", encoding="utf-8")
    done = scan("runbooks/sloppy.md")
    assert done.returncode == 1
    assert "MD022" in done.stdout  # headings need blank lines around them
