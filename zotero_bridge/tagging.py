"""``tag_collection``: batch-tag the items already in a Zotero collection — the function behind ``zotero-bridge tag``.

The steps, each a small function:

1. the rules are loaded first (:func:`bibkit.tagging.load_rules`): a bad rules
   file stops the run before Zotero is even asked;
2. :func:`writer_status` — which Zotero.  Changing items that already exist
   needs Zotero 10's local API writes; on Zotero 7–9 the run stops here with
   that said plainly (the connector only saves *new* items), and a Zotero 10
   with the local API off gets the exact setting to turn on;
3. :func:`read_collection_items` — the collection's top-level items (and its
   subcollections' with ``recursive``) through ``/collections/<key>/items/top``,
   plus the child attachments when the ``has-code`` automatic tag needs them;
4. :func:`plan_tags` (pure) — items are mapped back to entries
   (:func:`~zotero_bridge.mapping.item_to_entry`) and bibkit's tagging decides
   (:func:`bibkit.tagging.tag_entries` with ``apply=False``); per item the tags
   to *add*: tags are never removed, the user's own tags (manual or automatic)
   are kept as they are, and a tag the item has in any letter case is not added
   again (bibkit's tagging rule);
5. :class:`TagApplier` — Zotero 10 local writes: ``POST /api/users/0/items`` in
   batches of at most 50 objects ``{key, version, tags}`` (PATCH semantics:
   only the tags change, and the ``version`` precondition means a concurrent
   edit is never overwritten), a fresh ``Zotero-Write-Token`` per request,
   authorization through :class:`~zotero_bridge.auth.KeyProvider`.  An item
   reported ``failed`` with 412 (changed in Zotero meanwhile) is read again,
   its tags decided again, and sent once more; every other ``failed`` object
   is reported with Zotero's code and message.  A batch whose answer is lost
   is read back before anything is resent.

New tags are manual tags (type 0).  A second run over the same collection
finds nothing to add and sends no write request at all.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from bibkit.config import Settings, load_settings
from bibkit.errors import ExitCode
from bibkit.model import Entry
from bibkit.tagging import AutoTagOptions, RuleSet, TagCount, TagResult, load_rules, tag_entries

from .apply import BATCH, _chunks, count_statuses, post_objects
from .auth import KeyProvider
from .detect import ZoteroStatus, detect
from .export import _descendants
from .keystore import KeyStore
from .library import Snapshot, find_collection_loose, normalise_path
from .mapping import entry_summary, item_citation_key, item_to_entry
from .schema import NON_REGULAR
from .transport import (
    LOCAL_API_SETTING,
    USER_PREFIX,
    LocalApi,
    LocalApiDisabled,
    OutcomeUnknown,
    RequestCount,
    ZoteroError,
    ZoteroHttp,
    ZoteroUnreachable,
)

Progress = Callable[[int], None]


class TagStatus(str, enum.Enum):
    TAGGED = "tagged"  # the new tags are in Zotero now
    UNCHANGED = "unchanged"  # nothing to add
    PLANNED = "would-tag"  # dry run: would get new tags
    FAILED = "failed"  # Zotero refused (code and message in the message)
    UNKNOWN = "unknown"  # sent, no usable answer: may or may not be tagged
    NOT_DONE = "not-done"  # never sent (the run stopped first)


@dataclass
class ItemTagging:
    """One Zotero item: what it had, what it gets, and what happened."""

    key: str
    version: int | None
    item: dict[str, Any]  # the item's data as read (``tags`` as Zotero returned them)
    entry: Entry  # the item mapped back to an entry (what the rules looked at)
    collections: list[str] = field(default_factory=list)  # the paths it was found in
    children: list[dict[str, Any]] = field(default_factory=list)  # child attachments read with it (code links)
    add: list[str] = field(default_factory=list)  # tags to add, in decision order
    reasons: dict[str, list[str]] = field(default_factory=dict)  # tag -> why (rule name, auto:...)
    status: TagStatus = TagStatus.UNCHANGED
    message: str = ""
    problem: bool = False

    @property
    def label(self) -> str:
        """The citation key when the item has one, else its Zotero key."""
        return item_citation_key(self.item) or self.key

    @property
    def title(self) -> str:
        return entry_summary(self.entry)

    @property
    def tags_before(self) -> list[str]:
        return [t.get("tag", "") for t in self.item.get("tags") or []]

    def patch(self) -> dict[str, Any]:
        """The write object: key, version precondition, and the full tag list (existing tags untouched + new ones)."""
        existing = [_tag_object(t) for t in self.item.get("tags") or [] if isinstance(t, dict) and t.get("tag")]
        patch: dict[str, Any] = {"key": self.key, "version": self.version}
        if self.item.get("itemType"):  # PROTOCOL.md 3.3: item objects carry itemType; unchanged, it is harmless
            patch["itemType"] = self.item["itemType"]
        patch["tags"] = existing + [{"tag": t} for t in self.add]
        return patch

    def as_dict(self) -> dict[str, Any]:
        return {
            "zotero_key": self.key, "key": self.label, "title": self.entry.title, "collections": self.collections,
            "tags_before": self.tags_before, "tags_added": list(self.add),
            "matched": [{"tag": t, "by": r} for t, rs in self.reasons.items() for r in rs],
            "status": self.status.value, "message": self.message,
        }


def _tag_object(tag: dict[str, Any]) -> dict[str, Any]:
    """An existing tag as sent back: name and, for automatic tags, the type (manual tags omit it, as Zotero does)."""
    out: dict[str, Any] = {"tag": tag["tag"]}
    if int(tag.get("type") or 0):
        out["type"] = int(tag["type"])
    return out


@dataclass
class TagPlan:
    """What tagging decided for a set of items (pure; :func:`plan_tags`)."""

    items: list[ItemTagging]
    tagging: TagResult
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (key, title, why) items not tagged at all

    @property
    def changes(self) -> list[ItemTagging]:
        return [i for i in self.items if i.add]

    def counts(self) -> list[TagCount]:
        """Per tag: items that qualify and items that newly get it (rule tags in file order, then automatic)."""
        return self.tagging.counts()

    def count_rows(self) -> list[tuple[Any, ...]]:
        return [(c.tag, c.matched, c.added, ", ".join(c.sources)) for c in self.counts()]

    COUNT_HEADERS = ("tag", "items", "new", "from")

    def change_rows(self) -> list[tuple[Any, ...]]:
        return [(n + 1, i.key, i.label, ", ".join(i.add), i.title) for n, i in enumerate(self.changes)]

    CHANGE_HEADERS = ("#", "zotero key", "key", "tags to add", "title")


def plan_tags(
    items: Sequence[dict[str, Any]],
    rules: RuleSet | None,
    *,
    auto: AutoTagOptions | None = None,
    children: dict[str, list[dict[str, Any]]] | None = None,
    collections: dict[str, list[str]] | None = None,
) -> TagPlan:
    """Decide the tags to add to each item (no I/O).

    ``items`` are local-API item data dicts (top-level, regular items; notes,
    attachments and trashed items are listed in ``skipped``).  ``children``
    maps an item key to its child attachments (for ``has-code``);
    ``collections`` an item key to the collection paths it was found in.
    ``auto`` defaults to the rules file's ``[auto]`` (as ``bibkit tag``).
    """
    children = children or {}
    collections = collections or {}
    taggable: list[ItemTagging] = []
    skipped: list[tuple[str, str, str]] = []
    for item in items:
        key = item.get("key") or ""
        if item.get("deleted"):
            skipped.append((key, item.get("title") or "", "in the trash"))
            continue
        if item.get("itemType") in NON_REGULAR or item.get("parentItem"):
            skipped.append((key, item.get("title") or "", f"a standalone {item.get('itemType')}, not a paper"))
            continue
        kids = list(children.get(key, []))
        taggable.append(ItemTagging(key, item.get("version"), item, _entry_of(item, kids),
                                    list(collections.get(key, [])), kids))
    result = tag_entries([t.entry for t in taggable], rules, auto=auto, apply=False)
    for t, decided in zip(taggable, result.entries):
        t.add = list(decided.added)
        for tag, reason in decided.decided:
            t.reasons.setdefault(tag, []).append(reason)
    return TagPlan(taggable, result, skipped)


def _entry_of(item: dict[str, Any], children: Iterable[dict[str, Any]]) -> Entry:
    wrapper = {"data": item, "meta": item.get("__meta__", {})}
    return item_to_entry(wrapper, children)


# --------------------------------------------------------------------------- the result


@dataclass
class TagCollectionResult:
    """Everything a ``tag_collection`` run did or would do (``dry_run``): summary, ``--report``, tests."""

    collection: str
    collection_keys: list[str]
    status: ZoteroStatus
    dry_run: bool
    plan: TagPlan
    requests: RequestCount
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    interrupted: bool = False

    @property
    def items(self) -> list[ItemTagging]:
        return self.plan.items

    def counts(self) -> dict[str, int]:
        return count_statuses(self.items)

    @property
    def problems(self) -> list[str]:
        lines = [self.error] if self.error else []
        lines += [f"{i.label} ({i.key}): {i.status.value}: {i.message}" for i in self.items if i.problem]
        return lines

    @property
    def complete(self) -> bool:
        if self.error or self.interrupted:
            return False
        done = {TagStatus.TAGGED, TagStatus.UNCHANGED} | ({TagStatus.PLANNED} if self.dry_run else set())
        return all(i.status in done and not i.problem for i in self.items)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        return ExitCode.OK if self.complete else ExitCode.ZOTERO

    def summary_rows(self) -> list[tuple[str, Any]]:
        totals = self.plan.tagging.totals()
        rows: list[tuple[str, Any]] = [
            ("Zotero", f"{self.status.version or '?'} at {self.status.url}"),
            ("collection", self.collection + (f" (+{len(self.collection_keys) - 1} subcollections)"
                                              if len(self.collection_keys) > 1 else "")),
            ("items", len(self.items)),
            ("rules", totals["rules"]),
        ]
        if self.plan.skipped:
            rows.append(("not papers (skipped)", len(self.plan.skipped)))
        counts = self.counts()
        for name in ("would-tag", "tagged", "unchanged", "failed", "unknown", "not-done"):
            if counts.get(name):
                rows.append((name, counts[name]))
        rows.append(("tags added", sum(len(i.add) for i in self.items
                                       if i.status in (TagStatus.TAGGED, TagStatus.PLANNED))))
        auth = f", {self.requests.authorizations} authorization prompt(s)" if self.requests.authorizations else ""
        rows.append(("requests", f"{self.requests.reads} reads, {self.requests.writes} writes{auth}"))
        return rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "zotero": self.status.as_dict(),
            "collection": self.collection,
            "collection_keys": self.collection_keys,
            "dry_run": self.dry_run,
            "complete": self.complete,
            "counts": self.counts(),
            "tags": [c.as_dict() for c in self.plan.counts()],
            "auto": self.plan.tagging.auto.as_dict(),
            "rules_file": self.plan.tagging.rules.path if self.plan.tagging.rules is not None else None,
            "items": [i.as_dict() for i in self.items],
            "skipped": [{"zotero_key": k, "title": t, "why": w} for k, t, w in self.plan.skipped],
            "requests": self.requests.as_dict(),
            "notes": self.notes,
            "problems": self.problems,
            "interrupted": self.interrupted,
            "error": self.error,
        }


# --------------------------------------------------------------------------- Zotero version and reads

WHY_ZOTERO_10 = "tagging items that are already in Zotero needs Zotero 10 or later"


def writer_status(http: ZoteroHttp, what: str = "tagging items that are already in Zotero") -> ZoteroStatus:
    """Detect Zotero and make sure it can change existing items (Zotero 10 + local API on).

    Otherwise raise, saying what to do.
    """
    status = detect(http)
    if not status.running:
        status.choose()  # raises ZoteroUnreachable with the message
    major = status.major
    if (major and major < 10) or status.local_api == "absent" or (status.local_api == "enabled" and not status.writes):
        raise ZoteroError(
            f"{WHY_ZOTERO_10}: Zotero {status.version or '(unknown version)'} cannot change existing items "
            f"from outside "
            f"(its local API only reads, and the connector only saves new items). Upgrade to Zotero 10, turn on "
            f"{LOCAL_API_SETTING}, and run again. Nothing was changed."
        )
    if status.local_api == "disabled":
        raise LocalApiDisabled(what)
    if status.local_api != "enabled":
        raise ZoteroError(f"Zotero at {status.url} did not answer GET /api/ as expected; {what} needs its local API "
                          f"({LOCAL_API_SETTING})")
    return status


@dataclass
class CollectionRead:
    """The items of a collection (and subcollections), with where each was found."""

    path: str
    keys: list[str]  # collection keys read, the named one first
    items: list[dict[str, Any]]
    found_in: dict[str, list[str]]  # item key -> collection paths
    children: dict[str, list[dict[str, Any]]]
    library_version: int | None = None


def read_collection_items(api: LocalApi, collection: str, *, recursive: bool = False,
                          with_children: bool = True) -> CollectionRead:
    """Top-level items of ``collection`` (and its subcollections with ``recursive``), each once.

    ``with_children`` also reads the collections' attachments, so an item's
    code-repository link (a linked-URL child) is known — only done when some
    item has children at all.
    """
    collections = api.collections()
    snap = Snapshot(collections=collections)
    key = find_collection_loose(snap, collection)
    if key is None:
        known = sorted(snap.collection_paths().values(), key=str.casefold)
        hint = f" (collections: {', '.join(known[:10])}{'…' if len(known) > 10 else ''})" if known else ""
        raise ZoteroError(f"no collection {normalise_path(collection)!r} in Zotero{hint}")
    paths = snap.collection_paths()
    keys = _descendants(collections, key) if recursive else [key]
    items: dict[str, dict[str, Any]] = {}
    found_in: dict[str, list[str]] = {}
    version: int | None = None
    for ckey in keys:
        batch, version = api.collection_top_items(ckey)
        for item in batch:
            items.setdefault(item["key"], item)
            found_in.setdefault(item["key"], [])
            if paths.get(ckey) not in found_in[item["key"]]:
                found_in[item["key"]].append(paths.get(ckey, ckey))
    children: dict[str, list[dict[str, Any]]] = {}
    papers = [i for i in items.values() if i.get("itemType") not in NON_REGULAR]
    if with_children and any((i.get("__meta__") or {}).get("numChildren", 1) for i in papers):
        for ckey in keys:
            for att in api.collection_attachments(ckey):
                parent = att.get("parentItem")
                if parent in items and all(a.get("key") != att.get("key") for a in children.get(parent, [])):
                    children.setdefault(parent, []).append(att)
    ordered = sorted(items.values(), key=lambda it: (it.get("dateAdded") or "", it.get("key") or ""))
    return CollectionRead(paths[key], keys, ordered, found_in, children, version)


# --------------------------------------------------------------------------- applying


class TagApplier:
    """Writes a :class:`TagPlan` through Zotero 10's local API (see the module docstring)."""

    def __init__(self, api: LocalApi, keys: KeyProvider, plan: TagPlan, *, rules: RuleSet | None,
                 auto: AutoTagOptions | None, progress: Progress | None = None):
        self.api, self.keys, self.plan = api, keys, plan
        self.rules, self.auto = rules, auto
        self.progress = progress or (lambda n: None)
        self.error: str | None = None
        self.interrupted = False
        self._inflight: list[ItemTagging] = []
        self._lost: list[ItemTagging] = []  # sent, answer lost: unknown until read back

    def run(self) -> None:
        todo = self.plan.changes
        for t in todo:
            t.status, t.message = TagStatus.NOT_DONE, "not sent (the run stopped before)"
        try:
            retry: list[ItemTagging] = []
            for batch in _chunks(todo, BATCH):
                self._send(list(batch), retry, second=False)
            if retry:
                self._retry(retry)
        except KeyboardInterrupt:
            self.interrupted = True
            self._mark_inflight("interrupted (Ctrl-C, SIGTERM or SIGHUP) while Zotero was saving; run again to "
                                "complete it")
        except ZoteroError as exc:
            self.error = str(exc)
            if not isinstance(exc, OutcomeUnknown):
                # refused (Deny, 4xx, 429) or never reached Zotero (not running): nothing of it was written
                why = ("not sent: Zotero stopped answering" if isinstance(exc, ZoteroUnreachable)
                       else f"not written: {exc}")
                for t in self._inflight:
                    if t.status is TagStatus.NOT_DONE:
                        t.message, t.problem = f"{why}; run again to complete it", True
                self._inflight = []
            self._mark_inflight(f"sent, but Zotero stopped answering before it said what it saved ({exc}); run "
                                f"again to complete it")

    def _mark_inflight(self, message: str) -> None:
        for t in self._inflight + self._lost:
            if t.status is TagStatus.NOT_DONE:
                t.status, t.message, t.problem = TagStatus.UNKNOWN, message, True
        self._inflight, self._lost = [], []

    def _send(self, batch: list[ItemTagging], retry: list[ItemTagging], *, second: bool) -> None:
        self._inflight = list(batch)
        try:
            report = post_objects(self.api, self.keys, f"{USER_PREFIX}/items", [t.patch() for t in batch])
        except OutcomeUnknown:
            # never resend blindly: what is tagged already is done, the rest goes into the one retry
            if second:
                raise
            self._inflight = []
            self._lost.extend(batch)
            retry.extend(batch)
            self.progress(len(batch))
            return
        self._inflight = []
        failed = report.get("failed") or {}
        for i, t in enumerate(batch):
            idx = str(i)
            f = failed.get(idx)
            if f is None:
                if any(idx in (report.get(part) or {}) for part in ("successful", "success", "unchanged")):
                    t.status = TagStatus.TAGGED
                    t.message = "tagged after reading it again (it had changed in Zotero meanwhile)" if second else ""
                else:
                    t.status, t.message, t.problem = (TagStatus.UNKNOWN, "Zotero's write report does not mention this "
                                                      "item; run again", True)
            elif f.get("code") == 412 and not second:
                retry.append(t)  # changed in Zotero since it was read: read it again, decide again
            elif f.get("code") == 412:
                t.status, t.message, t.problem = (TagStatus.FAILED, "changed in Zotero while tagging (twice); run "
                                                  "again", True)
            else:
                t.status, t.message, t.problem = (TagStatus.FAILED, f"Zotero refused it: {f.get('code')} "
                                                  f"{f.get('message')}", True)
        self.progress(len(batch))

    def _retry(self, items: list[ItemTagging]) -> None:
        """Read the items again (a 412 or a lost answer), decide their tags again, send what is still missing once."""
        self._inflight = list(items)  # if the re-read fails too, their state is unknown
        fresh = {f.get("key"): f for f in self.api.items_by_keys(t.key for t in items)}
        self._inflight = []
        again: list[ItemTagging] = []
        for t in items:
            item = fresh.get(t.key)
            if item is None or item.get("deleted"):
                t.status, t.message, t.problem = TagStatus.FAILED, "deleted in Zotero while tagging", True
                continue
            wanted = list(t.add)
            redo = plan_tags([item], self.rules, auto=self.auto, children={t.key: t.children})
            t.item, t.version = item, item.get("version")
            if redo.items:
                t.entry = redo.items[0].entry
                t.add = redo.items[0].add
                t.reasons = redo.items[0].reasons
            else:
                t.add = []
            if not t.add:
                already = all(w.casefold() in {x.casefold() for x in t.tags_before} for w in wanted)
                t.status = TagStatus.TAGGED if already else TagStatus.UNCHANGED
                t.add = wanted if already else []
                t.message = ("tagged (confirmed by reading it back)" if already
                             else "nothing to add any more after a change in Zotero")
                continue
            again.append(t)
        for batch in _chunks(again, BATCH):
            self._send(list(batch), [], second=True)

