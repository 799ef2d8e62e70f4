"""Artifact schema pages: each report, state or telemetry file as a table of its fields.

The artifact catalog (`schemas/artifacts.yaml`) says which artifact each schema describes and
so where its samples are: `runbooks/samples/<system>/<scenario>/<path below the system root>`.
A schema the catalog does not name falls back to the convention
`schemas/artifacts/<system>/<path>.schema.json`. `$ref`s are followed inside the local schema
files only.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .markdown import cell, code, fence, inline, prose, table
from .markdown import facts as facts_list

if TYPE_CHECKING:
    from ..artifacts.catalog import Artifact, Catalog

SUFFIX = ".schema.json"
MAX_DEPTH = 12
MAX_SAMPLE_BYTES = 20_000


@dataclass(frozen=True)
class Field:
    path: str
    types: str
    required: bool
    description: str
    values: str  # enum / const / pattern / range


@dataclass
class Schema:
    name: str  # path below the artifacts folder without the suffix: "dkt/state/heartbeat_status"
    source: str  # site path of the schema file
    data: Mapping[str, Any] | None
    error: str = ""
    samples: list[str] = field(default_factory=list)  # site paths
    cataloged: Artifact | None = None  # the catalog entry whose schema this is

    @property
    def system(self) -> str:
        if self.cataloged is not None:
            return self.cataloged.system
        return self.name.split("/", 1)[0] if "/" in self.name else ""

    @property
    def artifact(self) -> str:
        """The file name as runbooks write it, below the system's root."""
        if self.cataloged is not None:
            return self.cataloged.relative
        title = self.data.get("title") if self.data else None
        if isinstance(title, str) and title.strip() and " " not in title.strip():
            return title.strip()
        return self.name.split("/", 1)[-1] + ".json"

    @property
    def is_definitions(self) -> bool:
        data = self.data or {}
        return "properties" not in data and "type" not in data and "$defs" in data


