"""Issue 6: ``.bib`` keywords → Zotero tags (sync) → exported keywords is exact.

The rule (documented in zotero_bridge/export.py): every keyword becomes one
manual Zotero tag, exactly as written — spaces, hyphens, dots, non-ASCII
letters and scripts included — and export writes an item's tags as keywords in
the order the local API lists them.  Zotero keeps no order of its own for an
item's tags, so what the bridge guarantees is: the *set* comes back exactly;
sync sends tags in keyword order and only ever appends missing ones, so the
order is stable (the double, like a fresh Zotero library, lists them in the
order they were added, which gives the keyword order back); export → sync →
export is a fixed point with zero writes.

Run under Zotero 10 (local API writes), 8 (connector, tags as an array) and 7
(connector, tags as one comma-joined string).
"""

from __future__ import annotations

import pytest

from bibkit.normalize import normalise
from bibkit.sources import read_text
from bibkit.writers import write
from zotero_bridge import export_collection, sync
from zotero_bridge.export import keyword_problems
from zotero_bridge.testing import FakeZotero

from zotero_helpers import settings_for

COLL = "Reading/Keywords"

BIB = r"""
@article{dai2024deepseekmoe,
  title = {DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models},
  author = {Dai, Damai and Deng, Chengqi},
  year = {2024},
  eprint = {2401.06066}, archivePrefix = {arXiv}, primaryClass = {cs.CL},
  keywords = {mixture-of-experts, tool use, cs.CL, {\"U}bersicht, LLM-as-a-judge, zz last, Ärzte und Kliniken},
}

@inproceedings{schick2023toolformer,
  title = {Toolformer: Language Models Can Teach Themselves to Use Tools},
  author = {Schick, Timo and Dwivedi-Yu, Jane},
  booktitle = {Advances in Neural Information Processing Systems},
  year = {2023},
  keywords = {tool use; agents;   self-supervised learning , 日本語, α-β pruning},
}

@article{nokeywords2024,
  title = {A Paper Without Keywords},
  author = {Ng, Ann},
  journal = {Journal of Tests},
  year = {2024},
}
"""

EXPECTED = {
    "dai2024deepseekmoe": ["mixture-of-experts", "tool use", "cs.CL", "Übersicht", "LLM-as-a-judge", "zz last",
                           "Ärzte und Kliniken"],
    "schick2023toolformer": ["tool use", "agents", "self-supervised learning", "日本語", "α-β pruning"],
    "nokeywords2024": [],
}

SETUPS = [("10", None), ("8", "connector"), ("7", "connector")]


def _doc(text: str):
    doc = read_text(text, "refs.bib")
    normalise(doc)
    return doc


def _open(version: str, monkeypatch):
    z = FakeZotero(version=version).start()
    settings = settings_for(z, monkeypatch)
    z.add_collection(COLL)  # Zotero 7–9 cannot create it: the user has
    z.select(COLL)
    return z, settings


@pytest.mark.parametrize("version,via", SETUPS, ids=[f"zotero{v}" for v, _ in SETUPS])
def test_keywords_round_trip_exactly_through_zotero_tags(version, via, monkeypatch):
    z, settings = _open(version, monkeypatch)
    try:
        doc = _doc(BIB)
        assert {e.key: e.tags for e in doc.entries} == EXPECTED  # the reader's side of the contract
        result = sync(doc, COLL, via=via, settings=settings)
        assert result.complete, result.problems
        # one manual tag per keyword, exactly as written, in keyword order
        by_key = {i.get("citationKey") or "": i for i in z.items()}
        for key, tags in EXPECTED.items():
            assert [(t["tag"], t["type"]) for t in by_key[key]["tags"]] == [(t, 0) for t in tags], key

        exported = export_collection(COLL, settings=settings)
        assert not keyword_problems(exported.entries)
        back = _doc(exported.text)
        assert {e.key: e.tags for e in back.entries} == EXPECTED
        # the keywords field itself, as written: comma-separated in the same order
        field = next(line for line in exported.text.splitlines() if "keywords" in line and "Toolformer" not in line
                     and "tool use, agents" in line)
        # (the writer may spell Greek letters as LaTeX; the reader decodes them back, as checked above)
        assert field.strip().startswith("keywords = {tool use, agents, self-supervised learning, 日本語, ")

        # stable: the same library exports the same text; the export synced back changes nothing
        z.reset_log()
        assert export_collection(COLL, settings=settings).text == exported.text
        again = sync(back, COLL, via=via, settings=settings)
        assert again.complete and set(again.counts()) == {"unchanged"}
        assert z.write_requests() == []
        assert export_collection(COLL, settings=settings).text == exported.text
    finally:
        z.close()


