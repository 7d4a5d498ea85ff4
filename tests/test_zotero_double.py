"""zotero_bridge.testing: the behaviour a Zotero client relies on, release by release.

Talks to the double over real sockets (requests for ordinary exchanges, the raw
client of tests/zotero_wire.py where the bytes matter) and asserts on answers and
on the double's state.  The per-case conformance run is in
test_zotero_server_cases.py; this file covers what those cases leave implicit:
version differences, restarts, persistence, faults, serve().
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from zotero_bridge.testing import FakeZotero, serve
from zotero_bridge.testing.versions import ZoteroVersion
from zotero_wire import send

CONNECTOR = {"Content-Type": "application/json", "X-Zotero-Connector-API-Version": "3"}
RELEASES = ["7", "8", "9", "10"]


def post(z: FakeZotero, path: str, body: Any, headers: dict[str, str] | None = None,
         timeout: float = 5) -> requests.Response:
    return requests.post(z.url + path, data=json.dumps(body), headers={**CONNECTOR, **(headers or {})}, timeout=timeout)


def api(z: FakeZotero, path: str, **params: Any) -> requests.Response:
    return requests.get(z.url + "/api/users/0" + path, params=params, headers={"Zotero-Allowed-Request": "1"}, timeout=5)


def writer(z: FakeZotero, key: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "Zotero-Server-ID": z.server_id, "Zotero-API-Key": key}


def save(z: FakeZotero, items: list[dict[str, Any]], session: str | None = None) -> tuple[requests.Response, str]:
    session = session or f"zb-{uuid.uuid4()}"
    return post(z, "/connector/saveItems", {"sessionID": session, "items": items}), session


def target_for(z: FakeZotero, path: str) -> str:
    """Rebuild collection paths from getSelectedCollection's depth-first targets, as a client must."""
    targets = post(z, "/connector/getSelectedCollection", {}).json()["targets"]
    stack: list[str] = []
    for t in targets:
        stack = stack[: t["level"]] + [t["name"]]
        if t["id"].startswith("C") and "/".join(stack[1:]) == path:
            return t["id"]
    raise AssertionError(f"{path} not among targets")


PREPRINT = {"itemType": "preprint", "title": "DeepSeekMoE", "publisher": "arXiv", "number": "arXiv:2401.06066",
            "DOI": "10.48550/arXiv.2401.06066", "url": "https://arxiv.org/abs/2401.06066",
            "creators": [{"firstName": "Damai", "lastName": "Dai", "creatorType": "author"}, {"name": "DeepSeek-AI"}],
            "extra": "Citation Key: dai2024deepseekmoe", "tags": ["cs.CL"], "id": "dai2024"}


# ---------------------------------------------------------------------------- connector sync path, per release
@pytest.mark.parametrize("release", RELEASES)
def test_save_then_update_session_files_items_with_manual_tags(release: str) -> None:
    with FakeZotero(version=release) as z:
        moe = z.add_collection("Reading/MoE")
        z.add_collection("Other")
        z.select("Other")
        answer, session = save(z, [PREPRINT, {"itemType": "journalArticle", "title": "Second", "tags": [{"tag": "x"}]}])
        assert answer.status_code == 201
        tags: Any = "zotero_bridge, to read" if release == "7" else ["zotero_bridge", "to read"]
        update = post(z, "/connector/updateSession", {"sessionID": session, "target": target_for(z, "Reading/MoE"),
                                                      "tags": tags})
        assert (update.status_code, update.json()) == (200, {})
        items = z.items()
        assert [i["title"] for i in items] == ["DeepSeekMoE", "Second"]
        for item in items:
            assert item["collections"] == [moe]
            assert {t["tag"] for t in item["tags"] if t["type"] == 0} == {"zotero_bridge", "to read"}
        assert items[0]["tags"][0] == {"tag": "cs.CL", "type": 1}
        # base fields renamed for the type, creators kept structured, extra as sent
        assert (items[0]["repository"], items[0]["archiveID"]) == ("arXiv", "arXiv:2401.06066")
        assert items[0]["creators"][1] == {"creatorType": "author", "name": "DeepSeek-AI"}
        assert items[0]["extra"] == "Citation Key: dai2024deepseekmoe"
        assert z.selected == target_for(z, "Reading/MoE")  # Zotero selects the target afterwards


@pytest.mark.parametrize("release,status", [("7.0.0", 500), ("7.0.32", 500), ("8.0.5", 200), ("10.0.1", 200)])
def test_update_session_tags_array_needs_8(release: str, status: int) -> None:
    with FakeZotero(version=release) as z:
        _, session = save(z, [{"itemType": "book", "title": "b"}])
        answer = post(z, "/connector/updateSession", {"sessionID": session, "target": "L1", "tags": ["a", "b"]})
        assert answer.status_code == status
        if status == 500:
            assert answer.content == b""
            assert z.items()[0]["tags"] == []
            again = post(z, "/connector/updateSession", {"sessionID": session, "target": "L1", "tags": "a, b"})
            assert again.status_code == 200
        assert {t["tag"] for t in z.items()[0]["tags"]} == {"a", "b"}


