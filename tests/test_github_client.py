"""GitHubClient against the local GitHub double: REST, renames, dead/blocked, quota, secondary
limits, ETag/304, offline, GraphQL batching, and the token staying secret."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

import pytest

from bibkit.config import load_settings
from bibkit.enrich.github import GitHubClient, github_policy, quota_notice
from bibkit.http import HttpLayer, user_agent
from bibkit.testing.github import GitHubDouble

DATA = Path(__file__).parent / "data" / "github"
TOKEN = "ghp_TESTTOKEN0123456789abcdefSECRET"


def sample(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture()
def double():
    with GitHubDouble(token=TOKEN) as srv:
        yield srv


@pytest.fixture()
def sleeps():
    return []


def run(srv, names, *, token=None, sleeps=None, offline=False, refresh=False, **kw):
    """One bibkit run: a fresh layer (as a new process would have), then resolve ``names``."""
    settings = load_settings(github_url=srv.url)
    with HttpLayer(settings, offline=offline, refresh=refresh, sleep=(sleeps.append if sleeps is not None else None) or (lambda s: None)) as http:
        client = GitHubClient(http, settings, token=token, **kw)
        results = client.resolve(names)
        return client, results, http.stats


def test_policy_uses_the_configured_url_and_github_headers(monkeypatch):
    monkeypatch.setenv("BIBKIT_GITHUB_URL", "http://127.0.0.1:8765")
    policy = github_policy(load_settings())
    assert policy.name == "github" and policy.base_url == "http://127.0.0.1:8765"
    assert policy.headers == {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


def test_rest_fields_from_the_recorded_repository(double):
    double.add_recorded(sample("github-repo.json"))
    client, results, stats = run(double, ["pygithub/PYGITHUB"])
    result = results["pygithub/pygithub"]
    info = result.info
    assert info.status == "ok" and info.full_name == "PyGithub/PyGithub"  # canonical casing, not renamed
    assert info.old_name is None
    assert (info.description, info.stars, info.license) == ("Typed interactions with the GitHub API v3", 6209, "LGPL-3.0")
    assert info.topics == ["github", "github-api", "pygithub", "python"]
    assert (info.archived, info.fork, info.default_branch) == (False, False, "main")
    assert info.pushed_at == "2023-08-25T22:01:27Z" and info.homepage == "https://pygithub.readthedocs.io/"
    assert info.checked_at and info.checked_at.endswith("Z")
    sent = double.requests_to("/repos/")[0]
    assert sent.header("Accept") == "application/vnd.github+json"
    assert sent.header("X-GitHub-Api-Version") == "2022-11-28"
    assert sent.header("User-Agent") == user_agent()
    assert sent.header("Authorization") is None
    assert stats.network["github"] == 1
    assert client.rate["core"].remaining == 59


def test_empty_and_null_optional_fields(double):
    double.add("o/plain", description="", homepage="", license=None, topics=[], default_branch=None)
    double.add("o/other", license="NOASSERTION", homepage=None)
    _, results, _ = run(double, ["o/plain", "o/other"])
    plain, other = results["o/plain"].info, results["o/other"].info
    assert (plain.description, plain.homepage, plain.license, plain.topics, plain.default_branch) == (None, None, None, [], None)
    assert other.license == "NOASSERTION" and other.homepage is None


def test_rename_is_followed_and_recorded(double):
    followed = sample("github-moved-followed.json")
    double.add_recorded(followed)
    old = "octokit-fixture-org/tmp-scenario-rename-repository-20220719044033126-ukeod"
    double.rename(old, followed["full_name"])
    _, results, stats = run(double, [old])
    result = results[old.casefold()]
    assert result.status == "renamed"
    assert result.info.full_name == followed["full_name"] and result.info.old_name == old
    assert [r.path for r in double.log] == [f"/repos/{old}", "/repositories/515436299"]
    assert stats.network["github"] == 2


def test_transfer_to_another_owner(double):
    double.add("padima2/protoncoin")
    double.rename("protoncoin/protoncoin", "padima2/protoncoin")
    _, results, _ = run(double, ["protoncoin/protoncoin"])
    assert results["protoncoin/protoncoin"].info.full_name == "padima2/protoncoin"
    assert results["protoncoin/protoncoin"].status == "renamed"


def test_dead_and_blocked(double):
    double.add("o/dmca")
    double.block("o/dmca", 451)
    double.add("o/tos")
    double.block("o/tos", 403)
    _, results, _ = run(double, ["o/gone", "o/dmca", "o/tos"])
    assert results["o/gone"].status == "dead" and "not found" in results["o/gone"].detail
    assert results["o/gone"].info.full_name == "o/gone"  # the link is kept, as written
    assert results["o/dmca"].status == "blocked" and "451" in results["o/dmca"].detail
    assert results["o/tos"].status == "blocked" and "Repository access blocked" in results["o/tos"].detail


def test_one_request_per_distinct_repository(double):
    for n in ("a/one", "a/two"):
        double.add(n)
    _, results, stats = run(double, ["a/one", "A/ONE", "a/two", "a/One"])
    assert len(double.log) == 2 and stats.network["github"] == 2
    assert {k: v.status for k, v in results.items()} == {"a/one": "ok", "a/two": "ok"}


def test_rerun_within_the_cache_lifetime_uses_no_quota(double):
    double.add("a/live")
    double.rename("a/old", "a/new")
    names = ["a/live", "a/old", "a/missing"]
    first = run(double, names)[1]
    used = double.quota_used
    assert used == 4  # live, the 301 and its follow-up, the 404
    again = run(double, names)[1]
    assert double.quota_used == used and len(double.log) == 4  # nothing sent at all
    assert {k: v.status for k, v in again.items()} == {k: v.status for k, v in first.items()}
    assert all(v.cached for v in again.values())


def test_revalidation_with_etag_costs_nothing(double):
    """ttl=0: every run revalidates; 304s keep the answers and leave the quota alone."""
    for n in ("a/one", "a/two", "a/three"):
        double.add(n, stars=5)
    run(double, ["a/one", "a/two", "a/three"], ttl=0)
    assert double.quota_used == 3
    _, results, stats = run(double, ["a/one", "a/two", "a/three"], ttl=0)
    assert double.quota_used == 3 and double.not_modified == 3
    assert all(r.header("If-None-Match", "").startswith('W/"') for r in double.log[3:])
    assert all(v.status == "ok" and v.info.stars == 5 for v in results.values())
    assert stats.network["github"] == 3  # sent, but free


def test_refresh_asks_again(double):
    double.add("a/one")
    run(double, ["a/one"])
    run(double, ["a/one"], refresh=True)
    assert len(double.requests_to("/repos/a/one")) == 2


def test_quota_running_out_mid_run_stops_calls_and_leaves_a_notice():
    with GitHubDouble(anon_limit=3) as srv:
        names = [f"o/r{i}" for i in range(6)]
        for n in names:
            srv.add(n)
        client, results, _ = run(srv, names)
        assert [results[n].status for n in names] == ["ok"] * 3 + ["unchecked"] * 3
        assert len(srv.log) == 3  # remaining reached 0 on the third answer: no fourth request
        reset = datetime.fromtimestamp(srv.reset_at).strftime("%H:%M")  # with the date when it is tomorrow
        assert len(client.notices) == 1 and client.notices[0].startswith("GitHub quota exhausted until ")
        assert client.notices[0].endswith(f"{reset} — set GITHUB_TOKEN")
        assert quota_notice(srv.reset_at, token=False) == client.notices[0]
        assert "quota" in (results["o/r5"].detail or "")


@pytest.mark.parametrize("status", [403, 429])
def test_quota_already_gone_is_not_retried_or_slept(status, sleeps):
    with GitHubDouble(anon_limit=2, primary_status=status) as srv:
        srv.add("o/a")
        srv.add("o/b")
        srv.set_remaining(0)
        client, results, stats = run(srv, ["o/a", "o/b"], sleeps=sleeps)
        assert {v.status for v in results.values()} == {"unchecked"}
        assert len(srv.log) == 1 and stats.retries["github"] == 0 and sleeps == []
        assert client.notices and client.notices[0].startswith("GitHub quota exhausted until ")


def test_cached_answers_still_serve_after_the_quota_is_gone():
    with GitHubDouble(anon_limit=5) as srv:
        srv.add("o/known")
        srv.add("o/new")
        run(srv, ["o/known"], ttl=0)  # cached, then already stale on the next run
        srv.set_remaining(0)
        client, results, _ = run(srv, ["o/new", "o/known"], ttl=0)
        assert results["o/new"].status == "unchecked"
        assert results["o/known"].status == "ok" and results["o/known"].cached  # stale beats nothing
        assert len(srv.requests_to("/repos/o/known")) == 1


@pytest.mark.parametrize("status", [403, 429])
def test_short_secondary_limit_is_waited_out(double, sleeps, status):
    double.add("o/a")
    double.secondary_limit(1, status=status, retry_after=60)
    client, results, stats = run(double, ["o/a"], sleeps=sleeps)
    assert results["o/a"].status == "ok"
    assert sleeps == [60.0] and stats.retries["github"] == 1
    assert client.notices == []


def test_long_secondary_limit_stops_like_exhaustion(double, sleeps):
    for n in ("o/a", "o/b", "o/c"):
        double.add(n)
    double.secondary_limit(1, status=403, retry_after=3600)
    client, results, _ = run(double, ["o/a", "o/b", "o/c"], sleeps=sleeps)
    assert {v.status for v in results.values()} == {"unchecked"}
    assert sleeps == [] and len(double.log) == 1
    assert client.notices and "secondary rate limit" in client.notices[0]


def test_secondary_limit_without_retry_after_stops(double, sleeps):
    double.add("o/a")
    double.add("o/b")
    double.secondary_limit(1, status=403, retry_after=None)
    client, results, _ = run(double, ["o/a", "o/b"], sleeps=sleeps)
    assert {v.status for v in results.values()} == {"unchecked"} and len(double.log) == 1 and sleeps == []
    assert "secondary rate limit" in client.notices[0]


def test_offline_answers_from_the_cache_even_when_stale(double):
    double.add("o/a")
    run(double, ["o/a"], ttl=0)
    double.reset_log()
    client, results, stats = run(double, ["o/a", "o/never"], offline=True, ttl=0)
    assert results["o/a"].status == "ok" and results["o/a"].cached
    assert results["o/never"].status == "unchecked" and results["o/never"].detail.startswith("offline")
    assert double.log == [] and stats.network["github"] == 0


def test_unreachable_github_leaves_everything_unchecked_with_one_notice():
    settings = load_settings()  # conftest points GitHub at a closed port
    with HttpLayer(settings, sleep=lambda s: None) as http:
        client = GitHubClient(http, settings)
        results = client.resolve(["o/a", "o/b"])
    assert {v.status for v in results.values()} == {"unchecked"}
    assert len(client.notices) == 1 and client.notices[0].startswith("GitHub unreachable")


# --------------------------------------------------------------------------- GraphQL


def test_graphql_batches_at_most_100_repositories_per_request(double):
    names = [f"org/repo-{i:03d}" for i in range(250)]
    for n in names:
        double.add(n)
    client, results, stats = run(double, names, token=TOKEN)
    assert double.graphql_aliases == [100, 100, 50]
    assert len(double.requests_to("/graphql")) == 3 and double.requests_to("/repos/") == []
    assert client.graphql_requests == 3 and stats.network["github"] == 3
    assert all(results[n.casefold()].status == "ok" and results[n.casefold()].via == "graphql" for n in names)
    sent = double.requests_to("/graphql")[0]
    assert sent.header("Authorization") == f"Bearer {TOKEN}"


def test_graphql_fields_rename_and_not_found(double):
    double.add("Org/Kept", stars=42, license="MIT", topics=["a", "b"], homepage="https://x.org", archived=True,
               default_branch="dev", pushed_at="2025-01-02T03:04:05Z", description="d")
    double.rename("org/oldname", "org/NewName")
    client, results, _ = run(double, ["org/kept", "org/oldname", "org/gone"], token=TOKEN, confirm_not_found=False)
    kept = results["org/kept"].info
    assert (kept.full_name, kept.stars, kept.license, kept.topics, kept.homepage, kept.archived, kept.default_branch,
            kept.pushed_at, kept.description, kept.status) == (
        "Org/Kept", 42, "MIT", ["a", "b"], "https://x.org", True, "dev", "2025-01-02T03:04:05Z", "d", "ok")
    moved = results["org/oldname"]
    assert moved.status == "renamed" and moved.info.full_name == "org/NewName" and moved.info.old_name == "org/oldname"
    gone = results["org/gone"]
    assert gone.status == "dead" and "Could not resolve" in gone.detail
    assert len(double.log) == 1  # one GraphQL request for all three


def test_graphql_not_found_is_confirmed_over_rest(double):
    double.add("org/kept")
    _, results, _ = run(double, ["org/kept", "org/gone"], token=TOKEN)
    assert results["org/gone"].status == "dead" and results["org/gone"].via == "rest"
    assert [r.path for r in double.log] == ["/graphql", "/repos/org/gone"]


def test_graphql_rate_limited_inside_http_200_falls_back_to_rest(double):
    double.add("org/a")
    double.add("org/b")
    double.set_remaining(0, who="graphql")
    client, results, _ = run(double, ["org/a", "org/b"], token=TOKEN)
    assert {v.status for v in results.values()} == {"ok"}
    assert all(v.via == "rest" for v in results.values())
    assert any("GraphQL quota exhausted" in n for n in client.notices)
    # the error answer was not cached: a run with points again uses GraphQL
    double.set_remaining(10, who="graphql")
    _, results, _ = run(double, ["org/a", "org/b"], token=TOKEN, ttl=0)
    assert double.graphql_aliases[-1] == 2


def test_graphql_rerun_uses_no_quota(double):
    for n in ("org/a", "org/b"):
        double.add(n)
    run(double, ["org/a", "org/b"], token=TOKEN)
    used = double.quota_used
    _, results, stats = run(double, ["org/a", "org/b"], token=TOKEN)
    assert double.quota_used == used and stats.network["github"] == 0
    assert all(v.cached for v in results.values())


def test_rejected_token_falls_back_to_anonymous_and_is_not_echoed(double):
    double.add("org/a")
    client, results, _ = run(double, ["org/a"], token="ghp_WRONG_TOKEN_value")
    assert results["org/a"].status == "ok"
    assert any("rejected GITHUB_TOKEN" in n for n in client.notices)
    assert not any("ghp_WRONG_TOKEN_value" in n for n in client.notices)
    assert double.log[-1].header("Authorization") is None


def test_token_comes_from_the_environment(double, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    double.add("org/a")
    settings = load_settings(github_url=double.url)
    with HttpLayer(settings) as http:
        client = GitHubClient(http, settings)
        assert client.authenticated and TOKEN not in repr(client)
        client.resolve(["org/a"])
    assert double.log[0].path == "/graphql" and double.log[0].header("Authorization") == f"Bearer {TOKEN}"


@pytest.mark.parametrize("graphql", [True, False])
def test_token_never_reaches_logs_or_the_cache(double, caplog, graphql):
    double.add("org/a")
    double.rename("org/old", "org/new")
    with caplog.at_level(logging.DEBUG):
        client, results, _ = run(double, ["org/a", "org/old", "org/gone"], token=TOKEN, graphql=graphql)
        run(double, ["org/a", "org/old", "org/gone"], token=TOKEN, graphql=graphql, ttl=0)
    assert results["org/old"].status == "renamed"
    assert any(r.header("Authorization") == f"Bearer {TOKEN}" for r in double.log)  # it was really used
    assert TOKEN not in caplog.text
    cache_dir = Path(load_settings().cache_dir)
    blob = b"".join(p.read_bytes() for p in cache_dir.rglob("*") if p.is_file())
    assert blob and TOKEN.encode() not in blob
    assert TOKEN not in json.dumps([n for n in client.notices])


def test_token_is_not_part_of_the_cache_key(double):
    """An answer cached anonymously serves the same request made with a token: the key ignores it."""
    double.add("org/a", stars=3)
    run(double, ["org/a"])
    _, results, stats = run(double, ["org/a"], token=TOKEN, graphql=False)
    assert results["org/a"].status == "ok" and results["org/a"].cached
    assert len(double.log) == 1 and stats.network["github"] == 0


def test_graphql_secondary_limit_is_waited_out(double, sleeps):
    double.add("org/a")
    double.secondary_limit(1, status=403, retry_after=30)
    client, results, stats = run(double, ["org/a"], token=TOKEN, sleeps=sleeps)
    assert results["org/a"].status == "ok" and results["org/a"].via == "graphql"
    assert sleeps == [30.0] and [r.path for r in double.log] == ["/graphql", "/graphql"]
    assert client.notices == []


def recorded_response(stem: str) -> "requests.Response":
    """A requests.Response rebuilt from a recorded status line, headers and body (tests/data/github)."""
    import requests

    lines = (DATA / f"{stem}.headers.txt").read_text(encoding="utf-8").splitlines()
    response = requests.Response()
    response.status_code = int(next(l for l in lines if l.startswith("HTTP status:")).split(":")[1])
    for line in lines[2:]:
        if ": " in line and not line.startswith("HTTP status"):
            k, v = line.split(": ", 1)
            response.headers[k] = v
    response._content = (DATA / f"{stem}.json").read_bytes()
    return response


def test_recorded_rate_limit_answers_are_classified():
    from bibkit.enrich.github import rate_limit_kind, retry_verdict

    primary = recorded_response("github-403-primary-ratelimit")  # 2013: remaining 0, no reset header
    secondary = recorded_response("github-403-secondary-ratelimit")  # 2018: "abuse", Retry-After: 60
    assert rate_limit_kind(primary) == "primary" and retry_verdict(primary) is False
    assert rate_limit_kind(secondary) == "secondary" and retry_verdict(secondary) is True
    moved = recorded_response("github-moved")
    assert rate_limit_kind(moved) is None and retry_verdict(moved) is None


def test_quota_notice_wording():
    assert quota_notice(None, token=False) == "GitHub quota exhausted — set GITHUB_TOKEN"
    assert "set GITHUB_TOKEN" not in quota_notice(2_000_000_000, token=True)


def test_token_quota_exhaustion_over_rest(double):
    double.add("org/a")
    double.add("org/b")
    double.set_remaining(1, who="token")
    client, results, _ = run(double, ["org/a", "org/b"], token=TOKEN, graphql=False)
    assert [results["org/a"].status, results["org/b"].status] == ["ok", "unchecked"]
    assert "(the limit of GITHUB_TOKEN)" in client.notices[0]
