"""Conformance: Zotero's own server test cases, run against zotero_bridge.testing.FakeZotero.

tests/data/zotero/server-cases.json (copied from the shared reference, see
server-cases.README.md beside it) holds 206 cases from Zotero's test suite and server code.  Each
in-scope case runs against every Zotero release it applies to (its ``versions``
field), with a real socket client (tests/zotero_wire.py) so dropped and hanging
connections are seen as such.  Set-ups written in words are translated into
fixture code keyed by case ID (``SETUPS``); the checks written in words
(``body_checks``, ``effect``) are translated into assertions on the answer and on
the double's state (``CHECKS``); steps that are not HTTP requests (``method:
null``) are translated into actions (``ACTIONS``).  Cases the double does not
cover are listed in ``OUT_OF_SCOPE`` with the reason — they are not skipped
tests, they are simply not run, and a test checks the list names real cases.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import uuid
from pathlib import Path
from typing import Any, Callable

import pytest

from zotero_bridge.testing import FakeZotero
from zotero_bridge.testing.server import Call
from zotero_bridge.testing.wire import Response
from zotero_wire import Answer, send

DATA = Path(__file__).resolve().parent / "data" / "zotero"
CASES: list[dict[str, Any]] = json.loads((DATA / "server-cases.json").read_text(encoding="utf-8"))
BY_ID = {c["id"]: c for c in CASES}

OUT_OF_SCOPE: dict[str, str] = {
    "connector.getTranslatorCode": "needs Zotero's translator repository (the double ships no translators)",
    "connector.detect.proxy": "translator detection runs Zotero's web translators",
    "connector.saveAttachmentFromResolver.ok": "needs open-access resolvers and downloads (the double has no network; "
                                               "the failing variant .fail runs)",
    "connector.getRecognizedItem": "needs Zotero's PDF metadata recognizer",
    "localapi.items.format_bib": "CSL bibliography output needs citeproc-js and styles",
    "localapi.items.include_citation": "CSL citations need citeproc-js",
    "localapi.items.include_citation_stable": "CSL citations need citeproc-js",
    "localapi.items.citation_style_name": "CSL citations and style installation need citeproc-js",
    "localapi.items.citation_style_url": "CSL citations and style installation need citeproc-js",
}

# ---------------------------------------------------------------------------- which releases
ALL = ["7.0.0", "7.0.32", "8.0.5", "9.0.6", "10.0.1"]
VERSION_RULES: list[tuple[str, list[str]]] = [
    ("7.0.0-7.0.15 and 9.0.3+", ["7.0.0", "7.0.15", "9.0.3", "10.0.1"]),
    ("7.0.0-9.0.2", ["7.0.0", "7.0.32", "8.0.5", "9.0.2"]),
    (">=9.0.3", ["9.0.3", "9.0.6", "10.0.1"]),
    ("<=9.x", ["7.0.0", "7.0.32", "8.0.5", "9.0.6"]),
    ("7.0-9.x", ["7.0.0", "7.0.32", "8.0.5", "9.0.6"]),
    ("7.0.20+", ["7.0.20", "7.0.32", "8.0.5", "9.0.6", "10.0.1"]),
    ("7.0.16+", ["7.0.16", "7.0.32", "8.0.5", "9.0.6", "10.0.1"]),
    ("10.0+", ["10.0.1"]),
    ("8.0+", ["8.0.5", "9.0.6", "10.0.1"]),
    ("7.0+", ALL),
    ("all", ALL),
    ("array tags 8.0+", ["8.0.5", "9.0.6", "10.0.1"]),
    ("tags-as-string form works in all versions", ["7.0.32", "8.0.5", "9.0.6", "10.0.1"]),
    ("main", ["10.0.1"]),
]
#: where a case's wording says more than its `versions` field (e.g. the old server's saveItems body)
VERSION_OVERRIDES = {
    "code.connector.saveItems_session_exists": ["7.0.16", "7.0.32", "8.0.5", "9.0.6", "10.0.1"],
    "connector.ping.allow_browser_navigate": ["8.0.5", "9.0.6", "10.0.1"],
    "connector.saveItems.to_selected_collection": ["7.0.32", "8.0.5", "9.0.6", "10.0.1"],
    "connector.import.bibtex_into_selected_collection": ["7.0.0", "7.0.32", "8.0.5", "9.0.6", "10.0.1"],
    "localapi.serverid.read_none": ["7.0.32", "8.0.5", "9.0.6", "10.0.1"],
}


def versions_for(case: dict[str, Any]) -> list[str]:
    if case["id"] in VERSION_OVERRIDES:
        return VERSION_OVERRIDES[case["id"]]
    text = case["versions"]
    for prefix, versions in VERSION_RULES:
        if text.startswith(prefix):
            return versions
    raise AssertionError(f"no version rule for {case['id']}: {text!r}")


# ---------------------------------------------------------------------------- context and placeholders
class Ctx:
    """Placeholder values of one case run (constants, or callables evaluated when a request is sent)."""

    def __init__(self, z: FakeZotero, case: dict[str, Any]):
        self.z = z
        self.case = case
        self.version = z.zotero_version
        self.values: dict[str, Any] = {
            "sessionID": f"case-{uuid.uuid4()}", "randomTitle": f"Title {secrets.token_hex(4)}", "testPort": 9,
            "id": "connector-id-1", "itemID": "connector-item-1", "bookItemID": "book-1", "articleItemID": "article-1",
            "serverID": z.server_id, "token": secrets.token_hex(8), "newToken": lambda: secrets.token_hex(8),
            "random": secrets.token_hex(6), "library.clientVersion": lambda: z.library_version,
            "current library version": lambda: self.reported_library_version(),
            "V": lambda: z.library_version,
        }
        self.answers: list[Answer] = []
        self.captured: dict[str, Any] = {}

    def reported_library_version(self) -> int:
        return self.z.library_version if self.version.local_versions else 0

    def __setitem__(self, name: str, value: Any) -> None:
        self.values[name] = value

    def __getitem__(self, name: str) -> Any:
        value = self.values[name]
        return value() if callable(value) else value

    def version_of(self, key: str) -> Callable[[], int]:
        return lambda: self.z.item(key)["version"]

    _EXPR = re.compile(r"^\s*([\w.' ]+?)\s*(?:([+-])\s*(\d+))?\s*$")

    def lookup(self, expr: str) -> tuple[bool, Any]:
        name = expr.split(" e.g.")[0].strip()
        if name in self.values:
            return True, self[name]
        m = self._EXPR.match(name)
        if m and m.group(1) in self.values and m.group(2):
            base = self[m.group(1)]
            return True, base + int(m.group(3)) if m.group(2) == "+" else base - int(m.group(3))
        return False, None


PLACEHOLDER = re.compile(r"\{([^{}\"]+)\}")


def resolve(value: Any, ctx: Ctx) -> Any:
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            found, resolved = ctx.lookup(whole.group(1))
            if found:
                return resolved
        return PLACEHOLDER.sub(lambda m: str(ctx.lookup(m.group(1))[1]) if ctx.lookup(m.group(1))[0] else m.group(0), value)
    if isinstance(value, dict):
        return {resolve(k, ctx): resolve(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, ctx) for v in value]
    return value


# ---------------------------------------------------------------------------- fixtures (set-ups in words → code)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
FULLTEXT = "Zotero [zoh-TAIR-oh] is a free, easy-to-use tool to help you collect, organize, cite, and share your research sources."
SNAPSHOT_HTML = "<html><head><title>Test</title></head><body><p>Snapshot body</p></body></html>"


def local_fixture(z: FakeZotero, ctx: Ctx) -> None:
    """Collection C with subcollection S; I1–I4, attachment A1 (indexed PDF) under I4, annotation N1 on A1."""
    c = z.add_collection("Collection C")
    s = z.add_collection("Collection C/Subcollection S")
    ctx["C.key"], ctx["S.key"] = c, s
    ctx["C.name"], ctx["S.name"] = "Collection C", "Subcollection S"
    ctx["I1.key"] = z.add_item({"itemType": "bookSection", "title": "A Chapter", "tags": [{"tag": "another tag"}],
                                "creators": [{"creatorType": "author", "firstName": "A", "lastName": "Person"}]}, [c])
    ctx["I2.key"] = z.add_item({"itemType": "book", "title": "A Book", "tags": [{"tag": "some tag"}],
                                "creators": [{"creatorType": "author", "firstName": "A", "lastName": "Zerson"}]}, [c])
    ctx["I3.key"] = z.add_item({"itemType": "journalArticle", "title": "An Article",
                                "tags": [{"tag": "another tag"}, {"tag": "a third tag"}],
                                "creators": [{"creatorType": "author", "firstName": "B", "lastName": "XYZ"}]}, [c])
    ctx["I4.key"] = z.add_item({"itemType": "book", "title": "Another Book"}, [s])
    ctx["A1.key"] = z.add_item({"itemType": "attachment", "linkMode": "imported_file", "title": "test.pdf",
                                "contentType": "application/pdf", "filename": "test.pdf"}, parent=ctx["I4.key"], file=PDF,
                               fulltext={"content": FULLTEXT, "indexedPages": 1, "totalPages": 1})
    ctx["N1.annotationComment"] = "An annotation comment"
    ctx["N1.key"] = z.add_item({"itemType": "annotation", "annotationType": "highlight", "annotationText": "Zotero",
                                "annotationComment": "An annotation comment", "annotationColor": "#ffd400",
                                "annotationSortIndex": "00000|000000|00000", "annotationPosition": "{}"},
                               parent=ctx["A1.key"])


def write_fixture(z: FakeZotero, ctx: Ctx) -> None:
    local_fixture(z, ctx)
    ctx["apiKey"] = z.grant_key("Always allowed test app", remember=True)


def item_x(**fields: str) -> Callable[[FakeZotero, Ctx], None]:
    def setup(z: FakeZotero, ctx: Ctx) -> None:
        write_fixture(z, ctx)
        ctx["X.key"] = z.add_item({"itemType": "book", "title": "Item X", **fields})
        ctx["X.clientVersion"] = ctx.version_of(ctx["X.key"])
    return setup


def with_writes(extra: Callable[[FakeZotero, Ctx], None]) -> Callable[[FakeZotero, Ctx], None]:
    def setup(z: FakeZotero, ctx: Ctx) -> None:
        write_fixture(z, ctx)
        extra(z, ctx)
    return setup


def select_new_collection(z: FakeZotero, ctx: Ctx) -> None:
    key = z.add_collection("Selected collection")
    z.select(key)
    ctx["collection.key"] = key
    ctx["collection.treeViewID"] = z.collection_id(key)


def select_readonly_group(z: FakeZotero, ctx: Ctx) -> None:
    ctx["group.libraryID"] = z.add_group("Read-only group", editable=False)
    z.select(None, library=ctx["group.libraryID"])


def two_collections(z: FakeZotero, ctx: Ctx) -> None:
    for n in (1, 2):
        key = z.add_collection(f"collection{n}")
        ctx[f"collection{n}.key"] = key
        ctx[f"collection{n}.treeViewID"] = z.collection_id(key)
    z.select(ctx["collection2.key"])


def files_readonly_group(z: FakeZotero, ctx: Ctx) -> None:
    lib = z.add_group("Group (files read-only)", editable=True, files_editable=False)
    ctx["group.libraryID"] = lib
    ctx["group.treeViewID"] = f"L{lib}"
    ctx["userLibrary.treeViewID"] = "L1"
    z.select(None, library=lib)


def a_group(version: int = 7) -> Callable[[FakeZotero, Ctx], None]:
    def setup(z: FakeZotero, ctx: Ctx) -> None:
        lib = z.add_group("Test group", editable=True, version=version)
        ctx["group.libraryID"] = lib
        ctx["groupID"] = z.group_id(lib)
        ctx["group.version+1"] = version + 1
    return setup


def group_with_new_item(z: FakeZotero, ctx: Ctx) -> None:
    a_group(7)(z, ctx)
    z.add_item({"itemType": "book", "title": "Just added"}, library=ctx["group.libraryID"])


def session_s1(z: FakeZotero, ctx: Ctx) -> None:
    answer = post_json(z, "/connector/saveItems", {"sessionID": "s1", "items": [{"itemType": "book", "title": "s1"}]})
    assert answer.status == 201


def session_s4_and_c12(z: FakeZotero, ctx: Ctx) -> None:
    key = z.add_collection("C12")
    ctx["C12"] = z.collection_id(key)
    ctx["C12.key"] = key
    answer = post_json(z, "/connector/saveItems", {"sessionID": "s4", "items": [
        {"itemType": "book", "title": "t", "tags": ["auto"]}]})
    assert answer.status == 201


def post_json(z: FakeZotero, path: str, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return send(z.port, "POST", path, headers={"Content-Type": "application/json", "X-Zotero-Connector-API-Version": "3",
                                               **(headers or {})}, body=json.dumps(body).encode())


def fulltext_fixture(two: bool = False, regular: bool = False) -> Callable[[FakeZotero, Ctx], None]:
    def setup(z: FakeZotero, ctx: Ctx) -> None:
        write_fixture(z, ctx)
        ctx["P.key"] = z.add_item({"itemType": "book", "title": "Parent P"})
        names = ["A1", "A2"] if two else ["A"]
        for name in names:
            ctx[f"{name}.key"] = z.add_item({"itemType": "attachment", "linkMode": "imported_file", "title": f"{name}.pdf",
                                             "contentType": "application/pdf", "filename": f"{name}.pdf"},
                                            parent=ctx["P.key"], file=PDF)
        if regular:
            ctx["R.key"] = z.add_item({"itemType": "journalArticle", "title": "Regular R"})
    return setup


UPLOAD_BYTES = bytes([0x25, 0x50, 0x44, 0x46, 0x00, 0x7F, 0x80, 0xFF, 0xD0, 0x0A])


def file_fixture(z: FakeZotero, ctx: Ctx) -> None:
    """Imported-file attachment A of test.pdf, and the md5/size of whatever the case's upload step sends."""
    write_fixture(z, ctx)
    parent = z.add_item({"itemType": "book", "title": "File parent"})
    ctx["A.key"] = z.add_item({"itemType": "attachment", "linkMode": "imported_file", "title": "test.pdf",
                               "contentType": "application/pdf", "filename": "test.pdf"}, parent=parent, file=PDF)
    ctx["A.filename"] = "test.pdf"
    ctx["md5 of A's file"] = hashlib.md5(PDF).hexdigest()
    ctx["size"] = len(PDF)
    now_ms = 1_767_000_000_000
    for name in ("mtime ms", "now ms", "now", "mtime"):
        ctx[name] = now_ms
    upload = next((s["request"]["body"] for s in ctx.case["steps"]
                   if (s["request"].get("path") or "") in ("{url}", "/api/local/uploads/{uploadKey}")), None)
    content = UPLOAD_BYTES if ctx.case["id"] == "localapi.file.multipart_flow" else (upload or "").encode()
    ctx["md5"] = hashlib.md5(content).hexdigest()
    ctx["len"] = len(content)
    ctx["upload.content"] = content


