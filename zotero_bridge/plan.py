"""The sync plan: a pure function from entries + a library snapshot to what must change.

Terraform's habit: compute the plan first (``--dry-run`` prints it, tests assert
on it), then apply it in a separate, small step.  Nothing here does I/O.

Each entry becomes one :class:`PlannedItem` whose action is

* ``create`` — no item in the library is this paper;
* ``update`` — an item is, but managed fields, tags or the code-repository
  attachment differ (the collection is added too if needed);
* ``add-to-collection`` — an item is, identical, but not in the target collection;
* ``unchanged`` — nothing to do;
* ``skip`` — cannot or must not be synced (duplicate in the input, conflicting
  citation key, in Zotero's trash, no identity at all); the note says why.

Matching is library-wide by arXiv base ID, DOI, citation key, then by the
identity rules every stage shares (:mod:`bibkit.normalize.identity`): a shared
title — the current one or the one the entry was pasted with — confirmed by
the first author or the abstract, or the same abstract under a new title;
never by title alone; and finally by the deterministic item key an earlier run
of the bridge used.

What the transport cannot do (Zotero 7–9 cannot update items, add existing
items to a collection or create collections) is marked on the item as
``blocked`` with the remedy, so a dry run already says it.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from bibkit.model import Entry, PartialDate
from bibkit.normalize.identity import Fingerprint, judge, titles_compatible

from . import extra as extra_lines
from .itemkeys import attachment_key_for, citation_key_item_key, entry_identity, item_key_for
from .library import LibraryIndex, Match, Snapshot, normalise_path, pick
from .mapping import (
    ItemDraft,
    arxiv_of,
    entry_summary,
    entry_to_item,
    item_citation_key,
    item_type_for,
    parse_zotero_date,
)
from .published import clear_preprint_fields, moves_to_published
from .schema import Schema


class Action(str, enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    ADD = "add-to-collection"
    UNCHANGED = "unchanged"
    SKIP = "skip"


@dataclass(frozen=True)
class Capabilities:
    """What the chosen transport can do (PROTOCOL.md: Zotero 10 local API vs. the connector)."""

    name: str = "local"  # "local" | "connector" | "none"
    zotero_version: str = ""
    create_items: bool = True
    update_items: bool = True
    add_to_collection: bool = True
    create_collections: bool = True

    @classmethod
    def local(cls, version: str = "10") -> "Capabilities":
        return cls("local", version)

    @classmethod
    def connector(cls, version: str = "") -> "Capabilities":
        return cls("connector", version, update_items=False, add_to_collection=False, create_collections=False)

    @property
    def label(self) -> str:
        return f"Zotero {self.zotero_version}" if self.zotero_version else "this Zotero"


@dataclass
class PlannedItem:
    """One entry's fate.  ``patch`` holds exactly the properties an update sends (PATCH semantics)."""

    index: int
    entry: Entry
    action: Action
    draft: ItemDraft
    key: str | None = None  # the existing item's key, or the deterministic key a create uses
    version: int | None = None  # the existing item's version (the update precondition)
    matched_by: str | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    patch: dict[str, Any] = field(default_factory=dict)
    attachment: dict[str, Any] | None = None  # a child attachment to create (key, parentItem set)
    notes: list[str] = field(default_factory=list)
    blocked: str | None = None  # set when the transport cannot do what the action needs
    add_collection: bool = False  # an existing item must join the target collection
    collections: list[str] = field(default_factory=list)  # the existing item's collections (kept)
    identity_key: str | None = None  # the deterministic key of this entry (local record, creates)
    problem: bool = False  # a skip the user must act on (not a mere duplicate in the input)
    #: the collections this entry belongs in (keys), when they differ per entry (``--collection-per-tag``);
    #: ``None``: the plan's one collection.  Existing items keep their other collections.
    targets: list[str] | None = None
    into: list[str] = field(default_factory=list)  # the paths of ``targets``, for tables and reports

    @property
    def title(self) -> str:
        return entry_summary(self.entry)

    @property
    def label(self) -> str:
        return self.entry.key or self.key or f"#{self.index + 1}"

    @property
    def writes(self) -> bool:
        """Whether applying this item needs a write request."""
        return self.blocked is None and self.action in (Action.CREATE, Action.UPDATE, Action.ADD)

    def describe(self) -> str:
        """Short human text for tables: what changes."""
        if self.blocked:
            return self.blocked
        into = f" → {', '.join(self.into)}" if self.into and self.action is not Action.SKIP else ""
        if self.action is Action.CREATE:
            extra = " + code link" if self.draft.attachment else ""
            return f"new {self.draft.item_type}{extra}{into}"
        if self.changes:
            return "changes: " + ", ".join(self.changes) + into
        return "; ".join(self.notes) + into


