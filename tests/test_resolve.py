"""The resolution chain end to end against the arXiv and HF doubles (synthetic corpus, real HTTP).

Precision first: no test here may ever see a wrong arXiv id written into an entry.
"""

from __future__ import annotations

import pytest

from bibkit.config import load_settings
from bibkit.enrich import Progress, enrich_document
from bibkit.http import HttpLayer
from bibkit.model import BibOrigin, Document, Entry, LinkKind, PartialDate, Person
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.hf import HfDouble
from bibkit.testing.server import Reply

BOTH = ("arxiv", "hf")


@pytest.fixture()
def corpus():
    return load_corpus()


@pytest.fixture()
def services(corpus):
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf:
        yield ax, hf


def settings_for(services, **kw):
    ax, hf = services
    return load_settings(arxiv_url=ax.api_url, hf_url=hf.url, **kw)


def run(services, entries, only=BOTH, **kw):
    doc = Document(blocks=list(entries))
    result = enrich_document(doc, settings_for(services), only=only, **kw)
    return doc, result


def paper(corpus, title_start):
    return next(p for p in corpus.papers if p.title.startswith(title_start) or p.versions[0].title.startswith(title_start))


def item(corpus, title_start):
    return next(i for i in corpus.listing if i.title.startswith(title_start))


def listing_entry(corpus, title_start, *, abstract=True):
    it = item(corpus, title_start)
    return Entry(title=it.title, abstract=it.abstract if abstract else None)


def wrong_ids(corpus, doc, result):
    expected = {i.title: i.expect for i in corpus.listing}
    return [(r.listing_title, r.arxiv_id, expected.get(r.listing_title))
            for e, r in zip(doc.entries, result.reports)
            if e.ids.arxiv is not None and e.ids.arxiv != expected.get(r.listing_title)]


def arxiv_requests(ax):
    return len(ax.requests_to("/api/query"))


# --------------------------------------------------------------------------- the whole listing


def test_whole_listing_precision_recall_and_batching(services, corpus):
    ax, hf = services
    doc, result = run(services, corpus.listing_entries())
    assert wrong_ids(corpus, doc, result) == []  # precision 100 %: never a wrong id
    resolvable = {i.title for i in corpus.listing if i.expect}
    resolved = {r.listing_title for r in result.reports if r.status == "resolved"}
    assert resolved == resolvable  # recall 84/84 on this corpus
    for e, r in zip(doc.entries, result.reports):
        if r.status != "resolved":
            assert e.ids.arxiv is None and r.arxiv_id is None and r.reason
    assert set(result.totals["by_step"]) == {"hf-search", "arxiv-title", "arxiv-abstract"}
    assert arxiv_requests(ax) <= len(doc) // 10  # batched: at most one arXiv request per 10 entries
    assert result.requests["arxiv"] == arxiv_requests(ax)
    assert result.network_ok and result.notices == []


def test_whole_listing_arxiv_only_is_still_never_wrong(services, corpus):
    ax, hf = services
    doc, result = run(services, corpus.listing_entries(), only=("arxiv",))
    assert wrong_ids(corpus, doc, result) == []
    assert result.totals["resolved"] == sum(1 for i in corpus.listing if i.expect)
    assert hf.log == []
    assert arxiv_requests(ax) <= 12  # 86 titles in batches of 10, then abstracts in batches of 8


def test_corpus_defeats_the_naive_first_result_strategy(services, corpus):
    """Taking the first hit of a title query would be wrong for several listing entries."""
    ax, hf = services
    from bibkit.enrich.arxiv import ArxivClient
    from bibkit.enrich.query import title_clause

    with HttpLayer(settings_for(services)) as layer:
        client = ArxivClient(layer)
        wrong = []
        for it in corpus.listing:
            hits = client.search(title_clause(it.title) or "", max_results=1)
            if hits and hits[0].arxiv_id != it.expect:
                wrong.append(it.title)
    assert len(wrong) >= 3, wrong


# --------------------------------------------------------------------------- each step