def setup_for(case_id: str) -> Callable[[FakeZotero, Ctx], None]:
    if case_id in SETUPS:
        return SETUPS[case_id]
    if case_id.startswith("localapi.file."):
        return file_fixture
    if case_id.startswith(("localapi.auth", "localapi.items.post", "localapi.items.write_token", "localapi.method",
                           "localapi.serverid")):
        return write_fixture
    if case_id.startswith("localapi.") or case_id.startswith("code.localapi."):
        return local_fixture
    return lambda z, ctx: None


def deny_prompt(z: FakeZotero, ctx: Ctx) -> None:
    write_fixture(z, ctx)
    z.authorize = "deny"


def allow_prompt(z: FakeZotero, ctx: Ctx) -> None:
    write_fixture(z, ctx)
    z.authorize = "allow"


def stale_library(z: FakeZotero, ctx: Ctx) -> None:
    write_fixture(z, ctx)
    ctx["staleLibraryVersion"] = z.library_version
    z.add_item({"itemType": "book", "title": "advances the library"})


def two_items_a_b(z: FakeZotero, ctx: Ctx) -> None:
    write_fixture(z, ctx)
    ctx["A.key"] = z.add_item({"itemType": "book", "title": "Item A"})
    ctx["A.clientVersion"] = ctx.version_of(ctx["A.key"])
    z.add_item({"itemType": "book", "title": "Item B"})


def x1_x2(z: FakeZotero, ctx: Ctx) -> None:
    write_fixture(z, ctx)
    ctx["X1.key"] = z.add_item({"itemType": "book", "title": "X1"})
    ctx["X2.key"] = z.add_item({"itemType": "book", "title": "X2"})


def collection_k(z: FakeZotero, ctx: Ctx) -> None:
    write_fixture(z, ctx)
    ctx["K.key"] = z.add_collection("Before")
    ctx["K.clientVersion"] = lambda: next(c["version"] for c in z.collections() if c["key"] == ctx["K.key"])


def collection_p(z: FakeZotero, ctx: Ctx) -> None:
    write_fixture(z, ctx)
    ctx["P.key"] = z.add_collection("P")


def search_q(z: FakeZotero, ctx: Ctx) -> None:
    write_fixture(z, ctx)
    answer = send(z.port, "POST", "/api/users/0/searches", headers=write_headers(ctx), body=json.dumps(
        [{"name": "To Delete", "conditions": [{"condition": "title", "operator": "contains", "value": "x"}]}]).encode())
    ctx["Q.key"] = answer.json()["success"]["0"]
    ctx["Q.clientVersion"] = answer.json()["successful"]["0"]["version"]


def tagged_item(*tags: str) -> Callable[[FakeZotero, Ctx], None]:
    def setup(z: FakeZotero, ctx: Ctx) -> None:
        write_fixture(z, ctx)
        ctx["T.key"] = z.add_item({"itemType": "book", "title": "Tagged", "tags": [{"tag": t} for t in tags]})
    return setup


