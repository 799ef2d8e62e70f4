"""Contracts from argparse and click (including Typer's bundled click), and the
`runbook-lint contract` command."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import click
import pytest

from runbook_lint.cli import main
from runbook_lint.shell.checker import check
from runbook_lint.shell.introspect import IntrospectionError, from_click, introspect
from runbook_lint.shell.loader import validate
from runbook_lint.shell.spec import Contract, contract_from_dict, contract_to_dict
from runbook_lint.shell.syntax import Word

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "cli-contract.schema.json"
PKG = Path(__file__).parent / "fixtures" / "commands" / "pkg"


@pytest.fixture(autouse=True)
def _importable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(PKG))
    yield
    for name in ("demo_cli_parsers", "demo_cli_broken"):
        sys.modules.pop(name, None)


def problems(contract: Contract, line: str) -> list[str]:
    words = [Word(t, 0, len(t), t, False) for t in line.split()]
    return [p.kind for p in check(contract, words).problems]


def test_argparse_contract() -> None:
    contract = introspect("argparse:demo_cli_parsers:build_parser")
    assert contract.title == "demo-cli"
    assert contract.source == "argparse:demo_cli_parsers:build_parser"
    root = contract.root
    assert root.subcommand_required
    assert [o.name for o in root.options] == ["--help", "--verbose"]
    assert root.options[1].aliases == ("-v",) and root.options[1].is_flag
    status = root.subcommand("st")
    assert status is not None and status.name == "status" and status.description == "show status"
    fmt = next(o for o in status.options if o.name == "--format")
    assert fmt.accepted_values == ("text", "json")
    since = next(o for o in status.options if o.name == "--since")
    assert since.hidden
    (ids,) = status.arguments
    assert (ids.name, ids.required, ids.minimum, ids.maximum) == ("ID", False, 0, None)
    copy = root.subcommand("copy")
    assert copy is not None
    src, dst = copy.arguments
    assert (src.minimum, src.maximum, dst.minimum, dst.maximum) == (1, 1, 0, 1)
    pair = next(o for o in copy.options if o.name == "--pair")
    assert (pair.min_values, pair.max_values) == (2, 2)
    tags = next(o for o in copy.options if o.name == "--tags")
    assert tags.required and (tags.min_values, tags.max_values) == (1, None)
    color = next(o for o in copy.options if o.name == "--color")
    assert color.aliases == ("--no-color",) and color.is_flag
    (group,) = copy.exclusive_groups
    assert group.options == ("--fast", "--safe") and group.required
    # the written form is valid against the schema and reads back the same
    data = contract_to_dict(contract)
    validate(data, Path("demo.json"), SCHEMA)
    assert contract_from_dict(data) == contract


def test_argparse_contract_checks_like_argparse() -> None:
    contract = introspect("argparse:demo_cli_parsers:PARSER")
    assert problems(contract, "-v status --format json a b") == []
    assert problems(contract, "status -v") == ["unknown-option"]  # parent option after sub
    assert problems(contract, "copy a --tags x --fast --safe") == ["exclusive-options"]
    assert problems(contract, "copy a --tags x") == ["missing-required-option"]
    assert problems(contract, "copy a --fast") == ["missing-required-option"]
    assert problems(contract, "copy a --tags x --fast --no-color --pair 1 2") == []
    assert problems(contract, "copy a --tags x --fast --pair 1") == ["option-value-missing"]


def test_click_contract() -> None:
    contract = introspect("click:demo_cli_parsers:cli", title="democlick")
    root = contract.root
    assert contract.title == "democlick" and root.description == "Click demo."
    env = next(o for o in root.options if o.name == "--env")
    assert env.required and env.accepted_values == ("dev", "prod")
    assert root.subcommand_required
    run = root.subcommand("run")
    assert run is not None
    follow = next(o for o in run.options if o.name == "--follow")
    assert set(follow.aliases) == {"-f", "--no-follow"} and follow.is_flag
    verbose = next(o for o in run.options if o.name == "--verbose")
    assert verbose.is_flag  # a counter takes no value
    (targets,) = run.arguments
    assert (targets.required, targets.minimum, targets.maximum) == (True, 1, None)
    assert any(o.name == "--help" for o in run.options)
    validate(contract_to_dict(contract), Path("c.json"), SCHEMA)
    # click intersperses options and positionals freely
    assert problems(contract, "--env dev run a -f b -vv --pair x y") == []
    assert problems(contract, "--env qa run a") == ["invalid-value"]
    assert problems(contract, "--env dev run") == ["missing-required-argument"]
    assert problems(contract, "run a") == ["missing-required-option"]


def _vendored_click() -> ModuleType:
    """Load the click package a second time under another name, as Typer bundles it: same
    code, but classes that are not click's own."""
    name = "vendored_click_copy"
    if name in sys.modules:
        return sys.modules[name]
    origin = Path(click.__file__)
    spec = importlib.util.spec_from_file_location(
        name, origin, submodule_search_locations=[str(origin.parent)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_bundled_click_copy_is_introspected_by_shape() -> None:
    vclick = _vendored_click()

    @vclick.group()
    def app() -> None:
        pass

    @app.command()
    @vclick.option("--level", type=vclick.Choice(["info", "warn"]))
    def tail(level: str) -> None:
        pass

    assert not isinstance(app, click.Command)  # what an isinstance check would miss
    contract = from_click(app, "app", "click:x:app")
    tail_spec = contract.root.subcommand("tail")
    assert tail_spec is not None
    level = next(o for o in tail_spec.options if o.name == "--level")
    assert level.accepted_values == ("info", "warn")


def test_typer_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    (tmp_path / "demo_typer_app.py").write_text(
        "import typer\n"
        "app = typer.Typer()\n"
        "@app.command()\n"
        "def deploy(service: str, target: str = typer.Option(..., '--target', '-t'),\n"
        "           dry_run: bool = False) -> None: ...\n"
        "@app.command()\n"
        "def logs(lines: int = 10) -> None: ...\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    contract = introspect("click:demo_typer_app:app", title="demo")
    assert typer is not None
    deploy = contract.root.subcommand("deploy")
    assert deploy is not None
    target = next(o for o in deploy.options if o.name == "--target")
    assert target.required and target.aliases == ("-t",)
    dry = next(o for o in deploy.options if o.name == "--dry-run")
    assert dry.is_flag and "--no-dry-run" in dry.aliases
    assert problems(contract, "deploy api -t prod --dry-run") == []
    assert problems(contract, "deploy api") == ["missing-required-option"]
    assert problems(contract, "logs --lines") == ["option-value-missing"]
    validate(contract_to_dict(contract), Path("t.json"), SCHEMA)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("argparse:demo_cli_broken:build", "cannot import module 'demo_cli_broken'"),
        ("argparse:no_such_module_here:x", "cannot import module 'no_such_module_here'"),
        ("argparse:demo_cli_parsers:missing", "has no attribute 'missing'"),
        ("argparse:demo_cli_parsers:not_a_parser", "did not give an argparse.ArgumentParser"),
        ("argparse:demo_cli_parsers:broken", "calling 'argparse:demo_cli_parsers:broken' failed"),
        ("click:demo_cli_parsers:not_a_parser", "did not give a click command"),
        ("yaml:demo_cli_parsers:cli", "expected argparse:module:callable"),
    ],
)
def test_introspection_errors_name_the_problem(target: str, message: str) -> None:
    with pytest.raises(IntrospectionError, match=message):
        introspect(target)


def test_contract_command_writes_a_valid_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["contract", "--from", "argparse:demo_cli_parsers:build_parser"]) == 0
    data = json.loads(capsys.readouterr().out)
    validate(data, Path("out.json"), SCHEMA)
    assert data["x-runbook-lint"]["source"] == "argparse:demo_cli_parsers:build_parser"
    out = tmp_path / "rl.json"
    code = main(["contract", "--from", "argparse:runbook_lint.cli:build_parser", "-o", str(out)])
    assert code == 0
    assert main(["contract", "--check", str(out)]) == 0
    written = contract_from_dict(json.loads(out.read_text(encoding="utf-8")))
    assert written == introspect("argparse:runbook_lint.cli:build_parser")


def test_contract_command_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["contract", "--from", "argparse:demo_cli_broken:x"]) == 2
    err = capsys.readouterr().err
    assert "cannot import module 'demo_cli_broken'" in err and "frobnicate" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "opencli: '0.1'\ninfo: {title: t}\ncommands:\n  - name: a\n    options:\n"
        "      - name: verbose\n",
        encoding="utf-8",
    )
    assert main(["contract", "--check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml: $.commands[0].options[0].name" in err
    dup = tmp_path / "dup.json"
    dup.write_text(
        json.dumps(
            {
                "opencli": "0.1",
                "info": {"title": "t"},
                "commands": [{"name": "a"}, {"name": "b", "aliases": ["a"]}],
            }
        ),
        encoding="utf-8",
    )
    assert main(["contract", "--check", str(dup)]) == 2
    assert "dup.json: $.commands[1]: duplicate name 'a'" in capsys.readouterr().err
    good = tmp_path / "good.yaml"
    good.write_text("opencli: '0.1'\ninfo: {title: t}\ncommands: [{name: a}]\n", encoding="utf-8")
    assert main(["contract", "--check", str(good)]) == 0