def test_step_input_uses_the_records_own_id_and_fills_every_field(services):
    e = Entry()
    e.set_id("arxiv", "hep-th/9901001", "ids")
    f = Entry()
    f.set_id("arxiv", "math/0611800", "ids")
    f.ids.arxiv_version = 1
    doc, result = run(services, [e, f])
    rep = result.reports[0]
    assert (rep.status, rep.resolved_by, rep.arxiv_id, rep.confidence) == ("resolved", "input", "hep-th/9901001", 1.0)
    assert e.title == "Holography and the Large N Limit of Gauge Theories: A Toy Model"
    assert [p.display() for p in e.authors] == ["Juan Pérez", "Hiroshi Ōshima"]
    assert e.date == PartialDate(1999, 1, 4)  # the first version's date, not the update's
    assert e.ids.doi == "10.1016/S0550-3213(99)00123-4"  # arXiv knows a journal DOI: published
    assert (e.entry_type, e.journal, e.volume, e.pages) == ("article", "Nucl. Phys. B", "550", "123–145")
    assert e.url == "https://arxiv.org/abs/hep-th/9901001" and e.primary_class == "hep-th"
    assert e.meta["journal_ref"] == "Nucl. Phys. B 550 (1999) 123-145"
    assert e.provenance["authors"].source == "arxiv"
    assert rep.fields_set["authors"]["source"] == "arxiv" and rep.fields_set["ids.doi"]["source"] == "arxiv"
    assert (f.entry_type, f.ids.doi) == ("preprint", "10.48550/arXiv.math/0611800")
    assert f.categories == ["math.CA", "math.CV"]
    assert e.key and e.key.startswith("perez")  # keys recomputed now that authors and year are known


def test_step_identifier_verifies_ids_found_in_text(services, corpus):
    own = paper(corpus, "Large Motion Model")
    cited = paper(corpus, "Dolma")
    it = item(corpus, "Large Motion Model")
    mentions_own = Entry(title=it.title, abstract=it.abstract + f" Paper: https://arxiv.org/abs/{own.id}v1.")
    other = item(corpus, "Platypus")
    cites_other = Entry(title=other.title, abstract=other.abstract + f" We train on Dolma (arXiv:{cited.id}).")
    doc, result = run(services, [mentions_own, cites_other])
    a, b = result.reports
    assert (a.status, a.resolved_by, a.arxiv_id) == ("resolved", "identifier", own.id)
    assert (b.status, b.resolved_by, b.arxiv_id) == ("resolved", "hf-search", other.expect)
    assert cites_other.ids.arxiv == other.expect != cited.id  # the cited paper's id was verified and refused
    assert any(c.arxiv_id == cited.id and c.score < 0.5 for c in b.candidates)


def test_step_hf_search_sees_past_decoys_and_keeps_hf_extras(services, corpus):
    e = listing_entry(corpus, "Qwen2.5 Technical Report")
    doc, result = run(services, [e])
    (rep,) = result.reports
    assert (rep.status, rep.resolved_by) == ("resolved", "hf-search")
    assert e.ids.arxiv == item(corpus, "Qwen2.5 Technical Report").expect
    assert e.authors[0] == Person(literal="Qwen") and e.authors[1].family == "Yang"
    repo = e.code_repo
    assert repo is not None and repo.target == "QwenLM/Qwen2.5" and repo.evidence == "hf-githubRepo"
    assert [l.url.rstrip("/") for l in e.links if l.kind is LinkKind.PROJECT] == ["https://qwenlm.github.io/blog/qwen2.5"]
    assert e.meta.get("ai_keywords") == next(h for h in corpus.hf if h["id"] == e.ids.arxiv)["ai_keywords"]
    assert e.ids.hf_paper == e.ids.arxiv
    # HF listed the Coder and Math reports first; they are reported, scored, and refused
    decoys = {c.title: c for c in rep.candidates if c.arxiv_id != e.ids.arxiv}
    assert decoys and all(c.score < 0.85 for c in decoys.values())


def test_step_arxiv_title_when_hf_knows_only_the_neighbours(services, corpus):
    e = listing_entry(corpus, "Octopus v4")
    doc, result = run(services, [e])
    (rep,) = result.reports
    assert (rep.status, rep.resolved_by, e.ids.arxiv) == ("resolved", "arxiv-title", item(corpus, "Octopus v4").expect)
    refused = [c for c in rep.candidates if c.title.startswith("Octopus v") and c.arxiv_id != e.ids.arxiv]
    assert refused and all(c.source == "hf-search" for c in refused)


