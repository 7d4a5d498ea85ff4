"""Applying a plan: Zotero 10's local API (:class:`LocalApplier`) or the connector (:class:`ConnectorApplier`).

Rules both follow:

* a write is never resent blindly: when its outcome is unknown (dropped
  connection, timeout, Ctrl-C) the library is re-read first and only what is
  missing is sent again, once — except a connector save that *timed out*,
  which is not sent again in the same run at all (Zotero may still be saving
  it; the local API's deterministic keys make a resend harmless, the
  connector's saves are not);
* every object the server reports as ``failed`` ends up in an outcome with
  Zotero's code and message; nothing is dropped silently;
* when Zotero goes away mid-run, what was done is reported as done, what was
  sent without an answer as ``unknown``, and what was refused or never sent
  (Deny, 403, a long 429, a refused connection) as ``not-done``; the next run
  completes it.

Local API (10+): collections are created level by level, items in batches of
at most 50 objects with client-chosen deterministic keys and ``version: 0``
(a repeat fails 412 → "already there", re-read), updates carry the item's
version (412 → re-read, re-diff, retry once), each request has a fresh
``Zotero-Write-Token``.

Connector (7–9): ``getSelectedCollection`` finds the target by name path;
``saveItems`` (fresh session ID per request) then ``updateSession`` with the
target and the complete tag list (one comma-joined string on 7.x).  Every save
is recorded in :class:`~zotero_bridge.state.LocalRecord`.  A plain collection
path means My Library's collection (as on Zotero 10); a group's is named with
the library first.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from .auth import KeyProvider
from .detect import version_tuple
from .itemkeys import collection_key_for
from .library import LibraryIndex, Snapshot, join_path, split_path
from .mapping import to_connector
from .plan import Action, Plan, PlannedItem, find_match, replan_item
from .state import LocalRecord
from .transport import (
    USER_PREFIX,
    Connector,
    LocalApi,
    OutcomeUnknown,
    ZoteroBusy,
    ZoteroError,
    ZoteroHTTPError,
    json_of,
    new_session_id,
    text_of,
)

BATCH = 50  # Zotero's limit per write request (413 above it)
MAX_BUSY_WAIT = 60.0  # longest Retry-After (429/503) a write waits for before giving up
Progress = Callable[[int], None]


class Status(str, enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    ADDED = "added"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    BLOCKED = "blocked"
    FAILED = "failed"
    PARTIAL = "partial"  # saved, but something about it could not be completed (collection, tags, attachment)
    UNKNOWN = "unknown"  # sent, no answer: may or may not be in Zotero
    NOT_DONE = "not-done"  # never sent (the run stopped first)


#: statuses that mean "this entry is in Zotero as asked"
DONE = frozenset({Status.CREATED, Status.UPDATED, Status.ADDED, Status.UNCHANGED})


@dataclass
class Outcome:
    """What happened to one planned entry."""

    index: int
    status: Status
    key: str | None = None
    message: str = ""
    problem: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "status": self.status.value, "zotero_key": self.key, "message": self.message}


@dataclass
class ApplyResult:
    outcomes: list[Outcome]
    collections_created: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    interrupted: bool = False
    error: str | None = None  # why the run stopped early, if it did

    @property
    def complete(self) -> bool:
        return not (self.interrupted or self.error or self.problems) and not any(
            o.problem or o.status not in DONE | {Status.SKIPPED} for o in self.outcomes)


def count_statuses(things: Iterable[Any]) -> dict[str, int]:
    """``{status: how many}`` over objects with a ``status`` enum (outcomes, taggings), in first-seen order."""
    out: dict[str, int] = {}
    for thing in things:
        out[thing.status.value] = out.get(thing.status.value, 0) + 1
    return out


def initial_outcomes(plan: Plan) -> list[Outcome]:
    """Outcomes before anything is sent: skips, blocks and unchanged are final already."""
    out = []
    for p in plan.items:
        if p.action is Action.SKIP:
            out.append(Outcome(p.index, Status.SKIPPED, p.key, "; ".join(p.notes), problem=p.problem))
        elif p.blocked:
            out.append(Outcome(p.index, Status.BLOCKED, p.key, p.blocked, problem=True))
        elif p.action is Action.UNCHANGED:
            out.append(Outcome(p.index, Status.UNCHANGED, p.key, "; ".join(p.notes)))
        else:
            out.append(Outcome(p.index, Status.NOT_DONE, p.key, "not sent (the run stopped before)"))
    return out


def _chunks(seq: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def post_objects(api: LocalApi, keys: KeyProvider, path: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
    """One ``POST`` of at most 50 objects through the local API; the write report, or an error.

    Handles what is about the request rather than its objects: a missing,
    single-use or revoked key (``401``: ask again), another Zotero profile
    answering (``412`` Server-ID: take its ID), ``403`` (not editable / API
    turned off), ``5xx`` (:class:`OutcomeUnknown`: read back before deciding).
    Per-object failures stay in the report for the caller.  Each attempt
    carries a fresh ``Zotero-Write-Token``.
    """
    for _attempt in range(4):
        key = keys.key()
        try:
            response = api.write("POST", path, objects, api_key=key)
        except ZoteroBusy as exc:  # 429/503: refused, nothing applied; wait when the wait is short
            if exc.wait > MAX_BUSY_WAIT:
                raise ZoteroBusy(f"Zotero asks to wait {exc.wait:.0f} s before the next write: run again "
                                 f"later", until=exc.until) from exc
            api.http.sleep(exc.wait or 1.0)
            continue
        status = response.status_code
        if status == 401:  # unknown/revoked key: nothing was written; ask again
            keys.rejected()
            continue
        body = text_of(response)
        if status == 412 and "server-id" in body.lower().replace(" ", "-") and response.headers.get("Zotero-Server-ID"):
            api.server_id = response.headers["Zotero-Server-ID"]
            keys.reset()
            continue
        keys.used()
        if status == 200:
            report = json_of(response)
            if not isinstance(report, dict):  # it did something, but what cannot be read: read back first
                raise OutcomeUnknown(f"POST {path}: Zotero's write report is not JSON ({body.strip()[:80]!r})")
            return report
        if status == 403:
            raise ZoteroError(f"Zotero refused the write ({body.strip() or 'HTTP 403'}): the library is not "
                              f"editable, or the local API was turned off meanwhile")
        if status >= 500:  # an exception inside Zotero: what it applied is not known, so read back first
            raise OutcomeUnknown(f"Zotero failed on POST {path} (HTTP {status})")
        raise ZoteroHTTPError(f"POST {path}: Zotero answered HTTP {status} {body.strip()[:200]!r}", status, body)
    raise ZoteroError("Zotero kept refusing the API key; run again and click \"Always Allow\"")


# --------------------------------------------------------------------------- Zotero 10: local API


@dataclass
class _Obj:
    planned: PlannedItem
    data: dict[str, Any]
    kind: str  # "item" | "attachment"


class LocalApplier:
    """Writes a plan through ``/api/users/0/…`` (Zotero 10+)."""

    def __init__(self, api: LocalApi, keys: KeyProvider, plan: Plan, snapshot: Snapshot, *,
                 progress: Progress | None = None):
        self.api, self.keys, self.plan, self.snapshot = api, keys, plan, snapshot
        self.progress = progress or (lambda n: None)
        self.result = ApplyResult(initial_outcomes(plan))
        self.target: str | None = plan.collection_key
        self._inflight: list[PlannedItem] = []
        #: items whose write went out and whose answer was lost, until a re-read settles them
        self._doubt: list[PlannedItem] = []
        self._followups: list[PlannedItem] = []  # creates that turned out to exist and need an update

    def outcome(self, p: PlannedItem) -> Outcome:
        return self.result.outcomes[p.index]

    def set(self, p: PlannedItem, status: Status, message: str = "", *, key: str | None = None,
            problem: bool = False) -> None:
        o = self.outcome(p)
        o.status, o.message, o.problem = status, message, problem
        o.key = key or p.key or o.key

    def run(self) -> ApplyResult:
        try:
            if self.plan.has_writes:
                self._ensure_collection()
                self._create()
                self._update(self.plan.by_action(Action.UPDATE, Action.ADD) + self._followups)
        except KeyboardInterrupt:
            self.result.interrupted = True
            self._mark_inflight("interrupted (Ctrl-C, SIGTERM or SIGHUP) while Zotero was saving; the next run "
                                "completes it without duplicates", sent=True)
        except ZoteroError as exc:
            self.result.error = str(exc)
            # only a request that went out without an answer leaves its objects in doubt; a refusal
            # (Deny, 4xx, 429) or a refused connection (Zotero not running) means nothing was written
            self._mark_inflight(f"no answer from Zotero ({exc}); the next run completes it without duplicates"
                                if isinstance(exc, OutcomeUnknown) else f"not written: {exc}",
                                sent=isinstance(exc, OutcomeUnknown))
        return self.result

    def _targets(self, p: PlannedItem) -> list[str]:
        """The collections an item must be in: its own list (``--collection-per-tag``), else the plan's one."""
        if p.targets is not None:
            return list(p.targets)
        return [self.target] if self.target else []

    def _mark_inflight(self, message: str, *, sent: bool) -> None:
        """Settle what the run was doing when it stopped: ``sent`` says whether the request went out.

        Objects of a request that went out unanswered — this one, or an earlier
        one still being read back (``_doubt``) — are ``unknown``; the objects of a
        request Zotero refused or never got stay ``not-done``.
        """
        for p in self._doubt:
            if self.outcome(p).status is Status.NOT_DONE:
                self.set(p, Status.UNKNOWN, "sent, but Zotero's answer was lost and it could not be read back; the "
                                            "next run completes it without duplicates", problem=True)
        for p in self._inflight:
            if self.outcome(p).status is Status.NOT_DONE:
                self.set(p, Status.UNKNOWN if sent else Status.NOT_DONE, message, problem=True)
        self._inflight, self._doubt = [], []

    # -- one write request, with authorization handling
    def _post(self, path: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
        return post_objects(self.api, self.keys, path, objects)

    # -- collections
    def _ensure_collection(self) -> None:
        if self.target is not None or not self.plan.missing_collections:
            return
        paths = self.snapshot.collection_paths()
        by_path = {p: k for k, p in sorted(paths.items())}
        parts = split_path(self.plan.collection)
        parent: str | None = None
        for i in range(1, len(parts) + 1):
            prefix = join_path(parts[:i])
            if prefix in by_path:
                parent = by_path[prefix]
                continue
            parent = self._create_collection(prefix, parts[i - 1], parent)
            by_path[prefix] = parent
            self.result.collections_created.append(prefix)
        self.target = parent
        self.plan.collection_key = parent

    def _create_collection(self, path: str, name: str, parent: str | None) -> str:
        key = collection_key_for(path)
        obj = {"key": key, "version": 0, "name": name, "parentCollection": parent or False}
        try:
            report = self._post(f"{USER_PREFIX}/collections", [obj])
        except OutcomeUnknown:
            report = {}
        failed = (report.get("failed") or {}).get("0")
        if report and not failed:
            return _report_key(report, "0") or key
        # already there (412), or unknown outcome: read the collections again and look
        self.snapshot.collections = self.api.collections()
        found = self.snapshot.find_collection(path)
        if found:
            return found
        if failed and failed.get("code") != 412:
            raise ZoteroError(f"Zotero refused to create the collection {path!r}: "
                              f"{failed.get('code')} {failed.get('message')}")
        report = self._post(f"{USER_PREFIX}/collections", [{"name": name, "parentCollection": parent or False}])
        failed = (report.get("failed") or {}).get("0")
        if failed or not _report_key(report, "0"):
            raise ZoteroError(f"Zotero refused to create the collection {path!r}: {failed}")
        return _report_key(report, "0") or ""

    # -- creates
    def _create(self) -> None:
        creates = self.plan.by_action(Action.CREATE)
        objects: list[_Obj] = []
        for p in creates:
            data = {**p.draft.data, "key": p.key, "version": 0, "collections": self._targets(p)}
            objects.append(_Obj(p, data, "item"))
            if p.attachment:
                objects.append(_Obj(p, {**p.attachment, "version": 0}, "attachment"))
        later: list[_Obj] = []
        exists: list[PlannedItem] = []
        for batch in _chunks(objects, BATCH):
            self._send(list(batch), exists, later, resent=False)
        for batch in _chunks(later, BATCH):  # children whose parent was not there yet
            self._send(list(batch), exists, [], resent=True)
        if exists:
            self._resolve_existing(exists)

    def _send(self, batch: list[_Obj], exists: list[PlannedItem], later: list[_Obj], *, resent: bool) -> None:
        """Send one batch of creates; sort every object of the write report into an outcome."""
        owners = list(dict.fromkeys(o.planned.index for o in batch))
        self._inflight = [o.planned for o in batch if o.kind == "item"]
        try:
            report = self._post(f"{USER_PREFIX}/items", [o.data for o in batch])
        except OutcomeUnknown:
            self._doubt.extend(o.planned for o in batch if o.kind == "item")
            self._recover_creates(batch, exists, later, resent)
            self._inflight = []
            self.progress(len(owners))
            return
        self._inflight = []
        failed = report.get("failed") or {}
        parent_ok: dict[int, bool] = {}
        for i, obj in enumerate(batch):
            idx = str(i)
            p = obj.planned
            if obj.kind == "item":
                if _in_report(report, idx):
                    self.set(p, Status.CREATED, _note(p), key=_report_key(report, idx) or p.key)
                    parent_ok[p.index] = True
                elif idx in failed:
                    f = failed[idx]
                    if f.get("code") == 412:
                        exists.append(p)  # a key we chose is taken: an earlier attempt created it
                        parent_ok[p.index] = True
                    else:
                        refused = f"Zotero refused it: {f.get('code')} {f.get('message')}"
                        self.set(p, Status.FAILED, refused, problem=True)
                        parent_ok[p.index] = False
                else:
                    self.set(p, Status.UNKNOWN, "Zotero's write report does not mention this item", problem=True)
            else:
                if _in_report(report, idx):
                    continue
                f = failed.get(idx)
                if f is None:
                    self._attachment_problem(p, "Zotero's write report does not mention the code-link attachment")
                elif f.get("code") == 412:
                    continue  # the attachment exists already (an earlier attempt)
                elif parent_ok.get(p.index) is False:
                    continue  # the parent failed: its outcome says so
                elif not resent:
                    later.append(obj)
                else:
                    self._attachment_problem(p, f"code-link attachment refused: {f.get('code')} {f.get('message')}")
        self.progress(len(owners))

    def _attachment_problem(self, p: PlannedItem, message: str) -> None:
        o = self.outcome(p)
        o.message = (o.message + "; " if o.message else "") + message
        o.problem = True
        if o.status in DONE:
            o.status = Status.PARTIAL

    def _recover_creates(self, batch: list[_Obj], exists: list[PlannedItem], later: list[_Obj], resent: bool) -> None:
        """A create batch got no answer: read back what it would have created, resend only what is missing."""
        keys = [o.data["key"] for o in batch]
        fresh = self.api.items_by_keys(keys)
        self.snapshot.update_items(fresh)
        present = {f.get("key") for f in fresh}
        missing = [o for o in batch if o.data["key"] not in present]
        for o in batch:
            if o.kind == "item" and o.data["key"] in present:
                exists.append(o.planned)
        if not missing:
            return
        if resent:
            for o in missing:
                if o.kind == "item":
                    self.set(o.planned, Status.UNKNOWN, "Zotero gave no usable answer twice; run again", problem=True)
                else:
                    self._attachment_problem(o.planned, "code-link attachment: Zotero gave no usable answer; run again")
            return
        # the missing parents go again; missing children of present parents go along (parents exist now)
        self._send(missing, exists, later, resent=True)

    def _resolve_existing(self, planned: list[PlannedItem]) -> None:
        """Items whose deterministic key was taken: compare with what is there, update what differs."""
        fresh = {f.get("key"): f for f in self.api.items_by_keys(p.key for p in planned if p.key)}
        self.snapshot.update_items(fresh.values())
        for p in planned:
            item = fresh.get(p.key)
            if item is None:
                self.set(p, Status.FAILED, f"Zotero reported key {p.key} as taken but cannot show it", problem=True)
                continue
            if item.get("deleted"):
                self.set(p, Status.SKIPPED, f"this paper is in Zotero's trash (key {p.key}): restore it, or empty "
                                            "the trash, then run again", problem=True)
                continue
            again = replan_item(p, item, self.plan, self.snapshot, self.target)
            if again.action is Action.UNCHANGED:
                self.set(p, Status.CREATED, "already in Zotero (an earlier, interrupted attempt saved it)", key=p.key)
            else:
                again.notes.append("completes an earlier, interrupted attempt")
                self._followups.append(again)

    # -- updates
    def _update(self, planned: list[PlannedItem], *, second: bool = False) -> None:
        objects: list[_Obj] = []
        for p in planned:
            if p.patch or p.add_collection:
                # itemType rides along unchanged (PROTOCOL 3.3: item objects carry it; harmless with PATCH semantics)
                data: dict[str, Any] = {"key": p.key, "version": p.version, "itemType": p.draft.item_type, **p.patch}
                if p.add_collection:
                    data["collections"] = list(dict.fromkeys(p.collections + self._targets(p)))
                objects.append(_Obj(p, data, "item"))
            if p.attachment:
                objects.append(_Obj(p, {**p.attachment, "version": 0}, "attachment"))
        conflicts: list[PlannedItem] = []
        for batch in _chunks(objects, BATCH):
            self._send_updates(list(batch), conflicts, second)
        if conflicts and not second:
            fresh = {f.get("key"): f for f in self.api.items_by_keys(p.key for p in conflicts if p.key)}
            self.snapshot.update_items(fresh.values())
            again = []
            for p in conflicts:
                item = fresh.get(p.key)
                if item is None or item.get("deleted"):
                    self.set(p, Status.FAILED, "deleted in Zotero while syncing", problem=True)
                    continue
                redo = replan_item(p, item, self.plan, self.snapshot, self.target, p.matched_by or "item-key")
                if redo.action is Action.UNCHANGED:
                    self.set(p, _done_status(p), "already as wanted after a concurrent change", key=p.key)
                else:
                    again.append(redo)
            if again:
                self._update(again, second=True)

    def _send_updates(self, batch: list[_Obj], conflicts: list[PlannedItem], second: bool) -> None:
        owners = list(dict.fromkeys(o.planned.index for o in batch))
        self._inflight = [o.planned for o in batch]
        try:
            report = self._post(f"{USER_PREFIX}/items", [o.data for o in batch])
        except OutcomeUnknown:
            self._inflight = []
            self._doubt.extend(o.planned for o in batch)  # settled by the re-read below (or unknown here)
            if second:
                for o in batch:
                    self.set(o.planned, Status.UNKNOWN, "Zotero did not answer; run again", problem=True)
            else:
                for o in batch:  # re-read and re-planned like a 412 (attachment-only updates too), each once
                    if all(o.planned is not c for c in conflicts):
                        conflicts.append(o.planned)
            self.progress(len(owners))
            return
        self._inflight = []
        failed = report.get("failed") or {}
        for i, obj in enumerate(batch):
            idx, p = str(i), obj.planned
            f = failed.get(idx)
            if obj.kind == "attachment":
                if f is None or f.get("code") == 412:
                    if not any(o.planned is p and o.kind == "item" for o in batch):
                        self.set(p, _done_status(p), _note(p), key=p.key)
                    continue
                self._attachment_problem(p, f"code-link attachment refused: {f.get('code')} {f.get('message')}")
                continue
            if f is None:
                if _in_report(report, idx):
                    self.set(p, _done_status(p), _note(p), key=p.key)
                else:
                    self.set(p, Status.UNKNOWN, "Zotero's write report does not mention this item", problem=True)
            elif f.get("code") == 412 and not second:
                conflicts.append(p)
            elif f.get("code") == 412:
                self.set(p, Status.FAILED, "changed in Zotero while syncing (twice); run again", problem=True)
            else:
                refused = f"Zotero refused the update: {f.get('code')} {f.get('message')}"
                self.set(p, Status.FAILED, refused, problem=True)
        self.progress(len(owners))


def _done_status(p: PlannedItem) -> Status:
    if p.action is Action.ADD:
        return Status.ADDED
    if p.action is Action.CREATE:
        return Status.CREATED
    return Status.UPDATED


def _note(p: PlannedItem) -> str:
    return "; ".join(p.notes)


def _in_report(report: dict[str, Any], idx: str) -> bool:
    return any(idx in (report.get(part) or {}) for part in ("successful", "success", "unchanged"))


def _report_key(report: dict[str, Any], idx: str) -> str | None:
    success = report.get("success") or {}
    key = success.get(idx)
    if isinstance(key, str):
        return key
    obj = (report.get("successful") or {}).get(idx)
    if isinstance(obj, dict):
        return obj.get("key") or (obj.get("data") or {}).get("key")
    unchanged = report.get("unchanged") or {}
    return unchanged.get(idx) if isinstance(unchanged.get(idx), str) else None


# --------------------------------------------------------------------------- Zotero 7–9: connector


@dataclass(frozen=True)
class Target:
    tree_id: str  # "C12"
    library: str  # library name
    path: str


def connector_targets(selected: dict[str, Any]) -> list[Target]:
    """Collections from ``getSelectedCollection``'s ``targets`` with full name paths (depth-first + level)."""
    out: list[Target] = []
    stack: list[str] = []
    library = ""
    for t in selected.get("targets") or []:
        level = int(t.get("level") or 0)
        name = str(t.get("name") or "")
        tid = str(t.get("id") or "")
        if level == 0 or tid.startswith("L"):
            library, stack = name, []
            continue
        stack = stack[: level - 1] + [name]
        out.append(Target(tid, library, join_path(stack)))
    return out


def find_target(selected: dict[str, Any], path: str) -> tuple[Target | None, str | None]:
    """The target collection for ``path``, and a note when the choice was not obvious.

    A plain path means a collection of My Library (the first library Zotero
    lists), as it does on Zotero 10 where the local API writes to
    ``/users/0``; a collection of a group library is named with the library
    first (``"Group X/Reading"``), so a same-named collection in a group is
    never picked by accident.
    """
    wanted = join_path(split_path(path))
    targets = connector_targets(selected)
    mine = next((str(t.get("name") or "") for t in selected.get("targets") or []
                 if int(t.get("level") or 0) == 0 or str(t.get("id") or "").startswith("L")), None)
    hits = [t for t in targets if t.path == wanted and t.library == mine]
    if not hits:
        hits = [t for t in targets if join_path(split_path(t.library) + split_path(t.path)) == wanted]
    if not hits:
        return None, None
    note = None
    if len(hits) > 1:
        note = f"{len(hits)} collections are named {wanted!r}; using the first, {hits[0].tree_id}"
    return hits[0], note


class ConnectorApplier:
    """Saves the plan's new items through the connector (Zotero 7–9, or ``--via connector``).

    A save whose answer is lost is never sent again blindly: with the local API
    the library is read back first, and a save that *timed out* is not sent again
    in this run at all (Zotero may still be working on it: a second copy would
    appear when it finishes); it is checked once more at the end of the run and
    left to the next run, which reads the library before saving.  ``updateSession``
    is idempotent (it sets the collection and the complete manual tag list), so
    a failed one is sent once more.  The local record says what happened at each
    step: ``unfiled`` (saved, not yet filed and tagged), ``saved``, ``unknown``.
    """

    def __init__(self, connector: Connector, plan: Plan, record: LocalRecord, *, zotero_version: str | None,
                 api: LocalApi | None = None, progress: Progress | None = None):
        self.connector, self.plan, self.record, self.api = connector, plan, record, api
        self.progress = progress or (lambda n: None)
        self.result = ApplyResult(initial_outcomes(plan))
        major = version_tuple(zotero_version)[:1]
        #: 7.x takes updateSession tags as one comma-joined string only; 8+ takes an array
        self.tags_as_string = not major or major[0] < 8
        self._inflight: list[PlannedItem] = []
        self._sent = False  # the in-flight save went out and its answer was lost
        self._session: str = ""
        #: timed-out saves Zotero may still be carrying out: (members, tags, target, session)
        self._pending: list[tuple[list[PlannedItem], list[str], Target, str]] = []

    def set(self, p: PlannedItem, status: Status, message: str = "", *, problem: bool = False,
            key: str | None = None) -> None:
        o = self.result.outcomes[p.index]
        o.status, o.message, o.problem = status, message, problem
        if key:
            o.key = key

    def _mark(self, members: Iterable[PlannedItem], status: str, session: str) -> None:
        self.record.mark(((p.identity_key or "", p.entry.title or "") for p in members), status,
                         self.plan.collection, session)

    def run(self) -> ApplyResult:
        creates = self.plan.by_action(Action.CREATE)
        if not creates:
            return self.result
        try:
            selected = self.connector.selected_collection()
            target, note = find_target(selected, self.plan.collection)
            if note:
                self.result.notes.append(note)
            if target is None:
                message = (f"collection {self.plan.collection!r} does not exist in Zotero, and Zotero cannot create "
                           f"collections through the connector: create it in Zotero (right-click My Library → New "
                           f"Collection…), then run again (Zotero 10 with the local API creates it for you)")
                self.result.error = message
                for p in creates:
                    self.set(p, Status.BLOCKED, "collection missing: create it in Zotero first", problem=True)
                return self.result
            groups: dict[tuple[str, ...], list[PlannedItem]] = {}
            for p in creates:  # updateSession gives every item of a session the same tags: one session per tag set
                groups.setdefault(tuple(p.draft.tags), []).append(p)
            for tags, members in groups.items():
                for chunk in _chunks(members, BATCH):
                    self._save(list(chunk), list(tags), target)
            self._settle_pending()
        except KeyboardInterrupt:
            self.result.interrupted = True
            self._mark_inflight("interrupted (Ctrl-C, SIGTERM or SIGHUP) while Zotero was saving", sent=True)
        except ZoteroError as exc:
            self.result.error = str(exc)
            sent = isinstance(exc, OutcomeUnknown) or self._sent
            self._mark_inflight(f"no answer from Zotero ({exc})" if sent else f"not saved: {exc}", sent=sent)
        return self.result

    def _mark_inflight(self, why: str, *, sent: bool) -> None:
        """Settle the save in flight when the run stops: ``unknown`` if it went out unanswered, else ``not-done``."""
        inflight = [p for p in self._inflight if self.result.outcomes[p.index].status is Status.NOT_DONE]
        self._inflight, self._sent = [], False
        if not inflight:
            return
        if not sent:  # refused, or never reached Zotero: nothing was saved, nothing to record
            for p in inflight:
                self.set(p, Status.NOT_DONE, why, problem=True)
            return
        self._mark(inflight, "unknown", self._session)
        for p in inflight:
            self.set(p, Status.UNKNOWN, f"{why}: Zotero may or may not have saved it; " + _unknown_remedy(self.api),
                     problem=True)

    def _tag_value(self, tags: list[str], members: list[PlannedItem]) -> list[str] | str:
        if not self.tags_as_string:
            return tags
        ok = [t for t in tags if "," not in t]
        bad = [t for t in tags if "," in t]
        if bad:
            for p in members:
                self.result.outcomes[p.index].message = (
                    f"tag(s) {', '.join(repr(t) for t in bad)} not set: Zotero 7 splits tags at commas "
                    f"(rename the tag, or upgrade to Zotero 8+)")
                self.result.outcomes[p.index].problem = True
        return ",".join(ok)

    def _save(self, members: list[PlannedItem], tags: list[str], target: Target, *, resent: bool = False) -> None:
        session = new_session_id()
        items = [to_connector(p.draft, f"zb{i}") for i, p in enumerate(members)]
        self._inflight, self._session, self._sent = list(members), session, False
        try:
            response = self.connector.save_items(items, session)
        except OutcomeUnknown as exc:
            # still "in flight" while checking: if the check fails too, they are recorded as unknown
            self._sent = True
            self._after_lost_save(members, tags, target, session, resent, timed_out=exc.timed_out)
            self._inflight, self._sent = [], False
            self.progress(len(members))
            return
        self._inflight = []
        status = response.status_code
        if status == 409 and not resent:  # a session ID clash: nothing was saved
            self._save(members, tags, target, resent=True)
            return
        if status not in (200, 201):
            body = text_of(response).strip()
            data = json_of(response)
            if isinstance(data, dict) and data.get("libraryEditable") is False:
                raise ZoteroError("Zotero says My Library is not editable; nothing was saved")
            for p in members:
                self.set(p, Status.FAILED, f"Zotero refused the save: HTTP {status} {body[:160]!r} (nothing of this "
                                           f"batch was saved)", problem=True)
            self.progress(len(members))
            return
        # saved: recorded at once (a crash before filing must not lead to a second copy)
        self._mark(members, "unfiled", session)
        self._move_and_tag(members, tags, target, session)
        self.progress(len(members))

    def _move_and_tag(self, members: list[PlannedItem], tags: list[str], target: Target, session: str) -> bool:
        """``updateSession``: file the session's items into the target with the complete tag list.

        Sent at most twice.
        """
        value = self._tag_value(tags, members)
        where = f"{target.path!r}"
        why = ""
        for _attempt in range(2):  # idempotent: it *sets* the collection and the manual tags
            try:
                response = self.connector.update_session(session, target.tree_id, value)
            except OutcomeUnknown as exc:
                why = f"no answer ({exc})"
                continue
            if response.status_code == 200:
                self._mark(members, "saved", session)
                for p in members:
                    o = self.result.outcomes[p.index]
                    self.set(p, Status.CREATED, o.message, problem=o.problem)
                return True
            body = text_of(response).strip()
            why = f"updateSession: HTTP {response.status_code} {body[:120]!r}"
            if response.status_code < 500:  # a definite no (session gone after a restart, collection deleted)
                break
        for p in members:
            self.set(p, Status.PARTIAL, f"saved into the collection that was selected in Zotero, but not moved into "
                                        f"{where} nor tagged ({why}); move and tag it in Zotero", problem=True)
        return False

    def _after_lost_save(self, members: list[PlannedItem], tags: list[str], target: Target, session: str,
                         resent: bool, *, timed_out: bool) -> None:
        """saveItems got no answer: never resend blindly.  Check first (local API), else record 'unknown'."""
        if self.api is None:
            # if the save did happen, this files and tags its items as asked; if not, it changes nothing
            try:
                self.connector.update_session(session, target.tree_id, self._tag_value(tags, members))
            except ZoteroError:
                pass
            self._mark(members, "unknown", session)
            for p in members:
                self.set(p, Status.UNKNOWN, "Zotero did not answer the save: it may or may not have saved it; "
                         + _unknown_remedy(None), problem=True)
            return
        found, missing = self._look_up(members)
        if missing and timed_out:  # Zotero was alive but slow: give it a moment before deciding anything
            self.connector.http.sleep(min(5.0, max(1.0, self.connector.http.timeout)))
            found, missing = self._look_up(members)
        if found:
            # the save went through: the session exists, move and tag its items now
            self._mark(found, "unfiled", session)
            self._move_and_tag(found, tags, target, session)
        if not missing:
            return
        if timed_out:
            # Zotero may still be saving them: a second save would make a second copy
            self._mark(missing, "unknown", session)
            self._pending.append((missing, tags, target, session))
            for p in missing:
                self.set(p, Status.UNKNOWN, "Zotero did not answer in time and may still be saving it, so it was not "
                                            "sent again; run again: the bridge reads the library first and saves "
                                            "only what is missing", problem=True)
        elif not resent:
            self._save(missing, tags, target, resent=True)
        else:
            for p in missing:
                self.set(p, Status.UNKNOWN, "Zotero did not answer twice; run again", problem=True)

    def _look_up(self, members: list[PlannedItem]) -> tuple[list[PlannedItem], list[PlannedItem]]:
        """Which of ``members`` the library holds now (read through the local API)."""
        assert self.api is not None
        items, _ = self.api.items_top()
        index = LibraryIndex(Snapshot(items=items))
        found = [p for p in members if find_match(p.entry, index, None)[0] is not None]
        return found, [p for p in members if p not in found]

    def _settle_pending(self) -> None:
        """At the end of the run, look once more for the timed-out saves: file and tag what Zotero finished."""
        for members, tags, target, session in self._pending:
            found, _ = self._look_up(members)
            if found:
                self._mark(found, "unfiled", session)
                self._move_and_tag(found, tags, target, session)
        self._pending = []


def _unknown_remedy(api: LocalApi | None) -> str:
    if api is None:
        return ("check the collection in Zotero, then run again with --resave-unknown to save what is missing "
                "(turn on the local API so the bridge can check by itself)")
    return "run again: the bridge will check the library first"