@dataclass
class Plan:
    """The whole plan of one sync run."""

    collection: str
    items: list[PlannedItem]
    collection_key: str | None = None
    missing_collections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    readable: bool = True
    capabilities: Capabilities = field(default_factory=Capabilities)
    problems: list[str] = field(default_factory=list)
    prune_prefix: str | None = None
    schema: Schema = field(default_factory=Schema)

    def counts(self) -> dict[str, int]:
        out = {a.value: 0 for a in Action}
        out["blocked"] = 0
        for item in self.items:
            if item.blocked:
                out["blocked"] += 1
            else:
                out[item.action.value] += 1
        return out

    def by_action(self, *actions: Action) -> list[PlannedItem]:
        return [i for i in self.items if i.action in actions and not i.blocked]

    @property
    def blocked(self) -> list[PlannedItem]:
        return [i for i in self.items if i.blocked]

    @property
    def has_writes(self) -> bool:
        """Whether applying the plan sends any write request (a missing collection counts)."""
        creates = bool(self.missing_collections and self.capabilities.create_collections)
        return creates or any(i.writes for i in self.items)

    def rows(self) -> list[tuple[Any, ...]]:
        """Rows for :func:`bibkit.cli.common.table` (``--dry-run``)."""
        rows = []
        for item in self.items:
            action = "blocked" if item.blocked else item.action.value
            rows.append((item.index + 1, action, item.label, item.key or "", item.matched_by or "", item.title,
                         item.describe()))
        return rows

    HEADERS = ("#", "action", "entry", "zotero key", "matched by", "title", "details")

    def as_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "collection_key": self.collection_key,
            "missing_collections": self.missing_collections,
            "tags": self.tags,
            "transport": self.capabilities.name,
            "library_readable": self.readable,
            "counts": self.counts(),
            "problems": self.problems,
            "items": [
                {
                    "index": i.index,
                    "key": i.entry.key,
                    "title": i.entry.title,
                    "action": i.action.value,
                    "zotero_key": i.key,
                    "matched_by": i.matched_by,
                    "changes": {k: {"old": o, "new": n} for k, (o, n) in i.changes.items()},
                    "blocked": i.blocked,
                    "notes": i.notes,
                    **({"collections": i.into} if i.into else {}),
                }
                for i in self.items
            ],
        }


# --------------------------------------------------------------------------- comparison

_WS = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]+>")
_DASHES = re.compile(r"\s*[-\u2010-\u2015]+\s*")


def _text(value: Any) -> str:
    text = unicodedata.normalize("NFC", str(value or ""))
    return _WS.sub(" ", _TAGS.sub("", text)).strip()


def _url(value: Any) -> str:
    text = str(value or "").strip()
    text = re.sub(r"^https?://(www\.)?", "", text, flags=re.IGNORECASE).rstrip("/")
    m = re.match(r"(?i)(arxiv\.org/abs/[^?#]+?)v\d+$", text)
    return (m.group(1) if m else text).lower() if "arxiv.org" in text.lower() else text


def _doi(value: Any) -> str:
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", str(value or "").strip(), flags=re.IGNORECASE).lower()


def field_equal(name: str, old: Any, new: Any) -> bool:
    """Whether an item's value already says what the entry says (so no update is needed)."""
    if name == "url":
        return _url(old) == _url(new)
    if name == "DOI":
        return _doi(old) == _doi(new)
    if name == "date":
        return date_covers(old, new)
    if name == "accessDate":
        return str(old or "")[:10] == str(new or "")[:10]
    if name == "pages":
        return _DASHES.sub("-", _text(old)) == _DASHES.sub("-", _text(new))
    return _text(old) == _text(new)