def test_step_arxiv_abstract_finds_a_renamed_paper(services, corpus):
    it = item(corpus, "Hecate")
    e = listing_entry(corpus, "Hecate")
    doc, result = run(services, [e])
    (rep,) = result.reports
    assert (rep.status, rep.resolved_by, e.ids.arxiv) == ("resolved", "arxiv-abstract", it.expect)
    assert e.title.startswith("FSSDP:")  # arXiv's current title
    assert e.meta["listing_title"] == rep.listing_title == it.title  # the listing's title is kept
    queries = [q.get("search_query", "") for q in services[0].queries()]
    assert any(q.startswith('ti:"hecate') for q in queries) and any("abs:" in q for q in queries)


def test_special_characters_in_titles_survive_query_building(services, corpus):
    titles = ["BAM! Just Like That", "Can LLMs Generate Novel Research Ideas?", "Unchosen Experts Can Contribute",
              "Rare Disease Differential Diagnosis", "The Ultimate Guide to Fine-Tuning", "SUPER: Evaluating Agents"]
    entries = [listing_entry(corpus, t, abstract=False) for t in titles]  # titles alone: only ti: can find them
    doc, result = run(services, entries, only=("arxiv",))
    assert [r.resolved_by for r in result.reports] == ["arxiv-title"] * len(titles)
    assert [e.ids.arxiv for e in entries] == [item(corpus, t).expect for t in titles]
    (query,) = [q["search_query"] for q in services[0].queries()]
    assert "100 nlp researchers" in query and "wilson's disease" in query and "bam just like that" in query
    assert ":" not in query.replace("ti:", "") and "?" not in query and "!" not in query and "+" not in query


# --------------------------------------------------------------------------- the ambiguity guard


def test_same_title_twins_without_abstract_are_ambiguous_and_nothing_is_written(services, corpus):
    e = Entry(title="Tool Learning with Foundation Models")
    doc, result = run(services, [e])
    (rep,) = result.reports
    assert rep.status == "ambiguous" and "none stands out" in (rep.reason or "")
    assert e.ids.arxiv is None and rep.arxiv_id is None and e.authors == [] and e.date is None
    twins = {p.id for p in corpus.papers if p.title == "Tool Learning with Foundation Models"}
    assert len(twins) == 2 and twins <= {c.arxiv_id for c in rep.candidates}
    assert all(c.scores["title"] == 1.0 for c in rep.candidates if c.arxiv_id in twins)


def test_the_abstract_tells_same_title_papers_apart(services, corpus):
    e = listing_entry(corpus, "Tool Learning with Foundation Models")
    doc, result = run(services, [e])
    assert (result.reports[0].status, e.ids.arxiv) == ("resolved", item(corpus, "Tool Learning").expect)


def test_a_same_title_paper_that_is_not_the_one_is_refused(services, corpus):
    e = listing_entry(corpus, "Evaluation of Language Models in the Medical Context")
    doc, result = run(services, [e])
    (rep,) = result.reports
    assert rep.status == "ambiguous" and e.ids.arxiv is None
    twin = paper(corpus, "Evaluation of Language Models in the Medical Context")
    assert rep.candidates[0].arxiv_id == twin.id and rep.candidates[0].scores["title"] == 1.0
    assert rep.candidates[0].scores["abstract"] < 0.5


@pytest.mark.parametrize("with_abstract", [True, False])
def test_near_misses_never_pass_when_the_paper_itself_is_missing(corpus, with_abstract):
    """With the real Qwen2.5 report gone, Qwen2.5-Coder, Qwen2.5-Math and Qwen2 must not stand in for it."""
    true_id = item(corpus, "Qwen2.5 Technical Report").expect
    corpus.papers = [p for p in corpus.papers if p.id != true_id]
    corpus.hf = [h for h in corpus.hf if h["id"] != true_id]
    with ArxivDouble(corpus) as ax, HfDouble(corpus) as hf:
        e = listing_entry(corpus, "Qwen2.5 Technical Report", abstract=with_abstract)
        doc, result = run((ax, hf), [e])
    (rep,) = result.reports
    assert rep.status != "resolved" and e.ids.arxiv is None and e.authors == []
    titles = {c.title for c in rep.candidates}
    assert titles & {"Qwen2.5-Coder Technical Report", "Qwen2 Technical Report",
                     "Qwen2.5-Math Technical Report: Toward Mathematical Expert Model via Self-Improvement"}