def test_update_session_replaces_manual_tags_and_collections() -> None:
    with FakeZotero(version="8") as z:
        a, b = z.add_collection("A"), z.add_collection("B")
        _, session = save(z, [{"itemType": "book", "title": "t", "tags": ["auto"]}])
        post(z, "/connector/updateSession", {"sessionID": session, "target": z.collection_id(a), "tags": ["x", "y"]})
        post(z, "/connector/updateSession", {"sessionID": session, "target": z.collection_id(b), "tags": ["y"]})
        item = z.items()[0]
        assert item["collections"] == [b]
        assert item["tags"] == [{"tag": "auto", "type": 1}, {"tag": "y", "type": 0}]


def test_update_session_errors_and_note_only_on_8() -> None:
    for release, notes in (("7", 0), ("8", 1)):
        with FakeZotero(version=release) as z:
            _, session = save(z, [{"itemType": "book", "title": "n"}])
            assert post(z, "/connector/updateSession", {"sessionID": session, "target": "C404"}).json() == {
                "error": "COLLECTION_NOT_FOUND"}
            assert post(z, "/connector/updateSession", {"sessionID": session, "target": "L99"}).status_code == 500
            assert post(z, "/connector/updateSession", {"sessionID": session}).status_code == 500
            assert post(z, "/connector/updateSession", {"sessionID": session, "target": "L1", "note": "<p>n</p>"}).ok
            assert len(z.children(z.items()[0]["key"])) == notes


def test_automatic_tags_off_drops_payload_tags_but_not_manual_ones() -> None:
    with FakeZotero(version="9", automatic_tags=False) as z:
        _, session = save(z, [{"itemType": "book", "title": "t", "tags": ["a", {"tag": "b"}],
                               "notes": [{"note": "<p>n</p>", "tags": ["c"]}]}])
        assert z.items()[0]["tags"] == []
        assert z.children(z.items()[0]["key"])[0]["tags"] == []
        post(z, "/connector/updateSession", {"sessionID": session, "target": "L1", "tags": ["kept"]})
        assert z.items()[0]["tags"] == [{"tag": "kept", "type": 0}]


def test_save_items_children_fields_and_extra() -> None:
    with FakeZotero(version="10") as z:
        save(z, [{"itemType": "journalArticle", "title": "T", "notSchemaField": "kept in extra", "volume": 3,
                  "nonString": {"dropped": True}, "accessDate": "CURRENT_TIMESTAMP", "extra": "Line one",
                  "notes": ["<p>first</p>"],
                  "attachments": [{"title": "Code", "url": "https://github.com/x/y", "snapshot": False,
                                   "mimeType": "text/html"},
                                  {"title": "PDF", "url": "https://x/y.pdf", "mimeType": "application/pdf"}]}])
        item = z.items()[0]
        assert item["extra"] == "Line one\nnotSchemaField: kept in extra"
        assert item["volume"] == "3" and "nonString" not in item
        assert item["accessDate"].endswith("Z")
        kids = {c["itemType"]: c for c in z.children(item["key"])}
        assert set(kids) == {"note", "attachment"}
        assert (kids["attachment"]["linkMode"], kids["attachment"]["url"]) == ("linked_url", "https://github.com/x/y")
        assert kids["note"]["note"] == "<p>first</p>"


def test_schema_differs_on_old_releases() -> None:
    """7.0.0–7.0.15 shipped schema v31: no citationKey on journal articles, so it lands in Extra."""
    for release, expected in (("7.0.10", ("extra", "citationKey: k1")), ("7.0.32", ("citationKey", "k1"))):
        with FakeZotero(version=release) as z:
            save(z, [{"itemType": "journalArticle", "title": "T", "citationKey": "k1"}])
            name, value = expected
            assert z.items()[0][name] == value
            assert api(z, "/items").headers["Zotero-Schema-Version"] == ("31" if release == "7.0.10" else "40")


def test_save_items_answers_by_release_and_sessions_are_burnt() -> None:
    with FakeZotero(version="7.0.0") as z:
        answer, session = save(z, [{"itemType": "book", "title": "old", "id": "c1"}])
        assert answer.status_code == 201 and answer.json() == {
            "items": [{"id": "c1", "title": "old", "itemType": "book", "attachments": []}], "singleFile": False}
        progress = post(z, "/connector/sessionProgress", {"sessionID": session})
        assert progress.json()["done"] is True
        # no outdated-connector check before 7.0.20
        assert save(z, [{"itemType": "book", "title": "v2"}])[0].status_code == 201
    with FakeZotero(version="7.0.19") as z:
        answer = post(z, "/connector/saveItems", {"items": [{"itemType": "book"}]}, {"X-Zotero-Connector-API-Version": "2"})
        assert answer.status_code == 201
    with FakeZotero(version="7.0.20") as z:
        answer = post(z, "/connector/saveItems", {"items": [{"itemType": "book"}]}, {"X-Zotero-Connector-API-Version": "2"})
        assert (answer.status_code, answer.json()) == (400, {"error": "CONNECTOR_VERSION_OUTDATED"})
        assert z.items() == []
        bad, session = save(z, [{"itemType": "book", "title": "ok"}, {"itemType": "nope"}])
        assert bad.status_code == 500 and z.items() == []
        assert save(z, [{"itemType": "book"}], session)[0].status_code == 409  # burnt although it failed
        assert post(z, "/connector/sessionProgress", {"sessionID": session}).text == "No endpoint found\n"


