"""``sync``: detect Zotero, read the library, plan, apply — the function behind ``zotero-bridge sync``.

The sequence, each step a plain function of the one before:

1. :func:`~zotero_bridge.detect.detect` — which Zotero, which transports;
2. :func:`read_snapshot` — collections, top-level items and (when the entries
   carry code links) attachments, through the local API when it is on;
3. :func:`~zotero_bridge.plan.make_plan` — pure;
4. :class:`~zotero_bridge.apply.LocalApplier` (Zotero 10) or
   :class:`~zotero_bridge.apply.ConnectorApplier` (7–9) — unless ``dry_run``.

A second run over the same input plans everything ``unchanged`` and sends no
write request (the tests assert on the double's request log).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from bibkit.config import Settings, load_settings
from bibkit.errors import ExitCode
from bibkit.model import Document, Entry
from bibkit.outcomes import Transport

from .apply import (
    DONE,
    ApplyResult,
    ConnectorApplier,
    LocalApplier,
    Outcome,
    Status,
    count_statuses,
    find_target,
    initial_outcomes,
)
from .auth import KeyProvider
from .detect import ZoteroStatus, detect, version_tuple
from .keystore import KeyStore
from .library import Snapshot
from .mapping import item_type_for
from .options import SyncOptions
from .plan import Action, Capabilities, Plan, make_plan
from .schema import Schema
from .state import LocalRecord
from .transport import Connector, LocalApi, RequestCount, ZoteroHttp


@dataclass
class SyncResult:
    """Everything a sync run did or would do (``dry_run``), for the summary, ``--report`` and tests."""

    plan: Plan
    status: ZoteroStatus
    transport: Transport
    dry_run: bool
    outcomes: list[Outcome]
    requests: RequestCount
    collections_created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    interrupted: bool = False

    def counts(self) -> dict[str, int]:
        return count_statuses(self.outcomes)

    @property
    def problems(self) -> list[str]:
        """Run-level problems first (they explain the rest), then one line per entry to look at."""
        return self.problem_lines()

    def problem_lines(self, fold: int | None = None) -> list[str]:
        """:attr:`problems`; with ``fold``, entries sharing one status and cause beyond ``fold`` are one line
        (the summary: 86 entries blocked by one missing collection are one line, not 86)."""
        lines = list(self.plan.problems)
        if self.error and self.error not in lines:
            lines.append(self.error)
        groups: dict[tuple[str, str], list[str]] = {}
        for o in self.outcomes:
            if o.problem:
                groups.setdefault((o.status.value, o.message or ""), []).append(
                    f"#{o.index + 1} {self.plan.items[o.index].label}")
        for (status, message), items in groups.items():
            if fold is not None and len(items) > fold:
                shown = ", ".join(items[:fold])
                lines.append(f"{len(items)} entries {status}: {message} ({shown}, …)")
            else:
                lines += [f"{item}: {status}: {message}" for item in items]
        return lines

    @property
    def complete(self) -> bool:
        """Everything is in Zotero as asked (or was skipped as a harmless duplicate)."""
        if self.error or self.interrupted:
            return False
        return all((o.status in DONE or o.status is Status.SKIPPED) and not o.problem for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if self.dry_run:  # the code the real run would end with: 6 when it could not do everything planned
            return ExitCode.ZOTERO if self.error or self.plan.blocked else ExitCode.OK
        return ExitCode.OK if self.complete else ExitCode.ZOTERO

    def summary_rows(self) -> list[tuple[str, Any]]:
        rows: list[tuple[str, Any]] = [
            ("Zotero", f"{self.status.version or '?'} at {self.status.url}"),
            ("transport", self.transport + ("" if self.plan.readable else " (library not readable: local API off)")),
        ]
        into = {path for p in self.plan.items for path in p.into}
        if into:  # --collection-per-tag
            parent = self.plan.collection
            made = f"; {len(self.collections_created)} created" if self.collections_created else ""
            untagged = sum(1 for p in self.plan.items if p.into == [parent])
            rest = f"; {untagged} untagged in {parent} itself" if untagged else ""
            rows.append(("collections", f"{len(into - {parent})} under {parent}, one per tag{rest}{made}"))
        else:
            rows.append(("collection", self.plan.collection + (" (created)" if self.collections_created else "")))
        rows += [
            ("entries", len(self.outcomes)),
        ]
        counts = self.counts() if not self.dry_run else self.plan.counts()
        for name in ("create", "created", "update", "updated", "add-to-collection", "added", "unchanged", "skip",
                     "skipped", "blocked", "partial", "failed", "unknown", "not-done"):
            if counts.get(name):
                rows.append((name, counts[name]))
        auth = f", {self.requests.authorizations} authorization prompt(s)" if self.requests.authorizations else ""
        rows.append(("requests", f"{self.requests.reads} reads, {self.requests.writes} writes{auth}"))
        return rows

    def as_dict(self) -> dict[str, Any]:
        plan = self.plan.as_dict()
        for item, outcome in zip(plan["items"], self.outcomes):
            item["status"] = outcome.status.value
            item["zotero_key"] = outcome.key or item["zotero_key"]
            item["message"] = outcome.message
        return {
            "zotero": self.status.as_dict(),
            "transport": self.transport,
            "dry_run": self.dry_run,
            "complete": self.complete,
            "counts": self.counts(),
            "collections_created": self.collections_created,
            "requests": self.requests.as_dict(),
            "notes": self.notes,
            "problems": self.problems,
            "interrupted": self.interrupted,
            "error": self.error,
            "plan": plan,
        }


def read_snapshot(api: LocalApi, *, need_children: bool) -> Snapshot:
    """Collections, top-level items and (if needed) all attachments, through the local API."""
    collections = api.collections()
    items, version = api.items_top()
    snap = Snapshot(items=items, collections=collections, library_version=version)
    if need_children:
        known = [i.get("__meta__", {}).get("numChildren") for i in items]
        if any(n is None or n > 0 for n in known):
            for att in api.attachments():
                parent = att.get("parentItem")
                if parent:
                    snap.children.setdefault(parent, []).append(att)
        snap.children_loaded = True
    return snap


def schema_for(status: ZoteroStatus, api: LocalApi | None, entries: Iterable[Entry]) -> Schema:
    """The item-type fields of the running Zotero: asked when the local API is on, else inferred from the version."""
    if api is None:
        version = version_tuple(status.version)
        return Schema.legacy() if version[:3] and version < (7, 0, 16) else Schema()
    schema = Schema()
    for item_type in sorted({item_type_for(e) for e in entries}):
        names = api.item_type_fields(item_type)
        if names:
            schema.refine(item_type, names)
    return schema


def as_entries(entries: Iterable[Entry] | Document) -> list[Entry]:
    """The entries of a Document, or any iterable of entries, as a list."""
    return list(entries.entries if isinstance(entries, Document) else entries)


@dataclass
class Connection:
    """What a run knows once connected: which Zotero, the transport, and what its library holds."""

    http: ZoteroHttp
    status: ZoteroStatus
    transport: Transport
    api: LocalApi | None  # None when the local API is off (nothing can be read)
    schema: Schema
    snapshot: Snapshot

    @property
    def notes(self) -> list[str]:
        return list(self.status.advice())


@contextmanager
def connect(entries: list[Entry], settings: Settings, *, via: str | None = None, timeout: float | None = None,
            check: Callable[[ZoteroStatus, Transport], None] | None = None) -> Iterator[Connection]:
    """Detect Zotero, choose the transport, read the schema and the library: steps 1–2 of every sync run.

    ``check(status, transport)`` runs before anything is read (e.g. to refuse
    what the transport cannot do); the library is read only through the local
    API (``Snapshot.unreadable()`` without it), with child attachments when an
    entry has a code link to compare.
    """
    with ZoteroHttp(settings, timeout=timeout) as http:
        status = detect(http)
        transport = status.choose(via)
        if check is not None:
            check(status, transport)
        api = LocalApi(http, status.server_id) if status.can_read else None
        schema = schema_for(status, api, entries)
        snapshot = read_snapshot(api, need_children=any(e.code_repo for e in entries)) if api else Snapshot.unreadable()
        yield Connection(http, status, transport, api, schema, snapshot)


Progress = Callable[[int], None]
Notify = Callable[[str], None]


def sync(
    entries: Iterable[Entry] | Document,
    collection: str,
    *,
    tags: Iterable[str] = (),
    via: str | None = None,
    dry_run: bool = False,
    settings: Settings | None = None,
    prune_tags: str | None = None,
    resave_unknown: bool = False,
    timeout: float | None = None,
    authorize_timeout: float = 300.0,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> SyncResult:
    """Put ``entries`` into the Zotero collection ``collection`` (``Parent/Child`` path) with ``tags``.

    The keyword form of :func:`run_sync`; the options are those of
    :class:`~zotero_bridge.options.SyncOptions`.  ``progress(n)`` is called as
    entries are done; ``notify(text)`` for messages the user must see while
    the run waits (Zotero's authorization window).

    Raises :class:`~zotero_bridge.transport.ZoteroError` when Zotero cannot be
    reached or the forced transport is unavailable; problems met while applying
    are returned in the result (``result.exit_code`` is 6 unless complete).
    """
    options = SyncOptions(tuple(tags), Transport(via) if via not in (None, "auto") else None, dry_run, prune_tags,
                          resave_unknown, timeout, authorize_timeout)
    return run_sync(entries, collection, options, settings=settings, progress=progress, notify=notify)


def run_sync(entries: Iterable[Entry] | Document, collection: str, options: SyncOptions = SyncOptions(), *,
             settings: Settings | None = None, progress: Progress | None = None,
             notify: Notify | None = None) -> SyncResult:
    """Detect Zotero, read the library, plan, and (unless ``options.dry_run``) apply: see the module docstring."""
    entries = as_entries(entries)
    settings = settings or load_settings()
    with connect(entries, settings, via=options.via, timeout=options.timeout) as conn:
        http, status, transport, snapshot = conn.http, conn.status, conn.transport, conn.snapshot
        caps = (Capabilities.local(status.version or "10") if transport is Transport.LOCAL
                else Capabilities.connector(status.version or ""))
        record = LocalRecord(settings.config_dir, settings.zotero_url) if transport is Transport.CONNECTOR else None
        plan = make_plan(
            entries, snapshot, collection, tags=options.tags, prune_prefix=options.prune_tags, schema=conn.schema,
            capabilities=caps, local_record=record.entries if record is not None and not snapshot.readable else None,
            resave_unknown=options.resave_unknown, record_damage=record.damage_line() if record is not None else None,
        )
        notes = conn.notes
        if options.dry_run:
            if transport is Transport.CONNECTOR:
                _block_creates_without_target(plan, Connector(http))
            return SyncResult(plan, status, transport, True, initial_outcomes(plan), http.count, notes=notes)
        applied = apply_plan(plan, conn, settings, record, authorize_timeout=options.authorize_timeout,
                             progress=progress, notify=notify)
        notes += applied.notes
        return SyncResult(plan, status, transport, False, applied.outcomes, http.count,
                          collections_created=applied.collections_created, notes=notes,
                          error=applied.error, interrupted=applied.interrupted)


def _block_creates_without_target(plan: Plan, connector: Connector) -> None:
    """A dry run through the connector asks (read-only) whether the target collection exists, as the real
    run does first: when it does not, the new items are blocked in the plan too, so the dry run ends with
    the exit code the real run would (6)."""
    creates = plan.by_action(Action.CREATE)
    if not creates or plan.missing_collections:
        return
    target, _note = find_target(connector.selected_collection(), plan.collection)
    if target is None:
        for p in creates:
            p.blocked = f"collection {plan.collection!r} is missing (create it in Zotero first)"


def apply_plan(
    plan: Plan,
    conn: Connection,
    settings: Settings,
    record: LocalRecord | None,
    *,
    authorize_timeout: float = 300.0,
    progress: Progress | None = None,
    notify: Notify | None = None,
    keys: KeyProvider | None = None,
) -> ApplyResult:
    """Apply one plan over an open connection, with its transport (the part of :func:`run_sync` after planning).

    ``record`` is the local record of connector saves (``None`` for the local
    API); ``keys`` shares one authorization between several local writes of a run.
    """
    status, transport, http, api, snapshot = conn.status, conn.transport, conn.http, conn.api, conn.snapshot
    settled = sum(1 for p in plan.items if not p.writes)
    if progress is not None and settled:  # entries that need no write are done already
        progress(settled)
    if transport is Transport.LOCAL:
        assert api is not None
        keys = keys or KeyProvider(api, KeyStore(settings.config_dir), timeout=authorize_timeout, notify=notify)
        return LocalApplier(api, keys, plan, snapshot, progress=progress).run()
    assert record is not None
    applied = ConnectorApplier(Connector(http), plan, record, zotero_version=status.version, api=api,
                               progress=progress).run()
    if snapshot.readable:
        # the library is the truth: what is verified there is recorded as saved (clearing "unknown"
        # marks), so a later run without the local API still knows not to save it again
        verified = [(p.identity_key, p.entry.title or "") for p, o in zip(plan.items, applied.outcomes)
                    if p.identity_key and o.status in DONE
                    and (record.get(p.identity_key) or {}).get("status") != "saved"]
        if verified:
            record.mark(verified, "saved", plan.collection, "verified")
    return applied