def test_surveys_sharing_a_title_prefix_are_not_confused(services, corpus):
    """"A Survey on Mixture of Experts" starts three arXiv titles; the paper itself was renamed since."""
    truth = item(corpus, "A Survey on Mixture of Experts").expect
    e = Entry(title="A Survey on Mixture of Experts")
    doc, result = run(services, [e], only=("arxiv",))  # title alone, arXiv alone: no title is close enough
    assert e.ids.arxiv is None and result.reports[0].status in ("ambiguous", "unresolved")
    assert {c.arxiv_id for c in result.reports[0].candidates} >= {truth}
    e = Entry(title="A Survey on Mixture of Experts")
    doc, result = run(services, [e])  # HF still lists it under that exact title, and no twin exists
    assert e.ids.arxiv == truth and result.reports[0].confidence == pytest.approx(0.9)
    e = listing_entry(corpus, "A Survey on Mixture of Experts")
    doc, result = run(services, [e], only=("arxiv",))  # with its abstract, arXiv alone finds it too
    assert e.ids.arxiv == truth and result.reports[0].resolved_by == "arxiv-title"  # phrase found, abstract agreed
    assert e.title == "A Survey on Mixture of Experts in Large Language Models"


def test_a_users_id_pointing_at_another_paper_is_flagged_not_applied(services, corpus):
    dolma = paper(corpus, "Dolma")
    e = Entry(title="Qwen2.5 Technical Report", authors=[Person(literal="Qwen")])
    e.set_id("arxiv", dolma.id, "bib")
    unknown = Entry(title="Something")
    unknown.set_id("arxiv", "2412.99999", "ids")
    doc, result = run(services, [e, unknown])
    rep, rep2 = result.reports
    assert rep.status == "ambiguous" and "does not match" in (rep.reason or "")
    assert e.title == "Qwen2.5 Technical Report" and e.authors == [Person(literal="Qwen")] and e.date is None
    assert any(p.code == "arxiv-id-mismatch" for p in e.problems)
    assert rep2.status == "unresolved" and "2412.99999" in (rep2.reason or "")
    assert any(p.code == "unknown-arxiv-id" for p in unknown.problems)


def test_a_users_id_for_a_paper_cited_without_its_subtitle_is_applied(services, corpus):
    """References often cite "Main Title" for "Main Title: Subtitle"; beside the paper's own id that is the paper
    (found by a QA paste: a Harvard reference with its arXiv URL came out ambiguous).  The same short title beside
    another paper's id is still flagged."""
    guide = paper(corpus, "The Ultimate Guide to Fine-Tuning LLMs")
    main = "The Ultimate Guide to Fine-Tuning LLMs from Basics to Breakthroughs"
    assert guide.title.startswith(main + ": ")
    cited = Entry(title=main)
    cited.set_id("arxiv", guide.id, "listing")
    ref = Entry(title=main.lower().capitalize())
    ref.meta["reference"] = (f"Öztürk, M. et al. (2023) '{ref.title}', arXiv [Preprint]. Available at: "
                             f"https://arxiv.org/abs/{guide.id} (Accessed: 3 January 2025).")
    ref.meta["listing_kind"] = "reference"
    ref.set_id("arxiv", guide.id, "listing")
    beyond = paper(corpus, "Beyond the Imitation Game")
    short = Entry(title="Beyond the Imitation Game")
    short.set_id("arxiv", beyond.id, "listing")
    wrong = Entry(title=main)
    wrong.set_id("arxiv", paper(corpus, "Dolma").id, "listing")
    doc, result = run(services, [cited, ref, short, wrong])
    for e, rep, full in zip((cited, ref, short), result.reports, (guide.title, guide.title, beyond.title)):
        assert (rep.status, rep.resolved_by) == ("resolved", "input"), rep.reason
        assert e.title == full  # arXiv's title, subtitle and all
    assert result.reports[3].status == "ambiguous" and any(p.code == "arxiv-id-mismatch" for p in wrong.problems)


