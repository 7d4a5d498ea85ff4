"""Published versions, end to end: the example listing through every double (arXiv, HF, Semantic Scholar,
Crossref, DBLP) over the SYNTHETIC published-version corpus (bibkit/testing/corpus/published.json).

The hard rule is precision: no preprint is ever cited at a publication that is not its own.  Recall is
every planted publication; the traps (CoRR copies, arXiv's DOI at Semantic Scholar, search hits that are
other papers, workshop versions, renamed papers, records from before the preprint, books, same-title
decoys) must each end the way the corpus says.
"""

from __future__ import annotations

import json

import pytest

from bibkit.outcomes import OutageKind
from bibkit.outcomes import UpgradeStatus
from bibkit.model import PartialDate
from bibkit.normalize.text import normalize_title
from bibkit.testing.server import Reply
from bibkit.testing.dblp import RATE_LIMIT_PAGE
from scholarly_helpers import ALL, doubles, expected_upgrades, run_example, upgrade_of, upgraded


@pytest.fixture(scope="module")
def example_run():
    """One run of the example listing (module-scoped: several tests read it; nothing mutates it)."""
    with doubles() as d:
        doc, result = run_example(d, settings=d.settings(cache_dir=_tmp_cache()))
        counts = {"crossref": len(d.crossref.log), "s2": len(d.s2.log), "dblp": len(d.dblp.log)}
        yield d, doc, result, counts


def _tmp_cache() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="bibkit-upgrade-")


def _by_arxiv(doc, result):
    return {e.ids.arxiv: (e, r) for e, r in zip(doc.entries, result.reports) if e.ids.arxiv}


def test_example_upgrades_every_published_paper_and_nothing_else(example_run):
    d, doc, result, _counts = example_run
    want = expected_upgrades(d.world)
    got = {a: (e, r) for a, (e, r) in _by_arxiv(doc, result).items() if upgraded(e)}
    assert set(got) == set(want), (sorted(set(want) - set(got)), sorted(set(got) - set(want)))
    assert result.totals["upgraded"] == len(want) >= 28  # about a third of the 86 papers
    for arxiv_id, (entry, _report) in got.items():
        pub = want[arxiv_id]
        # the right publication: its DOI, or (venues without DOIs) its year and venue
        if pub.get("doi"):
            assert entry.ids.doi.lower() == pub["doi"].lower(), arxiv_id
        else:
            assert entry.ids.doi is None, arxiv_id  # arXiv's DOI names the preprint, not this publication
        assert entry.year == pub["year"], arxiv_id
        assert entry.entry_type in ("inproceedings", "article"), arxiv_id
        assert (entry.booktitle or entry.journal), arxiv_id
        # the preprint stays findable
        assert entry.ids.arxiv == arxiv_id and entry.primary_class
        # a day of the arXiv posting is not the publication's
        assert entry.date == PartialDate(pub["year"], pub.get("month")), arxiv_id


def test_no_preprint_is_upgraded_wrongly_and_traps_hold(example_run):
    d, doc, result, _counts = example_run
    rows = _by_arxiv(doc, result)
    want = expected_upgrades(d.world)
    for arxiv_id, (entry, _report) in rows.items():
        if arxiv_id in want:
            continue
        assert not upgraded(entry), (arxiv_id, entry.record.upgrade)
        assert entry.entry_type in ("preprint", "misc") or entry.provenance["entry_type"].source == "arxiv", arxiv_id
    # published before the preprint (2022 for a 2023 posting): refused, with the reason
    entry, report = rows["2311.15467"]
    assert entry.entry_type == "preprint"
    assert any("before the preprint" in c["reason"] for c in upgrade_of(entry).candidates)
    # Semantic Scholar claims ICLR, DBLP has only the CoRR copy: not confirmed, not upgraded
    entry, report = rows["2412.13723"]
    assert entry.entry_type == "preprint" and entry.ids.doi == "10.48550/arXiv.2412.13723"
    assert "Semantic Scholar names" in upgrade_of(entry).candidates[0]["reason"]
    # a book with the paper's title is no version of the paper
    assert rows["2503.14293"][0].entry_type == "preprint"
    # Semantic Scholar's "DOI" for arXiv-only papers is arXiv's own: never a venue
    for arxiv_id in d.world.data["s2_arxiv_doi"]:
        assert rows[arxiv_id][0].entry_type == "preprint"
        assert rows[arxiv_id][0].ids.doi == f"10.48550/arXiv.{arxiv_id}"


