"""Enrichment: resolve every record to its arXiv paper, add what arXiv, Hugging Face and GitHub know.

The one entry point is :func:`enrich_document`; ``bibkit enrich`` and
``bibkit build`` are thin layers over it.  It runs the enrichers in order —
:class:`~bibkit.enrich.resolve.ArxivResolver` (arXiv + Hugging Face), then
:class:`~bibkit.enrich.upgrade.PublishedVersions` (DOIs looked up, preprints
cited at their published version: Crossref, Semantic Scholar, DBLP, OpenAlex),
then the GitHub enricher when ``"github"`` is asked for — over one shared
:class:`~bibkit.http.HttpLayer` (cache, pacing, retries, request counts),
recomputes unpinned citation keys now that authors and years are known, and
returns an :class:`EnrichResult`: a per-entry report, totals, requests per
service and run-wide notices.  It never raises for a service being down: that
is a notice, and ``network_ok`` is false.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..config import Settings, load_settings
from ..http import HttpLayer
from ..model import Document, Entry
from .base import EnrichContext, EntryReport

__all__ = ["enrich_document", "EnrichResult", "Progress", "SERVICES"]

log = logging.getLogger("bibkit.enrich")

SERVICES = ("arxiv", "hf", "github", "s2", "crossref", "dblp", "openalex")
#: typical seconds per request when a service is not paced (for the time-left estimate)
_TYPICAL_LATENCY = {"arxiv": 1.0, "hf": 0.3, "github": 0.3, "s2": 1.0, "crossref": 0.3, "dblp": 1.0, "openalex": 0.3}


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
    """The outcome of :func:`enrich_document` (``as_dict()`` is the ``--report`` JSON)."""

    reports: list[EntryReport] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)  # RequestStats.as_dict(): per service
    notices: list[str] = field(default_factory=list)
    network_ok: bool = True
    key_changes: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def totals(self) -> dict[str, Any]:
        status = Counter(r.status for r in self.reports)
        by_step = Counter(r.resolved_by for r in self.reports if r.status == "resolved")
        upgrades = Counter((r.upgrade or {}).get("status") for r in self.reports)
        return {
            "entries": len(self.reports),
            "resolved": status.get("resolved", 0),
            "ambiguous": status.get("ambiguous", 0),
            "unresolved": status.get("unresolved", 0),
            "skipped": status.get("skipped", 0),
            "by_step": dict(sorted(by_step.items())),
            "upgraded": upgrades.get("upgraded", 0),  # cited at a published version (bibkit.enrich.upgrade)
            "published_found": upgrades.get("found", 0),  # found but not applied (prefer="preprint")
        }

    @property
    def requests(self) -> dict[str, int]:
        """Requests actually sent to each service (cache hits not counted)."""
        return {service: data.get("requests", 0) for service, data in self.stats.items()}

    @property
    def incomplete(self) -> bool:
        """Some entries stayed ambiguous or unresolved."""
        t = self.totals
        return bool(t["ambiguous"] or t["unresolved"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": [r.as_dict() for r in self.reports],
            "totals": self.totals,
            "requests": self.requests,
            "services": self.stats,
            "notices": self.notices,
            "network_ok": self.network_ok,
            "key_changes": self.key_changes,
            "seconds": round(self.seconds, 2),
        }


class _Tracker:
    """Turns enricher callbacks into :class:`Progress` events for the caller."""

    def __init__(self, http: HttpLayer, settings: Settings, total: int, callback: Callable[[Progress], None] | None):
        self.http, self.settings, self.total, self.callback = http, settings, total, callback
        self.done: Counter = Counter()
        self.planned: Counter = Counter()  # requests announced per service
        self.base: Counter = Counter()  # requests already made when they were announced

    def requests(self) -> int:
        return sum(self.http.stats.network.values())

    def plan(self, service: str, n: int) -> None:
        self.planned[service] = max(0, n)
        self.base[service] = self.http.stats.network[service] + self.http.stats.cache_hits[service]
        self.emit("plan")

    def progress(self, stage: str, n: int) -> None:
        self.done[stage] += n
        self.emit(stage)

    def eta(self) -> float:
        seconds = 0.0
        for service, planned in self.planned.items():
            used = self.http.stats.network[service] + self.http.stats.cache_hits[service] - self.base[service]
            left = max(0, planned - used)
            pace = {"arxiv": self.settings.arxiv_delay, "dblp": self.settings.dblp_delay,
                    "s2": self.settings.s2_delay}.get(service, 0.0)
            seconds += left * max(pace, _TYPICAL_LATENCY.get(service, 0.5))
        return seconds

    def emit(self, stage: str) -> None:
        if self.callback is None:
            return
        done = self.done.get("resolve", 0)
        self.callback(Progress(stage, min(done, self.total), self.total, self.requests(), self.eta()))


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
    prefer: str = "published",
    venue_style: str = "full",
) -> EnrichResult:
    """Resolve and enrich every entry of ``doc`` in place; return what happened.

    ``only`` limits the services used (``arxiv``, ``hf``, ``github``);
    ``offline`` answers from the HTTP cache only; ``refresh`` ignores it.
    ``http`` lets a caller share (and inspect) the HTTP layer; one is created
    (and closed) otherwise.  ``on_progress`` receives :class:`Progress` events.
    Unpinned citation keys are recomputed afterwards (``recompute_keys``, with
    ``key_format`` or the configured formula), and the changes listed in the result.
    ``upgrade=False`` skips looking for published versions (DOIs are still
    looked up); ``prefer="preprint"`` looks but cites the preprint;
    ``venue_style`` (``full``/``short``) names venues from the venue table.

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
        raise ValueError(f"unknown service(s) in only: {', '.join(sorted(unknown))} (choose from {', '.join(SERVICES)})")
    own_http = http is None
    layer = http or HttpLayer(settings, offline=offline, refresh=refresh)
    entries = doc.entries
    tracker = _Tracker(layer, settings, len(entries), on_progress)
    ctx = EnrichContext(settings=settings, http=layer, only=wanted, reports={}, on_progress=tracker.progress,
                        code_note=code_note)
    for entry in entries:
        ctx.report(entry)
    try:
        from .resolve import ArxivResolver

        if wanted & ArxivResolver.services:
            ArxivResolver(on_plan=tracker.plan).enrich(entries, ctx)
        from .upgrade import PublishedVersions

        if wanted & PublishedVersions.services:
            PublishedVersions(prefer=prefer, venue_style=venue_style, upgrade=upgrade,
                              on_plan=tracker.plan).enrich(entries, ctx)
        if "github" in wanted:
            _run_github(entries, ctx)
    finally:
        if own_http:
            layer.close()
    result = EnrichResult(reports=[ctx.report(e) for e in entries], stats=layer.stats.as_dict(),
                          notices=list(ctx.notices))
    result.network_ok = not layer.stats.unavailable and not any(_service_trouble(n) for n in ctx.notices)
    if recompute_keys:
        result.key_changes = _recompute_keys(entries, key_format or settings.citekey_format, ctx)
    result.seconds = time.monotonic() - started
    return result


