"""The sync plan (zotero_bridge.plan): a pure function, tested without any server."""

from __future__ import annotations

import copy

from bibkit.cli.common import table
from bibkit.model import Entry, Identifiers, Link, LinkKind, PartialDate, Person
from zotero_bridge.itemkeys import item_key_for
from zotero_bridge.library import Snapshot
from zotero_bridge.mapping import entry_to_item
from zotero_bridge.plan import Action, Capabilities, Plan, make_plan

COLL = "Reading/MoE"


def paper(n: int = 1, **kw) -> Entry:
    e = Entry(entry_type="preprint", key=f"dai2024paper{n}", key_pinned=True, title=f"Mixture of Experts Paper {n}",
              authors=[Person(family="Dai", given="Damai"), Person(literal="DeepSeek-AI")],
              date=PartialDate(2024, 1, n), ids=Identifiers(arxiv=f"2401.0{n:04d}"), primary_class="cs.CL",
              tags=["moe"])
    for k, v in kw.items():
        setattr(e, k, v)
    return e


def collections() -> list[dict]:
    return [{"key": "READ2345", "name": "Reading", "parentCollection": False},
            {"key": "MOE23456", "name": "MoE", "parentCollection": "READ2345"},
            {"key": "OTHR2345", "name": "Other", "parentCollection": False}]


def as_item(entry: Entry, key: str, collections: list[str], **changes) -> dict:
    """What Zotero would hold after the bridge created ``entry`` (version 5)."""
    data = copy.deepcopy(entry_to_item(entry).data)
    data.update(key=key, version=5, collections=collections, dateAdded="2026-01-01T00:00:00Z")
    data.update(changes)
    return data


def snap(*items: dict, children: dict | None = None) -> Snapshot:
    return Snapshot(items=list(items), collections=collections(), children=children or {}, children_loaded=True)


# --------------------------------------------------------------------------- creates


def test_empty_library_plans_creates_with_deterministic_keys_and_the_missing_collections():
    entries = [paper(1), paper(2)]
    plan = make_plan(entries, Snapshot(), COLL, tags=["to-read"])
    assert [p.action for p in plan.items] == [Action.CREATE, Action.CREATE]
    assert [p.key for p in plan.items] == [item_key_for(e) for e in entries]
    assert plan.missing_collections == ["Reading", "Reading/MoE"]
    assert plan.items[0].draft.tags == ["moe", "to-read"]
    assert plan.counts()["create"] == 2 and plan.has_writes
    # the same input plans the same keys every time
    assert [p.key for p in make_plan(entries, Snapshot(), COLL).items] == [p.key for p in plan.items]


def test_code_repository_attachment_is_planned_with_its_parent():
    e = paper(1)
    e.add_link(Link(LinkKind.GITHUB, "https://github.com/a/b", target="a/b", role="primary"))
    p = make_plan([e], snap(), COLL).items[0]
    assert p.attachment["parentItem"] == p.key and p.attachment["linkMode"] == "linked_url"
    assert len(p.attachment["key"]) == 8


# --------------------------------------------------------------------------- matching


def test_match_by_arxiv_doi_citation_key_and_title_author():
    a = paper(1)
    b = paper(2, ids=Identifiers(doi="10.1000/xyz"), entry_type="article", journal="J")
    c = Entry(entry_type="article", key="smith2020deep", key_pinned=True, title="Deep Things", journal="J")
    d = Entry(entry_type="article", title="Title Plus Author", journal="J", authors=[Person(family="Smith", given="A")])
    items = [
        as_item(paper(1, title="Renamed on arXiv"), "AAAA2345", ["MOE23456"]),
        as_item(Entry(entry_type="article", title="Other", journal="J", ids=Identifiers(doi="10.1000/XYZ")), "BBBB2345", []),
        as_item(Entry(entry_type="article", key="smith2020deep", title="Deep things", journal="J"), "CCCC2345", []),
        as_item(Entry(entry_type="article", title="Title plus author!", journal="J",
                      authors=[Person(family="Smith", given="Alice")]), "DDDD2345", []),
    ]
    plan = make_plan([a, b, c, d], snap(*items), COLL)
    assert [(p.matched_by, p.key) for p in plan.items] == [
        ("arxiv", "AAAA2345"), ("doi", "BBBB2345"), ("citation-key", "CCCC2345"), ("title+author", "DDDD2345")]


