"""Published versions and DOIs: look DOIs up, and cite each preprint where it was published.

The enricher that runs after arXiv resolution (:class:`PublishedVersions`,
services ``crossref``, ``s2``, ``dblp``, ``openalex``).  Two jobs:

**DOIs are looked up.**  A record identified by a DOI but lacking a title or
authors (a DOI list, a bare ``.bib`` ``doi``, a pasted ``doi.org`` link; see
:func:`bibkit.enrich.doi.own_doi`) gets Crossref's metadata.  A DOI Crossref
does not have is asked about at ``/works/{doi}/agency`` and reported with the
agency that registered it (DataCite, mEDRA…), never guessed.  arXiv's own
DOIs are the arXiv resolver's.

**Preprints are upgraded**, cheapest source first, every request batched
where the API allows it:

1. Semantic Scholar, ``POST /paper/batch`` — up to 500 arXiv ids a request:
   venue, DOI, journal, pages of each paper;
2. OpenAlex (only with ``OPENALEX_API_KEY``) — the works of the arXiv DOIs, 50 a
   request: published locations' DOIs;
3. Crossref relations — published works whose ``has-preprint`` names the
   arXiv DOI (``filter=relation.object:…``, 40 a request);
4. Crossref works — one batched ``filter=doi:…`` for every DOI the steps above,
   the arXiv record (its journal DOI) and the DOI list named;
5. only for papers those could not settle, **one** request each: DBLP title
   search when the paper points at a venue without DOIs (ICLR, NeurIPS, a
   Semantic Scholar venue to confirm), else Crossref ``query.bibliographic``;
   the other service only when the first is down (DBLP, seconds a request, only for a paper something
   says was published).

Every candidate is judged by :func:`bibkit.enrich.published.judge` (the arXiv
resolver's identity rules, authors that overlap, no year before the preprint)
and :func:`bibkit.enrich.published.choose` picks one (main venue over
workshop, identifier links over searches).  Hints from the arXiv comment and
journal reference ("Accepted at ICLR 2024") choose where to look and supply a
venue's year; they never upgrade anything by themselves.

With ``prefer="published"`` (the default) the winner is written: entry type
``inproceedings``/``article``, venue (the venue table's full or short name:
``venue_style``), volume, number, pages, publisher, DOI and year, each with
its source and confidence; ``eprint``, ``archivePrefix`` and ``primaryClass``
stay.  With ``prefer="preprint"`` nothing is upgraded (and a journal
reference arXiv itself turned into a venue is turned back): the report lists
what was found.  A ``.bib`` entry whose venue fields hold real values is
pinned and left alone.  Service trouble is run-wide: a service that is
unreachable, rate-limited or refuses the key is reported once and skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from ..health import describe
from ..model import Entry, PartialDate, Provenance
from ..normalize.text import normalize_title
from ..outcomes import EntryStatus, Outage, OutageKind, Prefer, Service, UpgradeStatus, VenueStyle
from ..record import UpgradeReport
from .apply import user_owned
from .base import EnrichContext, EntryReport
from .crossref import CrossrefClient, CrossrefWork
from .dblp import DblpClient, query_for
from .doi import apply_crossref, is_arxiv_doi, lookup_doi, needs_metadata, own_doi, set_field
from .match import TITLE_MATCH, Evidence, title_similarity, verify
from .openalex import OpenAlexClient
from .published import Judgement, Published, choose, from_crossref, from_dblp, from_s2, judge
from .s2 import S2Client, S2Paper, is_arxiv_venue
from .venues import VenueHint, VenueTable, load_venues
from .webapi import takes_service_down

__all__ = ["PublishedVersions", "SERVICES", "cites_arxiv", "venue_pinned"]

log = logging.getLogger("bibkit.upgrade")

SERVICES: frozenset[str] = frozenset({Service.CROSSREF, Service.S2, Service.DBLP, Service.OPENALEX})
#: the environment variable holding each service's key (a refused key is worth naming)
_KEYS: dict[str, str] = {Service.S2: "S2_API_KEY", Service.OPENALEX: "OPENALEX_API_KEY"}
#: entry types that stand for "a preprint": an arXiv paper of one of these may be upgraded
_PREPRINT_TYPES = frozenset({"preprint", "misc", "online", "unpublished", "article", "techreport", "report"})
#: fields that, holding a real value in an input .bib, pin the entry's venue
_VENUE_FIELDS = ("journal", "booktitle", "publisher", "volume", "number", "pages")
_VENUE_EXTRA = ("journaltitle", "eventtitle", "howpublished", "organization", "institution", "school", "series")
#: DOI registration agencies by Crossref's id for them (``/works/{doi}/agency``)
_AGENCIES = {"datacite": "DataCite", "medra": "mEDRA", "jalc": "JaLC", "kisti": "KISTI", "cnki": "CNKI",
             "op": "the Publications Office of the EU", "airiti": "Airiti", "istic": "ISTIC"}
#: candidates listed per entry in the report
REPORT_CANDIDATES = 3


def _arxiv_marker(value: Any) -> bool:
    """A venue-field value that only says "arXiv" (Google Scholar's ``journal = {arXiv preprint arXiv:…}``)."""
    if value is None:
        return True
    text = str(value).strip()
    low = text.lower()
    return (not text or is_arxiv_venue(text) or low.startswith(("arxiv", "corr", "abs/")) or "arxiv.org" in low
            or low.startswith("e-print") or low.startswith("preprint"))


def cites_arxiv(entry: Entry) -> bool:
    """Whether an input ``.bib`` entry cites the arXiv preprint itself (its own fields say arXiv).

    Only such an entry is moved to its published version: a plain ``@misc`` the
    user wrote without any arXiv field keeps the type they chose.
    """
    if entry.bib is None:
        return True
    fields = entry.bib.fields
    if any(name in fields for name in ("eprint", "arxiv", "arxivid")):
        return True
    for name in ("archiveprefix", "eprinttype", "journal", "journaltitle", "howpublished", "publisher", "note",
                 "url", "doi"):
        if name in fields and "arxiv" in fields[name].lower():
            return True
    return False


def venue_pinned(entry: Entry) -> str | None:
    """The input ``.bib`` field that pins the entry's venue (user data), or ``None``."""
    if entry.bib is None:
        return None
    for name in _VENUE_FIELDS:
        if user_owned(entry, name) and not _arxiv_marker(getattr(entry, name)):
            return name
    for name in _VENUE_EXTRA:
        if name in entry.bib.fields and not _arxiv_marker(entry.extra.get(name)):
            return name
    if "doi" in entry.bib.fields and entry.ids.doi and not is_arxiv_doi(entry.ids.doi):
        return "doi"
    return None


@dataclass
class _Job:
    """One preprint being upgraded."""

    entry: Entry
    report: EntryReport
    evidence: Evidence
    arxiv_id: str | None
    hints: list[VenueHint] = field(default_factory=list)
    arxiv_doi: str | None = None  # the journal DOI the arXiv record names
    s2: S2Paper | None = None
    s2_evidence: Evidence | None = None
    candidates: dict[str, Published] = field(default_factory=dict)
    judged: list[tuple[Published, Judgement]] = field(default_factory=list)
    winner: tuple[Published, Judgement] | None = None
    tie: bool = False
    reason: str | None = None
    searched: list[str] = field(default_factory=list)
    preprint_doi: str | None = None  # for a non-arXiv preprint looked up by DOI (is-preprint-of)
    keep: str | None = None  # why a found publication is reported but not applied

    def add(self, candidate: Published | None) -> None:
        if candidate is None:
            return
        known = self.candidates.get(candidate.identity)
        if known is None:
            self.candidates[candidate.identity] = candidate
        elif candidate.source == "crossref" and known.source != "crossref":
            candidate.merge(known)  # Crossref's record is the publisher's: it leads
            self.candidates[candidate.identity] = candidate
        else:
            known.merge(candidate)


class PublishedVersions:
    """The DOI-lookup and published-version enricher (see the module docstring)."""

    name = "upgrade"
    services = SERVICES
    venues: VenueTable  # the bundled table and the config file's [[venues]], loaded when the step runs
    ctx: EnrichContext
    _progressed: int = 0  # papers reported to the progress bar

    def __init__(self, *, prefer: Prefer | str = Prefer.PUBLISHED, venue_style: VenueStyle | str = VenueStyle.FULL,
                 upgrade: bool = True, venues: VenueTable | None = None,
                 on_plan: Callable[[str, int], None] | None = None):
        self.prefer, self.style = Prefer(prefer), VenueStyle(venue_style)  # ValueError for anything else
        self.upgrade = upgrade
        self._venues = venues
        self.on_plan = on_plan or (lambda service, n: None)
        self.down: dict[str, Outage] = {}  # service -> the outage that took it out of the run
        self.offline_misses = 0
        self.crossref: CrossrefClient | None = None
        self.s2: S2Client | None = None
        self.dblp: DblpClient | None = None
        self.openalex: OpenAlexClient | None = None

    # ================================================================== entry point

    def enrich(self, entries: list[Entry], ctx: EnrichContext) -> None:
        allowed = ctx.only & SERVICES
        if not allowed:
            return
        self.ctx = ctx
        self.venues = self._venues or load_venues(ctx.settings)
        if "crossref" in allowed:
            self.crossref = CrossrefClient(ctx.http, ctx.settings)
        if "s2" in allowed:
            self.s2 = S2Client(ctx.http, ctx.settings)
        if "dblp" in allowed:
            self.dblp = DblpClient(ctx.http, ctx.settings)
        if "openalex" in allowed and ctx.settings.openalex_api_key:
            self.openalex = OpenAlexClient(ctx.http, ctx.settings)
        doi_entries = [e for e in entries if lookup_doi(e) and needs_metadata(e)]
        jobs = [j for j in (self._job(e, ctx) for e in entries if e not in doi_entries) if j is not None]
        if not jobs and not doi_entries:
            return
        self._progressed = 0
        self._advance(0)  # the progress bar says "upgrade" from now on (the batches, then one search per paper)
        if self.upgrade and jobs:
            self._semantic_scholar(jobs)
            self._openalex(jobs)
            self._relations(jobs)
        works = self._fetch(jobs, doi_entries)
        jobs += self._apply_dois(doi_entries, works)
        if self.upgrade:
            self._preprint_targets(jobs)
            for job in jobs:
                self._decide(job)
            self._search([j for j in jobs if j.winner is None and not j.tie])
            for job in jobs:
                if job.winner is None and not job.tie:
                    self._decide(job)
                self._finish(job)
        self._advance(len(jobs) - self._progressed)
        if self.offline_misses:
            ctx.notice(f"offline: {self.offline_misses} published-version request(s) were not in the cache; "
                       "run without --offline to look them up")

    # ================================================================== preparation

    def _job(self, entry: Entry, ctx: EnrichContext) -> _Job | None:
        report = ctx.report(entry)
        if not self.upgrade:
            return None
        if not entry.ids.arxiv:
            return None

        def skip(status: UpgradeStatus, reason: str) -> _Job | None:
            entry.record.upgrade = UpgradeReport(status, reason)
            return None

        if report.status is EntryStatus.AMBIGUOUS:
            return skip(UpgradeStatus.SKIPPED, "the arXiv identifier itself is in doubt")
        if not entry.authors:
            return skip(UpgradeStatus.SKIPPED, "no authors to compare a published version with")
        pinned = venue_pinned(entry)
        if pinned:
            self._no_preprint_doi(entry, report)
            return skip(UpgradeStatus.PINNED, f"the input's {pinned!r} field pins the venue")
        type_prov = entry.provenance.get("entry_type")
        from_arxiv = type_prov is not None and type_prov.source in ("arxiv", "crossref", "s2", "dblp")
        if entry.entry_type not in _PREPRINT_TYPES and not from_arxiv:
            return skip(UpgradeStatus.SKIPPED, f"already a {entry.entry_type}")
        if entry.entry_type == "article" and entry.journal and not _arxiv_marker(entry.journal) and not from_arxiv:
            return skip(UpgradeStatus.SKIPPED, "already a journal article")
        text = " ".join(t for t in (entry.meta.get("journal_ref"), entry.meta.get("arxiv_comment")) if t)
        job = _Job(entry, report, Evidence.from_entry(entry), entry.ids.arxiv, hints=self.venues.hints(text))
        if not cites_arxiv(entry):
            job.keep = f"the input's @{entry.bib.entry_type if entry.bib else entry.entry_type} entry has no arXiv " \
                       "field: its type is the user's"
        doi_prov = entry.provenance.get("ids.doi")
        if entry.ids.doi and not is_arxiv_doi(entry.ids.doi) and doi_prov is not None and doi_prov.source == "arxiv":
            job.arxiv_doi = entry.ids.doi.lower()
        return job

    @staticmethod
    def _no_preprint_doi(entry: Entry, report: EntryReport) -> None:
        """A published entry (the user's, or one bibkit upgraded earlier) is not given arXiv's DOI:
        that names the preprint, not the publication the entry cites."""
        prov = entry.provenance.get("ids.doi")
        published = entry.entry_type in ("inproceedings", "article", "incollection") and \
            not _arxiv_marker(entry.booktitle or entry.journal)
        if published and is_arxiv_doi(entry.ids.doi) and prov is not None and prov.source == "arxiv" \
                and not user_owned(entry, "ids.doi"):
            entry.set_id("doi", None, "upgrade", 1.0, "arXiv's DOI names the preprint, not this publication")
            report.fields_set.pop("ids.doi", None)

    # ================================================================== services

    def _advance(self, n: int) -> None:
        """Tell the progress bar ``n`` more papers are through this step."""
        self._progressed += n
        self.ctx.on_progress("upgrade", n)

    def _usable(self, service: str) -> bool:
        return getattr(self, service) is not None and service not in self.down

    def _failed(self, outage: Outage | None) -> None:
        """Record a service's trouble: an offline miss is counted; any other outage is reported once
        (:meth:`EnrichContext.outage`: it decides ``network_ok``) and the service is skipped for the rest of
        the run — the other services still answer for it."""
        if outage is None:
            return
        if not takes_service_down(outage):
            self.offline_misses += 1
            return
        service = str(outage.service)
        if service in self.down:
            return
        self.down[service] = outage
        if outage.kind in (OutageKind.RATE_LIMITED, OutageKind.QUOTA_EXHAUSTED):
            then = "published versions not yet looked up there were left as they were — rerun later"
        else:
            key = _KEYS.get(service) if outage.kind is OutageKind.REFUSED and self._key_set(service) else None
            then = (f"check {key}; " if key else "") + "published versions were looked up without it"
        self.ctx.outage(outage, f"{outage.label} {describe(outage)}; {then}")

    def _key_set(self, service: str) -> bool:
        settings = self.ctx.settings
        return bool(settings.s2_api_key if service == Service.S2 else settings.openalex_api_key)

    def _semantic_scholar(self, jobs: list[_Job]) -> None:
        if not self._usable("s2"):
            return
        assert self.s2 is not None
        ids = [j.arxiv_id for j in jobs if j.arxiv_id]
        self.on_plan("s2", -(-len(ids) // self.s2.batch_size))
        got = self.s2.papers(ids)
        self._failed(got.failure)
        for job in jobs:
            paper = got.found.get(job.arxiv_id or "")
            if paper is None:
                continue
            job.s2 = paper
            job.s2_evidence = Evidence.from_names(paper.title, None, paper.authors, None)

    def _openalex(self, jobs: list[_Job]) -> None:
        if not self._usable("openalex"):
            return
        assert self.openalex is not None
        ids = [j.arxiv_id for j in jobs if j.arxiv_id]
        got = self.openalex.works_for_arxiv(ids)
        self._failed(got.failure)
        for job in jobs:
            work = got.found.get(job.arxiv_id or "")
            if work is None:
                continue
            for loc in work.published:
                if loc.doi and not is_arxiv_doi(loc.doi):
                    job.add(Published("openalex", "article", work.title, tuple(work.authors), None, loc.source,
                                      doi=loc.doi.lower(), record=work.id, found_by={"openalex"}))

    def _relations(self, jobs: list[_Job]) -> None:
        if not self._usable("crossref"):
            return
        assert self.crossref is not None
        by_doi = {f"10.48550/arxiv.{j.arxiv_id}".lower(): j for j in jobs if j.arxiv_id}
        got = self.crossref.with_preprints(list(by_doi))
        self._failed(got.failure)
        for doi, works in got.found.items():
            job = by_doi.get(doi)
            if job is None:
                continue
            for work in works:  # with_preprints matched them back by the relation's object
                job.add(from_crossref(work, "crossref-relation"))

    def _hint_dois(self, job: _Job) -> list[str]:
        out = []
        if job.arxiv_doi:
            out.append(job.arxiv_doi)
        if job.s2 is not None and job.s2.doi:
            out.append(job.s2.doi.lower())
        out += [c.doi.lower() for c in job.candidates.values() if c.doi and c.source == "openalex"]
        return out

    def _fetch(self, jobs: list[_Job], doi_entries: list[Entry]) -> dict[str, CrossrefWork]:
        """One batched Crossref lookup for every DOI a record or a hint names."""
        if not self._usable("crossref"):
            for entry in doi_entries:
                self._not_looked_up(self.ctx.report(entry))
            return {}
        assert self.crossref is not None
        known = {c.doi.lower() for j in jobs for c in j.candidates.values() if c.doi and c.source == "crossref"}
        wanted = [lookup_doi(e) or "" for e in doi_entries]
        if self.upgrade:
            for job in jobs:
                wanted += [d for d in self._hint_dois(job) if d not in known]
        wanted = [d.lower() for d in dict.fromkeys(w for w in wanted if w)]
        if not wanted:
            return {}
        self.on_plan("crossref", -(-len(wanted) // 40))
        got = self.crossref.works(wanted)
        self._failed(got.failure)
        if self.upgrade:
            for job in jobs:
                for doi in self._hint_dois(job):
                    how = "arxiv-doi" if doi == job.arxiv_doi else "s2" if job.s2 and job.s2.doi and \
                        doi == job.s2.doi.lower() else "openalex"
                    known_cand = job.candidates.get("doi:" + doi)
                    if known_cand is not None and known_cand.source == "crossref":
                        known_cand.found_by.add(how)  # found by a relation already: one more link to it
                        continue
                    work = got.found.get(doi)
                    if work is None:
                        continue
                    cand = from_crossref(work, how)
                    if cand is not None and job.arxiv_id and \
                            f"10.48550/arxiv.{job.arxiv_id}".lower() in cand.preprint_dois:
                        cand.found_by.add("crossref-relation")  # the publisher names the preprint too
                    job.add(cand)
                # an OpenAlex-only stand-in that Crossref did not confirm carries no data worth citing
                for key in [k for k, c in job.candidates.items() if c.source == "openalex"]:
                    del job.candidates[key]
        return got.found

    # ================================================================== DOI records

    def _apply_dois(self, entries: list[Entry], works: dict[str, CrossrefWork]) -> list[_Job]:
        """Fill DOI-only records; a non-arXiv preprint whose record names its publication becomes a job."""
        jobs: list[_Job] = []
        for entry in entries:
            doi = lookup_doi(entry) or ""  # as the input spells it (DOIs are case-insensitive; Crossref keys are lower)
            report = self.ctx.report(entry)
            work = works.get(doi.lower())
            if work is None and own_doi(entry) is None and self._usable("crossref"):
                # an Anthology ID's DOI that Crossref does not have: the Anthology registered none (an older
                # paper); not the user's DOI, so nothing to warn about: said in the report, the entry left as it is
                report.outcome = EntryStatus.UNRESOLVED
                report.reason = f"Crossref has no DOI {doi} for ACL Anthology {entry.ids.others.get('acl')} " \
                                "(the Anthology registers DOIs for its newer papers only)"
                continue
            if work is None:
                self._unknown_doi(entry, report, doi)
                continue
            apply_crossref(entry, work, report, self.venues, self.style)
            report.outcome, report.resolved_by, report.confidence, report.reason = \
                EntryStatus.RESOLVED, "crossref-doi", 1.0, None
            report.title = entry.title
            targets = work.related("is-preprint-of")
            if self.upgrade and work.type == "posted-content" and targets and entry.authors:
                job = _Job(entry, report, Evidence.from_entry(entry), None, preprint_doi=work.doi)
                job.add(Published("crossref", "article", None, (), None, None, doi=targets[0],
                                  found_by={"crossref-relation"}))
                jobs.append(job)
        return jobs

    def _not_looked_up(self, report: EntryReport) -> None:
        """A DOI record Crossref could not be asked about (down, or offline without a cached answer)."""
        down = self.down.get(Service.CROSSREF)
        report.outcome = EntryStatus.NOT_LOOKED_UP
        report.reason = f"Crossref not available ({down.describe()})" if down is not None else \
            "offline and not in the cache" if self.offline_misses else "Crossref not asked"

    def _unknown_doi(self, entry: Entry, report: EntryReport, doi: str) -> None:
        if not self._usable("crossref") or self.crossref is None:
            self._not_looked_up(report)
            return
        agency = self.crossref.agency(doi)
        if isinstance(agency, Outage):
            self._failed(agency)
            self._not_looked_up(report)
            return
        if agency is None:
            message = f"DOI {doi} is not registered (Crossref and its registration-agency lookup do not know it)"
            code = "unknown-doi"
        elif agency == "crossref":
            message = f"Crossref has no metadata for {doi} although it registered it"
            code = "unknown-doi"
        else:
            label = _AGENCIES.get(agency, agency)
            message = f"DOI {doi} is registered with {label}, not Crossref: its metadata was not looked up"
            code = "doi-not-crossref"
        entry.problem(code, message, "warning")
        report.outcome, report.reason = EntryStatus.UNRESOLVED, message

    def _preprint_targets(self, jobs: list[_Job]) -> None:
        """Fetch the publications non-arXiv preprints name (``is-preprint-of``), in one batch."""
        todo = [j for j in jobs if j.preprint_doi]
        if not todo or not self._usable("crossref"):
            return
        assert self.crossref is not None
        targets = [c.doi for j in todo for c in j.candidates.values() if c.doi]
        got = self.crossref.works([t for t in targets if t])
        self._failed(got.failure)
        for job in todo:
            stand_ins = list(job.candidates.values())
            job.candidates.clear()
            for cand in stand_ins:
                work = got.found.get((cand.doi or "").lower())
                if work is not None:
                    job.add(from_crossref(work, "crossref-relation"))

    # ================================================================== judging

    def _s2_year(self, job: _Job) -> int | None:
        """The year of Semantic Scholar's venue, when a hint names the same venue with its year."""
        if job.s2 is None:
            return None
        venue = self.venues.find(*job.s2.venue_names, job.s2.venue, job.s2.journal_name)
        for hint in job.hints:
            if venue is not None and hint.venue is venue and hint.year and not hint.workshop:
                return hint.year
        return None

    def _decide(self, job: _Job) -> None:
        if job.s2 is not None and not any(c.source == "crossref" and "s2" in c.found_by
                                          for c in job.candidates.values()):
            stand_in = from_s2(job.s2, self.venues, self._s2_year(job))
            if stand_in is not None and not any(c.source == "s2" for c in job.candidates.values()):
                job.add(stand_in)
        self._merge_s2_venue(job)
        job.judged = [(c, judge(job.evidence, c, also=job.s2_evidence)) for c in job.candidates.values()]
        picked = choose(job.judged)
        job.winner, job.tie, job.reason = picked.winner, picked.tie, picked.reason

    def _merge_s2_venue(self, job: _Job) -> None:
        """Semantic Scholar's venue and a DBLP record of that venue for the same paper are one publication.

        The DBLP record brings the year, volume and pages S2 lacks; S2's record
        brings its identifier link.  Only when the DBLP record is the paper S2
        describes (or the preprint itself) by the verification rules.
        """
        stand_in = next((c for c in job.candidates.values() if c.source == "s2"), None)
        if stand_in is None:
            return
        for cand in list(job.candidates.values()):
            if cand.source != "dblp" or not _same_venue(stand_in, cand, self.venues):
                continue
            ev = cand.evidence()
            if verify(job.evidence, ev).accepted or (job.s2_evidence is not None
                                                     and verify(job.s2_evidence, ev).accepted):
                cand.found_by |= stand_in.found_by
                job.candidates.pop(stand_in.identity, None)
                return

    # ================================================================== one request per unsettled paper

    def _needs_dblp(self, job: _Job) -> bool:
        """Whether DBLP is the place to look: the paper points at a venue without DOIs (ICLR, NeurIPS…),
        or Semantic Scholar names a conference (or a venue the table does not know) without its DOI."""
        if job.s2 is not None and job.s2.venue_name and not job.s2.doi:
            venue = self.venues.find(*job.s2.venue_names, job.s2.venue, job.s2.journal_name)
            if venue is None or not venue.doi or venue.kind == "conference":
                return True
        return any(not h.venue.doi for h in job.hints)

    @staticmethod
    def _has_lead(job: _Job) -> bool:
        """Whether something says the paper was published (Semantic Scholar's venue, a venue in the arXiv
        comment or journal reference, the arXiv record's DOI): what makes a fallback search worth its cost."""
        return bool(job.hints or job.arxiv_doi or (job.s2 is not None and job.s2.venue_name))

    def _route(self, job: _Job) -> tuple[str, ...]:
        """The services to search for one paper, in order: DBLP first for venues without DOIs, else Crossref;
        the other only when the first is down.  DBLP asks for seconds between requests, so a blind title search
        (no lead at all) is never moved to it: with Crossref down that would make the run several times slower."""
        if self._needs_dblp(job):
            return ("dblp", "crossref")
        return ("crossref", "dblp") if self._has_lead(job) else ("crossref",)

    def _search(self, jobs: list[_Job]) -> None:
        if not jobs:
            return
        planned = {"dblp": 0, "crossref": 0}
        orders = [(job, self._route(job)) for job in jobs]
        for _job, order in orders:
            first = next((s for s in order if self._usable(s)), None)
            if first:
                planned[first] += 1
        for service, n in planned.items():
            if n:
                self.on_plan(service, n)
        for job, order in orders:
            self._advance(1)
            for service in order:
                if not self._usable(service):
                    continue
                result = self._search_dblp(job) if service == "dblp" else self._search_crossref(job)
                if isinstance(result, Outage):
                    self._failed(result)
                    if takes_service_down(result):
                        continue  # that service is out for the run: the other one, for this paper and the rest
                    break
                job.searched.append(service)
                break

    def _search_dblp(self, job: _Job) -> Outage | None:
        assert self.dblp is not None
        title = job.entry.title or ""
        if job.s2 is not None and job.s2.title:
            similarity, _ = title_similarity(title, job.s2.title)
            if similarity < TITLE_MATCH:
                title = job.s2.title  # Semantic Scholar knows the paper under another (the published?) title
        hits = self.dblp.search(query_for(title))
        if isinstance(hits, Outage):
            return hits
        for hit in hits:
            job.add(from_dblp(hit, "dblp-search", self.venues))
        return None

    def _search_crossref(self, job: _Job) -> Outage | None:
        assert self.crossref is not None
        first = job.entry.authors[0].last if job.entry.authors else ""
        works = self.crossref.search(f"{job.entry.title or ''} {first}".strip(), rows=5, from_year=job.evidence.year)
        if isinstance(works, Outage):
            return works
        for work in works:
            job.add(from_crossref(work, "crossref-search"))
        return None

    # ================================================================== outcome

    def _finish(self, job: _Job) -> None:
        entry = job.entry
        ranked = sorted(job.judged, key=lambda cj: (not cj[1].accepted, -cj[1].confidence))
        candidates = [{**c.summary(), **j.as_dict()} for c, j in ranked[:REPORT_CANDIDATES]]
        looked = [s for s in ("s2", "openalex", "crossref", "dblp") if getattr(self, s) is not None]
        if job.winner is None:
            down = [self.down[s].label for s in looked if s in self.down]
            if job.tie:
                status, reason = UpgradeStatus.AMBIGUOUS, job.reason
            elif not job.candidates and not job.searched and (down or self.offline_misses):
                status = UpgradeStatus.NOT_LOOKED_UP
                reason = f"{', '.join(down)} not available" if down else "offline and not in the cache"
            else:
                status, reason = UpgradeStatus.NONE, job.reason if job.judged else "no published version found"
            entry.record.upgrade = UpgradeReport(status, reason, candidates=candidates, unasked=down)
            return
        cand, verdict = job.winner
        apply = self.prefer is Prefer.PUBLISHED and job.keep is None
        entry.record.upgrade = UpgradeReport(
            UpgradeStatus.UPGRADED if apply else UpgradeStatus.FOUND, verdict.reason,
            kind=cand.kind, venue=cand.container, year=cand.year, doi=cand.doi, source=cand.source,
            found_by=sorted(cand.found_by), confidence=verdict.confidence, candidates=candidates,
            renamed=verdict.renamed, published_title=cand.title if verdict.renamed else None,
            workshop=cand.workshop, kept=job.keep, preprint_doi=job.preprint_doi,
        )
        if apply:
            self._apply(job, cand, verdict)
        elif self.prefer is Prefer.PREPRINT:
            self._back_to_preprint(job)

    def _apply(self, job: _Job, cand: Published, verdict: Judgement) -> None:
        entry, report = job.entry, job.report
        source, confidence, detail = cand.source, verdict.confidence, cand.record
        venue = self.venues.find(cand.container)
        kind = cand.kind
        if venue is not None and kind in ("inproceedings", "article"):
            kind = venue.entry_type  # AAAI's proceedings are a "journal" at Crossref; TMLR a journal at DBLP
        if kind == "incollection" and not cand.publisher:
            kind = "inproceedings"  # BibTeX's @incollection needs a publisher
        name = venue.name(self.style, cand.year) if venue is not None else cand.container
        upgrade = entry.record.upgrade
        assert upgrade is not None  # set by _finish

        def put(field_name: str, value: Any) -> None:
            # forced: a .bib entry gets here only when its venue fields are empty or say "arXiv"
            set_field(entry, report, field_name, value, source=source, confidence=confidence, detail=detail,
                      force=True)

        put("entry_type", kind)
        if kind == "article":
            put("journal", name)
            put("booktitle", None)
            put("volume", cand.volume)
            put("number", cand.number)
            put("publisher", None)
        else:
            put("booktitle", name)
            put("journal", None)
            put("volume", cand.volume)
            put("number", None if cand.volume else cand.number)  # BibTeX: "can't use both volume and number"
            put("publisher", cand.publisher)
            if cand.series and entry.extra.get("series") != cand.series:
                entry.extra["series"] = cand.series
                entry.provenance["extra:series"] = Provenance(source, confidence, detail)  # a rebuild keeps it
                report.fields_set["extra.series"] = {"source": source, "confidence": round(confidence, 4),
                                                     "detail": detail}
        put("pages", cand.pages)
        for name_ in ("howpublished",):
            if name_ in entry.extra and _arxiv_marker(entry.extra[name_]):
                del entry.extra[name_]
                report.fields_set[f"extra.{name_}"] = {"source": source, "cleared": True}
        if cand.year:  # the publication's date replaces the preprint's (a venue year has no arXiv day)
            put("date", PartialDate(cand.year, cand.month))
        if (entry.ids.doi or None) != (cand.doi or None) and not _keeps_arxiv_record_doi(job, cand):
            if is_arxiv_doi(entry.ids.doi) and not upgrade.preprint_doi:
                upgrade.preprint_doi = entry.ids.doi
            entry.set_id("doi", cand.doi, source, confidence, detail)
            report.fields_set["ids.doi"] = {"source": source, "confidence": round(confidence, 4), "detail": detail,
                                            **({"cleared": True} if cand.doi is None else {})}
        for name_ in _VENUE_FIELDS:  # what this publication lacks is decided too: no earlier venue's value returns
            if getattr(entry, name_) is None:
                entry.provenance[name_] = Provenance(source, confidence, "the publication has none")
        if "series" not in entry.extra:
            entry.provenance["extra:series"] = Provenance(source, confidence, "the publication has none")
        if verdict.renamed and cand.title and not user_owned(entry, "title") and \
                normalize_title(cand.title) != normalize_title(entry.title):
            upgrade.preprint_title = entry.title
            set_field(entry, report, "title", cand.title, source=source, confidence=confidence, detail=detail)

    def _back_to_preprint(self, job: _Job) -> None:
        """``prefer="preprint"``: the preprint is cited; undo a venue arXiv's own journal reference made of it.

        The venue fields this run leaves empty are marked as decided now
        (provenance ``prefer-preprint``), so a rebuild over an output that cited
        the publication does not bring its venue back as "found earlier".
        """
        entry, report = job.entry, job.report
        if entry.bib is not None:
            return
        for name in _VENUE_FIELDS:
            if getattr(entry, name) is None and name not in entry.provenance:
                entry.provenance[name] = Provenance("prefer-preprint", 1.0, "the published version is only reported")
        prov = entry.provenance.get("entry_type")
        if prov is None or prov.source != "arxiv" or entry.entry_type == "preprint":
            return
        set_field(entry, report, "entry_type", "preprint", source="prefer-preprint", confidence=1.0, detail=None)
        for name in ("journal", "booktitle", "volume", "number", "pages"):
            p = entry.provenance.get(name)
            if getattr(entry, name) is not None and p is not None and p.source == "arxiv":
                set_field(entry, report, name, None, source="prefer-preprint", confidence=1.0, detail=None)
        if entry.ids.doi and not is_arxiv_doi(entry.ids.doi) and entry.ids.arxiv:
            entry.set_id("doi", entry.ids.arxiv_doi, "prefer-preprint", 1.0, None)
            report.fields_set["ids.doi"] = {"source": "prefer-preprint", "confidence": 1.0}


def _keeps_arxiv_record_doi(job: _Job, cand: Published) -> bool:
    """Whether the publication DOI the arXiv record names stays although the chosen candidate has no DOI.

    A candidate from Semantic Scholar or DBLP alone carries no DOI (Crossref was down, or never had it); the
    journal DOI the authors gave arXiv is still the publication's, as a run without the upgrade writes it.
    It goes only when Crossref's record of it was judged and refused (another paper).
    """
    if cand.doi or not job.arxiv_doi or (job.entry.ids.doi or "").lower() != job.arxiv_doi:
        return False
    return not any((c.doi or "").lower() == job.arxiv_doi and not j.accepted for c, j in job.judged)


def _same_venue(a: Published, b: Published, venues: VenueTable) -> bool:
    va, vb = venues.find(a.container), venues.find(b.container)
    if va is not None and va is vb:
        return True
    return bool(a.container) and normalize_title(a.container) == normalize_title(b.container)
