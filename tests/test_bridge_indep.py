"""The bridge against a second, independent Zotero (tests/indep_zotero.py), written from PROTOCOL.md alone.

The bridge's own double (zotero_bridge.testing) and the bridge were written
together; this server was not, and it takes PROTOCOL.md's stricter readings
(see its docstring).  The key scenarios run here again: the example listing on
Zotero 10, 9, 8, 7 and the old 7.0 server; re-sync without writes; interrupted
runs; ``zotero-bridge tag``; export; and the safety promises (the API key, the
messages for what the user must do).
"""

from __future__ import annotations

import json
import logging
import math
import os
import stat
import subprocess
import sys
import time

import pytest

from bibkit.errors import ExitCode
from bibkit.sources import read_path
from zotero_bridge import export_collection, sync, tag_collection
from zotero_bridge.apply import Status
from zotero_bridge.cli import main
from zotero_bridge.itemkeys import item_key_for
from zotero_bridge.keystore import FILE_NAME
from zotero_bridge.transport import ZoteroError

from indep_zotero import IndepZotero
from zotero_helpers import EXAMPLE, ROOT, arxiv_paper, listing_entries, settings_for, three_papers, with_repo

COLL = "Reading/MoE"
#: Zotero releases as the independent server plays them (7.0.10: the old server, before 7.0.16)
RELEASES = ["10.0.1", "9.0.6", "8.0.5", "7.0.32", "7.0.10"]


@pytest.fixture(scope="module")
def listing():
    return listing_entries()


@pytest.fixture
def zotero(monkeypatch):
    """Start independent Zoteros: ``zotero(version, **options)`` -> (server, settings); all closed afterwards."""
    started: list[IndepZotero] = []

    def start(version: str = "10.0.1", *, collection: bool | None = None, **options):
        z = IndepZotero(version, **options).start()
        started.append(z)
        if collection if collection is not None else not z.writes:
            z.add_collection(COLL)  # Zotero 7–9 cannot create collections from outside
        return z, settings_for(z, monkeypatch)

    yield start
    for z in started:
        z.stop()


def _local_api(version: str) -> bool:
    """The releases run with the local API on, except 7.x: there the connector works alone."""
    return not version.startswith("7.")


def _citation_key(item: dict) -> str | None:
    """Where Zotero keeps the key: the field (this server migrates the Extra line into it) or the Extra line."""
    for line in (item.get("extra") or "").splitlines():
        if line.lower().startswith("citation key:"):
            return line.split(":", 1)[1].strip()
    return item.get("citationKey")


def _assert_clean_wire(z: IndepZotero) -> None:
    """Every request as PROTOCOL.md asks (headers, bodies), beyond what this server enforces."""
    assert z.violations == []
    tokens = []
    for r in z.log:
        assert (r.header("Host") or "").split(":")[0] in ("127.0.0.1", "localhost")
        assert r.header("Transfer-Encoding") is None
        if r.method == "POST":
            assert r.header("Content-Length") == str(len(r.body)) and r.header("Content-Type") == "application/json"
            body = json.loads(r.body)
        if r.path == "/connector/getSelectedCollection":
            assert body == {}
        if r.path == "/connector/saveItems":
            assert body["sessionID"] and all("id" in i and "key" not in i and "collections" not in i
                                             for i in body["items"])
        if r.path == "/connector/updateSession":
            assert body["target"].startswith("C")
            assert isinstance(body["tags"], str if z.vt < (8,) else list)
        if r.path.startswith("/api/users/0/") and r.method == "POST":
            assert r.header("Zotero-Server-ID") == z.server_id and r.header("Zotero-API-Key")
            assert r.header("Zotero-API-Version") == "3"
            tokens.append(r.header("Zotero-Write-Token"))
            assert 1 <= len(body) <= 50
            if r.path.endswith("/items"):
                assert all(o.get("itemType") for o in body)
        if r.path == "/api/local/authorize":
            assert body == {"appName": "zotero_bridge"} and r.header("Zotero-Server-ID") == z.server_id
    assert len(tokens) == len(set(tokens)) and all(5 <= len(t) <= 32 for t in tokens)


# --------------------------------------------------------------------------- the example listing, every release