def test_never_matched_by_title_alone():
    e = Entry(entry_type="misc", title="A Survey on Mixture of Experts")
    other = as_item(Entry(entry_type="misc", title="A Survey on Mixture of Experts",
                          authors=[Person(family="Cai", given="W")]), "SURV2345", ["MOE23456"])
    plan = make_plan([e], snap(other), COLL)
    assert plan.items[0].action is Action.CREATE


def test_an_entry_without_authors_is_found_again_by_its_own_item_key():
    e = Entry(entry_type="misc", title="A listing entry with no authors yet")
    created = as_item(e, item_key_for(e), ["MOE23456"])
    plan = make_plan([e], snap(created), COLL)
    assert plan.items[0].action is Action.UNCHANGED and plan.items[0].matched_by == "item-key"


def test_citation_key_used_by_a_different_paper_is_a_conflict_not_a_match():
    e = Entry(entry_type="article", key="smith2020", key_pinned=True, title="Quantum gravity for beginners", journal="J")
    other = as_item(Entry(entry_type="article", key="smith2020", title="Medieval pottery of Kent", journal="J"),
                    "POTT2345", [])
    p = make_plan([e], snap(other), COLL).items[0]
    assert p.action is Action.SKIP and p.problem and "already used" in p.notes[0]


def test_several_candidates_prefer_the_one_in_the_target_collection():
    e = paper(1)
    outside = as_item(e, "OUT23456", ["OTHR2345"], dateAdded="2020-01-01T00:00:00Z")
    inside = as_item(e, "INS23456", ["MOE23456"])
    p = make_plan([e], snap(outside, inside), COLL).items[0]
    assert p.key == "INS23456" and p.action is Action.UNCHANGED
    assert "2 items in Zotero match" in p.notes[0]


def test_duplicates_in_the_input_are_planned_once():
    plan = make_plan([paper(1), paper(1, key="other"), paper(2)], Snapshot(), COLL)
    assert [p.action for p in plan.items] == [Action.CREATE, Action.SKIP, Action.CREATE]
    assert "duplicate of entry #1" in plan.items[1].notes[0] and not plan.items[1].problem


# --------------------------------------------------------------------------- diffs


def test_identical_item_in_the_collection_is_unchanged_and_elsewhere_is_added():
    e = paper(1)
    assert make_plan([e], snap(as_item(e, "AAAA2345", ["MOE23456"])), COLL).items[0].action is Action.UNCHANGED
    p = make_plan([e], snap(as_item(e, "AAAA2345", ["OTHR2345"])), COLL).items[0]
    assert p.action is Action.ADD and p.add_collection and p.collections == ["OTHR2345"] and not p.patch


def test_update_sends_only_what_differs_and_keeps_the_users_edits():
    e = paper(1, abstract="New abstract.")
    item = as_item(paper(1, abstract="Old abstract."), "AAAA2345", ["MOE23456"],
                   extra="My own line\nCitation Key: dai2024paper1\narXiv:2401.00001 [cs.CL]",
                   tags=[{"tag": "mine"}, {"tag": "Computer Science - Computation and Language", "type": 1}])
    p = make_plan([e], snap(item), COLL, tags=["to-read"]).items[0]
    assert p.action is Action.UPDATE
    assert set(p.patch) == {"abstractNote", "tags"}
    assert p.patch["abstractNote"] == "New abstract."
    assert p.patch["tags"] == [{"tag": "mine"}, {"tag": "Computer Science - Computation and Language", "type": 1},
                               {"tag": "moe"}, {"tag": "to-read"}]
    assert p.version == 5


