"""RB42x-RB43x: commands in runbooks checked against the programs' CLI contracts.

Fenced bash/sh/shell/zsh/console blocks and inline commands ("Command to verify: `...`") are
parsed as shell; each invocation of a declared program (schemas/cli/programs.yaml) is checked
against its contract. One analysis per document feeds every rule here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..findings import Hit
from ..rule import DOC_KINDS, Rule
from ..shell import analysis as an
from ..shell import problems as pb
from ..shell.programs import run_registry as registry

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document


def prepare(ctx: Context) -> None:
    """Load and validate the declared contracts once, before the workers fork."""
    reg = registry(ctx)
    for program in reg.programs:
        if program.contract is not None:
            reg.contract(program)


def issues(doc: Document, ctx: Context) -> list[an.Issue]:
    def compute() -> list[an.Issue]:
        from ..shell.snippets import SHELL_LANGS

        if not doc.inline_codes and not any(b.lang in SHELL_LANGS for b in doc.code_blocks):
            return []  # nothing to check: load neither contracts nor the shell grammar
        from ..errors import UsageError
        from ..shell.introspect import IntrospectionError
        from ..shell.loader import ContractError

        reg = registry(ctx)
        path = doc.path
        with contextlib.suppress(ValueError):
            path = ctx.library.absolute(doc.path).relative_to(ctx.library.root).as_posix()
        try:
            return an.analyse(doc, reg, path, ctx.config.shellcheck)
        except (ContractError, IntrospectionError) as e:
            raise UsageError(str(e)) from e

    return ctx.memo(f"commands.issues:{doc.path}", compute)


def _check(kind: str) -> Callable[[Document, Context], Iterator[Hit]]:
    def check(doc: Document, ctx: Context) -> Iterator[Hit]:
        for issue in issues(doc, ctx):
            if issue.kind == kind:
                yield Hit(issue.line, issue.column, issue.message)

    return check


ALL_KINDS = DOC_KINDS - {"template", "drill-template"}

_PROGRAMS = """\
programs:
  - invocation: opsctl
    contract: opsctl.json
  - invocation: make
    contract: make.json
namespaces: [scripts/]
"""
_OPSCTL = """\
{"opencli": "0.1", "info": {"title": "opsctl", "version": "1.0.0"},
 "x-runbook-lint": {"source": "declared"},
 "options": [],
 "commands": [
  {"name": "status", "options": [
     {"name": "--json", "arguments": []},
     {"name": "--table", "arguments": []}],
   "exclusiveGroups": [{"options": ["--json", "--table"]}]},
  {"name": "backup", "options": []},
  {"name": "halt", "constitutional": true, "options": [
     {"name": "--reason", "required": true,
      "arguments": [{"name": "REASON", "required": true}]}]},
  {"name": "restore", "destructive": true, "options": [
     {"name": "--snapshot", "required": true,
      "arguments": [{"name": "ID", "required": true}]}]}]}
"""
_MAKE = """\
{"opencli": "0.1", "info": {"title": "make"}, "x-runbook-lint": {"source": "declared"},
 "commands": [{"name": "dev"}, {"name": "gate"}]}
