"""Each command check, failing and passing, on real Markdown through the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from runbook_lint.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "commands"


@pytest.fixture
def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Lint one runbook (Markdown text) in a library that has the demo contracts."""
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)

    def _lint(markdown: str, *extra: str) -> list[tuple[str, int, int, str]]:
        page = tmp_path / "runbooks" / "example.md"
        page.parent.mkdir(exist_ok=True)
        page.write_text(markdown, encoding="utf-8", newline="")
        capsys.readouterr()
        code = main(["check", "--format", "json", "--select", "RB42,RB43", *extra, "runbooks"])
        out = capsys.readouterr().out
        assert code in (0, 1), out
        findings = json.loads(out)["findings"]
        assert (code == 1) == any(f["severity"] == "error" for f in findings)
        return [(f["rule"], f["line"], f["column"], f["message"]) for f in findings]

    return _lint


def block(*commands: str) -> str:
    return "# Example\n\n```bash\n" + "\n".join(commands) + "\n```\n"


CASES = [
    # (rule, bad command, column of the finding, good command)
    ("RB421", "scripts/demo-restart.sh --now", 1, "scripts/other.sh --now"),
    ("RB421", "demmo logs", 1, "demo logs"),
    ("RB422", "demo deplyo -t prod api", 6, "demo deploy -t prod api"),
    ("RB422", "demo db restor --snapshot s1", 9, "demo db backup"),
    ("RB423", "demo logs --folow", 11, "demo logs --follow"),
    ("RB423", "demo deploy --verbose -t x api", 13, "demo --verbose deploy -t x api"),
    ("RB424", "demo deploy api", 6, "demo deploy --target=prod api"),
    ("RB425", "demo deploy -t prod", 6, "demo deploy -t prod <service>"),
    ("RB426", "demo --env staging logs", 12, "demo --env prod logs"),
    ("RB426", "demo -e=qa logs", 6, "demo -e=dev logs"),
    ("RB427", "demo logs --lines", 11, 'demo logs --lines "$N"'),
    ("RB427", "demo deploy api --target --dry-run", 17, "demo deploy api --target t --dry-run"),
    ("RB428", "demo out --json=yes", 10, "demo out --json"),
    ("RB429", "demo deploy -t x api web", 22, "demo deploy -t x api"),
    ("RB430", "make gates", 6, "make gate dev V=1"),
    ("RB433", "demo out --json --table", 17, "demo out --table"),
    ("RB434", "demo db", 6, "demo db backup"),
    ("RB420", 'demo logs "api', 11, "demo logs 'api'"),
    ("RB420", "demo logs $(( 1 +", 11, "demo logs $(( 1 + 2 ))"),
]


@pytest.mark.parametrize(("rule", "bad", "column", "good"), CASES, ids=[c[0] for c in CASES])
def test_check_fails_and_passes(lint, rule: str, bad: str, column: int, good: str) -> None:  # type: ignore[no-untyped-def]
    found = lint(block(bad))
    assert [(r, line, col) for r, line, col, _ in found] == [(rule, 4, column)], found
    assert lint(block(good)) == []


def test_did_you_mean(lint) -> None:  # type: ignore[no-untyped-def]
    (finding,) = lint(block("demo logs --folow"))
    assert finding[3] == "unknown option '--folow' for 'demo logs' (did you mean '--follow'?)"
    (finding,) = lint(block("demo deplyo -t x api"))
    assert "did you mean 'deploy'?" in finding[3]
    (finding,) = lint(block("demo --env staging logs"))
    assert finding[3] == "option '--env' does not accept 'staging' (accepted: dev, prod)"
    (finding,) = lint(block("make gates"))
    assert finding[3] == "make target 'gates' is not in Makefile (did you mean 'gate'?)"


@pytest.mark.parametrize(
    "command",
    [
        "demo logs <service> --lines <n>",
        'demo deploy --target "${TARGET}" "$SERVICE"',
        "demo deploy --target={target} {service}",
        "demo deploy -t<target> api",
        "demo dep -t x api",  # alias
        "demo -v -e dev logs -fn 20 api web",  # cluster with a value at the end
        "demo logs -- --not-an-option",
        "sudo -u ops env A=1 timeout 30 demo logs",
        "PYTHONPATH=src python3.11 -m demo_cli logs | tail -n 5 && jq . x.json",
        "time demo logs > out.txt 2>&1 --follow",  # words after a redirection are arguments
        "( cd /srv && demo logs ) || echo failed",
        "uv run python -m demo_cli logs",
        "cat <<EOF\ndemo nonsense --x\nEOF",  # a heredoc body is data
        "# demo nonsense --x",
        "$DEMO nonsense",  # a dynamic program name is not checked
        "demo logs \\\n  --follow \\\n  api",
        "jq '.x' file.json; cp a b; tail -f log",  # undeclared programs are left alone
    ],
)
def test_valid_commands_are_clean(lint, command: str) -> None:  # type: ignore[no-untyped-def]
    assert lint(block(command)) == []


def test_one_finding_per_mistake(lint) -> None:  # type: ignore[no-untyped-def]
    # A misspelt required option is one finding (not also "missing --target"), and its value
    # goes with it (no "too many arguments" cascade).
    found = lint(block("demo deploy --targt prod api"))
    assert [(f[0], f[2]) for f in found] == [("RB423", 13)]
    assert "did you mean '--target'?" in found[0][3]
    # An unrelated unknown option leaves the required one missing.
    found = lint(block("demo deploy --zzz prod api"))
    assert [(f[0], f[2]) for f in found] == [("RB424", 6), ("RB423", 13)]