class Resolver:
    """Follow local `$ref`s between the schema files of one folder, never the network."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._files: dict[Path, Any] = {}

    def load(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self._files:
            try:
                self._files[path] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                self._files[path] = None
        return self._files[path]

    def resolve(self, ref: str, base: Path) -> tuple[Any, Path] | None:
        target, _, pointer = ref.partition("#")
        if "://" in target:
            return None
        path = (base.parent / target).resolve() if target else base
        if self.root not in path.parents and path != self.root:
            return None
        from ..artifacts.schemas import follow_pointer

        found, node = follow_pointer(self.load(path), pointer)
        return (node, path) if found else None


def _merge(
    node: Mapping[str, Any], resolver: Resolver, base: Path, depth: int = 0
) -> tuple[dict[str, Any], Path]:
    """The node with its `$ref` (and `allOf` parts) folded in; its own keys win."""
    merged: dict[str, Any] = {}
    where = base
    ref = node.get("$ref")
    if isinstance(ref, str) and depth < MAX_DEPTH:
        found = resolver.resolve(ref, base)
        if found is not None and isinstance(found[0], dict):
            merged, where = _merge(found[0], resolver, found[1], depth + 1)
    for part in node.get("allOf", []) if isinstance(node.get("allOf"), list) else []:
        if isinstance(part, dict) and depth < MAX_DEPTH:
            sub, _ = _merge(part, resolver, base, depth + 1)
            for key, value in sub.items():
                if key == "properties" and isinstance(value, dict):
                    merged.setdefault("properties", {}).update(value)
                elif key == "required" and isinstance(value, list):
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged.setdefault(key, value)
    for key, value in node.items():
        if key not in ("$ref", "allOf"):
            merged[key] = value
    return merged, where if "$ref" in node and not node.get("properties") else base


def _types(node: Mapping[str, Any], resolver: Resolver, base: Path) -> str:
    kind = node.get("type")
    if isinstance(kind, list):
        names = [str(k) for k in kind]
    elif isinstance(kind, str):
        names = [kind]
    else:
        names = []
    if "array" in names:
        items = node.get("items")
        if isinstance(items, dict):
            inner, where = _merge(items, resolver, base)
            inner_types = _types(inner, resolver, where)
            if inner_types:
                names[names.index("array")] = f"array of {inner_types}"
    for key in ("oneOf", "anyOf"):
        options = node.get(key)
        if isinstance(options, list) and not names:
            parts = []
            for option in options:
                if isinstance(option, dict):
                    sub, where = _merge(option, resolver, base)
                    parts.append(_types(sub, resolver, where) or "object")
            names = [" or ".join(dict.fromkeys(parts))]
    if not names and "const" in node:
        names = [type(node["const"]).__name__.replace("str", "string")]
    if not names and "enum" in node:
        names = ["string"] if all(isinstance(v, str) for v in node["enum"]) else ["enum"]
    return ", ".join(names)


def _values(node: Mapping[str, Any]) -> str:
    parts = []
    if "const" in node:
        parts.append("always " + code(json.dumps(node["const"], ensure_ascii=False)))
    enum = node.get("enum")
    if isinstance(enum, list):
        parts.append("one of " + ", ".join(code(json.dumps(v, ensure_ascii=False)) for v in enum))
    for key, word in (
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    ):
        if key in node:
            parts.append(f"{word} {node[key]}")
    if "pattern" in node:
        parts.append("matches " + code(str(node["pattern"])))
    if "format" in node:
        parts.append(f"format {code(str(node['format']))}")
    if "minItems" in node:
        parts.append(f"at least {node['minItems']} item(s)")
    return "; ".join(parts)


def fields(data: Mapping[str, Any], resolver: Resolver, base: Path) -> list[Field]:
    out: list[Field] = []
    root, where = _merge(data, resolver, base)
    _walk(root, resolver, where, "", out, 0, set())
    return out


def _walk(
    node: Mapping[str, Any],
    resolver: Resolver,
    base: Path,
    prefix: str,
    out: list[Field],
    depth: int,
    seen: set[tuple[Path, int]],
) -> None:
    if depth > MAX_DEPTH:
        return
    raw_required = node.get("required")
    required: list[Any] = raw_required if isinstance(raw_required, list) else []
    props = node.get("properties")
    children: list[tuple[str, Mapping[str, Any], bool]] = []
    if isinstance(props, dict):
        children += [(k, v, k in required) for k, v in props.items() if isinstance(v, dict)]
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        children.append(("<key>", extra, False))
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict):
        children += [("<key>", v, False) for v in patterns.values() if isinstance(v, dict)]
    for key in ("oneOf", "anyOf"):
        variants = node.get(key)
        if isinstance(variants, list) and not props:
            for variant in variants:
                if isinstance(variant, dict):
                    merged, where = _merge(variant, resolver, base)
                    _walk(merged, resolver, where, prefix, out, depth + 1, seen)
    for name, raw, is_required in children:
        child, where = _merge(raw, resolver, base)
        path = f"{prefix}.{name}" if prefix else name
        if any(f.path == path for f in out):
            continue
        out.append(
            Field(
                path,
                _types(child, resolver, where),
                is_required,
                str(child.get("description", "")),
                _values(child),
            )
        )
        marker = (where, id(raw))
        if marker in seen:
            continue
        _walk(child, resolver, where, path, out, depth + 1, seen | {marker})
        items = child.get("items")
        if isinstance(items, dict):
            inner, inner_where = _merge(items, resolver, where)
            _walk(inner, resolver, inner_where, path + "[]", out, depth + 1, seen | {marker})


def load(
    artifacts: Path, samples: Path, root: Path, catalog: Catalog | None = None
) -> list[Schema]:
    """The schemas under `artifacts`; `catalog` names their artifacts and finds their samples."""
    if not artifacts.is_dir():
        return []
    sample_files = sorted(p for p in samples.rglob("*") if p.is_file()) if samples.is_dir() else []
    out = []
    for path in sorted(artifacts.rglob("*" + SUFFIX)):
        name = path.relative_to(artifacts).as_posix()[: -len(SUFFIX)]
        source = path.relative_to(root).as_posix()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            out.append(Schema(name, source, None, f"cannot be read: {exc}"))
            continue
        if not isinstance(data, dict):
            out.append(Schema(name, source, None, "is not a JSON object"))
            continue
        named = _cataloged(catalog, artifacts.parent, path)
        schema = Schema(name, source, data, cataloged=named[0] if named else None)
        schema.samples = [
            p.relative_to(root).as_posix()
            for p in sample_files
            if (
                any(_sample_for(p.relative_to(samples).as_posix(), a) for a in named)
                if named
                else _sample_of(p.relative_to(samples).as_posix(), name)
            )
        ]
        out.append(schema)
    return out


def read_catalog(path: Path) -> Catalog | None:
    """The artifact catalog, or None when there is none or it is broken (RB504 reports it)."""
    from ..artifacts.catalog import CatalogError, load

    if not path.is_file():
        return None
    try:
        return load(path, path.name)
    except CatalogError:
        return None


def _cataloged(catalog: Catalog | None, schemas_dir: Path, path: Path) -> list[Artifact]:
    """The catalog's artifacts whose schema is the file at `path`."""
    if catalog is None:
        return []
    target = path.resolve()
    return [
        a for a in catalog.artifacts if a.schema and (schemas_dir / a.schema).resolve() == target
    ]


