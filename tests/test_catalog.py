"""The catalogue: every rule is complete, and its examples do what they say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook_lint.cli import main
from runbook_lint.rule import Rule, catalogue_order, validate_rules
from runbook_lint.rules import all_rules

from .conftest import STORY, write_files

RULES = all_rules()
RUNNABLE = [r for r in RULES if r.runnable_examples]


def test_catalogue_is_valid_and_sorted() -> None:
    assert validate_rules(RULES)
    assert list(RULES) == sorted(RULES, key=catalogue_order)
    assert RULES[0].id == "RB000" and RULES[-1].id.startswith("MD")


def test_every_family_has_rules() -> None:
    families = {r.id[:3] for r in RULES}
    assert {"RB0", "RB1", "RB2", "RB3", "RB4"} <= families


def test_validation_rejects_incomplete_rules() -> None:
    good = RULES[1]
    from dataclasses import replace

    with pytest.raises(ValueError, match="empty rationale"):
        validate_rules([replace(good, rationale=" ")])
    with pytest.raises(ValueError, match="duplicate id"):
        validate_rules([good, replace(good, name="other-name")])
    with pytest.raises(ValueError, match="kebab-case"):
        validate_rules([replace(good, name="Not_Kebab")])


def _fired(
    rule: Rule,
    files: dict[str, str],
    tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> list[dict[str, object]]:
    write_files(tmp, {**STORY, **files})
    monkeypatch.chdir(tmp)
    capsys.readouterr()
    # An engine rule judges the other rules' findings (an unused suppression), so they run too.
    select = [] if rule.engine else ["--select", rule.id]
    code = main(["check", "--format", "json", *select, "runbooks"])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    findings: list[dict[str, object]] = json.loads(out)["findings"]
    return [f for f in findings if f["rule"] == rule.id]


@pytest.mark.parametrize("rule", RUNNABLE, ids=[r.id for r in RUNNABLE])
def test_bad_example_fires(
    rule: Rule, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(rule.bad_files) or {rule.example_path: rule.bad}
    assert _fired(rule, files, tmp_path, monkeypatch, capsys), f"{rule.id} bad example is silent"


@pytest.mark.parametrize("rule", RUNNABLE, ids=[r.id for r in RUNNABLE])
def test_good_example_is_clean(
    rule: Rule, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(rule.good_files) or {rule.example_path: rule.good}
    assert _fired(rule, files, tmp_path, monkeypatch, capsys) == []


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_explain_prints_every_part(rule: Rule, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", rule.id]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{rule.id} {rule.name}")
    for part in ("Why", "Bad", "Good", rule.summary):
        assert part in out
