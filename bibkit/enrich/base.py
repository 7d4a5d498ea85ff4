"""The contract between the enrichment orchestrator and each enricher.

An enricher (arXiv/HF resolution, GitHub repositories, later venues) is any
object with ``name``, ``services`` (what it needs from ``--only``) and
``enrich(entries, ctx)``.  It sets model fields through
:meth:`bibkit.model.Entry.set` / ``set_id`` (so provenance is recorded), and
writes what it did into the entry's :class:`~bibkit.record.EntryReport`
(``ctx.report(entry)``, kept on the entry's record).  It never raises for one
entry's trouble: it records a problem and moves on.  Service-wide trouble (no
network, quota gone) is recorded once with :meth:`EnrichContext.outage`: the
:class:`~bibkit.outcomes.Outage` value decides ``network_ok``, the message is
only for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

from ..config import Settings
from ..http import HttpLayer
from ..model import Entry
from ..outcomes import Notice, Outage
from ..record import Candidate, EntryReport

__all__ = ["Candidate", "EnrichContext", "Enricher", "EntryReport"]


@dataclass
class EnrichContext:
    """Everything an enricher may use; built once per run by the orchestrator."""

    settings: Settings
    http: HttpLayer
    only: frozenset[str]  # services allowed this run: subset of bibkit.enrich.SERVICES
    #: run-wide messages, each once ("GitHub quota exhausted until 14:05 — set GITHUB_TOKEN"); a
    #: :class:`~bibkit.outcomes.Notice` carries the outage it reports
    notices: list[str] = field(default_factory=list)
    on_progress: Callable[[str, int], None] = lambda stage, n: None  # stage name, entries done (increment)
    code_note: bool = False

    def start(self, entry: Entry) -> EntryReport:
        """A fresh report for ``entry`` (the orchestrator calls this once per entry before any enricher runs)."""
        rep = EntryReport(key=entry.key, title=entry.title, source=str(entry.origin) if entry.origin else None)
        entry.record.enrichment = rep
        return rep

    def report(self, entry: Entry) -> EntryReport:
        """The entry's report for this run (on its record), started on first use."""
        rep = entry.record.enrichment
        return rep if rep is not None else self.start(entry)

    def notice(self, message: str) -> None:
        """Tell the user something once (a :class:`~bibkit.outcomes.Notice` keeps its outage)."""
        if message not in self.notices:
            self.notices.append(message)

    def outage(self, outage: Outage, message: str) -> None:
        """Record a service's trouble: the value decides ``network_ok``, ``message`` is what the user reads."""
        self.notice(Notice(message, outage))

    @property
    def outages(self) -> list[Outage]:
        """The outages the enrichers reported, in order."""
        return [n.outage for n in self.notices if isinstance(n, Notice) and n.outage is not None]


class Enricher(Protocol):
    """One enrichment step, as :func:`bibkit.enrich.enrich_document` runs them in order.

    ``services`` names what it needs from ``--only``: the step runs when any
    of them is allowed.  A new step (e.g. upgrading preprints to their
    published versions) is a class with these three members, added to
    :func:`bibkit.enrich.default_enrichers`.
    """

    name: str
    services: frozenset[str]

    def enrich(self, entries: list[Entry], ctx: EnrichContext) -> None: ...
