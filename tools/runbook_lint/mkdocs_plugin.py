"""The mkdocs plugin: a thin adapter between the site and the linter.

- lints the library with the same engine as `runbook-lint check` and logs every finding as
  `path:line:col: RULE message`; error findings are logged as errors, so `--strict` fails;
- publishes `runbooks/` (pages, drills, samples) and `schemas/` in place, without copies;
- fills the navigation entries `runbook-lint/<group>` of mkdocs.yml (runbooks and drills from
  the index's table, templates, and the generated reference pages);
- generates the rule catalog, CLI contract, artifact schema and audit pages;
- shows each runbook's Last Updated / Version / Owner and its labels as badges;
- fills the incident start page's tables from the index (`<!-- runbook-lint:NAME -->`), and
  the Emergency Contacts table and every escalation table's Contact cells from the contacts
  file the site is built with (sitegen/contacts.py; RUNBOOK_LINT_CONTACTS names a deployment's);
- generates the signal lookup page and gives runbook pages their incident-mode data
  (sitegen/incident.py; the page script is docs/assets/incident/);
- checks the vendored JavaScript against its pinned hashes, and gives the print page the
  mermaid script that mkdocs-mermaid2 adds to every other page with a diagram.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config as MkConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .config import Config
from .errors import UsageError

log = logging.getLogger("mkdocs.plugins.runbook_lint")

PLACEHOLDER = "runbook-lint/"
REFERENCE = "reference"
SIGNALS = "signals.md"  # the generated signal lookup page
_MARKER_RE = re.compile(r"^<!--\s*runbook-lint:\s*include=([a-z-]+)\s*-->[ \t]*$", re.MULTILINE)
_BASE_RE = re.compile(r'"base": "/"')
_MERMAID_SCRIPT_RE = re.compile(r"<script[^>]+src=\"[^\"]*mermaid[^\"]*\.js\"", re.IGNORECASE)


class MermaidNoise(logging.Filter):
    """mkdocs-mermaid2 reports at INFO, once per page, that it found the site's fence
    formatter: nothing an author acts on. Its warnings and its other lines still show."""

    NOISE = ("Custom loader activated", "Found superfences config", "activate custom loader")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return record.levelno > logging.INFO or not any(n in message for n in self.NOISE)


_MERMAID_LOG = logging.getLogger("mkdocs.plugins.mermaid2.util")


class PluginConfig(MkConfig):  # type: ignore[no-untyped-call]
    lint = opt.Type(bool, default=True)
    assets = opt.Optional(opt.Type(str))  # asset manifest, relative to mkdocs.yml
    references = opt.Type(bool, default=True)


class RunbookLintPlugin(BasePlugin[PluginConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        super().__init__()
        self.root = Path.cwd()
        self.lint_config: Config | None = None
        self.site: Any = None  # sitegen.library.SiteLibrary, imported lazily
        self.generated: dict[str, str] = {}  # site path -> Markdown
        self.groups: dict[str, list[Any]] = {}
        self.report: Any = None  # the engine's Report of this build's lint run
        self.revision: Any = None  # audit.build.Revision of the library, for incident mode
        self.line_anchors: dict[str, set[int]] = {}  # page -> lines the audit links to

    # -- configuration -----------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        from . import settings

        if not any(isinstance(f, MermaidNoise) for f in _MERMAID_LOG.filters):
            _MERMAID_LOG.addFilter(MermaidNoise())
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            self.lint_config = settings.load(start=self.root)
        except UsageError as exc:
            raise PluginError(f"runbook-lint: {exc}") from exc
        if self.config.assets:
            self._check_assets(self.root / self.config.assets)
        return config

    def _check_assets(self, manifest_path: Path) -> None:
        from .sitegen.assets import AssetError, load_manifest, verify

        try:
            problems = verify(load_manifest(manifest_path, self.root))
        except AssetError as exc:
            raise PluginError(f"runbook-lint: {exc}") from exc
        if problems:
            raise PluginError(
                "runbook-lint: the site's vendored JavaScript is not in place:\n  "
                + "\n  ".join(problems)
                + "\nRun `make assets` (it fetches the pinned files from the npm registry)."
            )

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """`mkdocs serve` watches docs/ only: also rebuild when a runbook or schema changes."""
        if self.lint_config is not None:
            for value in (self.lint_config.runbooks, self.lint_config.schemas):
                folder = self.root / value
                if folder.is_dir():
                    server.watch(str(folder))
            if self.lint_config.contacts_override:  # a deployment's file outside the project
                server.watch(self.lint_config.contacts_override)
        return server

    # -- files and navigation ----------------------------------------------------------------

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        from .sitegen import library as site_library

        assert self.lint_config is not None
        if self.config.lint:
            self._lint()
        self.site = site_library.load(self.lint_config)
        from .audit.build import revision

        self.revision = revision(self.root, self.root / self.lint_config.runbooks)
        self._add_tree(files, config, self.lint_config.runbooks)
        self._add_tree(files, config, self.lint_config.schemas, suffixes=(".json", ".yaml", ".yml"))
        self.generated = {}
        self.line_anchors = {}
        self.groups = {
            "runbooks": site_library.nav_runbooks(self.site),
            "drills": site_library.nav_drills(self.site),
            "templates": site_library.nav_templates(self.site),
        }
        if self.config.references:
            self._references()
        from .sitegen.incident import signals_page

        self.generated[SIGNALS] = signals_page(self.site, SIGNALS)
        self.groups["signals"] = [SIGNALS]
        for uri, content in self.generated.items():
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, content=content))
        config.nav = self._fill_nav(config.nav)
        return files

    def _lint(self) -> None:
        from .engine import run

        assert self.lint_config is not None
        try:
            # The content cache makes this cheap after `runbook-lint check` (make site runs both).
            report = run([], self.lint_config, cwd=self.root, cache=True)
        except UsageError as exc:
            raise PluginError(f"runbook-lint: {exc}") from exc
        self.report = report
        for f in report.findings:
            line = f"{f.path}:{f.line}:{f.column}: {f.rule} {f.message}"
            if f.severity == "error":
                log.error(line)
            else:
                log.info(f"{line} ({f.severity})")
        cfg = self.lint_config
        folders = [f for f in (cfg.runbooks, cfg.schemas) if (self.root / f).exists()]
        log.info(
            f"runbook-lint: the library's {report.files} files ({', '.join(folders)}): "
            f"{report.errors} error(s), {report.warnings} warning(s)"
        )

    def _add_tree(
        self,
        files: Files,
        config: MkDocsConfig,
        prefix: str,
        suffixes: tuple[str, ...] | None = None,
    ) -> None:
        """Publish a folder of the repository in place (its path in the site = its path here)."""
        folder = self.root / prefix
        if not folder.is_dir():
            return
        from .library.discovery import SKIP_DIRS

        docs_dir = Path(config.docs_dir).resolve()
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(
                d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
            )
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if name.startswith(".") or (suffixes and path.suffix.lower() not in suffixes):
                    continue
                if docs_dir in path.resolve().parents:
                    continue  # already part of docs/
                uri = posixpath.normpath(f"{prefix}/{path.relative_to(folder).as_posix()}")
                existing = files.get_file_from_path(uri)
                if existing is not None:
                    log.warning(f"runbook-lint: {uri} exists in docs/ too; the docs/ copy wins")
                    continue
                files.append(
                    File(
                        uri,
                        src_dir=str(self.root),
                        dest_dir=config.site_dir,
                        use_directory_urls=config.use_directory_urls,
                    )
                )

    def _references(self) -> None:
        from .sitegen import contracts as contracts_mod
        from .sitegen import rules as rules_mod
        from .sitegen import schemas as schemas_mod

        assert self.lint_config is not None
        cfg = self.lint_config
        folder = rules_mod.FOLDER
        try:
            from .rules import all_rules

            rules = list(all_rules())
        except ImportError:
            rules = []
        self.generated[f"{folder}/index.md"] = rules_mod.catalog_page(rules)
        rule_nav: list[Any] = [f"{folder}/index.md"]
        for rule in rules:  # in catalogue order
            uri = rules_mod.rule_uri(folder, rule)
            self.generated[uri] = rules_mod.rule_page(rule)
            rule_nav.append({f"{rule.id} {rule.name}": uri})
        self.groups["rules"] = rule_nav

        folder = f"{REFERENCE}/contracts"
        contracts_dir = self.root / cfg.contracts
        contracts = contracts_mod.load(contracts_dir, self.root)
        self.generated[f"{folder}/index.md"] = contracts_mod.index_page(
            contracts, _rel_display(contracts_dir, self.root)
        )
        contract_nav: list[Any] = [f"{folder}/index.md"]
        for contract in contracts:
            uri = f"{folder}/{contract.stem}.md"
            self.generated[uri] = contracts_mod.contract_page(contract, uri)
            contract_nav.append({contract.program: uri})
        self.groups["contracts"] = contract_nav

        folder = f"{REFERENCE}/schemas"
        artifacts_dir = self.root / cfg.schemas / "artifacts"
        catalog = schemas_mod.read_catalog(cfg.path(cfg.artifacts))
        schemas = schemas_mod.load(artifacts_dir, self.root / cfg.samples, self.root, catalog)
        resolver = schemas_mod.Resolver(cfg.path(cfg.schemas))
        uri_of = {s.name: f"{folder}/{s.name}.md" for s in schemas}
        index_uri = f"{folder}/index.md"
        self.generated[index_uri] = schemas_mod.index_page(
            schemas, _rel_display(artifacts_dir, self.root), uri_of, index_uri
        )
        schema_nav: list[Any] = [index_uri]
        systems: dict[str, list[Any]] = {}
        for schema in schemas_mod.iter_pages(schemas):
            uri = uri_of[schema.name]
            self.generated[uri] = schemas_mod.schema_page(schema, uri, resolver, self.root)
            systems.setdefault(schema.system or "other", []).append({schema.artifact: uri})
        schema_nav += [{system: items} for system, items in systems.items()]
        self.groups["schemas"] = schema_nav

        uri = f"{REFERENCE}/audit.md"
        self.generated[uri] = _audit_page(cfg, self.report, self.site, uri, self.line_anchors)
        self.groups["audit"] = [uri]

    def _fill_nav(self, nav: Any) -> Any:
        """Replace `runbook-lint/<group>` entries with the generated navigation."""
        if nav is None:
            return None
        if isinstance(nav, list):
            out: list[Any] = []
            for item in nav:
                if isinstance(item, str) and item.startswith(PLACEHOLDER):
                    out += self._group(item)
                    continue
                out.append(self._fill_nav(item))
            return out
        if isinstance(nav, dict):
            filled: dict[str, Any] = {}
            for title, value in nav.items():
                if isinstance(value, str) and value.startswith(PLACEHOLDER):
                    group = self._group(value)
                    if len(group) == 1 and isinstance(group[0], str):
                        filled[title] = group[0]
                    elif group:
                        filled[title] = group
                    else:
                        filled[title] = []
                else:
                    filled[title] = self._fill_nav(value)
            return filled
        return nav

    def _group(self, placeholder: str) -> list[Any]:
        name = placeholder[len(PLACEHOLDER) :].strip("/")
        if name not in self.groups:
            known = ", ".join(PLACEHOLDER + g for g in sorted(self.groups))
            raise PluginError(f"runbook-lint: unknown nav entry {placeholder!r} (known: {known})")
        return list(self.groups[name])

    def on_nav(self, nav: Any, config: MkDocsConfig, files: Files) -> Any:
        # A placeholder group with nothing in it (no drills yet) is an empty section: drop it.
        nav.items = [
            i for i in nav.items if not (getattr(i, "is_section", False) and not i.children)
        ]
        return nav

    # -- pages -------------------------------------------------------------------------------

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        from .sitegen import library as site_library

        uri = page.file.src_uri
        doc = self.site.documents.get(uri) if self.site is not None else None
        if doc is not None and uri in self.line_anchors:
            from .sitegen.anchors import add_line_anchors

            markdown = add_line_anchors(markdown, doc, self.line_anchors[uri])
        if doc is not None and doc.kind in ("runbook", "drill"):
            if self.site.contacts is not None:
                from .sitegen.contacts import fill_escalation

                rows = self.site.escalations.get(uri, ())
                markdown = fill_escalation(markdown, doc, rows, self.site.contacts)
            markdown = site_library.decorate(markdown, doc)
        if "runbook-lint:" in markdown:
            markdown = _MARKER_RE.sub(lambda m: self._marker(m.group(1), uri), markdown)
        return markdown

    def _marker(self, name: str, uri: str) -> str:
        site = self.site
        kinds = {
            "scenarios": "quick",
            "severity": "severity",
            "contacts": "contacts",
            "runbooks": "runbooks",
        }
        if name == "contacts" and site is not None and site.contacts and site.contacts.exists:
            from .sitegen.contacts import contacts_markdown

            return contacts_markdown(site.contacts)
        if name not in kinds:
            log.warning(
                f"runbook-lint: {uri}: unknown include <!-- runbook-lint: include={name} -->"
            )
            return ""
        table = site.find_table(kinds[name]) if site is not None else None
        if table is None:
            where = site.index_uri if site is not None else "runbooks/index.md"
            return f"*None yet: `{where}` has no {name} table.*"
        return str(site.table_markdown(table, uri))

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        from .sitegen.glyphs import draw_glyphs
        from .sitegen.library import label_badges

        html = label_badges(html)
        doc = self.site.documents.get(page.file.src_uri) if self.site is not None else None
        if doc is not None and doc.kind in ("runbook", "drill"):
            from .sitegen.glance import glance_block
            from .sitegen.incident import decorate_page, page_source  # incident mode

            html = glance_block(html, doc)
            source = page_source(Path(page.file.abs_src_path or ""), self.revision)
            html = decorate_page(html, doc, page.file.src_uri, source)
        return draw_glyphs(html)

    # -- after the build ---------------------------------------------------------------------

    @event_priority(-50)  # after print-site has written the print page
    def on_post_build(self, config: MkDocsConfig) -> None:
        plugin = config.plugins.get("print-site")
        mermaid = config.plugins.get("mermaid2")
        if plugin is None or mermaid is None:
            return
        script = mermaid.config.get("javascript")
        page = getattr(plugin, "print_page", None)
        if not script or page is None:
            return
        path = Path(page.file.abs_dest_path)
        if not path.is_file():
            return
        text = path.read_text(encoding="utf-8")
        folder = posixpath.dirname(page.file.dest_uri) or "."
        # The print page is rendered with the 404 page's context, whose base is "/": on
        # file:// that sends search to the file system's root. Make it relative.
        base = posixpath.relpath(".", folder)
        text = _BASE_RE.sub(f'"base": "{base}"', text, count=1)
        text = text.replace(
            '__md_scope=new URL("/",location)', f'__md_scope=new URL("{base}",location)', 1
        )
        if 'class="mermaid"' in text and not _MERMAID_SCRIPT_RE.search(text):
            src = posixpath.relpath(script, folder)
            head, sep, tail = text.rpartition("</body>")
            tag = f'<script src="{src}"></script>'
            text = head + tag + sep + tail if sep else text + tag
        path.write_text(text, encoding="utf-8")


def _rel_display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _audit_page(cfg: Config, report: Any, site: Any, uri: str, anchors: dict[str, set[int]]) -> str:
    """The FR145-FR147 audit as a page; reuses this build's lint report when there is one.
    The evidence links to lines of the library's pages: their anchors go into `anchors`."""
    title = "# Audit FR145–FR147\n\n"
    if not cfg.path(cfg.requirements).is_file():
        return (
            title + "None yet: the FR145–FR147 coverage report (`runbook-lint audit`) needs "
            f"`{cfg.requirements}`, the declaration of the required procedures.\n"
        )
    from .audit import build
    from .sitegen.audit import audit_page

    try:
        audit = build(cfg, cwd=cfg.root, report=report)
    except UsageError as exc:
        raise PluginError(f"runbook-lint: audit: {exc}") from exc
    page, needed = audit_page(audit, site, uri, title)
    anchors.update(needed)
    return page