def readonly_group_with_key(z: FakeZotero, ctx: Ctx) -> None:
    write_fixture(z, ctx)
    lib = z.add_group("Read-only group", editable=False)
    ctx["readOnlyGroupID"] = z.group_id(lib)


def write_headers(ctx: Ctx) -> dict[str, str]:
    return {"Zotero-Allowed-Request": "1", "Zotero-Server-ID": ctx["serverID"], "Zotero-API-Key": ctx["apiKey"],
            "Content-Type": "application/json"}


def register_multipart_probe(z: FakeZotero, ctx: Ctx) -> None:
    calls: list[Call] = []
    path = f"/test/{ctx['random']}"

    def handler(call: Call) -> Response:
        calls.append(call)
        return Response(204)

    z.register_test_endpoint(path, handler, ("POST",), ("multipart/form-data",))
    ctx["probe.calls"] = calls


SETUPS: dict[str, Callable[[FakeZotero, Ctx], None]] = {
    "connector.saveItems.to_selected_collection": select_new_collection,
    "connector.saveItems.readonly_switches_to_my_library": select_readonly_group,
    "connector.saveSnapshot_then_saveSingleFile": select_new_collection,
    "connector.saveItems_then_saveSingleFile": select_new_collection,
    "connector.saveSnapshot.to_selected_collection": select_new_collection,
    "connector.saveSnapshot.readonly_switches_to_my_library": select_readonly_group,
    "connector.updateSession.saveItems": two_collections,
    "connector.updateSession.standaloneAttachment": two_collections,
    "connector.updateSession.saveSnapshot": two_collections,
    "connector.updateSession.move_library_saveItems": files_readonly_group,
    "connector.updateSession.move_library_saveSnapshot": files_readonly_group,
    "connector.updateSession.erase_note": select_new_collection,
    "connector.import.bibtex_into_selected_collection": select_new_collection,
    "connector.import.readonly_switches_to_my_library": select_readonly_group,
    "server.multipart.missing_boundary": register_multipart_probe,
    "localapi.items.fulltext_missing": lambda z, ctx: (local_fixture(z, ctx), ctx.__setitem__(
        "emptyPdfAttachment.key", z.add_item({"itemType": "attachment", "linkMode": "imported_file", "title": "empty.pdf",
                                              "contentType": "application/pdf", "filename": "empty.pdf"}, file=b""))),
    "localapi.groups.no_lmv": a_group(),
    "localapi.groups.ignore_since": a_group(),
    "localapi.groups.format_versions": a_group(),
    "localapi.group.versions": group_with_new_item,
    "localapi.group.unknown": local_fixture,
    "localapi.authorize.allow": allow_prompt,
    "localapi.authorize.always_allow": write_fixture,
    "localapi.authorize.deny": deny_prompt,
    "localapi.authorize.appName_to_prompt": deny_prompt,
    "localapi.authorize.rate_limit": deny_prompt,
    "localapi.authorize.bad_requests_not_counted": deny_prompt,
    "localapi.authorize.count": write_fixture,
    "localapi.authorize.clear": write_fixture,
    "localapi.auth.single_use": allow_prompt,
    "localapi.items.post_update_key_version": item_x(),
    "localapi.items.post_stale_version": item_x(),
    "localapi.items.post_keyed_no_precondition": item_x(),
    "localapi.items.post_keyed_with_header": item_x(),
    "localapi.items.post_stale_library_header": stale_library,
    "localapi.items.put_replace": item_x(publisher="Original Pub"),
    "localapi.items.put_no_precondition": item_x(),
    "localapi.items.put_stale": item_x(),
    "localapi.items.put_invalid_key": item_x(),
    "localapi.items.patch_merge": item_x(publisher="Keep Me"),
    "localapi.items.patch_clear": item_x(publisher="Will Be Cleared"),
    "localapi.items.patch_object_version_header": two_items_a_b,
    "localapi.items.delete_single": item_x(),
    "localapi.items.delete_no_header": item_x(),
    "localapi.items.delete_stale": item_x(),
    "localapi.items.delete_unknown": item_x(),
    "localapi.items.delete_multi": x1_x2,
    "localapi.items.delete_multi_unknown_mixed": item_x(),
    "localapi.items.delete_multi_over_50": write_fixture,
    "localapi.collections.post_create": write_fixture,
    "localapi.collections.post_with_parent": collection_p,
    "localapi.collection.put": collection_k,
    "localapi.collection.patch": collection_k,
    "localapi.collection.delete": collection_k,
    "localapi.searches.post_create": write_fixture,
    "localapi.search.delete": search_q,
    "localapi.tags.delete": tagged_item("tagToDelete", "tagToKeep"),
    "localapi.tags.delete_multi": tagged_item("multi1", "multi2", "keep"),
    "localapi.tags.delete_no_header": write_fixture,
    "localapi.fulltext.put": fulltext_fixture(),
    "localapi.fulltext.put_chars": fulltext_fixture(),
    "localapi.fulltext.put_no_content": fulltext_fixture(),
    "localapi.fulltext.put_bad_stats": fulltext_fixture(),
    "localapi.fulltext.put_unknown": fulltext_fixture(),
    "localapi.fulltext.put_non_attachment": fulltext_fixture(regular=True),
    "localapi.fulltext.post_bulk": fulltext_fixture(two=True),
    "localapi.fulltext.post_partial": fulltext_fixture(two=True, regular=True),
    "localapi.fulltext.post_no_header": fulltext_fixture(two=True),
    "localapi.fulltext.post_non_array": fulltext_fixture(two=True),
    "localapi.fulltext.post_over_10": fulltext_fixture(two=True),
    "localapi.fulltext.post_missing_key": fulltext_fixture(two=True),
    "code.connector.updateSession_errors": session_s1,
    "code.connector.updateSession_tags_replace": session_s4_and_c12,
    "code.localapi.authorize_needs_server_id": write_fixture,
    "code.localapi.write_readonly_library": readonly_group_with_key,
    "code.localapi.items_post_body_errors": write_fixture,
    "code.localapi.keyed_create": write_fixture,
}

#: cases run with non-default FakeZotero options
OPTIONS: dict[str, dict[str, Any]] = {"code.localapi.disabled": {"local_api": False}}


# ---------------------------------------------------------------------------- request overrides (bodies described in words)
def _replace_body(body: Any) -> Callable[[Ctx, dict[str, Any]], dict[str, Any]]:
    return lambda ctx, req: {**req, "body": body(ctx) if callable(body) else body}


def _multipart(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    boundary = "----zotero-double-boundary"
    params = ctx.captured["params"]
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in params.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="uploaded.bin"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + UPLOAD_BYTES + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {**req["headers"], "Content-Type": f"multipart/form-data; boundary={boundary}"}
    return {**req, "headers": headers, "body": body, "body_kind": "binary"}


def _bad_filenames(ctx: Ctx, req: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**req, "body": f"md5={'a' * 32}&filename={name}&filesize=10&mtime={ctx['now ms']}"}
            for name in ("../escape.txt", "sub/escape.txt", "..\\escape.txt", "..")]


OVERRIDES: dict[tuple[str, int], Callable[[Ctx, dict[str, Any]], Any]] = {
    ("connector.saveSnapshot_then_saveSingleFile", 1): lambda ctx, req: {
        **req, "body": {**req["body"], "snapshotContent": SNAPSHOT_HTML}},
    ("connector.saveItems_then_saveSingleFile", 1): lambda ctx, req: {
        **req, "body": {**req["body"], "snapshotContent": SNAPSHOT_HTML}},
    ("connector.saveAttachment.to_parent_items", 1): _replace_body(PDF),
    ("connector.saveAttachment.to_parent_items", 2): _replace_body(PDF),
    ("connector.saveStandaloneAttachment.pdf", 0): _replace_body(PDF),
    ("connector.saveStandaloneAttachment.png", 0): _replace_body(PNG),
    ("connector.updateSession.standaloneAttachment", 0): _replace_body(PDF),
    ("localapi.items.post_over_50", 0): _replace_body([{"itemType": "book", "title": f"Book {i}"} for i in range(51)]),
    ("localapi.items.delete_multi_over_50", 0): lambda ctx, req: {
        **req, "query": {**req["query"], "itemKey": ",".join(f"AAAAAAA{i % 9 + 1}" for i in range(51))}},
    ("localapi.fulltext.post_over_10", 0): lambda ctx, req: {
        **req, "body": [{"key": ctx["A1.key"], "content": "x"} for _ in range(11)]},
    ("code.connector.updateSession_tags_replace", 0): lambda ctx, req: {**req, "body": {**req["body"], "target": ctx["C12"]}},
    ("code.connector.updateSession_tags_replace", 1): lambda ctx, req: {**req, "body": {**req["body"], "target": ctx["C12"]}},
    ("localapi.file.bad_filename", 0): _bad_filenames,
    ("localapi.file.receiver_md5_mismatch", 0): lambda ctx, req: {
        **req, "body": f"md5={'a' * 32}&filename=mm.bin&filesize=10&mtime={ctx['now']}"},
    ("localapi.file.register_without_upload", 0): lambda ctx, req: {
        **req, "body": f"md5={'e' * 32}&filename=x.bin&filesize=5&mtime={ctx['now']}"},
    ("localapi.file.multipart_flow", 1): _multipart,
}

