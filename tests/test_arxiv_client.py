"""The arXiv client against the arXiv double: batching, versions, bad batches, retries, cache, pacing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bibkit.config import load_settings
from bibkit.enrich.arxiv import ArxivClient, ArxivQueryError
from bibkit.http import HttpLayer, OfflineMiss
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.server import Reply


@pytest.fixture()
def corpus():
    return load_corpus()


@pytest.fixture()
def double(corpus):
    with ArxivDouble(corpus) as srv:
        yield srv


@pytest.fixture()
def sleeps():
    return []


def client_for(double, sleeps=None, **kw):
    settings = load_settings(arxiv_url=double.api_url)
    layer = HttpLayer(settings, sleep=(sleeps.append if sleeps is not None else lambda s: None), **kw)
    return layer, ArxivClient(layer, settings)


def test_fetch_collapses_versions_and_keeps_old_style_ids(double, corpus):
    layer, client = client_for(double)
    renamed = next(p for p in corpus.papers if len(p.versions) > 1 and p.versions[0].title != p.title)
    got = client.fetch([f"{renamed.id}v1", renamed.id, "arXiv:hep-th/9901001", "math.CA/0611800v2",
                        "https://arxiv.org/abs/1003.4567"])
    assert set(got) == {renamed.id, "hep-th/9901001", "math/0611800", "1003.4567"}
    assert got[renamed.id].title == renamed.title  # the current version, whatever version was asked
    assert got["1003.4567"].title == "0"
    (request,) = double.queries()
    assert request["id_list"].split(",") == [renamed.id, "hep-th/9901001", "math/0611800", "1003.4567"]
    assert request["max_results"] == "4"  # never the API's default of 10
    assert (double.log[0].header("User-Agent") or "").startswith("bibkit/")


def test_long_lists_are_batched_and_posted(double, corpus):
    ids = [p.id for p in corpus.papers[:95]]
    layer, client = client_for(double)
    got = client.fetch(ids + ["2412.99999"])  # one unknown id just drops out
    assert set(got) == set(ids)
    (one,) = double.requests_to("/api/query")
    assert one.method == "POST" and len(double.params(one)["id_list"].split(",")) == 96  # a long list: a form body
    double.reset_log()
    layer, client = client_for(double)
    client.id_batch = 40
    assert set(client.fetch(list(reversed(ids)))) == set(ids)
    assert [len(q["id_list"].split(",")) for q in double.queries()] == [40, 40, 15]
    layer, client = client_for(double)
    client.fetch(["2401.00001v2"])
    assert double.requests_to("/api/query")[-1].method == "GET"  # a short one stays a plain GET


def test_malformed_ids_are_never_sent(double, corpus):
    layer, client = client_for(double)
    good = corpus.papers[0].id
    got = client.fetch([good, "abc", "1234.1234", ""])
    assert list(got) == [good]
    assert {p.arxiv_id for p in client.problems} == {"abc", "1234.1234", ""}
    assert double.queries()[0]["id_list"] == good


def test_an_id_arxiv_rejects_is_dropped_and_the_rest_fetched(double, corpus):
    ids = [p.id for p in corpus.papers[:6]]
    double.reject_ids.add(ids[2])
    layer, client = client_for(double)
    got = client.fetch(ids)
    assert set(got) == set(ids) - {ids[2]}
    assert [p.arxiv_id for p in client.problems] == [ids[2]]
    assert "rejected" in client.problems[0].message
    assert len(double.queries()) == 2  # named in the error entry: dropped at once, no bisection


def test_an_unreadable_answer_is_the_services_failure_not_a_reason_to_bisect(double, corpus):
    """#10 changed this: an unreadable 200 used to be bisected (8 ids: 5-7 requests; a garbage storm: 464)."""
    ids = [p.id for p in corpus.papers[:8]]
    double.malformed_ids.add(ids[5])  # any id_list holding it gets a cut-off (unparseable) feed
    layer, client = client_for(double)
    got = client.fetch(ids)
    assert got == {}
    assert [p.arxiv_id for p in client.problems] == ids and all(p.unanswered for p in client.problems)
    assert "unreadable" in client.problems[0].message
    assert client.failure is None  # two unreadable answers in a row: not yet enough to give arXiv up
    assert len(double.queries()) == 2  # asked once more, never split
    assert layer.stats.failures["arxiv"] == 2 and layer.health.outage("arxiv") is None
    # and the unreadable answer was not cached: a healthy arXiv is asked again
    double.malformed_ids.clear()
    assert set(client.fetch(ids)) == set(ids)


def test_retries_honour_retry_after_then_succeed(double, corpus, sleeps):
    double.faults += [Reply.text("Rate exceeded", 429, headers={"Retry-After": "7"}), Reply.text("down", 503)]
    layer, client = client_for(double, sleeps)
    got = client.fetch([corpus.papers[0].id])
    assert list(got) == [corpus.papers[0].id]
    assert len(double.queries()) == 3
    assert sleeps[0] == 7.0 and 0 < sleeps[1] < 5
    assert layer.stats.retries["arxiv"] == 2


def test_a_long_rate_limit_stops_fetching_and_keeps_what_was_fetched(double, corpus):
    layer, client = client_for(double)
    client.id_batch = 2
    ids = [p.id for p in corpus.papers[:6]]
    original = double.answer
    calls = {"n": 0}

    def answer(params):
        calls["n"] += 1
        if calls["n"] >= 2:
            return Reply.text("Rate exceeded", 429, headers={"Retry-After": "3600"})
        return original(params)

    double.answer = answer
    got = client.fetch(ids)
    assert set(got) == set(ids[:2])
    assert client.failure is not None and "3600" in str(client.failure)
    assert len(double.queries()) == 2  # no third batch after the service said "wait an hour"