def test_extra_is_merged_line_wise():
    e = paper(1)
    item = as_item(e, "AAAA2345", ["MOE23456"], extra="version: 2\narXiv:2401.00001 [cs.CL]")
    p = make_plan([e], snap(item), COLL).items[0]
    # the citationKey field holds the key, so the Extra line is not forced back in (Zotero may migrate it)
    assert p.action is Action.UNCHANGED
    item.pop("citationKey")
    p = make_plan([e], snap(item), COLL).items[0]
    assert p.patch == {"citationKey": "dai2024paper1",
                       "extra": "Citation Key: dai2024paper1\nversion: 2\narXiv:2401.00001 [cs.CL]"}


def test_derived_values_and_more_precise_dates_are_not_overwritten():
    e = paper(1, date=PartialDate(2024))
    item = as_item(paper(1), "AAAA2345", ["MOE23456"], url="https://arxiv.org/abs/2401.00001v3",
                   repository="arXiv.org", date="2024-01-01")
    assert make_plan([e], snap(item), COLL).items[0].action is Action.UNCHANGED
    del item["repository"]
    p = make_plan([e], snap(item), COLL).items[0]
    assert p.patch == {"repository": "arXiv"}  # an empty field is filled


def test_a_generated_key_never_replaces_the_users_key():
    e = paper(1, key="dai2024mixture", key_pinned=False)
    item = as_item(paper(1), "AAAA2345", ["MOE23456"])  # holds dai2024paper1, e.g. from Better BibTeX
    p = make_plan([e], snap(item), COLL).items[0]
    assert p.action is Action.UNCHANGED
    assert "kept Zotero's citation key 'dai2024paper1'" in p.notes[0]
    # issue #11: an item's existing citation key is never overwritten, not even by a key the input pinned (it
    # flows back into the .bib instead: bibkit build --zotero-collection adopts it)
    pinned = make_plan([paper(1, key="dai2024mixture")], snap(item), COLL).items[0]
    assert "citationKey" not in pinned.patch and "extra" not in pinned.patch
    assert "kept Zotero's citation key 'dai2024paper1'" in pinned.notes[0]


def test_creators_of_other_roles_are_kept():
    e = paper(1, authors=[Person(family="Dai", given="D.")])
    item = as_item(paper(1), "AAAA2345", ["MOE23456"])
    item["creators"] = item["creators"] + [{"creatorType": "contributor", "firstName": "C", "lastName": "Helper"}]
    p = make_plan([e], snap(item), COLL).items[0]
    assert p.patch["creators"] == [{"creatorType": "author", "firstName": "D.", "lastName": "Dai"},
                                   {"creatorType": "contributor", "firstName": "C", "lastName": "Helper"}]


def test_tags_are_only_pruned_under_the_owned_prefix():
    e = paper(1, tags=["hf:moe"])
    item = as_item(paper(1, tags=["hf:old", "hf:moe", "mine"]), "AAAA2345", ["MOE23456"])
    assert make_plan([e], snap(item), COLL).items[0].action is Action.UNCHANGED
    p = make_plan([e], snap(item), COLL, prune_prefix="hf:").items[0]
    assert p.patch["tags"] == [{"tag": "hf:moe"}, {"tag": "mine"}]


def test_missing_code_attachment_is_added_to_an_existing_item():
    e = paper(1)
    e.add_link(Link(LinkKind.GITHUB, "https://github.com/a/b", target="a/b", role="primary"))
    item = as_item(e, "AAAA2345", ["MOE23456"])
    p = make_plan([e], snap(item), COLL).items[0]
    assert p.action is Action.UPDATE and p.attachment["parentItem"] == "AAAA2345" and not p.patch
    have = {"AAAA2345": [{"key": "ATT23456", "itemType": "attachment", "linkMode": "linked_url",
                          "url": "https://github.com/a/b/", "parentItem": "AAAA2345"}]}
    assert make_plan([e], snap(item, children=have), COLL).items[0].action is Action.UNCHANGED


def test_a_generic_document_is_upgraded_once_the_input_knows_the_type():
    raw = Entry(entry_type="misc", key="k1", key_pinned=True, title="Mixture of Experts Paper 1")
    item = as_item(raw, item_key_for(raw), ["MOE23456"])
    enriched = paper(1, key="k1")
    p = make_plan([enriched], snap(item), COLL).items[0]
    assert p.action is Action.UPDATE and p.patch["itemType"] == "preprint"
    assert p.patch["archiveID"] == "arXiv:2401.00001"


