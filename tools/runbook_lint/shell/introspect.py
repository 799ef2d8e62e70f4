"""Build a CLI contract from a real argparse parser or click command (`kind:module:callable`).

argparse: walk `_actions` (options, positionals, subparsers with aliases), nargs, choices,
required, and mutually exclusive groups. click: walk `params` and `commands`. Typer apps are
turned into click commands with `typer.main.get_command`; recent Typer releases bundle their own
copy of click, whose classes are not the `click` package's, so commands are recognised by their
attributes, never by `isinstance` against `click`.
"""

from __future__ import annotations

import argparse
import enum
import importlib
from collections.abc import Sequence
from typing import Any

from runbook_lint.shell.spec import (
    ArgumentSpec,
    CommandSpec,
    Contract,
    ExclusiveGroup,
    OptionSpec,
)


class IntrospectionError(Exception):
    """The target cannot be imported or is not a parser/command (a configuration error)."""


def resolve(target: str) -> tuple[str, Any]:
    """Import `kind:module:callable` and return (kind, object)."""
    parts = target.split(":")
    if len(parts) != 3 or parts[0] not in ("argparse", "click") or not all(parts):
        raise IntrospectionError(
            f"{target!r}: expected argparse:module:callable or click:module:callable"
        )
    kind, module_name, attr = parts
    try:
        module = importlib.import_module(module_name)
    except Exception as e:  # ImportError, or anything the module raises while importing
        raise IntrospectionError(
            f"cannot import module {module_name!r}: {type(e).__name__}: {e}"
        ) from e
    obj: Any = module
    for name in attr.split("."):
        try:
            obj = getattr(obj, name)
        except AttributeError as e:
            raise IntrospectionError(f"module {module_name!r} has no attribute {attr!r}") from e
    return kind, obj


def introspect(target: str, title: str | None = None) -> Contract:
    kind, obj = resolve(target)
    if kind == "argparse":
        parser = obj if isinstance(obj, argparse.ArgumentParser) else _call(obj, target)
        if not isinstance(parser, argparse.ArgumentParser):
            raise IntrospectionError(f"{target!r} did not give an argparse.ArgumentParser")
        return from_argparse(parser, title or parser.prog, source=target)
    command = _click_command(obj, target)
    name = title or getattr(command, "name", None) or target.rsplit(":", 1)[-1]
    return from_click(command, str(name), source=target)


def _call(obj: Any, target: str) -> Any:
    if not callable(obj):
        raise IntrospectionError(f"{target!r} is neither a parser/command nor callable")
    try:
        return obj()
    except Exception as e:
        raise IntrospectionError(f"calling {target!r} failed: {type(e).__name__}: {e}") from e


# -- argparse ---------------------------------------------------------------------------------


def _arity(nargs: Any) -> tuple[int, int | None]:
    if nargs is None:
        return 1, 1
    if nargs == argparse.OPTIONAL:
        return 0, 1
    if nargs in (argparse.ZERO_OR_MORE, argparse.REMAINDER):
        return 0, None
    if nargs == argparse.ONE_OR_MORE:
        return 1, None
    if isinstance(nargs, int):
        return nargs, nargs
    return 0, None


def _choices(values: Any) -> tuple[str, ...]:
    if values is None:
        return ()
    out = []
    for v in values:
        out.append(v.value if isinstance(v, enum.Enum) and isinstance(v.value, str) else str(v))
    return tuple(out)