#: words in an enricher's notice that mean a service stopped answering (for ``network_ok``)
_TROUBLE = ("unreachable", "rate limit", "quota exhausted", "cannot reach")


def _service_trouble(notice: str) -> bool:
    low = notice.lower()
    return any(word in low for word in _TROUBLE)


def _run_github(entries: list[Entry], ctx: EnrichContext) -> None:
    """The GitHub enricher, imported lazily (it is optional and lives in its own module)."""
    try:
        from .github import GitHubEnricher
    except ImportError as exc:
        log.info("GitHub enrichment not available: %s", exc)
        return
    GitHubEnricher().enrich(entries, ctx)


def _recompute_keys(entries: list[Entry], key_format: str, ctx: EnrichContext) -> list[dict[str, Any]]:
    """New authors and years change formula keys: recompute every unpinned key, record the changes."""
    try:
        from ..normalize.citekeys import assign_keys
    except ImportError:  # pragma: no cover - citekeys ships with bibkit
        return []
    changes = assign_keys(entries, key_format, recompute=True)
    out = []
    for change in changes:
        report = ctx.report(change.entry)
        report.key = change.new
        if change.old is not None and change.old != change.new:
            report.fields_set["key"] = {"source": "citekey", "detail": f"was {change.old}"}
        out.append(change.as_dict())
    return out