def test_get_selected_collection_null_body_hangs_on_8_only() -> None:
    with FakeZotero(version="7") as z:
        answer = send(z.port, "POST", "/connector/getSelectedCollection",
                      headers={"Content-Type": "application/json", "Content-Length": "0"}, timeout=2)
        assert answer.status == 200 and "tags" not in answer.json()
    with FakeZotero(version="8") as z:
        with pytest.raises(requests.exceptions.ReadTimeout):  # accepted, never answered
            requests.post(z.url + "/connector/getSelectedCollection", headers={"Content-Type": "application/json"},
                          data=b"", timeout=0.4)
        assert post(z, "/connector/getSelectedCollection", {}).status_code == 200  # the server keeps working


def test_switch_to_readable_library_on_8() -> None:
    with FakeZotero(version="8") as z:
        group = z.add_group("Read only", editable=False)
        z.select(None, library=group)
        plain = post(z, "/connector/getSelectedCollection", {}).json()
        assert (plain["libraryID"], plain["editable"]) == (group, False)
        assert all(t["id"] != f"L{group}" for t in plain["targets"])
        switched = post(z, "/connector/getSelectedCollection", {"switchToReadableLibrary": True}).json()
        assert (switched["libraryID"], switched["name"]) == (1, "My Library") and z.selected == "L1"


def test_import_bibtex_and_sessions() -> None:
    bib = ("@article{k, title={Mixture of {Experts}}, author={Dai, Damai and {DeepSeek-AI}}, journal={J}, "
           "year=2024, month=jan, doi={10.1/x}, eprint={2401.06066}, eprinttype={arxiv}, keywords={moe; llm}, "
           "note={A note}}")
    with FakeZotero(version="9") as z:
        coll = z.add_collection("Imports")
        z.select(coll)
        answer = requests.post(z.url + "/connector/import?session=i1", data=bib.encode(),
                               headers={"Content-Type": "application/x-bibtex"}, timeout=5)
        assert answer.status_code == 201
        created = answer.json()[0]
        assert created["title"] == "Mixture of Experts" and created["date"] == "2024-01"
        assert created["creators"] == [{"creatorType": "author", "firstName": "Damai", "lastName": "Dai"},
                                       {"creatorType": "author", "name": "DeepSeek-AI"}]
        assert created["DOI"] == "10.1/x" and created["extra"] == "arXiv: 2401.06066"
        assert created["tags"] == [{"tag": "moe", "type": 1}, {"tag": "llm", "type": 1}]
        assert created["collections"] == [coll] and created["version"] == 0
        assert [c["note"] for c in z.children(created["key"])] == ["<p>A note</p>"]
        again = requests.post(z.url + "/connector/import?session=i1", data=bib.encode(),
                              headers={"Content-Type": "text/plain"}, timeout=5)
        assert again.status_code == 409
        ris = requests.post(z.url + "/connector/import?session=i2", data=b"TY  - JOUR\nER  - \n",
                            headers={"Content-Type": "text/plain"}, timeout=5)
        assert (ris.status_code, ris.content) == (400, b"")  # the double only knows BibTeX


# ---------------------------------------------------------------------------- server rules by release
@pytest.mark.parametrize("release,evil,ipv6", [("7.0.0", 400, 400), ("8.0.5", 200, 200), ("9.0.2", 200, 200),
                                               ("9.0.3", 400, 200), ("10.0.1", 400, 200)])
def test_host_check_by_release(release: str, evil: int, ipv6: int) -> None:
    with FakeZotero(version=release) as z:
        assert send(z.port, "GET", "/connector/ping", headers={"Host": "evil.example"}).status == evil
        assert send(z.port, "GET", "/connector/ping", headers={"Host": "[::1]:23119"}).status == ipv6
        assert send(z.port, "GET", "/connector/ping", headers={"Host": "localhost"}).status == 200


@pytest.mark.parametrize("release,dropped", [("9.0.2", False), ("9.0.3", True)])
def test_browser_protection_by_release(release: str, dropped: bool) -> None:
    browser = {"User-Agent": "Mozilla/5.0", "Content-Type": "text/plain"}
    with FakeZotero(version=release) as z:
        ping = send(z.port, "GET", "/connector/ping", headers={"User-Agent": "Mozilla/5.0"}, timeout=1)
        imp = send(z.port, "POST", "/connector/import", headers=browser, body=b"@book{a, title={x}}", timeout=1)
        api_read = send(z.port, "GET", "/api/users/0/items", headers={"Origin": "http://example.com"}, timeout=1)
        if dropped:
            assert ping.no_response and imp.no_response and api_read.no_response
        else:
            assert ping.status == 200
            assert (imp.status, imp.text) == (403, "Request not allowed\n")
            assert (api_read.status, api_read.text) == (403, "Request not allowed\n")
        opted_in = send(z.port, "POST", "/connector/import", headers={**browser, "Zotero-Allowed-Request": "1"},
                        body=b"@book{a, title={x}}")
        assert opted_in.status == 201


