"""A second, INDEPENDENT GitHub API double (tests only), written from ../shared/apis/APIS.md section 2.

It differs from ``bibkit.testing.github`` where GitHub itself is allowed to:

* rate-limit headers in GitHub's own capitalisation (``X-RateLimit-Remaining``)
  on successes and in lower case (``x-ratelimit-remaining``) on errors;
* a used-up primary quota answered with **429** (GitHub answers 403 or 429),
  with no ``Retry-After``;
* GraphQL that fails *as a whole* for big queries: HTTP 502 (cut off at 10 s,
  ``timeout_over`` aliases or more), or HTTP 200 with ``"data": null`` and a
  timeout error (``error_over``); a used-up GraphQL quota as HTTP 200 with an
  error whose ``type`` is ``RATE_LIMITED``;
* GraphQL does not resolve old names (``NOT_FOUND``), REST answers 301 to
  ``/repositories/<id>``;
* weak ETags on 200s, ``304`` (free) on a matching ``If-None-Match``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any

from bibkit.testing.server import LocalServer, Reply, Request

__all__ = ["IndepGitHub"]

DOC = "https://docs.github.com/rest/repos/repos#get-a-repository"


class IndepGitHub(LocalServer):
    def __init__(self, *, quota: int = 60, token: str | None = None, timeout_over: int | None = None,
                 error_over: int | None = None, graphql_quota: int = 5000):
        super().__init__()
        self.repos: dict[int, dict[str, Any]] = {}
        self.names: dict[str, int] = {}  # casefolded owner/name (current and old) -> id
        self.quota, self.graphql_quota = quota, graphql_quota
        self.token = token
        self.timeout_over, self.error_over = timeout_over, error_over
        self.reset = int(time.time()) + 1800
        self.used = 0
        self.not_modified = 0
        self.graphql_sizes: list[int] = []

    # ------------------------------------------------------------------ data

    def add(self, full_name: str, *, stars: int = 5, old: tuple[str, ...] = ()) -> None:
        rid = 1000 + len(self.repos)
        self.repos[rid] = {
            "id": rid, "node_id": f"R_{rid}", "name": full_name.split("/")[1], "full_name": full_name,
            "private": False, "html_url": f"https://github.com/{full_name}", "description": f"{full_name} code",
            "fork": False, "homepage": "", "stargazers_count": stars, "watchers_count": stars,
            "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT", "url": None, "node_id": "L1"},
            "topics": ["ml"], "archived": False, "disabled": False, "visibility": "public",
            "pushed_at": "2025-01-02T03:04:05Z", "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2025-01-02T03:04:05Z", "default_branch": "main",
        }
        self.names[full_name.casefold()] = rid
        for o in old:
            self.names[o.casefold()] = rid

    # ------------------------------------------------------------------ serving

    def _rate(self, lower: bool = False) -> dict[str, str]:
        h = {"X-RateLimit-Limit": str(self.quota), "X-RateLimit-Remaining": str(max(0, self.quota - self.used)),
             "X-RateLimit-Used": str(self.used), "X-RateLimit-Reset": str(self.reset), "X-RateLimit-Resource": "core"}
        return {k.lower(): v for k, v in h.items()} if lower else h

    def handle(self, r: Request) -> Reply | None:
        if r.method == "POST" and r.path == "/graphql":
            return self._graphql(r)
        if self.used >= self.quota:
            return Reply.json({"message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                                          "Authenticated requests get a higher rate limit.)",
                               "documentation_url": "https://docs.github.com/rest/rate-limit"}, 429, self._rate(lower=True))
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)", r.path)
        n = re.fullmatch(r"/repositories/(\d+)", r.path)
        if not (m or n):
            return Reply.json({"message": "Not Found", "documentation_url": DOC, "status": "404"}, 404)
        rid = self.names.get(f"{m.group(1)}/{m.group(2)}".casefold()) if m else int(n.group(1))
        repo = self.repos.get(rid) if rid is not None else None
        if repo is None:
            self.used += 1
            return Reply.json({"message": "Not Found", "documentation_url": DOC, "status": "404"}, 404, self._rate())
        if m and repo["full_name"].casefold() != f"{m.group(1)}/{m.group(2)}".casefold():
            self.used += 1
            url = f"{self.url}/repositories/{rid}"
            return Reply.json({"message": "Moved Permanently", "url": url, "documentation_url": DOC}, 301,
                              {**self._rate(), "Location": url})
        body = json.dumps(repo).encode()
        etag = f'W/"{hashlib.sha256(body).hexdigest()}"'
        if r.header("If-None-Match") == etag:
            self.not_modified += 1
            return Reply(304, b"", {**self._rate(), "ETag": etag})
        self.used += 1
        return Reply(200, body, {**self._rate(), "ETag": etag, "Cache-Control": "public, max-age=60"},
                     "application/json; charset=utf-8")

    def _graphql(self, r: Request) -> Reply:
        if not (self.token and r.header("Authorization") == f"Bearer {self.token}"):
            return Reply.json({"message": "This endpoint requires you to be authenticated.",
                               "documentation_url": "https://docs.github.com/graphql"}, 401)
        payload = r.json()
        aliases = re.findall(r"(r\d+): repository\(owner: \$(o\d+), name: \$(n\d+)\)", payload["query"])
        self.graphql_sizes.append(len(aliases))
        headers = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": str(self.graphql_quota),
                   "x-ratelimit-resource": "graphql", "x-ratelimit-reset": str(self.reset)}
        if self.graphql_quota <= 0:
            return Reply.json({"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]},
                              200, headers)
        if self.timeout_over is not None and len(aliases) >= self.timeout_over:
            return Reply.text("<html><body><h1>502 Bad Gateway</h1></body></html>", 502, content_type="text/html")
        if self.error_over is not None and len(aliases) >= self.error_over:
            return Reply.json({"data": None, "errors": [{"message": "Something went wrong while executing your query. "
                                                                    "This may be the result of a timeout, or it could "
                                                                    "be a GitHub bug."}]}, 200, headers)
        self.graphql_quota -= 1
        data: dict[str, Any] = {}
        errors = []
        variables = payload.get("variables") or {}
        for alias, o, n in aliases:
            name = f"{variables.get(o)}/{variables.get(n)}"
            rid = self.names.get(name.casefold())
            repo = self.repos.get(rid) if rid is not None else None
            if repo is None or repo["full_name"].casefold() != name.casefold():
                data[alias] = None
                errors.append({"type": "NOT_FOUND", "path": [alias], "locations": [{"line": 2, "column": 3}],
                               "message": f"Could not resolve to a Repository with the name '{name}'."})
                continue
            data[alias] = {
                "nameWithOwner": repo["full_name"], "url": repo["html_url"], "description": repo["description"],
                "homepageUrl": repo["homepage"], "stargazerCount": repo["stargazers_count"],
                "licenseInfo": {"spdxId": "MIT"}, "repositoryTopics": {"nodes": [{"topic": {"name": "ml"}}]},
                "isArchived": False, "isFork": False, "pushedAt": repo["pushed_at"], "defaultBranchRef": {"name": "main"},
            }
        data["rateLimit"] = {"cost": 1, "remaining": self.graphql_quota, "resetAt": "2030-01-01T00:00:00Z"}
        body: dict[str, Any] = {"data": data}
        if errors:
            body["errors"] = errors
        return Reply.json(body, 200, headers)