def test_workshop_version_loses_to_the_main_conference(example_run):
    _d, doc, result, _counts = example_run
    entry, report = _by_arxiv(doc, result)["2306.09307"]
    assert entry.booktitle == "International Conference on Learning Representations" and entry.year == 2023
    assert "workshop" not in (entry.booktitle or "").lower()


def test_renamed_papers_are_cited_under_their_published_title(example_run):
    _d, doc, result, _counts = example_run
    rows = _by_arxiv(doc, result)
    # with a DOI: Semantic Scholar and the publisher's has-preprint relation both name it
    entry, report = rows["2410.14595"]
    assert upgrade_of(entry).renamed and entry.title.startswith("Are We Making Progress?")
    assert (upgrade_of(entry).preprint_title or "").startswith("Medical Adaptation")
    assert {"s2", "crossref-relation"} <= set(upgrade_of(entry).found_by)
    # without a DOI: Semantic Scholar knows the new title, DBLP has the ICLR record under it
    entry, report = rows["2402.13634"]
    assert upgrade_of(entry).renamed and entry.title.startswith("Knowledge Card")
    assert entry.booktitle == "International Conference on Learning Representations" and entry.year == 2024
    # the paper is the same: its abstract stays, and is written (the published title does not orphan it)
    from bibkit.model import Document
    from bibkit.writers import write

    for arxiv_id in ("2402.13634", "2410.14595"):
        renamed = rows[arxiv_id][0]
        assert renamed.abstract and "abstract = {" in write(Document([renamed]), "bibtex"), arxiv_id


def test_same_title_same_author_decoys_are_told_apart(example_run):
    _d, doc, result, _counts = example_run
    rows = _by_arxiv(doc, result)
    assert rows["2304.09160"][0].ids.doi == "10.1145/3704435"  # not the decoy's Frontiers article
    assert rows["2302.05590"][0].booktitle == "Conference on Health, Inference, and Learning"


def test_every_field_set_carries_source_and_confidence(example_run):
    _d, doc, result, _counts = example_run
    for entry, report in zip(doc.entries, result.reports):
        if not upgraded(entry):
            continue
        upgrade_sources = {"crossref", "dblp", "s2"}
        set_here = {k: v for k, v in report.fields_set.items() if v.get("source") in upgrade_sources}
        assert "date" in set_here  # the publication's year replaces the preprint's date
        # the venue: set now, or already what arXiv's own journal reference said (then left as it was)
        for name in ("entry_type", "booktitle" if entry.booktitle else "journal"):
            assert name in set_here or entry.provenance[name].source == "arxiv", name
        for name, info in set_here.items():
            assert 0 < info["confidence"] <= 1, name
            if name in ("entry_type", "booktitle", "journal", "date"):
                assert entry.provenance[name].source == info["source"]
        up = upgrade_of(entry)
        assert up.source in upgrade_sources and (up.confidence or 0) >= 0.85 and up.found_by
        json.dumps(report.as_dict())  # the --report JSON holds them
        assert json.loads(json.dumps(up.as_dict()))["source"] == up.source


def test_requests_are_batched(example_run):
    _d, doc, result, counts = example_run
    n = len(doc.entries)
    reqs = result.requests
    assert reqs["s2"] == 1  # 84 arXiv papers: one POST /paper/batch
    # a per-entry chain would need one Crossref + one DBLP + one S2 request per paper
    per_entry_chain = 3 * n
    total = reqs["s2"] + reqs["crossref"] + reqs["dblp"]
    assert total <= per_entry_chain // 3
    # at most one request for each paper the batch sources could not settle
    settled_by_batch = sum(1 for e in doc.entries if upgraded(e)
                           and not set(upgrade_of(e).found_by) & {"crossref-search", "dblp-search"})
    batches = 1 + 3 + 1  # S2, Crossref relations (40 DOIs each), Crossref DOI batch
    assert total <= batches + (84 - settled_by_batch)
    assert counts == {"crossref": reqs["crossref"], "s2": reqs["s2"], "dblp": reqs["dblp"]}