@pytest.mark.parametrize("version", RELEASES)
def test_example_listing_on_every_release(version, listing, zotero):
    z, settings = zotero(version, local_api=_local_api(version))
    result = sync(listing, COLL, tags=["hf-trending"], settings=settings)
    assert result.complete and result.exit_code == ExitCode.OK, result.problems
    assert result.transport == ("local" if z.writes else "connector")
    assert result.plan.readable == _local_api(version)
    assert result.counts() == {"created": 86}

    coll = z.collection_key(COLL)
    items = z.top_items()
    assert len(items) == 86
    by_title = {i["title"]: i for i in items}
    for entry in listing:
        item = by_title[entry.title]
        assert item["itemType"] == "document"
        assert item["abstractNote"] == entry.abstract
        assert item["collections"] == [coll]
        assert item["tags"] == [{"tag": "hf-trending"}]  # a manual tag: no type
        assert _citation_key(item) == entry.key
    links = [c for i in items for c in z.children(i["key"])]
    assert len(links) == sum(1 for e in listing if e.code_repo) == 18
    assert all(c["linkMode"] == "linked_url" and c["url"].startswith("https://github.com/") for c in links)

    writes = len(z.write_log())
    if z.writes:  # the two collections, then ceil((86 items + 18 links) / 50) batches
        assert writes == 2 + math.ceil((86 + 18) / 50)
    else:  # one saveItems + one updateSession per batch of ≤ 50
        assert writes == 2 * math.ceil(86 / 50)
        tags = [json.loads(r.body)["tags"] for r in z.log if r.path == "/connector/updateSession"]
        assert tags == (["hf-trending"] * 2 if z.vt < (8,) else [["hf-trending"]] * 2)
    _assert_clean_wire(z)

    again = sync(listing, COLL, tags=["hf-trending"], settings=settings)
    assert again.counts() == {"unchanged": 86} and again.complete
    assert len(z.write_log()) == writes and again.requests.writes == 0


@pytest.mark.parametrize("version", ["10.0.1", "8.0.5"])
def test_enriched_papers_get_zoteros_arxiv_fields_and_survive_reordered_tags(version, zotero):
    z, settings = zotero(version)
    papers = three_papers(["survey", "moe", "routing"])
    result = sync(papers, COLL, settings=settings)
    assert result.complete, result.problems
    items = {i["title"]: i for i in z.top_items()}
    p = items["Mixture of Experts Paper 1"]
    assert p["itemType"] == "preprint" and p["repository"] == "arXiv" and p["archiveID"] == "arXiv:2401.00001"
    assert p["DOI"] == "10.48550/arXiv.2401.00001" and p["url"] == "http://arxiv.org/abs/2401.00001"
    assert p["citationKey"] == "dai2024paper1" and p["extra"] == "arXiv:2401.00001 [cs.CL]"
    assert p["creators"] == [{"creatorType": "author", "firstName": "Damai", "lastName": "Dai"},
                             {"creatorType": "author", "name": "DeepSeek-AI"}]
    assert [t["tag"] for t in p["tags"]] == ["survey", "routing", "moe"]  # Zotero's order, not ours
    a = items["Mixture of Experts Paper 3"]
    assert a["itemType"] == "journalArticle" and a["publicationTitle"] == "Nature" and a["DOI"] == "10.1038/xyz"
    assert "arXiv:2401.00003 [cs.CL]" in a["extra"].splitlines() and "archiveID" not in a
    [link] = z.children(p["key"])
    assert (link["linkMode"], link["url"]) == ("linked_url", "https://github.com/deepseek-ai/DeepSeek-MoE")
    writes = len(z.write_log())
    assert sync(papers, COLL, settings=settings).counts() == {"unchanged": 3}
    assert len(z.write_log()) == writes


