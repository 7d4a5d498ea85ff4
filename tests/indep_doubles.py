"""A second, INDEPENDENT implementation of the arXiv API and the Hugging Face papers API (tests only).

Why a second one: ``bibkit.testing.arxiv`` was written together with the
resolver, so the resolver may lean on its quirks (its tokenizer, its tie
breaking, its feed title).  This one is written from the arXiv API manual and
from how a Lucene/Elasticsearch index behaves, and shares no code with it
(only the generic :class:`~bibkit.testing.server.LocalServer` HTTP base):

* **Analysis like Lucene's English analyzer**: UAX#29-ish words (``qwen2.5``,
  ``wilson's`` and ``pi_0`` stay one token; hyphens, colons, ``$`` and ``\\``
  split), lower case, ASCII folding, possessive ``'s`` dropped, the Lucene
  English stop set removed *with position gaps* (so ``"x y"`` does not match
  ``"x and y"``), minimal plural stemming (``experts`` = ``expert``).  TeX is
  indexed as it is written (``$\\pi_0$`` → ``pi_0``, ``Schr\\"odinger`` →
  ``schr odinger``), as a plain search engine would.
* **Query parser like Lucene's classic one**: ``AND``/``OR``/``ANDNOT`` are
  clause flags, not precedence (``a OR b AND c`` makes ``b`` and ``c``
  required), bare terms mean ``all:``, a field applies to one term or one
  quoted phrase, unknown syntax is an HTTP 500 (arXiv's answer to queries it
  cannot run).
* **BM25 relevance** with field length normalisation and a per-paper
  popularity prior, so short decoy titles ("X, Part II", "Erratum: X") and
  popular papers often come first; ties broken by a hash of the id, not by
  date.
* ``id_list`` in list order, alone or filtered by ``search_query``; versions;
  unknown well-formed ids dropped; ids malformed *as arXiv checks them*
  (``0000.0000`` is well-formed, ``1234.1234`` is not: no month 34; after
  2014 the number has five digits) answered with HTTP 400 and an error entry; ``start`` /
  ``max_results`` (default 10, 2000 per page, 30000 in all) with 400s for bad
  values; GET and POST.
* Faults: 429 ``Rate exceeded`` when called faster than ``min_interval``;
  :attr:`IndepArxiv.faults` served first; :attr:`IndepArxiv.glitch_queries`
  (the documented "empty middle page": ``totalResults`` > 0 but no entries,
  once per query text); :attr:`IndepArxiv.broken_phrases` (a query containing
  one gets a truncated, malformed body).

:class:`IndepHf` is the HF papers API with a *fuzzy* search (word overlap of
title and summary plus an upvote prior; decoys come first, the limit cuts),
papers missing from search but present by id, ids that 404, summaries that
are ``""`` or ``null``.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from bibkit.testing.server import LocalServer, Reply, Request

__all__ = ["APaper", "HfRec", "IndepArxiv", "IndepHf", "analyze"]


# =========================================================================== data


@dataclass
class APaper:
    """One arXiv paper: versions are (title, abstract, ISO date), v1 first."""

    id: str
    versions: list[tuple[str, str, str]]
    authors: list[str]
    categories: list[str] = field(default_factory=lambda: ["cs.CL"])
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    boost: float = 1.0  # popularity prior used by relevance ranking
    kind: str = ""  # what the corpus generator made it for (never sent)

    @property
    def title(self) -> str:
        return self.versions[-1][0]

    @property
    def abstract(self) -> str:
        return self.versions[-1][1]


@dataclass
class HfRec:
    """The Hugging Face view of one paper."""

    id: str
    title: str
    summary: str | None
    authors: list[str]
    published: str
    github: str | None = None
    upvotes: int = 0
    searchable: bool = True  # found by /api/papers/search
    by_id: bool = True  # answered by /api/papers/{id} (else 404)
    keywords: list[str] = field(default_factory=list)


# =========================================================================== analysis

#: Lucene's EnglishAnalyzer default stop set
LUCENE_STOP = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these "
    "they this to was will with".split()
)
# letters/digits; '.', apostrophes join two alphanumeric runs (MidNumLet), '_' joins (ExtendNumLet)
_WORD = re.compile(r"[^\W_]+(?:(?:[.'’]|_+)[^\W_]+)*")
_FOLD = str.maketrans({"ł": "l", "ø": "o", "ı": "i", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"})


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c))


def _stem(w: str) -> str:
    """Lucene's EnglishMinimalStemmer (plurals only)."""
    if len(w) < 3 or w[-1] != "s" or w[-2] in "us":
        return w
    if w.endswith("ies") and len(w) > 4 and w[-4] not in "ae":
        return w[:-3] + "y"
    if w.endswith("es") and w[-3] not in "aeo":
        return w[:-1]
    return w[:-1]


