"""GitHubClient against an INDEPENDENT GitHub double (tests/indep_github.py): header case, 429 for the
primary quota, GraphQL failing as a whole (502, or HTTP 200 without data), GraphQL quota inside a 200,
renames, dead repositories, ETag revalidation."""

from __future__ import annotations

import pytest

from bibkit.config import load_settings
from bibkit.enrich.github import GRAPHQL_MIN_SPLIT, GitHubClient
from bibkit.http import HttpLayer
from indep_github import IndepGitHub

TOKEN = "ghp_INDEPENDENT0123456789abcdefSECRET"


def run(srv: IndepGitHub, names, *, token=None, sleeps=None, **kw):
    settings = load_settings(github_url=srv.url)
    with HttpLayer(settings, sleep=(sleeps.append if sleeps is not None else lambda s: None)) as http:
        client = GitHubClient(http, settings, token=token, **kw)
        return client, client.resolve(names)


def test_rate_headers_in_githubs_own_capitalisation_are_read():
    with IndepGitHub(quota=60) as srv:
        for i in range(3):
            srv.add(f"o/r{i}")
        client, results = run(srv, [f"o/r{i}" for i in range(3)])
    assert {r.status for r in results.values()} == {"ok"}
    assert client.rate["core"].remaining == 57 and client.rate["core"].limit == 60


def test_primary_quota_answered_with_429_stops_at_once_without_sleeping():
    with IndepGitHub(quota=0) as srv:
        for i in range(4):
            srv.add(f"o/r{i}")
        sleeps: list[float] = []
        client, results = run(srv, [f"o/r{i}" for i in range(4)], sleeps=sleeps)
        assert len(srv.log) == 1  # the 429 said the quota is gone: nothing else asked, nothing slept
    assert sleeps == []
    assert {r.status for r in results.values()} == {"unchecked"}
    assert client.notices and client.notices[0].startswith("GitHub quota exhausted until ")
    assert client.notices[0].endswith("set GITHUB_TOKEN")


def test_rename_via_repositories_id_and_dead_repository():
    with IndepGitHub() as srv:
        srv.add("new-owner/NewName", old=("old-owner/oldname",))
        _client, results = run(srv, ["old-owner/oldname", "gone/away"])
        assert [r.path for r in srv.log] == ["/repos/old-owner/oldname", f"/repositories/{srv.names['new-owner/newname']}",
                                             "/repos/gone/away"]
    moved = results["old-owner/oldname"].info
    assert (moved.status, moved.full_name, moved.old_name) == ("renamed", "new-owner/NewName", "old-owner/oldname")
    assert results["gone/away"].status == "dead"


@pytest.mark.parametrize("failure", ["timeout_over", "error_over"])
def test_graphql_failing_as_a_whole_is_split_not_repeated(failure):
    """A 502 (GitHub cut the query off) or a 200 without data: smaller queries, no identical retries."""
    names = [f"o/r{i}" for i in range(60)]
    with IndepGitHub(token=TOKEN, **{failure: 25}) as srv:
        for n in names:
            srv.add(n)
        sleeps: list[float] = []
        client, results = run(srv, names, token=TOKEN, sleeps=sleeps)
        assert sorted(srv.graphql_sizes, reverse=True) == [60, 30, 30, 15, 15, 15, 15]  # halves, depth first
        assert srv.requests_to("/repos") == []  # every repository came from GraphQL in the end
    assert sleeps == []
    assert {r.via for r in results.values()} == {"graphql"} and {r.status for r in results.values()} == {"ok"}


def test_graphql_small_batches_that_still_fail_go_to_rest():
    names = [f"o/r{i}" for i in range(GRAPHQL_MIN_SPLIT)]
    with IndepGitHub(token=TOKEN, timeout_over=1) as srv:
        for n in names:
            srv.add(n)
        _client, results = run(srv, names, token=TOKEN)
        assert srv.graphql_sizes == [GRAPHQL_MIN_SPLIT]
        assert len(srv.requests_to("/repos")) == len(names)
    assert {r.status for r in results.values()} == {"ok"}


def test_graphql_quota_inside_http_200_falls_back_to_rest():
    with IndepGitHub(token=TOKEN, graphql_quota=0) as srv:
        srv.add("o/a")
        srv.add("o/b")
        client, results = run(srv, ["o/a", "o/b"], token=TOKEN)
        assert len(srv.requests_to("/graphql")) == 1 and len(srv.requests_to("/repos")) == 2
    assert {r.status for r in results.values()} == {"ok"}
    assert any("GraphQL quota exhausted" in n for n in client.notices)


def test_graphql_not_found_for_an_old_name_is_confirmed_over_rest():
    with IndepGitHub(token=TOKEN) as srv:
        srv.add("new/Name", old=("old/name",))
        srv.add("o/fine")
        _client, results = run(srv, ["old/name", "o/fine"], token=TOKEN)
    assert results["old/name"].status == "renamed" and results["old/name"].info.full_name == "new/Name"
    assert results["o/fine"].via == "graphql"


def test_revalidation_with_the_etag_costs_no_quota():
    with IndepGitHub() as srv:
        srv.add("o/a")
        srv.add("o/b")
        run(srv, ["o/a", "o/b"], ttl=0)
        used = srv.used
        _client, results = run(srv, ["o/a", "o/b"], ttl=0)
        assert srv.used == used and srv.not_modified == 2
    assert {r.status for r in results.values()} == {"ok"}
