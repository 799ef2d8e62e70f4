"""`check` and `audit` judge a step with the same code: each defect applied to a real runbook
fails both at the same line, and a change that one accepts the other accepts too."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from runbook_lint.config import DEFAULT_GOVERNANCE
from runbook_lint.document import Document, Step
from runbook_lint.document.template import STORY_8_9_TEMPLATE

from .conftest import Runner
from .test_audit import library_copy  # noqa: F401  (a fixture)

RUNBOOK = "runbooks/epic-3-halt-fork.md"
PATTERNS = [re.compile(p) for p in DEFAULT_GOVERNANCE]
GOVERNANCE_PAGE = re.compile(r"governance|adr|decision", re.IGNORECASE)

Mutation = Callable[[Document], tuple[list[str], int]]  # new lines, the line the defect is at


def _steps(doc: Document) -> tuple[Step, ...]:
    steps = doc.steps_in("Procedure")
    assert steps
    return steps


def _constitutional(doc: Document) -> Step:
    """A constitutional step that cites governance by id only (no link)."""
    for step in _steps(doc):
        if step.label is None or step.label.kind != "constitutional":
            continue
        if any(
            step.contains(link.line) and GOVERNANCE_PAGE.search(link.target) for link in doc.links
        ):
            continue
        return step
    raise AssertionError(f"{RUNBOOK} has no constitutional step citing governance by id")


def _without(doc: Document, first: int, last: int) -> list[str]:
    """`doc`'s lines without lines `first`..`last`, and without the blank line that would
    double: the file stays tidy Markdown, one defect rather than a style finding too."""
    lines = list(doc.lines)
    at = first - 1
    del lines[at:last]
    while 0 < at < len(lines) and lines[at - 1].strip() == "" and lines[at].strip() == "":
        del lines[at]
    return lines


def drop_verification(doc: Document) -> tuple[list[str], int]:
    step = _steps(doc)[1]
    assert step.verification is not None
    lines = _without(doc, step.verification.line, step.verification.end_line)
    return lines, step.heading.line


def empty_verification(doc: Document) -> tuple[list[str], int]:
    step = _steps(doc)[0]
    ver = step.verification
    assert ver is not None
    lines = list(doc.lines)
    del lines[ver.line : ver.end_line]  # keep the '**Verification:**' line only
    return lines, ver.line


def drop_label(doc: Document) -> tuple[list[str], int]:
    step = _steps(doc)[0]
    assert step.label is not None and step.label.line != step.heading.line
    lines = _without(doc, step.label.line, step.label.line)
    return lines, step.heading.line


def drop_governance(doc: Document) -> tuple[list[str], int]:
    step = _constitutional(doc)
    assert step.label is not None
    lines = list(doc.lines)
    for index in range(step.start_line - 1, step.end_line):
        for pattern in PATTERNS:
            lines[index] = pattern.sub("the requirement", lines[index])
    return lines, step.label.line


def governance_as_link(doc: Document) -> tuple[list[str], int]:
    """The citation by id becomes a link to the governance page: both still pass."""
    lines, _ = drop_governance(doc)
    step = _constitutional(doc)
    assert step.label is not None
    lines[step.label.line - 1] += " See [the governance rules](governance.md)."
    return lines, 0


def _check(run: Runner) -> set[tuple[str, int, str]]:
    code, out, err = run({}, "check", "--format", "json", "--select", "RB121,RB201,RB203", RUNBOOK)
    assert code in (0, 1), err
    return {(f["path"], f["line"], f["rule"]) for f in json.loads(out)["findings"]}


def _audit(run: Runner) -> set[tuple[str, int, str]]:
    code, out, err = run({}, "audit", "--no-lint", "--format", "json")
    assert code in (0, 1), err
    data = json.loads(out)
    failures = {
        (e["path"], e["line"], requirement)
        for row in data["matrix"]
        for requirement, cell in row["results"].items()
        for e in cell["evidence"]
        if not e["passed"]
    }
    assert (code == 0) == (not failures)
    return failures


@pytest.mark.parametrize(
    ("mutate", "rule", "requirement"),
    [
        (drop_verification, "RB121", "FR146"),
        (empty_verification, "RB121", "FR146"),
        (drop_label, "RB201", "FR147"),
        (drop_governance, "RB203", "FR147"),
        (governance_as_link, None, None),
    ],
    ids=["no-verification", "empty-verification", "no-label", "no-governance", "governance-link"],
)
def test_check_and_audit_agree(
    run: Runner,
    library_copy: Path,  # noqa: F811
    mutate: Mutation,
    rule: str | None,
    requirement: str | None,
) -> None:
    assert _check(run) == set() and _audit(run) == set()
    path = library_copy / RUNBOOK
    doc = Document.parse(RUNBOOK, path.read_text(encoding="utf-8"))
    lines, line = mutate(doc)
    path.write_text("\n".join(lines), encoding="utf-8")
    if rule is None:
        assert _check(run) == set() and _audit(run) == set()
        return
    assert _check(run) == {(RUNBOOK, line, rule)}
    assert _audit(run) == {(RUNBOOK, line, requirement)}


def test_a_template_without_labels_still_has_its_labels_checked(run: Runner) -> None:
    """A runbook may label its steps where the template does not: a constitutional step
    that cites nothing fails `check` (RB203) and the audit (FR147) at the same line."""
    from .test_audit import LIBRARY, RECOVERY

    template = STORY_8_9_TEMPLATE.replace("🔵 **OPERATIONAL**\n\n", "")
    assert "OPERATIONAL" not in template and "CONSTITUTIONAL" not in template
    recovery = RECOVERY.replace(" (FR107: constitutional events are never shed)", "")
    files = {**LIBRARY, "runbooks/TEMPLATE.md": template, "runbooks/recovery.md": recovery}
    line = recovery.split("\n").index("🔴 **CONSTITUTIONAL**") + 1
    code, out, err = run(files, "check", "--format", "json", "runbooks/recovery.md")
    assert code == 1, err
    found = {(f["path"], f["line"], f["rule"]) for f in json.loads(out)["findings"]}
    assert found == {("runbooks/recovery.md", line, "RB203")}
    assert _audit(run) == {("runbooks/recovery.md", line, "FR147")}
