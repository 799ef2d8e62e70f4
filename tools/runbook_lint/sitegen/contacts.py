"""Escalation contacts in the site: the contacts file used at build time, shown where it is used.

Each escalation row's Contact cell names role ids (`` `database-on-call` ``); on the page the
cell shows each role's name, contact and hours from the contacts file the site is built with
(the repository's, or the deployment's from RUNBOOK_LINT_CONTACTS). The index's Emergency
Contacts section (and any page with `<!-- runbook-lint: include=contacts -->`) gets the whole
file as a table. A placeholder contact is marked as one, so nobody mistakes it for a number to
call.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..contacts import Contacts, Role
from ..document import Document
from ..document.escalation import EscalationRow

_LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:")


def _cell(text: str) -> str:
    """`text` made safe for a Markdown table cell (inline HTML, no pipe, one line)."""
    return text.replace("|", "&#124;").replace("\n", " ")


def contact_html(role: Role) -> str:
    """A role's contact: a link for a web, mail or phone address, code for a placeholder."""
    value = html.escape(role.contact)
    if role.placeholder:
        return (
            f'<code>{value}</code> <span class="rb-contact__placeholder" '
            'title="placeholder: not filled in for this environment">placeholder</span>'
        )
    if role.contact.lower().startswith(_LINK_SCHEMES) and " " not in role.contact:
        return f'<a href="{html.escape(role.contact, quote=True)}">{value}</a>'
    return value


def role_html(role_id: str, contacts: Contacts) -> str:
    """What an escalation row's Contact cell shows for one role id."""
    role = contacts.roles.get(role_id)
    ident = html.escape(role_id, quote=True)
    if role is None:
        return (
            f'<span class="rb-contact rb-contact--unknown" data-role="{ident}">'
            f"<code>{html.escape(role_id)}</code>: not declared in "
            f"<code>{html.escape(contacts.display)}</code></span>"
        )
    state = " rb-contact--placeholder" if role.placeholder else ""
    return (
        f'<span class="rb-contact{state}" data-role="{ident}">'
        f"<strong>{html.escape(role.name)}</strong>: {contact_html(role)} "
        f'<span class="rb-contact__hours">({html.escape(role.hours)})</span></span>'
    )


def fill_escalation(
    markdown: str, doc: Document, rows: Iterable[EscalationRow], contacts: Contacts
) -> str:
    """`markdown` (the page source of `doc`) with each escalation row's Contact cell showing
    the contacts of the roles it names. Rows are found by their text, since mkdocs hands the
    page over without its front matter."""
    replace: dict[str, str] = {}
    for row in rows:
        cell = row.contact
        if cell is None or not row.roles or not cell.line:
            continue
        source = doc.line_text(cell.line)
        start = cell.column - 1
        end = source.find("|", start)
        end = len(source) if end < 0 else end
        shown = "<br>".join(role_html(ref.text.strip(), contacts) for ref in row.roles)
        replace[source] = f"{source[:start]}{_cell(shown)} {source[end:]}".rstrip()
    if not replace:
        return markdown
    lines = markdown.split("\n")
    return "\n".join(replace.get(line, line) for line in lines)


def contacts_markdown(contacts: Contacts) -> str:
    """The contacts file as the site's Emergency Contacts table, with a warning while any
    contact is a placeholder or the file cannot be used."""
    source = f"`{contacts.display}`"
    if not contacts.exists:
        return f"*No contacts are declared: {source} does not exist.*"
    if contacts.problem is not None:
        return (
            f'!!! danger "Contacts file invalid"\n\n    `{contacts.where()}`: '
            f"{_cell(contacts.problem.message)}. Escalation contacts cannot be shown.\n"
        )
    roles = list(contacts.roles.values())
    waiting = [r for r in roles if r.placeholder]
    out = []
    if waiting:
        out += [
            '!!! warning "Contacts not filled in"',
            "",
            f"    {len(waiting)} of {len(roles)} contacts in {source} are placeholders"
            + (
                ": fill them in."
                if contacts.external
                else ": this site was built without this environment's contacts file."
            )
            + " Until then, find the on-call through your paging system.",
            "",
        ]
    out += ["| Role | Contact | Hours | Notes |", "|------|---------|-------|-------|"]
    for role in roles:
        name = f"**{html.escape(role.name)}** <code>{html.escape(role.id)}</code>"
        notes = html.escape(role.notes)
        out.append(
            f"| {_cell(name)} | "
            f"{_cell(contact_html(role))} | {_cell(html.escape(role.hours))} | {_cell(notes)} |"
        )
    return "\n".join(out)
