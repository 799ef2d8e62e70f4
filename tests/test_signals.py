"""RB320-RB323: **Signals:** declarations, with failing and passing cases and exact positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook_lint.document import Document
from runbook_lint.document.signals import declarations

from .conftest import Runner

HEAD = """# Orchestration Incidents

Last Updated: 2026-11-20
Version: 1.0
Owner: Platform Operations

## Procedure

"""  # the first body line is line 9


def _findings(run: Runner, files: dict[str, str], select: str) -> list[tuple[object, ...]]:
    code, out, _ = run(files, "check", "--format", "json", "--select", select, "runbooks")
    assert code in (0, 1), out
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["message"])
        for f in json.loads(out)["findings"]
    ]


def test_declarations_read_signals_with_their_section_and_positions() -> None:
    text = HEAD + (
        "### Case A: Stage conflict\n"  # 9
        "\n"
        "**Signals:** `stage_conflict`, `topic spec not ready`\n"  # 11
        "\n"
        "Resolve it.\n"
    )
    (decl,) = declarations(Document.parse("runbooks/x.md", text))
    assert decl.heading is not None and decl.heading.slug == "case-a-stage-conflict"
    assert [(s.text, s.line, s.column) for s in decl.signals] == [
        ("stage_conflict", 11, 15),
        ("topic spec not ready", 11, 33),
    ]
    assert decl.problem is None and decl.marker is None


def test_a_declaration_may_follow_a_step_label_and_a_comment() -> None:
    text = HEAD + (
        "### Step 1: Check the lease\n\n"
        "🔵 **OPERATIONAL**\n\n"
        "<!-- runbook-lint: signals shared -- the takeover step reads it too -->\n"
        "**Signals:** `lease missing`\n"
    )
    (decl,) = declarations(Document.parse("runbooks/x.md", text))
    assert decl.heading is not None and decl.heading.text == "Step 1: Check the lease"
    assert decl.shared_reason == "the takeover step reads it too"


def test_signals_outside_a_section(run: Runner) -> None:
    text = HEAD + (
        "### Case A: Stage conflict\n\nResolve it.\n\n"
        "**Signals:** `stage_conflict`\n"  # 13
        "\n- **Signals:** `topic spec not ready`\n"  # 15
    )
    found = _findings(run, {"runbooks/x.md": text}, "RB320")
    assert [(f[1], f[2]) for f in found] == [(13, 1), (15, 3)]
    assert "`stage_conflict` belong to no section" in str(found[0][4])


def test_a_declaration_above_the_first_section_belongs_to_none(run: Runner) -> None:
    text = "# Backup\n\n**Signals:** `backup job failed`\n\n## Purpose\n\nKeep data.\n"
    assert [(f[1], f[2]) for f in _findings(run, {"runbooks/x.md": text}, "RB320")] == [(3, 1)]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("**Signals:** stage_conflict, `x`", 14, "each signal goes in inline code"),
        ("**Signals:** `a` `b`", 18, "separate signals with commas"),
        ("**Signals:** `a`, `a`", 20, "listed twice"),
        ("**Signals:** `a`,", 17, "trailing comma"),
        ("**Signals**: `a`", 1, "write the declaration as '**Signals:**'"),
        ("Signals: `a`", 1, "write the declaration as '**Signals:**'"),
        ("**Signals:**", 1, "declares no signal"),
    ],
)
def test_malformed_lines(run: Runner, line: str, column: int, message: str) -> None:
    text = HEAD + f"### Case A: Stage conflict\n\n{line}\n"
    found = _findings(run, {"runbooks/x.md": text}, "RB322")
    assert len(found) == 1, found
    assert found[0][1:3] == (11, column)
    assert message in str(found[0][4])


def test_two_sections_claiming_one_signal(run: Runner) -> None:
    other = HEAD + "### Divergence\n\n**Signals:** `divergence_detected`\n"
    text = HEAD + (
        "### Case A: Divergence triage\n\n**Signals:** `drift_active`, `divergence_detected`\n"
    )
    files = {"runbooks/a.md": other, "runbooks/b.md": text}
    found = _findings(run, files, "RB321")
    assert [f[:4] for f in found] == [("runbooks/b.md", 11, 31, "RB321")]
    assert "'Divergence' (runbooks/a.md, line 11)" in str(found[0][4])


def test_two_sections_in_one_file(run: Runner) -> None:
    text = HEAD + (
        "### Case A\n\n**Signals:** `STALE`\n\n### Case B\n\n**Signals:** `STALE`\n"  # 11, 15
    )
    found = _findings(run, {"runbooks/x.md": text}, "RB321")
    assert [f[1:3] for f in found] == [(15, 15)]
    assert "(above, line 11)" in str(found[0][4])


def test_a_justified_second_claim_is_accepted(run: Runner) -> None:
    text = HEAD + (
        "### Case A\n\n**Signals:** `STALE`\n\n### Case B\n\n"
        "<!-- runbook-lint: signals shared -- B handles STALE once the lease is gone -->\n"
        "**Signals:** `STALE`\n"
    )
    assert _findings(run, {"runbooks/x.md": text}, "RB32") == []


def test_the_justification_needs_a_reason_and_a_declaration(run: Runner) -> None:
    text = HEAD + (
        "### Case A\n\n<!-- runbook-lint: signals shared -->\n**Signals:** `STALE`\n\n"  # 11
        "### Case B\n\n<!-- runbook-lint: signals shared -- orphan -->\n\nText.\n\n"  # 16
        "<!-- runbook-lint: signals share -- typo -->\n"  # 20
    )
    found = _findings(run, {"runbooks/x.md": text}, "RB323")
    assert [(f[1], f[2]) for f in found] == [(11, 1), (16, 1), (20, 1)]
    assert "needs a reason" in str(found[0][4])
    assert "not beside a **Signals:** line" in str(found[1][4])
    assert "unrecognised signals directive" in str(found[2][4])


def test_the_library_declares_signals_cleanly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from runbook_lint.cli import main

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    assert main(["check", "--select", "RB32", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
