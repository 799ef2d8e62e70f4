"""The configuration as a run uses it: what the file leaves open found from the library, and
keys that cannot take effect refused.

`config.py` reads and type-checks the file. Here:

- `settle` fills in what was left to detection: the profile (story-8.9 when the library's
  template is a Story 8.9 template, alert-runbook when it has a template of another shape or
  names its sections, generic otherwise: a library without our template never gets our
  template's rules), and, from `renderer.detect`, the heading-id flavour and the site root.
- `check_effect` turns a configuration that would silently do nothing, or do the wrong thing,
  into a UsageError (exit 2) that names the key and says why.
"""

from __future__ import annotations

import glob
import os
from dataclasses import replace
from pathlib import Path

from . import config as config_mod
from .config import Config
from .errors import UsageError
from .profiles import ALERT, DEFAULT, FAMILIES, STORY, profile
from .renderer import detect


def load(explicit: str | None = None, start: Path | None = None) -> Config:
    """`config.load`, settled and checked: what every command runs with."""
    settled = settle(config_mod.load(explicit, start))
    check_effect(settled)
    return settled


def is_settled(config: Config) -> bool:
    return bool(config.profile and config.slugs and config.slug_separator and config.site_root)


def settle(config: Config) -> Config:
    if is_settled(config):
        return config
    chosen = config.profile or detect_profile(config)
    if config.slugs and config.slug_separator and config.site_root:
        return replace(config, profile=chosen)
    found = detect(config.root.resolve())
    return replace(
        config,
        profile=chosen,
        slugs=config.slugs or found.slugs,
        slug_separator=config.slug_separator or found.separator,
        site_root=config.site_root or found.site_root or ".",
    )


def enables(config: Config, rule_id: str) -> bool:
    """Whether the settled `config` runs the rule `rule_id` without a selection: its profile
    does, or the rule checks artifacts and the library declares an artifact catalog (a library
    that keeps one asks for its samples and schemas to be checked, whatever its template)."""
    if profile(config.profile).enables(rule_id):
        return True
    return rule_id.startswith(FAMILIES["artifacts"]) and config.path(config.artifacts).is_file()


def story_shaped(path: Path) -> bool:
    """Whether the template at `path` is a Story 8.9 template: steps that carry labels or a
    Verification block."""
    from .document import Document
    from .document.template import spec_from_document

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    spec = spec_from_document(Document.parse(str(path), text), None)
    return spec.step_section is not None and (spec.labels or spec.verification)


def detect_profile(config: Config) -> str:
    template = config.path(config.template)
    if template.is_file():
        return STORY if story_shaped(template) else ALERT
    if config.sections:
        return ALERT
    return DEFAULT


def _key(name: str) -> str:
    return name.replace("_", "-")


def _fail(config: Config, name: str, why: str) -> None:
    value = getattr(config, name)
    shown = list(value) if isinstance(value, tuple) else value
    raise UsageError(f"{config.source or 'configuration'}: '{_key(name)}' = {shown!r} {why}")


def _matches_markdown(root: Path, pattern: str) -> bool:
    for found in glob.iglob(pattern, root_dir=root, recursive=True):
        if os.path.splitext(found)[1].lower() in (".md", ".markdown"):
            return True
    return False


def check_effect(config: Config) -> None:
    """Refuse keys that cannot take effect (the configuration must be settled)."""
    given = config.explicit
    chosen = profile(config.profile)
    runbooks_dir = config.path(config.runbooks)
    template = config.path(config.template)
    if "runbooks" in given and not runbooks_dir.is_dir():
        _fail(config, "runbooks", "is not a folder here: name the folder that holds the runbooks")
    if "template" in given and not template.is_file():
        _fail(config, "template", "does not exist: name the runbooks' template file")
    if "site_root" in given and not config.path(config.site_root).is_dir():
        _fail(config, "site_root", "is not a folder here")
    root = config.root.resolve()
    for pattern in config.runbook_files:
        if not _matches_markdown(root, pattern):
            raise UsageError(
                f"{config.source or 'configuration'}: '{_key('runbook_files')}' pattern "
                f"{pattern!r} matches no Markdown file under {root}"
            )
    for name in ("template", "sections"):
        if name in given and not chosen.checks_sections:
            _fail(
                config,
                name,
                f"has no effect: profile {chosen.name!r} checks no sections; set "
                f'profile = "{ALERT}" (or run `runbook-lint init`)',
            )
    if "sections" in given and chosen.name == STORY:
        _fail(config, "sections", f"has no effect: profile {STORY!r} brings its own template")
    if "sections" in given and template.is_file():
        _fail(
            config,
            "sections",
            f"conflicts with the template {config.template!r}: the sections come from one or "
            "the other",
        )
    if chosen.checks_sections and not (runbooks_dir.is_dir() or config.runbook_files):
        name = next((n for n in ("template", "sections", "profile") if n in given), "profile")
        _fail(
            config,
            name,
            f"cannot take effect: no file is a runbook, since 'runbooks' ({config.runbooks!r}) "
            "is not a folder here and 'runbook-files' is not set; set 'runbooks' to the "
            "folder of the runbooks",
        )