def date_covers(old: Any, new: Any) -> bool:
    """A Zotero date is kept when it says the same or *more* than the entry (never lose precision)."""
    a = parse_zotero_date(str(old)) if old else None
    b = PartialDate.parse(str(new)) if new else None
    if a is None or b is None:
        return _text(old) == _text(new)
    if a.year != b.year:
        return False
    if b.month is not None and a.month != b.month:
        return False
    if b.day is not None and a.day != b.day:
        return False
    return True


def _creator_sig(c: dict[str, Any]) -> tuple[str, ...]:
    if c.get("name"):
        return (c.get("creatorType") or "author", _text(c["name"]))
    return (c.get("creatorType") or "author", _text(c.get("lastName")), _text(c.get("firstName")))


# --------------------------------------------------------------------------- the planner


@dataclass
class _Context:
    index: LibraryIndex
    schema: Schema
    collection_key: str | None
    tags: list[str]
    prune_prefix: str | None
    capabilities: Capabilities
    snapshot: Snapshot
    collection: str = ""


def make_plan(
    entries: Sequence[Entry],
    snapshot: Snapshot,
    collection: str,
    *,
    tags: Iterable[str] = (),
    prune_prefix: str | None = None,
    schema: Schema | None = None,
    capabilities: Capabilities | None = None,
    local_record: dict[str, dict[str, Any]] | None = None,
    resave_unknown: bool = False,
    record_damage: str | None = None,
) -> Plan:
    """Plan the sync of ``entries`` into ``collection`` (a ``/``-separated path).

    ``snapshot`` is what the library holds (``Snapshot.unreadable()`` when the
    local API is off); ``local_record`` is the bridge's own record of earlier
    connector saves (item identity key -> ``{"status", "collection", "time"}``),
    the only memory available when the library cannot be read.  ``record_damage``: that record exists but is
    damaged (:meth:`~zotero_bridge.state.LocalRecord.damage_line`), so a paper it does not list may have been
    saved all the same — of unknown state, never created blindly.
    """
    schema = schema or Schema()
    capabilities = capabilities or Capabilities()
    run_tags = [t.strip() for t in tags if t and t.strip()]
    collection = normalise_path(collection)
    collection_key = snapshot.find_collection(collection) if snapshot.readable else None
    missing = snapshot.missing_collection_paths(collection) if snapshot.readable else []
    ctx = _Context(LibraryIndex(snapshot), schema, collection_key, run_tags, prune_prefix, capabilities, snapshot,
                   collection)
    plan = Plan(collection, [], collection_key, missing, run_tags, snapshot.readable, capabilities,
                prune_prefix=prune_prefix, schema=schema)
    if missing and not capabilities.create_collections and snapshot.readable:
        plan.problems.append(_missing_collection_message(collection, capabilities))

    seen_identity: dict[str, int] = {}
    seen_item: dict[str, int] = {}
    for i, entry in enumerate(entries):
        planned = _plan_entry(i, entry, ctx, local_record, resave_unknown, record_damage)
        # duplicates inside the input: same identity, or two entries matching one item
        ident = entry_identity(entry)
        dup_of = seen_identity.get(ident) if ident else None
        if dup_of is None and planned.key:
            dup_of = seen_item.get(planned.key)
        if dup_of is not None and planned.action is not Action.SKIP:
            planned = PlannedItem(i, entry, Action.SKIP, planned.draft, key=planned.key,
                                  notes=[f"duplicate of entry #{dup_of + 1} in the input"])
        else:
            if ident:
                seen_identity.setdefault(ident, i)
            if planned.key:
                seen_item.setdefault(planned.key, i)
        _apply_capabilities(planned, plan, ctx)
        plan.items.append(planned)
    return plan


def _missing_collection_message(collection: str, caps: Capabilities) -> str:
    return (
        f"collection {collection!r} does not exist in Zotero, and {caps.label} cannot create collections "
        f"from outside: create it in Zotero (right-click My Library → New Collection…), then run again "
        f"(Zotero 10 with the local API can create it for you)"
    )