def test_reasons_lengths_and_one_request_per_connection() -> None:
    with FakeZotero(version="10") as z:
        key = z.grant_key()
        cases = {
            401: ("POST", "/api/users/0/items", {"Content-Type": "application/json", "Zotero-Server-ID": z.server_id}, b"[]"),
            405: ("POST", "/api/users/0/items/top", writer(z, key), b"[]"),
            413: ("POST", "/api/users/0/items", writer(z, key), json.dumps([{"itemType": "book"}] * 51).encode()),
            428: ("POST", "/api/users/0/items", {"Content-Type": "application/json"}, b"[]"),
            412: ("GET", "/api/users/0/items", {"Zotero-Server-ID": "nope"}, None),
            404: ("GET", "/nowhere", {}, None),
        }
        for status, (method, path, headers, body) in cases.items():
            answer = send(z.port, method, path, headers=headers, body=body)
            reason = {412: "Precondition Failed", 404: "Not Found"}.get(status, "undefined")
            assert (answer.status, answer.reason, answer.version) == (status, reason, "HTTP/1.0")
            assert answer.header("Content-Length") is None and answer.body  # bodies end with the connection
        empty = send(z.port, "HEAD", "/connector/ping")
        assert (empty.status, empty.header("Content-Length"), empty.body) == (200, "0", b"")
        chunked = send(z.port, "POST", "/connector/saveItems", headers={**CONNECTOR, "Transfer-Encoding": "chunked"},
                       body=b"2\r\n{}\r\n0\r\n\r\n")
        assert (chunked.status, chunked.text) == (400, "Content-length not provided\n")
        redirect = z.add_item({"itemType": "attachment", "linkMode": "imported_file", "title": "f",
                               "contentType": "application/pdf", "filename": "f.pdf"}, file=b"%PDF")
        moved = send(z.port, "GET", f"/api/users/0/items/{redirect}/file")
        assert (moved.status, moved.reason) == (302, "undefined") and moved.header("Location").startswith("file:")
        assert Path(moved.header("Location")[7:]).read_bytes() == b"%PDF"


# ---------------------------------------------------------------------------- local API reads by release
@pytest.mark.parametrize("release", RELEASES)
def test_local_api_off_answers_403_everywhere_but_connector_works(release: str) -> None:
    with FakeZotero(version=release, local_api=False) as z:
        for path in ("/api/", "/api/users/0/items", "/api/users/0/collections/top", "/api/itemTypes"):
            answer = requests.get(z.url + path, timeout=5)
            assert (answer.status_code, answer.text) == (403, "Local API is not enabled")
        assert requests.get(z.url + "/connector/ping", timeout=5).ok
        z.local_api_enabled = True
        assert requests.get(z.url + "/api/", timeout=5).text == "Nothing to see here."


@pytest.mark.parametrize("release", ["7", "8", "9"])
def test_writes_refused_before_10(release: str) -> None:
    with FakeZotero(version=release) as z:
        key = z.add_item({"itemType": "book", "title": "t"})
        root = requests.get(z.url + "/api/", timeout=5)
        assert "Zotero-Server-ID" not in root.headers and root.headers["Zotero-API-Version"] == "3"
        post_items = requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}], timeout=5)
        assert (post_items.status_code, post_items.text) == (400, "Endpoint does not support method\n")
        for method in ("PUT", "PATCH", "DELETE"):
            answer = requests.request(method, z.url + f"/api/users/0/items/{key}", json={"title": "x"}, timeout=5)
            assert (answer.status_code, answer.text) == (501, "Method not implemented\n")
        assert requests.post(z.url + "/api/local/authorize", json={"appName": "x"}, timeout=5).status_code == 404
        assert [i["title"] for i in z.items()] == ["t"]


def test_server_id_only_on_10() -> None:
    with FakeZotero(version="10", server_id="abcdef123456") as z:
        assert requests.get(z.url + "/api/", timeout=5).headers["Zotero-Server-ID"] == "abcdef123456"


@pytest.mark.parametrize("release,since0,since_minus1,versions", [
    ("7.0.32", 0, 2, {0}), ("8.0.5", 2, 2, {0}), ("9.0.6", 2, 2, {0}), ("10.0.1", 2, 2, {1, 2})])