def test_second_run_is_answered_from_the_cache(tmp_path):
    with doubles() as d:
        settings = d.settings(cache_dir=str(tmp_path / "cache"))
        doc1, first = run_example(d, settings=settings)
        d.reset_logs()
        doc2, second = run_example(d, settings=settings)
        assert {s: n for s, n in second.requests.items() if n} == {}
        assert not d.crossref.log and not d.s2.log and not d.dblp.log
        assert second.totals["upgraded"] == first.totals["upgraded"]
        assert [e.booktitle or e.journal for e in doc1.entries] == [e.booktitle or e.journal for e in doc2.entries]
        # offline, too
        doc3, third = run_example(d, settings=settings, offline=True)
        assert third.totals["upgraded"] == first.totals["upgraded"]


def test_prefer_preprint_reports_but_keeps_citing_the_preprint(tmp_path):
    with doubles() as d:
        doc, result = run_example(d, settings=d.settings(cache_dir=str(tmp_path)), prefer="preprint")
    rows = _by_arxiv(doc, result)
    assert result.totals["upgraded"] == 0 and result.totals["published_found"] == len(expected_upgrades(d.world))
    for arxiv_id in expected_upgrades(d.world):
        entry, report = rows[arxiv_id]
        assert entry.entry_type == "preprint" and not entry.booktitle and not entry.journal, arxiv_id
        assert entry.ids.doi == f"10.48550/arXiv.{arxiv_id}"
        assert upgrade_of(entry).status is UpgradeStatus.FOUND and upgrade_of(entry).venue


def test_no_upgrade_asks_no_published_version_service(tmp_path):
    with doubles() as d:
        doc, result = run_example(d, settings=d.settings(cache_dir=str(tmp_path)), upgrade=False)
        assert not d.s2.log and not d.dblp.log and not d.crossref.log
    assert result.totals["upgraded"] == 0
    # exactly as before this stage existed: arXiv's own journal DOIs still make those five published
    assert sum(1 for e in doc.entries if e.entry_type == "preprint") == 84 - 5


def test_venue_style_short(tmp_path):
    with doubles() as d:
        doc, _result = run_example(d, settings=d.settings(cache_dir=str(tmp_path)), venue_style="short")
    rows = {e.ids.arxiv: e for e in doc.entries}
    assert rows["2409.03513"].booktitle == "ICLR"
    assert rows["2402.13357"].booktitle == "EMNLP"
    assert rows["2406.19378"].booktitle == "Findings of EMNLP"
    assert rows["2407.10530"].journal == "Nat. Commun."
    assert rows["2206.00484"].journal == "TMLR"


def test_only_crossref_uses_no_other_service(tmp_path):
    with doubles() as d:
        doc, result = run_example(d, only=("arxiv", "hf", "crossref"), settings=d.settings(cache_dir=str(tmp_path)))
        assert not d.s2.log and not d.dblp.log
    up = {e.ids.arxiv for e in doc.entries if upgraded(e)}
    assert up and up <= set(expected_upgrades(d.world))
    # what only DBLP can confirm (ICLR, ICML, NeurIPS…) is not upgraded without it
    assert "2409.03513" not in up


