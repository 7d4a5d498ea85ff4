"""The arXiv double behaves like the real API where clients go wrong (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import time

import pytest
import requests

from bibkit.enrich.atom import parse_feed
from bibkit.testing.arxiv import ArxivDouble, QuerySyntaxError, parse_search_query, valid_arxiv_id
from bibkit.testing.corpus import Paper, Version, load_corpus
from bibkit.testing.server import Reply


@pytest.fixture(scope="module")
def double():
    with ArxivDouble() as srv:
        yield srv


def ask(double, method="GET", **params):
    if method == "POST":
        r = requests.post(double.api_url, data=params, timeout=10)
    else:
        r = requests.get(double.api_url, params=params, timeout=10)
    return r, parse_feed(r.content)


def titles(feed):
    return [e.title for e in feed.entries]


def test_feed_is_current_format_and_echoes_the_decoded_query(double):
    r, feed = ask(double, search_query='ti:"qwen2.5 technical report"')
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/atom+xml")
    head = r.content[:400].decode()
    assert 'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"' in head and 'xmlns:arxiv=' in head
    assert feed.title == 'arXiv Query: search_query=ti:"qwen2.5 technical report"&id_list=&start=0&max_results=10'
    assert titles(feed) == ["Qwen2.5 Technical Report"]  # not -Coder, -Math or Qwen2: a phrase is consecutive words
    e = feed.entries[0]
    assert e.author_names[0] == "Qwen" and e.version and e.abs_url.startswith("https://arxiv.org/abs/")


def test_matching_ignores_case_accents_and_punctuation(double):
    _, a = ask(double, search_query='ti:"PLATYPUS  a generalized specialist"')
    _, b = ask(double, search_query='ti:"platypus: a generalized-specialist"')
    assert titles(a) == titles(b) == ["Platypus: A Generalized Specialist Model for Reading Text in Various Forms"]
    _, c = ask(double, search_query="au:jorgensen")  # "Jørgensen", "Søren Jørgensen"
    assert c.total_results and c.total_results >= 1


def test_boolean_operators_parentheses_and_bare_terms(double):
    _, both = ask(double, search_query='ti:octopus AND abs:"function"', max_results=50)
    assert titles(both) == ["Octopus v2: On-device language model for super agent"]
    _, either = ask(double, search_query="ti:octopus OR ti:dolma", max_results=50)
    assert len(either.entries) == 4  # v2, v3, v4 and Dolma
    _, not_v2 = ask(double, search_query='ti:octopus ANDNOT (ti:v2 OR ti:v3)', max_results=50)
    assert titles(not_v2) == ["Octopus v4: Graph of language models"]
    _, bare = ask(double, search_query="MotionVerse")  # bare term = all:
    assert titles(bare) == ["Large Motion Model for Unified Multi-Modal Motion Generation"]
    _, cat = ask(double, search_query="au:van_der_berg AND cat:cond-mat")  # underscores join name parts; cat prefix
    assert titles(cat) == ["Disorder-Induced Checkerboard Order in Layered Superconductors"]


def test_relevance_ranking_finds_several_papers_for_a_generic_phrase(double):
    _, feed = ask(double, search_query='ti:"a survey on mixture of experts"')
    assert len(feed.entries) == 3  # the renamed survey and two decoys share the phrase
    assert feed.entries[0].title != "A Survey on Mixture of Experts in Large Language Models"  # first is a decoy


def test_post_form_gives_the_same_answer(double):
    _, get = ask(double, search_query="ti:octopus", max_results=5)
    _, post = ask(double, "POST", search_query="ti:octopus", max_results=5)
    assert titles(get) == titles(post) and post.total_results == 3


def test_id_list_versions_unknown_ids_and_default_page_size(double):
    corpus = load_corpus()
    ids = [p.id for p in corpus.papers[:15]]
    _, feed = ask(double, id_list=",".join(ids))
    assert feed.total_results == 15 and len(feed.entries) == 10  # the API's default max_results
    _, feed = ask(double, id_list=",".join(ids + ["2412.99999"]), max_results=50)
    assert [e.arxiv_id for e in feed.entries] == ids  # in list order; the unknown id silently dropped
    renamed = next(p for p in corpus.papers if p.role == "listing" and p.versions[0].title != p.title)
    _, v1 = ask(double, id_list=f"{renamed.id}v1")
    _, latest = ask(double, id_list=renamed.id)
    assert v1.entries[0].title == renamed.versions[0].title and v1.entries[0].version == 1
    assert latest.entries[0].title == renamed.title and latest.entries[0].version == len(renamed.versions)
    assert v1.entries[0].published == latest.entries[0].published  # <published> is always v1's date
    _, old = ask(double, id_list="math.CA/0611800v1,hep-th/9901001")
    assert [e.arxiv_id for e in old.entries] == ["math/0611800", "hep-th/9901001"]


def test_id_list_combined_with_search_query_is_a_filter(double):
    corpus = load_corpus()
    octo = [p.id for p in corpus.papers if p.title.startswith("Octopus")]
    other = corpus.papers[0].id
    _, feed = ask(double, id_list=",".join(octo + [other]), search_query='abs:"on-device"', max_results=20)
    assert {e.arxiv_id for e in feed.entries} < set(octo)


@pytest.mark.parametrize("params,code", [
    ({"id_list": "abc"}, "incorrect_id_format_for_abc"),
    ({"id_list": "1234.1234"}, "incorrect_id_format_for_1234.1234"),  # month 34
    ({"id_list": "2401.0001"}, "incorrect_id_format_for_2401.0001"),  # 4 digits after 2014
    ({"search_query": "all:x", "start": "-1"}, "start_must_be_a_non_negative_integer"),
    ({"search_query": "all:x", "max_results": "ten"}, "max_results_must_be_a_non_negative_integer"),
    ({"search_query": "all:x", "start": "29999", "max_results": "10"}, "start_plus_max_results_too_large"),
])
def test_errors_are_http_400_with_one_error_entry(double, params, code):
    r, feed = ask(double, **params)
    assert r.status_code == 400
    assert feed.entries == [] and [e.code for e in feed.errors] == [code]
    assert feed.total_results == 1


def test_paging_and_sorting(double):
    _, all_ = ask(double, search_query="cat:cs", max_results=200, sortBy="submittedDate", sortOrder="ascending")
    dates = [e.published for e in all_.entries]
    assert dates == sorted(dates) and len(dates) > 50
    _, page = ask(double, search_query="cat:cs", start=10, max_results=5, sortBy="submittedDate", sortOrder="ascending")
    assert [e.arxiv_id for e in page.entries] == [e.arxiv_id for e in all_.entries[10:15]]
    assert page.start_index == 10 and page.total_results == all_.total_results


def test_rate_guard_answers_429_when_called_too_fast():
    with ArxivDouble(min_interval=0.3) as srv:
        first = requests.get(srv.api_url, params={"search_query": "ti:dolma"}, timeout=10)
        second = requests.get(srv.api_url, params={"search_query": "ti:dolma"}, timeout=10)
        assert first.status_code == 200
        assert second.status_code == 429 and second.text == "Rate exceeded"
        time.sleep(0.35)
        assert requests.get(srv.api_url, params={"search_query": "ti:dolma"}, timeout=10).status_code == 200
        assert srv.rate_limited == 1


def test_faults_malformed_and_rejected_ids():
    corpus = load_corpus()
    good, bad = corpus.papers[0].id, corpus.papers[1].id
    with ArxivDouble(corpus) as srv:
        srv.faults.append(Reply.text("busy", 503, headers={"Retry-After": "1"}))
        assert requests.get(srv.api_url, params={"id_list": good}, timeout=10).status_code == 503
        srv.malformed_ids.add(bad)
        r = requests.get(srv.api_url, params={"id_list": f"{good},{bad}"}, timeout=10)
        assert r.status_code == 200 and b"</feed>" not in r.content
        srv.reject_ids.add(good)
        r = requests.get(srv.api_url, params={"id_list": good}, timeout=10)
        assert r.status_code == 400 and parse_feed(r.content).errors[0].bad_id == good


def test_legacy_format_is_served_on_request():
    with ArxivDouble(format="2016") as srv:
        r = requests.get(srv.api_url, params={"search_query": "ti:dolma"}, timeout=10)
    text = r.content.decode()
    assert 'rel="self"' in text and "ArXiv Query:" in text and "http://arxiv.org/pdf/" in text
    assert '<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">' in text
    feed = parse_feed(r.content)
    assert feed.entries[0].title.startswith("Dolma: an Open Corpus of Three Trillion Tokens")


def test_added_papers_are_searchable_after_reindex():
    corpus = load_corpus()
    with ArxivDouble(corpus) as srv:
        corpus.add(Paper("2501.00042", [Version("Zebra Crossings for Robots", "Some text " * 20, "2025-01-02T00:00:00Z")],
                         [{"name": "Ada Lovelace"}], ["cs.RO"]))
        srv.reindex()
        _, feed = ask(srv, search_query='ti:"zebra crossings"')
    assert [e.arxiv_id for e in feed.entries] == ["2501.00042"]


def test_query_parser_and_id_validation():
    tree = parse_search_query('ti:"a b" OR (au:c AND abs:d) ANDNOT e')
    assert tree.op == "OR"
    with pytest.raises(QuerySyntaxError):
        parse_search_query('ti:"a" OR (au:c')
    with pytest.raises(QuerySyntaxError):
        parse_search_query("xx:foo")
    assert valid_arxiv_id("0704.0001") == ("0704.0001", None)
    assert valid_arxiv_id("1501.00001v3") == ("1501.00001", 3)
    assert valid_arxiv_id("math.CA/0611800v2") == ("math/0611800", 2)
    assert valid_arxiv_id("foo/0611800") is None and valid_arxiv_id("2413.00001") is None