def test_since_and_versions_by_release(release: str, since0: int, since_minus1: int, versions: set[int]) -> None:
    with FakeZotero(version=release) as z:
        z.add_item({"itemType": "book", "title": "one"})
        z.add_item({"itemType": "book", "title": "two"})
        assert len(api(z, "/items", since=0).json()) == since0
        assert len(api(z, "/items", since=-1).json()) == since_minus1
        assert set(api(z, "/items", format="versions").json().values()) == versions
        lmv = int(api(z, "/items").headers["Last-Modified-Version"])
        assert lmv == (2 if release.startswith("10") else 0)
        unchanged = requests.get(z.url + "/api/users/0/items", headers={"If-Modified-Since-Version": str(lmv)}, timeout=5)
        assert unchanged.status_code == 304
        if release.startswith("10"):
            assert [o["data"]["title"] for o in api(z, "/items", since=1).json()] == ["two"]


def test_synced_versions_are_reported_before_10() -> None:
    with FakeZotero(version="9") as z:
        key = z.add_item({"itemType": "book", "title": "synced"})
        z.add_item({"itemType": "book", "title": "local only"})
        z.set_synced(key, 40)
        assert api(z, "/items", format="versions").json()[key] == 40
        assert [o["data"]["title"] for o in api(z, "/items", since=39).json()] == ["synced"]
        assert api(z, "/items").headers["Last-Modified-Version"] == "40"


@pytest.mark.parametrize("release,finds_key", [("8", False), ("9", True), ("10", True)])
def test_q_matches_citation_key_from_9(release: str, finds_key: bool) -> None:
    with FakeZotero(version=release) as z:
        z.add_item({"itemType": "preprint", "title": "DeepSeekMoE", "citationKey": "dai2024moe",
                    "extra": "arXiv:2401.06066 [cs.CL]"})
        assert len(api(z, "/items", q="dai2024moe").json()) == (1 if finds_key else 0)
        assert len(api(z, "/items", q="2401.06066").json()) == 0
        assert len(api(z, "/items", q="2401.06066", qmode="everything").json()) == 1
        assert len(api(z, "/items", q='"DeepSeekMoE"').json()) == 1


def test_local_api_listing_details() -> None:
    with FakeZotero(version="10") as z:
        top = z.add_collection("Top")
        sub = z.add_collection("Top/Sub")
        one = z.add_item({"itemType": "preprint", "title": "Alpha", "date": "2024-01-11",
                          "creators": [{"creatorType": "author", "firstName": "A", "lastName": "One"},
                                       {"creatorType": "author", "firstName": "B", "lastName": "Two"}],
                          "tags": [{"tag": "moe"}, {"tag": "cs.CL", "type": 1}], "abstractNote": ""}, [top])
        z.add_item({"itemType": "note", "note": "<p>child</p>"}, parent=one)
        z.add_item({"itemType": "book", "title": "Beta"}, [sub])
        obj = api(z, f"/items/{one}").json()
        assert obj["meta"] == {"creatorSummary": "One and Two", "parsedDate": "2024-01-11", "numChildren": 1}
        assert "abstractNote" not in obj["data"] and obj["data"]["tags"] == [{"tag": "moe"}, {"tag": "cs.CL", "type": 1}]
        assert obj["library"] == {"type": "user", "id": 0, "name": "My Library", "links": {"self": {
            "href": f"http://localhost:{z.port}/api/users/0", "type": "application/json"}}}
        raw = api(z, f"/items/{one}").text
        assert raw.startswith('{\n    "key"')  # pretty-printed with four spaces
        assert api(z, f"/collections/{top}/items/top", format="keys").text == one + "\n"
        assert [c["key"] for c in api(z, f"/collections/{top}/collections").json()] == [sub]
        assert {t["tag"]: t["meta"] for t in api(z, "/tags").json()} == {
            "cs.CL": {"type": 1, "numItems": 1}, "moe": {"type": 0, "numItems": 1}}
        assert [o["data"]["title"] for o in api(z, "/items/top", sort="title", direction="desc").json()] == ["Beta", "Alpha"]
        page = api(z, "/items/top", sort="title", limit=1, start=1)
        assert [o["data"]["title"] for o in page.json()] == ["Beta"] and page.headers["Total-Results"] == "2"
        assert 'rel="first"' in page.headers["Link"] and 'rel="prev"' in page.headers["Link"]
        assert api(z, "/items", itemKey=one, include="data,bibtex").json()[0]["bibtex"].startswith("\n@misc{one_alpha_2024")
        assert api(z, "/groups").json() == [] and api(z, "/items", format="csv").status_code == 501
        assert api(z, "/items", include="bib").status_code == 501
        assert requests.get(z.url + "/api/itemTypeFields", params={"itemType": "preprint"}, timeout=5).json()[3] == {
            "field": "repository", "localized": "Repository"}