@pytest.mark.parametrize("down", ["s2", "crossref", "dblp"])
def test_a_service_that_is_down_is_skipped_and_reported_once(down, tmp_path):
    with doubles() as d:
        closed = {"s2": {"s2_url": "http://127.0.0.1:9/graph/v1"}, "crossref": {"crossref_url": "http://127.0.0.1:9"},
                  "dblp": {"dblp_url": "http://127.0.0.1:9"}}[down]
        doc, result = run_example(d, settings=d.settings(cache_dir=str(tmp_path), **closed))
    # one outage of that service, decided from the value (the notice is only its rendering)
    assert [str(o.service) for o in result.outages] == [down] and not result.network_ok
    assert len([n for n in result.notices if n.outage is not None]) == 1
    assert result.stats[down]["requests"] <= 2  # one quick retry, then no more
    wrong = [e.ids.arxiv for e in doc.entries if upgraded(e) and e.ids.arxiv not in expected_upgrades(d.world)]
    assert wrong == []
    assert result.totals["upgraded"] > 0


def test_dblp_429_html_is_retried_and_a_persistent_one_stops_only_dblp(tmp_path):
    with doubles() as d:
        d.dblp.faults = [d.dblp.too_many()]
        slept: list[float] = []
        from bibkit.http import HttpLayer

        settings = d.settings(cache_dir=str(tmp_path / "a"))
        with HttpLayer(settings, sleep=slept.append) as layer:
            doc, result = run_example(d, settings=settings, http=layer)
        assert result.stats["dblp"]["retries"] == 1 and slept
        assert "2409.03513" in {e.ids.arxiv for e in doc.entries if upgraded(e)}
        # DBLP answering 429 pages to every attempt: reported once as a rate limit, the run goes on
        d.dblp.faults = [Reply.text(RATE_LIMIT_PAGE, 429, content_type="text/html")] * 10
        settings = d.settings(cache_dir=str(tmp_path / "b"))
        with HttpLayer(settings, sleep=lambda s: None) as layer:
            doc, result = run_example(d, settings=settings, http=layer)
        assert [(o.service, o.kind) for o in result.outages] == [("dblp", OutageKind.RATE_LIMITED)]
        assert not result.network_ok
        assert result.stats["dblp"]["requests"] == 3  # the policy's attempts, then DBLP is skipped
        assert result.totals["upgraded"] >= 15  # everything the batch sources and Crossref settle


def test_bib_input_pinned_venues_win_and_arxiv_style_entries_upgrade(tmp_path):
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@misc{dolma,\n  title = {Dolma: an Open Corpus of Three Trillion Tokens for Language Model Pretraining Research},\n"
        "  author = {Soldaini, Luca and Kinney, Rodney and Bhagia, Akshita},\n  year = {2024},\n"
        "  eprint = {2402.03660},\n  archivePrefix = {arXiv},\n  doi = {10.48550/ARXIV.2402.03660},\n"
        "  publisher = {arXiv},\n}\n\n"
        "@article{deepseek,\n  title = {DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models},\n"
        "  author = {Dai, Damai and Deng, Chengqi},\n  journal = {arXiv preprint arXiv:2401.15835},\n  year = {2024},\n}\n\n"
        "@inproceedings{mine,\n  title = {Specialist or Generalist? Instruction Tuning for Specific NLP Tasks},\n"
        "  author = {Rossi, Sofía and Huang, Seo-yeon},\n  booktitle = {My Favourite Workshop},\n  year = {2024},\n"
        "  eprint = {2407.17476},\n}\n\n"
        "@misc{plain,\n  title = {SUPER: Evaluating Agents on Setting Up and Executing Tasks from Research Repositories},\n"
        "}\n", encoding="utf-8")
    with doubles() as d:
        doc, result = run_example(d, path=bib, settings=d.settings(cache_dir=str(tmp_path / "c")))
    by_key = {e.key: (e, upgrade_of(e)) for e in doc.entries}
    dolma, rep = by_key["dolma"]
    assert rep.status is UpgradeStatus.UPGRADED and dolma.entry_type == "inproceedings"
    assert dolma.ids.doi == "10.18653/v1/2024.acl-long.840" and dolma.publisher == "Association for Computational Linguistics"
    deepseek, rep = by_key["deepseek"]
    assert rep.status is UpgradeStatus.UPGRADED and deepseek.journal is None and deepseek.booktitle
    mine, rep = by_key["mine"]
    assert rep.status is UpgradeStatus.PINNED and mine.booktitle == "My Favourite Workshop"
    # an entry without any arXiv field is the user's @misc: the publication is reported, not applied
    plain, rep = by_key["plain"]
    assert rep.status is UpgradeStatus.FOUND and "no arXiv field" in (rep.kept or "")
    assert plain.entry_type == "misc" and rep.doi == "10.18653/v1/2024.emnlp-main.702"
    # the written .bib: the upgraded entries changed type, the pinned one is as the user wrote it
    from bibkit.writers import write

    text = write(doc, "bibtex")
    assert "@inproceedings{dolma," in text and "arXiv preprint" not in text and "publisher = {arXiv}" not in text
    assert "booktitle = {My Favourite Workshop}" in text
    assert "eprint = {2402.03660}" in text


