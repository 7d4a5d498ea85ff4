"""The outcome vocabulary: what can happen to a service, an entry or a Zotero write, as values.

Every decision a script can observe — ``network_ok`` and exit code 4, which
entries count as "not looked up", which notices fold into one "no network"
line — is made from these values, and every message about them is *rendered*
from them.  Rewording a message therefore never changes an exit code, and no
code anywhere decides anything by looking inside a message.

The JSON report keeps plain strings: each enum here is a :class:`~enum.StrEnum`
whose value is exactly the string the report has always carried.

This module is the bottom of the layer stack (see the README's Development
section): it imports nothing from bibkit, so every layer may use it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "EntryStatus", "Notice", "Outage", "OutageKind", "PageReader", "Prefer", "Service", "Severity", "Transport",
    "UpgradeStatus", "VenueStyle", "clock_time", "label_of",
]


class Service(enum.StrEnum):
    """A remote service bibkit talks to (the name used in ``--only``, reports and the HTTP layer)."""

    ARXIV = "arxiv"
    HF = "hf"
    GITHUB = "github"
    ZOTERO = "zotero"
    CROSSREF = "crossref"
    S2 = "s2"
    DBLP = "dblp"
    OPENALEX = "openalex"
    OPENREVIEW = "openreview"

    @property
    def label(self) -> str:
        """The name a person knows the service by ("Hugging Face"), for messages."""
        return _LABELS[self]

    @classmethod
    def named(cls, name: str) -> Service | None:
        """The service called ``name`` (``"arxiv"``), or ``None`` for a name that is none of them."""
        try:
            return cls(name)
        except ValueError:
            return None


_LABELS = {
    Service.ARXIV: "arXiv", Service.HF: "Hugging Face", Service.GITHUB: "GitHub", Service.ZOTERO: "Zotero",
    Service.CROSSREF: "Crossref", Service.S2: "Semantic Scholar", Service.DBLP: "DBLP", Service.OPENALEX: "OpenAlex",
    Service.OPENREVIEW: "OpenReview",
}


def clock_time(epoch: float | None) -> str:
    """Local wall-clock time of ``epoch`` as ``HH:MM`` (with the date when it is not today); ``later`` if unknown."""
    if epoch is None:
        return "later"
    from datetime import datetime  # only to tell of an outage: most runs never need the module

    when = datetime.fromtimestamp(epoch)
    return when.strftime("%H:%M" if when.date() == datetime.now().date() else "%Y-%m-%d %H:%M")


def label_of(service: str) -> str:
    """The human name of a service given by its name; unknown names are shown as they are."""
    known = Service.named(service)
    return known.label if known is not None else service


class OutageKind(enum.StrEnum):
    """Why a service could not (fully) do its part in a run."""

    UNREACHABLE = "unreachable"  # no connection at all: no network, DNS failure, connection refused or dropped
    TIMEOUT = "timeout"  # connected, but no answer within the timeout on every attempt
    HTTP_STATUS = "http-status"  # an error status (5xx…) on every attempt
    RATE_LIMITED = "rate-limited"  # 429, or asked to wait (Retry-After) longer than we will
    QUOTA_EXHAUSTED = "quota-exhausted"  # a quota that resets later (GitHub's hourly limit)
    REFUSED = "refused"  # 401/403: the service rejects the API key, or denies access to everyone like us
    UNREADABLE = "unreadable-body"  # answers that cannot be read (garbage, truncated)
    OFFLINE_MISS = "offline-cache-miss"  # --offline, and the cache has no answer

    @property
    def is_failure(self) -> bool:
        """Whether the service itself failed (``network_ok`` false, exit 4 with ``--strict``).

        An offline cache miss is not: the user asked not to use the network.
        """
        return self is not OutageKind.OFFLINE_MISS

    @property
    def no_answer(self) -> bool:
        """Nothing came back at all (what the one "no network" line of a command reports)."""
        return self in (OutageKind.UNREACHABLE, OutageKind.TIMEOUT)


@dataclass(frozen=True, slots=True)
class Outage:
    """One service's trouble in one run, as the HTTP layer or an enricher observed it.

    ``cause`` is the short technical reason ("connection refused", "HTTP 503
    after 4 attempts"); ``until`` the epoch second the service said it will
    answer again (a rate limit's ``Retry-After``, a quota's reset), when known;
    ``url`` the (redacted) base URL that was tried, when it helps the user.
    """

    service: Service | str  # a Service; any other name is a service bibkit does not know (a test's, a plug-in's)
    kind: OutageKind
    cause: str = ""
    until: float | None = None
    url: str | None = None

    @property
    def is_failure(self) -> bool:
        return self.kind.is_failure

    @property
    def label(self) -> str:
        """The service's human name ("Hugging Face")."""
        return label_of(self.service)

    def until_text(self) -> str:
        """`` until HH:MM`` (with the date when not today), or ``""`` when unknown."""
        return f" until {clock_time(self.until)}" if self.until else ""

    def describe(self) -> str:
        """What happened, in a few words, without the service's name ("cannot reach … (connection refused)")."""
        kind, cause = self.kind, self.cause
        if kind is OutageKind.UNREACHABLE:
            where = self.url or self.label
            return f"cannot reach {where} ({cause})" if cause else f"cannot reach {where}"
        if kind is OutageKind.TIMEOUT:
            return f"no answer ({cause})" if cause else "no answer"
        if kind is OutageKind.QUOTA_EXHAUSTED:
            return f"quota exhausted{self.until_text()}" + (f" ({cause})" if cause else "")
        if kind is OutageKind.OFFLINE_MISS:
            return "offline and not in the cache"
        if kind is OutageKind.REFUSED:
            return f"refused the request ({cause})" if cause else "refused the request"
        if kind is OutageKind.UNREADABLE:
            return f"unreadable answers ({cause})" if cause else "unreadable answers"
        return cause or kind.value


class Notice(str):
    """A run-wide message for the user, and — when it reports one — the :class:`Outage` it was rendered from.

    A notice *is* its text (reports and summaries show it as it is), but code
    that must decide something asks :attr:`outage`, never the words.
    """

    outage: Outage | None

    def __new__(cls, text: str, outage: Outage | None = None) -> Notice:
        self = super().__new__(cls, text)
        self.outage = outage
        return self

    def __reduce__(self) -> tuple[type[Notice], tuple[str, Outage | None]]:  # copy/pickle keep the outage
        return (Notice, (str(self), self.outage))


class EntryStatus(enum.StrEnum):
    """What enrichment concluded about one entry.

    ``status`` in the report is one of the first four; an entry that no
    service could be asked about (no network, service down, ``--offline``
    without a cached answer) is :attr:`NOT_LOOKED_UP`, which the report and the
    totals count as ``unresolved`` (as they always have) while the summary
    counts it apart.
    """

    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"
    UNRESOLVED = "unresolved"
    SKIPPED = "skipped"  # not something arXiv has (a book, a thesis…)
    NOT_LOOKED_UP = "not-looked-up"

    @property
    def reported(self) -> EntryStatus:
        """The status the report and the totals show (:attr:`NOT_LOOKED_UP` is reported as unresolved)."""
        return EntryStatus.UNRESOLVED if self is EntryStatus.NOT_LOOKED_UP else self

    @property
    def incomplete(self) -> bool:
        """Whether the entry is one ``--strict`` complains about (exit 5): ambiguous, unresolved or not looked up."""
        return self.reported in (EntryStatus.AMBIGUOUS, EntryStatus.UNRESOLVED)


class UpgradeStatus(enum.StrEnum):
    """What the published-version stage concluded about one entry (``upgrade.status`` in the report).

    Only :attr:`UPGRADED` changed the entry; :attr:`FOUND` is a verified
    publication that was reported but not applied (``--prefer preprint``, or a
    ``.bib`` entry whose type is the user's).
    """

    UPGRADED = "upgraded"
    FOUND = "found"
    NONE = "none"  # looked for, nothing verified
    AMBIGUOUS = "ambiguous"  # two verified publications, none clearly the one
    PINNED = "pinned"  # the input's own venue fields win
    SKIPPED = "skipped"  # nothing to look for (no authors, already published, arXiv id in doubt)
    NOT_LOOKED_UP = "not-looked-up"  # every service that could say was down, or offline without a cached answer


class Severity(enum.StrEnum):
    """How much a :class:`~bibkit.model.Problem` matters: ``error`` stops ``--strict`` runs (exit 3)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Transport(enum.StrEnum):
    """How the Zotero bridge writes: Zotero 10's local API, or the connector (Zotero 7–9)."""

    LOCAL = "local"
    CONNECTOR = "connector"


class Prefer(enum.StrEnum):
    """Which version of a published preprint to cite (``--prefer``): the publication, or the preprint."""

    PUBLISHED = "published"
    PREPRINT = "preprint"


class VenueStyle(enum.StrEnum):
    """How venues from the venue table are named (``--venue-style``): "Advances in Neural Information
    Processing Systems" or "NeurIPS"."""

    FULL = "full"
    SHORT = "short"


class PageReader(enum.StrEnum):
    """A reader of pasted text (the name ``--from`` and the report use): the page family it reads.

    (Here, below the record, so that :class:`bibkit.findings.ReadBy` can name it; :mod:`bibkit.record`
    re-exports it.)"""

    TITLES = "titles"  # a title, maybe authors, maybe an abstract: Hugging Face feeds, plain title lists
    HF_PAGE = "hf-page"  # Hugging Face collections and single paper pages
    ARXIV_PAGE = "arxiv-page"  # arXiv listings, search results, abstract pages, ``arXiv:ID`` blocks
    MARKDOWN = "markdown"  # reading lists: Markdown bullets and tables, and their rendered copies
    REFERENCES = "references"  # reference lists copied from papers (numbered and author–year styles)
    SCHOLAR = "scholar-page"  # Google Scholar's results page
    DBLP = "dblp-page"  # dblp person pages and search results
    ACM = "acm-page"  # the ACM Digital Library's search results and tables of contents
    OPENREVIEW = "openreview-page"  # OpenReview venue pages, search results, profiles, a paper's page
    IEEE = "ieee-page"  # IEEE Xplore search results and tables of contents
    SEMANTIC_SCHOLAR = "s2-page"  # Semantic Scholar search results and paper pages
    PUBMED = "pubmed-page"  # PubMed's search results
    ARTICLE = "article-page"  # a publisher's article page (its "Cite this article" citation)
    NOTES = "notes"  # links to paper pages, ``arXiv:`` mentions, DOIs, cited titles