def test_unparseable_is_reported_once_at_the_error(lint) -> None:  # type: ignore[no-untyped-def]
    found = lint(block("demo logs", "demo logs --follow 'oops", "demo deplyo"))
    assert [(f[0], f[1], f[2]) for f in found] == [("RB420", 5, 20)]


CONSTITUTIONAL = """\
# Example

## Procedure

### Step 1: Halt

{label}

- [ ] Halt the system

```bash
demo halt --reason "$REASON"
```
"""


def test_constitutional_command_in_operational_step(lint) -> None:  # type: ignore[no-untyped-def]
    found = lint(CONSTITUTIONAL.format(label="🔵 **OPERATIONAL**"))
    assert [(f[0], f[1], f[2]) for f in found] == [("RB431", 12, 6)]
    assert "'demo halt' is a constitutional command" in found[0][3]
    assert lint(CONSTITUTIONAL.format(label="🔴 **CONSTITUTIONAL** (ADR-10)")) == []


DESTRUCTIVE = """\
# Example

## Procedure

### Step 1: {first}

🔵 **OPERATIONAL**

- [ ] {item}

### Step 2: Restore

🔵 **OPERATIONAL**

```bash
demo db restore --snapshot <id>
```
"""


def test_destructive_command_needs_a_safeguard_before_it(lint) -> None:  # type: ignore[no-untyped-def]
    found = lint(DESTRUCTIVE.format(first="Stop writers", item="Stop the writers"))
    assert [(f[0], f[1], f[2]) for f in found] == [("RB432", 16, 9)]
    assert lint(DESTRUCTIVE.format(first="Back up the database", item="Stop writers")) == []
    assert lint(DESTRUCTIVE.format(first="Prepare", item="Verify the snapshot exists")) == []
    assert lint(block("demo db backup", "demo db restore --snapshot s1")) == []
    assert [f[0] for f in lint(block("demo db restore --snapshot s1", "demo db backup"))] == [
        "RB432"
    ]


def test_prose_mention_is_not_an_execution(lint) -> None:  # type: ignore[no-untyped-def]
    page = CONSTITUTIONAL.replace(
        "- [ ] Halt the system", "- [ ] Do not run `demo halt` here; escalate instead"
    ).format(label="🔵 **OPERATIONAL**")
    # the fenced command still counts; the inline mention does not add a second finding
    assert [(f[0], f[1]) for f in lint(page)] == [("RB431", 12)]


def test_inline_command_to_verify(lint) -> None:  # type: ignore[no-untyped-def]
    page = "# Example\n\n- Command to verify: `demo logs --folow`\n"
    assert [(f[0], f[1], f[2]) for f in lint(page)] == [("RB423", 3, 33)]
    # A cue makes the span a full command: missing parts count.
    assert [f[0] for f in lint("# E\n\nCommand to verify: `demo deploy api`\n")] == ["RB424"]
    # In prose, a program named alone or in part is a mention, not a command.
    assert lint("# E\n\nUse `demo` or `demo deploy` to ship; `make` builds.\n") == []
    # ... but a wrong name in a mention is still wrong.
    assert [f[0] for f in lint("# E\n\nThen `demo deplyo` ships it.\n")] == ["RB422"]


def test_console_blocks_check_prompt_lines_only(lint) -> None:  # type: ignore[no-untyped-def]
    page = (
        "# E\n\n```console\n$ demo logs --folow\nerror: whatever --output\n"
        "# demo out \\\n> --json --table\n```\n"
    )
    found = [(f[0], f[1], f[2]) for f in lint(page)]
    assert found == [("RB423", 4, 13), ("RB433", 7, 10)]


def test_shellcheck_pass_is_off_by_default_and_maps_positions(lint, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = "# E\n\n> ```bash\n> rm -rf $RUN_ROOT/tmp\n> ```\n"
    assert lint(page, "--select", "RB435") == []
    (tmp_path / "runbook-lint.toml").write_text("shellcheck = true\n", encoding="utf-8")
    found = lint(page, "--select", "RB435")
    assert [(f[0], f[1], f[2]) for f in found] == [("RB435", 4, 10)]
    assert found[0][3].startswith("SC2086")
    # "assigned but never used" noise is excluded
    assert lint(block("RUN_ID=<run_id>"), "--select", "RB435") == []


def test_invalid_contract_is_exit_2_naming_file_and_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    contract = tmp_path / "schemas" / "cli" / "demo.json"
    data = json.loads(contract.read_text(encoding="utf-8"))
    data["commands"][1]["options"][0]["arguments"] = "none"
    contract.write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "a.md").write_text(block("demo logs"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "runbooks"]) == 2
    err = capsys.readouterr().err
    assert "demo.json" in err
    assert "$.commands[1].options[0].arguments" in err
    assert "Traceback" not in err


def test_bad_program_map_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "schemas" / "cli" / "programs.yaml").write_text(
        "programs:\n  - invocation: demo\n", encoding="utf-8"
    )
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "a.md").write_text(block("demo logs"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "runbooks"]) == 2
    err = capsys.readouterr().err
    assert "programs.yaml: $.programs[0]: needs exactly one of" in err
