"""Enrichment: resolve every record to its arXiv paper, add what arXiv, Hugging Face and GitHub know.

The one entry point is :func:`enrich_document`; ``bibkit enrich`` and
``bibkit build`` are thin layers over it (through :mod:`bibkit.app`).  It runs
the steps of :func:`default_enrichers` in order —
:class:`~bibkit.enrich.openreview_notes.OpenReviewNotes` (OpenReview links become their papers), then
:class:`~bibkit.enrich.resolve.ArxivResolver` (arXiv + Hugging Face), then
:class:`~bibkit.enrich.upgrade.PublishedVersions` (DOIs looked up, preprints
cited at their verified published version: Semantic Scholar, Crossref, DBLP,
OpenAlex), then :class:`~bibkit.enrich.github.GitHubEnricher` — each when ``only`` allows one
of its services, over one shared :class:`~bibkit.http.HttpLayer` (cache,
pacing, retries, request counts), recomputes unpinned citation keys now that
authors and years are known, and returns an :class:`EnrichResult`: a
per-entry report (also on each entry's record), totals, requests per service,
run-wide notices and the service outages.  It never raises for a service
being down: that is an :class:`~bibkit.outcomes.Outage`, and ``network_ok``
(decided from the outages alone) is false.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..config import Settings, load_settings
from ..health import outage_dict
from ..http import HttpLayer
from ..model import Document, Entry
from ..normalize.citekeys import assign_keys
from ..outcomes import EntryStatus, Outage, Prefer, Service, UpgradeStatus, VenueStyle
from ..record import UpgradeReport
from .base import EnrichContext, Enricher, EntryReport
from .gcdefer import full_collections_deferred
from .github import GitHubEnricher
from .openreview_notes import OpenReviewNotes, OpenReviewOutcome
from .resolve import ArxivResolver
from .upgrade import PublishedVersions

__all__ = ["enrich_document", "default_enrichers", "EnrichResult", "Progress", "SERVICES"]

log = logging.getLogger("bibkit.enrich")

#: the services ``--only`` chooses from, in the order the steps use them
SERVICES: tuple[str, ...] = (Service.OPENREVIEW, Service.ARXIV, Service.HF, Service.S2, Service.CROSSREF, Service.DBLP,
                             Service.OPENALEX, Service.GITHUB)
#: typical seconds per request when a service is not paced (for the time-left estimate)
_TYPICAL_LATENCY: dict[str, float] = {Service.ARXIV: 1.0, Service.HF: 0.3, Service.GITHUB: 0.3, Service.S2: 1.0,
                                      Service.CROSSREF: 0.3, Service.DBLP: 1.0, Service.OPENALEX: 0.3,
                                      Service.OPENREVIEW: 1.0}


@dataclass
class Progress:
    """What a progress bar shows: entries resolved, requests made, and an estimate of the time left.

    ``eta`` counts the requests still planned for each service at that
    service's pace (arXiv: ``BIBKIT_ARXIV_DELAY`` between requests), so the
    rate-limit waits are in it.
    """

    stage: str
    done: int
    total: int
    requests: int
    eta: float | None


@dataclass
class EnrichResult:
    """The outcome of :func:`enrich_document` (``as_dict()`` is the ``--report`` JSON).

    ``outages`` are the services that failed this run — the HTTP layer's (a
    service it gave up reaching) and the enrichers' (rate limits, quotas,
    silence) — and the only thing :attr:`network_ok` looks at.
    """

    reports: list[EntryReport] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)  # RequestStats.as_dict(): per service
    notices: list[str] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    key_changes: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    #: the published-version stage's conclusions this run (each also on its entry's record)
    upgrades: list[UpgradeReport] = field(default_factory=list)

    @property
    def network_ok(self) -> bool:
        """No service failed (an ``--offline`` cache miss is not a failure); ``--strict`` exits 4 otherwise."""
        return not any(o.is_failure for o in self.outages)

    @property
    def totals(self) -> dict[str, Any]:
        """Counts per outcome, as the command lines show them: an entry no service could be asked about is
        ``not_looked_up``, not ``unresolved`` (its report's ``status`` still says unresolved, with the reason)."""
        outcome = Counter(r.outcome for r in self.reports)
        by_step = Counter(r.resolved_by for r in self.reports if r.status is EntryStatus.RESOLVED)
        upgrades = Counter(u.status for u in self.upgrades)
        return {
            "entries": len(self.reports),
            "resolved": outcome.get(EntryStatus.RESOLVED, 0),
            "ambiguous": outcome.get(EntryStatus.AMBIGUOUS, 0),
            "unresolved": outcome.get(EntryStatus.UNRESOLVED, 0),
            "not_looked_up": outcome.get(EntryStatus.NOT_LOOKED_UP, 0),
            "skipped": outcome.get(EntryStatus.SKIPPED, 0),
            "by_step": dict(sorted(by_step.items())),
            "upgraded": upgrades.get(UpgradeStatus.UPGRADED, 0),  # cited at a verified published version
            "published_found": upgrades.get(UpgradeStatus.FOUND, 0),  # verified but not applied (prefer preprint)
        }

    @property
    def not_looked_up(self) -> list[EntryReport]:
        """Entries no service could be asked about (``not_looked_up`` in :attr:`totals`)."""
        return [r for r in self.reports if r.outcome is EntryStatus.NOT_LOOKED_UP]

    @property
    def requests(self) -> dict[str, int]:
        """Requests actually sent to each service (cache hits not counted)."""
        return {service: data.get("requests", 0) for service, data in self.stats.items()}

    @property
    def incomplete(self) -> bool:
        """Some entries stayed ambiguous, unresolved or not looked up (``--strict``: exit 5)."""
        return any(r.outcome.incomplete for r in self.reports)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": [r.as_dict() for r in self.reports],
            "totals": self.totals,
            "requests": self.requests,
            "services": self.stats,
            "notices": [str(n) for n in self.notices],
            "network_ok": self.network_ok,
            "outages": [outage_dict(o) for o in self.outages],
            "key_changes": self.key_changes,
            "seconds": round(self.seconds, 2),
        }