def test_updates_on_zotero_10_keep_the_users_edits(zotero):
    z, settings = zotero("10.0.1")
    assert sync([arxiv_paper(1)], COLL, tags=["to-read"], settings=settings).complete
    [item] = z.top_items()
    key = item["key"]
    # the user works in Zotero: a note, an own tag, an own Extra line, another collection, a field
    z.add_item({"itemType": "note", "note": "<p>mine</p>", "parentItem": key})
    stored = z.items[key]
    stored.data["extra"] += "\nRead: 2026-01-05"
    stored.data["tags"].append({"tag": "favourite"})
    stored.data["language"] = "en"
    stored.collections.append(z.add_collection("Elsewhere"))
    stored.version = z._bump()
    changed = arxiv_paper(1, abstract="A better abstract.", tags=["moe", "routing"])
    result = sync([changed], COLL, tags=["to-read"], settings=settings)
    assert result.counts() == {"updated": 1}, result.problems
    after = z.full_data(z.items[key])
    assert after["abstractNote"] == "A better abstract." and after["language"] == "en"
    assert after["extra"].splitlines() == ["arXiv:2401.00001 [cs.CL]", "Read: 2026-01-05"]
    assert after["citationKey"] == "dai2024paper1"
    assert {t["tag"] for t in after["tags"]} == {"moe", "to-read", "favourite", "routing"}
    assert sorted(z.paths()[c] for c in after["collections"]) == ["Elsewhere", COLL]
    assert [c["itemType"] for c in z.children(key)] == ["note"]
    assert sync([changed], COLL, tags=["to-read"], settings=settings).counts() == {"unchanged": 1}
    _assert_clean_wire(z)


# --------------------------------------------------------------------------- what a stricter server does


@pytest.mark.parametrize("version,total_results", [("10.0.1", True), ("10.0.1", False), ("9.0.6", True)])
def test_a_server_that_pages_is_read_completely(version, total_results, zotero):
    z, settings = zotero(version, page_size=20, total_results=total_results)
    papers = [arxiv_paper(n) for n in range(1, 66)]
    assert sync(papers[:40], COLL, settings=settings).complete
    result = sync(papers, COLL, settings=settings)
    assert result.counts() == {"unchanged": 40, "created": 25}, result.problems
    assert len(z.top_items()) == 65
    writes = len(z.write_log())
    assert sync(papers, COLL, settings=settings).counts() == {"unchanged": 65}
    assert len(z.write_log()) == writes


@pytest.mark.parametrize("version", ["9.0.6", "8.0.5", "7.0.32"])
def test_the_selected_collection_changing_between_calls(version, zotero):
    z, settings = zotero(version, wander=True, local_api=_local_api(version))
    z.add_collection("Other/Place")
    papers = [arxiv_paper(n, tags=["a" if n % 2 else "b"]) for n in range(1, 31)]
    assert sync(papers, COLL, settings=settings).complete
    coll = z.collection_key(COLL)
    assert len(z.top_items()) == 30 and all(i["collections"] == [coll] for i in z.top_items())
    # a same-named path in the group library is not the target: My Library's is
    targets = {json.loads(r.body)["target"] for r in z.log if r.path == "/connector/updateSession"}
    assert targets == {f"C{z.collections[coll].id}"}


def test_authorization_that_takes_a_while(zotero):
    z, settings = zotero("10.0.1", authorize_delay=1.5)
    result = sync([arxiv_paper(1)], COLL, settings=settings, timeout=0.5)  # the prompt has its own, long wait
    assert result.complete, result.problems
    assert z.prompted_apps == ["zotero_bridge"]


def test_an_item_in_the_trash_is_not_created_again(zotero):
    z, settings = zotero("10.0.1")
    e = arxiv_paper(1)
    z.add_item({"itemType": "preprint", "title": e.title}, deleted=True, key=item_key_for(e))
    result = sync([e], COLL, settings=settings)
    assert result.outcomes[0].status is Status.SKIPPED and "trash" in result.outcomes[0].message
    assert len(z.items) == 1


@pytest.mark.parametrize("wait,complete", [("1", True), ("3600", False)])
def test_a_write_refused_with_retry_after(wait, complete, zotero):
    z, settings = zotero("10.0.1", collection=True)
    z.fault("/api/users/0/items", "POST", f"429:{wait}")
    result = sync([arxiv_paper(1), arxiv_paper(2)], COLL, settings=settings)
    assert result.complete is complete, result.problems
    if complete:
        assert len(z.top_items()) == 2
    else:  # refused: nothing is in doubt, the next run does it
        assert "wait 3600 s" in result.error and result.exit_code == ExitCode.ZOTERO
        assert {o.status for o in result.outcomes} == {Status.NOT_DONE}
        assert z.top_items() == []
        assert sync([arxiv_paper(1), arxiv_paper(2)], COLL, settings=settings).counts() == {"created": 2}


