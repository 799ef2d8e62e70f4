"""Rule catalog pages: one per rule, from the Rule records `runbook-lint explain` prints."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from ..rule import Rule, catalogue_order
from .markdown import cell, code, fence, inline, prose, table
from .markdown import facts as facts_list

FAMILIES = {
    "RB0": "File and encoding",
    "RB1": "Template and metadata",
    "RB2": "Labels",
    "RB3": "Index, links and coverage",
    "RB4": "Commands",
    "RB5": "Artifacts",
    "RB6": "Drills",
    "RB7": "Freshness",
    "MD0": "Markdown style (pymarkdownlnt)",
}
_LANGS = {
    ".md": "markdown",
    ".json": "json",
    ".jsonl": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".sh": "bash",
}


def family_name(rule: Rule) -> str:
    return FAMILIES.get(rule.id[:3], "Other")


FOLDER = "reference/rules"  # where the site has the rule pages


def built_page(rule_id: str) -> str:
    """The path of a rule's page in the built site (`use_directory_urls: false`)."""
    return f"{FOLDER}/{rule_id}.html"


def rule_uri(folder: str, rule: Rule) -> str:
    return f"{folder}/{rule.id}.md"


def catalog_page(rules: Sequence[Rule]) -> str:
    out = [
        "# Rules",
        "",
        "Every check `runbook-lint` makes. Each page is generated from the rule's own record, the "
        "same text `runbook-lint explain RULE` prints. Findings read "
        "`path:line:col: RULE severity message`.",
        "",
    ]
    if not rules:
        out.append("None yet: the rule registry is empty.")
        return "\n".join(out) + "\n"
    families: dict[str, list[Rule]] = {}
    for rule in sorted(rules, key=catalogue_order):
        families.setdefault(rule.id[:3], []).append(rule)
    for prefix, members in families.items():
        out += [f"## {prefix}xx: {FAMILIES.get(prefix, 'Other')}", ""]
        out.append(
            table(
                ["Rule", "Name", "Severity", "Fixable", "Summary"],
                (
                    [
                        f"[{r.id}]({r.id}.md)",
                        code(r.name),
                        r.severity,
                        "yes" if r.fixable else "",
                        inline(r.summary),
                    ]
                    for r in members
                ),
            )
        )
        out.append("")
    return "\n".join(out)


def _example(title: str, snippet: str, files: dict[str, str], example_path: str) -> list[str]:
    out = [f"## {title}", ""]
    if files:
        for path, content in sorted(files.items()):
            lang = _LANGS.get(posixpath.splitext(path)[1].lower(), "")
            out += [f"`{path}`", "", fence(content, lang), ""]
        if snippet.strip() and example_path not in files:
            out += [f"`{example_path}`", "", fence(snippet, "markdown"), ""]
    else:
        out += [fence(snippet, "markdown"), ""]
    return out


def rule_page(rule: Rule) -> str:
    facts = [
        ["Severity", rule.severity],
        ["Family", f"{rule.id[:3]}xx {family_name(rule)}"],
        ["Fixable", "yes, with `runbook-lint check --fix`" if rule.fixable else "no"],
    ]
    out = [
        f"# {rule.id} {rule.name}",
        "",
        prose(" ".join(rule.summary.split())),
        "",
        facts_list(facts),
        "",
        "## Why",
        "",
        prose(rule.rationale.strip()),
        "",
    ]
    out += _example("Bad", rule.bad, dict(rule.bad_files), rule.example_path)
    out += _example("Good", rule.good, dict(rule.good_files), rule.example_path)
    if rule.options:
        out += ["## Options", ""]
        out.append(
            table(["Option", "Meaning"], ([code(k), cell(v)] for k, v in rule.options.items()))
        )
        out.append("")
    out += [
        "## Silencing it",
        "",
        "For one justified exception, before the block:",
        "",
        fence(
            f"<!-- runbook-lint: disable={rule.id} -- reason: why this is justified -->", "markdown"
        ),
        "",
        f"On the command line: `runbook-lint explain {rule.id}` prints this page.",
        "",
    ]
    return "\n".join(out)
