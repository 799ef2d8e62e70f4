"""The project file that maps how programs are invoked to their CLI contracts.

`schemas/cli/programs.yaml`::

    programs:
      - invocation: python3 -m cli          # python, python3, python3.11 are one interpreter
        contract: cli.json                  # a file in schemas/cli/
      - invocation: runbook-lint
        introspect: argparse:runbook_lint.cli:build_parser
      - invocation: make
        contract: system-make.json          # targets as commands of a contract titled `make`
        paths: [runbooks/**]                # only for documents under these globs
      - invocation: make
        makefile: Makefile                  # targets read from a Makefile
    namespaces: [scripts/]                  # an undeclared program here is unknown (RB421)

Programs not declared and not under a namespace (`jq`, `tail`, `cp`) are left alone.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from runbook_lint.shell.loader import ContractError, load_contract, read_data, schema_path
from runbook_lint.shell.makefile import targets as makefile_targets
from runbook_lint.shell.spec import Contract
from runbook_lint.shell.wrappers import basename, key_of

if TYPE_CHECKING:
    from runbook_lint.context import Context

T = TypeVar("T")
# The linter's own command line, checked by introspection wherever the docs show it.
BUILTIN = ("runbook-lint", "argparse:runbook_lint.cli:build_parser")


@dataclass(frozen=True)
class Program:
    invocation: str
    key: str
    contract: str | None = None
    introspect: str | None = None
    makefile: str | None = None
    paths: tuple[str, ...] = ()

    def applies_to(self, doc_path: str) -> bool:
        return not self.paths or any(fnmatch.fnmatch(doc_path, p) for p in self.paths)


@dataclass
class Registry:
    root: Path
    contracts_dir: Path
    programs: tuple[Program, ...] = ()
    namespaces: tuple[str, ...] = ()
    source: str = ""
    verified: set[str] | None = None  # see loader.load_contract
    _contracts: dict[str, Contract] = field(default_factory=dict)
    _targets: dict[str, frozenset[str]] = field(default_factory=dict)
    _first_words: tuple[tuple[Program, ...], frozenset[str]] | None = None
    _derived: tuple[tuple[Program, ...], dict[Hashable, Any]] | None = None

    def memo(self, key: Hashable, factory: Callable[[], T]) -> T:
        """A value derived from the declared programs, computed once until they change."""
        if self._derived is None or self._derived[0] is not self.programs:
            self._derived = (self.programs, {})
        values = self._derived[1]
        if key not in values:
            values[key] = factory()
        return values[key]  # type: ignore[no-any-return]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(p.key for p in self.programs)

    @property
    def first_words(self) -> frozenset[str]:
        """Words an inline code span can start with to be taken for a command."""
        if self._first_words is not None and self._first_words[0] == self.programs:
            return self._first_words[1]
        words: set[str] = set()
        for p in self.programs:
            first = p.invocation.split()[0]
            words.add(first)
            words.add(basename(first))
        self._first_words = (self.programs, frozenset(words))
        return self._first_words[1]

    def lookup(self, key: str, doc_path: str) -> Program | None:
        return self.memo(("lookup", key, doc_path), lambda: self._lookup(key, doc_path))

    def _lookup(self, key: str, doc_path: str) -> Program | None:
        for program in self.programs:
            if program.key == key and program.applies_to(doc_path):
                return program
        return None

    def in_namespace(self, key: str) -> bool:
        return key.startswith(self.namespaces)

    def contract(self, program: Program) -> Contract | None:
        """The program's contract (loaded once), or None for Makefile-backed programs."""
        if program.makefile is not None:
            return None
        cache_key = program.contract or program.introspect or program.key
        if cache_key not in self._contracts:
            if program.contract is not None:
                path = self.contracts_dir / program.contract
                self._contracts[cache_key] = load_contract(
                    path, schema_path(self.root), self.verified
                )
            else:
                from runbook_lint.shell.introspect import introspect

                assert program.introspect is not None
                self._contracts[cache_key] = introspect(program.introspect)
        return self._contracts[cache_key]

    def make_targets(self, program: Program) -> frozenset[str]:
        assert program.makefile is not None
        if program.makefile not in self._targets:
            self._targets[program.makefile] = makefile_targets(self.root / program.makefile)
        return self._targets[program.makefile]

    def all_contracts(self) -> list[tuple[Program, Contract]]:
        out = []
        for program in self.programs:
            contract = self.contract(program)
            if contract is not None:
                out.append((program, contract))
        return out


def _str_list(data: Any, path: Path, where: str) -> tuple[str, ...]:
    if data is None:
        return ()
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise ContractError(path, "must be a list of strings", where)
    return tuple(data)


def load_registry(file: Path, root: Path, contracts_dir: Path) -> Registry:
    """Read the program map; a missing file means no declared programs."""
    if not file.exists():
        return Registry(root, contracts_dir)
    data = read_data(file)
    if not isinstance(data, dict):
        raise ContractError(file, "must be a mapping with a 'programs' list")
    unknown = set(data) - {"programs", "namespaces"}
    if unknown:
        raise ContractError(file, f"unknown key {sorted(unknown)[0]!r}")
    programs: list[Program] = []
    items = data.get("programs") or []
    if not isinstance(items, list):
        raise ContractError(file, "must be a list", "$.programs")
    for i, item in enumerate(items):
        where = f"$.programs[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("invocation"), str):
            raise ContractError(file, "needs an 'invocation' string", where)
        extra = set(item) - {"invocation", "contract", "introspect", "makefile", "paths"}
        if extra:
            raise ContractError(file, f"unknown key {sorted(extra)[0]!r}", where)
        sources = [k for k in ("contract", "introspect", "makefile") if k in item]
        if len(sources) != 1:
            raise ContractError(
                file, "needs exactly one of 'contract', 'introspect', 'makefile'", where
            )
        try:
            key = key_of(item["invocation"])
        except ValueError as e:
            raise ContractError(file, str(e), f"{where}.invocation") from e
        programs.append(
            Program(
                invocation=item["invocation"],
                key=key,
                contract=item.get("contract"),
                introspect=item.get("introspect"),
                makefile=item.get("makefile"),
                paths=_str_list(item.get("paths"), file, f"{where}.paths"),
            )
        )
    namespaces = _str_list(data.get("namespaces"), file, "$.namespaces")
    return Registry(root, contracts_dir, tuple(programs), namespaces, str(file))


def run_registry(ctx: Context) -> Registry:
    """The project's programs, loaded once per run (contracts are loaded on first use); a
    program map that cannot be read is a usage error."""

    def load() -> Registry:
        from runbook_lint.errors import UsageError

        config = ctx.config
        try:
            reg = load_registry(
                config.path(config.programs), config.root, config.path(config.contracts)
            )
        except ContractError as e:
            raise UsageError(str(e)) from e
        reg.verified = ctx.verified
        if reg.lookup(BUILTIN[0], "") is None:
            reg.programs = (*reg.programs, Program(BUILTIN[0], BUILTIN[0], introspect=BUILTIN[1]))
        return reg

    return ctx.lasting("commands.registry", load)
