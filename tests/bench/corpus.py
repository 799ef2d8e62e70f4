"""Generate a realistic runbook library for the benchmark.

`python tests/bench/corpus.py OUT [--files 2000] [--seed 8]` writes OUT/runbooks/ (an index, the
template, the escalation contacts, drills folder, runbooks in area folders), OUT/schemas/ (the
repository's CLI contracts and artifact schemas) and an empty `runbook-lint.toml`. Every runbook
follows the template's structure: metadata, At a glance, Purpose, Prerequisites, Trigger
Conditions, a Procedure of labelled steps with checklists, bash/console fences and Verification
blocks, mermaid and json fences, an Escalation table, Rollback and References with links (some with
anchors) to other runbooks. The index carries the Severity Levels section that At a glance links
to.
The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AREAS = (
    "api", "auth", "billing", "cache", "db", "dns", "edge", "events", "gateway", "identity",
    "ingest", "keys", "mail", "network", "observer", "queue", "search", "storage", "witness", "web",
)  # fmt: skip
VERBS = ("Check", "Drain", "Restart", "Rotate", "Verify", "Scale", "Inspect", "Restore", "Pause")
NOUNS = (
    "the primary", "the replica pool", "the event store", "the cache tier", "the witness pool",
    "the ingest workers", "the API gateway", "the certificate bundle", "the queue consumers",
)  # fmt: skip
COMPONENTS = ("db", "redis", "api", "event-store", "witnesses", "agents", "observer", "all")
LEVELS = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")
WORDS = (
    "operator", "latency", "replica", "backlog", "health", "signal", "lease", "heartbeat",
    "threshold", "window", "rollout", "capacity", "snapshot", "journal", "quorum", "partition",
    "retention", "throughput",
)  # fmt: skip


# Runbooks written longer than the others (index -> at least this many lines): the single-file
# and language-server scenarios edit a runbook of 300 lines.
LONG = {4: 300}


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def title_of(i: int) -> str:
    return f"{AREAS[i % len(AREAS)].title()} Procedure {i:04d}"


def path_of(i: int) -> str:
    return f"{AREAS[i % len(AREAS)]}/runbook-{i:04d}.md"


def step(rng: random.Random, number: int) -> list[str]:
    constitutional = rng.random() < 0.2
    verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
    out = [f"### Step {number}: {verb} {noun}", ""]
    if constitutional:
        out += ["🔴 **CONSTITUTIONAL** — changes governance state, per ADR-10 / FR147", ""]
    else:
        out += ["🔵 **OPERATIONAL**", ""]
    out += [f"- [ ] {sentence(rng, 8)}" for _ in range(rng.randint(2, 4))]
    out.append("")
    component = rng.choice(COMPONENTS)
    kind = rng.random()
    if kind < 0.6:
        out += [
            "```bash",
            "INCIDENT_DIR=<incident-dir>",
            'mkdir -p "$INCIDENT_DIR"',
            f'opsctl health --component {component} | tee "$INCIDENT_DIR/step-{number}.txt"',
            "```",
            "",
        ]
    elif kind < 0.8:
        out += [
            "```console",
            f"$ opsctl health --component {component}",
            f"{component}: healthy (latency {rng.randint(2, 90)} ms)",
            "```",
            "",
        ]
    else:
        out += [sentence(rng, 20), ""]
    if kind < 0.6:  # the step saved what it read: the verification reads that
        verify = f'grep -c healthy "$INCIDENT_DIR/step-{number}.txt"'
    else:  # the whole system after this component
        verify = "opsctl health --component all" if component != "all" else "opsctl health"
    out += [
        "**Verification:**",
        "",
        f"- Expected outcome: {component} reports `healthy`.",
        f"- Command to verify: `{verify}`",
        "",
    ]
    return out


def runbook(rng: random.Random, i: int, total: int) -> str:
    lines = [
        f"# {title_of(i)}",
        "",
        f"Last Updated: 2026-{rng.randint(7, 10):02d}-{rng.randint(1, 28):02d}",
        f"Version: 1.{rng.randint(0, 9)}",
        f"Owner: {AREAS[i % len(AREAS)].title()} Operations",
        "",
        "## At a glance",
        "",
        f"**Use it when:** a {AREAS[i % len(AREAS)]} alert fires or its health check fails.",
        "",
        f"**Severity:** [{LEVELS[i % len(LEVELS)]}](../index.md#severity-levels)",
        "",
        "**First safe command** (read-only, changes nothing):",
        "",
        "```bash",
        f"opsctl health --component {COMPONENTS[i % len(COMPONENTS)]}",
        "```",
        "",
        "**Escalate:** [Escalation](#escalation): a step fails twice (secondary on-call).",
        "",
        "## Purpose",
        "",
        sentence(rng, 24),
        sentence(rng, 18),
        "",
        "## Prerequisites",
        "",
    ]
    lines += [f"- [ ] {sentence(rng, 9)}" for _ in range(rng.randint(2, 4))]
    lines += ["", "## Trigger Conditions", "", "Use this runbook when:", ""]
    lines += [f"- {sentence(rng, 10)}" for _ in range(rng.randint(2, 4))]
    lines += ["", "## Procedure", "", sentence(rng, 20), ""]
    lines += [
        "```mermaid",
        "flowchart TD",
        "  A[Alert fires] --> B{Healthy?}",
        "  B -- yes --> C[Close the incident]",
        "  B -- no --> D[Follow the steps below]",
        "```",
        "",
    ]
    steps = range(1, rng.randint(5, 8))
    for number in steps:
        lines += step(rng, number)
    extra = random.Random(i)  # more steps for a long runbook, the others' bytes unchanged
    number = len(steps)
    while len(lines) < LONG.get(i, 0) - 30:
        number += 1
        lines += step(extra, number)
    lines += [
        "Expected status document:",
        "",
        "```json",
        "{",
        f'  "component": "{rng.choice(COMPONENTS)}",',
        '  "status": "healthy",',
        f'  "latency_ms": {rng.randint(1, 99)}',
        "}",
        "```",
        "",
        "## Escalation",
        "",
        "| Condition | Escalate To | Contact |",
        "|-----------|-------------|---------|",
        "| Step fails twice | Secondary on-call | `secondary-on-call` |",
        "| Any constitutional doubt | Governance duty officer | `governance-duty-officer` |",
        "",
        "## Rollback",
        "",
        "1. Stop at the failing step; do not continue to later steps.",
        "2. Undo the operational changes made so far, newest first.",
        "",
        "## References",
        "",
        "- [Runbook index](../index.md)",
    ]
    for _ in range(3):
        other = rng.randrange(total)
        anchor = "#procedure" if rng.random() < 0.5 else ""
        lines.append(f"- [{title_of(other)}](../{path_of(other)}{anchor})")
    lines += ["- ADR-10 (constitutional health versus operational health)", ""]
    return "\n".join(lines)


def index(total: int) -> str:
    lines = [
        "# Runbook Index",
        "",
        "Last Updated: 2026-11-01",
        "Version: 1.0",
        "Owner: Platform Operations",
        "",
        "## Runbooks",
        "",
        "| Runbook | Area | Owner |",
        "|---------|------|-------|",
    ]
    for i in range(total):
        area = AREAS[i % len(AREAS)]
        lines.append(f"| [{title_of(i)}]({path_of(i)}) | {area} | {area.title()} Operations |")
    lines += ["", "New runbooks start from the [runbook template](TEMPLATE.md).", ""]
    lines += [
        "## Severity Levels",
        "",
        "| Severity | What you do |",
        "|----------|-------------|",
        "| CRITICAL | Page now and halt the system |",
        "| HIGH | Page now |",
        "| MEDIUM | Alert the on-call; respond within 15 minutes |",
        "| LOW | Ticket for the next business day |",
        "| INFO | Log only |",
        "",
    ]
    return "\n".join(lines)


def generate(out: Path, files: int = 2000, seed: int = 8) -> int:
    """Write the library; returns the number of lines written to runbooks."""
    rng = random.Random(seed)
    books = out / "runbooks"
    if books.exists():
        shutil.rmtree(books)
    books.mkdir(parents=True)
    (books / "drills").mkdir()
    template = (REPO / "runbooks" / "TEMPLATE.md").read_text(encoding="utf-8")
    template = template.replace("(incident-response.md)", "(index.md)")
    (books / "TEMPLATE.md").write_text(template, encoding="utf-8")
    shutil.copy(REPO / "runbooks" / "contacts.yaml", books / "contacts.yaml")
    if (REPO / "schemas").is_dir():
        shutil.rmtree(out / "schemas", ignore_errors=True)
        shutil.copytree(REPO / "schemas", out / "schemas")
    (out / "runbook-lint.toml").write_text("", encoding="utf-8")
    total = 0
    for i in range(files):
        text = runbook(rng, i, files)
        target = books / path_of(i)
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
        total += text.count("\n")
    (books / "index.md").write_text(index(files), encoding="utf-8")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    lines = generate(args.out, args.files, args.seed)
    print(f"{args.files} runbooks, {lines:,} lines in {args.out / 'runbooks'}")


if __name__ == "__main__":
    main()
