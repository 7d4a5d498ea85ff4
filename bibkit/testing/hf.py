"""A real HTTP double of the Hugging Face papers API, serving the SYNTHETIC corpus.

No real recorded HF answer exists (see the API notes), so the shapes follow
``huggingface_hub``'s ``PaperInfo`` and HF's own papers skill document, and
every answer carries the header ``X-Bibkit-Synthetic: true`` to say so:

* ``GET /api/papers/{id}`` — one flat paper; ``404 {"error": "Paper not found"}``
  for ids HF has not indexed (including versioned ids: strip ``vN`` first);
* ``GET /api/papers/search?q=&limit=`` — a list of *wrappers*
  ``{paper: {...}, title, summary, publishedAt, thumbnail, numComments, …}``.
  Like the real search it is fuzzy: papers are ranked by how many of the
  query's words their title shares (then by upvotes), so a popular paper with
  a superset title ("Qwen2.5-Coder Technical Report") comes before the exact
  one ("Qwen2.5 Technical Report");
* ``GET /api/daily_papers?date=|month=&limit=&p=`` — wrappers of papers
  published on that day/month (``400`` for an invalid date, ``[]`` past the end).

:attr:`HfDouble.faults` holds replies to serve first (429, 503…).  ``latency`` makes
every answer take that long (requests are served concurrently, and
:attr:`HfDouble.max_in_flight` records how many were being served at once);
``window=(q, seconds)`` enforces HF's fixed-window rate limit: every answer
carries ``RateLimit: "api";r=<left>;t=<seconds to reset>`` and
``RateLimit-Policy``, and a request over the ``q`` of its window gets a 429
(counted in :attr:`HfDouble.over_limit`).
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
import unicodedata
from collections import Counter
from typing import Any
from urllib.parse import unquote

from .corpus import Corpus, load_corpus
from .server import LocalServer, Reply, Request

__all__ = ["HfDouble"]

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an the and or of in on for to with by from via is are at as".split())
SYNTHETIC = {"X-Bibkit-Synthetic": "true"}


def _tokens(text: str | None) -> list[str]:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return [t for t in _TOKEN.findall(text) if t not in _STOP]


def _hexid(*parts: object) -> str:
    """A stable 24-hex-digit id in HF's Mongo-style ``_id`` shape."""
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:24]


def _ms(iso: str | None) -> str | None:
    """HF's timestamp style: milliseconds and ``Z``."""
    if not iso:
        return None
    base = iso.rstrip("Z")
    return (base if "." in base else base + ".000") + "Z"