class _Tracker:
    """Turns enricher callbacks into :class:`Progress` events for the caller."""

    def __init__(self, http: HttpLayer, settings: Settings, total: int, callback: Callable[[Progress], None] | None):
        self.http, self.settings, self.total, self.callback = http, settings, total, callback
        self.done: Counter[str] = Counter()
        self.stage = "resolve"  # the stage whose entries are being counted (what a progress bar shows)
        self.planned: Counter[str] = Counter()  # requests announced per service
        self.base: Counter[str] = Counter()  # requests already made when they were announced

    def requests(self) -> int:
        return sum(self.http.stats.network.values())

    def plan(self, service: str, n: int) -> None:
        self.planned[service] = max(0, n)
        self.base[service] = self.http.stats.network[service] + self.http.stats.cache_hits[service]
        self.emit(self.stage)  # a new estimate of the time left, for the stage under way (not a stage of its own)

    def progress(self, stage: str, n: int) -> None:
        self.done[stage] += n
        self.stage = stage
        self.emit(stage)

    def eta(self) -> float:
        seconds = 0.0
        for service, planned in self.planned.items():
            used = self.http.stats.network[service] + self.http.stats.cache_hits[service] - self.base[service]
            left = max(0, planned - used)
            paced: dict[str, float] = {Service.ARXIV: self.settings.arxiv_delay, Service.DBLP: self.settings.dblp_delay,
                                       Service.S2: self.settings.s2_delay,
                                       Service.OPENREVIEW: self.settings.openreview_delay}
            pace = paced.get(service, 0.0)
            seconds += left * max(pace, _TYPICAL_LATENCY.get(service, 0.5))
        return seconds

    def emit(self, stage: str) -> None:
        if self.callback is None:
            return
        done = self.done.get(stage, 0)  # each stage counts its own entries
        self.callback(Progress(stage, min(done, self.total), self.total, self.requests(), self.eta()))


def default_enrichers(on_plan: Callable[[str, int], None] | None = None, *, upgrade: bool = True,
                      prefer: Prefer = Prefer.PUBLISHED, venue_style: VenueStyle = VenueStyle.FULL) -> list[Enricher]:
    """The enrichment steps, in the order they run: OpenReview links first (a bare link becomes a paper with
    a title and an abstract to search with), resolution (it finds the arXiv paper every later step builds
    on; then the OpenReview step's verdicts it could not know about), then DOIs and published versions (they
    need the arXiv id, authors and year), then the code repositories.  ``on_plan(service, requests)`` feeds
    the time-left estimate; ``upgrade``,
    ``prefer`` and ``venue_style`` are :class:`~bibkit.enrich.upgrade.PublishedVersions`' options.

    A new step goes into this list at the place its inputs are ready.
    """
    notes = OpenReviewNotes(on_plan=on_plan)
    return [notes, ArxivResolver(on_plan=on_plan), OpenReviewOutcome(notes),
            PublishedVersions(prefer=prefer, venue_style=venue_style, upgrade=upgrade, on_plan=on_plan),
            GitHubEnricher()]


