"""The one record every stage of bibkit speaks: readers produce it, writers consume it.

Nothing in this module knows BibTeX syntax, HTTP, or files.  Text fields hold
plain Unicode (a reader of ``.bib`` files decodes LaTeX on the way in, a writer
encodes on the way out), so that enrichers, matchers and taggers compare like
with like whatever the input was.  The one concession to round-tripping is
:class:`BibOrigin`, an opaque memo a ``.bib`` reader leaves on an entry so the
BibTeX writer can reproduce untouched fields byte for byte.

Every field an enricher sets is recorded in :attr:`Entry.provenance` with the
source that set it and a confidence, because a bibliography tool must be able
to say *why* a field holds what it holds.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from .lazyre import compile_on_first_use
from .outcomes import Severity
from .record import EntryRecord

if TYPE_CHECKING:  # pragma: no cover - loaded on first use (see __getattr__)
    from .findings import RepoInfo as RepoInfo


def __getattr__(name: str) -> Any:
    """:class:`~bibkit.findings.RepoInfo` (what GitHub says about a linked repository: only the GitHub enricher
    makes one) is imported the first time it is asked for here, so that reading and writing never build it."""
    if name != "RepoInfo":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .findings import RepoInfo

    globals()[name] = RepoInfo
    return RepoInfo

# --------------------------------------------------------------------------- where


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a record (or a problem) came from: a file name (or ``-``/``<stdin>``) and a 1-based line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a stage wants the user to know about one entry or one place in an input.

    Problems are data, collected and reported, never raised mid-stream (the
    bibtexparser v2 habit): one malformed entry must not sink a whole file.
    """

    code: str  # short machine-readable slug, e.g. "malformed-entry", "empty-year"
    message: str  # one human sentence naming what is wrong
    severity: str = Severity.WARNING  # a Severity ("error" | "warning" | "info"); plain strings are converted
    location: SourceLocation | None = None
    key: str | None = None  # citation key of the entry concerned, when there is one

    def __post_init__(self) -> None:
        # readers pass plain strings; decisions (``--strict``) compare with Severity members
        object.__setattr__(self, "severity", Severity(self.severity))

    @property
    def is_error(self) -> bool:
        """An error (what ``--strict`` stops on), as opposed to a warning or a note."""
        return self.severity == Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        who = f"[{self.key}] " if self.key else ""
        return f"{where}{who}{self.severity}: {self.message}"


# --------------------------------------------------------------------------- people


@dataclass(frozen=True, slots=True)
class Person:
    """A structured name: BibTeX's four parts, or one literal (organisation) name.

    ``literal`` is set instead of the parts for names that must never be split
    ("DeepSeek-AI", "Qwen", "The ATLAS Collaboration").  Parts are plain Unicode.
    """

    family: str = ""
    given: str = ""
    particle: str = ""  # "von", "van der", "de"
    suffix: str = ""  # "Jr.", "III"
    literal: str = ""

    @property
    def is_literal(self) -> bool:
        return bool(self.literal)

    @property
    def is_others(self) -> bool:
        """Whether this is BibTeX's ``others`` ("et al.") marker, not a person."""
        return self.literal == "others" and not self.family

    @property
    def last(self) -> str:
        """The name a citation key or a sort uses: the literal name, else particle + family."""
        if self.literal:
            return self.literal
        return f"{self.particle} {self.family}".strip()

    def display(self) -> str:
        """Natural reading order, for reports and tables ("Ludwig van Beethoven Jr.")."""
        if self.literal:
            return self.literal
        parts = [self.given, self.particle, self.family]
        text = " ".join(p for p in parts if p)
        return f"{text}, {self.suffix}" if self.suffix else text

    def __str__(self) -> str:
        return self.display()


# --------------------------------------------------------------------------- dates