def test_item_in_the_trash_is_not_recreated():
    e = Entry(entry_type="misc", title="Trashed")
    trashed = as_item(e, item_key_for(e), ["MOE23456"], deleted=1)
    p = make_plan([e], snap(trashed), COLL).items[0]
    assert p.action is Action.SKIP and "trash" in p.notes[0] and p.problem


# --------------------------------------------------------------------------- idempotency


def test_plan_apply_plan_is_all_unchanged():
    entries = [paper(n) for n in range(1, 6)] + [Entry(entry_type="misc", title="No authors")]
    entries[0].add_link(Link(LinkKind.GITHUB, "https://github.com/a/b", target="a/b", role="primary"))
    plan = make_plan(entries, snap(), COLL, tags=["to-read"])
    # what Zotero holds after applying it (a faithful but minimal simulation)
    items, children = [], {}
    for p in plan.items:
        items.append({**p.draft.data, "key": p.key, "version": 1, "collections": ["MOE23456"]})
        if p.attachment:
            children[p.key] = [{**p.attachment, "version": 1}]
    again = make_plan(entries, snap(*items, children=children), COLL, tags=["to-read"])
    assert [p.action for p in again.items] == [Action.UNCHANGED] * len(entries)
    assert not again.has_writes


# --------------------------------------------------------------------------- transports


def test_connector_cannot_update_add_or_create_collections_and_says_so():
    e1, e2, e3 = paper(1, abstract="changed"), paper(2), paper(3)
    items = [as_item(paper(1), "AAAA2345", ["MOE23456"]), as_item(e2, "BBBB2345", ["OTHR2345"])]
    caps = Capabilities.connector("9.0.6")
    plan = make_plan([e1, e2, e3], snap(*items), COLL, capabilities=caps)
    blocked = [p.blocked for p in plan.items]
    assert "Zotero 9.0.6 cannot change existing items" in blocked[0] and "upgrade to Zotero 10" in blocked[0]
    assert "cannot add existing items to a collection" in blocked[1] and "drag it there" in blocked[1]
    assert blocked[2] is None and plan.items[2].action is Action.CREATE
    missing = make_plan([e3], Snapshot(collections=[]), COLL, capabilities=caps)
    assert missing.items[0].blocked and "create it in Zotero" in missing.problems[0]


def test_unreadable_library_uses_the_local_record():
    e1, e2, e3 = paper(1), paper(2), paper(3)
    record = {item_key_for(e1): {"status": "saved", "collection": COLL, "time": "t1"},
              item_key_for(e2): {"status": "unknown", "collection": COLL, "time": "t2"}}
    caps = Capabilities.connector("7.0.32")
    plan = make_plan([e1, e2, e3], Snapshot.unreadable(), COLL, capabilities=caps, local_record=record)
    assert plan.items[0].action is Action.UNCHANGED and "recorded locally" in plan.items[0].notes[0]
    assert plan.items[1].blocked and "--resave-unknown" in plan.items[1].blocked
    assert plan.items[2].action is Action.CREATE and not plan.items[2].blocked
    again = make_plan([e2], Snapshot.unreadable(), COLL, capabilities=caps, local_record=record, resave_unknown=True)
    assert again.items[0].action is Action.CREATE and not again.items[0].blocked


def test_plan_table_and_report():
    plan = make_plan([paper(1)], snap(), COLL)
    text = table(plan.rows(), Plan.HEADERS)
    assert "create" in text and "dai2024paper1" in text and "new preprint" in text
    report = plan.as_dict()
    assert report["counts"]["create"] == 1 and report["items"][0]["zotero_key"] == plan.items[0].key


# --------------------------------------------------------------------------- connector targets (pure)


