"""The GitHub double answers in GitHub's recorded formats (tests/data/github/, real samples).

These tests talk to the double with plain ``requests`` calls (they test a
server, not a bibkit client), and compare its answers with the recordings.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from bibkit.links import extract_links
from bibkit.model import LinkKind
from bibkit.testing.github import EXAMPLE_DEAD, EXAMPLE_RENAMED, EXAMPLE_REPOS, FakeRepo, GitHubDouble

DATA = Path(__file__).parent / "data" / "github"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hf-trending-papers.txt"
UA = {"User-Agent": "bibkit-tests"}


def sample(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def recorded_headers(name: str) -> dict[str, str]:
    out = {}
    for line in (DATA / name).read_text(encoding="utf-8").splitlines()[2:]:
        if ": " in line:
            k, v = line.split(": ", 1)
            out[k.lower()] = v
    return out


@pytest.fixture()
def double():
    with GitHubDouble(token="ghp_double_token") as srv:
        yield srv


def get(srv, path, **headers):
    return requests.get(srv.url + path, headers={**UA, **headers}, allow_redirects=False, timeout=5)


def test_repo_body_has_the_recorded_field_layout(double):
    double.add("Owner/Repo", stars=12, license="Apache-2.0", topics=["nlp"], homepage="")
    r = get(double, "/repos/owner/REPO")  # names are case-insensitive; full_name has the canonical casing
    assert r.status_code == 200
    body = r.json()
    recorded = sample("github-repo.json")
    assert set(body) <= set(recorded)  # only field names the real API uses
    for key in ("id", "full_name", "description", "homepage", "stargazers_count", "license", "topics", "archived",
                "fork", "pushed_at", "default_branch"):
        assert key in body
    assert body["full_name"] == "Owner/Repo"
    assert body["license"]["spdx_id"] == "Apache-2.0" and set(body["license"]) == set(recorded["license"])
    assert body["homepage"] == ""
    recorded_h = recorded_headers("github-repo.headers.txt")
    for h in ("etag", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-resource"):
        assert h in recorded_h and h in {k.lower() for k in r.headers}
    assert r.headers["ETag"].startswith('W/"')  # weak, like the recording
    assert r.headers["X-RateLimit-Limit"] == "60" and r.headers["X-RateLimit-Remaining"] == "59"


def test_recorded_body_is_served_verbatim(double):
    double.add_recorded(sample("github-repo.json"))
    assert get(double, "/repos/PyGithub/PyGithub").json() == sample("github-repo.json")


def test_rename_answers_301_to_the_numeric_id_like_the_recording(double):
    followed = sample("github-moved-followed.json")
    double.add_recorded(followed)
    old = "octokit-fixture-org/tmp-scenario-rename-repository-20220719044033126-ukeod"
    double.rename(old, followed["full_name"])
    r = get(double, f"/repos/{old}")
    assert r.status_code == 301
    recorded = sample("github-moved.json")
    assert set(r.json()) == set(recorded) and r.json()["message"] == recorded["message"]
    assert r.headers["Location"] == f"{double.url}/repositories/515436299"  # the id, not the new name
    assert "location" in recorded_headers("github-moved.headers.txt")
    after = get(double, "/repositories/515436299")
    assert after.status_code == 200 and after.json()["full_name"] == followed["full_name"]
    assert double.quota_used == 2  # the 301 costs quota too (the recording's remaining drops by one)


def test_404_uses_the_modern_envelope(double):
    r = get(double, "/repos/nobody/nothing")
    assert r.status_code == 404
    body = r.json()
    assert set(body) == set(sample("github-404-modern.json"))
    assert body["message"] == sample("github-404.json")["message"] == "Not Found"
    assert body["status"] == "404" and body["documentation_url"].endswith("#get-a-repository")


def test_etag_304_does_not_use_quota(double):
    double.add("a/b")
    first = get(double, "/repos/a/b")
    again = get(double, "/repos/a/b", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["X-RateLimit-Remaining"] == first.headers["X-RateLimit-Remaining"] == "59"
    assert double.quota_used == 1 and double.not_modified == 1
    assert "x-ratelimit-remaining" in recorded_headers("github-304.headers.txt")


@pytest.mark.parametrize("status", [403, 429])
def test_rate_limit_counts_down_to_a_refusal(status):
    with GitHubDouble(anon_limit=3, primary_status=status) as srv:
        srv.add("a/b")
        remaining = [get(srv, "/repos/a/b").headers["X-RateLimit-Remaining"] for _ in range(3)]
        assert remaining == ["2", "1", "0"]
        refused = get(srv, "/repos/a/b")
        assert refused.status_code == status
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert int(refused.headers["X-RateLimit-Reset"]) > time.time()
        assert "rate limit exceeded" in refused.json()["message"].lower()
        recorded = recorded_headers("github-403-primary-ratelimit.headers.txt")
        assert recorded["x-ratelimit-remaining"] == "0"
        assert srv.quota_used == 3


def test_token_has_its_own_larger_quota(double):
    double.add("a/b")
    r = get(double, "/repos/a/b", Authorization="Bearer ghp_double_token")
    assert r.headers["X-RateLimit-Limit"] == "5000"
    assert get(double, "/repos/a/b", Authorization="Bearer wrong").status_code == 401


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_limit_with_retry_after(double, status):
    double.add("a/b")
    double.secondary_limit(1, status=status, retry_after=60)
    r = get(double, "/repos/a/b")
    assert r.status_code == status and r.headers["Retry-After"] == "60"
    message = r.json()["message"].lower()
    assert ("abuse" in message) if status == 403 else ("secondary rate limit" in message)
    if status == 403:
        assert r.json() == sample("github-403-secondary-ratelimit.json")
        assert recorded_headers("github-403-secondary-ratelimit.headers.txt")["retry-after"] == "60"
    assert get(double, "/repos/a/b").status_code == 200


def _graphql(srv, query, variables=None, token="ghp_double_token"):
    headers = {**UA, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(srv.url + "/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=5)


def test_graphql_needs_a_token(double):
    assert _graphql(double, "query { rateLimit { remaining } }", token=None).status_code == 401


def test_graphql_aliases_and_not_found_like_the_recordings(double):
    double.add("PyGithub/PyGithub", stars=6209, license="LGPL-3.0")
    # the recorded query shape (variables, no alias) answers under "repository"
    recorded = sample("github-graphql-repo.json")
    r = _graphql(double, recorded["request_body"]["query"], recorded["request_body"]["variables"])
    assert r.json()["data"]["repository"]["url"] == recorded["response_body"]["data"]["repository"]["url"]
    q = ('query { r0: repository(owner: "pygithub", name: "pygithub") { nameWithOwner } '
         'r1: repository(owner: "IBM-Swift", name: "kitura-mustachetemplateengine") { nameWithOwner } '
         'rateLimit { remaining } }')
    body = _graphql(double, q).json()
    assert body["data"]["r0"]["nameWithOwner"] == "PyGithub/PyGithub"
    assert body["data"]["r1"] is None
    notfound = sample("github-graphql-notfound.json")
    error = body["errors"][0]
    assert set(error) == set(notfound["errors"][0]) and error["type"] == "NOT_FOUND" and error["path"] == ["r1"]
    assert error["message"] == notfound["errors"][0]["message"]
    assert double.graphql_aliases == [1, 2]


def test_graphql_used_up_is_an_error_inside_http_200(double):
    double.add("a/b")
    double.set_remaining(0, who="graphql")
    r = _graphql(double, 'query { r0: repository(owner: "a", name: "b") { nameWithOwner } }')
    assert r.status_code == 200
    assert r.json()["errors"][0]["type"] == "RATE_LIMITED"
    assert r.headers["X-RateLimit-Remaining"] == "0" and r.headers["X-RateLimit-Resource"] == "graphql"


def test_user_agent_is_required(double):
    r = requests.get(double.url + "/repos/a/b", headers={"User-Agent": ""}, timeout=5)
    assert r.status_code == 403


def test_from_example_serves_every_repository_linked_in_the_listing():
    text = EXAMPLE.read_text(encoding="utf-8")
    linked = {l.target.casefold() for l in extract_links(text, "abstract") if l.kind is LinkKind.GITHUB}
    assert linked == {n.casefold() for n in EXAMPLE_REPOS}
    with GitHubDouble.from_example() as srv:
        for name in EXAMPLE_REPOS:
            r = get(srv, f"/repos/{name}")
            if name in EXAMPLE_DEAD:
                assert r.status_code == 404
            elif name in EXAMPLE_RENAMED:
                assert r.status_code == 301
                moved = get(srv, r.headers["Location"][len(srv.url):]).json()
                assert moved["full_name"] == EXAMPLE_RENAMED[name]
            else:
                body = r.json()
                assert r.status_code == 200 and body["full_name"] == name
                assert "synthetic" in body["description"].lower()  # labelled as made up


def test_fake_repo_round_trips_a_recorded_body():
    repo = FakeRepo.from_rest(sample("github-repo.json"))
    assert (repo.full_name, repo.stars, repo.license, repo.homepage) == (
        "PyGithub/PyGithub", 6209, "LGPL-3.0", "https://pygithub.readthedocs.io/")