def test_revoked_key_and_another_profile_are_handled(zotero, isolated_env):
    z, settings = zotero("10.0.1")
    assert sync([arxiv_paper(1)], COLL, settings=settings).complete
    z.keys.clear()  # "Clear Write Authorizations": the stored key answers 401 now
    assert sync([arxiv_paper(2)], COLL, settings=settings).complete
    assert len(z.prompted_apps) == 2
    stored = json.loads((isolated_env / "config" / FILE_NAME).read_text())["keys"]
    assert list(stored) == [z.server_id] and stored[z.server_id]["key"] in z.keys
    old_id = z.server_id
    z.fault("/api/users/0/items", "POST", "new-server-id")  # another profile answers mid-run: 412 Server-ID
    assert sync([arxiv_paper(3)], COLL, settings=settings).complete
    assert z.server_id != old_id and len(z.prompted_apps) == 3
    stored = json.loads((isolated_env / "config" / FILE_NAME).read_text())["keys"]
    assert sorted(stored) == sorted([old_id, z.server_id])


def test_a_write_zotero_refuses_leaves_nothing_in_doubt(zotero):
    z, settings = zotero("10.0.1", collection=True)
    z.fault("/api/users/0/items", "POST", "403")
    result = sync([arxiv_paper(1)], COLL, settings=settings)
    assert result.exit_code == ExitCode.ZOTERO and "not editable" in result.error
    assert result.outcomes[0].status is Status.NOT_DONE and z.top_items() == []


# --------------------------------------------------------------------------- interrupted runs


@pytest.mark.parametrize("version,path,kind", [
    ("10.0.1", "/api/users/0/items", "drop-after-commit"),
    ("10.0.1", "/api/users/0/items", "drop"),
    ("10.0.1", "/api/users/0/items", "500"),
    ("10.0.1", "/api/users/0/items", "late:1.5"),
    ("10.0.1", "/api/users/0/collections", "drop-after-commit"),
    ("9.0.6", "/connector/saveItems", "drop-after-commit"),
    ("8.0.5", "/connector/saveItems", "drop"),
    ("8.0.5", "/connector/saveItems", "late:1.5"),
    ("8.0.5", "/connector/updateSession", "drop"),
    ("8.0.5", "/connector/saveItems", "500"),
    ("9.0.6", "/connector/saveItems", "409"),
])
def test_a_lost_answer_never_makes_a_duplicate(version, path, kind, zotero):
    z, settings = zotero(version)
    papers = [with_repo(arxiv_paper(n), f"owner/repo{n}") for n in range(1, 31)]
    z.fault(path, "POST", kind)
    first = sync(papers, COLL, settings=settings, timeout=0.5 if kind.startswith("late") else None)
    if kind.startswith("late"):
        time.sleep(0.1)  # (the held-back request has reached the double)
        z.wait_idle()  # a busy Zotero finishes its work
    assert len(z.top_items()) <= 30
    again = sync(papers, COLL, settings=settings)
    assert again.complete, (first.problems, again.problems)
    items = z.top_items()
    assert len(items) == 30 and len({i["title"] for i in items}) == 30
    assert all(i["collections"] == [z.collection_key(COLL)] and i["tags"] == [{"tag": "moe"}] for i in items)
    assert all(len(z.children(i["key"])) == 1 for i in items)
    writes = len(z.write_log())
    assert sync(papers, COLL, settings=settings).counts() == {"unchanged": 30}
    assert len(z.write_log()) == writes
    _assert_clean_wire(z)


