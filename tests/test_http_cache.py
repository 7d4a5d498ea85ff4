"""The HTTP cache file stays requests-cache's own: what one version stored, the other finds.

The layer looks keys up its own (faster) way; these tests hold it to the file
format and keys of the stock :class:`requests_cache.CachedSession`, in both
directions and through a redirect, so an ``--offline`` run after an upgrade
still finds every answer the previous version cached.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from requests_cache import CachedSession

from bibkit.config import load_settings
from bibkit.http import HttpLayer, OfflineMiss, ServicePolicy
from bibkit.testing.server import LocalServer, Reply, Request


class Echo(LocalServer):
    """Echoes each request; ``/old`` redirects to ``/new``."""

    def handle(self, request: Request) -> Reply | None:
        if request.path == "/old":
            return Reply(302, b"", {"Location": self.url.rstrip("/") + "/new"}, "text/plain")
        return Reply.json({"path": request.path, "query": request.query, "body": request.body.decode()})


@pytest.fixture()
def server():
    with Echo() as srv:
        yield srv


def policy(srv: Echo) -> ServicePolicy:
    return ServicePolicy(name="svc", base_url=srv.url, expire_after=3600, retry_post=True)


def stock_session() -> CachedSession:
    """requests-cache as it comes, on the layer's cache file, with the layer's cache settings."""
    cache = Path(load_settings().cache_dir) / "http"
    return CachedSession(str(cache), backend="sqlite", wal=True, allowable_methods=("GET", "POST"),
                         allowable_codes=(200,), expire_after=3600)


def test_answers_stored_by_stock_requests_cache_are_found_offline(server):
    url = server.url.rstrip("/")
    with stock_session() as stock:
        stock.get(url + "/a", params={"q": "graph neural networks", "limit": "10"})
        stock.post(url + "/q", data={"id_list": "2401.00001,2401.00002"})
        stock.get(url + "/old")  # stored under /new's key, with /old's key as a redirect alias
    asked = len(server.log)
    with HttpLayer(load_settings(), offline=True) as layer:
        client = layer.client(policy(server))
        assert client.get("/a", params={"q": "graph neural networks", "limit": "10"}).json()["query"] == {
            "q": ["graph neural networks"], "limit": ["10"]}
        assert client.post("/q", data={"id_list": "2401.00001,2401.00002"}).json()["body"] == (
            "id_list=2401.00001%2C2401.00002")
        assert client.get("/old").json()["path"] == "/new"
        with pytest.raises(OfflineMiss):
            client.get("/a", params={"q": "another query", "limit": "10"})
        assert layer.stats.cache_hits["svc"] == 3 and layer.stats.network["svc"] == 0
    assert len(server.log) == asked


def test_answers_stored_by_the_layer_are_found_by_stock_requests_cache(server):
    with HttpLayer(load_settings()) as layer:
        client = layer.client(policy(server))
        client.get("/a", params={"q": "diffusion", "limit": "10"})
        client.post("/q", data={"id_list": "2401.00003"})
    asked = len(server.log)
    url = server.url.rstrip("/")
    with stock_session() as stock:
        got = stock.get(url + "/a", params={"q": "diffusion", "limit": "10"}, only_if_cached=True)
        posted = stock.post(url + "/q", data={"id_list": "2401.00003"}, only_if_cached=True)
        missing = stock.get(url + "/a", params={"q": "never asked"}, only_if_cached=True)
    assert got.from_cache and got.json()["query"] == {"q": ["diffusion"], "limit": ["10"]}
    assert posted.from_cache and posted.json()["body"] == "id_list=2401.00003"
    assert missing.status_code == 504  # requests-cache's "not in the cache"
    assert len(server.log) == asked


def test_cache_hits_from_many_threads_at_once_each_get_their_own_answer(server):
    queries = [f"title {n}" for n in range(40)]
    with HttpLayer(load_settings()) as layer:
        client = layer.client(policy(server))
        for q in queries:
            client.get("/a", params={"q": q})
    asked = len(server.log)
    answers: dict[str, str] = {}
    errors: list[BaseException] = []
    with HttpLayer(load_settings()) as layer:
        client = layer.client(policy(server))

        def ask(part: list[str]) -> None:
            try:
                for _ in range(5):
                    for q in part:
                        answers[q] = client.get("/a", params={"q": q}).json()["query"]["q"][0]
            except BaseException as exc:  # noqa: BLE001 (handed to the test's thread)
                errors.append(exc)

        threads = [threading.Thread(target=ask, args=(queries[i::8],)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert layer.stats.cache_hits["svc"] == 5 * len(queries)
    assert not errors
    assert answers == {q: q for q in queries}
    assert len(server.log) == asked
