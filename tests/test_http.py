"""The one HTTP layer, against a real local server: cache, pacing, retries, offline, secrets."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bibkit.config import load_settings
from bibkit.http import (
    HttpError,
    HttpLayer,
    OfflineMiss,
    RateLimited,
    ServicePolicy,
    ServiceUnavailable,
    redact,
    user_agent,
)
from bibkit.testing.server import LocalServer, Reply, Request


class Scripted(LocalServer):
    """Answers from a per-path script of replies (the last one repeats)."""

    def __init__(self) -> None:
        super().__init__()
        self.script: dict[str, list[Reply]] = {}
        self.etag = '"v1"'

    def handle(self, request: Request) -> Reply | None:
        if request.path == "/etag":
            if request.header("If-None-Match") == self.etag:
                return Reply(304, b"", {"ETag": self.etag})
            return Reply.json({"n": 1}, headers={"ETag": self.etag})
        replies = self.script.get(request.path)
        if not replies:
            return Reply.json({"path": request.path, "query": request.query, "body": request.body.decode()})
        return replies.pop(0) if len(replies) > 1 else replies[0]


@pytest.fixture()
def server():
    with Scripted() as srv:
        yield srv


@pytest.fixture()
def sleeps():
    return []


@pytest.fixture()
def layer(sleeps):
    with HttpLayer(load_settings(), sleep=sleeps.append) as lay:
        yield lay


def policy(srv: Scripted, **kw) -> ServicePolicy:
    kw.setdefault("expire_after", 3600)
    return ServicePolicy(name="svc", base_url=srv.url, backoff_base=0.01, **kw)


def test_get_is_cached_and_counted(server, layer):
    client = layer.client(policy(server))
    first = client.get("/a", params={"q": "x"})
    second = client.get("/a", params={"q": "x"})
    assert first.json() == second.json()
    assert len(server.requests_to("/a")) == 1
    assert layer.stats.network["svc"] == 1 and layer.stats.cache_hits["svc"] == 1
    assert server.log[0].header("User-Agent") == user_agent()


def test_post_with_body_is_cached_per_body(server, layer):
    client = layer.client(policy(server, retry_post=True))
    client.post("/q", data={"id_list": "1,2"})
    client.post("/q", data={"id_list": "1,2"})
    client.post("/q", data={"id_list": "3"})
    assert len(server.requests_to("/q")) == 2


def test_refresh_bypasses_and_offline_answers_from_cache(server, sleeps):
    settings = load_settings()
    with HttpLayer(settings) as lay:
        lay.client(policy(server)).get("/a")
    with HttpLayer(settings, refresh=True) as lay:
        lay.client(policy(server)).get("/a")
    assert len(server.requests_to("/a")) == 2
    with HttpLayer(settings, offline=True) as lay:
        client = lay.client(policy(server))
        assert client.get("/a").json()["path"] == "/a"
        with pytest.raises(OfflineMiss):
            client.get("/never-fetched")
        assert lay.stats.network["svc"] == 0
    assert len(server.requests_to("/never-fetched")) == 0


def test_retry_after_is_honoured_then_success(server, layer, sleeps):
    server.script["/busy"] = [
        Reply.text("Rate exceeded", 429, headers={"Retry-After": "2"}),
        Reply.text("busy", 503),
        Reply.json({"ok": True}),
    ]
    response = layer.client(policy(server)).get("/busy")
    assert response.json() == {"ok": True}
    assert len(server.requests_to("/busy")) == 3
    assert sleeps[0] == 2.0  # Retry-After, not the backoff
    assert 0 < sleeps[1] < 1  # exponential backoff from backoff_base
    assert layer.stats.retries["svc"] == 2
    # a retried answer is never cached: the 429/503 did not poison the cache
    assert layer.client(policy(server)).get("/busy").json() == {"ok": True}


def test_attempts_are_bounded(server, layer):
    server.script["/down"] = [Reply.text("no", 503)]
    with pytest.raises(HttpError) as info:
        layer.client(policy(server, max_attempts=3)).get("/down")
    assert info.value.status == 503
    assert len(server.requests_to("/down")) == 3


def test_long_retry_after_is_raised_not_slept(server, layer, sleeps):
    server.script["/quota"] = [Reply.text("slow down", 429, headers={"Retry-After": "3600"})]
    with pytest.raises(RateLimited) as info:
        layer.client(policy(server)).get("/quota")
    assert info.value.until and info.value.until > time.time() + 3000
    assert sleeps == []


def test_non_retryable_status_is_returned(server, layer):
    server.script["/missing"] = [Reply.json({"message": "Not Found"}, 404)]
    response = layer.client(policy(server)).get("/missing")
    assert response.status_code == 404
    assert len(server.requests_to("/missing")) == 1


def test_unreachable_service_fails_fast_for_the_rest_of_the_run(layer):
    dead = ServicePolicy(name="dead", base_url="http://127.0.0.1:9", expire_after=3600)
    client = layer.client(dead)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable):
        client.get("/x")
    with pytest.raises(ServiceUnavailable):
        client.get("/y")
    assert time.monotonic() - started < 5
    assert "dead" in layer.stats.unavailable
    assert layer.stats.network["dead"] == 2  # one try + one quick retry, then no more attempts


def test_etag_revalidation_with_zero_expiry(server, layer):
    client = layer.client(policy(server, expire_after=0))
    assert client.get("/etag").json() == {"n": 1}
    assert client.get("/etag").json() == {"n": 1}
    requests_seen = server.requests_to("/etag")
    assert len(requests_seen) == 2
    assert requests_seen[1].header("If-None-Match") == '"v1"'


def test_secrets_stay_out_of_cache_and_logs(server, layer, caplog):
    token = "ghp_SECRETSECRETSECRET1234567890"
    client = layer.client(policy(server))
    with caplog.at_level("DEBUG"):
        client.get("/private", headers={"Authorization": f"Bearer {token}"})
        client.get("/private", headers={"Authorization": f"Bearer {token}"})
    assert server.requests_to("/private")[0].header("Authorization") == f"Bearer {token}"
    assert len(server.requests_to("/private")) == 1
    cache_files = list(Path(layer.cache_dir).rglob("*"))
    blob = b"".join(p.read_bytes() for p in cache_files if p.is_file())
    assert token.encode() not in blob
    assert token not in caplog.text
    assert redact("https://x/y?key=abc&q=1") == "https://x/y?key=***&q=1"


def test_settings_repr_hides_tokens(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_hidden")
    settings = load_settings()
    assert settings.github_token == "ghp_hidden"
    assert "ghp_hidden" not in repr(settings)


PACED_CHILD = textwrap.dedent(
    """
    import sys
    from bibkit.config import load_settings
    from bibkit.http import HttpLayer, ServicePolicy
    url, n = sys.argv[1], int(sys.argv[2])
    with HttpLayer(load_settings(), cache=False) as layer:
        client = layer.client(ServicePolicy(name="paced", base_url=url, min_interval=0.4))
        for i in range(n):
            client.get("/p", params={"i": i, "pid": sys.argv[3]})
    """
)


def test_pacing_holds_across_processes(server, tmp_path):
    """Two processes share the machine-wide pacing lock in the cache directory."""
    script = tmp_path / "child.py"
    script.write_text(PACED_CHILD)
    procs = [subprocess.Popen([sys.executable, str(script), server.url, "3", str(k)]) for k in range(2)]
    for p in procs:
        assert p.wait(timeout=60) == 0
    times = sorted(r.time for r in server.requests_to("/p"))
    assert len(times) == 6
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.4 - 0.02, gaps
    pids = {r.arg("pid") for r in server.requests_to("/p")}
    assert pids == {"0", "1"}


OPENING_CHILD = textwrap.dedent(
    """
    import sys
    from bibkit.config import load_settings
    from bibkit.http import HttpLayer
    with HttpLayer(load_settings()) as layer:
        pass
    """
)


def test_runs_starting_together_share_a_new_cache(tmp_path, monkeypatch):
    """Several runs opening a cache that does not exist yet (make -j on a fresh machine): every one starts;
    none fails with "database is locked" while another switches the new database to its write-ahead log."""
    script = tmp_path / "child.py"
    script.write_text(OPENING_CHILD)
    for round_ in range(3):
        monkeypatch.setenv("BIBKIT_CACHE_DIR", str(tmp_path / f"cache{round_}"))
        procs = [subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE) for _ in range(6)]
        errors = [p.communicate(timeout=120)[1].decode() for p in procs]
        assert [p.returncode for p in procs] == [0] * 6, errors
