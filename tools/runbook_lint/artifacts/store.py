"""What RB5xx and RB6xx rules share for one run: the catalog and the schemas, loaded once,
what is wrong with a schema, and the field references a schema does not define."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..findings import Hit
from .catalog import Artifact, Catalog, CatalogError, load
from .positions import format_path
from .references import FieldRef, field_refs
from .schemas import SchemaFile, SchemaStore, is_schema_file, load_file

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document


@dataclass
class Artifacts:
    catalog: Catalog | None
    catalog_error: CatalogError | None
    catalog_path: str
    load_schemas: Callable[[], SchemaStore] = field(repr=False)
    schemas_dir: Path
    _problems: dict[str, list[tuple[tuple[int, int], str]]] = field(default_factory=dict)
    schema_validity: dict[str, str | None] = field(default_factory=dict)

    @cached_property
    def schemas(self) -> SchemaStore:
        """Every schema under the schemas folder, read when a rule first needs one."""
        return self.load_schemas()

    @cached_property
    def _by_path(self) -> dict[Path, SchemaFile]:
        found: dict[Path, SchemaFile] = {}
        for file in self.schemas.files.values():
            found.setdefault(file.path.resolve(), file)
        return found

    def schema_for(self, artifact: Artifact) -> SchemaFile | None:
        if artifact.schema is None:
            return None
        return self._by_path.get((self.schemas_dir / artifact.schema).resolve())

    def unresolved(self, ref: FieldRef) -> str | None:
        """None when the field resolves in one of the named artifacts' schemas, else why."""
        checked: list[str] = []
        first_missing: tuple[str, ...] | None = None
        for artifact in ref.artifacts:
            schema = self.schema_for(artifact)
            if schema is None or schema.contents is None:
                continue
            path = ref.path
            if artifact.jsonl and path and path[0].startswith("["):
                path = path[1:]  # `jq -s '.[0].x'`: the index picks a line
            missing = self.schemas.defines(schema, path)
            if missing is None:
                return None
            checked.append(artifact.path)
            first_missing = first_missing or missing
        if not checked or first_missing is None:
            return None  # no schema to check against (reported elsewhere)
        dotted = ".".join(ref.path).replace(".[", "[")
        where = dotted if first_missing == ref.path else ".".join(first_missing).replace(".[", "[")
        return f"field '{dotted}' is not defined in the schema of {' or '.join(checked)}" + (
            "" if where == dotted else f" (no '{where}')"
        )

    def schema_problems(self, display: str) -> list[tuple[tuple[int, int], str]]:
        """What is wrong with the schema file `display` ((line, column), message): not JSON,
        not a valid draft 2020-12 schema, or a local $ref that resolves to no schema. Each
        schema is validated once per run."""
        if display not in self._problems:
            self._problems[display] = list(self._schema_problems(display))
        return self._problems[display]

    def _schema_problems(self, display: str) -> Iterator[tuple[tuple[int, int], str]]:
        file = self.schemas.get(display)
        if file is None:
            return
        unusable = self._unusable(file)
        if unusable is not None:
            yield unusable
            if file.error is not None:
                return
        for where, ref, reason in self.schemas.broken_refs(file):
            if reason is None and file.parsed is not None:  # a remote one is RB505's
                pos = file.parsed.value_position(where)
                yield (pos.line, pos.column), f"$ref '{ref}' does not resolve to a local schema"

    def unusable(self, display: str) -> str | None:
        """Why the schema file `display` cannot be applied to a sample at all (not JSON, not a
        draft 2020-12 schema), or None; asked once per file and run. A `$ref` that does not
        resolve does not make a schema unusable: `SchemaStore.applicable` leaves it out."""
        if display not in self.schema_validity:
            file = self.schemas.get(display)
            problem = self._unusable(file) if file is not None else None
            self.schema_validity[display] = problem[1] if problem else None
        return self.schema_validity[display]

    @staticmethod
    def _unusable(file: SchemaFile) -> tuple[tuple[int, int], str] | None:
        if file.error is not None:
            exc = file.error
            return ((exc.lineno, exc.colno) if exc.doc else (1, 1)), f"not valid JSON: {exc.msg}"
        assert file.parsed is not None
        error = next(iter(metaschema_validator().iter_errors(file.contents)), None)
        if error is None:
            return None
        where = tuple(error.absolute_path)  # the first error, as `check_schema` reports it
        pos = file.parsed.value_position(where)
        return (
            (pos.line, pos.column),
            f"not a valid draft 2020-12 schema at {format_path(where)}: {error.message}",
        )


@lru_cache(maxsize=1)
def metaschema_validator() -> Any:
    """The draft 2020-12 metaschema's validator, built once: `check_schema` would build it,
    and resolve the metaschema's vocabularies again, for every schema."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def artifacts(ctx: Context) -> Artifacts:
    return ctx.lasting("artifacts", lambda: _load(ctx))


def _load(ctx: Context) -> Artifacts:
    config, library = ctx.config, ctx.library
    schemas_dir = config.path(config.schemas)
    catalog_file = config.path(config.artifacts)
    catalog_display = library.display(catalog_file)
    catalog: Catalog | None = None
    error: CatalogError | None = None
    if catalog_file.is_file():
        try:
            catalog = load(catalog_file, catalog_display)
        except CatalogError as exc:
            error = exc

    def load_schemas() -> SchemaStore:
        store = SchemaStore()
        if schemas_dir.is_dir():
            for path in sorted(schemas_dir.rglob("*.json")):
                if is_schema_file(path) and not any(p.startswith(".") for p in path.parts):
                    store.add(load_file(path, library.display(path)))
        return store

    return Artifacts(catalog, error, catalog_display, load_schemas, schemas_dir)


def unresolved_fields(doc: Document, ctx: Context, prefix: str = "") -> Iterator[Hit]:
    """A Hit for each field reference of `doc` its artifact's schema does not define, and for
    each explicit `file#field` reference to a file that is not an artifact; `prefix` goes
    before the message of the former."""
    state = artifacts(ctx)
    if state.catalog is None:
        return
    for ref in field_refs(doc, state.catalog):
        if not ref.artifacts:
            if ref.via == "explicit":
                yield Hit(
                    ref.line,
                    ref.column,
                    f"'{ref.text.split('#')[0]}' is not an artifact in {state.catalog_path}",
                )
            continue
        message = state.unresolved(ref)
        if message:
            yield Hit(ref.line, ref.column, prefix + message)
