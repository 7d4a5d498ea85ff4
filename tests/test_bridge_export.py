"""zotero_bridge.export_collection / list_collections against the Zotero double.

export → sync → export must be stable, the exported .bib must round-trip through
bibkit's reader and compile with real BibTeX and biber (tests/texutil.py).
"""

from __future__ import annotations

import pytest

from bibkit.sources import bibfile
from zotero_bridge import export_collection, list_collections, sync
from zotero_bridge.testing import FakeZotero
from zotero_bridge.transport import LocalApiDisabled, ZoteroError

from texutil import compile_biber, compile_bibtex
from zotero_helpers import VERSIONS, arxiv_paper, fake_zotero, listing_entries, settings_for, with_repo  # noqa: F401 (fixture)

COLL = "Reading/MoE"


@pytest.fixture(scope="module")
def listing():
    return listing_entries()


def synced_zotero(version: str, entries, monkeypatch, **kw) -> tuple[FakeZotero, object]:
    z = FakeZotero(version=version, **kw).start()
    if version != "10":
        z.add_collection(COLL)
    settings = settings_for(z, monkeypatch)
    result = sync(entries, COLL, tags=["hf-trending"], settings=settings)
    assert result.complete, result.problems
    return z, settings


def sample(listing):
    papers = [with_repo(arxiv_paper(1), "deepseek-ai/DeepSeek-MoE"), arxiv_paper(2)]
    published = arxiv_paper(3, entry_type="article", journal="Nature Machine Intelligence", volume="6", number="2",
                            pages="100--110")
    published.ids.doi = "10.1038/s42256-024-00001-x"
    return listing[:20] + papers + [published]


@pytest.mark.parametrize("version", VERSIONS)
def test_export_round_trips_the_synced_entries(version, listing, monkeypatch):
    entries = sample(listing)
    z, settings = synced_zotero(version, entries, monkeypatch)
    try:
        result = export_collection(COLL, settings=settings)
        assert not result.native and len(result.entries) == len(entries) and not result.problems
        back = {e.key: e for e in bibfile.read(result.text, "export.bib").entries}
        assert set(back) == {e.key for e in entries}
        for entry in entries:
            got = back[entry.key]
            assert got.title == entry.title
            assert got.abstract == entry.abstract
            assert got.authors == entry.authors
            assert (got.ids.arxiv, got.primary_class) == (entry.ids.arxiv, entry.primary_class)
            assert got.ids.doi == entry.ids.doi
            assert set(got.tags) == set(entry.tags) | {"hf-trending"}
            assert (got.code_repo.target if got.code_repo else None) == (entry.code_repo.target if entry.code_repo else None)
        assert back["dai2024paper3"].journal == "Nature Machine Intelligence"
        assert back["dai2024paper3"].entry_type == "article"
    finally:
        z.close()


@pytest.mark.parametrize("version", ["8", "10"])
def test_export_sync_export_is_stable(version, listing, monkeypatch, tmp_path):
    z, settings = synced_zotero(version, sample(listing), monkeypatch)
    try:
        first = export_collection(COLL, settings=settings).text
        (tmp_path / "first.bib").write_text(first, encoding="utf-8")
        writes = len(z.write_requests())
        again = sync(bibfile.read(first, "first.bib").entries, COLL, tags=["hf-trending"], settings=settings)
        assert again.counts() == {"unchanged": len(sample(listing))}, again.problems
        assert len(z.write_requests()) == writes
        assert export_collection(COLL, settings=settings).text == first
    finally:
        z.close()


def test_exported_bib_compiles_with_bibtex_and_biber(listing, monkeypatch, tmp_path):
    entries = sample(listing)
    z, settings = synced_zotero("10", entries, monkeypatch)
    try:
        bib = export_collection(COLL, settings=settings).text
        no_year = {e.key for e in entries if not e.date}
        natbib = compile_bibtex(bib, tmp_path / "bibtex")
        assert natbib.errors == []
        assert natbib.unexpected_warnings(empty_year_keys=no_year) == []
        assert "mixture of experts paper 1" in natbib.flat_text.lower()  # plainnat sets titles in sentence case
        biber = compile_biber(export_collection(COLL, to="biblatex", settings=settings).text, tmp_path / "biber")
        assert biber.errors == [] and biber.unexpected_warnings() == []
        assert "Mixture of Experts Paper 1" in biber.flat_text
    finally:
        z.close()


def test_recursive_native_and_user_items_without_keys(monkeypatch):
    z, settings = synced_zotero("10", [arxiv_paper(1)], monkeypatch)
    try:
        z.add_collection(COLL + "/Deep")
        z.add_item({"itemType": "journalArticle", "title": "A User's Own Article", "date": "2019",
                    "creators": [{"creatorType": "author", "firstName": "Ada", "lastName": "Lovelace"}],
                    "publicationTitle": "J"}, collections=[COLL + "/Deep"])
        flat = export_collection(COLL, settings=settings)
        assert [e.key for e in flat.entries] == ["dai2024paper1"]
        deep = export_collection(COLL, recursive=True, settings=settings)
        assert len(deep.entries) == 2 and len(deep.collection_keys) == 2
        own = next(e for e in deep.entries if e.title == "A User's Own Article")
        assert own.key and own.key.startswith("lovelace")  # a key generated by bibkit's formula
        assert any("no citation key in Zotero" in p for p in deep.problems)
        native = export_collection(COLL, recursive=True, native=True, settings=settings)
        assert native.native and "dai2024paper1" in native.text and "@article" in native.text
    finally:
        z.close()


def test_collections_listing(monkeypatch):
    z, settings = synced_zotero("9", [arxiv_paper(1), arxiv_paper(2)], monkeypatch)
    try:
        z.add_collection("Archive")
        infos = {c.path: c for c in list_collections(settings)}
        assert list(infos) == ["Archive", "Reading", "Reading/MoE"]
        assert infos["Reading/MoE"].items == 2 and infos["Reading"].subcollections == 1
    finally:
        z.close()


def test_export_needs_the_local_api_and_an_existing_collection(fake_zotero):
    z, settings = fake_zotero("9", local_api=False)
    with pytest.raises(LocalApiDisabled, match="Settings → Advanced"):
        export_collection(COLL, settings=settings)
    z.local_api_enabled = True
    z.add_collection("Reading")
    with pytest.raises(ZoteroError, match=r"no collection 'Reading/MoE' in Zotero \(collections: Reading\)"):
        export_collection(COLL, settings=settings)