def _apply_capabilities(planned: PlannedItem, plan: Plan, ctx: _Context) -> None:
    caps = ctx.capabilities
    if planned.action is Action.SKIP or planned.blocked:
        return
    if planned.action is Action.CREATE and plan.missing_collections and not caps.create_collections:
        planned.blocked = f"collection {plan.collection!r} is missing (create it in Zotero first)"
    elif planned.action is Action.UPDATE and not caps.update_items:
        what = ", ".join(planned.changes) or "fields"
        planned.blocked = (
            f"exists in Zotero (key {planned.key}) but differs ({what}); {caps.label} cannot change existing "
            f"items from outside: edit it in Zotero or upgrade to Zotero 10"
        )
    elif planned.action is Action.ADD and not caps.add_to_collection:
        planned.blocked = (
            f"exists in Zotero (key {planned.key}) outside {plan.collection!r}; {caps.label} cannot add existing "
            f"items to a collection from outside: drag it there in Zotero or upgrade to Zotero 10"
        )


def find_match(entry: Entry, ctx_index: LibraryIndex, collection_key: str | None) -> tuple[Match | None, str | None]:
    """The library item that *is* this entry, and a conflict note when a match was refused."""
    arxiv = arxiv_of(entry)
    if arxiv and (hits := ctx_index.by_arxiv.get(arxiv.lower())):
        return Match(pick(hits, collection_key), "arxiv", len(hits)), None
    if entry.ids.doi and (hits := ctx_index.by_doi.get(entry.ids.doi.strip().lower())):
        return Match(pick(hits, collection_key), "doi", len(hits)), None
    if entry.key and (hits := ctx_index.by_citekey.get(entry.key)):
        best = pick(hits, collection_key)
        if _key_match_agrees(entry, best, ctx_index):
            return Match(best, "citation-key", len(hits)), None
        if not (arxiv or entry.ids.doi):
            return None, (
                f"citation key {entry.key!r} is already used in Zotero by a different item "
                f"({best.get('key')}: {(best.get('title') or '')[:50]!r}); not synced — rename one of them"
            )
    # then the identity rules (bibkit.normalize.identity): a shared title (the current one or the one the
    # entry was pasted with) that the first author or the abstract confirms, or the same abstract under a new
    # title; never a title alone (two papers may share one)
    fp = Fingerprint.from_entry(entry)
    hits, by = [], None
    for item, _bucket in ctx_index.identity.candidates(fp):
        ifp = ctx_index.identity.fingerprint(item)
        verdict = judge(ifp, fp) if ifp is not None else None
        if verdict is not None and verdict.same and verdict.corroborated and verdict.by not in ("arxiv", "doi"):
            hits.append(item)
            by = by or verdict.by
    if hits:
        return Match(pick(hits, collection_key), by or "title", len(hits)), None
    own = item_key_for(entry)
    if own and own in ctx_index.by_key and not ctx_index.by_key[own].get("deleted"):
        return Match(ctx_index.by_key[own], "item-key"), None
    return None, None


def _titles_agree(a: str | None, b: str | None) -> bool:
    """Loose title agreement guarding a citation-key match (keys like ``smith2020`` repeat)."""
    return titles_compatible(a, b)


def _key_match_agrees(entry: Entry, item: dict[str, Any], index: LibraryIndex) -> bool:
    """Whether an item with the entry's citation key is this paper: one of the titles the entry is known by
    (its current one, the listing's, earlier ones) agrees with the item's, or the identity rules say so
    (the same abstract under a new title).  Keys like ``smith2020`` repeat, so the key alone never decides."""
    titles = [entry.title, entry.meta.get("listing_title"), *entry.meta.get("former_titles", ())]
    if any(_titles_agree(t, item.get("title")) for t in titles if t):
        return True
    ifp = index.identity.fingerprint(item)
    return ifp is not None and judge(ifp, Fingerprint.from_entry(entry)).same


