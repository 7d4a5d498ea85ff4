"""``sync_per_tag``: one collection per tag — the function behind ``zotero-bridge sync --collection-per-tag PARENT``.

The split is bibkit's own (:func:`bibkit.tagging.batch.split_by_tag`, the one
``bibkit collections --parent PARENT`` shows): every tag an entry has becomes a
subcollection ``PARENT/<tag>`` and the entry goes into the collection of each of
its tags.  Tags differing only in letter case share one collection (named as
first seen); a tag containing ``/`` becomes a nested collection.  Entries
without any tag go into ``PARENT`` itself, so nothing of the input is left out.
Run-wide tags (``--tag``) are added to the items but make no collection.
An existing collection is reused when its path matches ignoring letter case.

What each Zotero can do:

* **Zotero 10** (local API writes): an item can be in several collections, so
  the missing collections are created (level by level, at most 50 per request,
  deterministic keys) and every entry is put into all of its tag collections;
  an item that already exists *joins* the collections it is not in yet — its
  ``collections`` list is sent as old + new, so the user's own filing is kept.
  A second run is all ``unchanged`` and writes nothing.
* **Zotero 7–9** (connector): ``updateSession`` puts each saved item into
  exactly *one* collection and cannot touch existing items, so
  ``--collection-per-tag`` works there only when every entry has at most one
  tag (e.g. ``--no-auto`` and rules giving one topic each), the collections
  already exist (the connector cannot create them: create them in Zotero),
  and the items are new.  When an entry would need several collections the run
  stops before saving anything and says so (upgrade to Zotero 10); half-filed
  items are never left behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from bibkit.config import Settings, load_settings
from bibkit.model import Document, Entry
from bibkit.outcomes import Transport
from bibkit.tagging.collections import split_by_tag

from .apply import BATCH, ApplyResult, Outcome, _chunks, _report_key, initial_outcomes, post_objects
from .auth import KeyProvider
from .detect import ZoteroStatus
from .itemkeys import collection_key_for
from .keystore import KeyStore
from .library import Snapshot, find_collection_loose, join_path, normalise_path, split_path
from .options import SyncOptions
from .plan import Capabilities, Plan, make_plan, retarget
from .state import LocalRecord
from .syncing import Connection, Notify, Progress, SyncResult, apply_plan, as_entries, connect
from .transport import USER_PREFIX, LocalApi, OutcomeUnknown, ZoteroError


def collections_per_entry(entries: list[Entry], parent: str) -> tuple[list[list[str]], list[str]]:
    """Per entry the collection paths it goes into, and all paths in order (parent first, then by size).

    The split is :func:`bibkit.tagging.collections.split_by_tag`'s, so it is exactly
    what ``bibkit collections --parent PARENT`` shows; untagged entries go into
    ``parent`` itself.
    """
    parent = normalise_path(parent)
    split = split_by_tag(entries, parent)
    paths = [parent]
    for coll in split.collections:
        path = normalise_path(coll.name)
        if path not in paths:
            paths.append(path)
    wanted = []
    for memberships in split.memberships:
        into: list[str] = []
        for coll in memberships:
            path = normalise_path(coll.name)
            if path not in into:
                into.append(path)
        wanted.append(into or [parent])
    return wanted, paths


def sync_per_tag(
    entries: Iterable[Entry] | Document,
    parent: str,
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
    """Sync ``entries`` into one subcollection of ``parent`` per tag (see the module docstring).

    The keyword form of :func:`run_sync_per_tag` (parameters as :func:`zotero_bridge.sync`).
    """
    options = SyncOptions(tuple(tags), Transport(via) if via not in (None, "auto") else None, dry_run, prune_tags,
                          resave_unknown, timeout, authorize_timeout)
    return run_sync_per_tag(entries, parent, options, settings=settings, progress=progress, notify=notify)


@dataclass
class _Run:
    """One per-tag sync: the entries, where each goes, the connection, and how."""

    entries: list[Entry]
    parent: str
    wanted: list[list[str]]  # per entry: the collection paths it goes into
    conn: Connection
    settings: Settings
    options: SyncOptions
    progress: Progress | None
    notify: Notify | None


def run_sync_per_tag(entries: Iterable[Entry] | Document, parent: str, options: SyncOptions = SyncOptions(), *,
                     settings: Settings | None = None, progress: Progress | None = None,
                     notify: Notify | None = None) -> SyncResult:
    """Sync ``entries`` into one subcollection of ``parent`` per tag.

    The entries' own tags decide the split (tag them first, e.g. with
    :func:`bibkit.tagging.tag_document`); ``options.tags`` are added to every
    item but make no collection.  The result is one
    :class:`~zotero_bridge.syncing.SyncResult` whose plan's ``collection`` is
    ``parent``; each planned item lists its collections in ``into``.

    Raises :class:`~zotero_bridge.transport.ZoteroError` when Zotero cannot be
    reached, or — before anything is saved — when the connector (Zotero 7–9)
    would have to put an entry into several collections.
    """
    entries = as_entries(entries)
    settings = settings or load_settings()
    parent = normalise_path(parent)
    if not split_path(parent):
        raise ZoteroError("--collection-per-tag needs a parent collection path, e.g. \"Reading\"")
    wanted, all_paths = collections_per_entry(entries, parent)

    def check(status: ZoteroStatus, transport: Transport) -> None:  # refuse before anything is read or saved
        if transport is Transport.CONNECTOR:
            _refuse_several(entries, wanted, status.version)

    with connect(entries, settings, via=options.via, timeout=options.timeout, check=check) as conn:
        run = _Run(entries, parent, wanted, conn, settings, options, progress, notify)
        if conn.transport is Transport.LOCAL:
            return _sync_local(run, all_paths)
        return _sync_connector(run)


def _refuse_several(entries: list[Entry], wanted: list[list[str]], version: str | None) -> None:
    several = [(e, paths) for e, paths in zip(entries, wanted) if len(paths) > 1]
    if not several:
        return
    e, paths = several[0]
    example = f"{e.key or e.title or 'the first one'!s} → {', '.join(paths)}"
    raise ZoteroError(
        f"--collection-per-tag: {len(several)} of {len(entries)} entries have several tags and so belong in several "
        f"collections (e.g. {example}), but Zotero {version or '7–9'} can put a saved item into only one collection "
        f"from outside (the connector files each item into exactly one, and cannot add existing items to another). "
        f"Nothing was saved. Upgrade to Zotero 10 (with the local API on), or give each entry one tag "
        f"(e.g. --no-auto and rules with one topic each; 'bibkit collections' shows the split)."
    )


# --------------------------------------------------------------------------- Zotero 10


def _sync_local(run: _Run, all_paths: list[str]) -> SyncResult:
    conn, opts, parent = run.conn, run.options, run.parent
    status, http, api, snapshot = conn.status, conn.http, conn.api, conn.snapshot
    assert api is not None
    notes = conn.notes
    caps = Capabilities.local(status.version or "10")
    plan = make_plan(run.entries, snapshot, parent, tags=opts.tags, prune_prefix=opts.prune_tags, schema=conn.schema,
                     capabilities=caps)
    keys_of: dict[str, str] = {}
    missing: list[str] = []
    for path in _with_ancestors(all_paths):
        key = find_collection_loose(snapshot, path)
        if key is None:
            missing.append(path)
            key = collection_key_for(path)  # the key the creation will use (placeholder in a dry run)
        keys_of[path] = key
    _point(plan, run.wanted, keys_of)
    plan.missing_collections = missing
    if opts.dry_run:
        if missing:
            notes.append(f"{len(missing)} collection(s) would be created: " + ", ".join(missing))
        return SyncResult(plan, status, Transport.LOCAL, True, initial_outcomes(plan), http.count, notes=notes)
    keys = KeyProvider(api, KeyStore(run.settings.config_dir), timeout=opts.authorize_timeout, notify=run.notify)
    created: list[str] = []
    if missing:
        try:
            real, created = ensure_collections(api, keys, snapshot, missing, keys_of)
        except ZoteroError as exc:
            outcomes = initial_outcomes(plan)
            return SyncResult(plan, status, Transport.LOCAL, False, outcomes, http.count, collections_created=created,
                              notes=notes, error=f"could not create the collections: {exc}")
        keys_of.update(real)
        _point(plan, run.wanted, keys_of)
    plan.missing_collections = []
    plan.collection_key = keys_of[parent]
    applied = apply_plan(plan, conn, run.settings, None, authorize_timeout=opts.authorize_timeout,
                         progress=run.progress, notify=run.notify, keys=keys)
    notes += applied.notes
    return SyncResult(plan, status, Transport.LOCAL, False, applied.outcomes, http.count,
                      collections_created=created + applied.collections_created, notes=notes,
                      error=applied.error, interrupted=applied.interrupted)


def _with_ancestors(paths: Iterable[str]) -> list[str]:
    """Every path and each of its parents, parents first, each once."""
    out: list[str] = []
    for path in paths:
        parts = split_path(path)
        for i in range(1, len(parts) + 1):
            prefix = join_path(parts[:i])
            if prefix not in out:
                out.append(prefix)
    return out


def _point(plan: Plan, wanted: list[list[str]], keys_of: dict[str, str]) -> None:
    for p in plan.items:
        paths = wanted[p.index]
        retarget(p, [keys_of[path] for path in paths])
        p.into = list(paths)


def ensure_collections(api: LocalApi, keys: KeyProvider, snapshot: Snapshot, paths: list[str],
                       planned_keys: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Create the collections at ``paths`` (parents listed before children), level by level, ≤ 50 per request.

    Each gets the deterministic key :func:`~zotero_bridge.itemkeys.collection_key_for`
    and ``version: 0``, so a retry never makes a second one: a key that is taken
    (412) or an answer that was lost is settled by reading the collections again
    and looking the path up.  Returns path → key and the paths created.
    """
    keys_of: dict[str, str] = {}
    created: list[str] = []
    by_depth: dict[int, list[str]] = {}
    for path in paths:
        by_depth.setdefault(len(split_path(path)), []).append(path)
    for depth in sorted(by_depth):
        for chunk in _chunks(by_depth[depth], BATCH):
            objs: list[dict[str, Any]] = []
            for path in chunk:
                parts = split_path(path)
                parent_path = join_path(parts[:-1])
                parent_key = (keys_of.get(parent_path) or find_collection_loose(snapshot, parent_path)
                              if len(parts) > 1 else None)
                objs.append({"key": planned_keys.get(path) or collection_key_for(path), "version": 0,
                             "name": parts[-1], "parentCollection": parent_key or False})
            try:
                report = post_objects(api, keys, f"{USER_PREFIX}/collections", objs)
            except OutcomeUnknown:
                report = None
            failed = (report or {}).get("failed") or {}
            unsettled: list[tuple[str, dict[str, Any]]] = []
            for i, (path, obj) in enumerate(zip(chunk, objs)):
                f = failed.get(str(i))
                if report is not None and f is None:
                    keys_of[path] = _report_key(report, str(i)) or obj["key"]
                    created.append(path)
                elif f is not None and f.get("code") != 412:
                    raise ZoteroError(f"Zotero refused to create the collection {path!r}: {f.get('code')} "
                                      f"{f.get('message')}")
                else:
                    unsettled.append((path, obj))
            if unsettled:
                snapshot.collections = api.collections()
                for path, obj in unsettled:
                    found = find_collection_loose(snapshot, path)
                    if found is None:  # the key is taken by a collection that moved or was renamed: a fresh key
                        again = post_objects(api, keys, f"{USER_PREFIX}/collections",
                                             [{k: v for k, v in obj.items() if k not in ("key", "version")}])
                        key = _report_key(again, "0")
                        if (again.get("failed") or {}).get("0") or not key:
                            raise ZoteroError(f"Zotero refused to create the collection {path!r}: "
                                              f"{again.get('failed')}")
                        found = key
                    keys_of[path] = found
                    if report is None:
                        created.append(path)  # most likely this run's own lost answer
    return keys_of, created


