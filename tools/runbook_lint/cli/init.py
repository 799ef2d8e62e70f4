"""`runbook-lint init [--dry-run] [--force]`: configure the linter for the repository here.

It reads the repository (`inference.py`), writes the smallest configuration that says what it
found to `runbook-lint.toml`, prints what it inferred and why, and what a first run with that
configuration finds, by rule. An existing configuration is never replaced without `--force`;
`--dry-run` shows the file as a diff and writes nothing.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ..config import CONFIG_FILE, Config
from ..errors import UsageError


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "init", help="inspect this repository and write the smallest configuration for it"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show the configuration as a diff; write nothing"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing configuration")
    parser.set_defaults(func=run)


def render(settings: dict[str, object]) -> str:
    lines = ["# Written by `runbook-lint init`; see `runbook-lint explain` for the rules."]
    for key, value in settings.items():
        if isinstance(value, list) and len(value) > 1:
            items = "".join(f"  {json.dumps(v)},\n" for v in value)
            lines.append(f"{key} = [\n{items}]")
        else:
            lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def existing_config(root: Path) -> Path | None:
    own = root / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None
        if "runbook-lint" in data.get("tool", {}):
            return pyproject
    return None


def configuration(root: Path, text: str) -> Config:
    """The configuration `text` gives, settled and checked as `check` would."""
    import tomllib

    from .. import config as config_mod
    from ..settings import check_effect, settle

    cfg = settle(config_mod.from_mapping(tomllib.loads(text), root, str(root / CONFIG_FILE)))
    check_effect(cfg)
    return cfg


def first_run(root: Path, cfg: Config) -> str:
    """What `check` finds with this configuration: the count of findings by rule."""
    from ..engine import default_jobs, run
    from ..rules import by_id

    report = run([], cfg, cwd=root, jobs=default_jobs())
    counts = Counter(f.rule for f in report.findings)
    rules = by_id()
    lines = [f"first run: {len(report.findings)} findings in {report.files} files"]
    for rule_id, count in sorted(counts.items()):
        name = rules[rule_id].name if rule_id in rules else ""
        lines.append(f"  {rule_id} {name:<36} {count:>5}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ..inference import infer

    root = Path.cwd()
    found = existing_config(root)
    if found is not None and not args.force and not args.dry_run:
        raise UsageError(
            f"{found.name} already configures runbook-lint here; use --force to replace it "
            "with a runbook-lint.toml, or --dry-run to see what init would write"
        )
    inferred = infer(root)
    text = render(inferred.settings())
    cfg = configuration(root, text)  # refused here, before anything is written
    print("runbook-lint init inferred:")
    for reason in inferred.reasons:
        print(f"  {reason}")
    if inferred.runbooks:
        print(f"  runbooks: {len(inferred.runbooks)} pages")
    target = root / CONFIG_FILE
    if args.dry_run:
        before = target.read_text(encoding="utf-8").splitlines(True) if target.is_file() else []
        print()
        sys.stdout.writelines(
            difflib.unified_diff(
                before, text.splitlines(True), "a/" + CONFIG_FILE, "b/" + CONFIG_FILE
            )
        )
    else:
        if found is not None and found.name == "pyproject.toml":
            print(f"note: {CONFIG_FILE} now takes precedence over [tool.runbook-lint]")
        target.write_text(text, encoding="utf-8")
        print(f"\nwrote {CONFIG_FILE}:\n{text}")
    print(first_run(root, cfg))
    return 0