#: English month abbreviations, January first: BibTeX's month macros, Better BibTeX's ``month``, Zotero's dates
MONTH_ABBREVIATIONS: tuple[str, ...] = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                        "dec")
#: abbreviation -> month number (1-12)
MONTH_NUMBERS: dict[str, int] = {m: i for i, m in enumerate(MONTH_ABBREVIATIONS, 1)}
#: fields whose value names other entries by key: BibTeX's ``crossref``; BibLaTeX's ``xref``, ``xdata``,
#: ``related`` and a ``@set``'s ``entryset`` (one list, so that citing, re-keying, merging and tidying follow
#: the same links)
REFERENCE_FIELDS: tuple[str, ...] = ("crossref", "xref", "xdata", "related", "entryset")

_ISO_DATE = compile_on_first_use(__name__, r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to year, month or day precision.  ``None`` parts are unknown, never guessed."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None and not 1 <= self.day <= 31:
            raise ValueError(f"day out of range: {self.day}")

    @classmethod
    def parse(cls, text: str | None) -> "PartialDate | None":
        """Read ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a longer ISO timestamp; ``None`` if none of those."""
        if not text:
            return None
        m = _ISO_DATE.match(text)
        if not m:
            return None
        y, mo, d = (int(g) if g else None for g in m.groups())
        try:
            return cls(y, mo, d)
        except ValueError:
            return cls(y)

    def iso(self) -> str:
        """``YYYY[-MM[-DD]]``, as precise as what is known (empty string when nothing is)."""
        if self.year is None:
            return ""
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
            if self.day:
                out += f"-{self.day:02d}"
        return out

    def __bool__(self) -> bool:
        return self.year is not None


# --------------------------------------------------------------------------- identifiers and links

#: arXiv's own DataCite DOIs are ``10.48550/arXiv.<id>``: the arXiv ID in disguise (the one copy of this rule)
ARXIV_DOI_REGISTRANT = "10.48550"  # arXiv's DataCite prefix
ARXIV_DOI_PREFIX = f"{ARXIV_DOI_REGISTRANT}/arXiv."
_ARXIV_DOI = re.compile(rf"^{re.escape(ARXIV_DOI_PREFIX)}(?P<id>.+)$", re.IGNORECASE)


def arxiv_doi(arxiv_id: str) -> str:
    """arXiv's DataCite DOI for a paper: ``10.48550/arXiv.<id>``."""
    return ARXIV_DOI_PREFIX + arxiv_id


def arxiv_id_of_doi(doi: str | None) -> str | None:
    """The arXiv ID inside an arXiv DataCite DOI (as written, version included), else ``None``."""
    m = _ARXIV_DOI.match((doi or "").strip())
    return m["id"] if m else None


class _NoOthers(dict[str, str]):
    """The empty mapping of identifiers of other kinds an entry has until one is added (one, shared).

    A dict (JSON, ``dataclasses.asdict`` and ``==`` treat it as the ``{}`` it stands for) whose changes are
    refused: it is every entry's.
    """

    __slots__ = ()

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        raise TypeError("Identifiers.others is read-only: use Identifiers.add_other")

    __setitem__ = __delitem__ = __ior__ = _refuse
    update = setdefault = pop = popitem = clear = _refuse

    def __reduce__(self) -> str:  # copies and pickles are the one instance
        return "NO_OTHERS"


NO_OTHERS: Mapping[str, str] = _NoOthers()


@dataclass(slots=True)
class Identifiers:
    """Identifiers that name the work itself (not links it mentions).

    ``arxiv`` is always the base ID without version (``2401.06066``,
    ``hep-th/9901001``); a version seen in the input is kept apart in
    ``arxiv_version`` because a bibliography cites the work, not one revision.
    """

    arxiv: str | None = None
    arxiv_version: int | None = None
    doi: str | None = None  # as registered; compare with .lower()
    hf_paper: str | None = None  # Hugging Face paper id (an arXiv id in practice)
    isbn: str | None = None
    issn: str | None = None
    pmid: str | None = None
    #: e.g. {"dblp": "...", "s2": "..."}; read-only, replaced by :meth:`add_other` (nearly every entry has none,
    #: and then shares one empty mapping instead of a dict of its own)
    others: Mapping[str, str] = field(default_factory=lambda: NO_OTHERS)

    def add_other(self, kind: str, value: str) -> bool:
        """Record an identifier of another kind, unless one of that kind is known; whether it was added."""
        if kind in self.others:
            return False
        self.others = {**self.others, kind: value}
        return True

    @property
    def arxiv_doi(self) -> str | None:
        """arXiv's own DataCite DOI for the paper (``10.48550/arXiv.<id>``)."""
        return arxiv_doi(self.arxiv) if self.arxiv else None


class LinkKind(str, enum.Enum):
    """What a URL found in or about a record points at."""

    GITHUB = "github"  # a repository (owner/name, maybe a sub-path)
    GIST = "gist"
    GITHUB_OTHER = "github-other"  # github.com pages that are not repos (/orgs, /topics, /features, users)
    PROJECT = "project"  # a project page (github.io sites, lab pages)
    HF_MODEL = "hf-model"
    HF_DATASET = "hf-dataset"
    HF_SPACE = "hf-space"
    HF_ORG = "hf-org"  # an organisation or user page on the Hub
    HF_PAPER = "hf-paper"
    ARXIV = "arxiv"
    DOI = "doi"
    OTHER = "other"


@dataclass(slots=True)
class Link:
    """One link found in or about a record, canonicalised.

    For GitHub repositories ``target`` is ``owner/name`` exactly as written (case
    kept; compare case-insensitively) and ``subpath`` the part after
    ``/tree/<branch>/`` or ``/blob/<branch>/``; for Hugging Face links ``target`` is
    the repo id (``org/name``); for arXiv and DOI links the identifier.
    """

    kind: LinkKind
    url: str  # canonical URL (trailing punctuation stripped)
    target: str | None = None
    subpath: str | None = None
    role: str | None = None  # "primary" (the paper's own code) | "mentioned" | None (not judged)
    evidence: str | None = None  # why the role was chosen ("hf-githubRepo", "our code is at …")
    source: str | None = None  # which source found the link ("abstract", "hf", "arxiv-comment", "bib")
    repo: RepoInfo | None = None  # GitHub metadata once enriched

    @property
    def key(self) -> tuple[str, str]:
        """Identity for de-duplication: kind + case-folded target (or URL)."""
        return (self.kind.value, (self.target or self.url).casefold())


# --------------------------------------------------------------------------- provenance


@dataclass(frozen=True, slots=True)
class Provenance:
    """Who set a field: a source name (``listing``, ``bib``, ``arxiv``, ``hf``, ``github``,
    ``user``), how sure it is (0..1), and an optional detail (a URL, a query, a line)."""

    source: str
    confidence: float = 1.0
    detail: str | None = None


class SharedKeys(Mapping[str, Any]):
    """A read-only mapping that keeps only its values: the keys (in order) are shared by every mapping with the
    same keys.

    What a ``.bib`` reader keeps about each entry (:class:`BibOrigin`) has the same few field names in
    entry after entry; as dicts, they cost 300–600 bytes each, so a 100,000-entry file spent tens of
    megabytes on hash tables.  :meth:`of` makes one from a dict, reusing the key layout of earlier ones.
    """

    __slots__ = ("_index", "_values")
    _layouts: dict[tuple[str, ...], dict[str, int]] = {}

    def __init__(self, index: dict[str, int], values: tuple[Any, ...]):
        self._index, self._values = index, values

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> "SharedKeys":
        keys = tuple(data)
        index = cls._layouts.get(keys)
        if index is None:
            index = {k: i for i, k in enumerate(keys)}
            if len(cls._layouts) < 5000:  # a library has a few dozen layouts; never grow without bound
                cls._layouts[keys] = index
        return cls(index, tuple(data.values()))

    def __getitem__(self, key: str) -> Any:
        return self._values[self._index[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index.get(key)
        return default if i is None else self._values[i]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"SharedKeys({dict(self)!r})"


@dataclass(slots=True)
class BibOrigin:
    """Opaque memo of how an entry looked in an input ``.bib`` file.

    ``fields`` keeps every field's raw value expression (``{...}``, ``"..."``,
    a macro name, a ``#`` concatenation) in the original order, and
    ``decoded`` what the reader decoded from it into the model, so the writer
    can tell an untouched field (write ``fields[name]`` verbatim) from one an
    enricher changed (encode the model's value).  Only the ``.bib`` reader and
    the BibTeX/BibLaTeX writers look inside.  The reader leaves read-only
    mappings here (:class:`SharedKeys`: a big file's entries share their key layouts).
    """

    entry_type: str  # as written, e.g. "InProceedings"
    fields: Mapping[str, str] = field(default_factory=dict)  # lower-case name -> raw expression
    names: Mapping[str, str] = field(default_factory=dict)  # lower-case name -> name as written
    decoded: Mapping[str, Any] = field(default_factory=dict)  # model attribute -> value at read time
    #: the BibTeX was bibkit's reading of another format (RIS, CSL-JSON, EndNote, MEDLINE), not a user's file: its
    #: fields are the user's as a ``.bib``'s are, but no dialect was chosen — the default output writes BibTeX
    generated: bool = False


# --------------------------------------------------------------------------- lines that became no entry


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A line of pasted text that became no paper, and why (a heading, navigation, a count…)."""

    location: SourceLocation
    text: str  # the line as pasted (trimmed, shortened when very long)
    reason: str


# --------------------------------------------------------------------------- the entry


#: Entry types, in BibTeX's vocabulary (the lingua franca of every tool here).
#: ``preprint`` is ours: an arXiv paper not (yet) known to be published; writers
#: map it to ``@misc`` (BibTeX) / ``@online`` (BibLaTeX) / ``article`` (CSL).
ENTRY_TYPES = frozenset(
    {
        "article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
        "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
        "online", "software", "dataset", "thesis", "report", "preprint",
    }
)


@dataclass(slots=True)
class Entry:
    """One bibliographic record, independent of any syntax.

    Attributes are plain Unicode.  ``extra`` holds fields the model does not
    structure (``series``, ``address``, ``isbn``…) by lower-case name, so a
    ``.bib`` input loses nothing.  ``meta`` carries facts that are not
    bibliographic fields but later stages use (the listing's title and date,
    Hugging Face's ``ai_keywords``, arXiv's ``journal_ref`` and ``comment``…).
    """

    entry_type: str = "misc"
    key: str | None = None
    key_pinned: bool = False  # the key came from the input and must be kept
    title: str | None = None
    abstract: str | None = None
    authors: list[Person] = field(default_factory=list)
    editors: list[Person] = field(default_factory=list)
    date: PartialDate | None = None
    journal: str | None = None
    booktitle: str | None = None
    publisher: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    url: str | None = None
    note: str | None = None
    ids: Identifiers = field(default_factory=Identifiers)
    primary_class: str | None = None  # arXiv primary category, e.g. "cs.CL"
    categories: list[str] = field(default_factory=list)  # all arXiv categories
    links: list[Link] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # BibTeX keywords / Zotero manual tags, ordered, unique
    extra: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    origin: SourceLocation | None = None
    provenance: dict[str, Provenance] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    bib: BibOrigin | None = None
    #: what this run's stages learned about the entry (not bibliographic data: never compared or written)
    record: EntryRecord = field(default_factory=EntryRecord, compare=False, repr=False)

    # -- small helpers every stage needs ------------------------------------------------

    def set(self, name: str, value: Any, source: str, confidence: float = 1.0, detail: str | None = None) -> None:
        """Set a model attribute and record who set it (use for every enrichment)."""
        if not hasattr(self, name) or name in ("provenance", "problems", "bib", "meta", "origin", "record"):
            raise AttributeError(f"Entry has no settable field {name!r}")
        setattr(self, name, value)
        self.provenance[name] = Provenance(source, confidence, detail)

    def set_id(self, name: str, value: str | None, source: str, confidence: float = 1.0,
               detail: str | None = None) -> None:
        """Set one identifier (``arxiv``, ``doi``…) with provenance recorded as ``ids.<name>``."""
        setattr(self.ids, name, value)
        self.provenance[f"ids.{name}"] = Provenance(source, confidence, detail)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def github_links(self) -> list[Link]:
        return [link for link in self.links if link.kind is LinkKind.GITHUB]

    @property
    def code_repo(self) -> Link | None:
        """The paper's own code repository: the GitHub link marked primary, if any."""
        for link in self.github_links:
            if link.role == "primary":
                return link
        return None

    def add_link(self, link: Link) -> Link:
        """Add a link unless one with the same identity is present; return the one kept.

        A later, better-informed source may upgrade the role/evidence of the kept link.
        """
        for existing in self.links:
            if existing.key == link.key and (existing.subpath or None) == (link.subpath or None):
                if link.role == "primary" and existing.role != "primary":
                    existing.role, existing.evidence = link.role, link.evidence
                return existing
        self.links.append(link)
        return link

    def add_tags(self, tags: Iterable[str]) -> list[str]:
        """Append the tags not yet present, ignoring case (``MoE`` is not added again as ``moe``); return them.

        The one rule for adding tags (tagging, duplicate merging and the Zotero
        bridge all use it): surrounding spaces are stripped, empty tags skipped,
        existing tags keep their spelling and order, new ones are appended.
        """
        added: list[str] = []
        seen = {t.casefold() for t in self.tags}
        for tag in tags:
            tag = tag.strip()
            folded = tag.casefold()
            if tag and folded not in seen:
                self.tags.append(tag)
                seen.add(folded)
                added.append(tag)
        return added

    def problem(self, code: str, message: str, severity: str = Severity.WARNING) -> Problem:
        """Record a problem about this entry (located at the entry's origin)."""
        p = Problem(code, message, severity, self.origin, self.key)
        self.problems.append(p)
        return p

    def __str__(self) -> str:
        return f"{self.key or '?'}: {self.title or '(untitled)'}"


# --------------------------------------------------------------------------- documents


@dataclass(slots=True)
class RawBlock:
    """A non-entry block of a ``.bib`` input kept for the round trip.

    ``kind`` is ``string`` (``name``/``value`` set, value as raw expression),
    ``preamble`` (``value`` raw), ``comment`` (an ``@comment``; ``value`` its text)
    or ``text`` (text between entries that BibTeX ignores; ``value`` verbatim).
    ``raw`` is the whole block exactly as an input had it (``@COMMENT(…)``,
    ``@String {x = "y"}``), so that writing it back changes nothing; ``None`` for
    blocks made by bibkit.
    """

    kind: str
    value: str
    name: str | None = None
    origin: SourceLocation | None = None
    raw: str | None = None


@dataclass(slots=True)
class Document:
    """What a reader returns and a writer takes: entries and the blocks between them, in order.

    ``metadata`` holds facts about the input as a whole (``listing_date`` of a
    pasted page, the detected ``format``); ``problems`` holds problems not tied to
    an entry (a malformed block that produced no entry).
    """

    blocks: list[Entry | RawBlock] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)  # pasted lines that are no paper, with why

    @property
    def entries(self) -> list[Entry]:
        return [b for b in self.blocks if isinstance(b, Entry)]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return sum(1 for b in self.blocks if isinstance(b, Entry))

    def all_problems(self) -> list[Problem]:
        """Document-level problems followed by every entry's, in input order."""
        out = list(self.problems)
        for e in self.entries:
            out.extend(e.problems)
        return out

    def extend(self, other: "Document") -> None:
        """Append another document's blocks, problems and (without overwriting) metadata."""
        self.blocks.extend(other.blocks)
        self.problems.extend(other.problems)
        self.skipped.extend(other.skipped)
        for k, v in other.metadata.items():
            self.metadata.setdefault(k, v)