def _plan_entry(i: int, entry: Entry, ctx: _Context, record: dict[str, dict[str, Any]] | None,
                resave_unknown: bool, record_damage: str | None = None) -> PlannedItem:
    draft = entry_to_item(entry, ctx.schema, tags=ctx.tags)
    if not (entry.title or entry_identity(entry)):
        return PlannedItem(i, entry, Action.SKIP, draft, notes=["no title and no identifier: nothing to sync"],
                           problem=True)
    own_key = item_key_for(entry)
    if not ctx.snapshot.readable:
        planned = _plan_blind(i, entry, draft, own_key, ctx, record or {}, resave_unknown, record_damage)
        planned.identity_key = own_key
        return planned

    match, conflict = find_match(entry, ctx.index, ctx.collection_key)
    if conflict:
        return PlannedItem(i, entry, Action.SKIP, draft, notes=[conflict], problem=True)
    if match is None:
        trashed = ctx.index.by_key.get(own_key or "")
        if trashed is not None and trashed.get("deleted"):
            return PlannedItem(i, entry, Action.SKIP, draft, key=own_key, notes=[
                f"this paper is in Zotero's trash (key {own_key}): restore it, or empty the trash, then run again"],
                problem=True)
        planned = PlannedItem(i, entry, Action.CREATE, draft, key=own_key, identity_key=own_key)
        if draft.attachment and own_key:
            planned.attachment = _attachment_object(draft, own_key)
        if draft.dropped:
            dropped = ", ".join(sorted(set(draft.dropped)))
            planned.notes.append(f"not representable in a Zotero {draft.item_type}: {dropped}")
        return planned
    planned = diff_item(i, entry, match, ctx)
    planned.identity_key = own_key
    return planned


def _plan_blind(i: int, entry: Entry, draft: ItemDraft, own_key: str | None, ctx: _Context,
                record: dict[str, dict[str, Any]], resave_unknown: bool,
                record_damage: str | None = None) -> PlannedItem:
    """Planning without reading the library: only the bridge's own record of earlier saves helps.

    The record is looked up by the entry's identity key and, failing that, by the key its citation key alone
    gives: citation keys are kept from run to run, so a paper saved before it had an arXiv ID (an offline
    build) is still known once enrichment found one.
    """
    seen = record.get(own_key or "") or record.get(citation_key_item_key(entry) or "")
    planned = PlannedItem(i, entry, Action.CREATE, draft, key=None)
    if draft.attachment:
        planned.attachment = dict(draft.attachment)
    if not seen and record_damage is not None:  # it may be in Zotero all the same: the record cannot say
        if resave_unknown:
            planned.notes.append(f"{record_damage}; saved again as asked (--resave-unknown)")
            return planned
        return PlannedItem(i, entry, Action.CREATE, draft, blocked=(
            f"unknown state: {record_damage}; check the collection in Zotero, then run again with --resave-unknown "
            f"to save what is missing (or enable the local API so the bridge can check itself)"))
    if not seen:
        planned.notes.append("library not readable (local API off): duplicates in Zotero cannot be detected")
        return planned
    status, where, when = seen.get("status"), seen.get("collection"), seen.get("time", "?")
    if status == "unfiled":  # saved, but Zotero never confirmed the updateSession that files and tags it
        if normalise_path(where or "") == ctx.collection:
            return PlannedItem(i, entry, Action.UNCHANGED, draft, matched_by="local record", notes=[
                f"saved by an earlier run on {when}, which could not confirm filing it into {where!r} and tagging "
                f"it (that run reported it): check it in Zotero"])
        status = "saved"
    if status == "saved" and normalise_path(where or "") == ctx.collection:
        return PlannedItem(i, entry, Action.UNCHANGED, draft, matched_by="local record", notes=[
            f"saved by an earlier run on {when} (recorded locally; enable the local API to verify)"])
    if status == "saved":
        return PlannedItem(i, entry, Action.ADD, draft, matched_by="local record", notes=[
            f"saved by an earlier run on {when} into {where!r}"],
            blocked=(f"saved earlier into {where!r}; {ctx.capabilities.label} cannot add existing items to another "
                     f"collection from outside: drag it in Zotero, or upgrade to Zotero 10"))
    if resave_unknown:
        planned.notes.append(f"state unknown since {when}: saved again as asked (--resave-unknown)")
        return planned
    return PlannedItem(i, entry, Action.CREATE, draft, matched_by="local record", blocked=(
        f"unknown state: an earlier save on {when} was interrupted before Zotero answered; check the collection in "
        f"Zotero, then run again with --resave-unknown to save what is missing (or enable the local API so the bridge "
        f"can check itself)"))


def _attachment_object(draft: ItemDraft, parent_key: str) -> dict[str, Any]:
    att = dict(draft.attachment or {})
    att["key"] = attachment_key_for(parent_key, att["url"])
    att["parentItem"] = parent_key
    return att