def test_bibtex_and_biblatex_export() -> None:
    with FakeZotero(version="10") as z:
        coll = z.add_collection("Export")
        z.add_item({"itemType": "preprint", "title": "DeepSeekMoE: Towards Ultimate Expert Specialization",
                    "repository": "arXiv", "archiveID": "arXiv:2401.06066", "date": "2024-01-11",
                    "DOI": "10.48550/arXiv.2401.06066", "url": "https://arxiv.org/abs/2401.06066",
                    "extra": "Citation Key: dai2024deepseekmoe\narXiv:2401.06066 [cs.CL]\nPMID: 123",
                    "creators": [{"creatorType": "author", "firstName": "Damai", "lastName": "Dai"},
                                 {"creatorType": "author", "name": "DeepSeek-AI"}],
                    "tags": [{"tag": "moe"}, {"tag": "llm"}]}, [coll])
        z.add_item({"itemType": "journalArticle", "title": "Cost & 50% of $x_1$", "pages": "1-10",
                    "publicationTitle": "J", "creators": [{"creatorType": "author", "lastName": "Roe", "firstName": "R"}],
                    "date": "2020"}, [coll])
        text = api(z, f"/collections/{coll}/items/top", format="bibtex").text
        assert text.startswith("\n@") and text.endswith("}\n")
        assert "\n\n@misc{dai2024deepseekmoe,\n\ttitle = {{DeepSeekMoE}: {Towards} {Ultimate} {Expert} " \
               "{Specialization}},\n" in text
        assert "\tauthor = {Dai, Damai and {DeepSeek-AI}},\n" in text and "\tpublisher = {arXiv},\n" in text
        assert "\tmonth = jan,\n\tyear = {2024},\n" in text and "\tpmid = {123},\n" in text
        assert "\tnote = {arXiv:2401.06066 [cs.CL]},\n" in text and "Citation Key" not in text
        assert "\tkeywords = {moe, llm},\n" in text and text.count("\n}") == 2
        assert "@article{roe_cost_2020," in text and "title = {Cost \\& 50\\% of \\$x\\_1\\$}" in text
        assert "pages = {1--10}" in text
        latex = api(z, f"/collections/{coll}/items/top", format="biblatex").text
        assert "@online{dai2024deepseekmoe," in latex and "\teprinttype = {arxiv},\n\teprint = {2401.06066}" in latex
        assert "\tdate = {2024-01-11}" in latex


def test_single_item_export_broken_before_7_0_27() -> None:
    for release, status in (("7.0.26", 500), ("7.0.27", 200)):
        with FakeZotero(version=release) as z:
            key = z.add_item({"itemType": "book", "title": "b"})
            assert api(z, f"/items/{key}", format="bibtex").status_code == status


# ---------------------------------------------------------------------------- Zotero 10 writes
def test_writes_report_unchanged_and_patch_semantics() -> None:
    with FakeZotero(version="10") as z:
        key = z.grant_key()
        coll = z.add_collection("Target")
        obj = {"key": "BRDG2345", "version": 0, "itemType": "preprint", "title": "T", "collections": [coll],
               "tags": [{"tag": "b"}, {"tag": "a"}], "publisher": "arXiv"}
        first = requests.post(z.url + "/api/users/0/items", json=[obj], headers=writer(z, key), timeout=5)
        created = first.json()["successful"]["0"]
        assert created["data"]["repository"] == "arXiv" and first.headers["Last-Modified-Version"] == str(z.library_version)
        version = created["version"]
        same = {**obj, "version": version, "tags": [{"tag": "a"}, {"tag": "b"}]}
        second = requests.post(z.url + "/api/users/0/items", json=[same], headers=writer(z, key), timeout=5).json()
        assert second["unchanged"] == {"0": "BRDG2345"} and second["successful"] == {}
        assert z.library_version == version  # nothing written, no version bump
        patch = requests.post(z.url + "/api/users/0/items", json=[{"key": "BRDG2345", "version": version, "DOI": "10.1/x"}],
                              headers=writer(z, key), timeout=5).json()
        data = patch["successful"]["0"]["data"]
        assert data["DOI"] == "10.1/x" and data["title"] == "T" and data["collections"] == [coll]
        assert data["version"] == version + 1
        missing_parent = requests.post(z.url + "/api/users/0/items", headers=writer(z, key), timeout=5, json=[
            {"itemType": "note", "note": "x", "parentItem": "ZZZZZZZZ"}, {"key": "bad", "version": 0, "itemType": "book"},
            {"itemType": "book", "collections": ["QQQQQQQQ"]}]).json()["failed"]
        assert {k: v["code"] for k, v in missing_parent.items()} == {"0": 409, "1": 400, "2": 409}


