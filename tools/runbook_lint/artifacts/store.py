"""What RB5xx and RB6xx rules share for one run: the catalog and the schemas, loaded once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import Artifact, Catalog, CatalogError, load
from .references import FieldRef
from .schemas import SchemaFile, SchemaStore, is_schema_file, load_file

if TYPE_CHECKING:
    from ..context import Context


@dataclass
class Artifacts:
    catalog: Catalog | None
    catalog_error: CatalogError | None
    catalog_path: str
    load_schemas: Callable[[], SchemaStore] = field(repr=False)
    schemas_dir: Path
    schema_validity: dict[str, bool] = field(default_factory=dict)

    @cached_property
    def schemas(self) -> SchemaStore:
        """Every schema under the schemas folder, read when a rule first needs one."""
        return self.load_schemas()

    def schema_for(self, artifact: Artifact) -> SchemaFile | None:
        if artifact.schema is None:
            return None
        path = (self.schemas_dir / artifact.schema).resolve()
        for file in self.schemas.files.values():
            if file.path.resolve() == path:
                return file
        return None

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


def artifacts(ctx: Context) -> Artifacts:
    return ctx.memo("artifacts", lambda: _load(ctx))


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