def test_connector_target_paths_from_depth_first_order():
    from zotero_bridge.apply import connector_targets, find_target

    selected = {"targets": [
        {"id": "L1", "name": "My Library", "level": 0},
        {"id": "C12", "name": "LLM papers", "level": 1},
        {"id": "C13", "name": "MoE", "level": 2},
        {"id": "C14", "name": "Deep", "level": 3},
        {"id": "C15", "name": "Reading", "level": 1},
        {"id": "C16", "name": "MoE", "level": 2},
        {"id": "C17", "name": "Twice", "level": 1},
        {"id": "C18", "name": "Twice", "level": 1},
        {"id": "L2", "name": "Group X", "level": 0},
        {"id": "C20", "name": "Reading", "level": 1},
        {"id": "C21", "name": "MoE", "level": 2},
        {"id": "C22", "name": "a/b", "level": 1},
    ]}
    paths = [(t.tree_id, t.library, t.path) for t in connector_targets(selected)]
    assert paths[:5] == [("C12", "My Library", "LLM papers"), ("C13", "My Library", "LLM papers/MoE"),
                         ("C14", "My Library", "LLM papers/MoE/Deep"), ("C15", "My Library", "Reading"),
                         ("C16", "My Library", "Reading/MoE")]
    # a plain path is My Library's (as on Zotero 10, which writes to /users/0); a group's same-named
    # collection is never picked by accident: it is named with its library first
    assert find_target(selected, "Reading/MoE") == (connector_targets(selected)[4], None)
    assert find_target(selected, "Group X/Reading/MoE")[0].tree_id == "C21"
    assert find_target(selected, "Group X/a\\/b")[0].tree_id == "C22"  # an escaped slash inside a name
    assert find_target(selected, "a\\/b") == (None, None)  # only in the group
    target, note = find_target(selected, "Twice")
    assert target.tree_id == "C17" and "2 collections" in note
    assert find_target(selected, "Nope") == (None, None)


def test_loopback_host_header():
    from zotero_bridge.transport import _loopback_host

    assert _loopback_host("http://127.0.0.1:23119") is None
    assert _loopback_host("http://localhost:23119") is None
    assert _loopback_host("http://zotero-box:23119") == "127.0.0.1:23119"
    assert _loopback_host("http://[::1]:23119") == "127.0.0.1:23119"  # [::1] only passes Zotero 9.0.3+


def test_a_listing_entry_synced_before_enrichment_is_found_by_title_and_abstract():
    raw = Entry(entry_type="misc", key="SurveyMixtureExperts", title="A Survey on Mixture of Experts",
                abstract="Large language models have garnered unprecedented advancements across diverse fields.")
    item = as_item(raw, item_key_for(raw), ["MOE23456"])
    enriched = paper(7, key="cai2024survey", key_pinned=False, title="A Survey on Mixture of Experts",
                     abstract="Large language models (LLMs) have garnered unprecedented advancements across diverse fields.")
    p = make_plan([enriched], snap(item), COLL).items[0]
    assert p.matched_by == "title+abstract" and p.key == item["key"]
    assert p.action is Action.UPDATE and p.patch["itemType"] == "preprint"
    assert "citationKey" not in p.patch  # the key already in Zotero stays (LaTeX documents cite it)
    # another paper with the same title but its own abstract is not this one
    other = paper(8, title="A Survey on Mixture of Experts", abstract="Mixture of experts is surveyed from the systems side.")
    assert make_plan([other], snap(item), COLL).items[0].action is Action.CREATE


def test_a_field_zotero_kept_in_extra_is_not_sent_again():
    # a Zotero whose installed schema lacks a field for the type keeps it as a "field: value" Extra line
    # (PROTOCOL.md section 4); planning must see it there, or every run would write it again
    entry = paper(9, journal="Nature", volume="7")
    entry.entry_type = "article"
    entry.ids.doi = "10.1038/xyz"
    item = as_item(entry, item_key_for(entry), ["MOE23456"])
    item["extra"] = (item.get("extra") or "") + "\nvolume: 7"
    item.pop("volume", None)
    p = make_plan([entry], snap(item), COLL).items[0]
    assert "volume" not in p.patch and p.action is Action.UNCHANGED
    item["extra"] = item["extra"].replace("volume: 7", "volume: 8")
    assert make_plan([entry], snap(item), COLL).items[0].patch["volume"] == "7"