# --------------------------------------------------------------------------- the function


def tag_collection(
    collection: str,
    rules: RuleSet | str | Path | None,
    *,
    recursive: bool = False,
    dry_run: bool = False,
    settings: Settings | None = None,
    auto: AutoTagOptions | None = None,
    timeout: float | None = None,
    authorize_timeout: float = 300.0,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
) -> TagCollectionResult:
    """Tag the items already in the Zotero collection ``collection`` (a ``Parent/Child`` path) by ``rules``.

    ``rules`` is a rules file (path) or a loaded :class:`~bibkit.tagging.RuleSet`
    (``None``: automatic tags only); ``auto`` overrides the file's ``[auto]``
    switches.  ``recursive`` includes the items of every subcollection.
    ``dry_run`` reads and decides but writes nothing.  ``progress(n)`` is
    called as items are written; ``notify(text)`` for what the user must see
    while the run waits (Zotero's authorization window).

    Raises :class:`~zotero_bridge.transport.ZoteroError` (exit code 6) before
    reading anything when Zotero is not reachable, is older than 10 ("tagging
    existing items needs Zotero 10"), or its local API is off (with the
    setting to turn on); :class:`bibkit.errors.InputError` for a bad rules file.
    Problems met while writing are in the result (``result.exit_code``).
    """
    ruleset = load_rules(rules) if isinstance(rules, (str, Path)) else rules
    settings = settings or load_settings()
    with ZoteroHttp(settings, timeout=timeout) as http:
        status = writer_status(http)
        api = LocalApi(http, status.server_id)
        opts = auto if auto is not None else (ruleset.auto if ruleset is not None else AutoTagOptions())
        read = read_collection_items(api, collection, recursive=recursive, with_children=opts.has_code)
        plan = plan_tags(read.items, ruleset, auto=opts, children=read.children, collections=read.found_in)
        result = TagCollectionResult(read.path, read.keys, status, dry_run, plan, http.count)
        if plan.skipped:
            result.notes.append(f"{len(plan.skipped)} standalone note(s)/attachment(s) in the collection "
                                "were not tagged")
        if opts.ai_keywords:
            result.notes.append("Hugging Face keyword tags need the papers' Hugging Face data, which Zotero items do "
                                "not carry: none were decided here (use 'bibkit tag' on the listing, then sync)")
        if dry_run:
            for t in plan.changes:
                t.status = TagStatus.PLANNED
            return result
        if progress is not None and len(plan.items) - len(plan.changes):
            progress(len(plan.items) - len(plan.changes))
        if plan.changes:
            keys = KeyProvider(api, KeyStore(settings.config_dir), timeout=authorize_timeout, notify=notify)
            applier = TagApplier(api, keys, plan, rules=ruleset, auto=opts, progress=progress)
            applier.run()
            result.error, result.interrupted = applier.error, applier.interrupted
        return result


__all__ = [
    "CollectionRead", "ItemTagging", "TagApplier", "TagCollectionResult", "TagPlan", "TagStatus", "plan_tags",
    "read_collection_items", "tag_collection", "writer_status",
]