def test_write_errors_and_headers() -> None:
    with FakeZotero(version="10") as z:
        key = z.grant_key()
        unauthorized = requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}],
                                     headers={"Zotero-Server-ID": z.server_id}, timeout=5)
        assert unauthorized.status_code == 401
        assert "Zotero-API-Version" not in unauthorized.headers and "Zotero-Server-ID" not in unauthorized.headers
        assert unauthorized.headers["WWW-Authenticate"] == 'Zotero-API-Key realm="Zotero Local API"'
        token = {**writer(z, key), "Zotero-Write-Token": "token-123"}
        assert requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}], headers=token, timeout=5).ok
        replay = requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}], headers=token, timeout=5)
        assert (replay.status_code, replay.text) == (412, "Write token already used")
        fifty = requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}] * 50, headers=writer(z, key), timeout=5)
        assert len(fifty.json()["successful"]) == 50 and len(z.items()) == 51
        bad_version = requests.get(z.url + "/api/users/0/items", headers={"Zotero-API-Version": "4"}, timeout=5)
        assert (bad_version.status_code, bad_version.text) == (501, "API version not implemented: 4")
        team = z.add_group("Team", editable=True)
        in_group = requests.post(z.url + f"/api/groups/{z.group_id(team)}/collections", json=[{"name": "G"}],
                                 headers=writer(z, key), timeout=5)
        assert in_group.ok and [c["name"] for c in z.collections(library=team)] == ["G"]


def test_authorize_answers_and_wait() -> None:
    with FakeZotero(version="10", authorize="wait:1:allow") as z:
        headers = {"Zotero-Server-ID": z.server_id}
        result: dict[str, Any] = {}
        thread = threading.Thread(target=lambda: result.update(answer=requests.post(
            z.url + "/api/local/authorize", json={"appName": " zotero_bridge "}, headers=headers, timeout=5)))
        thread.start()
        deadline = time.monotonic() + 5
        while not z.authorize_prompts and time.monotonic() < deadline:
            time.sleep(0.01)
        assert requests.get(z.url + "/connector/ping", timeout=1).ok  # Zotero keeps serving while the modal is open
        assert thread.is_alive() and "answer" not in result  # ... and the authorize request is still waiting
        thread.join()
        body = result["answer"].json()
        assert body["remember"] is False and z.authorize_prompts == ["zotero_bridge"] and z.remembered_keys == []
        one_shot = writer(z, body["key"])
        assert requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}], headers=one_shot, timeout=5).ok
        assert requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}], headers=one_shot,
                             timeout=5).status_code == 401
        z.authorize = "always"
        remembered = requests.post(z.url + "/api/local/authorize", json={"appName": "x"}, headers=headers, timeout=5).json()
        assert remembered["remember"] is True and z.remembered_keys == [remembered["key"]]


# ---------------------------------------------------------------------------- restart and persistence
def test_restart_keeps_library_and_forgets_sessions(tmp_path: Path) -> None:
    with FakeZotero(version="10", db_path=tmp_path / "profile.sqlite") as z:
        port, server_id = z.port, z.server_id
        remembered, single = z.grant_key(), z.grant_key(remember=False)
        _, session = save(z, [{"itemType": "book", "title": "kept"}])
        assert save(z, [{"itemType": "book"}], session)[0].status_code == 409
        z.select(z.add_collection("Selected"))
        z.restart()
        assert (z.port, z.server_id) == (port, server_id)
        assert [i["title"] for i in z.items()] == ["kept"] and z.selected.startswith("C")
        assert post(z, "/connector/updateSession", {"sessionID": session, "target": "L1"}).json() == {
            "error": "SESSION_NOT_FOUND"}
        assert save(z, [{"itemType": "book", "title": "again"}], session)[0].status_code == 201
        assert requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}], headers=writer(z, single),
                             timeout=5).status_code == 401
        assert requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}], headers=writer(z, remembered),
                             timeout=5).ok


def test_state_persists_across_instances_and_upgrades(tmp_path: Path) -> None:
    db = tmp_path / "zotero.sqlite"
    with FakeZotero(version="9", db_path=db) as z:
        z.add_collection("Reading/MoE")
        key = z.add_item({"itemType": "book", "title": "from 9", "tags": [{"tag": "t"}]}, ["Reading/MoE"])
        server_id = z.server_id
    assert db.exists()
    with FakeZotero(version="10", db_path=db) as z:  # the user upgraded Zotero; same profile
        assert z.server_id == server_id
        assert z.item(key)["title"] == "from 9" and z.collection_path(z.item(key)["collections"][0]) == "Reading/MoE"
        assert api(z, "/items/top").json()[0]["data"]["tags"] == [{"tag": "t"}]
    with FakeZotero(version="10", db_path=db, server_id="000000000000") as z:
        assert z.server_id == "000000000000"  # a new data directory/profile ID


# ---------------------------------------------------------------------------- faults
def test_fault_drop_and_500_apply_nothing() -> None:
    with FakeZotero(version="10") as z:
        key = z.grant_key()
        z.fault("/api/users/0/items", method="POST", kind="drop")
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.post(z.url + "/api/users/0/items", json=[{"itemType": "book"}], headers=writer(z, key), timeout=5)
        z.fault("/connector/saveItems", kind="500", times=2)
        for _ in range(2):
            answer = save(z, [{"itemType": "book"}])[0]
            assert (answer.status_code, answer.content) == (500, b"")
            assert answer.headers["X-Zotero-Version"] == "10.0.1"
        assert z.items() == [] and save(z, [{"itemType": "book"}])[0].status_code == 201
        assert [k for k, _, _ in z.faults.fired] == ["drop", "500", "500"]


