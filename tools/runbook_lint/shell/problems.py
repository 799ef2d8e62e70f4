"""What checking a command line against a CLI contract finds: problems (by kind) and the
commands and options it reached."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from runbook_lint.shell.spec import CommandSpec

UNKNOWN_SUBCOMMAND = "unknown-subcommand"
UNKNOWN_OPTION = "unknown-option"
MISSING_OPTION = "missing-required-option"
MISSING_ARGUMENT = "missing-required-argument"
INVALID_VALUE = "invalid-value"
VALUE_MISSING = "option-value-missing"
FLAG_VALUE = "flag-given-value"
TOO_MANY = "too-many-arguments"
EXCLUSIVE = "exclusive-options"
MISSING_SUBCOMMAND = "missing-subcommand"


@dataclass(frozen=True)
class Problem:
    kind: str
    index: int  # index into the argv words the problem points at (-1: the program name)
    message: str


@dataclass(frozen=True)
class CommandUse:
    """A command of the contract reached by the invocation, and the word that named it."""

    spec: CommandSpec
    index: int  # -1 for the program itself
    path: tuple[str, ...]


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    commands: list[CommandUse] = field(default_factory=list)
    options: set[str] = field(default_factory=set)  # canonical names of options given
    complete: bool = True  # False when a dynamic word hid part of the command


def suggest(name: str, candidates: Sequence[str]) -> str:
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""