def test_openalex_is_used_only_with_a_key(tmp_path):
    with doubles() as d:
        run_example(d, settings=d.settings(cache_dir=str(tmp_path / "a")), only=ALL + ("openalex",))
        assert not d.openalex.log
        d.reset_logs()
        doc, result = run_example(d, settings=d.settings(cache_dir=str(tmp_path / "b"), openalex_api_key="oa-secret-key"),
                                  only=ALL + ("openalex",))
        assert len(d.openalex.log) == 2  # 84 arXiv DOIs, 50 a request
        assert all(r.arg("api_key") == "oa-secret-key" for r in d.openalex.log)
    assert result.totals["upgraded"] == len(expected_upgrades(d.world))
    assert "oa-secret-key" not in json.dumps(result.as_dict())
    cache = (tmp_path / "b" / "http.sqlite").read_bytes()
    assert b"oa-secret-key" not in cache


def test_s2_key_is_sent_in_a_header_and_never_stored_or_reported(tmp_path):
    with doubles() as d:
        d.s2.keys = {"s2-secret-key"}
        doc, result = run_example(d, settings=d.settings(cache_dir=str(tmp_path), s2_api_key="s2-secret-key"))
        assert d.s2.log[0].header("x-api-key") == "s2-secret-key"
        assert result.totals["upgraded"] == len(expected_upgrades(d.world))
        # a wrong key: S2 answers 403, said once, and the run goes on without it
        d.reset_logs()
        doc, result = run_example(d, settings=d.settings(cache_dir=str(tmp_path / "x"), s2_api_key="wrong"))
        assert [(o.service, o.kind) for o in result.outages] == [("s2", OutageKind.REFUSED)]
        assert not result.network_ok  # a refused key is a failed service: --strict exits 4
        assert any("Semantic Scholar is refusing" in n and "S2_API_KEY" in n for n in result.notices)
        assert len(d.s2.log) == 1
    assert b"s2-secret-key" not in (tmp_path / "http.sqlite").read_bytes()
    assert "secret" not in json.dumps(result.as_dict())


def test_renamed_title_is_not_trusted_from_a_search_alone(tmp_path):
    """A Crossref search hit with another title, the same authors and no identifier link is refused."""
    with doubles() as d:
        pub = next(p for p in d.world.publications if p["arxiv"] == "2406.19378")
        pub["title"] = "Null Experts Make Routing Adaptive"  # renamed, found only by search: not enough
        doc, result = run_example(d, settings=d.settings(cache_dir=str(tmp_path)))
    entry, report = _by_arxiv(doc, result)["2406.19378"]
    # the abstract is the same text, which is what lets a renamed paper through
    assert upgraded(entry) and upgrade_of(entry).renamed
    with doubles() as d:
        pub = next(p for p in d.world.publications if p["arxiv"] == "2406.19378")
        pub["title"], pub["abstract"] = "Null Experts Make Routing Adaptive", None
        doc, result = run_example(d, settings=d.settings(cache_dir=str(tmp_path / "b")))
    entry, report = _by_arxiv(doc, result)["2406.19378"]
    assert not upgraded(entry) and entry.entry_type == "preprint"
    assert normalize_title(entry.title).startswith("adamoe")
