"""RB5xx: sample artifacts match their schemas, and runbooks only check fields that exist."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..artifacts.positions import ParsedJson, format_path, parse
from ..artifacts.store import Artifacts, artifacts, unresolved_fields
from ..findings import Hit
from ..rule import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document
    from ..library import Library

_SCHEMA = (
    '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", '
    '"additionalProperties": false, "required": ["status"], "properties": {"status": '
    '{"description": "Heartbeat state.", "enum": ["HEALTHY", "STALE"]}}}\n'
)
_CATALOG = (
    'version: 1\nsystems:\n  dkt:\n    root: ""\nartifacts:\n'
    "  - path: state/heartbeat_status.json\n    system: dkt\n"
)
_FILES = {
    "schemas/artifacts.yaml": _CATALOG,
    "schemas/artifacts/dkt/state/heartbeat_status.schema.json": _SCHEMA,
}
_SAMPLE = "runbooks/samples/dkt/stale/state/heartbeat_status.json"


def _samples(library: Library, ctx: Context) -> Iterator[tuple[str, Path, str, str]]:
    """(display path, absolute path, system, path below the scenario) of each checked sample."""
    root = ctx.config.path(ctx.config.samples)
    for display in library.other_files:
        path = library.absolute(display)
        if not path.name.endswith((".json", ".jsonl")) or root not in path.parents:
            continue
        parts = path.relative_to(root).parts
        system = parts[0] if len(parts) > 1 else ""
        yield display, path, system, "/".join(parts[2:])


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None  # RB0xx reports unreadable and non-UTF-8 files


def _documents(text: str, jsonl: bool) -> Iterator[tuple[int, ParsedJson | json.JSONDecodeError]]:
    if not jsonl:
        try:
            yield 1, parse(text)
        except json.JSONDecodeError as exc:
            yield 1, exc
        except RecursionError:
            yield 1, json.JSONDecodeError("nested too deeply to check", text, 0)
        return
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            yield (
                number,
                json.JSONDecodeError("empty line; every JSONL line is one JSON value", line, 0),
            )
            continue
        try:
            yield number, parse(line, line_offset=number - 1)
        except json.JSONDecodeError as exc:
            yield number, exc
        except RecursionError:
            yield number, json.JSONDecodeError("nested too deeply to check", line, 0)


def _decode_hit(exc: json.JSONDecodeError, path: str, number: int, jsonl: bool) -> Hit:
    line = number if jsonl else exc.lineno
    column = exc.colno if exc.doc else 1
    where = f"line {number} is not JSON" if jsonl else "not valid JSON"
    return Hit(line, column, f"{where}: {exc.msg}", path=path)


def _not_utf8(display: str, path: Path) -> Iterator[Hit]:
    """JSON is UTF-8: a sample in another encoding is not JSON (and was otherwise unchecked)."""
    from ..library.files import decode

    try:
        data = path.read_bytes()
    except OSError:
        return
    for problem in decode(data, display)[1]:
        yield Hit(problem.line, problem.column, f"not valid JSON: {problem.message}", path=display)


def check_not_json(library: Library, ctx: Context) -> Iterator[Hit]:
    for display, path, _, _ in _samples(library, ctx):
        text = _read(path)
        if text is None:
            yield from _not_utf8(display, path)
            continue
        jsonl = path.name.endswith(".jsonl")
        for number, doc in _documents(text, jsonl):
            if isinstance(doc, json.JSONDecodeError):
                yield _decode_hit(doc, display, number, jsonl)


def _error_position(doc: ParsedJson, error: Any) -> tuple[int, int, tuple[Any, ...]]:
    path = tuple(error.absolute_path)
    if error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(
        error.instance, dict
    ):
        for key in error.instance:
            if repr(key) in error.message:
                pos = doc.key_position((*path, key))
                return pos.line, pos.column, (*path, key)
    pos = doc.value_position(path)
    return pos.line, pos.column, path


def check_schema_violation(library: Library, ctx: Context) -> Iterator[Hit]:
    state = artifacts(ctx)
    if state.catalog is None:
        return
    validators: dict[str, Any] = {}
    for display, path, system, relative in _samples(library, ctx):
        artifact = state.catalog.for_sample(system, relative)
        schema = state.schema_for(artifact) if artifact else None
        # An unusable schema (not JSON, not a schema) is RB504's, and RB503 says this sample
        # went unchecked because of it; a broken $ref only leaves that reference out.
        if schema is None or schema.contents is None or state.unusable(schema.display):
            continue
        text = _read(path)
        if text is None:
            continue
        if schema.display not in validators:
            validators[schema.display] = _validator(state, state.schemas.applicable(schema))
        validator = validators[schema.display]
        for number, doc in _documents(text, path.name.endswith(".jsonl")):
            if isinstance(doc, json.JSONDecodeError):
                continue
            try:
                errors = sorted(
                    validator.iter_errors(doc.value), key=lambda e: list(map(str, e.absolute_path))
                )
            except Exception as exc:  # a reference cycle, a pattern the regex engine refuses
                yield Hit(
                    number,
                    1,
                    f"cannot be validated against schema {schema.display}: "
                    f"{type(exc).__name__}: {exc}",
                    path=display,
                )
                continue  # the next JSONL line is still checked
            for error in errors:
                line, column, where = _error_position(doc, error)
                yield Hit(
                    line,
                    column,
                    f"{format_path(where)}: {error.message} (schema {schema.display})",
                    path=display,
                )


def _validator(state: Artifacts, schema: Any) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        schema,
        registry=state.schemas.registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def check_without_schema(library: Library, ctx: Context) -> Iterator[Hit]:
    state = artifacts(ctx)
    if state.catalog is None:
        return
    for display, _, system, relative in _samples(library, ctx):
        artifact = state.catalog.for_sample(system, relative)
        if artifact is None:
            yield Hit(
                1,
                1,
                f"sample matches no artifact of system '{system}' in "
                f"{state.catalog_path}; place it at runbooks/samples/<system>/<scenario>/"
                "<path below the system root> or add the artifact to the catalog",
                path=display,
            )
        elif artifact.schema is None:
            yield Hit(
                1,
                1,
                f"artifact '{artifact.path}' has no schema, so its sample cannot be checked",
                path=display,
            )
        elif (schema := state.schema_for(artifact)) is None:
            yield Hit(
                1,
                1,
                f"schema {artifact.schema} for artifact '{artifact.path}' does "
                f"not exist under {state.schemas_dir.name}/",
                path=display,
            )
        elif (problem := state.unusable(schema.display)) is not None:
            yield Hit(
                1,
                1,
                f"sample not validated: its schema {schema.display} cannot be applied "
                f"({problem}; see RB504)",
                path=display,
            )


def _schema_files(library: Library, state: Artifacts) -> Iterator[str]:
    for display in library.other_files:
        if display in state.schemas.files:
            yield display


def check_invalid_schema(library: Library, ctx: Context) -> Iterator[Hit]:
    state = artifacts(ctx)
    for display in _schema_files(library, state):
        for (line, column), message in state.schema_problems(display):
            yield Hit(line, column, message, path=display)
    catalog_in_scope = state.catalog_path in library.other_files
    if not catalog_in_scope:
        return
    if state.catalog_error is not None:
        yield Hit(state.catalog_error.line, 1, str(state.catalog_error), path=state.catalog_path)
        return
    if state.catalog is None:
        return
    text = _read(library.absolute(state.catalog_path)) or ""
    lines = text.split("\n")
    for artifact in state.catalog.artifacts:
        if artifact.schema is not None and state.schema_for(artifact) is None:
            line = next(
                (
                    n
                    for n, t in enumerate(lines, 1)
                    if re.search(rf"\bpath:\s*['\"]?{re.escape(artifact.path)}", t)
                ),
                1,
            )
            yield Hit(
                line,
                1,
                f"artifact '{artifact.path}' has no schema: expected "
                f"{state.schemas_dir.name}/{artifact.schema}",
                path=state.catalog_path,
            )


def check_remote_ref(library: Library, ctx: Context) -> Iterator[Hit]:
    state = artifacts(ctx)
    for display in _schema_files(library, state):
        file = state.schemas.files[display]
        if file.parsed is None:
            continue
        for where, ref, reason in state.schemas.broken_refs(file):
            if reason is not None:
                pos = file.parsed.value_position(where)
                yield Hit(
                    pos.line,
                    pos.column,
                    f"$ref '{ref}' {reason}; schemas are resolved from local files only, "
                    "never fetched: vendor the schema under schemas/ and use a relative "
                    "reference (the rest of the schema is still applied to its samples)",
                    path=display,
                )


def check_sample_secret(library: Library, ctx: Context) -> Iterator[Hit]:
    from ..secrets import find_secrets

    for display, path, _, _ in _samples(library, ctx):
        text = _read(path)
        if text is None:
            continue
        for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
            for offset, kind in find_secrets(line, code=False):
                yield Hit(
                    number,
                    offset + 1,
                    f"{kind} in a sample: samples are published in the site; replace it with a "
                    "<placeholder> and rotate the exposed secret",
                    path=display,
                )


def check_unknown_field(doc: Document, ctx: Context) -> Iterator[Hit]:
    return unresolved_fields(doc, ctx)


_CHECK_BAD = """\
- [ ] Confirm the heartbeat in `state/heartbeat_status.json`:
  - `state == STALE`
