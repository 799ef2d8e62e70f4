"""JSON Schemas on disk: loading, local-only reference resolution, field lookup, validation.

Schemas are resolved from local files only. Each schema file is registered under its `$id`
and its file URI; a `$ref` to anything else is refused, never fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlsplit

from .positions import JsonPath, ParsedJson, parse

if TYPE_CHECKING:
    from referencing import Registry

FieldPath = tuple[str, ...]  # names, "[]" for any item, "[N]" for one item
ANY_ITEM = "[]"


@dataclass
class SchemaFile:
    path: Path
    display: str
    parsed: ParsedJson | None
    error: json.JSONDecodeError | None

    @property
    def contents(self) -> Any:
        return self.parsed.value if self.parsed is not None else None

    @property
    def uri(self) -> str:
        return self.path.resolve().as_uri()

    @property
    def id(self) -> str | None:
        value = self.contents
        if isinstance(value, dict) and isinstance(value.get("$id"), str):
            return str(value["$id"])
        return None


def is_schema_file(path: Path) -> bool:
    return path.name.endswith(".schema.json")


def local_refs(node: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every `$ref`/`$dynamicRef` string in a schema, with the JSON path of its value."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from local_refs(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from local_refs(value, (*path, index))


def remote_reason(ref: str) -> str | None:
    """Why a reference would leave the machine, or None when it stays local."""
    parts = urlsplit(ref)
    if parts.scheme == "urn":
        return None  # a name, not a location: it resolves against local ids or not at all
    if parts.scheme in ("", "file"):
        return None if not parts.netloc else "names another host"  # `//host/x` too
    return f"uses the {parts.scheme}: scheme"


@dataclass
class SchemaStore:
    files: dict[str, SchemaFile] = field(default_factory=dict)  # by display path
    by_uri: dict[str, SchemaFile] = field(default_factory=dict)
    _registry: Registry[Any] | None = None

    def add(self, file: SchemaFile) -> None:
        self.files[file.display] = file
        self._registry = None
        self.by_uri[file.uri] = file
        if file.id:
            self.by_uri[urldefrag(file.id).url] = file

    def base(self, file: SchemaFile) -> str:
        return file.id or file.uri

    def get(self, display: str) -> SchemaFile | None:
        return self.files.get(display)

    # -- reference resolution without jsonschema ---------------------------------------------

    def resolve(self, ref: str, base: str) -> tuple[Any, str] | None:
        target = urldefrag(base).url + ref if ref.startswith("#") else urljoin(base, ref)
        url, fragment = urldefrag(target)
        file = self.by_uri.get(url)
        if file is None or file.contents is None:
            return None
        found, node = follow_pointer(file.contents, fragment)
        return (node, self.base(file)) if found else None

    def _expand(self, node: Any, base: str, depth: int = 0) -> Iterator[tuple[dict[str, Any], str]]:
        """A schema and every subschema that applies to the same instance."""
        if not isinstance(node, dict) or depth > 32:
            return
        if isinstance(node.get("$id"), str):
            base = urljoin(base, node["$id"])
        yield node, base
        if isinstance(node.get("$ref"), str):
            found = self.resolve(node["$ref"], base)
            if found is not None:
                yield from self._expand(found[0], found[1], depth + 1)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key) or ():
                yield from self._expand(sub, base, depth + 1)
        for key in ("then", "else"):
            if key in node:
                yield from self._expand(node[key], base, depth + 1)

    def _children(self, node: Any, base: str, part: str) -> list[tuple[Any, str]]:
        out: list[tuple[Any, str]] = []
        for schema, sbase in self._expand(node, base):
            if part == ANY_ITEM or part.startswith("["):
                if isinstance(schema.get("items"), dict):
                    out.append((schema["items"], sbase))
                for sub in schema.get("prefixItems") or ():
                    out.append((sub, sbase))
                if part == ANY_ITEM:  # `.a[]` on an object yields every value of `a`
                    out.extend(self._values(schema, sbase))
                continue
            props = schema.get("properties")
            if isinstance(props, dict) and part in props:
                out.append((props[part], sbase))
            pattern_props = schema.get("patternProperties")
            if isinstance(pattern_props, dict):
                import re

                for pattern, sub in pattern_props.items():
                    if re.search(pattern, part):
                        out.append((sub, sbase))
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):  # a map keyed by names the schema cannot list
                out.append((extra, sbase))
        return out

    @staticmethod
    def _values(schema: dict[str, Any], base: str) -> list[tuple[Any, str]]:
        """The schemas of an object's values: declared, pattern and additional properties."""
        out: list[tuple[Any, str]] = []
        for key in ("properties", "patternProperties"):
            subs = schema.get(key)
            if isinstance(subs, dict):
                out.extend((sub, base) for sub in subs.values())
        if isinstance(schema.get("additionalProperties"), dict):
            out.append((schema["additionalProperties"], base))
        return out

    def defines(self, file: SchemaFile, path: FieldPath) -> FieldPath | None:
        """None when the schema defines the field path, else the prefix that first fails."""
        current: list[tuple[Any, str]] = [(file.contents, self.base(file))]
        for index, part in enumerate(path):
            nxt: list[tuple[Any, str]] = []
            for node, base in current:
                nxt.extend(self._children(node, base, part))
            if not nxt:
                return path[: index + 1]
            current = nxt
        return None

    # -- validation with jsonschema ----------------------------------------------------------

    def registry(self) -> Registry[Any]:
        """Every local schema under its `$id` and file URI, as `applicable` makes it; anything
        else is refused, never fetched."""
        if self._registry is None:
            self._registry = self._build_registry()
        return self._registry

    def broken_refs(self, file: SchemaFile) -> Iterator[tuple[JsonPath, str, str | None]]:
        """Each `$ref` of `file` that does not resolve to a local schema: its JSON path, the
        reference, and why it would leave the machine (None for a local one that leads
        nowhere). RB504 and RB505 report these; `applicable` leaves exactly these out."""
        for where, ref in local_refs(file.contents):
            reason = remote_reason(ref)
            base = base_at(file, where, self.base(file))
            if reason is not None or self.resolve(ref, base) is None:
                yield where, ref, reason

    def applicable(self, file: SchemaFile) -> Any:
        """The schema without its broken references (`broken_refs`), so that a sample is still
        validated against everything that resolves: one problem never hides another."""
        broken = {where for where, _, _ in self.broken_refs(file)}

        def copy(node: Any, path: JsonPath) -> Any:
            if isinstance(node, dict):
                return {k: copy(v, (*path, k)) for k, v in node.items() if (*path, k) not in broken}
            if isinstance(node, list):
                return [copy(v, (*path, i)) for i, v in enumerate(node)]
            return node

        return copy(file.contents, ()) if broken else file.contents

    def _build_registry(self) -> Registry[Any]:
        from referencing import Registry, Resource
        from referencing.exceptions import NoSuchResource

        def refuse(uri: str) -> Resource[Any]:
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # never fetched: only local files resolve

        resources = []
        for uri, file in self.by_uri.items():
            if isinstance(file.contents, dict | bool):
                contents = self.applicable(file)
                resources.append(
                    (uri, Resource.from_contents(contents, default_specification=_draft202012()))
                )
        registry: Registry[Any] = Registry(retrieve=refuse)  # type: ignore[call-arg]
        return registry.with_resources(resources)


def _draft202012() -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


def load_file(path: Path, display: str) -> SchemaFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        err = json.JSONDecodeError(f"cannot read: {exc}", "", 0)
        return SchemaFile(path, display, None, err)
    try:
        return SchemaFile(path, display, parse(text), None)
    except json.JSONDecodeError as exc:
        return SchemaFile(path, display, None, exc)
    except RecursionError:
        return SchemaFile(path, display, None, json.JSONDecodeError("nesting too deep", text, 0))


def base_at(file: SchemaFile, where: JsonPath, base: str) -> str:
    """The base URI at `where` in a schema: `base`, moved by each `$id` on the way (the root's
    own `$id` is already `base`)."""
    root = node = file.contents
    for part in where[:-1]:
        if isinstance(node, dict) and isinstance(node.get("$id"), str) and node is not root:
            base = urljoin(base, node["$id"])
        node = node[part]
    return base


def follow_pointer(node: Any, pointer: str) -> tuple[bool, Any]:
    """(True, value) at the JSON Pointer `pointer` (RFC 6901) inside `node`, else (False, None)."""
    for raw in [p for p in pointer.lstrip("/").split("/") if p]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node
