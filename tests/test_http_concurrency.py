"""The HTTP layer used from several threads, and Hugging Face asked a few lookups at a time.

Real local servers, real threads: counts must add up exactly, cached answers
must be served to every thread, no more than the bound may be in flight, HF's
rate-limit window must be kept to (no 429 provoked), and a window too far
away gives HF up before a request is wasted on it.  No timings are asserted.
"""

from __future__ import annotations

import http.server
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bibkit.config import load_settings
from bibkit.enrich import enrich_document
from bibkit.enrich.fanout import in_order
from bibkit.enrich.hf import CONCURRENCY, HfClient
from bibkit.http import HttpLayer, RateLimited, ServicePolicy
from bibkit.model import Document, Entry
from bibkit.testing.arxiv import ArxivDouble
from bibkit.testing.corpus import load_corpus
from bibkit.testing.hf import HfDouble
from bibkit.testing.server import LocalServer, Reply, Request


class Echo(LocalServer):
    """Answers ``/n/<k>`` with ``k`` after a short pause, so requests overlap."""

    def handle(self, request: Request) -> Reply:
        time.sleep(0.01)
        return Reply.json({"n": int(request.path.rsplit("/", 1)[-1])})


def test_one_layer_serves_many_threads_and_its_counts_add_up(tmp_path):
    with Echo() as server:
        policy = ServicePolicy(name="echo", base_url=server.url, expire_after=3600, concurrency=8)
        with HttpLayer(load_settings(cache_dir=tmp_path / "cache")) as layer:
            client = layer.client(policy)

            def ask(k: int) -> int:
                return int(client.get(f"/n/{k % 40}").json()["n"])

            with ThreadPoolExecutor(8) as pool:
                answers = list(pool.map(ask, range(400)))
            stats = layer.stats
            assert answers == [k % 40 for k in range(400)]
            # every answer was either sent or found in the cache, and no count was lost between threads
            assert stats.network["echo"] + stats.cache_hits["echo"] == 400
            assert len(server.log) == stats.network["echo"]
            assert stats.network["echo"] >= 40 and stats.cache_hits["echo"] >= 400 - 8 * 40
            assert stats.failures["echo"] == 0 and stats.retries["echo"] == 0


def test_in_order_keeps_the_order_and_the_bound():
    running, peak, lock = 0, 0, threading.Lock()

    def slow(k: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.01 * (k % 3))
        with lock:
            running -= 1
        if k == 7:
            raise ValueError("seven")
        return k * k

    outcomes = list(in_order(slow, range(30), workers=4, width=lambda: 4))
    assert [o.item for o in outcomes] == list(range(30))
    assert [o.value for o in outcomes if o.item != 7] == [k * k for k in range(30) if k != 7]
    assert isinstance(outcomes[7].error, ValueError)
    assert 1 < peak <= 4


def test_in_order_starts_nothing_once_the_width_is_zero():
    started: list[int] = []
    stop = threading.Event()

    def call(k: int) -> int:
        started.append(k)
        return k

    seen = []
    for outcome in in_order(call, range(100), workers=4, width=lambda: 0 if stop.is_set() else 4):
        seen.append(outcome.item)
        if outcome.item == 10:
            stop.set()
    assert seen == sorted(seen) and 10 in seen
    assert len(started) <= 10 + 1 + 4  # nothing started after the stop but what was already running


def _listing(corpus, n: int) -> list[Entry]:
    return [Entry(title=i.title, abstract=i.abstract) for i in corpus.listing if i.expect][:n]


def test_hf_is_asked_several_at_a_time_and_the_results_equal_one_at_a_time(tmp_path, monkeypatch):
    corpus = load_corpus()
    results = {}
    for label, bound in (("concurrent", CONCURRENCY), ("one at a time", 1)):
        monkeypatch.setattr("bibkit.enrich.hf.CONCURRENCY", bound)
        with ArxivDouble(corpus) as ax, HfDouble(corpus, latency=0.02) as hf:
            settings = load_settings(arxiv_url=ax.api_url, hf_url=hf.url, cache_dir=tmp_path / label)
            doc = Document(blocks=_listing(corpus, 40))
            result = enrich_document(doc, settings, only=("arxiv", "hf"))
            results[label] = ([(e.ids.arxiv, e.title) for e in doc.entries], result.requests, hf.max_in_flight)
    ids, requests, peak = results["concurrent"]
    assert (ids, requests) == results["one at a time"][:2]  # same answers, same requests
    assert peak == CONCURRENCY and results["one at a time"][2] == 1