#: steps the case text says are repeated
REPEAT = {("localapi.authorize.rate_limit", 0): 5, ("localapi.authorize.bad_requests_not_counted", 0): 5}


def encode_body(kind: str | None, body: Any) -> bytes | None:
    if kind in (None, "none"):
        return None
    if isinstance(body, bytes):
        return body
    if kind == "json":
        return json.dumps(body).encode("utf-8")
    return str(body).encode("utf-8")


# ---------------------------------------------------------------------------- generic expectations
def subset(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and subset(v, actual[k]) for k, v in expected.items())
    return expected == actual


def check_expect(expect: dict[str, Any], answer: Answer, ctx: Ctx) -> None:
    where = f"{ctx.case['id']} on {ctx.version}"
    if expect.get("no_response"):
        assert answer.no_response, f"{where}: expected no answer, got {answer.status} {answer.body[:200]!r}"
        return
    assert not answer.no_response, f"{where}: no answer"
    status = expect.get("status")
    if isinstance(status, list):
        assert answer.status in status, f"{where}: status {answer.status} not in {status}: {answer.body[:300]!r}"
    elif status is not None:
        assert answer.status == status, f"{where}: status {answer.status} != {status}: {answer.body[:300]!r}"
    assert answer.version == "HTTP/1.0"
    assert answer.header("X-Zotero-Connector-API-Version") == "3"
    assert answer.header("X-Zotero-Version") == ctx.version.text
    if "content_type" in expect:
        assert answer.media_type == expect["content_type"], f"{where}: content type {answer.media_type}"
    for name, value in (expect.get("headers") or {}).items():
        assert answer.header(name) == resolve(value, ctx), f"{where}: header {name}={answer.header(name)!r}"
    for name in expect.get("headers_present") or []:
        assert answer.header(name) is not None, f"{where}: header {name} missing"
    for name in expect.get("headers_absent") or []:
        assert answer.header(name) is None, f"{where}: header {name} present"
    if "body_exact" in expect:
        assert answer.text == expect["body_exact"], f"{where}: body {answer.text[:300]!r}"
    if "body_json" in expect:
        assert answer.json() == resolve(expect["body_json"], ctx), f"{where}: body {answer.text[:300]!r}"
    if "body_json_subset" in expect:
        assert subset(resolve(expect["body_json_subset"], ctx), answer.json()), f"{where}: body {answer.text[:300]!r}"
    if "body_contains" in expect:
        assert expect["body_contains"] in answer.text


# ---------------------------------------------------------------------------- the words, as code
def top_items(z: FakeZotero, library: int | None = None) -> list[dict[str, Any]]:
    return z.items(library=library)


def only_item(z: FakeZotero, library: int | None = None) -> dict[str, Any]:
    items = top_items(z, library)
    assert len(items) == 1, items
    return items[0]


def keys_of(answer: Answer) -> set[str]:
    return {o["key"] for o in answer.json()}


def manual(item: dict[str, Any]) -> set[str]:
    return {t["tag"] for t in item["tags"] if t["type"] == 0}


def children_of_type(z: FakeZotero, key: str, item_type: str, library: int | None = None) -> list[dict[str, Any]]:
    return [c for c in z.children(key, library=library) if c["itemType"] == item_type]


def _saved_newspaper(ctx: Ctx, library: int | None = None, collection: str | None = None) -> dict[str, Any]:
    item = only_item(ctx.z, library)
    assert item["itemType"] == "newspaperArticle" and item["title"] == "Title"
    assert item["creators"] == [{"creatorType": "author", "firstName": "First", "lastName": "Last"}]
    assert item["collections"] == ([collection] if collection else [])
    return item


def check_focused_row(ctx: Ctx) -> None:
    z = ctx.z
    z.add_collection("Mine")  # a My Library collection (selected, not focused)
    group = z.add_group("Editable group", editable=True)
    group_coll = z.add_collection("Group collection", library=group)
    z.select(group_coll, library=group)  # the focused row
    answer = post_json(z, "/connector/saveItems", {"items": [{"itemType": "book", "title": "Focused"}]})
    assert answer.status == 201
    assert top_items(z) == []
    saved = only_item(z, group)
    assert saved["collections"] == [group_coll]


def check_saveitems_single_file(answer: Answer, ctx: Ctx) -> None:
    item = only_item(ctx.z)
    atts = children_of_type(ctx.z, item["key"], "attachment")
    assert len(atts) == 1 and atts[0]["linkMode"] == "imported_url" and atts[0]["title"] == "Test"
    assert ctx.z.file(atts[0]["key"]) == SNAPSHOT_HTML.encode()


def check_snapshot_single_file(answer: Answer, ctx: Ctx) -> None:
    item = only_item(ctx.z)
    atts = children_of_type(ctx.z, item["key"], "attachment")
    assert len(atts) == 1 and atts[0]["title"] == ctx["randomTitle"]
    assert ctx.z.file(atts[0]["key"]) == SNAPSHOT_HTML.encode()


def check_two_parents(count_article: int) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        items = {i["title"]: i for i in top_items(ctx.z)}
        book, article = items["Book Title"], items["Article Title"]
        book_atts = children_of_type(ctx.z, book["key"], "attachment")
        assert [a["title"] for a in book_atts] == ["Book Attachment"]
        assert ctx.z.file(book_atts[0]["key"]) == PDF
        art_atts = children_of_type(ctx.z, article["key"], "attachment")
        assert len(art_atts) == count_article
        if count_article:
            assert art_atts[0]["title"] == "Article Attachment" and ctx.z.file(art_atts[0]["key"]) == PDF
    return check


def check_standalone(content_type: str, title: str, body: bytes) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        att = only_item(ctx.z)
        assert att["itemType"] == "attachment" and att["contentType"] == content_type and att["title"] == title
        assert att["url"].endswith(".pdf" if content_type == "application/pdf" else ".png")
        assert ctx.z.file(att["key"]) == body
    return check


def check_update_session(with_note: bool) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        item = only_item(ctx.z)
        assert item["collections"] == [ctx["collection1.key"]]
        assert manual(item) == {"A", "B"}
        notes = children_of_type(ctx.z, item["key"], "note")
        if with_note and ctx.version.session_note:
            assert [n["note"] for n in notes] == ["Test note"]
        else:
            assert notes == []  # 7.x ignores `note`
    return check


def check_move(step: int) -> Callable[[Answer, Ctx], None]:
    """The six steps of move_library_saveItems / the five of move_library_saveSnapshot (library moves)."""
    def check(answer: Answer, ctx: Ctx) -> None:
        z, group = ctx.z, ctx["group.libraryID"]
        if step == 0:
            assert len(top_items(z, group)) == 1 and top_items(z) == []
            ctx.captured["item1"] = top_items(z, group)[0]["key"]
        elif step == 2:
            item1 = ctx.captured["item1"]
            assert [n["note"] for n in children_of_type(z, item1, "note", group)] == ["Test note"]
        elif step == 3:
            assert top_items(z, group) == []
            item2 = only_item(z)
            assert item2["key"] != ctx.captured["item1"]
            ctx.captured["item2"] = item2["key"]
            if ctx.case["id"].endswith("saveItems"):
                assert [n["note"] for n in children_of_type(z, item2["key"], "note")] == ["Test note"]
        elif step == 4:
            assert len(children_of_type(z, ctx.captured["item2"], "attachment")) == 1
        elif step == 5:
            assert top_items(z) == []
            item3 = only_item(z, group)
            assert item3["key"] not in (ctx.captured["item1"], ctx.captured["item2"])
            assert children_of_type(z, item3["key"], "attachment", group) == []
            if ctx.case["id"].endswith("saveItems"):
                assert [n["note"] for n in children_of_type(z, item3["key"], "note", group)] == ["Test note"]
    return check


def check_move_snapshot(step: int) -> Callable[[Answer, Ctx], None]:
    """saveSnapshot variant: no note step, so its steps 0/2/3/4 are saveItems' 0/3/4/5."""
    return check_move({0: 0, 2: 3, 3: 4, 4: 5}[step])


