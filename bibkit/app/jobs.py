"""The main job and its variants: read → normalise → (enrich → normalise) → (tag) → write → (sync).

:func:`build` is the one pipeline; every other job here is :func:`build`
with stages switched off, so they cannot drift apart:

=====================  ==========================================================
``bibkit build``       :func:`build` (everything)
``bibkit convert``     :func:`convert` (no network, no tags)
``bibkit enrich``      :func:`enrich` (no tags)
``bibkit tag``         :func:`tag` (no network)
``bibkit collections`` :func:`collections` (no network, nothing written)
``zotero-bridge sync`` :func:`sync` (no network, nothing written, then the sync)
=====================  ==========================================================

>>> from bibkit.app import BuildOptions, TagOptions, build          # doctest: +SKIP
>>> result = build(["examples/hf-trending-papers.txt"], "refs.bib",
...                BuildOptions(tagging=TagOptions(rules="examples/tags.toml")))
>>> result.exit_code(strict=True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..config import Settings, load_settings
from ..errors import ExitCode
from ..model import Document, Problem
from ..normalize import KeyChange, LikelyDuplicate, Merge, normalise
from ..normalize.pinning import key_record
from ..record import KeySource
from ..reporting import entry_summary, plain, problem_summary, skipped_summary
from .collector import collector_paused
from .documents import key_formula, read_inputs, rekey_entries, render_pieces
from .options import BuildOptions, EnrichOptions, ReadOptions, TagOptions, WriteOptions
from .prior import PriorState, load_prior, pin_prior, repin_prior, settle_entries, settle_prior, write_locked

# The stages a job may not need are imported where they run, not here: ``bibkit convert`` (and every job
# with enrichment, tagging or the Zotero sync switched off) must start without the HTTP stack (requests,
# requests_cache, filelock), the enrichers, the tagging engine or the Zotero bridge.
if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers
    from zotero_bridge.syncing import SyncResult
    from zotero_bridge.transport import ZoteroError

    from ..enrich import EnrichResult
    from ..http import HttpLayer
    from ..tagging import RuleSet, TagResult
    from ..tagging.collections import CollectionSplit
    from .command_options import ZoteroTarget

__all__ = ["BuildResult", "CollectionsResult", "OnProgress", "build", "collections", "convert", "enrich",
           "load_ruleset", "sync", "tag"]

#: ``on_progress(stage, done, total, detail)``: called as work advances (a progress bar's feed)
OnProgress = Callable[[str, int, int, str], None]

#: what the per-entry report shows of each entry's enrichment
_ENRICHMENT_FIELDS = ("listing_title", "arxiv_id", "status", "confidence", "resolved_by", "reason", "candidates",
                      "fields_set", "repos")


def _quiet(stage: str, done: int, total: int, detail: str = "") -> None:
    """The progress feed when nobody listens."""


@dataclass
class BuildResult:
    """What :func:`build` (or one of its variants) did: reading, enrichment, tagging, writing, the Zotero sync.

    ``exit_code(strict)`` is the code the commands return: a Zotero sync that
    failed or did not complete is always an error (6); with ``strict`` a
    service that failed is 4 and unresolved/ambiguous entries are 5 — both
    decided from typed outcomes, never from messages.
    """

    document: Document
    read: int
    output: str | None
    backup: Path | None = None
    merges: list[Merge] = field(default_factory=list)
    kept_apart: list[LikelyDuplicate] = field(default_factory=list)  # look-alikes not merged (normalize.dedupe)
    prior: PriorState = field(default_factory=PriorState)  # keys issued earlier, the lock, what was kept
    rekeyed: list[KeyChange] = field(default_factory=list)  # --rekey: old -> new (the old key is an alias)
    zotero_keys: list[str] = field(default_factory=list)  # keys adopted from Zotero items ("old → new …")
    enrichment: EnrichResult | None = None
    tagging: TagResult | None = None
    sync: SyncResult | None = None
    zotero_error: ZoteroError | None = None  # the sync step failed (the output, if any, was written before)

    @property
    def problems(self) -> list[Problem]:
        return self.document.all_problems()

    def totals(self) -> dict[str, int]:
        return {"read": self.read, "written": len(self.document), "merged": len(self.merges),
                "problems": len(self.problems), "skipped_lines": self.skipped_lines}

    @property
    def skipped_lines(self) -> int:
        """Lines of pasted inputs that became no paper (headings, navigation, chatter), listed in the report."""
        return len(self.document.skipped)

    def key_counts(self) -> dict[str, int]:
        """How many keys were kept from earlier runs or pinned, given new, renamed (``--rekey``, or a key an input
        uses twice); user edits."""
        records = [key_record(e) for e in self.document.entries if e.key]
        sources = [r.source for r in records]
        # a key an input uses twice: the later entry got a postfix (its key record says what it was)
        duplicates = sum(1 for r in records if r.previous is not None and r.source is KeySource.INPUT)
        return {
            "kept": sum(1 for s in sources if s is not KeySource.FORMULA) - duplicates,
            "new": sum(1 for s in sources if s is KeySource.FORMULA) - len(self.rekeyed),
            "renamed": len(self.rekeyed),
            "renamed_duplicates": duplicates,
            "from_zotero": sum(1 for s in sources if s is KeySource.ZOTERO),
            "edited_entries": sum(1 for e in self.document.entries if e.record.edits),
            "edited_fields": sum(len(e.record.edits) for e in self.document.entries),
            "decisions": sum(1 for e in self.document.entries if e.record.decision is not None),
        }

    def exit_code(self, strict: bool = False) -> int:
        if self.zotero_error is not None:
            return self.zotero_error.exit_code
        if self.sync is not None and not self.sync.complete:
            return ExitCode.ZOTERO
        if strict and self.enrichment is not None:
            if not self.enrichment.network_ok:
                return ExitCode.NETWORK
            if self.enrichment.incomplete:
                return ExitCode.INCOMPLETE
        return ExitCode.OK

    def entry_rows(self) -> list[dict[str, Any]]:
        """One report row per written entry: its summary, tags, and what enrichment did (from its record)."""
        rows = []
        for e in self.document.entries:
            row = entry_summary(e)
            row["tags"] = list(e.tags)
            if e.record.key is not None:
                row["key_source"] = e.record.key.as_dict()
            if e.record.edits:
                row["user_edits"] = {x.group: x.as_dict() for x in e.record.edits}
            if e.record.decision is not None:
                row["decision"] = e.record.decision.as_dict()
            if e.record.tags_added is not None:
                row["tags_added"] = list(e.record.tags_added)
            rep = e.record.enrichment
            if rep is not None and self.enrichment is not None:
                d = rep.as_dict()
                for k in _ENRICHMENT_FIELDS:
                    row[k] = d[k]
            if e.record.upgrade is not None:
                row["upgrade"] = e.record.upgrade.as_dict()
            rows.append(row)
        return rows

    def as_dict(self) -> dict[str, Any]:
        """The ``--report`` JSON of ``build``, ``convert`` and ``enrich``."""
        out: dict[str, Any] = {
            "output": self.output,
            "backup": str(self.backup) if self.backup else None,
            "totals": self.totals(),
            "listing_date": self.document.metadata.get("listing_date"),
            "merged": [plain(m) for m in self.merges],
            "kept_apart": [g.as_dict() for g in self.kept_apart],
            "keys": {**self.key_counts(), "rekeyed": [{"old": c.old, "new": c.new} for c in self.rekeyed],
                     "from_zotero_changes": list(self.zotero_keys)},
            "prior": self.prior.as_dict(),
            "entries": self.entry_rows(),
            "problems": [problem_summary(p) for p in self.document.problems],
            "skipped_lines": skipped_summary(self.document),
        }
        if self.enrichment is not None:
            enrich = self.enrichment.as_dict()
            # enrichment totals (resolved/ambiguous/unresolved/by_step) and requests per service at top level
            out["totals"].update(enrich["totals"])
            for k, v in enrich.items():
                if k not in ("entries", "totals"):
                    out[k] = v
        if self.tagging is not None:
            out["tagging"] = {k: v for k, v in self.tagging.as_dict().items() if k != "entries"}
        if self.sync is not None:
            out["zotero"] = self.sync.as_dict()
        elif self.zotero_error is not None:
            # the sync could not even start: the report still says what was built, and why the run is exit 6
            # (the same two keys ``zotero-bridge sync --report`` gives then)
            out["zotero"] = {"error": str(self.zotero_error), "complete": False}
        return out

    def tag_report(self) -> dict[str, Any]:
        """The ``--report`` JSON of ``bibkit tag``: the tagging report, where it was written, what was merged."""
        out = self.tagging.as_dict() if self.tagging is not None else {}
        out["output"] = self.output
        out["backup"] = str(self.backup) if self.backup else None
        out["merged"] = [plain(m) for m in self.merges]
        return out


def load_ruleset(tagging: TagOptions | None) -> RuleSet | None:
    """The loaded rules of ``tagging`` (a path is read and checked completely: :class:`~bibkit.errors.InputError`)."""
    if tagging is None or tagging.rules is None:
        return None
    from ..tagging import RuleSet, load_rules

    if isinstance(tagging.rules, RuleSet):
        return tagging.rules
    return load_rules(str(tagging.rules))


def build(
    inputs: Sequence[str],
    out: str | None = None,
    options: BuildOptions = BuildOptions(),
    *,
    settings: Settings | None = None,
    http: HttpLayer | None = None,
    on_progress: OnProgress | None = None,
    notify: Callable[[str], None] | None = None,
) -> BuildResult:
    """The main job: read → normalise → enrich → normalise again → tag → write (→ sync to Zotero).

    ``out`` ``None`` writes nothing, ``"-"`` writes to stdout.  Options say
    which stages run (see :class:`~bibkit.app.options.BuildOptions`).  A bad
    key formula (:class:`~bibkit.errors.UsageError`) or rules file
    (:class:`~bibkit.errors.InputError`) stops the run before any input is
    read.  Enrichment never raises for a service being down: the result says
    so and :meth:`BuildResult.exit_code` decides what ``--strict`` makes of
    it.  A Zotero sync that cannot be done is :attr:`BuildResult.zotero_error`
    (the output was written first).  ``http`` shares a caller's HTTP layer;
    ``notify(text)`` gets what the user must see while a sync waits.
    """
    progress = on_progress or _quiet
    settings = settings or load_settings()
    formula = key_formula(options.read.key_format, settings)
    ruleset = load_ruleset(options.tagging)
    read = options.read
    bulk = collector_paused()  # the local stages only: the network ones run with it as it was
    with bulk:
        doc = read_inputs(inputs, read.fmt, strict=read.strict)
        result = BuildResult(doc, len(doc), out)
        progress("read", result.read, result.read, "")
        writes = out is not None and not options.dry_run
        result.prior = prior = load_prior(out, read.keys_from, to=options.write.to, inputs=inputs, read=doc,
                                          dry_run=not writes)
        pin_prior(doc, prior)
        first = normalise(doc, key_format=formula, dedupe=read.dedupe, merge_curated=read.merge_duplicates,
                          reserved=prior.reserved)
        result.merges, result.kept_apart = list(first.merges), list(first.kept_apart)
    if options.enrich is not None:
        enriched = doc.entries
        result.enrichment = _enrich(doc, options.enrich, options.write.code_note, settings, http, progress)
        again = normalise(doc, key_format=formula, dedupe=read.dedupe, recompute_keys=True,
                          merge_curated=read.merge_duplicates, reserved=prior.reserved)
        result.merges += again.merges
        result.kept_apart = list(again.kept_apart) or result.kept_apart
        repin_prior(doc, prior)
        for entry in enriched:  # keys were recomputed now that authors and years are known
            if entry.record.enrichment is not None:
                entry.record.enrichment.key = entry.key
    if options.zotero is not None and writes:
        from .zotero import adopt_zotero_keys

        result.zotero_keys = adopt_zotero_keys(doc, options.zotero, formula, settings=settings,
                                               reserved=prior.reserved)
    if read.rekey:
        result.rekeyed = rekey_entries(doc.entries, formula, force=read.force, reserved=prior.reserved)
    with bulk:
        if options.tagging is not None:
            settle_entries(doc, prior, tagged=True)  # tags follow the fields a rebuild keeps
            from ..tagging import tag_document

            result.tagging = tag_document(doc, ruleset, auto=options.tagging.auto, apply=not options.dry_run)
            progress("tag", len(doc), len(doc), "")
        settle_prior(doc, prior, tagged=options.tagging is not None)
        if options.dry_run:
            result.output = None
        elif out is not None:
            # in pieces: a big bibliography goes to its file a block at a time, never whole in memory
            pieces = render_pieces(doc, options.write.to, ascii=options.write.ascii,
                                   code_note=options.write.code_note)
            result.backup = write_locked(doc, out, pieces, options.write, prior, inputs=inputs)
            progress("write", len(doc), len(doc), "")
    if options.zotero is not None:
        result.sync, result.zotero_error = _sync(doc, options.zotero, settings, progress, notify)
    return result


def _enrich(doc: Document, options: EnrichOptions, code_note: bool, settings: Settings, http: HttpLayer | None,
            progress: OnProgress) -> EnrichResult:
    from ..enrich import SERVICES, Progress, enrich_document

    def on_enrich(ev: Progress) -> None:
        eta = f"~{ev.eta:.0f}s left" if ev.eta else ""
        progress(ev.stage, ev.done, ev.total, f"{ev.requests} requests {eta}".strip())

    return enrich_document(doc, settings, only=options.only or SERVICES, offline=options.offline,
                           refresh=options.refresh, http=http, on_progress=on_enrich, code_note=code_note,
                           recompute_keys=False, upgrade=options.upgrade, prefer=options.prefer,
                           venue_style=options.venue_style)


def _sync(doc: Document, target: ZoteroTarget, settings: Settings, progress: OnProgress,
          notify: Callable[[str], None] | None) -> tuple[SyncResult | None, ZoteroError | None]:
    from zotero_bridge.transport import ZoteroError

    from .zotero import sync_entries

    total, done = len(doc), 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        progress("zotero", done, total, "")

    try:
        return sync_entries(doc, target, settings=settings, progress=advance, notify=notify), None
    except ZoteroError as exc:
        return None, exc


def convert(inputs: Sequence[str], out: str | None = None, read: ReadOptions = ReadOptions(),
            write: WriteOptions = WriteOptions()) -> BuildResult:
    """Read inputs, normalise (merge duplicates, assign keys) and write one bibliography — no network, no tags."""
    return build(inputs, out, BuildOptions(read=read, write=write, enrich=None, tagging=None))


def enrich(inputs: Sequence[str], out: str | None = None, options: EnrichOptions = EnrichOptions(), *,
           read: ReadOptions = ReadOptions(), write: WriteOptions = WriteOptions(), settings: Settings | None = None,
           http: HttpLayer | None = None, on_progress: OnProgress | None = None) -> BuildResult:
    """Read, resolve and enrich every record, write (``bibkit enrich``): :func:`build` without tags."""
    return build(inputs, out, BuildOptions(read=read, write=write, enrich=options, tagging=None), settings=settings,
                 http=http, on_progress=on_progress)


def tag(inputs: Sequence[str], out: str | None, tagging: TagOptions, *, read: ReadOptions = ReadOptions(),
        write: WriteOptions = WriteOptions(), dry_run: bool = False) -> BuildResult:
    """Read inputs, tag them, and write the result to ``out`` (``-``: stdout) unless ``dry_run`` (``bibkit tag``).

    The same pipeline as ``bibkit build`` with the network stage switched off;
    :meth:`BuildResult.tag_report` is its report.
    """
    return build(inputs, out or "-", BuildOptions(read=read, write=write, enrich=None, tagging=tagging,
                                                  dry_run=dry_run))


@dataclass
class CollectionsResult:
    """``bibkit collections``: the tagged entries and their split into one collection per tag."""

    document: Document
    tagging: TagResult
    merges: list[Merge]
    split: CollectionSplit


def collections(inputs: Sequence[str], tagging: TagOptions, *, read: ReadOptions = ReadOptions(),
                parent: str | None = None, only: Sequence[str] | None = None) -> CollectionsResult:
    """Tag the inputs (in memory, as ``bibkit tag`` does) and split them into one collection per tag.

    It is the split ``zotero-bridge sync --collection-per-tag PARENT`` makes;
    ``only`` restricts it to some tags.
    """
    run = build(inputs, None, BuildOptions(read=read, enrich=None, tagging=tagging))
    assert run.tagging is not None
    from ..tagging.collections import split_by_tag

    split = split_by_tag(run.document.entries, parent, only=only)
    return CollectionsResult(run.document, run.tagging, run.merges, split)


def sync(inputs: Sequence[str], target: ZoteroTarget, *, read: ReadOptions = ReadOptions(),
         tagging: TagOptions | None = None, settings: Settings | None = None, on_progress: OnProgress | None = None,
         notify: Callable[[str], None] | None = None) -> BuildResult:
    """Read and normalise the inputs as ``bibkit build`` does, tag them when ``tagging`` is given, and sync them
    into Zotero (``zotero-bridge sync``).  Nothing is written; a sync that cannot be done is
    :attr:`BuildResult.zotero_error`.
    """
    options = BuildOptions(read=read, enrich=None, tagging=tagging, zotero=target)
    return build(inputs, None, options, settings=settings, on_progress=on_progress, notify=notify)