def _repo_of(url: Any) -> str | None:
    m = re.search(r"github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?(?:[/?#]|$)", str(url or ""))
    return f"{m.group(1)}/{m.group(2)}".lower() if m else None


def _has_attachment(children: list[dict[str, Any]], url: str) -> bool:
    """Whether a child attachment already links this code (same URL, or the same GitHub repository)."""
    wanted, repo = _url(url).lower(), _repo_of(url)
    for c in children:
        if c.get("itemType") != "attachment" or c.get("deleted"):
            continue
        if _url(c.get("url")).lower() == wanted or (repo and _repo_of(c.get("url")) == repo):
            return True
    return False


def diff_item(i: int, entry: Entry, match: Match, ctx: _Context) -> PlannedItem:
    """Compare an entry with the item it matched; the resulting action and patch."""
    item = match.item
    old_type = item.get("itemType") or "document"
    wanted_type = item_type_for(entry)
    # an item's type is the user's: never changed, except the generic "document" an un-enriched
    # entry became, which is upgraded once the input knows better (e.g. it is an arXiv preprint now),
    # and a preprint whose paper has since been published (the input cites the venue now)
    upgraded = moves_to_published(old_type, wanted_type, entry)  # (bibkit's published versions, issue 13)
    itype = wanted_type if (old_type == "document" and wanted_type != "document") or upgraded else old_type
    draft = entry_to_item(entry, ctx.schema, item_type=itype, tags=ctx.tags)
    planned = PlannedItem(i, entry, Action.UNCHANGED, draft, key=item["key"], version=item.get("version"),
                          matched_by=match.by)
    changes, patch = planned.changes, planned.patch
    if match.candidates > 1:
        planned.notes.append(f"{match.candidates} items in Zotero match; using {item['key']}")
    if itype != old_type:
        changes["itemType"], patch["itemType"] = (old_type, itype), itype
        if upgraded:
            clear_preprint_fields(item, draft, itype, ctx.schema, changes, patch)
    elif wanted_type != itype:
        planned.notes.append(f"kept Zotero's item type {itype} (the input says {wanted_type})")

    existing_key = item_citation_key(item)
    # an item's citation key is never overwritten (it is the user's, or Better BibTeX's): it flows back into the
    # .bib instead (bibkit build --zotero-collection adopts it before writing)
    manage_key = bool(entry.key) and (not existing_key or existing_key == entry.key)
    if entry.key and not manage_key:
        planned.notes.append(f"kept Zotero's citation key {existing_key!r} (the input says {entry.key!r})")

    for name, new in draft.data.items():
        if name in ("itemType", "creators", "tags", "extra", "collections", "key", "version"):
            continue
        if name == "citationKey" and not manage_key:
            continue
        old = item.get(name)
        if not _text(old) and field_equal(name, extra_lines.field_line(item.get("extra"), name), new):
            continue  # the installed schema lacks this field for the type: Zotero kept it in Extra, as sent
        if name in draft.derived:
            if not _text(old):
                changes[name], patch[name] = (old, new), new
            continue
        if not field_equal(name, old, new):
            changes[name], patch[name] = (old, new), new

    # creators: only the roles the entry speaks for; the user's other creators stay
    wanted = draft.data.get("creators") or []
    if wanted:
        roles = {c["creatorType"] for c in wanted}
        have = [c for c in item.get("creators") or [] if (c.get("creatorType") or "author") in roles]
        if [_creator_sig(c) for c in have] != [_creator_sig(c) for c in wanted]:
            others = [c for c in item.get("creators") or [] if (c.get("creatorType") or "author") not in roles]
            changes["creators"] = (have, wanted)
            patch["creators"] = wanted + others

    # extra: only the managed lines that the item does not already express
    kinds = _unsatisfied_extra(item, draft.managed, manage_key)
    if kinds:
        old_extra = item.get("extra") or ""
        new_extra = extra_lines.merge(old_extra, draft.managed, kinds)
        if new_extra != old_extra:
            changes["extra"], patch["extra"] = (old_extra, new_extra), new_extra

    # tags: add what is missing; remove only the tool-owned prefix when asked.  As in bibkit's tagging, a tag
    # the item has in any letter case counts as present (no "moe" next to the user's "MoE")
    existing_tags = item.get("tags") or []
    names = {(t.get("tag") or "").casefold() for t in existing_tags}
    add = [t for t in draft.tags if t.casefold() not in names]
    desired = {t.casefold() for t in draft.tags}
    prefix = ctx.prune_prefix
    prune = [t.get("tag") for t in existing_tags
             if prefix and (t.get("tag") or "").startswith(prefix)
             and (t.get("tag") or "").casefold() not in desired and not t.get("type")]
    if add or prune:
        kept = [t for t in existing_tags if t.get("tag") not in prune]
        patch["tags"] = kept + [{"tag": t} for t in add]
        changes["tags"] = ([t.get("tag") for t in existing_tags], [t.get("tag") for t in patch["tags"]])
        if prune:
            planned.notes.append("tags removed (--prune-tags): " + ", ".join(prune))

    # the code repository as a linked-URL attachment (only when the children were read)
    if draft.attachment and ctx.snapshot.children_loaded:
        if not _has_attachment(ctx.snapshot.children.get(item["key"], []), draft.attachment["url"]):
            planned.attachment = _attachment_object(draft, item["key"])
            changes["attachment"] = (None, draft.attachment["title"])

    in_collection = ctx.collection_key is not None and ctx.collection_key in (item.get("collections") or [])
    planned.collections = list(item.get("collections") or [])
    planned.add_collection = not in_collection
    if changes:
        planned.action = Action.UPDATE
    elif not in_collection:
        planned.action = Action.ADD
    return planned