def analyze(text: str | None) -> list[tuple[int, str]]:
    """``(position, term)`` pairs; stop words leave gaps in the positions."""
    out: list[tuple[int, str]] = []
    for pos, m in enumerate(_WORD.finditer(_fold(text or ""))):
        w = m.group(0).replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if not w or w in LUCENE_STOP:
            continue
        out.append((pos, _stem(w)))
    return out


# =========================================================================== query parsing


class BadQuery(ValueError):
    pass


@dataclass
class Term:
    field: str
    text: str
    phrase: bool


@dataclass
class Bool:
    clauses: list[tuple[str, Any]]  # (MUST | SHOULD | NOT, Term | Bool)


_LEX = re.compile(
    r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<op>ANDNOT|AND|OR)(?=[\s()"]|$)
    |(?P<field>[A-Za-z_]+):(?:"(?P<fq>[^"]*)"|(?P<fw>[^\s()"]+))
    |"(?P<q>[^"]*)"|(?P<w>[^\s()"]+))""",
    re.VERBOSE,
)
FIELDS = {"ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all"}


def parse_query(text: str) -> Bool:
    """Lucene's classic parser semantics for arXiv's syntax (see the module docstring)."""
    tokens: list[tuple[str, Any]] = []
    pos, text = 0, text.strip()
    while pos < len(text):
        m = _LEX.match(text, pos)
        if not m or m.end() == pos:
            raise BadQuery(f"cannot parse near {text[pos:pos + 15]!r}")
        pos = m.end()
        if m["lp"]:
            tokens.append(("(", None))
        elif m["rp"]:
            tokens.append((")", None))
        elif m["op"]:
            tokens.append(("op", m["op"]))
        elif m["field"]:
            f = m["field"].lower()
            if f not in FIELDS:
                raise BadQuery(f"unknown field {f}")
            if m["fq"] is not None:
                tokens.append(("t", Term(f, m["fq"], True)))
            else:
                tokens.append(("t", Term(f, m["fw"], False)))
        elif m["q"] is not None:
            tokens.append(("t", Term("all", m["q"], True)))
        else:
            tokens.append(("t", Term("all", m["w"], False)))
    i = 0

    def group() -> Bool:
        nonlocal i
        clauses: list[list[Any]] = []
        conj = None
        while i < len(tokens):
            kind, value = tokens[i]
            if kind == ")":
                break
            if kind == "op":
                if conj is not None or not clauses:
                    raise BadQuery("operator in the wrong place")
                conj = value
                i += 1
                continue
            if kind == "(":
                i += 1
                sub: Any = group()
                if i >= len(tokens) or tokens[i][0] != ")":
                    raise BadQuery("unbalanced parentheses")
                i += 1
            else:
                sub = value
                i += 1
            # QueryParserBase.addClause, default operator OR
            if conj in ("AND", "ANDNOT") and clauses and clauses[-1][0] != "NOT":
                clauses[-1][0] = "MUST"
            occur = {"AND": "MUST", "ANDNOT": "NOT"}.get(conj or "", "SHOULD")
            clauses.append([occur, sub])
            conj = None
        if conj is not None:
            raise BadQuery("dangling operator")
        if not clauses:
            raise BadQuery("empty group")
        return Bool([(o, s) for o, s in clauses])

    tree = group()
    if i != len(tokens):
        raise BadQuery("unbalanced parentheses")
    return tree


# =========================================================================== the index


@dataclass
class _Doc:
    paper: APaper
    fields: dict[str, dict[str, list[int]]]  # field -> term -> positions
    lengths: dict[str, int]


def _postings(text: str, offset: int = 0) -> tuple[dict[str, list[int]], int]:
    post: dict[str, list[int]] = {}
    n = 0
    for pos, term in analyze(text):
        post.setdefault(term, []).append(pos + offset)
        n += 1
    return post, n


def _index(p: APaper) -> _Doc:
    title, abstract, _date = p.versions[-1]  # arXiv indexes the current version only
    texts = {"ti": title, "abs": abstract, "au": " ; ".join(p.authors), "co": p.comment or "",
             "jr": p.journal_ref or "", "rn": ""}
    fields: dict[str, dict[str, list[int]]] = {}
    lengths: dict[str, int] = {}
    everything: dict[str, list[int]] = {}
    offset = 0
    for name, text in texts.items():
        post, n = _postings(text)
        fields[name], lengths[name] = post, n
        post_all, _ = _postings(text, offset)
        for t, ps in post_all.items():
            everything.setdefault(t, []).extend(ps)
        offset += 10_000  # no phrase spans two fields
    fields["all"], lengths["all"] = everything, sum(lengths.values())
    return _Doc(p, fields, lengths)


BOOST = {"ti": 2.5, "abs": 1.0, "au": 1.5, "co": 0.5, "jr": 0.5, "rn": 0.5, "all": 1.0}


class _Searcher:
    def __init__(self, docs: list[_Doc]):
        self.docs = docs
        self.avg = {f: (sum(d.lengths.get(f, 0) for d in docs) / max(1, len(docs))) or 1.0 for f in BOOST}

    def _match(self, d: _Doc, f: str, terms: list[tuple[int, str]]) -> int:
        post = d.fields.get(f, {})
        if not terms or any(t not in post for _p, t in terms):
            return 0
        first_pos, first = terms[0]
        count = 0
        for start in post[first]:
            if all(start + (p - first_pos) in post[t] for p, t in terms[1:]):
                count += 1
        return count

    def leaf(self, term: Term) -> dict[str, float]:
        if term.field == "cat":
            want = term.text.lower()
            return {d.paper.id: 0.1 for d in self.docs if any(c.lower() == want or c.lower().startswith(want + ".")
                                                              for c in d.paper.categories)}
        if term.field == "id":
            return {d.paper.id: 1.0 for d in self.docs if d.paper.id == term.text}
        text = term.text.replace("_", " ") if term.field == "au" else term.text
        terms = analyze(text)
        if not terms:
            return {}
        if not term.phrase and len(terms) > 1:
            # an unquoted token that splits (ti:mixture-of-experts): each part on its own, OR-ed
            merged: dict[str, float] = {}
            for _p, t in terms:
                for pid, sc in self.leaf(Term(term.field, t, True)).items():
                    merged[pid] = merged.get(pid, 0.0) + sc
            return merged
        hits = {d.paper.id: (d, n) for d in self.docs if (n := self._match(d, term.field, terms))}
        if not hits:
            return {}
        N = len(self.docs)
        idf = math.log(1 + (N - len(hits) + 0.5) / (len(hits) + 0.5)) * len(terms)
        k1, b = 1.2, 0.75
        out = {}
        for pid, (d, freq) in hits.items():
            norm = 1 - b + b * d.lengths.get(term.field, 0) / self.avg[term.field]
            out[pid] = BOOST[term.field] * idf * freq * (k1 + 1) / (freq + k1 * norm)
        return out

    def run(self, node: Any) -> dict[str, float]:
        if isinstance(node, Term):
            return self.leaf(node)
        must = [self.run(s) for o, s in node.clauses if o == "MUST"]
        should = [self.run(s) for o, s in node.clauses if o == "SHOULD"]
        never = [self.run(s) for o, s in node.clauses if o == "NOT"]
        if must:
            ids = set(must[0]).intersection(*must[1:])
        elif should:
            ids = set().union(*should)
        else:
            ids = set()  # a purely negative query matches nothing
        for n in never:
            ids -= set(n)
        return {i: sum(r.get(i, 0.0) for r in must + should) for i in ids}


# =========================================================================== ids


_NEW_ID = re.compile(r"(?P<yymm>\d{4})\.(?P<num>\d{4,5})(?:v(?P<v>\d+))?")
_OLD_ID = re.compile(r"(?P<arch>[a-z-]+)(?:\.[A-Z]{2})?/(?P<num>\d{7})(?:v(?P<v>\d+))?")


def check_id(raw: str) -> tuple[str, int | None] | None:
    """(base id, version) if arXiv would call ``raw`` well-formed.

    The recorded answers say ``0000.0000`` is well-formed (200, no entry) and the
    manual that ``1234.1234`` is not: a month above 12 is refused, a month 00 is not checked.
    """
    m = _NEW_ID.fullmatch(raw)
    if m:
        five = int(m["yymm"]) >= 1501
        if (len(m["num"]) == 5) != five or int(m["yymm"][2:]) > 12:
            return None
        return f"{m['yymm']}.{m['num']}", int(m["v"]) if m["v"] else None
    m = _OLD_ID.fullmatch(raw)
    if m:
        return f"{m['arch']}/{m['num']}", int(m["v"]) if m["v"] else None
    return None


# =========================================================================== the arXiv double


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _z(date: str) -> str:
    return date if date.endswith("Z") else date + "Z"


class IndepArxiv(LocalServer):
    """The arXiv API over a list of :class:`APaper` (``api_url`` goes into ``BIBKIT_ARXIV_URL``)."""

    def __init__(self, papers: list[APaper], *, min_interval: float = 0.0):
        super().__init__()
        self.papers = {p.id: p for p in papers}
        self.searcher = _Searcher([_index(p) for p in papers])
        self.min_interval = min_interval
        self.faults: list[Reply] = []
        self.glitch_queries = False
        self.broken_phrases: set[str] = set()
        self.on_request: Callable[[Request], None] | None = None
        self.too_fast = 0
        self.glitched = 0
        self._glitch_seen: set[str] = set()
        self._last: float | None = None
        self._mutex = threading.Lock()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/query"

    def params(self, r: Request) -> dict[str, str]:
        out = {k: v[-1] for k, v in r.query.items()}
        if r.method == "POST":
            out.update({k: v[-1] for k, v in parse_qs(r.body.decode("utf-8"), keep_blank_values=True).items()})
        return out

    def api_requests(self) -> list[Request]:
        return self.requests_to("/api/query")

    # ------------------------------------------------------------------ serving

    def handle(self, r: Request) -> Reply | None:
        if r.path != "/api/query":
            return Reply.text("<html><body>404 Not Found</body></html>", 404, content_type="text/html")
        if self.on_request:
            self.on_request(r)
        with self._mutex:
            now = time.monotonic()
            early = self._last is not None and now - self._last < self.min_interval
            self._last = now
            if early:
                self.too_fast += 1
                return Reply.text("Rate exceeded", 429)
            if self.faults:
                return self.faults.pop(0)
        return self.answer(self.params(r))

    def _error(self, code: str, message: str) -> Reply:
        now = _now()
        body = f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/</id>
  <title>arXiv Search Results</title>
  <updated>{now}</updated>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <entry>
    <id>https://arxiv.org/api/errors#{escape(code)}</id>
    <title>Error</title>
    <updated>{now}</updated>
    <link href="https://arxiv.org/api/errors#{_attr(code)}" rel="alternate" type="text/html"/>
    <summary>{escape(message)}</summary>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
"""
        return Reply(400, body.encode("utf-8"), {}, "application/atom+xml; charset=UTF-8")

    def answer(self, params: dict[str, str]) -> Reply:
        sq = params.get("search_query", "")
        id_text = params.get("id_list", "")
        numbers = {}
        for name, default in (("start", 0), ("max_results", 10)):
            raw = params.get(name, str(default))
            if not re.fullmatch(r"\d+", raw.strip()):
                return self._error(f"{name}_must_be_a_non_negative_integer",
                                   f"{name} must be an integer greater than or equal to 0: {raw}")
            numbers[name] = int(raw)
        start, size = numbers["start"], numbers["max_results"]
        if start + size > 30000:
            return self._error("too_many_results", "start + max_results must not exceed 30000")
        size = min(size, 2000)
        ids: list[tuple[str, int | None]] = []
        for raw in (s.strip() for s in id_text.split(",")):
            if not raw:
                continue
            checked = check_id(raw)
            if checked is None:
                return self._error(f"incorrect_id_format_for_{raw}", f"incorrect id format for {raw}")
            ids.append(checked)
        scores: dict[str, float] | None = None
        if sq.strip():
            if any(ph in sq for ph in self.broken_phrases):
                return Reply(200, b"<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <entry><title>Trunc",
                             {}, "application/atom+xml; charset=UTF-8")
            try:
                scores = self.searcher.run(parse_query(sq))
            except BadQuery:
                return Reply.text("<html><body><h1>500 Internal Server Error</h1></body></html>", 500,
                                  content_type="text/html")
        rows: list[tuple[APaper, int]] = []
        if ids:
            for base, v in ids:
                p = self.papers.get(base)
                if p is None or (v is not None and v > len(p.versions)):
                    continue
                if scores is not None and base not in scores:
                    continue
                rows.append((p, v or len(p.versions)))
        elif scores is not None:
            order = sorted(scores, key=lambda i: (-scores[i] * self.papers[i].boost,
                                                 hashlib.md5(i.encode()).hexdigest()))
            how = params.get("sortBy", "relevance")
            if how in ("submittedDate", "lastUpdatedDate"):
                pick = 0 if how == "submittedDate" else -1
                order.sort(key=lambda i: self.papers[i].versions[pick][2],
                           reverse=params.get("sortOrder", "descending") != "ascending")
            rows = [(self.papers[i], len(self.papers[i].versions)) for i in order]
        total = len(rows)
        page = rows[start:start + size]
        if self.glitch_queries and sq and page and sq not in self._glitch_seen:
            self._glitch_seen.add(sq)
            self.glitched += 1
            page = []  # the documented flaky empty page: totals say there are results, none are sent
        return Reply(200, self._feed(sq, id_text, start, size, total, page), {},
                     "application/atom+xml; charset=UTF-8")

    def _feed(self, sq: str, id_text: str, start: int, size: int, total: int, page: list[tuple[APaper, int]]) -> bytes:
        query = f"search_query={sq}&id_list={id_text}&start={start}&max_results={size}"
        parts = [
            "<?xml version='1.0' encoding='UTF-8'?>",
            '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" '
            'xmlns="http://www.w3.org/2005/Atom">',
            f"  <id>https://arxiv.org/api/{hashlib.sha1(query.encode()).hexdigest()[:27]}</id>",
            # arXiv echoes the query it ran, which is not byte-for-byte what was sent
            f"  <title>arXiv Query: {escape(' '.join(query.split()))}</title>",
            f"  <updated>{_now()}</updated>",
            f'  <link href="https://arxiv.org/api/query?{_attr(query)}" type="application/atom+xml"/>',
            f"  <opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>",
            f"  <opensearch:totalResults>{total}</opensearch:totalResults>",
            f"  <opensearch:startIndex>{start}</opensearch:startIndex>",
        ]
        for p, v in page:
            parts.append(self._entry(p, v))
        parts.append("</feed>\n")
        return "\n".join(parts).encode("utf-8")

    @staticmethod
    def _entry(p: APaper, v: int) -> str:
        title, abstract, date = p.versions[v - 1]
        vid = f"{p.id}v{v}"
        lines = [
            "  <entry>",
            f"    <id>http://arxiv.org/abs/{vid}</id>",
            f"    <title>{escape(title)}</title>",
            f"    <updated>{_z(date)}</updated>",
            f'    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
            f'    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>',
            f"    <summary>{escape(abstract)}</summary>",
        ]
        lines += [f'    <category term="{_attr(c)}" scheme="http://arxiv.org/schemas/atom"/>' for c in p.categories]
        lines.append(f"    <published>{_z(p.versions[0][2])}</published>")
        if p.comment:
            lines.append(f"    <arxiv:comment>{escape(p.comment)}</arxiv:comment>")
        lines.append(f'    <arxiv:primary_category term="{_attr(p.categories[0])}"/>')
        if p.journal_ref:
            lines.append(f"    <arxiv:journal_ref>{escape(p.journal_ref)}</arxiv:journal_ref>")
        for a in p.authors:
            lines += ["    <author>", f"      <name>{escape(a)}</name>", "    </author>"]
        if p.doi:
            lines.append(f"    <arxiv:doi>{escape(p.doi)}</arxiv:doi>")
            lines.append(f'    <link rel="related" href="https://doi.org/{_attr(p.doi)}" title="doi"/>')
        lines.append("  </entry>")
        return "\n".join(lines)