# --------------------------------------------------------------------------- Zotero 7–9


def _sync_connector(run: _Run) -> SyncResult:
    """Each entry has one collection here: one ordinary connector sync per collection, merged into one result."""
    conn, opts, entries, snapshot = run.conn, run.options, run.entries, run.conn.snapshot
    notes = conn.notes
    caps = Capabilities.connector(conn.status.version or "")
    record = LocalRecord(run.settings.config_dir, run.settings.zotero_url)
    groups: dict[str, list[int]] = {}
    for i, paths in enumerate(run.wanted):
        groups.setdefault(paths[0], []).append(i)
    merged = Plan(run.parent, [None] * len(entries), None, [], list(opts.tags), snapshot.readable, caps,  # type: ignore[list-item]
                  prune_prefix=opts.prune_tags, schema=conn.schema)
    outcomes: list[Outcome | None] = [None] * len(entries)
    created: list[str] = []
    errors: list[str] = []
    interrupted = False
    for path, positions in groups.items():
        plan = make_plan([entries[i] for i in positions], snapshot, path, tags=opts.tags, prune_prefix=opts.prune_tags,
                         schema=conn.schema, capabilities=caps,
                         local_record=record.entries if not snapshot.readable else None,
                         resave_unknown=opts.resave_unknown, record_damage=record.damage_line())
        if opts.dry_run or interrupted:
            applied = ApplyResult(initial_outcomes(plan))
        else:
            applied = apply_plan(plan, conn, run.settings, record, progress=run.progress)
        for problem in plan.problems:
            if problem not in merged.problems:
                merged.problems.append(problem)
        if applied.error and applied.error not in errors:
            errors.append(applied.error)
        interrupted = interrupted or applied.interrupted
        created += applied.collections_created
        notes += [n for n in applied.notes if n not in notes]
        for p, o in zip(plan.items, applied.outcomes):
            g = positions[p.index]
            p.index = o.index = g
            p.into = [path]
            merged.items[g] = p
            outcomes[g] = o
    merged.collection_key = snapshot.find_collection(run.parent) if snapshot.readable else None
    return SyncResult(merged, conn.status, Transport.CONNECTOR, opts.dry_run, [o for o in outcomes if o is not None],
                      conn.http.count, collections_created=created, notes=notes, error="; ".join(errors) or None,
                      interrupted=interrupted)


__all__ = ["collections_per_entry", "ensure_collections", "run_sync_per_tag", "sync_per_tag"]