@pytest.mark.parametrize("version,path", [("10.0.1", "/api/users/0/items"), ("9.0.6", "/connector/saveItems")])
def test_zotero_quits_mid_run_then_the_rerun_completes(version, path, zotero):
    z, settings = zotero(version)
    papers = [arxiv_paper(n) for n in range(1, 121)]
    z.fault(path, "POST", "quit")
    result = sync(papers, COLL, settings=settings)
    assert result.exit_code == ExitCode.ZOTERO and "not reachable" in result.error
    statuses = [o.status for o in result.outcomes]
    assert statuses.count(Status.UNKNOWN) == 50 and statuses.count(Status.NOT_DONE) == 70  # sent vs never sent
    z.restart()
    result = sync(papers, COLL, settings=settings)
    assert result.complete and len(z.top_items()) == 120, result.problems
    assert len({i["title"] for i in z.top_items()}) == 120


@pytest.mark.parametrize("version", ["10.0.1", "8.0.5"])
def test_ctrl_c_mid_run_then_the_rerun_completes(version, zotero):
    z, settings = zotero(version)
    papers = [arxiv_paper(n) for n in range(1, 121)]

    def interrupt(n: int) -> None:
        raise KeyboardInterrupt

    result = sync(papers, COLL, settings=settings, progress=interrupt)
    assert result.interrupted and result.exit_code == ExitCode.INTERRUPTED
    assert result.counts() == {"created": 50, "not-done": 70}
    again = sync(papers, COLL, settings=settings)
    assert again.counts() == {"unchanged": 50, "created": 70} and len(z.top_items()) == 120


def test_zotero_7_without_local_api_never_resends_a_save_in_doubt(zotero):
    z, settings = zotero("7.0.32", local_api=False)
    papers = [arxiv_paper(1), arxiv_paper(2)]
    z.fault("/connector/saveItems", "POST", "drop-after-commit")
    result = sync(papers, COLL, settings=settings)
    assert {o.status for o in result.outcomes} == {Status.UNKNOWN}
    assert "--resave-unknown" in result.outcomes[0].message
    writes = len(z.write_log())
    again = sync(papers, COLL, settings=settings)
    assert {o.status for o in again.outcomes} == {Status.BLOCKED} and "unknown state" in again.outcomes[0].message
    assert len(z.write_log()) == writes and len(z.top_items()) == 2


def test_a_failed_update_session_is_sent_once_more_then_reported(zotero):
    z, settings = zotero("7.0.32", local_api=False)
    z.fault("/connector/updateSession", "POST", "500")
    assert sync([arxiv_paper(1)], COLL, tags=["x"], settings=settings).complete  # the second one worked
    [item] = z.top_items()
    assert item["collections"] == [z.collection_key(COLL)] and item["tags"] == [{"tag": "x"}, {"tag": "moe"}]
    z.fault("/connector/updateSession", "POST", "500", times=2)
    result = sync([arxiv_paper(2)], COLL, tags=["x"], settings=settings)
    assert result.outcomes[0].status is Status.PARTIAL and "move and tag it in Zotero" in result.outcomes[0].message
    # the next run does not pretend it is filed, and does not save it again
    again = sync([arxiv_paper(2)], COLL, tags=["x"], settings=settings)
    assert "could not confirm filing" in " ".join(again.plan.items[0].notes)
    assert len(z.top_items()) == 2


def test_collection_per_tag_on_zotero_10(zotero):
    from zotero_bridge import sync_per_tag

    z, settings = zotero("10.0.1")
    z.add_collection("Reading/MoE")  # exists already (as "moe" would be matched ignoring case)
    entries = [arxiv_paper(1, tags=["MoE", "survey"]), arxiv_paper(2, tags=["survey"]), arxiv_paper(3, tags=[])]
    result = sync_per_tag(entries, "Reading", settings=settings)
    assert result.complete, result.problems
    paths = z.paths()
    where = {i["title"][-1]: sorted(paths[c] for c in i["collections"]) for i in z.top_items()}
    assert where == {"1": ["Reading/MoE", "Reading/survey"], "2": ["Reading/survey"], "3": ["Reading"]}
    assert sorted(paths.values()) == ["Reading", "Reading/MoE", "Reading/survey"]
    writes = len(z.write_log())
    assert sync_per_tag(entries, "Reading", settings=settings).counts() == {"unchanged": 3}
    assert len(z.write_log()) == writes
    _assert_clean_wire(z)


# --------------------------------------------------------------------------- zotero-bridge tag, export


