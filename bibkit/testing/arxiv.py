"""A real HTTP double of the arXiv API (``/api/query``), serving the SYNTHETIC corpus.

It answers in the exact Atom format arXiv serves today (2026: namespaces on the
root, ``arXiv Query:`` feed titles echoing the decoded query, OpenSearch
totals, entries with versioned ``http://arxiv.org/abs/<id>vN`` ids and https
links) or, with ``format="2016"``, in the legacy format (namespaces declared
per element, ``rel="self"``, ``dx.doi.org``, hard-wrapped titles), and it
behaves like the real service where clients go wrong:

* ``search_query`` with ``ti:``/``abs:``/``au:``/``co:``/``jr:``/``cat:``/``all:``,
  quoted phrases, ``AND``/``OR``/``ANDNOT``, parentheses, bare terms meaning
  ``all:``; matching like a search engine (case-insensitive words, accents and
  punctuation ignored, a phrase = consecutive words), ranked by relevance;
* ``id_list`` (alone, or filtering a ``search_query``), versions (``vN`` gives
  that version's title and abstract), unknown well-formed ids silently dropped,
  malformed ids answered with HTTP 400 and an error entry;
* ``start``/``max_results`` with the real default of **10** (a long ``id_list``
  without ``max_results`` is truncated), 2000 per page at most, 400 errors
  for negative or non-integer values; ``sortBy``/``sortOrder``;
* HTTP 429 ``Rate exceeded`` when called faster than ``min_interval``;
* GET and POST (form body) alike.

Fault injection for tests: :attr:`ArxivDouble.faults` (replies served first,
e.g. a 503 or a 429 with ``Retry-After``), :attr:`ArxivDouble.malformed_ids`
(any id_list containing one gets a truncated 200 body) and
:attr:`ArxivDouble.reject_ids` (treated as malformed ids).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import parse_qs

from lxml import etree

from .corpus import Corpus, Paper, Version, load_corpus
from .server import LocalServer, Reply, Request

__all__ = ["ArxivDouble", "parse_search_query", "QuerySyntaxError", "valid_arxiv_id"]

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ARXIV = "http://arxiv.org/schemas/atom"
FIELDS = ("ti", "abs", "au", "co", "jr", "cat", "rn", "id", "all")
MAX_PAGE = 2000
MAX_TOTAL = 30000
OLD_ARCHIVES = frozenset(
    """acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg comp-gas cond-mat cs
    dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph mtrl-th nlin nucl-ex nucl-th patt-sol physics
    plasm-ph q-alg q-bio quant-ph solv-int supr-con""".split()
)
_NEW = re.compile(r"(\d{2})(\d{2})\.(\d{4,5})(?:v(\d+))?")
_OLD = re.compile(r"([a-z-]+)(?:\.([A-Za-z-]+))?/(\d{2})(\d{2})(\d{3})(?:v(\d+))?")
_TOKEN = re.compile(r"[a-z0-9]+")


# --------------------------------------------------------------------------- ids


def valid_arxiv_id(text: str) -> tuple[str, int | None] | None:
    """``(base id, version)`` when ``text`` is a well-formed arXiv id (as the API checks it), else ``None``."""
    m = _NEW.fullmatch(text)
    if m:
        yy, mm, num, v = int(m[1]), int(m[2]), m[3], m[4]
        if not 1 <= mm <= 12:
            return None
        yymm = yy * 100 + mm
        if (len(num) == 4) != (704 <= yymm <= 1412):
            return None
        return f"{m[1]}{m[2]}.{num}", int(v) if v else None
    m = _OLD.fullmatch(text)
    if m and m[1] in OLD_ARCHIVES and 1 <= int(m[4]) <= 12:
        return f"{m[1]}/{m[3]}{m[4]}{m[5]}", int(m[6]) if m[6] else None
    return None


# --------------------------------------------------------------------------- text like a search engine


def tokens(text: str | None) -> list[str]:
    """Case-insensitive words, accents folded, punctuation ignored ("Qwen2.5-Coder" → qwen2, 5, coder)."""
    if not text:
        return []
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _TOKEN.findall(text.replace("ł", "l").replace("ø", "o").replace("ı", "i"))


def _contains(haystack: list[str], needle: list[str], prefix: bool = False) -> int:
    """How many times ``needle`` occurs as consecutive words in ``haystack`` (last word may be a prefix)."""
    if not needle:
        return 0
    n, count = len(needle), 0
    for i in range(len(haystack) - n + 1):
        if haystack[i:i + n - 1] == needle[:-1]:
            last = haystack[i + n - 1]
            if last == needle[-1] or (prefix and last.startswith(needle[-1])):
                count += 1
    return count


# --------------------------------------------------------------------------- query syntax


class QuerySyntaxError(ValueError):
    pass


@dataclass
class Leaf:
    field: str
    words: list[str]
    prefix: bool = False
    date_range: tuple[str, str] | None = None


@dataclass
class Node:
    op: str  # AND | OR | ANDNOT
    left: "Node | Leaf"
    right: "Node | Leaf"


_LEX = re.compile(
    r"\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<op>AND(?:NOT)?|OR)(?=[\s()]|$)"
    r"|(?P<field>[a-zA-Z]+):(?:\"(?P<fphrase>[^\"]*)\"|\[(?P<range>[^\]]*)\]|(?P<fword>[^\s()\"]+))"
    r"|\"(?P<phrase>[^\"]*)\"|(?P<word>[^\s()\"]+))"
)


def _lex(query: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    pos = 0
    query = query.strip()
    while pos < len(query):
        m = _LEX.match(query, pos)
        if not m or m.end() == pos:
            raise QuerySyntaxError(f"cannot parse query near {query[pos:pos + 20]!r}")
        pos = m.end()
        if m["lp"]:
            out.append(("(", None))
        elif m["rp"]:
            out.append((")", None))
        elif m["op"]:
            out.append(("op", m["op"]))
        elif m["field"]:
            field = m["field"].lower()
            if field == "submitteddate" and m["range"] is not None:
                parts = re.split(r"\s+TO\s+|\+TO\+", m["range"].strip())
                if len(parts) != 2:
                    raise QuerySyntaxError("bad date range")
                out.append(("leaf", Leaf("submittedDate", [], date_range=(parts[0].strip(), parts[1].strip()))))
                continue
            if field not in FIELDS:
                raise QuerySyntaxError(f"unknown field {field!r}")
            text = m["fphrase"] if m["fphrase"] is not None else (m["fword"] or "")
            out.append(("leaf", _leaf(field, text, quoted=m["fphrase"] is not None)))
        else:
            text = m["phrase"] if m["phrase"] is not None else m["word"]
            out.append(("leaf", _leaf("all", text, quoted=m["phrase"] is not None)))
    return out


def _leaf(field: str, text: str, quoted: bool) -> Leaf:
    prefix = not quoted and text.endswith("*")
    if field == "au":
        text = text.replace("_", " ")
    if field == "cat":
        return Leaf("cat", [text.strip().lower()])
    return Leaf(field, tokens(text.rstrip("*")), prefix=prefix)


def parse_search_query(query: str) -> Node | Leaf:
    """Parse arXiv's query syntax (OR binds loosest; adjacent terms are AND-ed)."""
    toks = _lex(query)
    if not toks:
        raise QuerySyntaxError("empty query")
    pos = 0

    def peek() -> tuple[str, object] | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> tuple[str, object]:
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def primary() -> Node | Leaf:
        tok = peek()
        if tok is None:
            raise QuerySyntaxError("query ends early")
        if tok[0] == "(":
            take()
            inner = disjunction()
            closing = peek()
            if closing is None or closing[0] != ")":
                raise QuerySyntaxError("unbalanced parentheses")
            take()
            return inner
        if tok[0] == "leaf":
            take()
            return tok[1]  # type: ignore[return-value]
        raise QuerySyntaxError(f"unexpected {tok[1] or tok[0]!r}")

    def conjunction() -> Node | Leaf:
        left = primary()
        while True:
            tok = peek()
            if tok is None or tok[0] == ")" or (tok[0] == "op" and tok[1] == "OR"):
                return left
            op = "AND"
            if tok[0] == "op":
                op = str(take()[1])
            left = Node(op, left, primary())

    def disjunction() -> Node | Leaf:
        left = conjunction()
        while (nxt := peek()) is not None and nxt[0] == "op" and nxt[1] == "OR":
            take()
            left = Node("OR", left, conjunction())
        return left

    tree = disjunction()
    if pos != len(toks):
        raise QuerySyntaxError("unbalanced parentheses")
    return tree


