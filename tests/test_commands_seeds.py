"""The source runbooks' exact commands pass against the project's declared contracts, and
plausible mistakes in them are caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from runbook_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).parent / "fixtures" / "commands" / "seed-commands.md"


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "runbooks").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lint(library: Path, text: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    (library / "runbooks" / "seed.md").write_text(text, encoding="utf-8")
    capsys.readouterr()
    code = main(["check", "--format", "json", "--select", "RB42,RB43", "runbooks"])
    out = capsys.readouterr().out
    findings: list[dict[str, object]] = json.loads(out)["findings"]
    assert code == (1 if findings else 0)
    return findings


def test_seed_commands_pass(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _lint(library, SEEDS.read_text(encoding="utf-8"), capsys) == []


MISTAKES = [
    ("--source events", "--source event", "RB426"),
    ("--successor-thread-id", "--successor-thread", "RB423"),
    ("--intent approve", "--intent aprove", "RB426"),
    ("--transport local --from-start", "--transport locl --from-start", "RB426"),
    ("--threshold-profile strict", "--threshold-profile strictest", "RB426"),
    ("--alerts-enabled false", "--alerts-enabled", "RB427"),
    ("scripts/ops-manager-telemetry-summary.sh", "scripts/ops-manager-telemetry.sh", "RB421"),
    ("orchestration.py archive <run_id>", "orchestration.py archiv <run_id>", "RB422"),
    ("orchestration.py diff <run_id>", "orchestration.py diff", "RB425"),
    ("run `make gate`", "run `make gates`", "RB430"),
    (
        "--pretty\nscripts/ops-manager-reconcile.sh",
        "--pretty=1\nscripts/ops-manager-reconcile.sh",
        "RB428",
    ),
]


@pytest.mark.parametrize(("good", "bad", "rule"), MISTAKES, ids=[m[2] for m in MISTAKES])
def test_seed_mistakes_are_caught(
    library: Path, capsys: pytest.CaptureFixture[str], good: str, bad: str, rule: str
) -> None:
    text = SEEDS.read_text(encoding="utf-8")
    assert good in text
    found = _lint(library, text.replace(good, bad, 1), capsys)
    assert [f["rule"] for f in found] == [rule]
    # the finding is on the line of the changed text
    line = text[: text.index(good)].count("\n") + 1 + good[: len(good)].count("\n") * 0
    assert found[0]["line"] in (line, line + 1)


def test_the_library_has_no_command_findings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["check", "--format", "json", "--select", "RB42,RB43", "runbooks"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings == []
    assert code == 0


def test_declared_contracts_are_valid_and_marked_declared() -> None:
    from runbook_lint.shell.loader import load_contract, schema_path

    for path in sorted((ROOT / "schemas" / "cli").glob("*.json")):
        contract = load_contract(path, schema_path(ROOT))
        assert contract.source == "declared", path.name