def test_fields_written_by_the_user_in_a_bib_file_are_kept(services, corpus):
    octo = paper(corpus, "Octopus v4")
    e = Entry(entry_type="misc", key="mine2024", key_pinned=True, title="Octopus v4: graph of LMs",
              authors=[Person(family="Chen", given="W.")], date=PartialDate(2024))
    e.set_id("arxiv", octo.id, "bib")
    e.bib = BibOrigin("misc", fields={"title": "{Octopus v4: graph of {LMs}}", "author": "{Chen, W.}", "year": "2024",
                                      "eprint": octo.id},
                      decoded={"title": e.title, "authors": list(e.authors), "date": e.date})
    doc, result = run(services, [e])
    rep = result.reports[0]
    assert (rep.status, rep.resolved_by) == ("resolved", "input")
    assert e.title == "Octopus v4: graph of LMs" and e.authors == [Person(family="Chen", given="W.")]
    assert e.date == PartialDate(2024) and e.entry_type == "misc" and e.key == "mine2024"
    assert e.abstract == octo.abstract and e.primary_class == octo.categories[0]  # missing fields are filled
    assert e.ids.doi == f"10.48550/arXiv.{octo.id}" and "title" not in rep.fields_set


def test_comment_links_journal_dois_and_venues(services, corpus):
    moe = listing_entry(corpus, "DeepSeekMoE")
    light = listing_entry(corpus, "Lightweight Transformers for Clinical")
    cards = listing_entry(corpus, "Interactive Model Cards")
    doc, result = run(services, [moe, light, cards])
    assert all(r.status == "resolved" for r in result.reports)
    comment = [l for l in moe.links if l.source == "arxiv-comment"]
    assert [l.target for l in comment] == ["deepseek-ai/DeepSeek-MoE"]
    assert (light.entry_type, light.journal, light.volume, light.number, light.pages) == (
        "article", "Natural Language Engineering", "30", "5", "887–914")  # an en dash: the writer's "--"
    assert light.ids.doi == "10.1017/S1351324923000542"
    assert cards.entry_type == "inproceedings" and "FAccT" in (cards.booktitle or "")
    assert moe.entry_type == "preprint" and moe.ids.doi == f"10.48550/arXiv.{moe.ids.arxiv}"


# --------------------------------------------------------------------------- politeness and failure


def test_retries_and_retry_after_during_resolution(services, corpus):
    ax, hf = services
    ax.faults += [Reply.text("Rate exceeded", 429, headers={"Retry-After": "2"}), Reply.text("busy", 503)]
    hf.faults += [Reply.json({"error": "busy"}, 503)]
    slept: list[float] = []
    settings = settings_for(services)
    with HttpLayer(settings, sleep=slept.append) as layer:
        doc = Document(blocks=[listing_entry(corpus, "Octopus v4"), listing_entry(corpus, "Dolma")])
        result = enrich_document(doc, settings, only=BOTH, http=layer)
    assert [r.status for r in result.reports] == ["resolved", "resolved"]
    assert 2.0 in slept
    assert result.stats["arxiv"]["retries"] == 2 and result.stats["hf"]["retries"] == 1
    assert result.network_ok


def test_one_bad_search_batch_is_isolated(services, corpus):
    ax, hf = services
    error = ax.answer({"id_list": "not-an-id"})  # a real 400 error entry
    ax.faults.append(error)
    entries = corpus.listing_entries()[:30]
    doc, result = run(services, entries, only=("arxiv",))
    assert wrong_ids(corpus, doc, result) == []
    assert result.totals["resolved"] == sum(1 for i in corpus.listing[:30] if i.expect)


def test_a_malformed_metadata_batch_does_not_sink_the_run(services, corpus):
    ax, hf = services
    victim = item(corpus, "Dolma").expect
    ax.malformed_ids.add(victim)  # every id_list containing it gets a truncated answer
    doc, result = run(services, corpus.listing_entries())
    assert wrong_ids(corpus, doc, result) == []
    assert result.totals["resolved"] == sum(1 for i in corpus.listing if i.expect)
    dolma = next(r for r in result.reports if r.listing_title.startswith("Dolma"))
    assert dolma.resolved_by == "arxiv-title"  # its HF match could not be confirmed by id; the title search could