class HfDouble(LocalServer):
    """The HF papers API on 127.0.0.1; ``papers`` are the corpus' HF records by id."""

    def __init__(self, corpus: Corpus | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 latency: float = 0.0, window: tuple[int, float] | None = None):
        super().__init__(host, port)
        self.latency, self.window = latency, window
        self.in_flight = self.max_in_flight = self.over_limit = 0
        self._window_start: float | None = None
        self._window_used = 0
        self._flight = threading.Lock()
        self.corpus = corpus or load_corpus()
        self.papers: dict[str, dict[str, Any]] = {p["id"]: p for p in self.corpus.hf}
        self.faults: list[Reply] = []
        self._index: dict[tuple[Any, ...], tuple[frozenset[str], frozenset[str]]] = {}
        self._by_word: dict[str, list[str]] | None = None  # title word -> paper ids (built on first search)
        self._indexed: tuple[int, int] = (0, 0)

    def reindex(self) -> None:
        """Forget the search index (after changing a paper of :attr:`papers` in place; added or removed papers
        are noticed by themselves)."""
        self._by_word = None

    def _candidates(self, words: set[str], share: float) -> list[dict[str, Any]]:
        """The papers whose title holds at least ``share`` of the query's words (the only ones a search ranks),
        counted through an index of title words rather than by comparing the query with every paper."""
        if self._by_word is None or self._indexed != (id(self.papers), len(self.papers)):
            index: dict[str, list[str]] = {}
            for pid, p in self.papers.items():
                for word in self._words(p)[0]:
                    index.setdefault(word, []).append(pid)
            self._by_word, self._indexed = index, (id(self.papers), len(self.papers))
        shared: Counter[str] = Counter()
        for w in words:
            shared.update(self._by_word.get(w, ()))
        return [self.papers[pid] for pid, n in shared.items() if n / len(words) >= share and pid in self.papers]

    def _words(self, p: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
        key = (p["id"], p.get("title"), p.get("summary"))
        cached = self._index.get(key)
        if cached is None:
            cached = (frozenset(_tokens(p.get("title"))), frozenset(_tokens(p.get("summary"))))
            self._index[key] = cached
        return cached

    # -- shapes

    def paper_json(self, p: dict[str, Any], *, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": p["id"],
            "authors": [{"_id": _hexid(p["id"], i), "name": name, "hidden": False}
                        for i, name in enumerate(p.get("authors") or [])],
            "publishedAt": _ms(p.get("publishedAt")),
            "submittedOnDailyAt": _ms(p.get("publishedAt")),
            "title": p.get("title"),
            "summary": p.get("summary"),
            "upvotes": p.get("upvotes", 0),
            "discussionId": _hexid(p["id"]),
            "ai_summary": p.get("ai_summary"),
            "ai_keywords": p.get("ai_keywords") or [],
            "githubRepo": p.get("githubRepo"),
            "projectPage": p.get("projectPage"),
            "numComments": p.get("numComments", 0),
        }
        if p.get("githubRepo"):
            out["githubStars"] = p.get("githubStars", 100 + len(p["id"]) * 7)
        if full:
            out.update({"linkedModels": [], "numTotalModels": 0, "linkedDatasets": [], "numTotalDatasets": 0,
                        "linkedSpaces": [], "numTotalSpaces": 0})
        return out

    def wrapper_json(self, p: dict[str, Any]) -> dict[str, Any]:
        paper = self.paper_json(p)
        date = (p.get("publishedAt") or "")[:10]
        paper["publishedAt"] = _ms(f"{date}T00:00:00") if date else None  # truncated to midnight inside wrappers
        return {
            "paper": paper, "publishedAt": _ms(p.get("publishedAt")), "title": p.get("title"),
            "summary": p.get("summary"), "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{p['id']}.png",
            "numComments": p.get("numComments", 0), "submittedBy": {"name": "akhaliq", "fullname": "AK"},
            "isAuthorParticipating": False,
        }

    # -- serving

    def handle(self, request: Request) -> Reply | None:
        with self._flight:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            limit = self._rate_limit()
        try:
            if self.latency:
                time.sleep(self.latency)
            if limit is not None and limit[0] < 0:
                return Reply.json({"error": "Too many requests"}, 429, headers={**SYNTHETIC, **limit[1]})
            reply = self._answer(request)
            if reply is not None and limit is not None:
                reply.headers = {**dict(reply.headers), **limit[1]}
            return reply
        finally:
            with self._flight:
                self.in_flight -= 1

    def _rate_limit(self) -> tuple[int, dict[str, str]] | None:
        """Count a request against the window (under the lock): requests left (negative: over) and the headers."""
        if self.window is None:
            return None
        quota, seconds = self.window
        now = time.monotonic()
        if self._window_start is None or now - self._window_start >= seconds:
            self._window_start, self._window_used = now, 0
        self._window_used += 1
        left = quota - self._window_used
        if left < 0:
            self.over_limit += 1
        reset = max(1, math.ceil(self._window_start + seconds - now))
        return left, {"RateLimit": f'"api";r={max(0, left)};t={reset}',
                      "RateLimit-Policy": f'"fixed window";"api";q={quota};w={seconds:g}'}

    def _answer(self, request: Request) -> Reply | None:
        if self.faults:
            reply = self.faults.pop(0)
            reply.headers = {**SYNTHETIC, **dict(reply.headers)}
            return reply
        path = unquote(request.path)
        if path == "/api/papers/search":
            return self._search(request)
        if path == "/api/daily_papers":
            return self._daily(request)
        m = re.fullmatch(r"/api/papers/(.+)", path)
        if m:
            p = self.papers.get(m.group(1))
            if p is None:
                return Reply.json({"error": "Paper not found"}, 404, headers=SYNTHETIC)
            return Reply.json(self.paper_json(p, full=True), headers=SYNTHETIC)
        return Reply.json({"error": "Not Found"}, 404, headers=SYNTHETIC)

    def _limit(self, request: Request, default: int, ceiling: int) -> int | None:
        try:
            limit = int(request.arg("limit", str(default)) or default)
        except ValueError:
            return None
        return limit if 1 <= limit <= ceiling else None

    def _search(self, request: Request) -> Reply:
        q = request.arg("q", "") or ""
        limit = self._limit(request, 20, 120)
        if limit is None or len(q) > 250:
            return Reply.json({"error": "Invalid query"}, 400, headers=SYNTHETIC)
        words = set(_tokens(q))
        if not words:
            return Reply.json([], headers=SYNTHETIC)
        ranked = []
        for p in self._candidates(words, 0.34):  # (the same test as below, through the index)
            title, summary = self._words(p)
            overlap = len(words & title) / len(words)
            fuzzy = overlap + 0.1 * len(words & summary) / len(words)
            if overlap >= 0.34:
                ranked.append((round(overlap, 2), p.get("upvotes", 0), fuzzy, p["id"], p))
        ranked.sort(key=lambda r: (-r[0], -r[1], -r[2], r[3]))
        return Reply.json([self.wrapper_json(r[4]) for r in ranked[:limit]], headers=SYNTHETIC)

    def _daily(self, request: Request) -> Reply:
        limit = self._limit(request, 50, 100)
        if limit is None:
            return Reply.json({"error": "limit must be between 1 and 100"}, 400, headers=SYNTHETIC)
        date, month = request.arg("date"), request.arg("month")
        if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            return Reply.json({"error": "Invalid date"}, 400, headers=SYNTHETIC)
        prefix = date or month or ""
        chosen = sorted((p for p in self.papers.values() if (p.get("publishedAt") or "").startswith(prefix)),
                        key=lambda p: (p.get("publishedAt") or "", p["id"]), reverse=True)
        page = int(request.arg("p", "0") or 0)
        return Reply.json([self.wrapper_json(p) for p in chosen[page * limit:(page + 1) * limit]], headers=SYNTHETIC)
