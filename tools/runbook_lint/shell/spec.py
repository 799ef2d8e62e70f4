"""The CLI contract model: an OpenCLI-shaped description of a command-line interface.

A contract is a tree of commands. Each command has options (an option whose ``arguments`` list
is empty is a flag), positional arguments, and subcommands. Options of a command are valid
between that command's name and its subcommand's name only (the argparse and click rule),
unless the option is marked ``recursive``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class ArgumentSpec:
    name: str
    required: bool = True
    minimum: int = 1
    maximum: int | None = 1  # None: unbounded
    accepted_values: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class OptionSpec:
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    required: bool = False
    arguments: tuple[ArgumentSpec, ...] = ()
    recursive: bool = False
    hidden: bool = False

    @property
    def is_flag(self) -> bool:
        return not self.arguments

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def min_values(self) -> int:
        return sum(a.minimum for a in self.arguments if a.required)

    @property
    def max_values(self) -> int | None:
        total = 0
        for a in self.arguments:
            if a.maximum is None:
                return None
            total += a.maximum
        return total

    @property
    def accepted_values(self) -> tuple[str, ...]:
        values: list[str] = []
        for a in self.arguments:
            values.extend(a.accepted_values)
        return tuple(values)


@dataclass(frozen=True)
class ExclusiveGroup:
    options: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class CommandSpec:
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    options: tuple[OptionSpec, ...] = ()
    arguments: tuple[ArgumentSpec, ...] = ()
    commands: tuple[CommandSpec, ...] = ()
    constitutional: bool = False
    destructive: bool = False
    read_only: bool = False  # only reads state, whatever its options
    hidden: bool = False
    subcommand_required: bool = False
    exclusive_groups: tuple[ExclusiveGroup, ...] = ()

    def subcommand(self, name: str) -> CommandSpec | None:
        for command in self.commands:
            if name == command.name or name in command.aliases:
                return command
        return None

    def subcommand_names(self) -> list[str]:
        return [n for c in self.commands for n in (c.name, *c.aliases)]


@dataclass(frozen=True)
class Contract:
    title: str
    root: CommandSpec
    version: str = ""
    description: str = ""
    source: str = "declared"
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def walk(self) -> Iterator[tuple[tuple[str, ...], CommandSpec]]:
        """Every command with its path of names from the root (root has path ``()``)."""
        stack: list[tuple[tuple[str, ...], CommandSpec]] = [((), self.root)]
        while stack:
            path, command = stack.pop()
            yield path, command
            for sub in reversed(command.commands):
                stack.append(((*path, sub.name), sub))


# -- dict <-> model ---------------------------------------------------------------------------


def _argument_from(data: Mapping[str, Any]) -> ArgumentSpec:
    arity = data.get("arity") or {}
    required = bool(data.get("required", False))
    minimum = int(arity.get("minimum", 1 if required else 0))
    maximum_raw = arity.get("maximum", 1) if "arity" in data else 1
    return ArgumentSpec(
        name=str(data["name"]),
        required=required,
        minimum=minimum,
        maximum=None if maximum_raw is None else int(maximum_raw),
        accepted_values=tuple(str(v) for v in data.get("acceptedValues", ())),
        description=str(data.get("description", "")),
    )


def _option_from(data: Mapping[str, Any]) -> OptionSpec:
    return OptionSpec(
        name=str(data["name"]),
        aliases=tuple(str(a) for a in data.get("aliases", ())),
        description=str(data.get("description", "")),
        required=bool(data.get("required", False)),
        arguments=tuple(_argument_from(a) for a in data.get("arguments", ())),
        recursive=bool(data.get("recursive", False)),
        hidden=bool(data.get("hidden", False)),
    )


def _command_from(data: Mapping[str, Any], name: str | None = None) -> CommandSpec:
    return CommandSpec(
        name=name if name is not None else str(data["name"]),
        aliases=tuple(str(a) for a in data.get("aliases", ())),
        description=str(data.get("description", "")),
        options=tuple(_option_from(o) for o in data.get("options", ())),
        arguments=tuple(_argument_from(a) for a in data.get("arguments", ())),
        commands=tuple(_command_from(c) for c in data.get("commands", ())),
        constitutional=bool(data.get("constitutional", False)),
        destructive=bool(data.get("destructive", False)),
        read_only=bool(data.get("readOnly", False)),
        hidden=bool(data.get("hidden", False)),
        subcommand_required=bool(data.get("subcommandRequired", False)),
        exclusive_groups=tuple(
            ExclusiveGroup(tuple(g["options"]), bool(g.get("required", False)))
            for g in data.get("exclusiveGroups", ())
        ),
    )


def contract_from_dict(data: Mapping[str, Any]) -> Contract:
    """Build a contract from data that already passed the contract schema."""
    info = data.get("info", {})
    ext = data.get("x-runbook-lint", {})
    title = str(info.get("title", ""))
    return Contract(
        title=title,
        version=str(info.get("version", "")),
        description=str(info.get("description", "")),
        source=str(ext.get("source", "declared")),
        root=replace(_command_from(data, name=title), description=str(info.get("description", ""))),
        extra=dict(ext),
    )


def _argument_to(arg: ArgumentSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": arg.name,
        "required": arg.required,
        "arity": {"minimum": arg.minimum, "maximum": arg.maximum},
    }
    if arg.accepted_values:
        out["acceptedValues"] = list(arg.accepted_values)
    if arg.description:
        out["description"] = arg.description
    return out


def _option_to(opt: OptionSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": opt.name,
        "aliases": list(opt.aliases),
        "description": opt.description,
        "required": opt.required,
        "arguments": [_argument_to(a) for a in opt.arguments],
    }
    if opt.recursive:
        out["recursive"] = True
    if opt.hidden:
        out["hidden"] = True
    return out


def _command_body(cmd: CommandSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "options": [_option_to(o) for o in cmd.options],
        "arguments": [_argument_to(a) for a in cmd.arguments],
        "commands": [_command_to(c) for c in cmd.commands],
    }
    if cmd.subcommand_required:
        out["subcommandRequired"] = True
    if cmd.read_only:
        out["readOnly"] = True
    if cmd.exclusive_groups:
        out["exclusiveGroups"] = [
            {"options": list(g.options), "required": g.required} for g in cmd.exclusive_groups
        ]
    return out


def _command_to(cmd: CommandSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": cmd.name,
        "aliases": list(cmd.aliases),
        "description": cmd.description,
        "constitutional": cmd.constitutional,
        "destructive": cmd.destructive,
    }
    if cmd.hidden:
        out["hidden"] = True
    out.update(_command_body(cmd))
    return out


def contract_to_dict(contract: Contract) -> dict[str, Any]:
    """The JSON form of a contract (stable key order, so regenerated files diff cleanly)."""
    out: dict[str, Any] = {
        "opencli": "0.1",
        "info": {
            "title": contract.title,
            "version": contract.version,
            "description": contract.description,
        },
        "x-runbook-lint": {"source": contract.source},
    }
    out.update(_command_body(contract.root))
    return out
