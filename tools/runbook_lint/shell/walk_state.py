"""The state of the walk over one command's words, and argparse's rules it applies.

Positional words are matched the way argparse matches them: each argument's nargs becomes a
regular expression over the pattern of the words (`nargs_pattern`, `spec_pattern`).
"""

from __future__ import annotations

import re

from runbook_lint.shell.problems import EXCLUSIVE, Problem
from runbook_lint.shell.spec import ArgumentSpec, CommandSpec, OptionSpec

NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")


def nargs_pattern(minimum: int, maximum: int | None) -> str:
    if maximum is None:
        return "(-*" + "A" * minimum + "[A-]*)" if minimum else "(-*[A-]*)"
    if minimum == maximum:
        return "(-*" + "-*".join("A" * minimum) + "-*)"
    if minimum == 0 and maximum == 1:
        return "(-*A?-*)"
    return "(-*" + "A" * minimum + "A?" * (maximum - minimum) + "-*)"


SUBCOMMAND = ArgumentSpec(name="COMMAND", required=True, minimum=1, maximum=None)


def spec_pattern(spec: ArgumentSpec) -> str:
    if spec is SUBCOMMAND:
        return "(-*A[-AOX]*)"
    minimum = spec.minimum if spec.required else 0
    return nargs_pattern(minimum, spec.maximum)


def canonical(cmd: CommandSpec, name: str) -> str:
    for opt in cmd.options:
        if name in opt.names:
            return opt.name
    return name


class WalkState:
    """Where the walk is: the command whose words are being read, the pattern of those words
    (O option, A positional, - separator, X consumed), and the options given so far."""

    def __init__(
        self,
        cmd: CommandSpec,
        path: tuple[str, ...],
        start: int,
        pattern: list[str],
        specs: list[ArgumentSpec],
        recursive: tuple[OptionSpec, ...],
        scope: dict[str, OptionSpec],
    ) -> None:
        self.cmd = cmd
        self.path = path
        self.start = start
        self.pattern = pattern
        self.specs = specs
        self.recursive = recursive
        self.stopped = False
        self.name_index = start - 1
        self.scope = scope  # every option name valid here (the inherited and the command's own)
        self._given: dict[str, int] = {}

    def scope_names(self) -> list[str]:
        return list(self.scope)

    def check_exclusive(self, problems: list[Problem], spec: OptionSpec, index: int) -> None:
        for group in self.cmd.exclusive_groups:
            members = {canonical(self.cmd, o) for o in group.options}
            if spec.name not in members:
                continue
            for other in sorted(members - {spec.name}):
                if other in self._given:
                    problems.append(
                        Problem(
                            EXCLUSIVE,
                            index,
                            f"option {spec.name!r} cannot be combined with {other!r}",
                        )
                    )
                    break
        self._given.setdefault(spec.name, index)