def check_import(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert isinstance(body, list) and body[0]["title"] == "Test1"
    item = only_item(ctx.z)
    assert body[0]["key"] == item["key"]
    assert item["collections"] == [ctx["collection.key"]]
    assert item["tags"] == [{"tag": "A", "type": 1}, {"tag": "B", "type": 1}]
    assert item["itemType"] == "book" and item["publisher"] == "Curly Braces Publishing" and item["date"] == "1000"
    assert item["creators"] == [{"creatorType": "author", "name": "Owl"}]


def check_in_my_library_after_readonly(answer: Answer, ctx: Ctx) -> None:
    assert len(top_items(ctx.z)) == 1
    assert top_items(ctx.z, ctx["group.libraryID"]) == []
    assert ctx.z.selected == "L1"


def collections_all(answer: Answer, ctx: Ctx) -> None:
    body = {c["key"]: c for c in answer.json()}
    assert len(body) == 2
    c, s = body[ctx["C.key"]], body[ctx["S.key"]]
    assert c["data"]["name"] == ctx["C.name"] and c["meta"] == {"numCollections": 1, "numItems": 3}
    assert s["data"]["name"] == ctx["S.name"] and s["meta"] == {"numCollections": 0, "numItems": 1}


def single_collection(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert isinstance(body, dict)
    assert body["data"]["name"] == ctx["S.name"] and body["data"]["parentCollection"] == ctx["C.key"]
    assert ctx["C.key"] in body["links"]["up"]["href"]


def length(n: int, item_type: str | None = None, excluded_type: str | None = None) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        body = answer.json()
        assert isinstance(body, list) and len(body) == n, [o["data"].get("itemType") for o in body]
        if item_type:
            assert all(o["data"]["itemType"] == item_type for o in body)
        if excluded_type:
            assert all(o["data"]["itemType"] != excluded_type for o in body)
    return check


def key_set(*names: str) -> Callable[[Answer, Ctx], None]:
    return lambda answer, ctx: _eq(keys_of(answer), {ctx[n] for n in names})


def _eq(a: Any, b: Any) -> None:
    assert a == b, (a, b)


def attachment_links(answer: Answer, ctx: Ctx) -> None:
    links = answer.json()["links"]
    assert "/api/" in links["up"]["href"] and links["enclosure"]["href"].startswith("file:")
    assert answer.json()["data"]["parentItem"] == ctx["I4.key"]


def annotation_only(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert len(body) == 1 and body[0]["key"] == ctx["N1.key"]
    assert body[0]["data"]["annotationComment"] == ctx["N1.annotationComment"]


def all_keys_listed(answer: Answer, ctx: Ctx) -> None:
    keys = answer.text.split("\n")
    assert set(filter(None, keys)) == {ctx[f"{n}.key"] for n in ("I1", "I2", "I3", "I4", "A1", "N1")}


def versions_are_local(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert isinstance(body, dict) and len(body) == 6
    assert body[ctx["I1.key"]] == ctx.z.item(ctx["I1.key"])["version"] > 0


def no_data(answer: Answer, ctx: Ctx) -> None:
    assert "data" not in answer.json() and answer.json()["key"] == ctx["I1.key"]


def since_step(step: int) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        body = answer.json()
        if step == 1:
            assert len(body) == 6
        elif step == 3:
            assert [o["key"] for o in body] == [ctx["T.key"]]
            assert body[0]["version"] == ctx.captured["V"] + 1 == ctx.z.library_version
        elif step == 5:
            assert body == []
    return check


def creator_desc(answer: Answer, ctx: Ctx) -> None:
    keys = [o["key"] for o in answer.json()]
    assert keys.index(ctx["I2.key"]) < keys.index(ctx["I1.key"])


def all_tags(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert len(body) == 3 and {t["tag"] for t in body} == {"some tag", "another tag", "a third tag"}
    assert next(t for t in body if t["tag"] == "some tag")["meta"]["numItems"] == 1


def fulltext_since0(answer: Answer, ctx: Ctx) -> None:
    assert answer.json() == {ctx["A1.key"]: 0}  # the attachment's synced version: never synced


def group_ids(answer: Answer, ctx: Ctx) -> None:
    assert ctx["groupID"] in [g["id"] for g in answer.json()]
    ctx.captured["groups"] = answer.json()


def same_groups(answer: Answer, ctx: Ctx) -> None:
    assert [g["id"] for g in answer.json()] == [g["id"] for g in ctx.captured["groups"]]


def group_versions(answer: Answer, ctx: Ctx) -> None:
    assert answer.json() == {str(ctx["groupID"]): 7}


def group_object(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert body["version"] == 7 and body["data"]["version"] == 7 and answer.header("Last-Modified-Version") == "7"


def authorize_key(remember: bool) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        body = answer.json()
        assert isinstance(body["key"], str) and len(body["key"]) == 32 and body["remember"] is remember
        assert (body["key"] in ctx.z.remembered_keys) is remember
    return check


def prompt_got(name: str) -> Callable[[Answer, Ctx], None]:
    return lambda answer, ctx: _eq(ctx.z.authorize_prompts[-1], name)


def retry_after(answer: Answer, ctx: Ctx) -> None:
    assert 1 <= int(answer.header("Retry-After") or 0) <= 60
    assert len(ctx.z.authorize_prompts) == 5  # the refused sixth request never reached the modal


def capture_one_shot(answer: Answer, ctx: Ctx) -> None:
    assert answer.json()["remember"] is False
    ctx["oneShot"] = answer.json()["key"]


def write_report_single(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert list(body) == ["successful", "success", "unchanged", "failed"]
    assert all(isinstance(v, dict) for v in body.values()) and body["failed"] == {}
    assert list(body["successful"]) == ["0"]
    obj = body["successful"]["0"]
    assert obj["data"]["itemType"] == "book" and obj["data"]["title"] == "New Book From API"
    assert re.fullmatch(r"[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}", obj["key"])
    assert body["success"]["0"] == obj["key"] and obj["version"] == obj["data"]["version"]
    assert ctx.z.item(obj["key"])["title"] == "New Book From API"


def write_report_multiple(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert len(body["successful"]) == 2 and body["successful"]["0"]["data"]["title"] == "Book A"
    assert body["successful"]["1"]["data"]["itemType"] == "journalArticle"


def partial_failure(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert list(body["successful"]) == ["0"] and list(body["failed"]) == ["1"]
    failed = body["failed"]["1"]
    assert failed["code"] == 400 and "itemtype" in failed["message"].lower() and failed["key"] == ""


def new_key_success(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    key = body["successful"]["0"]["key"]
    assert ctx.z.item(key)["title"] == "QueryKey Item"


def title_is(key_name: str, title: str) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        body = answer.json()
        assert len(body["successful"]) == 1
        assert body["successful"]["0"]["data"]["title"] == title
        assert ctx.z.item(ctx[key_name])["title"] == title
    return check


def failed_code(code: int, unchanged_title: str | None = "Item X") -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        body = answer.json()
        assert list(body["failed"]) == ["0"] and body["failed"]["0"]["code"] == code and body["successful"] == {}
        if unchanged_title:
            assert ctx.z.item(ctx["X.key"])["title"] == unchanged_title
    return check


def stale_library_text(answer: Answer, ctx: Ctx) -> None:
    assert answer.text.startswith("Library has been modified since specified version")


def lmv_is_library(answer: Answer, ctx: Ctx) -> None:
    assert answer.header("Last-Modified-Version") == str(ctx.z.library_version)
    assert ctx.z.item(answer.json()["success"]["0"]) is not None


def put_replaced(answer: Answer, ctx: Ctx) -> None:
    item = ctx.z.item(ctx["X.key"])
    assert item["title"] == "New Title After PUT" and "publisher" not in item


def publisher_is(key_name: str, publisher: str | None, title: str | None = None) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        item = ctx.z.item(ctx[key_name])
        assert item.get("publisher") == publisher
        if title:
            assert item["title"] == title
    return check


def deleted(key_name: str) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        assert ctx.z.item(ctx[key_name]) is None
        assert int(answer.header("Last-Modified-Version") or 0) == ctx.z.library_version > ctx.captured["lmv_before"]
    return check


def both_deleted(answer: Answer, ctx: Ctx) -> None:
    assert ctx.z.item(ctx["X1.key"]) is None and ctx.z.item(ctx["X2.key"]) is None


def created_collection(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert len(body["successful"]) == 1
    key = body["successful"]["0"]["key"]
    assert any(c["key"] == key and c["name"] == "New Test Collection" for c in ctx.z.collections())


def child_collection(answer: Answer, ctx: Ctx) -> None:
    key = answer.json()["successful"]["0"]["key"]
    assert next(c for c in ctx.z.collections() if c["key"] == key)["parentCollection"] == ctx["P.key"]


def collection_named(name: str | None) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        found = [c for c in ctx.z.collections() if c["key"] == ctx["K.key"]]
        assert (found[0]["name"] if found else None) == name
    return check


def search_created(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert len(body["successful"]) == 1 and body["successful"]["0"]["data"]["name"] == "My Saved Search"
    listing = send(ctx.z.port, "GET", "/api/users/0/searches", headers={"Zotero-Allowed-Request": "1"}).json()
    assert [s["data"]["name"] for s in listing] == ["My Saved Search"]


def search_gone(answer: Answer, ctx: Ctx) -> None:
    single = send(ctx.z.port, "GET", f"/api/users/0/searches/{ctx['Q.key']}", headers={"Zotero-Allowed-Request": "1"})
    assert single.status == 404


def tags_left(*names: str) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        item = ctx.z.item(ctx["T.key"])
        assert {t["tag"] for t in item["tags"]} == set(names)
        assert answer.header("Last-Modified-Version") == str(item["version"]) == str(ctx.z.library_version)
    return check


def lmv_advanced(answer: Answer, ctx: Ctx) -> None:
    assert int(answer.header("Last-Modified-Version") or 0) == ctx.z.library_version > ctx.captured["lmv_before"]


def fulltext_equals(**expected: Any) -> Callable[[Answer, Ctx], None]:
    return lambda answer, ctx: _eq({k: answer.json().get(k) for k in expected}, expected)


def fulltext_bulk(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert body["successful"] == {"0": {"key": ctx["A1.key"]}, "1": {"key": ctx["A2.key"]}}
    assert body["success"] == {"0": ctx["A1.key"], "1": ctx["A2.key"]} and body["failed"] == {}
    for name, text in (("A1", "one"), ("A2", "two")):
        got = send(ctx.z.port, "GET", f"/api/users/0/items/{ctx[name + '.key']}/fulltext",
                   headers={"Zotero-Allowed-Request": "1"}).json()
        assert got["content"] == text


def fulltext_partial(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert list(body["successful"]) == ["0"]
    assert body["failed"]["1"]["code"] == 404 and body["failed"]["2"]["code"] == 404


def failed0(code: int) -> Callable[[Answer, Ctx], None]:
    return lambda answer, ctx: _eq(answer.json()["failed"]["0"]["code"], code)


def upload_offer(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert "/api/local/uploads/" in body["url"] and isinstance(body["uploadKey"], str)
    assert "prefix" in body and "suffix" in body
    capture_upload(answer, ctx)


def upload_params(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    assert isinstance(body["params"], dict) and isinstance(body["uploadKey"], str)
    capture_upload(answer, ctx)
    ctx.captured["params"] = body["params"]


def capture_upload(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    ctx["uploadKey"] = body["uploadKey"]
    ctx["url"] = re.sub(r"^https?://[^/]+", "", body["url"])


def file_registered(filename: str | None) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        item = ctx.z.item(ctx["A.key"])
        assert ctx.z.file(ctx["A.key"]) == ctx["upload.content"]
        assert item["md5"] == ctx["md5"] == ctx.z.file_synced_hash(ctx["A.key"])
        if filename:
            assert item["filename"] == filename and item["mtime"] == ctx["mtime"]
    return check


def file_unchanged(answer: Answer, ctx: Ctx) -> None:
    assert ctx.z.file(ctx["A.key"]) == PDF


def get_selected_collection(answer: Answer, ctx: Ctx) -> None:
    body = answer.json()
    keys = {"libraryID", "libraryName", "libraryEditable", "filesEditable", "editable", "id", "name", "targets"}
    assert set(body) == keys | ({"tags"} if ctx.version.selected_collection_tags else set())
    assert body["id"] == ctx.captured["sub.id"] and body["name"] == "Sub"
    targets = body["targets"]
    assert [(t["id"], t["name"], t["level"]) for t in targets] == [
        ("L1", "My Library", 0), (ctx.captured["top.treeID"], "Top", 1), (ctx.captured["sub.treeID"], "Sub", 2),
        (f"L{ctx.captured['group']}", "Editable group", 0)]
    assert all(t["filesEditable"] is True for t in targets)
    if ctx.version.selected_collection_tags:
        assert body["tags"]["L1"] == [{"tag": "auto", "type": 1}, {"tag": "mine"}]


def setup_get_selected(z: FakeZotero, ctx: Ctx) -> None:
    top = z.add_collection("Top")
    sub = z.add_collection("Top/Sub")
    z.add_group("Read-only group", editable=False)
    ctx.captured["group"] = z.add_group("Editable group", editable=True)
    z.add_item({"itemType": "book", "title": "tagged", "tags": [{"tag": "mine"}, {"tag": "auto", "type": 1}]})
    z.select("Top/Sub")
    ctx.captured["top.treeID"], ctx.captured["sub.treeID"] = z.collection_id(top), z.collection_id(sub)
    ctx.captured["sub.id"] = int(z.collection_id(sub)[1:])


SETUPS["code.connector.getSelectedCollection"] = setup_get_selected


def nothing_saved(answer: Answer, ctx: Ctx) -> None:
    assert top_items(ctx.z) == []


def two_identical(answer: Answer, ctx: Ctx) -> None:
    items = top_items(ctx.z)
    assert len(items) == 2 and items[0]["key"] != items[1]["key"]
    assert [(i["title"], i["DOI"]) for i in items] == [("Same", "10.1/x")] * 2


def automatic_tags(answer: Answer, ctx: Ctx) -> None:
    assert only_item(ctx.z)["tags"] == [{"tag": "a", "type": 1}, {"tag": "b", "type": 1}]


def session_items_tagged(with_manual: bool) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        item = next(i for i in top_items(ctx.z) if i["title"] == "t")
        assert item["collections"] == [ctx["C12.key"]]
        expected = [{"tag": "auto", "type": 1}] + ([{"tag": "x", "type": 0}, {"tag": "y", "type": 0}] if with_manual else [])
        assert item["tags"] == expected
    return check


def import_once(answer: Answer, ctx: Ctx) -> None:
    assert [i["title"] for i in top_items(ctx.z)] == ["A"]


def ping_prefs(answer: Answer, ctx: Ctx) -> None:
    prefs = answer.json()["prefs"]
    assert set(prefs) >= {"automaticSnapshots", "downloadAssociatedFiles", "translatorsHash", "sortedTranslatorHash"}
    for name in ("supportsAttachmentUpload", "supportsTagsAutocomplete", "googleDocsAddNoteEnabled",
                 "googleDocsAddAnnotationEnabled", "canUserAddNote"):
        assert prefs[name] is True
    assert prefs["googleDocsCitationExplorerEnabled"] is False


def other_user_text(answer: Answer, ctx: Ctx) -> None:
    assert answer.text.startswith("Only data for the logged-in user is available locally -- use userID 0")


def collection_bibtex(answer: Answer, ctx: Ctx) -> None:
    text = answer.text
    assert text.startswith("\n@")
    assert sorted(re.findall(r"^@(\w+)\{", text, re.M)) == ["article", "book", "incollection"]
    assert "title = {A {Chapter}}" in text and "author = {Person, A}" in text and "keywords = {another tag}" in text
    assert answer.header("Total-Results") == "3"


def pagination(answer: Answer, ctx: Ctx) -> None:
    assert len(answer.json()) == 2 and answer.header("Total-Results") == "4"
    link = answer.header("Link") or ""
    base = f"http://127.0.0.1:{ctx.z.port}/api/users/0/items/top"
    assert f'<{base}?limit=2&start=2>; rel="next"' in link and f'<{base}?limit=2&start=2>; rel="last"' in link


def ris_text(answer: Answer, ctx: Ctx) -> None:
    assert answer.text.startswith("TY")
    assert answer.text.count("ER  - ") == 4  # four regular items; the attachment and annotation are not exported


def keyed_create(step: int) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        body = answer.json()
        if step == 0:
            assert body["successful"]["0"]["key"] == "BRDG2345"
            item = ctx.z.item("BRDG2345")
            assert item["collections"] == [ctx["C.key"]] and item["tags"] == [{"tag": "zotero_bridge", "type": 0}]
        elif step == 1:
            assert body["failed"]["0"]["code"] == 412 and body["successful"] == {}
            assert len([i for i in top_items(ctx.z) if i["title"] == "T"]) == 1
        else:
            assert body["failed"]["0"]["code"] == 404
            assert body["failed"]["0"]["message"].startswith("item doesn't exist (expected version 5; use 0 instead)")
    return check


def no_type_failure(answer: Answer, ctx: Ctx) -> None:
    assert answer.json()["failed"]["0"] == {"key": "", "code": 400, "message": "itemType property not provided"}


def erase_note_step(count: int) -> Callable[[Answer, Ctx], None]:
    def check(answer: Answer, ctx: Ctx) -> None:
        item = only_item(ctx.z)
        notes = children_of_type(ctx.z, item["key"], "note")
        assert [n["note"] for n in notes] == (["Test note"] if count else [])
    return check


CHECKS: dict[tuple[str, int], Callable[[Answer, Ctx], None]] = {
    ("connector.saveItems.to_selected_collection", 0): lambda a, ctx: _saved_newspaper(ctx, collection=ctx["collection.key"]),
    ("connector.saveItems.readonly_switches_to_my_library", 0): lambda a, ctx: (
        _saved_newspaper(ctx), check_in_my_library_after_readonly(a, ctx)),
    ("connector.saveItems.deproxify_url", 0): lambda a, ctx: _eq(only_item(ctx.z)["url"], "https://www.example.com/path"),
    ("connector.saveSnapshot_then_saveSingleFile", 0): lambda a, ctx: _eq(
        (only_item(ctx.z)["itemType"], only_item(ctx.z)["title"], only_item(ctx.z)["collections"]),
        ("webpage", ctx["randomTitle"], [ctx["collection.key"]])),
    ("connector.saveSnapshot_then_saveSingleFile", 1): check_snapshot_single_file,
    ("connector.saveItems_then_saveSingleFile", 0): lambda a, ctx: _eq(
        (only_item(ctx.z)["itemType"], only_item(ctx.z)["collections"]), ("newspaperArticle", [ctx["collection.key"]])),
    ("connector.saveItems_then_saveSingleFile", 1): check_saveitems_single_file,
    ("connector.saveSnapshot.to_selected_collection", 0): lambda a, ctx: _eq(
        (only_item(ctx.z)["itemType"], only_item(ctx.z)["title"], only_item(ctx.z)["collections"]),
        ("webpage", "Title", [ctx["collection.key"]])),
    ("connector.saveSnapshot.readonly_switches_to_my_library", 0): check_in_my_library_after_readonly,
    ("connector.saveAttachment.to_parent_items", 0): lambda a, ctx: _eq(
        sorted((i["itemType"], ctx.z.children(i["key"])) for i in top_items(ctx.z)),
        [("book", []), ("journalArticle", [])]),
    ("connector.saveAttachment.to_parent_items", 1): check_two_parents(0),
    ("connector.saveAttachment.to_parent_items", 2): check_two_parents(1),
    ("connector.saveStandaloneAttachment.pdf", 0): check_standalone("application/pdf", "Test PDF1", PDF),
    ("connector.saveStandaloneAttachment.png", 0): check_standalone("image/png", "Test PNG", PNG),
    ("connector.updateSession.saveItems", 0): lambda a, ctx: _eq(only_item(ctx.z)["collections"], [ctx["collection2.key"]]),
    ("connector.updateSession.saveItems", 1): lambda a, ctx: _eq(
        [c["title"] for c in children_of_type(ctx.z, only_item(ctx.z)["key"], "attachment")], ["Attachment"]),
    ("connector.updateSession.saveItems", 2): check_update_session(with_note=True),
    ("connector.updateSession.standaloneAttachment", 0): lambda a, ctx: _eq(
        only_item(ctx.z)["collections"], [ctx["collection2.key"]]),
    ("connector.updateSession.standaloneAttachment", 1): lambda a, ctx: _eq(
        (only_item(ctx.z)["collections"], manual(only_item(ctx.z))), ([ctx["collection1.key"]], {"A", "B"})),
    ("connector.updateSession.saveSnapshot", 2): check_update_session(with_note=True),
    **{("connector.updateSession.move_library_saveItems", i): check_move(i) for i in (0, 2, 3, 4, 5)},
    **{("connector.updateSession.move_library_saveSnapshot", i): check_move_snapshot(i) for i in (0, 2, 3, 4)},
    ("connector.updateSession.erase_note", 1): erase_note_step(1),
    ("connector.updateSession.erase_note", 2): erase_note_step(0),
    ("connector.installStyle.ok", 0): lambda a, ctx: _eq(ctx.z.installed_styles, ["Test1"]),
    ("connector.import.bibtex_into_selected_collection", 0): check_import,
    ("connector.import.readonly_switches_to_my_library", 0): check_in_my_library_after_readonly,
    ("server.multipart.missing_boundary", 0): lambda a, ctx: _eq(ctx["probe.calls"], []),
    ("localapi.collections.all", 0): collections_all,
    ("localapi.collections.top", 0): key_set("C.key"),
    ("localapi.collection.single_with_parent", 0): single_collection,
    ("localapi.collection.items_no_annotations", 0): key_set("I4.key", "A1.key"),
    ("localapi.items.all", 0): length(6),
    ("localapi.items.top", 0): key_set("I1.key", "I2.key", "I3.key", "I4.key"),
    ("localapi.items.children", 0): key_set("A1.key"),
    ("localapi.items.attachment_links", 0): attachment_links,
    ("localapi.items.file_view_url", 0): lambda a, ctx: _eq(a.text.startswith("file:"), True),
    ("localapi.items.filter_itemType_book", 0): length(2, item_type="book"),
    ("localapi.items.filter_itemType_negated", 0): length(3, excluded_type="book"),
    ("localapi.items.filter_itemType_or", 0): length(3),
    ("localapi.items.filter_tag", 0): key_set("I2.key"),
    ("localapi.items.filter_tag_negated", 0): key_set("I1.key", "I3.key", "I4.key", "A1.key"),
    ("localapi.items.filter_itemType_and_tag", 0): key_set("I2.key"),
    ("localapi.items.filter_tag_or", 0): key_set("I1.key", "I2.key", "I3.key"),
    ("localapi.items.filter_tag_or_not", 0): key_set("I1.key", "I2.key"),
    ("localapi.items.filter_q", 0): key_set("I1.key"),
    ("localapi.items.filter_itemType_annotation", 0): annotation_only,
    ("localapi.items.format_ris", 0): ris_text,
    ("localapi.items.format_keys", 0): all_keys_listed,
    ("localapi.items.format_versions", 0): versions_are_local,
    ("localapi.items.include_empty", 0): no_data,
    **{("localapi.items.since", i): since_step(i) for i in (1, 3, 5)},
    ("localapi.items.sort_creator_desc", 0): creator_desc,
    ("localapi.tags.all", 0): all_tags,
    ("localapi.fulltext.since0", 0): fulltext_since0,
    ("localapi.groups.no_lmv", 0): group_ids,
    ("localapi.groups.ignore_since", 0): group_ids,
    ("localapi.groups.ignore_since", 1): same_groups,
    ("localapi.groups.format_versions", 0): group_versions,
    ("localapi.group.versions", 0): group_object,
    ("localapi.authorize.allow", 0): authorize_key(remember=False),
    ("localapi.authorize.always_allow", 0): authorize_key(remember=True),
    ("localapi.authorize.deny", 0): prompt_got("DeniedApp"),
    ("localapi.authorize.appName_to_prompt", 0): prompt_got("MyTestApp 1.0"),
    ("localapi.authorize.rate_limit", 1): retry_after,
    ("localapi.authorize.bad_requests_not_counted", 1): lambda a, ctx: _eq(ctx.z.authorize_prompts, ["AfterBadReqs"]),
    ("localapi.auth.query_key", 0): new_key_success,
    ("localapi.auth.bearer", 0): lambda a, ctx: _eq(ctx.z.item(a.json()["success"]["0"])["title"], "BearerKey Item"),
    ("localapi.auth.single_use", 0): capture_one_shot,
    ("localapi.items.post_single", 0): write_report_single,
    ("localapi.items.post_multiple", 0): write_report_multiple,
    ("localapi.items.post_partial_failure", 0): partial_failure,
    ("localapi.items.post_update_key_version", 0): title_is("X.key", "Updated Title"),
    ("localapi.items.post_stale_version", 0): failed_code(412),
    ("localapi.items.post_keyed_no_precondition", 0): failed_code(428),
    ("localapi.items.post_keyed_with_header", 0): title_is("X.key", "Updated Via Header"),
    ("localapi.items.post_stale_library_header", 0): stale_library_text,
    ("localapi.items.post_lmv_header", 0): lmv_is_library,
    ("localapi.items.put_replace", 0): put_replaced,
    ("localapi.items.patch_merge", 0): publisher_is("X.key", "New Publisher", title="Item X"),
    ("localapi.items.patch_clear", 0): publisher_is("X.key", None),
    ("localapi.items.patch_object_version_header", 0): publisher_is("A.key", "Updated", title="Item A"),
    ("localapi.items.delete_single", 0): deleted("X.key"),
    ("localapi.items.delete_multi", 0): both_deleted,
    ("localapi.items.delete_multi_unknown_mixed", 0): lambda a, ctx: _eq(ctx.z.item(ctx["X.key"]), None),
    ("localapi.collections.post_create", 0): created_collection,
    ("localapi.collections.post_with_parent", 0): child_collection,
    ("localapi.collection.put", 0): collection_named("After PUT"),
    ("localapi.collection.patch", 0): collection_named("After PATCH"),
    ("localapi.collection.delete", 0): collection_named(None),
    ("localapi.searches.post_create", 0): search_created,
    ("localapi.search.delete", 0): search_gone,
    ("localapi.tags.delete", 0): tags_left("tagToKeep"),
    ("localapi.tags.delete_multi", 0): tags_left("keep"),
    ("localapi.fulltext.put", 0): lmv_advanced,
    ("localapi.fulltext.put", 1): fulltext_equals(content="Hello, fulltext.", indexedPages=1, totalPages=1),
    ("localapi.fulltext.put_chars", 1): fulltext_equals(content="Char-counted content.", indexedChars=21, totalChars=21),
    ("localapi.fulltext.post_bulk", 0): fulltext_bulk,
    ("localapi.fulltext.post_partial", 0): fulltext_partial,
    ("localapi.fulltext.post_missing_key", 0): failed0(400),
    ("localapi.file.authorize", 0): upload_offer,
    ("localapi.file.authorize_params1", 0): upload_params,
    ("localapi.file.full_flow", 0): capture_upload,
    ("localapi.file.full_flow", 1): file_unchanged,
    ("localapi.file.full_flow", 2): file_registered("uploaded.bin"),
    ("localapi.file.staged_until_register", 0): capture_upload,
    ("localapi.file.staged_until_register", 1): file_unchanged,
    ("localapi.file.staged_until_register", 2): file_registered(None),
    ("localapi.file.register_412", 0): capture_upload,
    ("localapi.file.register_412", 3): file_unchanged,
    ("localapi.file.multipart_flow", 0): upload_params,
    ("localapi.file.multipart_flow", 2): file_registered("uploaded.bin"),
    ("localapi.file.register_without_upload", 0): capture_upload,
    ("localapi.file.receiver_md5_mismatch", 0): capture_upload,
    ("localapi.file.receiver_md5_mismatch", 1): lambda a, ctx: _eq(a.text.startswith("File MD5 does not match expected"), True),
    ("localapi.file.receiver_no_server_id", 0): capture_upload,
    ("localapi.file.receiver_no_server_id", 2): file_registered("no-server-id.bin"),
    ("code.connector.ping_post", 0): ping_prefs,
    ("code.connector.getSelectedCollection", 0): get_selected_collection,
    ("code.connector.saveItems_outdated", 0): nothing_saved,
    ("code.connector.saveItems_session_exists", 1): lambda a, ctx: _eq([i["title"] for i in top_items(ctx.z)], ["a"]),
    ("code.connector.saveItems_no_dedupe", 1): two_identical,
    ("code.connector.saveItems_bad_type", 0): nothing_saved,
    ("code.connector.saveItems_tags_automatic", 0): automatic_tags,
    ("code.connector.updateSession_tags_replace", 0): session_items_tagged(with_manual=True),
    ("code.connector.updateSession_tags_replace", 1): session_items_tagged(with_manual=False),
    ("code.connector.import_without_session_param", 1): import_once,
    ("code.localapi.other_user", 0): other_user_text,
    ("code.localapi.collection_bibtex", 0): collection_bibtex,
    ("code.localapi.pagination", 0): pagination,
    ("code.localapi.keyed_create", 0): keyed_create(0),
    ("code.localapi.keyed_create", 1): keyed_create(1),
    ("code.localapi.keyed_create", 2): keyed_create(2),
    ("code.localapi.items_post_body_errors", 3): no_type_failure,
}


# ---------------------------------------------------------------------------- non-HTTP steps
def action_saved_target(ctx: Ctx) -> None:
    check_focused_row(ctx)


def action_since_create(ctx: Ctx) -> None:
    ctx.captured["V"] = ctx.z.library_version
    ctx["V"] = ctx.captured["V"]
    ctx["T.key"] = ctx.z.add_item({"itemType": "book", "title": "Item T"})


def action_since_erase(ctx: Ctx) -> None:
    ctx.z.remove_item(ctx["T.key"])


def action_count(ctx: Ctx) -> None:
    before = len(ctx.z.remembered_keys)
    answer = post_json(ctx.z, "/api/local/authorize", {"appName": "CountApp"},
                       {"Zotero-Server-ID": ctx["serverID"], "Zotero-Allowed-Request": "1"})
    assert answer.status == 200 and answer.json()["remember"] is True
    assert len(ctx.z.remembered_keys) == before + 1


def action_clear(ctx: Ctx) -> None:
    ctx.z.clear_authorizations()
    assert ctx.z.remembered_keys == []


def action_persisted(ctx: Ctx) -> None:
    """The remembered key lives in the profile: another Zotero on the same database accepts it."""
    assert ctx["apiKey"] in ctx.z.remembered_keys
    with FakeZotero(version=ctx.version.text, db_path=ctx.z.db_path) as other:
        assert ctx["apiKey"] in other.remembered_keys
        answer = send(other.port, "POST", "/api/users/0/items", headers={
            "Zotero-Server-ID": other.server_id, "Zotero-API-Key": ctx["apiKey"], "Content-Type": "application/json"},
            body=b'[{"itemType": "book", "title": "written by a restarted Zotero"}]')
        assert answer.status == 200 and answer.json()["failed"] == {}


def action_synced_hash(ctx: Ctx) -> None:
    ctx.z.mark_file_synced(ctx["A.key"], "f" * 32)


ACTIONS: dict[tuple[str, int], Callable[[Ctx], None]] = {
    ("connector.saveTarget.focused_row", 0): action_saved_target,
    ("localapi.items.since", 2): action_since_create,
    ("localapi.items.since", 4): action_since_erase,
    ("localapi.authorize.count", 0): action_count,
    ("localapi.authorize.clear", 0): action_clear,
    ("localapi.auth.persisted", 0): action_persisted,
    ("localapi.file.register_412", 2): action_synced_hash,
}

#: captured before a step is sent
BEFORE: dict[tuple[str, int], Callable[[Ctx], None]] = {
    ("localapi.fulltext.put", 0): lambda ctx: ctx.captured.__setitem__("lmv_before", ctx.z.library_version),
    ("localapi.items.delete_single", 0): lambda ctx: ctx.captured.__setitem__("lmv_before", ctx.z.library_version),
    ("localapi.items.since", 0): lambda ctx: ctx.__setitem__("V", ctx.z.library_version),
}


# ---------------------------------------------------------------------------- running a case
def in_scope() -> list[str]:
    return [c["id"] for c in CASES if c["id"] not in OUT_OF_SCOPE]


PARAMS = [pytest.param(cid, v, id=f"{cid}@{v}") for cid in in_scope() for v in versions_for(BY_ID[cid])]


def run_step(ctx: Ctx, index: int, step: dict[str, Any]) -> None:
    case_id = ctx.case["id"]
    request = step["request"]
    if request.get("method") is None:
        action = ACTIONS.get((case_id, index))
        assert action is not None, f"{case_id} step {index} is not an HTTP request and has no translation"
        action(ctx)
        return
    if (case_id, index) in BEFORE:
        BEFORE[(case_id, index)](ctx)
    prepared: Any = OVERRIDES.get((case_id, index), lambda c, r: r)(ctx, dict(request))
    variants = prepared if isinstance(prepared, list) else [prepared] * REPEAT.get((case_id, index), 1)
    expect = step["expect"]
    for req in variants:
        headers = {k: str(v) for k, v in resolve(req.get("headers") or {}, ctx).items()}
        body = req.get("body")
        body = body if isinstance(body, bytes) else resolve(body, ctx)
        answer = send(ctx.z.port, req["method"], resolve(req["path"], ctx), query=resolve(req.get("query"), ctx),
                      query_string=req.get("query_string"), headers=headers, body=encode_body(req.get("body_kind"), body),
                      timeout=0.6 if expect.get("no_response") else 10.0)
        check_expect(expect, answer, ctx)
        ctx.answers.append(answer)
        check = CHECKS.get((case_id, index))
        if check is not None:
            check(answer, ctx)
    assert ctx.z.errors == [], ctx.z.errors[-1] if ctx.z.errors else None


@pytest.mark.parametrize("case_id,version", PARAMS)
def test_server_case(case_id: str, version: str) -> None:
    case = BY_ID[case_id]
    with FakeZotero(version=version, **OPTIONS.get(case_id, {})) as z:
        ctx = Ctx(z, case)
        setup_for(case_id)(z, ctx)
        for index, step in enumerate(case["steps"]):
            run_step(ctx, index, step)


# ---------------------------------------------------------------------------- bookkeeping
def test_out_of_scope_names_real_cases() -> None:
    assert set(OUT_OF_SCOPE) <= set(BY_ID)
    assert all(reason.strip() for reason in OUT_OF_SCOPE.values())


def test_every_case_is_run_or_declared_out_of_scope() -> None:
    run = {cid for cid, _ in ((p.values[0], p.values[1]) for p in PARAMS)}
    assert run | set(OUT_OF_SCOPE) == set(BY_ID)
    assert not run & set(OUT_OF_SCOPE)
    assert len(CASES) == 206


def test_words_are_translated() -> None:
    """Every in-scope step whose expectation is written in words has code checking it (or is a pure status check)."""
    missing = []
    for cid in in_scope():
        for index, step in enumerate(BY_ID[cid]["steps"]):
            expect = step["expect"]
            if step["request"].get("method") is None:
                if (cid, index) not in ACTIONS:
                    missing.append((cid, index, "action"))
            elif expect.get("body_checks") and (cid, index) not in CHECKS:
                missing.append((cid, index, "body_checks"))
    assert missing == []


def test_minimum_release_coverage() -> None:
    """Each in-scope case runs at least on 10.0.1 or on the releases its text singles out."""
    for cid in in_scope():
        versions = versions_for(BY_ID[cid])
        assert versions, cid
        text = BY_ID[cid]["versions"]
        if not text.startswith(("<=9", "7.0-9", "7.0.0-9.0.2")):  # everything still true on 10.0 runs there
            assert "10.0.1" in versions, cid
        else:
            assert "10.0.1" not in versions and "9.0.6" in versions or "9.0.2" in versions, cid