"""

RULES = (
    Rule(
        id="RB501",
        name="sample-schema-violation",
        severity="error",
        summary="A sample artifact does not validate against its JSON Schema.",
        rationale=(
            "Samples show operators what a healthy or failing report looks like and feed the "
            "site's field tables. A sample that no longer matches its schema teaches the wrong "
            "shape. The finding points at the offending value inside the JSON or JSONL file "
            "and names its JSON path."
        ),
        bad=f'{_SAMPLE}: {{"status": "stale"}}',
        good=f'{_SAMPLE}: {{"status": "STALE"}}',
        check_library=check_schema_violation,
        bad_files={**_FILES, _SAMPLE: '{"status": "stale"}\n'},
        good_files={**_FILES, _SAMPLE: '{"status": "STALE"}\n'},
    ),
    Rule(
        id="RB507",
        name="sample-secret",
        severity="error",
        summary="A sample artifact contains a token-shaped secret (cloud key, API token, ...).",
        rationale=(
            "Samples are copied from real runs, and real runs carry credentials: a webhook URL, "
            "a bearer token, a cloud key. The site publishes every sample, so a secret in one "
            "is leaked to everyone who can open the runbooks. Replace it with a placeholder "
            "and rotate the original."
        ),
        bad=f'{_SAMPLE}: {{"status": "STALE", "key": "AKIA70TXSL8RHBPY0Q6U"}}',
        good=f'{_SAMPLE}: {{"status": "STALE", "key": "<aws-access-key-id>"}}',
        check_library=check_sample_secret,
        bad_files={_SAMPLE: '{"status": "STALE", "key": "AKIA70TXSL8RHBPY0Q6U"}\n'},
        good_files={_SAMPLE: '{"status": "STALE", "key": "<aws-access-key-id>"}\n'},
    ),
    Rule(
        id="RB502",
        name="sample-not-json",
        severity="error",
        summary="A sample JSON file, or a line of a JSONL sample, is not valid JSON.",
        rationale=(
            "Operators paste samples into jq and tools parse them line by line; one broken "
            "line makes the whole sample useless and hides every schema check behind it."
        ),
        bad='runbooks/samples/dkt/stale/state/events.jsonl line 2: {"seq": 2,',
        good='runbooks/samples/dkt/stale/state/events.jsonl line 2: {"seq": 2}',
        check_library=check_not_json,
        bad_files={"runbooks/samples/dkt/stale/state/events.jsonl": '{"seq": 1}\n{"seq": 2,\n'},
        good_files={"runbooks/samples/dkt/stale/state/events.jsonl": '{"seq": 1}\n{"seq": 2}\n'},
    ),
    Rule(
        id="RB503",
        name="sample-without-schema",
        severity="error",
        summary="A sample matches no artifact in the catalog, its artifact has no schema, or "
        "the schema cannot be applied.",
        rationale=(
            "A sample that nothing validates drifts silently. Samples live at "
            "runbooks/samples/<system>/<scenario>/<path below the system root> so the catalog "
            "(schemas/artifacts.yaml) maps them to a schema by convention. A schema that is "
            "not JSON or not a schema (RB504) validates nothing either, so each of its samples "
            "is reported as unchecked too."
        ),
        bad="runbooks/samples/dkt/stale/state/heartbeat.json (no such artifact)",
        good=f"{_SAMPLE} (artifact state/heartbeat_status.json)",
        check_library=check_without_schema,
        bad_files={**_FILES, "runbooks/samples/dkt/stale/state/heartbeat.json": "{}\n"},
        good_files={**_FILES, _SAMPLE: '{"status": "STALE"}\n'},
    ),
    Rule(
        id="RB504",
        name="invalid-schema",
        severity="error",
        summary="A schema file is not valid JSON, not a valid draft 2020-12 schema, has a "
        "$ref that does not resolve, or a catalog entry has no schema file.",
        rationale=(
            "An invalid schema validates nothing: every sample and field reference checked "
            "against it passes or fails for the wrong reason."
        ),
        bad='schemas/artifacts/x.schema.json: {"type": "objet"}',
        good='schemas/artifacts/x.schema.json: {"type": "object"}',
        check_library=check_invalid_schema,
        bad_files={"schemas/artifacts/x.schema.json": '{"type": "objet"}\n'},
        good_files={"schemas/artifacts/x.schema.json": '{"type": "object"}\n'},
        runnable_examples=False,
    ),
    Rule(
        id="RB505",
        name="remote-schema-ref",
        severity="error",
        summary="A schema $ref points outside the local schema files.",
        rationale=(
            "The linter runs in pre-commit and on laptops with no network during incidents; "
            "a remote $ref would either be fetched (a request leaving the machine) or fail. "
            "References are resolved from files under schemas/ only."
        ),
        bad='{"$ref": "https://example.com/common.schema.json#/$defs/timestamp"}',
        good='{"$ref": "../common.schema.json#/$defs/timestamp"}',
        check_library=check_remote_ref,
        bad_files={
            "schemas/artifacts/x.schema.json": '{"$ref": "https://example.com/common.schema.json"}\n'
        },
        good_files={
            "schemas/artifacts/x.schema.json": '{"$ref": "common.schema.json"}\n',
            "schemas/artifacts/common.schema.json": '{"type": "object"}\n',
        },
        runnable_examples=False,
    ),
    Rule(
        id="RB506",
        name="unknown-artifact-field",
        severity="error",
        summary="A runbook tells the operator to check a field the artifact's schema does "
        "not define.",
        rationale=(
            "When a report format changes and the runbook does not, the operator checks a "
            "field that no longer exists in the middle of an incident. Field paths in jq "
            "filters on a named artifact, in list items under a line naming the artifact, and "
            "in the explicit `file#field.path` form are resolved against the schema."
        ),
        bad=_CHECK_BAD,
        good=_CHECK_BAD.replace("`state == STALE`", "`status == STALE`"),
        check=check_unknown_field,
        bad_files={**_FILES, "runbooks/example.md": _CHECK_BAD},
        good_files={
            **_FILES,
            "runbooks/example.md": _CHECK_BAD.replace("`state == STALE`", "`status == STALE`"),
        },
    ),
)