def _primary(option_strings: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    longs = [s for s in option_strings if s.startswith("--")]
    name = longs[0] if longs else option_strings[0]
    return name, tuple(s for s in option_strings if s != name)


def _argparse_argument(action: argparse.Action) -> ArgumentSpec:
    minimum, maximum = _arity(action.nargs)
    metavar = action.metavar if isinstance(action.metavar, str) else None
    return ArgumentSpec(
        name=metavar or action.dest.upper(),
        required=minimum > 0,
        minimum=minimum,
        maximum=maximum,
        accepted_values=_choices(action.choices),
        description=_help(action.help),
    )


def _help(text: Any) -> str:
    return "" if text is None or text == argparse.SUPPRESS else str(text)


def _argparse_command(
    parser: argparse.ArgumentParser, name: str, aliases: tuple[str, ...], description: str
) -> CommandSpec:
    options: list[OptionSpec] = []
    arguments: list[ArgumentSpec] = []
    commands: list[CommandSpec] = []
    subcommand_required = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            subcommand_required = bool(action.required)
            helps = {a.dest: _help(a.help) for a in action._choices_actions}
            names: dict[int, list[str]] = {}
            parsers: dict[int, argparse.ArgumentParser] = {}
            for sub_name, sub_parser in action._name_parser_map.items():
                names.setdefault(id(sub_parser), []).append(sub_name)
                parsers[id(sub_parser)] = sub_parser
            for key, all_names in names.items():
                sub = parsers[key]
                commands.append(
                    _argparse_command(
                        sub,
                        all_names[0],
                        tuple(all_names[1:]),
                        helps.get(all_names[0], "") or (sub.description or ""),
                    )
                )
        elif action.option_strings:
            primary, others = _primary(action.option_strings)
            takes = action.nargs != 0
            options.append(
                OptionSpec(
                    name=primary,
                    aliases=others,
                    description=_help(action.help),
                    required=bool(action.required),
                    arguments=(_argparse_argument(action),) if takes else (),
                    hidden=action.help == argparse.SUPPRESS,
                )
            )
        else:
            arguments.append(_argparse_argument(action))
    groups = []
    for group in parser._mutually_exclusive_groups:
        members = [_primary(a.option_strings)[0] for a in group._group_actions if a.option_strings]
        if len(members) >= 2:
            groups.append(ExclusiveGroup(tuple(members), bool(group.required)))
    return CommandSpec(
        name=name,
        aliases=aliases,
        description=description,
        options=tuple(options),
        arguments=tuple(arguments),
        commands=tuple(commands),
        subcommand_required=subcommand_required,
        exclusive_groups=tuple(groups),
    )


def from_argparse(parser: argparse.ArgumentParser, title: str, source: str) -> Contract:
    root = _argparse_command(parser, title, (), parser.description or "")
    return Contract(title=title, root=root, description=root.description, source=source, version="")


# -- click (and Typer's bundled click) --------------------------------------------------------


def _is_click_command(obj: Any) -> bool:
    return hasattr(obj, "params") and hasattr(obj, "callback") and hasattr(obj, "name")


def _click_command(obj: Any, target: str) -> Any:
    if _is_click_command(obj):
        return obj
    if hasattr(obj, "registered_commands") and hasattr(obj, "registered_groups"):  # a Typer app
        try:
            typer_main = importlib.import_module("typer.main")
        except ImportError as e:
            raise IntrospectionError(f"{target!r} is a Typer app but typer is missing") from e
        return typer_main.get_command(obj)
    made = _call(obj, target)
    if _is_click_command(made):
        return made
    if hasattr(made, "registered_commands"):
        return _click_command(made, target)
    raise IntrospectionError(f"{target!r} did not give a click command")


def _click_choices(param_type: Any) -> tuple[str, ...]:
    choices = getattr(param_type, "choices", None)
    if not choices:
        return ()
    out = []
    for c in choices:
        out.append(c.name if isinstance(c, enum.Enum) else str(c))
    return tuple(out)


def _click_param(param: Any) -> OptionSpec | ArgumentSpec:
    kind = getattr(param, "param_type_name", "")
    nargs = int(getattr(param, "nargs", 1))
    required = bool(getattr(param, "required", False))
    choices = _click_choices(getattr(param, "type", None))
    description = str(getattr(param, "help", "") or "")
    metavar = getattr(param, "metavar", None)
    if kind == "argument":
        minimum, maximum = (1 if required else 0, None) if nargs < 0 else (nargs, nargs)
        if not required and nargs >= 0:
            minimum = 0
        return ArgumentSpec(
            name=str(metavar or (param.name or "ARG").upper()),
            required=required,
            minimum=minimum,
            maximum=maximum,
            accepted_values=choices,
        )
    names = [*param.opts, *getattr(param, "secondary_opts", [])]
    primary, aliases = _primary(names)
    flag = bool(getattr(param, "is_flag", False)) or bool(getattr(param, "count", False))
    arguments: tuple[ArgumentSpec, ...] = ()
    if not flag:
        optional_value = bool(getattr(param, "_flag_needs_value", False))
        arguments = (
            ArgumentSpec(
                name=str(metavar or (param.name or "VALUE").upper()),
                required=not optional_value,
                minimum=0 if optional_value else nargs,
                maximum=max(nargs, 1),
                accepted_values=choices,
            ),
        )
    return OptionSpec(
        name=primary,
        aliases=aliases,
        description=description,
        required=required,
        arguments=arguments,
        hidden=bool(getattr(param, "hidden", False)),
    )


def _click_spec(command: Any, name: str, aliases: tuple[str, ...] = ()) -> CommandSpec:
    options: list[OptionSpec] = []
    arguments: list[ArgumentSpec] = []
    for param in command.params:
        spec = _click_param(param)
        if isinstance(spec, OptionSpec):
            options.append(spec)
        else:
            arguments.append(spec)
    if getattr(command, "add_help_option", True):
        settings = getattr(command, "context_settings", None) or {}
        help_names = list(settings.get("help_option_names", ["--help"]))
        taken = {n for o in options for n in o.names}
        help_names = [n for n in help_names if n not in taken]
        if help_names:
            primary, rest = _primary(help_names)
            options.append(OptionSpec(primary, rest, "Show help and exit."))
    commands: list[CommandSpec] = []
    by_object: dict[int, list[str]] = {}
    objects: dict[int, Any] = {}
    for sub_name, sub in (getattr(command, "commands", None) or {}).items():
        by_object.setdefault(id(sub), []).append(sub_name)
        objects[id(sub)] = sub
    for key, names in by_object.items():
        commands.append(_click_spec(objects[key], names[0], tuple(names[1:])))
    is_group = hasattr(command, "commands")
    return CommandSpec(
        name=name,
        aliases=aliases,
        description=str(getattr(command, "help", "") or "").strip().split("\n\n")[0],
        options=tuple(options),
        arguments=tuple(arguments),
        commands=tuple(commands),
        hidden=bool(getattr(command, "hidden", False)),
        subcommand_required=is_group and not getattr(command, "invoke_without_command", False),
    )


def from_click(command: Any, title: str, source: str) -> Contract:
    root = _click_spec(command, title)
    return Contract(title=title, root=root, description=root.description, source=source)