def _sample_for(sample: str, artifact: Artifact) -> bool:
    """`<system>/<scenario>/<path below the system root>` is a sample of `artifact`."""
    parts = sample.split("/")
    return (
        len(parts) >= 3 and parts[0] == artifact.system and "/".join(parts[2:]) == artifact.relative
    )


def _sample_of(sample: str, name: str) -> bool:
    """`<system>/<scenario>/<path>.json[l]` is a sample of schema `<system>/<path>`."""
    system, _, rest = name.partition("/")
    parts = sample.split("/")
    if len(parts) < 3 or parts[0] != system:
        return False
    below = "/".join(parts[2:])
    stem, ext = posixpath.splitext(below)
    return ext in (".json", ".jsonl") and stem == rest


def _rel(target: str, page: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def schema_page(schema: Schema, page: str, resolver: Resolver, root: Path) -> str:
    out = [f"# {schema.artifact}", ""]
    raw = f"[`{schema.source}`]({_rel(schema.source, page)})"
    if schema.data is None:
        return "\n".join([*out, f"{raw} {cell(schema.error)}.", ""])
    data = schema.data
    if data.get("description"):
        out += [prose(str(data["description"]).strip()), ""]
    facts = [["Schema", raw]]
    named = schema.cataloged
    if named is not None and named.path != named.relative:
        facts.append(["Path", code(named.path)])
    if named is not None and named.produced_by:
        facts.append(["Produced by", code(named.produced_by)])
    if schema.system:
        facts.append(["System", cell(schema.system)])
    if schema.artifact.endswith(".jsonl") or schema.source.endswith("jsonl"):
        facts.append(["Format", "JSON Lines: the table describes one line"])
    out += [facts_list(facts), ""]
    rows = fields(data, resolver, root / schema.source)
    out += ["## Fields", ""]
    if rows:
        out.append(
            "A runbook names a field by its dotted path (`a.b`, `list[].c`); "
            "`<key>` stands for any key of a map."
        )
        out.append("")
        out.append(
            table(
                ["Field", "Type", "Required", "Description", "Values"],
                (
                    [
                        code(f.path),
                        cell(f.types),
                        "yes" if f.required else "",
                        inline(f.description),
                        f.values,
                    ]
                    for f in rows
                ),
            )
        )
    else:
        out.append("This schema declares no fields.")
    out += ["", "## Samples", ""]
    if not schema.samples:
        out.append("None yet.")
    for sample in schema.samples:
        scenario = sample.split("/")[3] if sample.count("/") >= 4 else ""
        label = f" ({cell(scenario)})" if scenario else ""
        out += [f"### [`{posixpath.basename(sample)}`]({_rel(sample, page)}){label}", ""]
        try:
            text = (root / sample).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            out += [f"Cannot be read: {cell(str(exc))}", ""]
            continue
        if len(text) > MAX_SAMPLE_BYTES:
            out += [f"{len(text):,} bytes: open the file to read it.", ""]
            continue
        lang = "json"
        out += ['??? example "Show the sample"', "", _indent(fence(text, lang)), ""]
    return "\n".join(out) + "\n"


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in text.split("\n"))


def index_page(schemas: Sequence[Schema], folder: str, uri_of: Mapping[str, str], page: str) -> str:
    out = [
        "# Artifact schemas",
        "",
        "The report, state and telemetry files that runbooks tell operators to check, as tables "
        f"of their fields, with sample files. Generated from `{folder}/`; a field a runbook "
        "names that is not in its file's schema is a finding (RB5xx).",
        "",
    ]
    artifacts = [s for s in schemas if not s.is_definitions]
    if not artifacts:
        out.append(f"None yet: `{folder}/` holds no schema.")
        return "\n".join(out) + "\n"
    by_system: dict[str, list[Schema]] = {}
    for schema in artifacts:
        by_system.setdefault(schema.system or "other", []).append(schema)
    for system, members in by_system.items():
        out += [f"## {system}", ""]
        out.append(
            table(
                ["Artifact", "Description", "Samples"],
                (
                    [
                        f"[{code(s.artifact)}]({_rel(uri_of[s.name], page)})",
                        inline(_first_sentence(str((s.data or {}).get("description", s.error)))),
                        str(len(s.samples)) if s.samples else "",
                    ]
                    for s in members
                ),
            )
        )
        out.append("")
    shared = [s for s in schemas if s.is_definitions]
    if shared:
        out += ["## Shared definitions", ""]
        out += [f"- [`{s.source}`]({_rel(s.source, page)})" for s in shared]
        out.append("")
    return "\n".join(out)


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text[: end + 1] if end > 0 else text


def iter_pages(schemas: Sequence[Schema]) -> Iterator[Schema]:
    yield from (s for s in schemas if not s.is_definitions)