"""


def _library(markdown: str) -> dict[str, str]:
    return {
        "schemas/cli/programs.yaml": _PROGRAMS,
        "schemas/cli/opsctl.json": _OPSCTL,
        "schemas/cli/make.json": _MAKE,
        "runbooks/example.md": markdown,
    }


def _block(command: str) -> str:
    return f"# Example\n\n```bash\n{command}\n```\n"


def _step(label: str, body: str) -> str:
    return f"# Example\n\n## Procedure\n\n### Step 1: Act\n\n{label}\n\n```bash\n{body}\n```\n"


def _rule(
    id: str,
    name: str,
    kind: str,
    summary: str,
    rationale: str,
    bad: str,
    good: str,
    files: bool = False,
    severity: str = "error",
    config: str = "",
) -> Rule:
    bad_files = _library(bad) if files else {}
    good_files = _library(good) if files else {}
    if config:  # examples that need a setting run in a library that has it
        bad_files = {"runbook-lint.toml": config, "runbooks/example.md": bad, **bad_files}
        good_files = {"runbook-lint.toml": config, "runbooks/example.md": good, **good_files}
    return Rule(
        id=id,
        name=name,
        severity="warning" if severity == "warning" else "info" if severity == "info" else "error",
        summary=summary,
        rationale=rationale,
        bad=bad,
        good=good,
        check=_check(kind),
        kinds=ALL_KINDS,
        prepare=prepare,
        bad_files=bad_files,
        good_files=good_files,
    )


RULES = (
    _rule(
        "RB420",
        "unparseable-command",
        an.UNPARSEABLE,
        "A command snippet is not valid shell, or a line meant to continue does not.",
        "Operators paste commands as they are. An unterminated quote or a stray `(` leaves the "
        "shell waiting for more input in the middle of an incident, and a backslash followed "
        "by a blank ends the command early. Placeholders are written `<name>`; everything else "
        "must be shell a terminal accepts. Only what is typed is checked: in a block with "
        "prompts (`$ `, `user@host:~$ `, `# ` in `console`) the prompted lines and their "
        "continuations; the rest is output.",
        _block('runbook-lint check "runbooks/backup.md'),
        _block('runbook-lint check "runbooks/backup.md"'),
    ),
    _rule(
        "RB421",
        "unknown-program",
        an.UNKNOWN_PROGRAM,
        "A command runs a program the project does not declare.",
        "A script under a declared namespace (`scripts/`) that has no contract is either "
        "misspelt or new: declare it in schemas/cli/programs.yaml so its flags are checked.",
        _block("scripts/ops-manager-reconcil.sh --pretty"),
        _block("opsctl status --json"),
        files=True,
    ),
    _rule(
        "RB422",
        "unknown-subcommand",
        pb.UNKNOWN_SUBCOMMAND,
        "A command names a subcommand its program does not have.",
        "A subcommand that never existed (or was renamed) fails at the worst moment; the "
        "contract says what exists.",
        _block("runbook-lint chek runbooks/"),
        _block("runbook-lint check runbooks/"),
    ),
    _rule(
        "RB423",
        "unknown-option",
        pb.UNKNOWN_OPTION,
        "A command uses an option its program (or that subcommand) does not accept.",
        "Renamed flags are the commonest stale-runbook failure. Options of a program are valid "
        "before its subcommand only, as argparse and click parse them.",
        _block("runbook-lint check --formt json"),
        _block("runbook-lint check --format json"),
    ),
    _rule(
        "RB424",
        "missing-required-option",
        pb.MISSING_OPTION,
        "A command leaves out an option its contract requires.",
        "The program will stop with a usage error; the runbook should show the full command.",
        _block("opsctl restore"),
        _block("opsctl backup\nopsctl restore --snapshot <snapshot-id>"),
        files=True,
    ),
    _rule(
        "RB425",
        "missing-required-argument",
        pb.MISSING_ARGUMENT,
        "A command leaves out a positional argument its contract requires.",
        "The program will stop with a usage error; use a `<placeholder>` for values the "
        "operator supplies.",
        _block("runbook-lint explain"),
        _block("runbook-lint explain <rule-id>"),
    ),
    _rule(
        "RB426",
        "invalid-value",
        pb.INVALID_VALUE,
        "A command gives an option or argument a value outside its accepted values.",
        "Choices are closed sets (`--format text|json|sarif|github`); a value outside them "
        "is a usage error.",
        _block("runbook-lint check --format xml"),
        _block("runbook-lint check --format json"),
    ),
    _rule(
        "RB427",
        "option-value-missing",
        pb.VALUE_MISSING,
        "An option that needs a value is given none.",
        "Without its value the option swallows the next flag or fails; write the value or a "
        "`<placeholder>`.",
        _block("runbook-lint check --format"),
        _block("runbook-lint check --format <format>"),
    ),
    _rule(
        "RB428",
        "flag-given-value",
        pb.FLAG_VALUE,
        "A flag (an option that takes no value) is given one with `=`.",
        "Flags are on or off; `--json=yes` is a usage error in argparse and click.",
        _block("opsctl status --json=yes"),
        _block("opsctl status --json"),
        files=True,
    ),
    _rule(
        "RB429",
        "too-many-arguments",
        pb.TOO_MANY,
        "A command has more positional arguments than its contract allows.",
        "An extra word is usually a flag that lost its dashes or a value whose option was dropped.",
        _block("runbook-lint explain RB101 RB102"),
        _block("runbook-lint explain RB101"),
    ),
    _rule(
        "RB430",
        "unknown-make-target",
        an.UNKNOWN_TARGET,
        "A `make` command names a target the Makefile (or its declared contract) lacks.",
        "`make: *** No rule to make target` is a poor start to a recovery.",
        _block("make gates"),
        _block("make gate"),
        files=True,
    ),
    _rule(
        "RB431",
        "constitutional-command-in-operational-step",
        an.CONSTITUTIONAL,
        "A command the contract marks constitutional sits in a 🔵 OPERATIONAL step.",
        "FR147: operational procedures must not bypass constitutional constraints. A command "
        "that exercises a constitutional power belongs in a 🔴 CONSTITUTIONAL step that cites "
        "its governance requirement.",
        _step("🔵 **OPERATIONAL**", 'opsctl halt --reason "$REASON"'),
        _step("🔴 **CONSTITUTIONAL** (FR21)", 'opsctl halt --reason "$REASON"'),
        files=True,
    ),
    _rule(
        "RB432",
        "destructive-command-without-safeguard",
        an.DESTRUCTIVE,
        "A destructive command has no verification or backup before it.",
        "Commands that delete or overwrite state (the contract marks them destructive) need a "
        "way back: a backup, snapshot or verification step earlier in the runbook.",
        _block("opsctl restore --snapshot <snapshot-id>"),
        _block("opsctl backup\nopsctl restore --snapshot <snapshot-id>"),
        files=True,
    ),
    _rule(
        "RB433",
        "exclusive-options",
        pb.EXCLUSIVE,
        "A command combines options its contract declares mutually exclusive.",
        "argparse rejects `--json --table` when the two are in one exclusive group.",
        _block("opsctl status --json --table"),
        _block("opsctl status --json"),
        files=True,
    ),
    _rule(
        "RB434",
        "missing-subcommand",
        pb.MISSING_SUBCOMMAND,
        "A command stops at a program or group that needs a subcommand.",
        "The program prints its usage and exits non-zero instead of doing anything.",
        _block("runbook-lint"),
        _block("runbook-lint check"),
    ),
    _rule(
        "RB435",
        "shellcheck",
        an.SHELLCHECK,
        "ShellCheck reports a problem in a command snippet (off unless `shellcheck = true`).",
        "ShellCheck finds quoting and expansion mistakes that contracts cannot see. The pass is "
        "optional because it runs an external binary per snippet.",
        _block("rm -rf $RUN_ROOT/tmp"),
        _block('rm -rf "${RUN_ROOT:?}/tmp"'),
        severity="warning",
        config="shellcheck = true\n",
    ),
    _rule(
        "RB436",
        "not-shell",
        an.NOT_SHELL,
        "A block labelled as shell holds another language (PromQL, SQL, Ruby).",
        "A query in a `sh` fence is highlighted as shell and invites pasting it into a "
        "terminal, where it fails. It is not checked as a command; this note says what it "
        "reads as, so that the fence can be labelled with its language.",
        '# Example\n\n```sh\nsum by (job) (rate(http_requests_total{code=~"5.."}[5m]))\n```\n',
        '# Example\n\n```promql\nsum by (job) (rate(http_requests_total{code=~"5.."}[5m]))\n```\n',
        severity="info",
    ),
)
