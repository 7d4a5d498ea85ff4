"""Upgraded entries in Zotero: a conferencePaper/journalArticle with the arXiv ID in Extra; an item synced
earlier as a preprint is changed in place (matched by its arXiv ID, item type changed by the update),
never duplicated, and nothing the preprint had is left behind in the wrong field or in Extra."""

from __future__ import annotations

import copy
import tempfile

import pytest

from bibkit.normalize import normalise
from zotero_bridge import sync
from zotero_bridge.mapping import entry_to_item
from zotero_bridge.plan import Action
from scholarly_helpers import doubles, expected_upgrades, run_example
from zotero_helpers import fake_zotero  # noqa: F401 (fixture)

COLL = "Reading/HF trending"


@pytest.fixture(scope="module")
def both_versions():
    """The example listing cited as preprints (--prefer preprint) and at its published versions."""
    with doubles() as d:
        cache = tempfile.mkdtemp()
        pre, _ = run_example(d, settings=d.settings(cache_dir=cache), prefer="preprint")
        pub, _ = run_example(d, settings=d.settings(cache_dir=cache))
        for doc in (pre, pub):
            normalise(doc, recompute_keys=True)
        yield d, pre.entries, pub.entries


def _by_arxiv(items):
    out = {}
    for item in items:
        for line in (item.get("extra") or "").splitlines():
            if line.startswith("arXiv:"):
                out[line.split()[0][len("arXiv:"):]] = item
    return out


def test_an_upgraded_entry_maps_to_a_conference_paper_with_the_arxiv_id_in_extra(both_versions):
    _d, _pre, pub = both_versions
    dolma = next(e for e in pub if e.ids.arxiv == "2402.03660")
    draft = entry_to_item(dolma)
    assert draft.item_type == "conferencePaper"
    assert draft.data["proceedingsTitle"] == "Annual Meeting of the Association for Computational Linguistics"
    assert draft.data["DOI"] == "10.18653/v1/2024.acl-long.840" and draft.data["publisher"] != "arXiv"
    assert any(line.startswith("arXiv:2402.03660") for line in draft.data["extra"].splitlines())
    assert "archiveID" not in draft.data and "repository" not in draft.data
    natmed = entry_to_item(next(e for e in pub if e.ids.arxiv == "2407.17930"))
    assert natmed.item_type == "journalArticle" and natmed.data["publicationTitle"] == "Nature Medicine"


def test_preprint_items_are_updated_in_place_when_their_paper_is_published(both_versions, fake_zotero):
    d, pre, pub = both_versions
    z, settings = fake_zotero("10")
    first = sync(copy.deepcopy(pre), COLL, settings=settings)
    assert first.complete and first.counts() == {"created": 86}
    before = _by_arxiv(z.items())
    keys_before = {a: i["key"] for a, i in before.items()}
    assert before["2402.03660"]["itemType"] == "preprint" and before["2402.03660"]["repository"] == "arXiv"

    second = sync(copy.deepcopy(pub), COLL, settings=settings)
    assert second.complete, second.problems
    want = expected_upgrades(d.world)
    assert second.counts().get("updated") == len(want)
    after = _by_arxiv(z.items())
    assert len(z.items()) == 86  # nothing duplicated
    assert {a: i["key"] for a, i in after.items()} == keys_before  # the same items
    for arxiv_id, pub_spec in want.items():
        item = after[arxiv_id]
        assert item["itemType"] in ("conferencePaper", "journalArticle"), arxiv_id
        assert "repository" not in item and "archiveID" not in item
        assert item.get("publisher") != "arXiv"
        assert not any(line.startswith(("repository:", "archiveID:")) for line in item.get("extra", "").splitlines())
        if pub_spec.get("doi"):
            assert item["DOI"].lower() == pub_spec["doi"].lower()
        else:
            assert "DOI" not in item  # arXiv's DOI named the preprint
        assert item["date"].startswith(str(pub_spec["year"]))
    # papers without a publication stay preprints, untouched
    assert after["2412.09637"]["itemType"] == "preprint" and after["2412.09637"]["repository"] == "arXiv"

    # and a third sync changes nothing
    writes = len(z.write_requests())
    third = sync(copy.deepcopy(pub), COLL, settings=settings)
    assert third.complete and third.counts() == {"unchanged": 86}
    assert len(z.write_requests()) == writes


def test_the_plan_says_what_changes(both_versions, fake_zotero):
    _d, pre, pub = both_versions
    z, settings = fake_zotero("10")
    sync(copy.deepcopy(pre), COLL, settings=settings)
    plan = sync(copy.deepcopy(pub), COLL, settings=settings, dry_run=True).plan
    item = next(i for i in plan.items if i.entry.ids.arxiv == "2402.03660")
    assert item.action is Action.UPDATE and item.matched_by == "arxiv"
    assert item.changes["itemType"] == ("preprint", "conferencePaper")
    assert item.patch["repository"] == "" and item.patch["archiveID"] == ""
    assert item.patch["DOI"] == "10.18653/v1/2024.acl-long.840"