# --------------------------------------------------------------------------- the index


@dataclass
class _Doc:
    paper: Paper
    version: int  # 1-based, the version whose text is indexed (the latest)
    fields: dict[str, list[str]]
    cats: list[str]
    published: str
    updated: str


_BOOST = {"ti": 3.0, "au": 2.0, "abs": 1.0, "co": 0.5, "jr": 0.5, "all": 1.0, "cat": 0.2, "rn": 0.5, "id": 1.0}


def _index(paper: Paper) -> _Doc:
    latest = paper.latest
    f = {
        "ti": tokens(latest.title),
        "abs": tokens(latest.abstract),
        "au": [t for a in paper.authors for t in tokens(a.get("name"))],
        "co": tokens(paper.comment),
        "jr": tokens(paper.journal_ref),
        "rn": [],
        "id": tokens(paper.id),
    }
    f["all"] = f["ti"] + f["abs"] + f["au"] + f["co"] + f["jr"]
    return _Doc(paper, len(paper.versions), f, [c.lower() for c in paper.categories], paper.published, paper.updated)


def _date_key(iso: str) -> str:
    return re.sub(r"\D", "", iso)[:12]


class _Postings:
    """Which documents hold a word, per field: a phrase is only looked for where all its words are.

    An index, not a different search: :func:`_evaluate` finds and scores exactly
    what a scan of every document would, in time that does not grow with the
    corpus (the scaled corpus of ``bench/resolve.py --scale`` has thousands of papers).
    """

    def __init__(self, docs: list[_Doc]):
        self.by_field: dict[str, dict[str, set[int]]] = {}
        for i, d in enumerate(docs):
            for name, words in d.fields.items():
                index = self.by_field.setdefault(name, {})
                for w in words:
                    index.setdefault(w, set()).add(i)

    def holding(self, field: str, words: list[str], prefix: bool) -> set[int] | None:
        """Indices of the documents whose ``field`` has every word (the last as a prefix); ``None``: all of them."""
        exact = words[:-1] if prefix else words
        if not exact:
            return None
        index = self.by_field.get(field, {})
        sets = sorted((index.get(w, set()) for w in exact), key=len)
        return set.intersection(*sets) if sets else None


