"""Building the site in tests: the real repository, or a small project made in a temp folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
MKDOCS_YML = REPO / "mkdocs.yml"
VENDOR = REPO / "docs" / "assets" / "vendor"
# Debian's Chromium, or another build: RUNBOOK_LINT_CHROMIUM=/path/to/chromium.
CHROMIUM_ENV = "RUNBOOK_LINT_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Build:
    returncode: int
    log: str
    site: Path


def screenshot(page: Any, name: str, full: bool = False) -> None:
    """Save a screenshot of a playwright page to $RUNBOOK_SITE_SCREENSHOTS, when it is set."""
    folder = os.environ.get("RUNBOOK_SITE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full)


def chromium() -> Path:
    return Path(os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM)


def chromium_problem() -> str | None:
    """Why the browser tests cannot start Chromium, or None."""
    path = chromium()
    if path.is_file() and os.access(path, os.X_OK):
        return None
    return (
        f"no Chromium at {path} (install it with `apt-get install chromium`, or point "
        f"{CHROMIUM_ENV} at an existing Chromium)"
    )


def in_ci() -> bool:
    """`CI=true` (or 1, yes): what `.ci/run` sets."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(problem: str) -> NoReturn:
    """A tool the tests need is missing: a skip on a developer's machine, a failure under CI,
    where a skipped browser test would report success with what it tests unchecked."""
    if in_ci():
        pytest.fail(f"{problem}; CI=true, so this is a failure, not a skip", pytrace=False)
    pytest.skip(problem)


def assets_problem(root: Path = REPO) -> str | None:
    """Why the vendored JavaScript of the project at `root` is not usable, or None."""
    sys.path.insert(0, str(REPO / "tools"))
    from runbook_lint.sitegen.assets import load_manifest, verify

    problems = verify(load_manifest(root / "scripts" / "site-assets.json", root))
    if problems:
        return "; ".join(problems) + " (run `make assets`)"
    return None


def require_assets(root: Path = REPO) -> None:
    """A site test without the pinned JavaScript fails: `make test` fetches it first, and no
    test fetches anything. (Never a skip: it would pass with the site unchecked.)"""
    problem = assets_problem(root)
    if problem is not None:
        pytest.fail(problem, pytrace=False)


def build(project: Path, site: Path, *, strict: bool = True) -> Build:
    """`mkdocs build [--strict]` of `project` into `site`; never quiet (strict counts warnings)."""
    argv = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-f",
        str(project / "mkdocs.yml"),
        "-d",
        str(site),
    ]
    if strict:
        argv.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(argv, cwd=project, capture_output=True, text=True, env=env, timeout=600)
    return Build(done.returncode, done.stdout + done.stderr, site)


def project(root: Path, files: dict[str, str], *, lint: bool = True) -> Path:
    """A project folder: this repository's mkdocs.yml, docs/ and asset manifest, plus `files`."""
    root.mkdir(parents=True, exist_ok=True)
    config = MKDOCS_YML.read_text(encoding="utf-8")
    if not lint:
        config, count = re.subn(r"(\n  - runbook-lint:\n)", r"\1      lint: false\n", config)
        assert count == 1, "mkdocs.yml no longer configures the runbook-lint plugin as expected"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / "docs").symlink_to(REPO / "docs", target_is_directory=True)
    (root / "scripts").mkdir(exist_ok=True)
    shutil.copy(REPO / "scripts" / "site-assets.json", root / "scripts" / "site-assets.json")
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def runbook(title: str, steps: str, *, owner: str = "Site Reliability", up: str = "") -> str:
    return f"""# {title}

Last Updated: 2026-11-20
Version: 2.1
Owner: {owner}

## Purpose

Restore the service.

## Prerequisites

- [ ] Shell on the operations host

## Trigger Conditions

- The alert fires

## Procedure

{steps}

## Escalation

| Condition | Escalate To | Contact |
|-----------|-------------|---------|
| Step fails twice | Secondary on-call | `secondary-on-call` |

## Rollback

Not applicable: every step is read-only.

## References

- [Runbook index]({up}index.md)
"""


# A command longer than the page is wide: it must scroll, and copy as one line.
LONG_COMMAND = (
    'opsctl heartbeat status --run-id "$RUN_ID" --format json --include-history '
    "--since 2026-11-20T00:00:00Z --output reports/heartbeat-status-before-takeover.json"
)

STEP_OPERATIONAL = f"""### Step 1: Confirm the heartbeat is stale

🔵 **OPERATIONAL**

- [ ] Read the heartbeat status

```bash
RUN_ID=<run_id>
{LONG_COMMAND}
```

**Verification:**

- Expected outcome: `status` is `STALE`.
- Command to verify: `jq '.status' state/heartbeat_status.json`
"""

STEP_CONSTITUTIONAL = """### Step 2: Take over the lease

🔴 **CONSTITUTIONAL** (ADR-10, FR147)

- [ ] Apply the takeover

```mermaid
flowchart TD
    A["Heartbeat for <run_id> stale?"] -->|yes| B[Take over the lease]
    A -->|no| C[Keep watching]
```

**Verification:**

- Expected outcome: `takeover.handoff_applied` is `true`.
- Command to verify: `jq '.takeover.handoff_applied' reports/operator-recovery.json`
"""