def test_hf_rate_limit_window_is_kept_to_without_a_429(tmp_path):
    corpus = load_corpus()
    with ArxivDouble(corpus) as ax, HfDouble(corpus, window=(12, 1.0)) as hf:
        settings = load_settings(arxiv_url=ax.api_url, hf_url=hf.url, cache_dir=tmp_path / "c")
        with HttpLayer(settings) as layer:
            doc = Document(blocks=_listing(corpus, 40))
            result = enrich_document(doc, settings, only=("arxiv", "hf"), http=layer)
            waited = layer.stats.waited["hf"]
    assert hf.over_limit == 0  # never sent a request the window had no room for
    assert result.network_ok and result.requests["hf"] >= 40
    assert waited > 0  # it waited for new windows instead
    assert result.totals["resolved"] >= 38


def test_a_window_further_away_than_worth_waiting_gives_hf_up_before_sending(tmp_path):
    corpus = load_corpus()
    slept: list[float] = []
    with ArxivDouble(corpus) as ax, HfDouble(corpus, window=(3, 300.0)) as hf:
        settings = load_settings(arxiv_url=ax.api_url, hf_url=hf.url, cache_dir=tmp_path / "c")
        with HttpLayer(settings, sleep=slept.append) as layer:
            doc = Document(blocks=_listing(corpus, 20))
            result = enrich_document(doc, settings, only=("arxiv", "hf"), http=layer)
    assert hf.over_limit == 0 and len(hf.log) == 3 and slept == []
    assert not result.network_ok and any("Hugging Face rate limit" in n for n in result.notices)
    assert result.totals["resolved"] >= 18  # arXiv did the rest


def test_the_window_is_not_waited_for_by_cached_answers(tmp_path):
    corpus = load_corpus()
    with HfDouble(corpus, window=(2, 300.0)) as hf:
        settings = load_settings(hf_url=hf.url, cache_dir=tmp_path / "c")
        with HttpLayer(settings, sleep=lambda s: pytest.fail(f"slept {s}")) as layer:
            client = HfClient(layer, settings)
            first = client.search("Dolma")
            client.search("Qwen2.5")  # the window's last request
            assert client.search("Dolma") == first  # from the cache: the window is not asked
            with pytest.raises(RateLimited):
                client.search("Mixtral of Experts")  # would need a new window, 300 s away
    assert hf.over_limit == 0 and len(hf.log) == 2


class _Proxy(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        _Proxy.seen.append(self.path)
        body = b'{"via": "proxy"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_proxies_from_the_environment_are_still_used_on_every_request(tmp_path, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.server_address[1]}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        policy = ServicePolicy(name="far", base_url="http://far.example.invalid", expire_after=None)
        with HttpLayer(load_settings(cache_dir=tmp_path / "c")) as layer:
            client = layer.client(policy)
            assert client.get("/a").json() == {"via": "proxy"}
            assert client.get("/b").json() == {"via": "proxy"}
        assert _Proxy.seen[-2:] == ["http://far.example.invalid/a", "http://far.example.invalid/b"]
    finally:
        server.shutdown()


def test_requests_still_on_their_way_are_taken_off_what_an_answer_says_is_left():
    """Six requests go out before any answer (a new window); the first answer reports the service's count
    when it read that one request: the five others are still to be counted, so never more than the
    window holds are sent (before: 6 + 11 = 17 requests into a window of 12)."""
    from types import SimpleNamespace

    from bibkit.http import QuotaWindow

    answers = []
    policy = SimpleNamespace(name="hf", quota=lambda response: response, max_wait=60.0)
    window = QuotaWindow(SimpleNamespace(), policy)  # (no wait happens here: the layer is never asked)
    for _ in range(6):
        window.admit("u")
    quota, sent = 12, 6
    window.note((quota - 1, 1.0))  # the service had counted one request when it answered
    answers.append(window.remaining)
    while window.remaining:
        window.admit("u")
        sent += 1
    assert sent <= quota and answers == [quota - 1 - 5]
    window.forget()  # a request that failed on the way frees its place in the count of those in flight
    assert window.in_flight == sent - 2