def _evaluate(node: Node | Leaf, docs: list[_Doc], postings: _Postings | None = None) -> dict[str, float]:
    if isinstance(node, Leaf):
        out: dict[str, float] = {}
        if postings is not None and not node.date_range and node.field != "cat":
            held = postings.holding(node.field, node.words, node.prefix)
            if held is not None:
                docs = [docs[i] for i in sorted(held)]
        for d in docs:
            if node.date_range:
                lo, hi = (re.sub(r"\D", "", x)[:12].ljust(12, "0") for x in node.date_range)
                if lo <= _date_key(d.published) <= hi:
                    out[d.paper.id] = 0.1
                continue
            if node.field == "cat":
                want = node.words[0]
                if any(c == want or c.startswith(want + ".") for c in d.cats):
                    out[d.paper.id] = _BOOST["cat"]
                continue
            field = d.fields[node.field]
            hits = _contains(field, node.words, node.prefix)
            if hits:
                out[d.paper.id] = _BOOST[node.field] * len(node.words) * min(hits, 3) / (len(field) ** 0.5 or 1)
        return out
    left = _evaluate(node.left, docs, postings)
    right = _evaluate(node.right, docs, postings)
    if node.op == "OR":
        merged = dict(left)
        for k, v in right.items():
            merged[k] = merged.get(k, 0.0) + v
        return merged
    if node.op == "AND":
        return {k: v + right[k] for k, v in left.items() if k in right}
    return {k: v for k, v in left.items() if k not in right}  # ANDNOT


# --------------------------------------------------------------------------- feed writing


def _iso(text: str) -> str:
    return text if text.endswith("Z") else text + "Z"