@pytest.mark.parametrize("version,via", SETUPS, ids=[f"zotero{v}" for v, _ in SETUPS])
def test_ascii_bib_keywords_round_trip_too(version, via, monkeypatch):
    """Keywords written LaTeX-escaped (``--ascii``) read back to the same tags."""
    z, settings = _open(version, monkeypatch)
    try:
        doc = _doc(BIB)
        ascii_text = write(doc, ascii=True)
        assert r"{\"U}bersicht" in ascii_text or r"\"{U}bersicht" in ascii_text
        doc2 = _doc(ascii_text)
        assert sync(doc2, COLL, via=via, settings=settings).complete
        back = _doc(export_collection(COLL, settings=settings).text)
        assert {e.key: e.tags for e in back.entries} == EXPECTED
    finally:
        z.close()


def test_tags_added_in_zotero_come_back_after_the_keywords_on_zotero_10(monkeypatch):
    """The user's own tags (manual or automatic) are part of the export, after the synced keywords."""
    z, settings = _open("10", monkeypatch)
    try:
        doc = _doc(BIB)
        assert sync(doc, COLL, settings=settings).complete
        key = next(i["key"] for i in z.items() if i.get("citationKey") == "nokeywords2024")
        item = z.item(key)
        from zotero_bridge.transport import LocalApi, ZoteroHttp

        with ZoteroHttp(settings) as http:
            r = LocalApi(http, z.server_id).write(
                "POST", "/api/users/0/items",
                [{"key": key, "version": item["version"], "tags": [{"tag": "read later"}, {"tag": "Imported", "type": 1}]}],
                api_key=z.grant_key())
            assert r.status_code == 200
        back = _doc(export_collection(COLL, settings=settings).text)
        assert {e.key: e.tags for e in back.entries}["nokeywords2024"] == ["read later", "Imported"]
        # and syncing the original .bib again neither removes them nor writes anything
        z.reset_log()
        again = sync(_doc(BIB), COLL, settings=settings)
        assert again.complete and z.write_requests() == []
        assert [t["tag"] for t in z.item(key)["tags"]] == ["read later", "Imported"]
        # a keyword the item has in another letter case is not added a second time
        z.reset_log()
        upper = _doc(BIB.replace("keywords = {tool use; agents;", "keywords = {Tool Use; agents;"))
        assert sync(upper, COLL, settings=settings).complete
        assert z.write_requests() == []
    finally:
        z.close()


def test_new_tags_from_zotero_bridge_tag_are_appended_to_the_keywords(monkeypatch, tmp_path):
    from zotero_bridge import tag_collection

    z, settings = _open("10", monkeypatch)
    try:
        assert sync(_doc(BIB), COLL, settings=settings).complete
        rules = tmp_path / "tags.toml"
        rules.write_text('[auto]\nprimary-category = false\nhas-code = false\n\n'
                         '[[rule]]\ntag = "agents"\ntext = ["tools"]\n\n'
                         '[[rule]]\ntag = "Tool-Learning"\ntitle = ["toolformer"]\n', encoding="utf-8")
        result = tag_collection(COLL, rules, settings=settings)
        assert result.complete
        back = {e.key: e.tags for e in _doc(export_collection(COLL, settings=settings).text).entries}
        assert back["schick2023toolformer"] == EXPECTED["schick2023toolformer"] + ["Tool-Learning"]
        assert back["dai2024deepseekmoe"] == EXPECTED["dai2024deepseekmoe"]
    finally:
        z.close()


def test_a_zotero_tag_with_a_comma_is_reported_on_export(monkeypatch):
    z, settings = _open("10", monkeypatch)
    try:
        z.add_item({"itemType": "journalArticle", "title": "Tagged by hand", "extra": "Citation Key: hand2024",
                    "tags": [{"tag": "Smith, J."}, {"tag": "fine"}]}, collections=[COLL])
        result = export_collection(COLL, settings=settings)
        assert any("'Smith, J.'" in p and "comma" in p for p in result.problems)
        assert "keywords = {Smith, J., fine}" in result.text  # written as it is, not silently changed
    finally:
        z.close()
