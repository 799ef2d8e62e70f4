"""The artifact catalog: which files runbooks name, and which schema describes each.

`schemas/artifacts.yaml` lists every artifact by the path runbooks write (placeholders such
as `<loop>` or `$RUN_ID` match one path segment), grouped into systems with a root. By
convention the schema is `schemas/artifacts/<system>/<path below the root>.schema.json` (the
`.json`/`.jsonl` suffix dropped) and samples live in `runbooks/samples/<system>/<scenario>/`
under the same relative path. `schema:` overrides the convention; `schema: null` declares a
known artifact without a schema (evidence such as a Markdown report); `produced_by:` names
the command whose output the artifact is, so runbooks may name the command instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PLACEHOLDER = re.compile(r"^(<[^<>]+>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\*)$")
ARTIFACT_SUFFIXES = (".json", ".jsonl")


class CatalogError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Artifact:
    path: str  # as runbooks name it
    system: str
    relative: str  # below the system root
    schema: str | None  # relative to the schemas folder; None: known, no schema
    produced_by: str | None = None

    @property
    def jsonl(self) -> bool:
        return self.path.endswith(".jsonl")

    @property
    def segments(self) -> tuple[str, ...]:
        return split_path(self.path)


def split_path(path: str) -> tuple[str, ...]:
    path = path.strip().strip("\"'")
    return tuple(p for p in path.replace("\\", "/").split("/") if p and p != ".")


def _is_placeholder(segment: str) -> bool:
    return bool(_PLACEHOLDER.match(segment))


def _segment_match(a: str, b: str) -> bool:
    return a == b or _is_placeholder(a) or _is_placeholder(b)


def _suffix_match(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    if len(shorter) > len(longer) or not shorter:
        return False
    tail = longer[len(longer) - len(shorter) :]
    return all(_segment_match(a, b) for a, b in zip(tail, shorter, strict=True))


@dataclass(frozen=True)
class Catalog:
    artifacts: tuple[Artifact, ...]
    systems: dict[str, str]  # system -> root
    source: str  # display path of the catalog file

    def named(self, reference: str) -> list[Artifact]:
        """Artifacts a path written in a runbook refers to (most specific first)."""
        ref = split_path(reference)
        if not ref or not re.search(r"\.[A-Za-z0-9]+$", ref[-1]):
            return []
        if _is_placeholder(ref[-1]):
            return []
        # The whole artifact path at the end of the reference (a root prefix such as
        # $RUN_ROOT/ may precede it), or the reference is a tail of the artifact path.
        full = [a for a in self.artifacts if _suffix_match(ref, a.segments)]
        if full:
            return full
        return [a for a in self.artifacts if _suffix_match(a.segments, ref)]

    def produced_by(self, program: str) -> list[Artifact]:
        name = program.strip().lstrip("./")
        return [a for a in self.artifacts if a.produced_by and a.produced_by == name]

    def for_sample(self, system: str, relative: str) -> Artifact | None:
        """The artifact a sample file stands for, from its path below the scenario folder."""
        rel = split_path(relative)
        for artifact in self.artifacts:
            if artifact.system == system and split_path(artifact.relative) == rel:
                return artifact
        return None


def _relative(path: str, root: str) -> str:
    segs, root_segs = split_path(path), split_path(root)
    if root_segs and segs[: len(root_segs)] == root_segs:
        return "/".join(segs[len(root_segs) :])
    return "/".join(segs)


def conventional_schema(system: str, relative: str) -> str:
    stem = relative
    for suffix in ARTIFACT_SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return f"artifacts/{system}/{stem}.schema.json"


def build(data: Any, source: str) -> Catalog:
    """Check the catalog's shape and build it; problems raise CatalogError."""
    if not isinstance(data, dict):
        raise CatalogError("the catalog must be a mapping with 'systems' and 'artifacts'")
    systems_raw = data.get("systems") or {}
    if not isinstance(systems_raw, dict):
        raise CatalogError("'systems' must map a system name to {root: ...}")
    systems: dict[str, str] = {}
    for name, spec in systems_raw.items():
        root = spec.get("root", "") if isinstance(spec, dict) else None
        if not isinstance(root, str):
            raise CatalogError(f"system '{name}': 'root' must be a string")
        systems[str(name)] = root
    items = data.get("artifacts")
    if not isinstance(items, list):
        raise CatalogError("'artifacts' must be a list")
    artifacts: list[Artifact] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise CatalogError(f"artifact {number}: needs a 'path'")
        unknown = set(item) - {"path", "system", "schema", "produced_by", "description"}
        if unknown:
            raise CatalogError(f"artifact '{item['path']}': unknown key(s) {sorted(unknown)}")
        system = item.get("system")
        if system not in systems:
            raise CatalogError(f"artifact '{item['path']}': system {system!r} is not declared")
        relative = _relative(item["path"], systems[system])
        if "schema" in item:
            schema = item["schema"]
            if schema is not None and not isinstance(schema, str):
                raise CatalogError(f"artifact '{item['path']}': 'schema' must be a path or null")
        elif item["path"].endswith(ARTIFACT_SUFFIXES):
            schema = conventional_schema(system, relative)
        else:
            schema = None
        produced = item.get("produced_by")
        artifacts.append(
            Artifact(
                item["path"],
                system,
                relative,
                schema,
                produced if isinstance(produced, str) else None,
            )
        )
    return Catalog(tuple(artifacts), systems, source)


def load(path: Path, source: str) -> Catalog:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read the artifact catalog: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(f"artifact catalog is not UTF-8 (byte offset {exc.start})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]  # one line
        raise CatalogError(f"artifact catalog is not valid YAML: {problem}", line) from exc
    return build(data, source)