def _wrap(text: str, width: int = 76) -> str:
    """Legacy arXiv hard-wraps titles and summaries with a two-space indent."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    lines.append(line)
    return "\n  ".join(lines)


class _Writer:
    def __init__(self, legacy: bool):
        self.legacy = legacy

    def el(self, parent: etree._Element | None, ns: str, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        nsmap: dict[str | None, str] | None = None
        if self.legacy and ns != ATOM:
            nsmap = {"opensearch" if ns == OPENSEARCH else "arxiv": ns}
        if parent is None:
            node = etree.Element(f"{{{ns}}}{tag}", nsmap=nsmap or {None: ATOM, "opensearch": OPENSEARCH, "arxiv": ARXIV})
        else:
            node = etree.SubElement(parent, f"{{{ns}}}{tag}", nsmap=nsmap)
        if text is not None:
            node.text = text
        for k, v in attrs.items():
            node.set(k, v)
        return node

    def feed(self, title: str, link: str, total: int, start: int, per_page: int) -> etree._Element:
        if self.legacy:
            root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
            self.el(root, ATOM, "link", href=link, rel="self", type="application/atom+xml")
            self.el(root, ATOM, "title", title.replace("arXiv Query:", "ArXiv Query:"), type="html")
            self.el(root, ATOM, "id", "http://arxiv.org/api/" + hashlib.sha1(title.encode()).hexdigest()[:27])
            self.el(root, ATOM, "updated", datetime.now(timezone.utc).strftime("%Y-%m-%dT00:00:00-04:00"))
            self.el(root, OPENSEARCH, "totalResults", str(total))
            self.el(root, OPENSEARCH, "startIndex", str(start))
            self.el(root, OPENSEARCH, "itemsPerPage", str(per_page))
            return root
        root = self.el(None, ATOM, "feed")
        self.el(root, ATOM, "id", "https://arxiv.org/api/" + hashlib.sha1(title.encode()).hexdigest()[:27])
        self.el(root, ATOM, "title", title)
        self.el(root, ATOM, "updated", datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.el(root, ATOM, "link", href=link, type="application/atom+xml")
        self.el(root, OPENSEARCH, "itemsPerPage", str(per_page))
        self.el(root, OPENSEARCH, "totalResults", str(total))
        self.el(root, OPENSEARCH, "startIndex", str(start))
        return root

    def entry(self, root: etree._Element, paper: Paper, version: int) -> None:
        v: Version = paper.versions[version - 1]
        vid = f"{paper.id}v{version}"
        primary = paper.categories[0] if paper.categories else "cs.LG"
        e = self.el(root, ATOM, "entry")
        if self.legacy:
            self.el(e, ATOM, "id", f"http://arxiv.org/abs/{vid}")
            self.el(e, ATOM, "updated", _iso(v.date))
            self.el(e, ATOM, "published", _iso(paper.published))
            self.el(e, ATOM, "title", _wrap(v.title))
            self.el(e, ATOM, "summary", "  " + _wrap(v.abstract).replace("\n  ", "\n") + "\n")
            self._authors(e, paper)
            if paper.doi:
                self.el(e, ARXIV, "doi", paper.doi)
                self.el(e, ATOM, "link", title="doi", href=f"http://dx.doi.org/{paper.doi}", rel="related")
            if paper.comment:
                self.el(e, ARXIV, "comment", paper.comment)
            if paper.journal_ref:
                self.el(e, ARXIV, "journal_ref", paper.journal_ref)
            self.el(e, ATOM, "link", href=f"http://arxiv.org/abs/{vid}", rel="alternate", type="text/html")
            self.el(e, ATOM, "link", title="pdf", href=f"http://arxiv.org/pdf/{vid}", rel="related",
                    type="application/pdf")
            self.el(e, ARXIV, "primary_category", term=primary, scheme="http://arxiv.org/schemas/atom")
            for c in paper.categories:
                self.el(e, ATOM, "category", term=c, scheme="http://arxiv.org/schemas/atom")
            return
        self.el(e, ATOM, "id", f"http://arxiv.org/abs/{vid}")
        self.el(e, ATOM, "title", v.title)
        self.el(e, ATOM, "updated", _iso(v.date))
        self.el(e, ATOM, "link", href=f"https://arxiv.org/abs/{vid}", rel="alternate", type="text/html")
        self.el(e, ATOM, "link", href=f"https://arxiv.org/pdf/{vid}", rel="related", type="application/pdf", title="pdf")
        self.el(e, ATOM, "summary", v.abstract)
        for c in paper.categories:
            self.el(e, ATOM, "category", term=c, scheme="http://arxiv.org/schemas/atom")
        self.el(e, ATOM, "published", _iso(paper.published))
        if paper.comment:
            self.el(e, ARXIV, "comment", paper.comment)
        self.el(e, ARXIV, "primary_category", term=primary)
        if paper.journal_ref:
            self.el(e, ARXIV, "journal_ref", paper.journal_ref)
        self._authors(e, paper)
        if paper.doi:
            self.el(e, ARXIV, "doi", paper.doi)
            self.el(e, ATOM, "link", rel="related", href=f"https://doi.org/{paper.doi}", title="doi")

    def _authors(self, e: etree._Element, paper: Paper) -> None:
        for a in paper.authors:
            node = self.el(e, ATOM, "author")
            self.el(node, ATOM, "name", a["name"])
            for aff in a.get("affiliation") or []:
                self.el(node, ARXIV, "affiliation", aff)

    def error(self, code: str, message: str) -> bytes:
        root = self.el(None, ATOM, "feed")
        self.el(root, ATOM, "id", "https://arxiv.org/")
        self.el(root, ATOM, "title", "arXiv Search Results")
        self.el(root, ATOM, "updated", datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.el(root, OPENSEARCH, "itemsPerPage", "1")
        self.el(root, OPENSEARCH, "totalResults", "1")
        self.el(root, OPENSEARCH, "startIndex", "0")
        e = self.el(root, ATOM, "entry")
        url = f"https://arxiv.org/api/errors#{code}"
        self.el(e, ATOM, "id", url)
        self.el(e, ATOM, "title", "Error")
        self.el(e, ATOM, "updated", datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.el(e, ATOM, "link", href=url, rel="alternate", type="text/html")
        self.el(e, ATOM, "summary", message)
        author = self.el(e, ATOM, "author")
        self.el(author, ATOM, "name", "arXiv api core")
        return _serialise(root)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------------- the double


class ArxivDouble(LocalServer):
    """The arXiv API on 127.0.0.1 over :class:`~bibkit.testing.corpus.Corpus` (default: the bundled one).

    ``api_url`` is what ``BIBKIT_ARXIV_URL`` should point at.  ``min_interval``
    makes it answer 429 to requests arriving closer together than that;
    ``rate_limited`` counts those answers.  ``on_request`` (optional) is called
    with each :class:`Request` before it is answered.
    """

    def __init__(self, corpus: Corpus | None = None, *, min_interval: float = 0.0, format: str = "2026",
                 host: str = "127.0.0.1", port: int = 0):
        super().__init__(host, port)
        self.corpus = corpus or load_corpus()
        self.min_interval = min_interval
        self.legacy = format == "2016"
        self.faults: list[Reply] = []
        self.malformed_ids: set[str] = set()
        self.reject_ids: set[str] = set()
        self.rate_limited = 0
        self.on_request: Callable[[Request], None] | None = None
        self._last: float | None = None
        self._guard = threading.Lock()
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the search index (after changing :attr:`corpus`)."""
        self._docs = [_index(p) for p in self.corpus.papers]
        self._by_id = {d.paper.id: d for d in self._docs}
        self._postings = _Postings(self._docs)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/query"

    # -- what tests inspect

    def params(self, request: Request) -> dict[str, str]:
        """A request's parameters, from the query string (GET) or the form body (POST)."""
        merged = {k: v[0] for k, v in request.query.items()}
        if request.method == "POST" and request.body:
            merged.update({k: v[0] for k, v in parse_qs(request.body.decode("utf-8"), keep_blank_values=True).items()})
        return merged

    def queries(self) -> list[dict[str, str]]:
        """Parameters of every request received at ``/api/query``, in order."""
        return [self.params(r) for r in self.requests_to("/api/query")]

    # -- serving

    def handle(self, request: Request) -> Reply | None:
        if request.path.rstrip("/") != "/api/query":
            return Reply.text("Not Found", 404)
        if self.on_request:
            self.on_request(request)
        with self._guard:
            now = time.monotonic()
            too_fast = self._last is not None and now - self._last < self.min_interval
            self._last = now
            if too_fast:
                self.rate_limited += 1
                return Reply.text("Rate exceeded", 429)
            if self.faults:
                return self.faults.pop(0)
        return self.answer(self.params(request))

    def answer(self, params: dict[str, str]) -> Reply:
        """The reply for one set of query parameters (also usable without HTTP)."""
        writer = _Writer(self.legacy)
        sq = params.get("search_query", "")
        raw_ids = [s.strip() for s in params.get("id_list", "").split(",") if s.strip()]
        start, max_results = _count(params, "start", 0), _count(params, "max_results", 10)
        for name, value in (("start", start), ("max_results", max_results)):
            if value is None:
                return self._error(writer, f"{name}_must_be_a_non_negative_integer",
                                   f"{name} must be an integer greater than or equal to 0: {params.get(name)}")
        assert start is not None and max_results is not None
        if start + max_results > MAX_TOTAL:
            return self._error(writer, "start_plus_max_results_too_large",
                               f"start + max_results must not exceed {MAX_TOTAL}")
        wanted: list[tuple[str, int | None]] = []
        for raw in raw_ids:
            parsed = valid_arxiv_id(raw)
            if parsed is None or raw in self.reject_ids or (parsed and parsed[0] in self.reject_ids):
                return self._error(writer, f"incorrect_id_format_for_{raw}", f"incorrect id format for {raw}")
            wanted.append(parsed)
        how = (params.get("sortBy") or "relevance", params.get("sortOrder") or "descending")
        if any(p[0] in self.malformed_ids for p in wanted):
            good = self._feed(writer, sq, raw_ids, start, max_results, wanted, how)
            return Reply(200, good.body[: len(good.body) // 2], {}, "application/atom+xml; charset=UTF-8")
        return self._feed(writer, sq, raw_ids, start, max_results, wanted, how)

    def _error(self, writer: _Writer, code: str, message: str) -> Reply:
        return Reply(400, writer.error(code, message), {}, "application/atom+xml; charset=UTF-8")

    def _feed(self, writer: _Writer, sq: str, raw_ids: list[str], start: int, max_results: int,
              wanted: list[tuple[str, int | None]], how: tuple[str, str] = ("relevance", "descending")) -> Reply:
        by_id = self._by_id
        results: list[tuple[Paper, int]] = []
        scores: dict[str, float] | None = None
        if sq.strip():
            try:
                tree = parse_search_query(sq)
            except QuerySyntaxError as exc:
                return self._error(writer, "malformed_query", f"malformed query: {exc}")
            scores = _evaluate(tree, self._docs, self._postings)
        if wanted:
            seen: set[tuple[str, int | None]] = set()
            for base, version in wanted:
                doc = by_id.get(base)
                if doc is None or (base, version) in seen:
                    continue  # unknown well-formed ids drop out silently
                if version is not None and version > len(doc.paper.versions):
                    continue
                if scores is not None and base not in scores:
                    continue  # id_list + search_query: the query filters the list
                seen.add((base, version))
                results.append((doc.paper, version or len(doc.paper.versions)))
        elif scores is not None:
            ranked = self._sort([by_id[i] for i in scores], scores, how)
            results = [(d.paper, d.version) for d in ranked]
        total = len(results)
        page = results[start:start + min(max_results, MAX_PAGE)]
        id_list = ",".join(raw_ids)
        title = f"arXiv Query: search_query={sq}&id_list={id_list}&start={start}&max_results={max_results}"
        link = f"https://arxiv.org/api/query?search_query={sq}&start={start}&max_results={max_results}&id_list={id_list}"
        root = writer.feed(title, link, total, start, min(max_results, MAX_PAGE))
        for paper, version in page:
            writer.entry(root, paper, version)
        return Reply(200, _serialise(root), {}, "application/atom+xml; charset=UTF-8")

    def _sort(self, docs: list[_Doc], scores: dict[str, float], how: tuple[str, str]) -> list[_Doc]:
        by, order = how
        if by == "submittedDate":
            key: Callable[[_Doc], object] = lambda d: (d.published, d.paper.id)
        elif by == "lastUpdatedDate":
            key = lambda d: (d.updated, d.paper.id)
        else:  # relevance: best first; ties to the newer paper
            return sorted(docs, key=lambda d: (-round(scores[d.paper.id], 9), _neg(d.published), d.paper.id))
        return sorted(docs, key=key, reverse=(order != "ascending"))  # type: ignore[arg-type]


def _count(params: dict[str, str], name: str, default: int) -> int | None:
    """A non-negative integer parameter (its default when absent), ``None`` when arXiv would reject it."""
    try:
        value = int(params.get(name, str(default)))
    except ValueError:
        return None
    return value if value >= 0 else None


def _neg(iso: str) -> str:
    """A sort key that orders ISO dates newest first when sorted ascending."""
    return "".join(chr(0x10FFFF - ord(c)) if c.isdigit() else c for c in iso)