def enrich_document(
    doc: Document,
    settings: Settings | None = None,
    *,
    only: Iterable[str] = SERVICES,
    offline: bool = False,
    refresh: bool = False,
    http: HttpLayer | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    code_note: bool = False,
    recompute_keys: bool = True,
    key_format: str | None = None,
    upgrade: bool = True,
    prefer: Prefer = Prefer.PUBLISHED,
    venue_style: VenueStyle = VenueStyle.FULL,
) -> EnrichResult:
    """Resolve and enrich every entry of ``doc`` in place; return what happened.

    ``only`` limits the services used (see :data:`SERVICES`);
    ``offline`` answers from the HTTP cache only; ``refresh`` ignores it.
    ``http`` lets a caller share (and inspect) the HTTP layer; one is created
    (and closed) otherwise.  ``on_progress`` receives :class:`Progress` events.
    Unpinned citation keys are recomputed afterwards (``recompute_keys``, with
    ``key_format`` or the configured formula), and the changes listed in the result.
    ``upgrade=False`` skips looking for published versions (DOIs are still
    looked up); ``prefer=Prefer.PREPRINT`` looks but keeps citing the preprint;
    ``venue_style`` (:class:`~bibkit.outcomes.VenueStyle`) names venues from the venue table.

    >>> from bibkit.sources import read_path                     # doctest: +SKIP
    >>> doc = read_path("examples/hf-trending-papers.txt")         # doctest: +SKIP
    >>> result = enrich_document(doc, only=("arxiv", "hf"))         # doctest: +SKIP
    >>> result.totals["resolved"], result.requests["arxiv"]         # doctest: +SKIP
    (84, 3)
    """
    started = time.monotonic()
    settings = settings or (http.settings if http is not None else load_settings())
    wanted = frozenset(s.strip().lower() for s in only if s and s.strip())
    unknown = wanted - set(SERVICES)
    if unknown:
        raise ValueError(f"unknown service(s) in only: {', '.join(sorted(unknown))} "
                         f"(choose from {', '.join(SERVICES)})")
    own_http = http is None
    layer = http or HttpLayer(settings, offline=offline, refresh=refresh)
    entries = doc.entries
    tracker = _Tracker(layer, settings, len(entries), on_progress)
    ctx = EnrichContext(settings=settings, http=layer, only=wanted, on_progress=tracker.progress,
                        code_note=code_note)
    for entry in entries:
        ctx.start(entry)
    try:
        with full_collections_deferred():  # what the enrichers learn stays alive to the end: see gcdefer
            for enricher in default_enrichers(on_plan=tracker.plan, upgrade=upgrade, prefer=prefer,
                                              venue_style=venue_style):
                if wanted & enricher.services:
                    enricher.enrich(entries, ctx)
    finally:
        if own_http:
            layer.close()
    # one outage per service and kind: the layer's verdict first, then what the enrichers saw
    seen: dict[tuple[str, str], Outage] = {}
    for outage in layer.stats.outages + ctx.outages:
        seen.setdefault((str(outage.service), outage.kind.value), outage)
    result = EnrichResult(reports=[ctx.report(e) for e in entries], stats=layer.stats.as_dict(),
                          notices=list(ctx.notices), outages=list(seen.values()),
                          upgrades=[e.record.upgrade for e in entries if e.record.upgrade is not None])
    if recompute_keys:
        result.key_changes = _recompute_keys(entries, key_format or settings.citekey_format, ctx)
    result.seconds = time.monotonic() - started
    return result


def _recompute_keys(entries: list[Entry], key_format: str, ctx: EnrichContext) -> list[dict[str, Any]]:
    """New authors and years change formula keys: recompute every unpinned key, record the changes."""
    changes = assign_keys(entries, key_format, recompute=True)
    out = []
    for change in changes:
        report = ctx.report(change.entry)
        report.key = change.new
        if change.old is not None and change.old != change.new:
            report.fields_set["key"] = {"source": "citekey", "detail": f"was {change.old}"}
        out.append(change.as_dict())
    return out
