"""A GitHub API double: real HTTP on 127.0.0.1, answering in GitHub's recorded formats.

What it serves (shapes from recorded responses, see ``tests/data/github/README.md``):

* ``GET /repos/{owner}/{repo}`` (owner/name case-insensitive, canonical casing
  in ``full_name``) and ``GET /repositories/{id}``: the repository JSON, with a
  weak ``ETag``; ``If-None-Match`` with the current ETag gets an empty ``304``
  that does **not** use quota.
* a renamed/transferred repository: ``301`` with ``Location:
  <base>/repositories/<id>`` (not the new name) and the "Moved Permanently"
  body; the 301 uses quota, as GitHub's own headers show.
* a missing repository: ``404`` in the current envelope (``status`` as a string).
* a blocked repository: ``451`` (DMCA) or ``403`` "Repository access blocked".
* rate limits per caller (anonymous 60/hour, token 5000/hour, GraphQL 5000
  points): ``x-ratelimit-*`` headers counting down, then ``403`` (or ``429``)
  with ``x-ratelimit-remaining: 0``.
* the secondary limit on demand (:meth:`GitHubDouble.secondary_limit`): ``403``
  with the recorded "abuse detection" body or ``429`` "secondary rate limit",
  with ``Retry-After``.
* ``POST /graphql`` (token required): aliased ``repository(owner:, name:)``
  fields, ``null`` + ``NOT_FOUND`` errors for missing repositories, a
  ``RATE_LIMITED`` error inside an HTTP 200 once its points are gone.

Counters tests and benchmarks read: :attr:`quota_used` (requests that cost
quota), :attr:`not_modified` (free 304s), :attr:`graphql_aliases` (repositories
per GraphQL request), and the base class's request log.

:meth:`GitHubDouble.from_example` serves every repository linked from
``examples/hf-trending-papers.txt`` (and every one the synthetic arXiv and
Hugging Face answers name) with **synthetic** metadata (stars,
licences, dates are made up, deterministically), one of them renamed and one
dead; see :data:`EXAMPLE_REPOS`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .server import LocalServer, Reply, Request

__all__ = ["GitHubDouble", "FakeRepo", "EXAMPLE_REPOS", "EXAMPLE_RENAMED", "EXAMPLE_DEAD"]

#: every GitHub repository linked from examples/hf-trending-papers.txt, as the listing writes it
EXAMPLE_REPOS: tuple[str, ...] = (
    "DavidFanzz/Generalist_or_Specialist",
    "AlibabaResearch/AdvancedLiterateMachinery",
    "withinmiaov/A-Survey-on-Mixture-of-Experts",
    "ZhenweiAn/Dynamic_MoE",
    "yifei-he/Compressed-Experts",
    "abilliyb/Knowledge_Injection_Survey_Papers",
    "MoE-Inf/awesome-moe-inference",
    "nlpie-research/Lightweight-Clinical-Transformers",
    "gersteinlab/MedAgents",
    "anpoc/Language-models-in-medicine",
    "microsoft/Stochastic-Mixture-of-Experts",
    "qiuzh20/RMoE",
    "GCYZSL/MoLA",
    "declare-lab/instruct-eval",
    "YujiaoYang-work/UoE",
    "modelscope/data-juicer",
    "prateeky2806/compeft",
    "aitomatic/semikong",
)
_REPO_LINK = re.compile(r"https?://github\.com/([\w.-]+/[\w.-]+)")


def corpus_repos() -> list[str]:
    """Every repository the synthetic services point to (Hugging Face's ``githubRepo``, links in arXiv
    abstracts and comments): served too, so that a user trying ``bibkit services`` sees the GitHub step
    work, not "not found" for repositories the other doubles named."""
    from .corpus import load_corpus

    corpus = load_corpus()
    texts = [str(h.get("githubRepo") or "") for h in corpus.hf]
    texts += [f"{p.abstract} {p.comment or ''}" for p in corpus.papers]
    names = (m.group(1).rstrip(".").removesuffix(".git") for text in texts for m in _REPO_LINK.finditer(text))
    return list(dict.fromkeys(names))


#: synthetic: this example repository answers 301 to its new name
EXAMPLE_RENAMED: dict[str, str] = {"ZhenweiAn/Dynamic_MoE": "ZhenweiAn/DynMoE"}
#: synthetic: this example repository answers 404
EXAMPLE_DEAD: frozenset[str] = frozenset({"aitomatic/semikong"})

_LICENSES: dict[str, tuple[str, str]] = {
    "MIT": ("mit", "MIT License"),
    "Apache-2.0": ("apache-2.0", "Apache License 2.0"),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License'),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0"),
    "LGPL-3.0": ("lgpl-3.0", "GNU Lesser General Public License v3.0"),
    "CC-BY-4.0": ("cc-by-4.0", "Creative Commons Attribution 4.0 International"),
    "NOASSERTION": ("other", "Other"),
}

_DOCS = "https://docs.github.com/rest"
NOT_FOUND = {"message": "Not Found", "documentation_url": f"{_DOCS}/repos/repos#get-a-repository", "status": "404"}
#: recorded 2018 body of the secondary limit under its old name (github-403-secondary-ratelimit.json)
ABUSE_BODY = {
    "documentation_url": "https://developer.github.com/v3/#abuse-rate-limits",
    "message": "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.",
}
SECONDARY_BODY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    "documentation_url": f"{_DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    "status": "429",
}


@dataclass
class FakeRepo:
    """One repository the double knows.  ``raw``: a recorded REST body served verbatim."""

    full_name: str
    id: int
    description: str | None = None
    stars: int = 0
    license: str | None = "MIT"
    topics: list[str] = field(default_factory=list)
    archived: bool = False
    fork: bool = False
    default_branch: str | None = "main"
    pushed_at: str | None = "2024-06-01T12:00:00Z"
    homepage: str | None = ""
    created_at: str = "2023-01-15T09:30:00Z"
    raw: dict[str, Any] | None = None

    @classmethod
    def from_rest(cls, body: dict[str, Any]) -> "FakeRepo":
        lic = body.get("license") or None
        return cls(
            full_name=body["full_name"], id=int(body["id"]), description=body.get("description"),
            stars=int(body.get("stargazers_count") or 0), license=lic.get("spdx_id") if lic else None,
            topics=list(body.get("topics") or []), archived=bool(body.get("archived")), fork=bool(body.get("fork")),
            default_branch=body.get("default_branch"), pushed_at=body.get("pushed_at"), homepage=body.get("homepage"),
            created_at=body.get("created_at") or "2020-01-01T00:00:00Z", raw=body,
        )

    def rest_json(self, api: str) -> dict[str, Any]:
        """The REST body: a recorded one verbatim, else the recorded field layout with this repo's values."""
        if self.raw is not None:
            return self.raw
        owner, name = self.full_name.split("/", 1)
        lic = None
        if self.license:
            key, lname = _LICENSES.get(self.license, (self.license.lower(), self.license))
            lic = {"key": key, "name": lname, "spdx_id": self.license,
                   "url": None if key == "other" else f"{api}/licenses/{key}", "node_id": "MDc6TGljZW5zZTEz"}
        return {
            "id": self.id, "node_id": f"R_kgDO{self.id:08d}", "name": name, "full_name": self.full_name, "private": False,
            "owner": {"login": owner, "id": zlib.crc32(owner.encode()) % 10_000_000, "type": "User",
                      "url": f"{api}/users/{owner}", "html_url": f"https://github.com/{owner}", "site_admin": False},
            "html_url": f"https://github.com/{self.full_name}", "description": self.description, "fork": self.fork,
            "url": f"{api}/repos/{self.full_name}", "created_at": self.created_at, "updated_at": self.pushed_at,
            "pushed_at": self.pushed_at, "git_url": f"git://github.com/{self.full_name}.git",
            "clone_url": f"https://github.com/{self.full_name}.git", "homepage": self.homepage, "size": 2048,
            "stargazers_count": self.stars, "watchers_count": self.stars, "language": "Python",
            "has_issues": True, "forks_count": self.stars // 10, "mirror_url": None, "archived": self.archived,
            "disabled": False, "open_issues_count": 3, "license": lic, "allow_forking": True, "is_template": False,
            "topics": list(self.topics), "visibility": "public", "forks": self.stars // 10, "open_issues": 3,
            "watchers": self.stars, "default_branch": self.default_branch, "network_count": self.stars // 10,
            "subscribers_count": max(1, self.stars // 50),
        }

    def graphql_node(self) -> dict[str, Any]:
        return {
            "nameWithOwner": self.full_name,
            "url": f"https://github.com/{self.full_name}",
            "description": self.description,
            "homepageUrl": self.homepage,
            "stargazerCount": self.stars,
            "licenseInfo": {"spdxId": self.license} if self.license else None,
            "repositoryTopics": {"nodes": [{"topic": {"name": t}} for t in self.topics]},
            "isArchived": self.archived,
            "isFork": self.fork,
            "pushedAt": self.pushed_at,
            "defaultBranchRef": {"name": self.default_branch} if self.default_branch else None,
        }


_ALIAS = re.compile(
    r'(?:(?P<alias>[A-Za-z_]\w*)\s*:\s*)?repository\s*\(\s*owner\s*:\s*(?P<owner>\$\w+|"(?:[^"\\]|\\.)*")\s*,'
    r'\s*name\s*:\s*(?P<name>\$\w+|"(?:[^"\\]|\\.)*")\s*\)'
)


class GitHubDouble(LocalServer):
    """The double.  ``token``: the one token it accepts (GraphQL needs it)."""

    def __init__(
        self,
        *,
        token: str | None = None,
        anon_limit: int = 60,
        token_limit: int = 5000,
        graphql_limit: int = 5000,
        reset_in: float = 3600,
        primary_status: int = 403,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        super().__init__(host, port)
        self.token = token
        self.limits = {"anon": anon_limit, "token": token_limit}
        self.graphql_limit = graphql_limit
        self.primary_status = primary_status
        self.reset_at = int(time.time() + reset_in)
        self.repos: dict[str, FakeRepo] = {}  # case-folded full_name -> repo
        self.by_id: dict[int, FakeRepo] = {}
        self.moved: dict[str, int] = {}  # case-folded old name -> id
        self.blocked: dict[str, tuple[int, dict[str, Any]]] = {}
        self.used: dict[str, int] = {"anon": 0, "token": 0, "graphql": 0}
        self.quota_used = 0  # every request that cost quota (core and GraphQL)
        self.not_modified = 0
        self.graphql_aliases: list[int] = []
        self._secondary: list[tuple[int, float, dict[str, Any]]] = []
        self._state = threading.Lock()

    # -- set-up -----------------------------------------------------------------------

    def add(self, repo: FakeRepo | str, **fields: Any) -> FakeRepo:
        """Serve a repository (a :class:`FakeRepo`, or a full name plus fields)."""
        if isinstance(repo, str):
            fields.setdefault("id", 100_000 + zlib.crc32(repo.casefold().encode()) % 900_000_000)
            repo = FakeRepo(repo, **fields)
        self.repos[repo.full_name.casefold()] = repo
        self.by_id[repo.id] = repo
        return repo

    def add_recorded(self, body: dict[str, Any]) -> FakeRepo:
        """Serve a recorded REST body verbatim (e.g. tests/data/github/github-repo.json)."""
        return self.add(FakeRepo.from_rest(body))

    def rename(self, old: str, new: str) -> FakeRepo:
        """``old`` becomes ``new`` (rename or transfer): the old path answers 301 to ``/repositories/<id>``.

        If only ``new`` is known (e.g. a recorded body added under its new name),
        ``old`` simply starts redirecting to it.
        """
        repo = self.repos.pop(old.casefold(), None) or self.repos.get(new.casefold()) or self.add(new)
        repo.full_name = new
        if repo.raw is not None:
            repo.raw = {**repo.raw, "full_name": new, "name": new.split("/", 1)[1]}
        self.repos[new.casefold()] = repo
        self.moved[old.casefold()] = repo.id
        return repo

    def block(self, name: str, status: int = 451) -> None:
        """Answer ``status`` (451 DMCA, or 403) for ``name``.  Bodies are synthetic."""
        if status == 451:
            body = {"message": "Repository access blocked",
                    "block": {"reason": "dmca", "created_at": "2024-03-01T10:00:00Z",
                              "html_url": "https://github.com/github/dmca/blob/master/2024/03/2024-03-01-example.md"}}
        else:
            body = {"message": "Repository access blocked", "block": {"reason": "tos", "created_at": "2024-03-01T10:00:00Z"}}
        self.blocked[name.casefold()] = (status, body)

    def secondary_limit(self, times: int = 1, *, status: int = 403, retry_after: float | None = 60) -> None:
        """The next ``times`` requests hit the secondary limit (``Retry-After`` unless ``None``)."""
        body = ABUSE_BODY if status == 403 else SECONDARY_BODY
        for _ in range(times):
            self._secondary.append((status, -1 if retry_after is None else retry_after, body))

    def set_remaining(self, remaining: int, *, who: str = "anon") -> None:
        """Pretend ``who`` (``anon``, ``token`` or ``graphql``) has ``remaining`` requests left."""
        limit = self.graphql_limit if who == "graphql" else self.limits[who]
        self.used[who] = limit - remaining

    def remaining(self, who: str = "anon") -> int:
        limit = self.graphql_limit if who == "graphql" else self.limits[who]
        return max(0, limit - self.used[who])

    # -- answers ----------------------------------------------------------------------

    def _rate_headers(self, who: str, resource: str) -> dict[str, str]:
        limit = self.graphql_limit if who == "graphql" else self.limits[who]
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(self.remaining(who)),
            "X-RateLimit-Reset": str(self.reset_at),
            "X-RateLimit-Used": str(self.used[who]),
            "X-RateLimit-Resource": resource,
        }

    def _spend(self, who: str) -> None:
        self.used[who] += 1
        self.quota_used += 1

    def handle(self, request: Request) -> Reply | None:
        with self._state:
            return self._handle(request)

    def _handle(self, request: Request) -> Reply:
        if not request.header("User-Agent"):
            return Reply.json({"message": "Request forbidden by administrative rules. "
                                          "Please make sure your request has a User-Agent header."}, 403)
        who = "anon"
        auth = request.header("Authorization")
        if auth:
            presented = auth.split()[-1]
            if self.token is None or presented != self.token:
                return Reply.json({"message": "Bad credentials", "documentation_url": _DOCS, "status": "401"}, 401)
            who = "token"
        if self._secondary:
            status, retry_after, body = self._secondary.pop(0)
            headers = {**self._rate_headers(who, "core")}
            if retry_after >= 0:
                headers["Retry-After"] = str(int(retry_after))
            return Reply.json(body, status, headers=headers)
        if request.path == "/graphql" and request.method == "POST":
            return self._graphql(request, who)
        if request.method != "GET":
            return Reply.json({"message": "Not Found", "documentation_url": _DOCS, "status": "404"}, 404)
        if request.path == "/rate_limit":
            return Reply.json({"resources": {"core": {"limit": self.limits[who], "used": self.used[who],
                                                      "remaining": self.remaining(who), "reset": self.reset_at}},
                               "rate": {"limit": self.limits[who], "used": self.used[who],
                                        "remaining": self.remaining(who), "reset": self.reset_at}})
        return self._rest(request, who)

    def _rest(self, request: Request, who: str) -> Reply:
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/?", request.path)
        m_id = re.fullmatch(r"/repositories/(\d+)/?", request.path)
        repo: FakeRepo | None = None
        old: str | None = None
        if m:
            name = f"{m.group(1)}/{m.group(2)}".casefold()
            repo = self.repos.get(name)
            old = name if repo is None and name in self.moved else None
            if name in self.blocked:
                return self._spent_reply(who, *self.blocked[name])
        elif m_id:
            repo = self.by_id.get(int(m_id.group(1)))
        else:
            return self._spent_reply(who, 404, {"message": "Not Found", "documentation_url": _DOCS, "status": "404"})
        if repo is not None:
            body = json.dumps(repo.rest_json(self.url), ensure_ascii=False).encode("utf-8")
            etag = 'W/"' + hashlib.sha256(body).hexdigest() + '"'
            if request.header("If-None-Match") == etag:
                self.not_modified += 1
                return Reply(304, b"", {"ETag": etag, **self._rate_headers(who, "core"), **self._cache_headers(who)})
            if self.remaining(who) <= 0:
                return self._exhausted(who)
            self._spend(who)
            headers = {"ETag": etag, **self._cache_headers(who), **self._rate_headers(who, "core"),
                       "X-GitHub-Media-Type": "github.v3; format=json"}
            if request.header("X-GitHub-Api-Version"):
                headers["x-github-api-version-selected"] = request.header("X-GitHub-Api-Version") or ""
            return Reply(200, body, headers, "application/json; charset=utf-8")
        if old is not None:
            target = f"{self.url}/repositories/{self.moved[old]}"
            return self._spent_reply(who, 301, {"message": "Moved Permanently", "url": target,
                                                "documentation_url": "https://docs.github.com/v3/#http-redirects"},
                                     {"Location": target})
        return self._spent_reply(who, 404, NOT_FOUND)

    def _cache_headers(self, who: str) -> dict[str, str]:
        if who == "token":
            return {"Cache-Control": "private, max-age=60, s-maxage=60", "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP"}
        return {"Cache-Control": "public, max-age=60, s-maxage=60", "Vary": "Accept, Accept-Encoding, Accept, X-Requested-With"}

    def _spent_reply(self, who: str, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Reply:
        if self.remaining(who) <= 0:
            return self._exhausted(who)
        self._spend(who)
        return Reply.json(body, status, headers={**(headers or {}), **self._rate_headers(who, "core")})

    def _exhausted(self, who: str) -> Reply:
        if who == "anon":
            message = ("API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get "
                       "a higher rate limit. Check out the documentation for more details.)")
        else:
            message = "API rate limit exceeded for user ID 1."
        body = {"message": message, "documentation_url": f"{_DOCS}/overview/resources-in-the-rest-api#rate-limiting"}
        return Reply.json(body, self.primary_status, headers=self._rate_headers(who, "core"))

    def _graphql(self, request: Request, who: str) -> Reply:
        if who != "token":
            return Reply.json({"message": "This endpoint requires you to be authenticated.",
                               "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"}, 401)
        headers = {**self._rate_headers("graphql", "graphql"), "X-GitHub-Media-Type": "github.v4; format=json",
                   "Vary": "Accept-Encoding, Accept, X-Requested-With"}
        if self.remaining("graphql") <= 0:
            return Reply.json({"errors": [{"type": "RATE_LIMITED", "code": "graphql_rate_limit",
                                           "message": "API rate limit already exceeded for user ID 1."}]}, 200, headers=headers)
        try:
            payload = request.json()
            query = str(payload["query"])
            variables = payload.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            return Reply.json({"message": "Problems parsing JSON", "documentation_url": "https://docs.github.com/graphql"}, 400)
        self._spend("graphql")
        headers = {**headers, **self._rate_headers("graphql", "graphql")}
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        found = list(_ALIAS.finditer(query))
        self.graphql_aliases.append(len(found))
        for m in found:
            alias = m.group("alias") or "repository"
            owner, name = (self._value(m.group(k), variables) for k in ("owner", "name"))
            key = f"{owner}/{name}".casefold()
            repo = self.repos.get(key)
            if repo is None and key in self.moved:
                repo = self.by_id.get(self.moved[key])
            line = query[:m.start()].count("\n") + 1
            if key in self.blocked:
                data[alias] = None
                errors.append({"type": "FORBIDDEN", "path": [alias], "locations": [{"line": line, "column": 3}],
                               "message": "Repository access blocked"})
            elif repo is None:
                data[alias] = None
                errors.append({"type": "NOT_FOUND", "path": [alias], "locations": [{"line": line, "column": 3}],
                               "message": f"Could not resolve to a Repository with the name '{owner}/{name}'."})
            else:
                data[alias] = repo.graphql_node()
        if re.search(r"\brateLimit\b", query):
            reset = datetime.fromtimestamp(self.reset_at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            data["rateLimit"] = {"cost": 1, "remaining": self.remaining("graphql"), "resetAt": reset}
        body: dict[str, Any] = {"data": data}
        if errors:
            body["errors"] = errors
        return Reply.json(body, 200, headers=headers)

    @staticmethod
    def _value(token: str, variables: dict[str, Any]) -> str:
        if token.startswith("$"):
            return str(variables.get(token[1:], ""))
        return json.loads(token)

    # -- the example listing ----------------------------------------------------------

    @classmethod
    def from_example(cls, token: str | None = None, **kwargs: Any) -> "GitHubDouble":
        """Every repository of ``examples/hf-trending-papers.txt`` with synthetic metadata.

        ``ZhenweiAn/Dynamic_MoE`` is renamed (301 → ``ZhenweiAn/DynMoE``) and
        ``aitomatic/semikong`` is dead (404); see :data:`EXAMPLE_RENAMED` and
        :data:`EXAMPLE_DEAD`.  Call ``start()`` (or use ``with``) before use.
        """
        double = cls(token=token, **kwargs)
        licenses = ["MIT", "Apache-2.0", None, "BSD-3-Clause", "NOASSERTION", "CC-BY-4.0", "GPL-3.0"]
        for name in dict.fromkeys((*EXAMPLE_REPOS, *corpus_repos())):
            if name in EXAMPLE_DEAD:
                continue
            seed = zlib.crc32(name.encode())
            month, day = 1 + seed % 12, 1 + (seed >> 4) % 28
            year = 2023 + (seed >> 9) % 3
            double.add(
                name,
                description=f"Synthetic test double entry for {name}",
                stars=(seed % 4000) + 3,
                license=licenses[(seed >> 3) % len(licenses)],
                topics=["synthetic", "llm"] if seed % 2 else ["synthetic"],
                archived=name == "microsoft/Stochastic-Mixture-of-Experts",
                pushed_at=f"{year}-{month:02d}-{day:02d}T{seed % 24:02d}:{(seed >> 5) % 60:02d}:00Z",
                homepage="" if seed % 3 else None,
            )
        for old, new in EXAMPLE_RENAMED.items():
            double.rename(old, new)
        return double