def replan_item(planned: PlannedItem, item: dict[str, Any], plan: Plan, snapshot: Snapshot,
                collection_key: str | None, matched_by: str = "item-key") -> PlannedItem:
    """Diff one entry again against a freshly read item (after a 412, a dropped connection, a retry)."""
    ctx = _Context(LibraryIndex(Snapshot()), plan.schema, collection_key, plan.tags, plan.prune_prefix,
                   plan.capabilities, snapshot, plan.collection)
    fresh = diff_item(planned.index, planned.entry, Match(item, matched_by), ctx)
    fresh.identity_key = planned.identity_key
    if planned.targets is not None:
        retarget(fresh, planned.targets)
    return fresh


def retarget(planned: PlannedItem, targets: Sequence[str]) -> PlannedItem:
    """Point a planned item at several collections (keys) instead of the plan's one.

    A create goes into all of them; an existing item joins the ones it is not
    in yet (its other collections are kept: Zotero 10 item objects carry the
    full ``collections`` list, so the applier sends old + new).  ``add`` /
    ``unchanged`` follow from that; an update stays an update.  Skips and
    blocks are left alone.
    """
    planned.targets = list(dict.fromkeys(targets))
    if planned.action is Action.SKIP or planned.blocked:
        return planned
    if planned.action is Action.CREATE:
        return planned
    missing = [k for k in planned.targets if k not in planned.collections]
    planned.add_collection = bool(missing)
    if planned.action in (Action.ADD, Action.UNCHANGED):
        planned.action = Action.ADD if missing else Action.UNCHANGED
    return planned


def _unsatisfied_extra(item: dict[str, Any], managed: extra_lines.Managed, manage_key: bool) -> tuple[str, ...]:
    """Managed Extra kinds the item does not express yet (by its fields or its Extra lines)."""
    info = extra_lines.parse(item.get("extra"))
    out = []
    if manage_key and managed.citation_key:
        if not (info.citation_key == managed.citation_key or
                (info.citation_key is None and (item.get("citationKey") or "") == managed.citation_key)):
            out.append("citation-key")
    if managed.arxiv:
        same = (info.arxiv or "").lower() == managed.arxiv.lower()
        cls_ok = not managed.arxiv_class or "/" in managed.arxiv or info.arxiv_class == managed.arxiv_class
        if not (same and cls_ok):
            out.append("arxiv")
    fields = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID"}
    for kind, wanted in managed.ids:
        have = {info.ids.get(kind) or "", item.get(fields.get(kind, ""), "") or ""}
        norm = _doi if kind == "doi" else (lambda v: str(v or "").strip())
        if norm(wanted) not in {norm(h) for h in have}:
            out.append(kind)
    return tuple(out)
