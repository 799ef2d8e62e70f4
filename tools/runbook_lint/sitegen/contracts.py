"""CLI contract pages: every program, subcommand and option runbook commands are checked against.

Reads the OpenCLI-shaped JSON files in `schemas/cli/` (see `schemas/cli-contract.schema.json`).
A file that is not valid JSON, or not an object, gets a page that says so instead of a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .markdown import cell, code, inline, prose, table
from .markdown import facts as facts_list


@dataclass(frozen=True)
class Contract:
    stem: str  # file name without .json: the page name
    source: str  # site path of the JSON file
    data: Mapping[str, Any] | None
    error: str = ""

    @property
    def program(self) -> str:
        info = self.data.get("info", {}) if self.data else {}
        title = info.get("title") if isinstance(info, dict) else None
        return str(title) if title else self.stem


def load(folder: Path, root: Path) -> list[Contract]:
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.json")):
        source = path.relative_to(root).as_posix()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            out.append(Contract(path.stem, source, None, f"cannot be read: {exc}"))
            continue
        if not isinstance(data, dict):
            out.append(Contract(path.stem, source, None, "is not a JSON object"))
            continue
        out.append(Contract(path.stem, source, data))
    return out


def _list(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _arity(arg: Mapping[str, Any]) -> str:
    arity = arg.get("arity")
    if not isinstance(arity, dict):
        return ""
    low, high = arity.get("minimum"), arity.get("maximum")
    if low == high == 1:
        return ""
    if high is None:
        return f" ({low} or more)"
    return f" ({low} to {high})"


def _value(option: Mapping[str, Any]) -> str:
    args = _list(option, "arguments")
    if not args:
        return "flag"
    parts = []
    for arg in args:
        name = code(f"<{arg.get('name', 'value')}>") + _arity(arg)
        accepted = arg.get("acceptedValues")
        if isinstance(accepted, list) and accepted:
            name += ": one of " + ", ".join(code(str(v)) for v in accepted)
        parts.append(name)
    return "; ".join(parts)


def _options_table(options: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for opt in options:
        if opt.get("hidden"):
            continue
        aliases = opt.get("aliases")
        names = [str(opt.get("name", "?"))]
        if isinstance(aliases, list):
            names += [str(a) for a in aliases]
        rows.append(
            [
                ", ".join(code(n) for n in names),
                _value(opt),
                "**required**" if opt.get("required") else "",
                inline(str(opt.get("description", ""))),
            ]
        )
    return table(["Option", "Value", "Required", "Description"], rows)


def _arguments_table(arguments: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for arg in arguments:
        accepted = arg.get("acceptedValues")
        values = ", ".join(code(str(v)) for v in accepted) if isinstance(accepted, list) else ""
        rows.append(
            [
                code(f"<{arg.get('name', 'arg')}>") + _arity(arg),
                "**required**" if arg.get("required", True) else "",
                values,
                inline(str(arg.get("description", ""))),
            ]
        )
    return table(["Argument", "Required", "Accepted values", "Description"], rows)


def _walk(
    command: Mapping[str, Any], path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    for sub in _list(command, "commands"):
        if sub.get("hidden"):
            continue
        here = (*path, str(sub.get("name", "?")))
        yield here, sub
        yield from _walk(sub, here)


def _flags(command: Mapping[str, Any]) -> str:
    out = []
    if command.get("constitutional"):
        out.append('<span class="rb-badge rb-badge--constitutional">CONSTITUTIONAL</span>')
    if command.get("destructive"):
        out.append('<span class="rb-badge rb-badge--muted">destructive</span>')
    if command.get("readOnly"):
        out.append('<span class="rb-badge rb-badge--muted">read-only</span>')
    return " ".join(out)


def contract_page(contract: Contract, to_uri: str) -> str:
    import posixpath

    raw = posixpath.relpath(contract.source, posixpath.dirname(to_uri) or ".")
    out = [f"# {contract.program}", ""]
    if contract.data is None:
        out += [f"`{contract.source}` {cell(contract.error)}.", ""]
        return "\n".join(out)
    data = contract.data
    info = data.get("info", {}) if isinstance(data.get("info"), dict) else {}
    if info.get("description"):
        out += [prose(str(info["description"]).strip()), ""]
    meta = data.get("x-runbook-lint", {})
    source = meta.get("source", "") if isinstance(meta, dict) else ""
    facts = [["Contract file", f"[`{contract.source}`]({raw})"]]
    if info.get("version"):
        facts.append(["Version", cell(str(info["version"]))])
    if source:
        facts.append(["Source", cell(str(source))])
    out += [facts_list(facts), ""]
    commands = list(_walk(data, (contract.program,)))
    constitutional = [p for p, c in commands if c.get("constitutional")]
    if constitutional:
        out += [
            "Commands marked **CONSTITUTIONAL** change governance state: runbooks may use "
            "them only in a 🔴 **CONSTITUTIONAL** step.",
            "",
        ]
    options = _list(data, "options")
    if options:
        out += ["## Global options", "", _options_table(options), ""]
    arguments = _list(data, "arguments")
    if arguments:
        out += ["## Arguments", "", _arguments_table(arguments), ""]
    if commands:
        out += ["## Commands", ""]
    for path, command in commands:
        level = "#" * min(2 + len(path) - 1, 6)
        out += [f"{level} {' '.join(path)}", ""]
        flags = _flags(command)
        if flags:
            out += [flags, ""]
        if command.get("description"):
            out += [prose(str(command["description"]).strip()), ""]
        aliases = command.get("aliases")
        if isinstance(aliases, list) and aliases:
            out += ["Aliases: " + ", ".join(code(str(a)) for a in aliases), ""]
        sub_options = _list(command, "options")
        if sub_options:
            out += [_options_table(sub_options), ""]
        sub_args = _list(command, "arguments")
        if sub_args:
            out += [_arguments_table(sub_args), ""]
    return "\n".join(out)


def index_page(contracts: Sequence[Contract], folder: str) -> str:
    out = [
        "# CLI contracts",
        "",
        "Commands in runbooks are checked against these contracts: an unknown subcommand or "
        "option, a missing required option or a value that is not accepted is a finding (RB4xx). "
        f"Each page is generated from a JSON file in `{folder}/`.",
        "",
    ]
    if not contracts:
        out.append(f"None yet: `{folder}/` holds no contract.")
        return "\n".join(out) + "\n"
    rows = []
    for c in contracts:
        info = c.data.get("info", {}) if c.data else {}
        desc = info.get("description", "") if isinstance(info, dict) else ""
        rows.append(
            [
                f"[{cell(c.program)}]({c.stem}.md)",
                code(c.source),
                inline(str(desc)) if desc else cell(c.error),
            ]
        )
    out.append(table(["Program", "Contract", "Description"], rows))
    return "\n".join(out) + "\n"
