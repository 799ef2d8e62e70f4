"""The content cache: warm runs report exactly what cold runs report, and every input the
rules read invalidates what it must."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook_lint import engine
from runbook_lint.cache import FILE_NAME
from runbook_lint.cli import main
from runbook_lint.config import Config
from runbook_lint.fingerprint import fingerprint
from tests.bench.corpus import generate

BROKEN_STEP = "### Step 1: Check the current state\n\n🔵 **OPERATIONAL**\n"


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated library of 12 runbooks with a few findings of several families."""
    generate(tmp_path, files=12, seed=3)
    first = tmp_path / "runbooks" / "api" / "runbook-0000.md"
    text = first.read_text(encoding="utf-8")
    text = text.replace("## Rollback", "## Rollback\n\nSee [gone](missing.md).\n", 1)
    text = text.replace("(../index.md)", "(../index.md#no-such-anchor)", 1)
    first.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", "--format", "json", "-j", "1", *args])
    return code, capsys.readouterr().out


def rules_of(out: str) -> set[tuple[str, str]]:
    return {(f["path"], f["rule"]) for f in json.loads(out)["findings"]}


def count_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checked: list[str] = []
    original = engine.check_path

    def counting(library, ctx, rules, path):  # type: ignore[no-untyped-def]
        checked.append(path.name)
        return original(library, ctx, rules, path)

    monkeypatch.setattr(engine, "check_path", counting)
    return checked


