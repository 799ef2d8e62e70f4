"""The Library rules see: the layout and files of the run, and read access to every file.

`Library` is the discovery of the run (`discovery.py`) with reading on top: a file is read and
parsed once (`files.py`), kept small (`store.py`), and, while the engine tracks a rule, every
read is logged with its digest for the content cache (`tracking.py`). Facts (`facts.py`), the
template a runbook follows (`templates.py`) and the links of the index (`index.py`) are asked
for here too, so that every read goes through this object.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config import Config
from ..document import Document, Link
from ..document.template import TemplateSpec
from .discovery import Discovery
from .facts import FACTS
from .files import Loaded, read_file
from .index import partial_index_links
from .links import resolve_path, site_page, split_target
from .store import DocumentStore, pack
from .templates import Templates
from .tracking import ReadLog

Exported = tuple[Path, Loaded, bytes | None, dict[str, Any]]


class Library(Discovery):
    def __init__(self, config: Config, cwd: Path | None = None) -> None:
        from ..settings import settle

        super().__init__(settle(config), cwd)
        self._store = DocumentStore(
            pinned=(self.index_path, self.template_path, self.drill_template_path)
        )
        self._log = ReadLog()
        self._facts: dict[tuple[Path, str], Any] = {}
        self._templates = Templates(self, self.document)

    # -- reading -----------------------------------------------------------------------------

    def load(self, path: Path) -> Loaded:
        """Read and parse a file once; problems are values, never exceptions."""
        key = self.file_key(path)
        loaded = self._store.get(key)
        if loaded is None:
            display = self.display(path)
            self.paths[display] = path.resolve()
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
        return read_file(path, display, self.config.max_file_bytes, self.kind_of, parse)

    def document(self, path: Path) -> Document | None:
        """A parsed Markdown file (checked or not), or None if it cannot be read."""
        return self.load(path).document

    def digest(self, key: str) -> str:
        """The sha256 of the bytes of the file at `key` (a path as `tracked()` records it) now,
        "" if it cannot be read; computed once per run."""
        return self._log.digest(key)

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
        facts = {name: self._fact(key, name, doc) for name in FACTS} if doc is not None else {}
        return key, replace(loaded, document=None, data=None), packed, facts

    def adopt(self, items: Iterable[Exported]) -> None:
        """Take documents parsed elsewhere (`export`), as if they had been loaded here."""
        for key, bare, packed, facts in items:
            self._log.known(str(key), bare.digest)
            self._store.adopt(key, bare, packed)
            for name, value in facts.items():
                self._facts[(key, name)] = value

    # -- what rules ask ----------------------------------------------------------------------

    def fact(self, path: Path, name: str) -> Any:
        """The fact `name` (registered with `fact`) of a Markdown file, None if it cannot be
        parsed; computed once, where the file was parsed."""
        key = self.file_key(path)
        if (key, name) not in self._facts:
            return self._fact(key, name, self.document(path))
        self._log.record(str(key))  # the result depends on the file as a load would
        return self._facts[(key, name)]

    def _fact(self, key: Path, name: str, doc: Document | None) -> Any:
        if (key, name) not in self._facts:
            self._facts[(key, name)] = FACTS[name](doc) if doc is not None else None
        return self._facts[(key, name)]

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
        return partial_index_links(self.display(self.index_path), loaded.data, names), False

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