def test_fault_drop_after_commit_then_idempotent_retry() -> None:
    with FakeZotero(version="10") as z:
        key = z.grant_key()
        z.fault("/api/users/0/items", method="POST", kind="drop-after-commit")
        obj = [{"key": "ABCD2345", "version": 0, "itemType": "book", "title": "once"}]
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.post(z.url + "/api/users/0/items", json=obj, headers=writer(z, key), timeout=5)
        assert [i["key"] for i in z.items()] == ["ABCD2345"]  # the write happened although no answer came
        retry = requests.post(z.url + "/api/users/0/items", json=obj, headers=writer(z, key), timeout=5).json()
        assert retry["failed"]["0"]["code"] == 412 and len(z.items()) == 1


def test_fault_slow_times_out_after_applying() -> None:
    with FakeZotero(version="8") as z:
        z.fault("/connector/saveItems", kind="slow:0.6")
        with pytest.raises(requests.exceptions.ReadTimeout):
            post(z, "/connector/saveItems", {"sessionID": "slow", "items": [{"itemType": "book", "title": "late"}]},
                 timeout=0.2)
        assert [i["title"] for i in z.items()] == ["late"]
        assert post(z, "/connector/saveItems", {"sessionID": "slow", "items": []}).status_code == 409


def test_fault_quit_refuses_until_restart_and_filters_by_method() -> None:
    with FakeZotero(version="9") as z:
        z.fault("/connector/", method="GET", kind="quit")
        assert post(z, "/connector/ping", {}).ok  # POST does not match the GET-only fault
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(z.url + "/connector/ping", timeout=2)
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(z.url + "/connector/ping", timeout=2)
        assert not z.running
        z.restart()
        assert requests.get(z.url + "/connector/ping", timeout=2).ok
        with pytest.raises(ValueError):
            z.fault("/", kind="explode")


def test_request_log_and_write_requests() -> None:
    with FakeZotero(version="10") as z:
        key = z.grant_key()
        requests.get(z.url + "/connector/ping", timeout=5)
        save(z, [{"itemType": "book"}])
        requests.post(z.url + "/api/local/authorize", json={"appName": "a"}, headers={"Zotero-Server-ID": z.server_id},
                      timeout=5)
        requests.post(z.url + "/api/users/0/collections", json=[{"name": "c"}], headers=writer(z, key), timeout=5)
        assert [(r.method, r.path) for r in z.request_log] == [
            ("GET", "/connector/ping"), ("POST", "/connector/saveItems"), ("POST", "/api/local/authorize"),
            ("POST", "/api/users/0/collections")]
        assert [r.path for r in z.write_requests()] == ["/connector/saveItems", "/api/users/0/collections"]
        assert z.request_log[-1].header("zotero-api-key") == key
        assert z.errors == []


# ---------------------------------------------------------------------------- serve()
def test_serve_blocks_and_answers_until_stopped(tmp_path: Path) -> None:
    stop = threading.Event()
    ready: list[FakeZotero] = []
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        thread = threading.Thread(target=serve, kwargs=dict(version="9", port=0, db_path=str(tmp_path / "z.sqlite"),
                                                            stop=stop, ready=ready.append, out=out, local_api=False))
        thread.start()
        deadline = time.monotonic() + 5
        while not ready and time.monotonic() < deadline:
            time.sleep(0.01)
        z = ready[0]
        assert thread.is_alive()
        assert requests.get(z.url + "/connector/ping", timeout=5).headers["X-Zotero-Version"] == "9.0.6"
        assert requests.get(z.url + "/api/", timeout=5).status_code == 403
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert "Fake Zotero 9.0.6 listening on http://127.0.0.1:" in log.read_text()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(z.url + "/connector/ping", timeout=2)


def test_version_parsing() -> None:
    assert ZoteroVersion.parse("10").text == "10.0.1" and ZoteroVersion.parse("9.0").text == "9.0.0"
    for bad in ("6.0.30", "twelve", "12.0.0"):
        with pytest.raises(ValueError):
            ZoteroVersion.parse(bad)
    with pytest.raises(ValueError):
        FakeZotero(authorize="maybe")


def test_tag_routes_filter_items_with_prefixed_parameters() -> None:
    with FakeZotero(version="10") as z:
        z.add_item({"itemType": "book", "title": "Alpha", "tags": [{"tag": "x"}, {"tag": "shared"}]})
        z.add_item({"itemType": "book", "title": "Beta", "tags": [{"tag": "shared"}, {"tag": "z"}]})
        names = lambda **p: [t["tag"] for t in api(z, "/items/tags", **p).json()]  # noqa: E731
        assert names(itemQ="Alpha") == ["shared", "x"]
        assert names(itemTag="z") == ["shared", "z"]
        assert names(q="sha") == ["shared"] and names(q="s", qmode="startsWith") == ["shared"]
        assert api(z, "/tags/shared").json()[0]["meta"] == {"type": 0, "numItems": 2}
        assert api(z, "/tags/nope").status_code == 404
