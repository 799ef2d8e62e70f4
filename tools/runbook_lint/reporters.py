"""Reporters turn a Report into text; they never choose the exit code."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from . import __version__
from .engine import Report
from .rule import Rule

INFORMATION_URI = "https://runbook-lint.local/rules/"


def text(report: Report, rules: Sequence[Rule]) -> str:
    lines = [
        f"{f.path}:{f.line}:{f.column}: {f.rule} {f.severity} {f.message}" for f in report.findings
    ]
    infos = len(report.findings) - report.errors - report.warnings
    if report.findings:
        parts = [
            f"{report.errors} error{'s' if report.errors != 1 else ''}",
            f"{report.warnings} warning{'s' if report.warnings != 1 else ''}",
        ]
        if infos:
            parts.append(f"{infos} info")
        lines.append(f"Found {', '.join(parts)} in {report.files} files.")
    else:
        lines.append(f"All checks passed ({report.files} files).")
    return "\n".join(lines) + "\n"


def as_json(report: Report, rules: Sequence[Rule]) -> str:
    payload = {
        "version": 1,
        "summary": {"files": report.files, "errors": report.errors, "warnings": report.warnings},
        "findings": [f.as_dict() for f in report.findings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def sarif(report: Report, rules: Sequence[Rule]) -> str:
    used = sorted({f.rule for f in report.findings})
    catalogue = {r.id: r for r in rules}
    ordered = [catalogue[r] for r in used if r in catalogue]
    index = {r.id: i for i, r in enumerate(ordered)}
    driver_rules = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.rationale},
            "help": {"text": f"{r.rationale}\n\nBad:\n{r.bad}\n\nGood:\n{r.good}"},
            "helpUri": f"{INFORMATION_URI}{r.id}.html",
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
        }
        for r in ordered
    ]
    results = []
    for f in report.findings:
        result: dict[str, object] = {
            "ruleId": f.rule,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        results.append(result)
    payload = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "runbook-lint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": driver_rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report, rules: Sequence[Rule]) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for f in report.findings:
        props = (
            f"file={_escape_property(f.path)},line={f.line},col={f.column},"
            f"title={_escape_property(f.rule)}"
        )
        lines.append(f"::{level[f.severity]} {props}::{_escape_data(f.rule + ' ' + f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


FORMATS: dict[str, Callable[[Report, Sequence[Rule]], str]] = {
    "text": text,
    "json": as_json,
    "sarif": sarif,
    "github": github,
}


def render(name: str, report: Report, rules: Sequence[Rule]) -> str:
    return FORMATS[name](report, rules)
