"""Load CLI contracts from JSON or YAML files and validate them against the contract schema."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from runbook_lint.shell.spec import Contract, contract_from_dict

SCHEMA_NAME = "cli-contract.schema.json"


class ContractError(Exception):
    """A contract file that cannot be read, parsed or validated (a configuration error)."""

    def __init__(self, path: Path | str, message: str, json_path: str = "$") -> None:
        self.path = str(path)
        self.json_path = json_path
        self.detail = message
        super().__init__(f"{self.path}: {json_path}: {message}")


def schema_path(root: Path) -> Path:
    """The project's contract schema; the one of this source tree when the project has none
    (a library that only declares programs, or a test library)."""
    own = root / "schemas" / SCHEMA_NAME
    if own.exists():
        return own
    return Path(__file__).resolve().parents[3] / "schemas" / SCHEMA_NAME


@lru_cache(maxsize=4)
def _schema(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def read_data(path: Path) -> Any:
    """Parse a JSON or YAML file (by extension) into plain data."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ContractError(path, f"cannot read: {e}") from e
    if path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            problem = getattr(e, "problem", None) or str(e).split("\n")[0]  # one line
            raise ContractError(path, f"invalid YAML{where}: {problem}") from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        where = f"line {e.lineno} column {e.colno}"
        raise ContractError(path, f"invalid JSON at {where}: {e.msg}") from e
    except ValueError as e:  # an integer of more than 4,300 digits
        raise ContractError(path, f"invalid JSON: {e}".split(";")[0]) from e


def _json_path(parts: Any) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@lru_cache(maxsize=4)
def _validator(path: str) -> Any:
    """One validator per schema file: its resolved references are reused for every contract."""
    import jsonschema

    return jsonschema.Draft202012Validator(_schema(path))


def validate(data: Any, path: Path, schema_file: Path) -> None:
    """Raise ContractError naming the first schema violation (by JSON path)."""
    import jsonschema

    validator = _validator(str(schema_file))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        raise ContractError(path, best.message, _json_path(best.absolute_path))
    _check_unique_names(data, path)
    _check_read_only(data, path)


def _check_unique_names(data: Any, path: Path, where: tuple[Any, ...] = ()) -> None:
    """Names and aliases must be unique among siblings (the schema cannot say this)."""
    if not isinstance(data, dict):
        return
    for key in ("options", "commands"):
        seen: set[str] = set()
        for i, item in enumerate(data.get(key, [])):
            for name in (item["name"], *item.get("aliases", [])):
                if name in seen:
                    raise ContractError(
                        path, f"duplicate name {name!r}", _json_path((*where, key, i))
                    )
                seen.add(name)
    for i, command in enumerate(data.get("commands", [])):
        _check_unique_names(command, path, (*where, "commands", i))


def _check_read_only(data: Any, path: Path, where: tuple[Any, ...] = ()) -> None:
    """A command that only reads cannot also change governance state or destroy data."""
    if not isinstance(data, dict):
        return
    if data.get("readOnly"):
        for flag in ("constitutional", "destructive"):
            if data.get(flag):
                raise ContractError(
                    path, f"a command cannot be both readOnly and {flag}", _json_path(where)
                )
    for i, command in enumerate(data.get("commands", [])):
        _check_read_only(command, path, (*where, "commands", i))


def load_contract(path: Path, schema_file: Path, verified: set[str] | None = None) -> Contract:
    """Read and validate a contract. `verified` holds the digests of contract and schema
    pairs that passed in an earlier run (the content cache keeps them): such a pair is not
    validated again, which spares loading jsonschema on a warm single-file run."""
    data = read_data(path)
    stamp = _stamp(path, schema_file) if verified is not None else None
    if stamp is None or verified is None or stamp not in verified:
        validate(data, path, schema_file)
        if stamp is not None and verified is not None:
            verified.add(stamp)
    return contract_from_dict(data)


def _stamp(path: Path, schema_file: Path) -> str | None:
    try:
        h = hashlib.sha256(b"cli-contract\0")
        for part in (schema_file.read_bytes(), path.read_bytes()):
            h.update(hashlib.sha256(part).digest())
    except OSError:
        return None
    return h.hexdigest()