def test_zotero_bridge_tag_on_zotero_10(listing, zotero, tmp_path, capsys):
    z, settings = zotero("10.0.1")
    assert sync(listing, COLL, tags=["hf-trending"], settings=settings).complete
    key = z.top_items()[0]["key"]
    z.items[key].data["tags"].append({"tag": "Mixture-Of-Experts"})  # the user's own spelling
    report = tmp_path / "tag.json"
    code = main(["-q", "tag", "--collection", COLL, "--rules", str(ROOT / "examples" / "tags.toml"),
                 "--report", str(report)])
    assert code == ExitCode.OK
    data = json.loads(report.read_text())
    assert data["complete"] and data["counts"].get("tagged", 0) > 40
    for item in z.top_items():
        names = [t["tag"] for t in item["tags"]]
        assert "hf-trending" in names and all("type" not in t for t in item["tags"])
        assert len({n.casefold() for n in names}) == len(names)  # never "moe" beside the user's "MoE"
    tagged = {i["zotero_key"]: i["tags_added"] for i in data["items"]}
    assert "mixture-of-experts" not in tagged[key]
    posts = [r for r in z.log if r.method == "POST" and r.path == "/api/users/0/items"]
    assert all(len(json.loads(r.body)) <= 50 for r in posts)
    writes = len(z.write_log())
    assert main(["-q", "tag", "--collection", COLL, "--rules", str(ROOT / "examples" / "tags.toml")]) == 0
    assert len(z.write_log()) == writes  # nothing left to add: no write
    _assert_clean_wire(z)


def test_zotero_bridge_tag_denied_leaves_nothing_in_doubt(zotero):
    z, settings = zotero("10.0.1", authorize="deny", collection=True)
    for n in range(1, 4):
        z.add_item({"itemType": "preprint", "title": f"A Survey of Mixture of Experts {n}"}, collections=[COLL])
    rules = ROOT / "examples" / "tags.toml"
    result = tag_collection(COLL, rules, settings=settings)
    assert result.exit_code == ExitCode.ZOTERO and "Deny" in result.error
    assert result.counts() == {"not-done": 3} and all("not written" in i.message for i in result.items)
    assert all("tags" not in i for i in z.top_items())


def test_zotero_bridge_tag_before_10_says_it_needs_10(zotero, capsys):
    z, settings = zotero("9.0.6")
    with pytest.raises(ZoteroError, match="needs Zotero 10"):
        tag_collection(COLL, None, settings=settings)
    assert z.write_log() == []


@pytest.mark.parametrize("version", ["10.0.1", "8.0.5"])
def test_export_round_trips_and_is_stable(version, listing, zotero, tmp_path):
    z, settings = zotero(version)
    papers = [with_repo(arxiv_paper(1, tags=["survey", "moe"]), "deepseek-ai/DeepSeek-MoE"), arxiv_paper(2)]
    assert sync(list(listing[:10]) + papers, COLL, settings=settings).complete
    first = export_collection(COLL, settings=settings)
    assert first.problems == []
    out = tmp_path / "a.bib"
    out.write_text(first.text)
    entries = {e.key: e for e in read_path(str(out)).entries}
    assert set(entries) == {e.key for e in list(listing[:10]) + papers}
    e1 = entries["dai2024paper1"]
    assert e1.ids.arxiv == "2401.00001" and e1.primary_class == "cs.CL" and set(e1.tags) == {"survey", "moe"}
    assert e1.code_repo is not None and e1.code_repo.target == "deepseek-ai/DeepSeek-MoE"
    # export → sync → export: a fixed point, and the sync writes nothing
    writes = len(z.write_log())
    assert sync(read_path(str(out)).entries, COLL, settings=settings).counts() == {"unchanged": 12}
    assert len(z.write_log()) == writes
    assert export_collection(COLL, settings=settings).text == first.text
    native = export_collection(COLL, settings=settings, native=True)
    assert "@article" not in native.text and "dai2024paper1" in native.text


# --------------------------------------------------------------------------- safety