def test_cold_first_and_warm_runs_are_byte_identical(
    library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = lint(capsys, "--no-cache")
    assert not (library / ".cache").exists()
    first = lint(capsys)
    checked = count_checks(monkeypatch)
    warm = lint(capsys)
    assert cold == first == warm
    assert cold[0] == 1 and {"RB303", "RB304"} <= {r for _, r in rules_of(cold[1])}
    assert checked == []  # nothing changed: no document was parsed or checked again
    for fmt in ("text", "sarif", "github"):
        assert lint(capsys, "--format", fmt, "--no-cache") == lint(capsys, "--format", fmt)


def test_cache_folder_ignores_itself_and_leaves_no_temporary_files(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lint(capsys)
    folder = library / ".cache" / "runbook-lint"
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore", FILE_NAME]
    assert "*" in (folder / ".gitignore").read_text(encoding="utf-8").split()


def test_changed_file_is_checked_again_and_only_it(
    library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lint(capsys)
    target = library / "runbooks" / "api" / "runbook-0000.md"
    target.write_text(
        target.read_text(encoding="utf-8").replace("See [gone](missing.md).", ""),
        encoding="utf-8",
    )
    checked = count_checks(monkeypatch)
    _, warm = lint(capsys)
    assert checked == ["runbook-0000.md"]
    assert ("runbooks/api/runbook-0000.md", "RB303") not in rules_of(warm)
    assert warm == lint(capsys, "--no-cache")[1]


def test_link_target_change_invalidates_the_linking_document(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = library / "runbooks" / "index.md"
    lint(capsys)
    index.write_text(
        index.read_text(encoding="utf-8") + "\n## No Such Anchor\n\nNow it exists.\n",
        encoding="utf-8",
    )
    _, warm = lint(capsys)
    assert ("runbooks/api/runbook-0000.md", "RB304") not in rules_of(warm)
    assert warm == lint(capsys, "--no-cache")[1]


def test_new_link_target_file_invalidates(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lint(capsys)
    (library / "runbooks" / "api" / "missing.md").write_text("# Missing\n", encoding="utf-8")
    _, warm = lint(capsys, "runbooks/api/runbook-0000.md")
    assert ("runbooks/api/runbook-0000.md", "RB303") not in rules_of(warm)
    assert warm == lint(capsys, "--no-cache", "runbooks/api/runbook-0000.md")[1]


def test_template_change_updates_findings(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = library / "runbooks" / "TEMPLATE.md"
    _, before = lint(capsys)
    assert not any(rule == "RB101" for _, rule in rules_of(before))
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("## References", "## Owners\n\nWho.\n\n## References"))
    _, after = lint(capsys)
    assert ("runbooks/auth/runbook-0001.md", "RB101") in rules_of(after)
    assert after == lint(capsys, "--no-cache")[1]


def test_configuration_change_updates_findings(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lint(capsys)
    (library / "runbook-lint.toml").write_text("review-days = 1\n", encoding="utf-8")
    _, after = lint(capsys)
    assert ("runbooks/auth/runbook-0001.md", "RB702") in rules_of(after)
    assert after == lint(capsys, "--no-cache")[1]


def test_today_is_part_of_the_key(
    library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, before = lint(capsys)
    monkeypatch.setenv("RUNBOOK_LINT_TODAY", "2028-01-01")
    _, after = lint(capsys)
    assert after != before and after == lint(capsys, "--no-cache")[1]


def test_fixes_survive_the_cache(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = library / "runbooks" / "auth" / "runbook-0001.md"
    target.write_text(target.read_text(encoding="utf-8") + "trailing   \n", encoding="utf-8")
    assert lint(capsys, "--no-cache") == lint(capsys) == lint(capsys)


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b"",
        b"[1, 2, 3]",
        b'{"format": 1, "fingerprint": "someone else", "documents": {}, "library": {}}',
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored(
    library: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    cold = lint(capsys, "--no-cache")
    lint(capsys)
    (library / ".cache" / "runbook-lint" / FILE_NAME).write_bytes(content)
    assert lint(capsys) == cold
    assert lint(capsys) == cold


def test_entries_of_the_wrong_shape_are_recomputed(
    library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = lint(capsys, "--no-cache")
    lint(capsys)
    file = library / ".cache" / "runbook-lint" / FILE_NAME
    data = json.loads(file.read_bytes())
    broken = ["x", {"key": 1}, {"key": "k", "deps": [], "findings": "no", "suppressions": []}]
    for path, value in zip(sorted(data["documents"]), broken, strict=False):
        data["documents"][path] = value
    for key, entry in data["library"].items():
        data["library"][key] = {**entry, "findings": [["p", 1, 1, "RB1", "fatal", "m", None]]}
    file.write_text(json.dumps(data), encoding="utf-8")
    checked = count_checks(monkeypatch)
    assert lint(capsys) == cold
    assert len(checked) == 3


def test_fingerprint_covers_schemas_contracts_and_the_file_list(library: Path) -> None:
    import datetime as dt

    config = Config(root=library)
    folder = library / ".cache" / "runbook-lint"
    today = dt.date(2026, 11, 23)

    def key() -> str:
        return fingerprint(config, ["RB101"], today, folder)

    before = key()
    assert key() == before
    assert fingerprint(config, ["RB101", "RB102"], today, folder) != before
    schema = next((library / "schemas").rglob("*.schema.json"))
    schema.write_text(schema.read_text(encoding="utf-8") + " ", encoding="utf-8")
    after_schema = key()
    assert after_schema != before
    contract = library / "schemas" / "cli" / "opsctl.json"
    contract.write_text(contract.read_text(encoding="utf-8") + " ", encoding="utf-8")
    after_contract = key()
    assert after_contract != after_schema
    (library / "notes.txt").write_text("new file", encoding="utf-8")
    assert key() != after_contract
    # The checked documents themselves are keyed one by one, not in the fingerprint.
    runbook = library / "runbooks" / "api" / "runbook-0000.md"
    runbook.write_text(runbook.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (folder / "x").parent.mkdir(parents=True, exist_ok=True)
    (folder / FILE_NAME).write_text("{}", encoding="utf-8")
    final = key()
    runbook.write_text(runbook.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert key() == final


def test_fingerprint_covers_the_versions_of_the_parsing_libraries(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt
    from importlib.metadata import version

    from runbook_lint import fingerprint as fingerprint_mod

    installed = fingerprint_mod.dependency_versions()
    # Read from the metadata folders' names, they agree with importlib.metadata.
    assert installed == [f"{name} {version(name)}" for name in fingerprint_mod.DEPENDENCIES]
    assert {"markdown-it-py", "jsonschema", "tree-sitter-bash"} <= set(fingerprint_mod.DEPENDENCIES)
    config = Config(root=library)
    folder = library / ".cache" / "runbook-lint"
    today = dt.date(2026, 11, 23)
    before = fingerprint(config, ["RB101"], today, folder)
    for index in range(len(installed)):
        upgraded = [*installed]
        upgraded[index] += ".post1"
        monkeypatch.setattr(fingerprint_mod, "dependency_versions", lambda u=upgraded: u)
        assert fingerprint(config, ["RB101"], today, folder) != before, upgraded[index]


def test_a_contract_validated_once_is_not_validated_again(
    library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from runbook_lint.shell import loader

    validated: list[str] = []
    original = loader.validate

    def counting(data: object, path: Path, schema_file: Path) -> None:
        validated.append(Path(path).name)
        original(data, path, schema_file)

    monkeypatch.setattr(loader, "validate", counting)
    one = "runbooks/api/runbook-0000.md"
    cold = lint(capsys, one)
    assert "opsctl.json" in validated
    validated.clear()
    edited = library / one
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    assert lint(capsys, one) == cold  # the file is checked again, its contract is trusted
    assert validated == []
    lint(capsys, "--no-cache", one)
    assert "opsctl.json" in validated
    contract = library / "schemas" / "cli" / "opsctl.json"
    contract.write_text('{"program": 5}', encoding="utf-8")
    validated.clear()
    code, _ = lint(capsys, one)
    assert code == 2 and "opsctl.json" in validated  # a changed contract is validated again


def test_a_makefile_the_program_map_names_invalidates(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make` checked against the targets of a Makefile the program map names (not the
    configured `makefile`): adding the missing target clears the finding on a warm run."""
    programs = library / "schemas/cli/programs.yaml"
    text = programs.read_text(encoding="utf-8")
    assert "    makefile: Makefile\n" in text
    programs.write_text(text.replace("makefile: Makefile", "makefile: ops/Makefile"), "utf-8")
    (library / "ops").mkdir()
    (library / "ops/Makefile").write_text("gate:\n\techo gate\n", encoding="utf-8")
    page = library / "docs/make.md"
    page.parent.mkdir(exist_ok=True)
    page.write_text("# Make\n\n```bash\nmake deploy\n```\n", encoding="utf-8")
    code, out = lint(capsys, "docs/make.md")
    assert code == 1 and rules_of(out) == {("docs/make.md", "RB430")}
    (library / "ops/Makefile").write_text("gate:\n\techo gate\ndeploy:\n\techo d\n", "utf-8")
    code, out = lint(capsys, "docs/make.md")
    assert (code, rules_of(out)) == (0, set())