STEP_1 = "operator-recovery.md#step-1-confirm-the-heartbeat-is-stale"

INDEX = f"""# Runbook Index

Last Updated: 2026-11-20
Version: 1.0
Owner: Platform Operations

## Runbooks

| Runbook | Area | Severity | Owner |
|---------|------|----------|-------|
| [Startup](startup.md) | Core | HIGH | Platform |
| [Shutdown](shutdown.md) | Core | MEDIUM | Platform |
| [Operator recovery](operator-recovery.md) | Recovery | CRITICAL | Site Reliability |
| [Stale heartbeat drill](drills/stale-heartbeat.md) | Drills | MEDIUM | Site Reliability |
| Emergence audit (Epic 9) | Deferred | - | backlog |

## Quick Reference by Scenario

| Scenario | Go to |
|----------|-------|
| Heartbeat status `STALE` | [Operator recovery, step 1]({STEP_1}) |
| Services down after a reboot | [Startup](startup.md#procedure) |

## Severity Levels

| Severity | Response | Runbook Examples |
|----------|----------|------------------|
| **CRITICAL** | Page immediately, halt system | [Operator recovery](operator-recovery.md) |
| **LOW** | Next business day | Override logged |

## Emergency Contacts

<!-- runbook-lint: include=contacts -->
"""

CONTACTS = """\
version: 1
roles:
  secondary-on-call:
    name: Secondary on-call
    contact: <pager-rotation>
    hours: 24x7
"""

HEARTBEAT_SCHEMA = """{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "state/heartbeat_status.json",
  "description": "Latest heartbeat assessment. Status STALE means <owner> is silent.",
  "type": "object",
  "required": ["status"],
  "properties": {
    "status": {"$ref": "../../common.schema.json#/$defs/status"},
    "history": {"type": "array", "items": {"type": "object",
                "properties": {"at": {"type": "string", "format": "date-time"}}}}
  }
}
"""

COMMON_SCHEMA = """{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$defs": {"status": {"type": "string", "enum": ["OK", "STALE"],
                       "description": "Heartbeat state."}}
}
"""

CONTRACT = """{
  "opencli": "0.1",
  "info": {"title": "opsctl", "version": "1.0.0", "description": "Operator CLI."},
  "options": [],
  "commands": [
    {"name": "heartbeat", "commands": [
      {"name": "status", "description": "Show the heartbeat.",
       "options": [{"name": "--run-id", "required": true,
                    "arguments": [{"name": "RUN_ID", "required": true}]},
                   {"name": "--format", "arguments": [{"name": "FORMAT", "required": true,
                    "acceptedValues": ["text", "json"]}]}]},
      {"name": "takeover", "constitutional": true, "destructive": true,
       "description": "Take over a stale lease."}
    ]}
  ]
}
"""


def drill_template() -> str:
    """The drills' template: the same sections as a drill, in words no drill keeps."""
    text = runbook("Drill Title", STEP_OPERATIONAL, up="../")
    for old, new in (
        ("Owner: Site Reliability", "Owner: <team>"),
        ("Restore the service.", "What the drill rehearses, and why."),
        ("[ ] Shell on the operations host", "[ ] <what the operator needs first>"),
        ("- The alert fires", "- <when to run the drill>"),
        ("Confirm the heartbeat is stale", "Describe the first step"),
        ("[ ] Read the heartbeat status", "[ ] <what to do>"),
        (f"RUN_ID=<run_id>\n{LONG_COMMAND}", "opsctl heartbeat status --run-id <run_id>"),
        ("`status` is `STALE`.", "<what the operator sees>"),
        ("`jq '.status' state/heartbeat_status.json`", "<command that shows it>"),
        ("Step fails twice | Secondary on-call |", "<condition> | <who takes over> |"),
        ("Not applicable: every step is read-only.", "How to undo each step."),
    ):
        assert old in text, old
        text = text.replace(old, new)
    return text


def library_files() -> dict[str, str]:
    """A small but complete library: index, template, runbooks, a drill, a sample, schemas."""
    return {
        "runbooks/index.md": INDEX,
        "runbooks/contacts.yaml": CONTACTS,
        "runbooks/TEMPLATE.md": runbook("Runbook Title", STEP_OPERATIONAL),
        "runbooks/startup.md": runbook("Startup Procedures", STEP_OPERATIONAL),
        "runbooks/shutdown.md": runbook("Shutdown Procedures", STEP_OPERATIONAL),
        "runbooks/operator-recovery.md": runbook(
            "Operator Recovery", STEP_OPERATIONAL + "\n" + STEP_CONSTITUTIONAL
        ),
        "runbooks/drills/TEMPLATE.md": drill_template(),
        "runbooks/drills/stale-heartbeat.md": runbook(
            "Stale Heartbeat Drill", STEP_OPERATIONAL, up="../"
        ),
        "runbooks/samples/dkt/stale/state/heartbeat_status.json": '{"status": "STALE"}\n',
        "schemas/artifacts/common.schema.json": COMMON_SCHEMA,
        "schemas/artifacts/dkt/state/heartbeat_status.schema.json": HEARTBEAT_SCHEMA,
        "schemas/cli/opsctl.json": CONTRACT,
    }