def test_the_api_key_is_kept_0600_by_server_id_and_never_shown(zotero, tmp_path, isolated_env, capsys, caplog):
    z, settings = zotero("10.0.1")
    report = tmp_path / "report.json"
    caplog.set_level(logging.DEBUG)
    code = main(["-vv", "sync", str(EXAMPLE), "--collection", COLL, "--report", str(report)])
    assert code == ExitCode.OK
    [key] = list(z.keys)
    path = isolated_env / "config" / FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(json.loads(path.read_text())["keys"]) == [z.server_id]
    out, err = capsys.readouterr()
    seen = out + err + report.read_text() + caplog.text
    seen += "".join(p.read_text() for p in (isolated_env / "config").iterdir() if p.name != FILE_NAME)
    assert key not in seen
    # the CLI in its own process, as a user runs it: stdout and stderr at full verbosity
    env = {**os.environ, "BIBKIT_ZOTERO_URL": z.url}
    run = subprocess.run([sys.executable, "-m", "zotero_bridge.cli", "-vv", "sync", str(EXAMPLE), "--collection",
                          COLL, "--tag", "again"], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert key not in run.stdout + run.stderr
    # another profile (another Server-ID) gets its own key; the first one is kept
    other = IndepZotero("10.0.1").start()
    try:
        assert sync([arxiv_paper(1)], COLL, settings=settings_for_url(other, settings)).complete
        assert sorted(json.loads(path.read_text())["keys"]) == sorted([z.server_id, other.server_id])
    finally:
        other.stop()


def settings_for_url(z: IndepZotero, settings):
    from dataclasses import replace

    return replace(settings, zotero_url=z.url)


def test_zotero_not_running_is_one_clear_line_and_exit_6(tmp_path):
    probe = IndepZotero("10.0.1").start()
    url = probe.url
    probe.stop()
    env = {**os.environ, "BIBKIT_ZOTERO_URL": url}
    for args in (["sync", str(EXAMPLE), "--collection", COLL], ["export", "--collection", COLL, "-o", "-"],
                 ["tag", "--collection", COLL, "--rules", str(ROOT / "examples" / "tags.toml")]):
        run = subprocess.run([sys.executable, "-m", "zotero_bridge.cli", "-q", *args], capture_output=True,
                             text=True, env=env, timeout=60)
        assert run.returncode == ExitCode.ZOTERO
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "is Zotero running?" in lines[0], run.stderr


def test_local_api_off_names_the_setting(zotero, capsys):
    z, settings = zotero("10.0.1", local_api=False, collection=True)
    setting = "Allow other applications on this computer to communicate with Zotero"
    with pytest.raises(ZoteroError, match=setting):
        sync([arxiv_paper(1)], COLL, settings=settings, via="local")
    with pytest.raises(ZoteroError, match=setting):
        export_collection(COLL, settings=settings)
    with pytest.raises(ZoteroError, match=setting):
        tag_collection(COLL, None, settings=settings)
    result = sync([arxiv_paper(1)], COLL, settings=settings)  # the connector still works, and says what to enable
    assert result.complete and result.transport == "connector"
    assert any(setting in n for n in result.notes)


def test_authorize_denied_is_clear_and_leaves_nothing_in_doubt(zotero, isolated_env):
    z, settings = zotero("10.0.1", authorize="deny", collection=True)
    result = sync([arxiv_paper(n) for n in range(1, 61)], COLL, settings=settings)
    assert result.exit_code == ExitCode.ZOTERO
    assert "Deny" in result.error and "Always Allow" in result.error
    assert {o.status for o in result.outcomes} == {Status.NOT_DONE}  # nothing was sent: nothing is "unknown"
    assert z.top_items() == [] and z.prompted_apps == ["zotero_bridge"]
    assert not (isolated_env / "config" / FILE_NAME).exists()


@pytest.mark.parametrize("version", ["9.0.6", "8.0.5", "7.0.32"])
def test_missing_collection_before_10_is_a_clear_error(version, zotero):
    z, settings = zotero(version, collection=False, local_api=_local_api(version))
    result = sync([arxiv_paper(1)], COLL, settings=settings)
    assert result.exit_code == ExitCode.ZOTERO
    text = " ".join(result.problems)
    assert "does not exist in Zotero" in text and "create it in Zotero" in text
    assert z.write_log() == [] and z.top_items() == []
