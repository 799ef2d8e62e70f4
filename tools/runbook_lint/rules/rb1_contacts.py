"""RB132-RB134: escalation rows reach declared contacts.

Each escalation row names its roles by id in the Contact cell (`` `database-on-call` ``); the
contacts file in use (`runbooks/contacts.yaml`, or the deployment's) declares them. See
`contacts.py` for the file and `document/escalation.py` for the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..contacts import row_problems
from ..findings import Hit
from ..rule import Rule
from .rb1_common import GOOD

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document
    from ..library import Library

# The contacts file of the examples: the role the example runbook escalates to (`GOOD`).
EXAMPLE_CONTACTS = """\
version: 1
roles:
  database-on-call:
    name: Database on-call
    contact: <database-rotation>
    hours: 24x7
"""
_FILLED = EXAMPLE_CONTACTS.replace("<database-rotation>", "pager: DB primary rotation")
_RUNBOOK = "runbooks/backup.md"
_FILE = "runbooks/contacts.yaml"
_UNKNOWN = GOOD.replace("`database-on-call`", "`database-oncall`")
_REQUIRE = "runbook-lint.toml"
# The escalation rules belong to the Story 8.9 profile.
_REQUIRED = 'profile = "story-8.9"\nrequire-contacts = true\n'


def check_roles(doc: Document, ctx: Context) -> Iterator[Hit]:
    rows = ctx.library.escalation_rows(doc)
    if not rows:
        return
    contacts = ctx.library.contacts()
    for row in rows:
        for line, column, message in row_problems(row, contacts):
            yield Hit(line, column, message)


def check_contacts_file(library: Library, ctx: Context) -> Iterator[Hit]:
    """The contacts file in use, and the repository's when a deployment replaces it."""
    paths = (library.contacts_path, ctx.config.path(ctx.config.contacts))
    for path in dict.fromkeys(paths):
        display = library.display(path)
        if not path.is_file() or not library.in_scope(display):
            continue
        problem = library.contacts(path).problem
        if problem is not None:
            yield Hit(problem.line, problem.column, problem.message, path=display)


def check_placeholders(doc: Document, ctx: Context) -> Iterator[Hit]:
    if not ctx.config.require_contacts:
        return
    rows = ctx.library.escalation_rows(doc)
    if not rows:
        return
    contacts = ctx.library.contacts()
    for row in rows:
        for ref in row.roles:
            role = contacts.roles.get(ref.text.strip())
            if role is not None and role.placeholder:
                yield Hit(
                    ref.line,
                    ref.column,
                    f"role '{role.id}' reaches a placeholder contact '{role.contact}' in "
                    f"{contacts.display}, and require-contacts is set: supply this "
                    "environment's contacts file (RUNBOOK_LINT_CONTACTS or --contacts)",
                )


RULES = (
    Rule(
        id="RB132",
        name="unknown-escalation-role",
        severity="error",
        summary="An escalation row names no role, or a role the contacts file does not declare.",
        rationale=(
            "FR146: an escalation path must lead to someone. Each row of the Escalation table "
            "names the roles it reaches by id in its Contact cell (`database-on-call`), and "
            "the contacts file (runbooks/contacts.yaml, or the one the deployment supplies) "
            "declares each role with its name, contact and hours. A mistyped id, a role "
            "nobody declared or prose such as 'pager (see index)' sends the operator "
            "nowhere in the middle of an incident. The finding points at the id or the cell."
        ),
        bad=f"{_RUNBOOK}: | Dump fails twice | Database on-call | `database-oncall` |",
        good=f"{_RUNBOOK}: | Dump fails twice | Database on-call | `database-on-call` |",
        check=check_roles,
        bad_files={_RUNBOOK: _UNKNOWN, _FILE: EXAMPLE_CONTACTS},
        good_files={_RUNBOOK: GOOD, _FILE: EXAMPLE_CONTACTS},
    ),
    Rule(
        id="RB133",
        name="invalid-contacts-file",
        severity="error",
        summary="The escalation contacts file is not valid YAML or not valid against "
        "schemas/contacts.schema.json.",
        rationale=(
            "Every escalation row resolves through the contacts file, so a broken file "
            "breaks every escalation path at once. The file must match "
            "schemas/contacts.schema.json: `version: 1` and `roles:` mapping each kebab-case "
            "role id to its name, contact and hours (notes optional), each role once. A "
            "deployment's own file (RUNBOOK_LINT_CONTACTS or --contacts) is checked the same "
            "way."
        ),
        bad=f"{_FILE}: a role without 'hours'",
        good=f"{_FILE}: every role with name, contact and hours",
        check_library=check_contacts_file,
        bad_files={_FILE: EXAMPLE_CONTACTS.replace("    hours: 24x7\n", "")},
        good_files={_FILE: EXAMPLE_CONTACTS},
    ),
    Rule(
        id="RB134",
        name="placeholder-contact",
        severity="error",
        summary="With require-contacts set, an escalation row reaches a role whose contact "
        "is still a placeholder.",
        rationale=(
            "A repository's contacts file may hold placeholders (`<database-rotation>`): "
            "the roles are declared, but nobody is reachable through them. A deployment that "
            "builds its site or signs its audit with real contacts sets `require-contacts = "
            "true` (or runs `audit --require-contacts`), and then every escalation row that "
            "still reaches a placeholder is an error. Off by default."
        ),
        bad=f"{_FILE}: contact: <database-rotation> (with require-contacts = true)",
        good=f"{_FILE}: contact: pager: DB primary rotation (with require-contacts = true)",
        check=check_placeholders,
        bad_files={
            _RUNBOOK: GOOD,
            _FILE: EXAMPLE_CONTACTS,
            _REQUIRE: _REQUIRED,
        },
        good_files={_RUNBOOK: GOOD, _FILE: _FILLED, _REQUIRE: _REQUIRED},
        options={"require-contacts": "report placeholder contacts (default: false)"},
    ),
)