# =========================================================================== the HF double


_HF_WORD = re.compile(r"[a-z0-9]+")
_HF_STOP = frozenset("a an the and or of in on for to with by from via is are at as we our this that".split())


def _hf_words(text: str | None) -> set[str]:
    return {w for w in _HF_WORD.findall(_fold(text or "")) if w not in _HF_STOP}


class IndepHf(LocalServer):
    """The HF papers API: fuzzy search (decoys first), flat papers by id, 404s, empty summaries."""

    def __init__(self, records: list[HfRec]):
        super().__init__()
        self.records = {r.id: r for r in records}
        self.faults: list[Reply] = []
        self._words = {r.id: (_hf_words(r.title), _hf_words(r.summary)) for r in records}

    def _paper(self, r: HfRec) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": r.id,
            "authors": [{"_id": hashlib.md5(f"{r.id}{i}".encode()).hexdigest()[:24], "name": n, "hidden": False}
                        for i, n in enumerate(r.authors)],
            "publishedAt": r.published + ".000Z" if not r.published.endswith("Z") else r.published,
            "title": r.title,
            "summary": r.summary,
            "upvotes": r.upvotes,
            "discussionId": hashlib.md5(r.id.encode()).hexdigest()[:24],
            "ai_keywords": list(r.keywords),
            "ai_summary": None,
            "projectPage": "",
        }
        if r.github is not None:
            data["githubRepo"] = r.github
            data["githubStars"] = r.upvotes * 3
        return data

    def handle(self, r: Request) -> Reply | None:
        if self.faults:
            return self.faults.pop(0)
        path = unquote(r.path)
        if path == "/api/papers/search":
            return self._search(r)
        m = re.fullmatch(r"/api/papers/([^/]+(?:/\d+)?)", path)
        if m:
            rec = self.records.get(m.group(1))
            if rec is None or not rec.by_id:
                return Reply.json({"error": "Paper not found"}, 404)
            return Reply.json(self._paper(rec))
        return Reply.json({"error": "Sorry, we can't find the page you are looking for."}, 404)

    def _search(self, r: Request) -> Reply:
        q = r.arg("q", "") or ""
        try:
            limit = int(r.arg("limit", "20") or 20)
        except ValueError:
            return Reply.json({"error": "limit must be an integer"}, 400)
        if len(q) > 250 or not 1 <= limit <= 120:
            return Reply.json({"error": "Invalid parameters"}, 400)
        words = _hf_words(q)
        ranked = []
        for rec in self.records.values():
            if not rec.searchable:
                continue
            title, summary = self._words[rec.id]
            if not words:
                continue
            overlap = len(words & title) / len(words | title) if title else 0.0
            near = len(words & summary) / len(words)
            score = 0.75 * overlap + 0.25 * near + 0.04 * math.log1p(rec.upvotes)
            if overlap > 0.2 or near > 0.6:
                ranked.append((score, rec.id))
        ranked.sort(key=lambda s: (-s[0], s[1]))
        out = []
        for _score, pid in ranked[:limit]:
            rec = self.records[pid]
            paper = self._paper(rec)
            paper["publishedAt"] = rec.published[:10] + "T00:00:00.000Z"
            out.append({"paper": paper, "publishedAt": self._paper(rec)["publishedAt"], "title": rec.title,
                        "summary": rec.summary, "thumbnail": f"https://cdn-thumbnails.huggingface.co/{pid}.png",
                        "numComments": 0, "isAuthorParticipating": False})
        return Reply.json(out)