def test_answers_are_cached_for_the_next_run_and_offline(double, corpus):
    ids = [p.id for p in corpus.papers[:5]]
    layer, client = client_for(double)
    client.fetch(ids)
    client.search('ti:"dolma"')
    layer.close()
    layer2, again = client_for(double)
    assert set(again.fetch(ids)) == set(ids)
    again.search('ti:"dolma"')
    assert layer2.stats.network["arxiv"] == 0 and layer2.stats.cache_hits["arxiv"] == 2
    layer3, offline = client_for(double, offline=True)
    assert set(offline.fetch(ids)) == set(ids)
    assert offline.fetch([corpus.papers[10].id]) == {}
    assert offline.problems[0].message.startswith("offline")
    with pytest.raises(OfflineMiss):
        offline.search('ti:"never asked"')
    assert len(double.queries()) == 2


def test_search_and_query_errors(double):
    layer, client = client_for(double)
    feed = client.search_feed('ti:"qwen2.5 technical report" OR ti:"octopus v4"', max_results=20)
    assert {e.title for e in feed.entries} == {"Qwen2.5 Technical Report", "Octopus v4: Graph of language models"}
    assert feed.total_results == 2
    with pytest.raises(ArxivQueryError) as info:
        client.query(search_query="all:x", start=-1)
    assert info.value.errors[0].code == "start_must_be_a_non_negative_integer"


PACED_CHILD = textwrap.dedent(
    """
    import sys
    from bibkit.config import load_settings
    from bibkit.enrich.arxiv import ArxivClient
    from bibkit.http import HttpLayer
    tag = sys.argv[1]
    with HttpLayer(load_settings(), cache=False) as layer:
        client = ArxivClient(layer)
        for i in range(3):
            client.search(f'ti:"probe {tag} {i}"')
    print(layer.stats.retries["arxiv"])
    """
)


def test_pacing_lock_holds_across_processes_against_the_429_guard(tmp_path, monkeypatch):
    """Two processes, one machine: the lock in the cache directory keeps them below arXiv's rate."""
    script = tmp_path / "child.py"
    script.write_text(PACED_CHILD)
    with ArxivDouble(min_interval=0.25) as srv:
        monkeypatch.setenv("BIBKIT_ARXIV_URL", srv.api_url)
        monkeypatch.setenv("BIBKIT_ARXIV_DELAY", "0.3")
        procs = [subprocess.Popen([sys.executable, str(script), tag], stdout=subprocess.PIPE, text=True)
                 for tag in ("a", "b")]
        outputs = [p.communicate(timeout=120)[0] for p in procs]
        assert [p.returncode for p in procs] == [0, 0]
        times = sorted(r.time for r in srv.requests_to("/api/query"))
        assert srv.rate_limited == 0
    assert [o.strip() for o in outputs] == ["0", "0"]  # no retry was needed
    assert len(times) == 6
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.25


def test_an_empty_page_against_its_own_totals_is_asked_again_and_not_cached(double, corpus):
    """arXiv's documented flake: ``totalResults`` says 3, the page holds nothing.  Found by the
    independent double (tests/indep_doubles.py): it was cached for a day as "no such paper"."""
    glitch = (b"<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
              b"xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\"><title>arXiv Query</title>"
              b"<opensearch:totalResults>3</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex>"
              b"<opensearch:itemsPerPage>3</opensearch:itemsPerPage></feed>")
    ids = [p.id for p in corpus.papers[:3]]
    double.faults = [Reply(200, glitch, {}, "application/atom+xml")]
    layer, client = client_for(double)
    assert set(client.fetch(ids)) == set(ids)
    assert len(double.queries()) == 2  # the empty page, then the real one
    layer.close()
    double.reset_log()
    layer, client = client_for(double)
    assert set(client.fetch(ids)) == set(ids) and double.queries() == []  # the good answer was the one cached
    layer.close()


def test_an_empty_page_that_stays_empty_counts_as_empty(double, corpus):
    glitch = (b"<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\">"
              b"<opensearch:totalResults>9</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex></feed>")
    double.faults = [Reply(200, glitch, {}, "application/atom+xml") for _ in range(3)]
    layer, client = client_for(double)
    feed = client.search_feed('ti:"anything at all"', max_results=5)
    assert feed.entries == [] and len(double.queries()) == 3  # bounded: three attempts in all
    layer.close()


def test_an_arxiv_that_never_answers_is_given_up_after_one_batch(double, corpus):
    """Timeouts on every attempt mean arXiv is not answering (it stalls before a 429): stop, don't
    wait out the timeouts again for every later batch."""
    from dataclasses import replace

    from bibkit.enrich.arxiv import arxiv_policy

    settings = load_settings(arxiv_url=double.api_url)
    ids = [p.id for p in corpus.papers[:6]]
    double.faults = [Reply.text("late", 200, content_type="text/plain") for _ in range(10)]
    for fault in double.faults:
        fault.delay = 0.6
    with HttpLayer(settings, sleep=lambda s: None) as layer:
        client = ArxivClient(layer, settings, id_batch=2)
        client.client = layer.client(replace(arxiv_policy(settings), read_timeout=0.2, max_attempts=2))
        assert client.fetch(ids) == {}
    assert client.failure is not None and "timeout" in str(client.failure)
    assert len(double.queries()) == 2  # the two attempts of the first batch, nothing after
    assert {p.arxiv_id for p in client.problems} == set(ids)
