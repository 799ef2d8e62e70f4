"""The Library rules see: the layout and files of the run, and read access to every file.

`Library` is the discovery of the run (`discovery.py`) with reading on top: a file is read and
parsed once (`files.py`), kept small (`store.py`), and, while the engine tracks a rule, every
read is logged with its digest for the content cache (`tracking.py`). Facts (`facts.py`), the
template a runbook follows (`templates.py`) and the links of the index (`index.py`) are asked
for here too, so that every read goes through this object.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..config import Config
from ..contacts import Contacts
from ..document import Document, Link, normalise, normalise_title
from ..document.escalation import CONTACT_COLUMN, EscalationRow, escalation_rows
from ..document.leftovers import Leftover, leftovers
from ..document.template import TemplateSpec
from .discovery import Discovery
from .facts import FACTS, KEPT, PARTIAL
from .files import Loaded, decode, read_file
from .index import partial_index_links
from .leftovers import PARTS, SAMPLE, Kept, kept, spread
from .links import resolve_path, site_page, split_target
from .store import DocumentStore, pack
from .templates import Templates
from .tracking import ReadLog

if TYPE_CHECKING:
    from markdown_it.token import Token

Exported = tuple[Path, Loaded, bytes | None, dict[str, Any]]
T = TypeVar("T")


class Library(Discovery):
    def __init__(
        self, config: Config, cwd: Path | None = None, store: DocumentStore | None = None
    ) -> None:
        """`store`: parsed files kept from an earlier run (the language server's
        `LastingStore`, which also holds the editor's unsaved buffers); a new one by default."""
        from ..settings import settle

        super().__init__(settle(config), cwd)
        self._store = store or DocumentStore(pinned=self.pinned())
        self._log = ReadLog()
        # Facts read from partial parses, with the digest of the bytes they were read from.
        self._partial: dict[tuple[Path, str], tuple[Any, str]] = {}
        # Facts of files not checked, kept by the content cache: what it had, what to add
        # (file key -> [digest of its bytes, {fact: value as JSON}]).
        self.remembered: dict[str, Any] = {}
        self.learned: dict[str, list[Any]] = {}
        self._templates = Templates(self, self.derived)
        self._contacts: dict[Path, Contacts] = {}
        self._common: dict[str | None, Kept] = {}

    def pinned(self) -> tuple[Path, ...]:
        """The files asked for again and again: kept as objects (see `DocumentStore`)."""
        return (self.index_path, self.template_path, self.drill_template_path)

    def exists(self, path: Path) -> bool:
        return super().exists(path) or self._store.buffer(self.file_key(path)) is not None

    # -- reading -----------------------------------------------------------------------------

    def load(self, path: Path) -> Loaded:
        """Read and parse a file once; problems are values, never exceptions."""
        key = self.file_key(path)
        loaded = self._store.get(key)
        if loaded is None:
            display = self.display(path)
            self.paths[display] = path.resolve()
            self._store.reading(key)
            loaded = self._read(path, display)
            self._store.keep(key, loaded)
            self._log.known(str(key), loaded.digest)
        self._log.record(str(key), loaded.digest)
        return loaded

    def read(self, path: Path) -> Loaded:
        """Read a file and report its problems without parsing it (`document` is None)."""
        resolved = self.resolved(path)
        key = self.file_key(path)
        known = self._store.bare(key)
        if known is not None:
            loaded = replace(known, document=None)
        else:
            display = self.display(path)
            self.paths[display] = resolved
            loaded = self._read(path, display, parse=False)
            self._log.known(str(key), loaded.digest)
        self._log.record(str(key), loaded.digest)
        return loaded

    def _read(self, path: Path, display: str, parse: bool = True) -> Loaded:
        data = self._store.buffer(self.file_key(path))
        return read_file(path, display, self.config.max_file_bytes, self.kind_of, parse, data)

    def document(self, path: Path) -> Document | None:
        """A parsed Markdown file (checked or not), or None if it cannot be read."""
        return self.load(path).document

    def digest(self, key: str) -> str:
        """The sha256 of the bytes of the file at `key` (a path as `tracked()` records it) now,
        "" if it cannot be read; computed once per run."""
        return self._log.digest(key)

    def files_read(self) -> set[str]:
        """Every file read through the library so far (keys as `tracked()` gives them)."""
        return self._log.seen()

    def track(self) -> None:
        """Start recording the files read through the library (path -> content digest)."""
        self._log.track()

    def tracked(self) -> dict[str, str]:
        """Stop recording; the files read since `track()`."""
        return self._log.tracked()

    # -- across processes --------------------------------------------------------------------

    def export(self, path: Path) -> Exported:
        """Parse a file and hand it over packed, with its facts (to another process's
        `adopt`)."""
        loaded = self.load(path)
        key = self.file_key(path)
        doc = loaded.document
        packed = pack(doc) if doc is not None else None
        facts = (
            {name: self._derive(key, name, FACTS[name], doc) for name in FACTS}
            if doc is not None
            else {}
        )
        return key, replace(loaded, document=None, data=None), packed, facts

    def adopt(self, items: Iterable[Exported]) -> None:
        """Take documents parsed elsewhere (`export`), as if they had been loaded here."""
        for key, bare, packed, facts in items:
            self._log.known(str(key), bare.digest)
            self._store.adopt(key, bare, packed)
            self._store.facts.setdefault(key, {}).update(facts)

    # -- what rules ask ----------------------------------------------------------------------

    def fact(self, path: Path, name: str) -> Any:
        """The fact `name` (registered with `fact`) of a Markdown file, None if it cannot be
        parsed; computed once, where the file was parsed. A fact with a partial reading, of a
        file that is neither parsed already nor checked, is read from the tokens it needs."""
        tokens = PARTIAL.get(name)
        if tokens is not None:
            key = self.file_key(path)
            if key not in self._store and not self.in_scope(self.display(path)):
                if (key, name) not in self._partial:
                    loaded = self.read(path)

                    def compute() -> Any:
                        found, value = self._kept(str(key), loaded.digest, name)
                        if not found:
                            value = self._from_partial(loaded, path, name, tokens)
                            self._keep(str(key), loaded.digest, name, value)
                        return value

                    value = self._store.held((key, name), loaded.digest, compute)
                    self._partial[(key, name)] = (value, loaded.digest)
                value, digest = self._partial[(key, name)]
                self._log.record(str(key), digest)  # the result depends on the file
                return value
        return self.derived(path, name, FACTS[name])

    def _kept(self, key: str, digest: str, name: str) -> tuple[bool, Any]:
        """(True, value) when the content cache kept the fact for these very bytes."""
        codec, entry = KEPT.get(name), self.remembered.get(key)
        if codec is None or not isinstance(entry, list) or len(entry) != 2:
            return False, None
        stored, values = entry
        if stored != digest or not isinstance(values, dict) or name not in values:
            return False, None
        try:
            return True, codec[1](values[name])
        except (TypeError, ValueError):  # a value of the wrong shape: computed again
            return False, None

    def _keep(self, key: str, digest: str, name: str, value: Any) -> None:
        codec = KEPT.get(name)
        if codec is not None and digest:
            entry = self.learned.setdefault(key, [digest, {}])
            entry[1][name] = codec[0](value)

    def _from_partial(
        self, loaded: Loaded, path: Path, name: str, tokens: Callable[[str], tuple[Token, ...]]
    ) -> Any:
        if not loaded.parsable or loaded.data is None:
            return None
        display = self.display(path)
        text = normalise(decode(loaded.data, display)[0])
        return FACTS[name](Document(display, text, self.kind_of(path), tokens(text)))

    def derived(self, path: Path, name: str, compute: Callable[[Document], T]) -> T | None:
        """`compute(document)` of a Markdown file (None if it cannot be parsed), computed
        once and kept as long as the parsed file is (a run; in the language server, until the
        file changes)."""
        key = self.file_key(path)
        if key in self._store:  # asked first: a store that outlives a run drops stale files
            known = self._store.facts.get(key)
            if known is not None and name in known:
                # The result depends on the file as a load would; the digest read with it.
                bare = self._store.bare(key)
                self._log.record(str(key), bare.digest if bare is not None else None)
                return known[name]  # type: ignore[no-any-return]
        return self._derive(key, name, compute, self.document(path))

    def _derive(
        self, key: Path, name: str, compute: Callable[[Document], T], doc: Document | None
    ) -> T | None:
        known = self._store.facts.setdefault(key, {})
        if name not in known:
            known[name] = compute(doc) if doc is not None else None
        return known[name]  # type: ignore[no-any-return]

    @property
    def index(self) -> Document | None:
        return self.document(self.index_path) if self.index_path.is_file() else None

    def index_links(self, names: Collection[str] = ()) -> tuple[tuple[Link, ...], bool] | None:
        """The links of the index (None without a readable one), and whether that is all of
        them. With `names` (file names), an index that is not parsed already and is not
        itself checked is parsed only where a link may lead to a file of one of those names
        (`partial_index_links`); links elsewhere are left out."""
        if not self.index_path.is_file():
            return None
        key = self.file_key(self.index_path)
        checked = self.in_scope(self.display(self.index_path))
        if not names or checked or key in self._store:
            index = self.index
            return (index.links, True) if index is not None else None
        loaded = self.read(self.index_path)
        if not loaded.parsable or loaded.data is None:
            return None
        # Kept with the store, by the names asked for and the bytes read (the language server
        # asks again on every edit, of an index that seldom changes).
        data, display = loaded.data, self.display(self.index_path)
        links = self._store.held(
            (key, "index-links:" + "\0".join(sorted(names))),
            loaded.digest,
            lambda: partial_index_links(display, data, names),
        )
        return links, False

    def resolve(self, doc: Document, path: str) -> Path:
        """The file a link path in `doc` names (from the document's folder); a site-absolute
        path in a page of an mkdocs or Hugo site starts at the site's root."""
        here = self.absolute(doc.path).parent
        site = self.site_root
        if path.startswith("/") and site is not None and (here == site or site in here.parents):
            return site_page(site, path)
        return resolve_path(self.root, here, path)

    def resolve_from(self, base: Path, path: str) -> Path:
        """The file a link path names from the folder `base`."""
        return resolve_path(self.root, base, path)

    def linked_file(self, doc: Document, target: str) -> Path | None:
        """The file a link target in `doc` leads to; None for a link with a scheme (a web
        address) or without a path (an anchor on the same page)."""
        scheme, path, _ = split_target(target.strip())
        if scheme or not path:
            return None
        return self.resolve(doc, path)

    def declared_runbook_paths(self, doc: Document, target: str) -> tuple[Path, Path]:
        """Where the runbook a drill declares (`Document.declared_runbook`) may be: beside
        the drill, or under the runbooks folder."""
        here = self.absolute(doc.path).parent
        return (here / target).resolve(), (self.runbooks_dir / target).resolve()

    def template_for(self, doc: Document) -> TemplateSpec | None:
        """The template `doc` follows; looked up once per document."""
        return self._templates.template_for(doc)

    def escalation_section(self, doc: Document) -> str | None:
        """The title of the section whose table names escalation contacts, as the template
        `doc` follows has it (the Story 8.9 template: Escalation); None without one."""
        spec = self.template_for(doc)
        for section in spec.sections if spec is not None else ():
            if any(normalise_title(c) == CONTACT_COLUMN for c in section.table_columns):
                return section.title
        return None

    def escalation_rows(self, doc: Document) -> tuple[EscalationRow, ...]:
        """The rows of `doc`'s escalation table, with the role ids each names."""
        title = self.escalation_section(doc)
        return escalation_rows(doc, title) if title is not None else ()

    def contacts(self, path: Path | None = None) -> Contacts:
        """The escalation contacts file in use (the deployment's, else the repository's), or
        the one at `path`; read through the library, so results depend on its content."""
        from ..contacts import build, schema_path

        path = path or self.contacts_path
        key = self.file_key(path)
        if key not in self._contacts:
            loaded = self.read(path) if path.is_file() else None
            if loaded is None:
                self._log.record(str(key))  # a file that appears later changes the result
            external = self.config.contacts_override is not None and key == self.file_key(
                self.contacts_path
            )
            problems = loaded.problems if loaded is not None else ()
            schema = schema_path(self.config.path(self.config.schemas))
            try:
                stamp = schema.stat()
                schema_state = f"{schema}:{stamp.st_size}:{stamp.st_mtime_ns}"
            except OSError:
                schema_state = f"{schema}:missing"
            # Kept with the store while the file, the schema and the way it is used stay the
            # same: the language server asks on every edit.
            state = f"{loaded.digest if loaded is not None else ''}|{schema_state}|{external}"
            self._contacts[key] = self._store.held(
                (key, "contacts"),
                state,
                lambda: build(
                    path,
                    self.display(path),
                    external,
                    loaded.data if loaded is not None and not problems else None,
                    schema,
                    problems[0].message if problems else None,
                ),
            )
        else:
            self._log.record(str(key))
        return self._contacts[key]

    def template_at(self, path: Path) -> TemplateSpec | None:
        """The template the file at `path` follows."""
        return self._templates.template_at(self.display(path), self.kind_of(path))

    def leftovers(self, path: Path) -> tuple[Leftover, ...]:
        """What of the runbook or drill at `path` is still its template's text (other than
        the library's boilerplate) or a TODO-style marker: what RB135 reports, and evidence
        the audit does not count."""
        found = self.fact(path, PARTS)
        if found is None:
            return ()
        spec = self.template_at(path)
        if spec is None:
            return leftovers(found, None)
        candidates = leftovers(found, spec.text)
        if all(left.kind == "marker" for left in candidates):
            return candidates
        return leftovers(found, spec.text, self._passages(spec).boilerplate(found))

    def _passages(self, spec: TemplateSpec) -> Kept:
        """How many runbooks following `spec` keep each of its passages (once per run)."""
        if spec.path not in self._common:
            # The library's runbooks only (the same whichever files are checked), in an order
            # that spreads over the library, taken until the sample is full: one file's check
            # looks up the template of a few dozen files, not of every one.
            found: list[Any] = []
            for path in spread(self.runbook_files()):
                if len(found) == SAMPLE:
                    break
                if self.kind_of(path) in ("runbook", "drill") and self.template_at(path) is spec:
                    found.append(self.fact(path, PARTS))
            self._common[spec.path] = kept(spec.text, found)
        return self._common[spec.path]