def test_second_run_makes_zero_requests(services, corpus):
    ax, hf = services
    doc1, first = run(services, corpus.listing_entries())
    sent = (len(ax.log), len(hf.log))
    doc2, second = run(services, corpus.listing_entries())
    assert (len(ax.log), len(hf.log)) == sent
    assert second.requests == {"arxiv": 0, "hf": 0}
    assert [r.arxiv_id for r in second.reports] == [r.arxiv_id for r in first.reports]
    assert second.stats["arxiv"]["cache_hits"] == first.stats["arxiv"]["requests"]


def test_offline_answers_from_the_cache_only(services, corpus):
    ax, hf = services
    doc, cold = run(services, corpus.listing_entries()[:10], offline=True)
    assert ax.log == [] and hf.log == []
    assert cold.totals["resolved"] == 0 and any("offline" in n for n in cold.notices)
    assert cold.network_ok  # nothing was unreachable: we did not try
    run(services, corpus.listing_entries()[:10])
    sent = (len(ax.log), len(hf.log))
    doc, warm = run(services, corpus.listing_entries()[:10], offline=True)
    assert (len(ax.log), len(hf.log)) == sent
    assert warm.totals["resolved"] == 10 and warm.requests == {"arxiv": 0, "hf": 0}


def test_no_network_is_detected_once_and_entries_are_left_alone(corpus):
    """The conftest points every service at a closed port."""
    entries = corpus.listing_entries()[:20]
    titles = [e.title for e in entries]
    doc = Document(blocks=entries)
    result = enrich_document(doc, only=("arxiv", "hf", "github"))
    assert not result.network_ok
    assert sum(1 for n in result.notices if "unreachable" in n) >= 2
    assert [e.title for e in doc.entries] == titles and all(e.ids.arxiv is None for e in doc.entries)
    assert all(r.status == "unresolved" for r in result.reports)
    assert result.requests["hf"] <= 2 and result.requests["arxiv"] <= 2  # marked down after the first failure


def test_a_rate_limited_arxiv_keeps_the_hf_answers(services, corpus):
    ax, hf = services
    ax.answer = lambda params: Reply.text("Rate exceeded", 429, headers={"Retry-After": "3600"})
    doc, result = run(services, corpus.listing_entries()[:12])
    assert not result.network_ok and any("rate limit" in n for n in result.notices)
    assert arxiv_requests(ax) == 1  # after "wait an hour" nothing more is asked
    hf_known = {h["id"] for h in corpus.hf}
    for e, r in zip(doc.entries, result.reports):
        if r.status == "resolved":
            assert r.resolved_by == "hf-search" and e.ids.arxiv in hf_known
            assert e.provenance["ids.arxiv"].source == "hf"
    assert wrong_ids(corpus, doc, result) == []


def test_only_hf(services, corpus):
    ax, hf = services
    e = listing_entry(corpus, "Dolma")
    own = Entry()
    own.set_id("arxiv", item(corpus, "Granite Code Models").expect, "ids")
    doc, result = run(services, [e, own], only=("hf",))
    assert ax.log == [] and e.ids.arxiv == item(corpus, "Dolma").expect
    assert e.date is not None and e.authors and e.url == f"https://arxiv.org/abs/{e.ids.arxiv}"
    assert result.reports[1].resolved_by == "input" and own.title == item(corpus, "Granite Code Models").title
    assert own.authors[0] == Person(literal="IBM Research") and own.provenance["authors"].source == "hf"


def test_progress_events_and_report_shape(services, corpus):
    events: list[Progress] = []
    doc, result = run(services, corpus.listing_entries()[:15], on_progress=events.append)
    done = [ev.done for ev in events]
    assert done == sorted(done) and done[-1] == 15 and all(ev.total == 15 for ev in events)
    assert any(ev.eta and ev.eta > 0 for ev in events)
    data = result.as_dict()
    first = data["entries"][0]
    for field in ("key", "title", "listing_title", "arxiv_id", "status", "confidence", "resolved_by", "candidates",
                  "fields_set"):
        assert field in first
    assert first["fields_set"]["ids.arxiv"]["source"] in ("arxiv", "hf")
    assert data["totals"]["resolved"] == 15 and data["requests"]["arxiv"] >= 1
