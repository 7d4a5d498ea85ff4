"""Notes: links and mentions of papers among whatever else someone wrote down.

A line names papers by

* a link to a paper page — arXiv ``abs``/``pdf``/``html`` (any version, mirrors such as ar5iv
  and alphaxiv), Hugging Face papers, OpenReview forums and PDFs, the ACL Anthology,
  ``doi.org`` or ``doi:`` DOIs, Semantic Scholar paper pages, proceedings sites;
* an identifier in the text: ``arXiv:2401.04088``, ``arXiv 2401.04088v2``, ``doi:10.…``;
* a quoted title with its citation: ``"Attention Is All You Need" (Vaswani et al. 2017)``,
  ``“Title” by Surname et al.``, or an unquoted ``Title (Surname et al., 2024)``.

The text around a link ("https://arxiv.org/abs/2310.15326  <- start here") becomes the title
only when it reads like one; the URL never does.  Several links to one paper on a line are one
paper; links to different papers are several.  Lines naming no paper (notes to self, links to
code or blogs, headings) are skipped with the reason.
"""

from __future__ import annotations

import re

from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import URL, code_links, find_ids
from ..pastetext import YEAR, Line, split_authors, stands_alone_as_title, title_likeness
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence", "parse_line"]

NAME = PageReader.NOTES

_DECORATION = re.compile(
    r"^\s*(?:>\s*)*(?:\*+\s+(?:(?:TODO|DONE|NEXT|WAITING|HOLD|CANCELL?ED)\s+)?|[-*+•◦▪‣]\s+|\d{1,3}[.)]\s+)?"
    r"(?:\[[ xX]\]\s+)?")
_DECORATION_START = frozenset(" \t>*+-•◦▪‣[0123456789")
#: links that carry their own label: Slack ``<url|label>``, org-mode ``[[url][label]]``, Markdown ``[label](url)``,
#: HTML ``<a href="url">label</a>``; and wiki links ``[[Title]]`` / ``[[Title|alias]]``
_LABELLED = re.compile(
    r"<(?P<u1>https?://[^|>\s]+)\|(?P<l1>[^>]+)>"
    r"|\[\[(?P<u2>https?://[^\]\s]+)\]\[(?P<l2>[^\]]+)\]\]"
    r"|\[(?P<l3>[^\[\]]+)\]\((?P<u3>https?://[^)\s]+)\)"
    r"|<a\s[^>]*href=[\"'](?P<u4>[^\"']+)[\"'][^>]*>(?P<l4>[^<]+)</a>"
    r"|\[\[(?P<l5>[^\]|]+)(?:\|[^\]]*)?\]\]",
    re.IGNORECASE,
)
_LINK_WORDS = re.compile(r"^(?:paper|pdf|link|here|arxiv|abs|hf|html|code|this|site|page)$", re.IGNORECASE)
_CITED = re.compile(
    r"[“\"](?P<title>[^“”\"]{6,300})[”\"]\s*[,.]?\s*"
    r"(?:\(\s*(?P<who>[^()]{2,80}?)[,\s]+(?P<year>(?:19|20)\d\d)[a-z]?\s*\)|by\s+(?P<by>[^,;()]{2,80}?)"
    r"(?:[,\s]+\(?(?P<year2>(?:19|20)\d\d)\)?)?(?=$|[,.;])|(?P<who2>[A-Z][\w'’-]+(?:\s+et\s+al\.?)?)[,\s]+\(?(?P<year3>(?:19|20)\d\d)\)?)"
)
_QUOTED_ONLY = re.compile(r"^[“\"](?P<title>[^“”\"]{6,300})[”\"][\s.,;:!]*$")
_UNQUOTED_CITED = re.compile(
    r"^(?P<title>[^()\"“”]{8,300}?)\s*[,\-–—]?\s*\(\s*"
    r"(?P<who>[A-Z][\w'’ .-]{1,60}?(?:\s+et\s+al\.?|\s+(?:and|&)\s+[A-Z][\w'’-]+)?)"
    r"[,\s]+(?P<year>(?:19|20)\d\d)[a-z]?\s*\)\s*[.,;]?\s*(?P<tail>.*)$"
)
#: what stands in "(… 2024)" that is a venue, not a person: an acronym ("ICML", "NeurIPS", "ACL Findings"),
#: a preprint server
#: (ending in capitals: "NeurIPS", "CoRL"; a name with a capital inside ends lower-case: "LeCun", "McMahan")
_VENUE_NOT_AUTHOR = re.compile(r"(?:[A-Z][A-Za-z]*[A-Z]{2,}|[A-Z]{2,}[a-z]*|arXiv|CoRR|Findings)"
                               r"(?:\s+(?:[A-Z]{2,}\w*|Findings|Workshop|Oral|Spotlight|Poster))*")
_CITE_PAREN = re.compile(r"\(\s*[A-Z][^()]{0,70}(?:19|20)\d\d[a-z]?\s*\)")  # what _UNQUOTED_CITED needs, cheaply
_ARROWS = re.compile(r"<-+|-+>|←|→|⇐|⇒|<=|=>|\(\s*(?:pdf|abs|html|v\d+|link|paper)\s*\)"
                     r"|\[\s*(?:pdf|abs|html|link|paper)\s*\]", re.IGNORECASE)
_ID_ONLY = re.compile(r"^(?:arxiv\s*:?\s*)?(?:\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)$"
                      r"|^(?:doi\s*:?\s*)?10\.\d{4,9}/\S+$", re.IGNORECASE)


#: what :func:`_id_hint` looks for, each behind a literal it needs (one alternation of them all is tried at every
#: character of every line, and was a third of this reader's evidence)
_HINT_HOSTS = ("http://", "https://", "www.", "huggingface.co/papers", "hf.co/papers", "openreview", "aclanthology",
               "semanticscholar", "alphaxiv")
_HINT_ARXIV = re.compile(r"arxiv[.:\s]")
_HINT_DOI = re.compile(r"doi[.:\s]")
_HINT_PREFIX = re.compile(r"\b10\.\d{4}")
_HINT_NEW_ID = re.compile(r"\d{4}\.\d{4,5}")


def _id_hint(low: str) -> bool:
    """Whether a lower-cased line mentions an identifier or a paper's page: ``arxiv:``/``doi:``, a DOI prefix,
    a URL, a paper site's name, or a new-style arXiv number."""
    for host in _HINT_HOSTS:
        if host in low:
            return True
    return bool(("arxiv" in low and _HINT_ARXIV.search(low)) or ("doi" in low and _HINT_DOI.search(low))
                or ("10." in low and _HINT_PREFIX.search(low)) or ("." in low and _HINT_NEW_ID.search(low)))


_ID_TOKENS = re.compile(r"(?:^|\s)[^\w\s]*(?:https?://|www\.|arxiv:|doi:|10\.\d{4,9}/|\d{4}\.\d{4,5}(?:v\d+)?(?=[^\w.]|$)"
                        r"|[\w.-]+\.(?:org|com|net|cc)/)")


def line_evidence(line: Line) -> float:
    t = line.text
    if not t or len(t) > 3000:
        return 0.0
    body = _DECORATION.sub("", t) if t[0] in _DECORATION_START else t
    if len(body) <= 80 and _ID_ONLY.match(body):
        return 4.0
    quoted = '"' in body or "“" in body
    if quoted and _CITED.search(body):
        return 4.0
    if body[:1] in '"“' and _QUOTED_ONLY.match(body):
        return 0.5  # a quoted title alone is a title in any list
    if "(" in body and _CITE_PAREN.search(body) is not None:
        m = _UNQUOTED_CITED.match(body)
        if m and title_likeness(m.group("title")) >= 0.4 and not _VENUE_NOT_AUTHOR.fullmatch(m.group("who")):
            return 3.0
    if "](" in t:
        return 0.0  # a Markdown link: the reading list's
    low = body.lower()
    if not (("http" in low or "www." in low or "arxiv" in low or "doi" in low or "10." in low
             or "/" in low) and _id_hint(low)):
        return 0.0
    words = body.split()
    if len(words) > 30:
        return 0.5  # a long line that mentions a paper: prose, a reference
    # the words beside the identifiers (a cheap count: the tokens that are no link, id or DOI)
    ids = len(_ID_TOKENS.findall(low))
    if not ids:
        return 0.0
    if "arxiv" not in low and "doi" not in low and "10." not in low and not find_ids(body):
        return 0.0  # links to pages that are no paper's only: a repository, a blog, a home page
    n = len(words) - ids - low.count("arxiv ") - low.count("doi ")
    return 4.0 if n <= 10 else 2.0 if n <= 25 else 0.5


def read_block(lines: list[Line], sink: Sink) -> None:
    for ln in lines:
        if not ln.text:
            continue
        drafts, why = parse_line(ln.text, ln.no)
        if not drafts:
            sink.skip(ln, why)
        for d in drafts:
            sink.add(d)


def parse_line(text: str, line: int) -> tuple[list[Draft], str]:
    """The papers one line of notes names, or ``([], why none)``."""
    body = _DECORATION.sub("", text).strip()
    if not body:
        return [], "an empty bullet"
    labels: list[str] = []
    if "[" in body or "<" in body:
        for lm in _LABELLED.finditer(body):
            label = next(g for g in (lm.group(f"l{k}") for k in range(1, 6)) if g)
            if not _LINK_WORDS.match(label.strip()):
                labels.append(label.strip())
        body = _LABELLED.sub(lambda lm: " " + " ".join(g for g in (lm.group("u1"), lm.group("u2"), lm.group("u3"),
                                                                      lm.group("u4")) if g) + " "
                             if not lm.group("l5") else " " + lm.group("l5") + " ", body).strip()
    m = _ID_ONLY.match(body)
    ids = find_ids(body if not m or "arxiv" in body.lower() or body.lower().startswith(("doi", "10."))
                   else f"arXiv:{body}")
    code = code_links(body)
    if ids:
        groups: dict[tuple[str, str], Draft] = {}
        order: list[Draft] = []
        for _s, _e, ident in ids:
            key = ident.key
            if key not in groups:
                d = Draft(NAME, "link" if ident.url else "mention", line, confidence=0.95)
                groups[key] = d
                order.append(d)
            groups[key].add_id(ident)
        rest = body
        for s, e, _i in reversed(ids):
            rest = rest[:s] + _LINK + rest[e:]
        rest = URL.sub(_LINK, rest)
        hint = next((lb for lb in labels if title_likeness(lb) >= 0.3), None) or _title_hint(rest)
        if len(order) == 1:
            d = order[0]
            if hint:
                d.title = hint
            d.code = code
            cited = _CITED.search(body)
            if cited:
                _cite(d, cited, body)
        return order, ""
    cited = _CITED.search(body)
    if cited:
        d = Draft(NAME, "cited-title", line, confidence=0.85)
        _cite(d, cited, body)
        d.code = code
        return [d], ""
    u = _UNQUOTED_CITED.match(body)
    if u and _VENUE_NOT_AUTHOR.fullmatch(u.group("who")):
        u = None  # "Title (ICML 2024)": a venue and its year, not a citation of a person
    if u and title_likeness(u.group("title")) >= 0.4 and chatter_reason(u.group("title")) is None:
        d = Draft(NAME, "cited-title", line, confidence=0.75)
        d.title = u.group("title").strip(" ,-–—:")
        authors = split_authors(u.group("who"))
        d.authors, d.truncated = authors.names[:1], True
        d.year = int(u.group("year"))
        d.reference = body
        d.code = code
        return [d], ""
    q = _QUOTED_ONLY.match(body)
    if q and title_likeness(q.group("title")) >= 0.5:
        d = Draft(NAME, "quoted-title", line, confidence=0.6)
        d.title = q.group("title")
        return [d], ""
    reason = chatter_reason(body)
    if reason:
        return [], reason
    if code:
        return [], "a link to code, not to a paper"
    if URL.search(body):
        return [], "a link to a page that is not a paper"
    if _bare_title(body):
        d = Draft(NAME, "title", line, confidence=0.5)
        d.title = body
        return [d], ""
    return [], "a line of text with no paper link, identifier or citation"


def _bare_title(text: str) -> bool:
    """A line that is nothing but a title: notes list papers that way too (sentences, remarks,
    labels and headings are not titles: :func:`~.text.stands_alone_as_title`)."""
    return title_likeness(text) >= 0.65 and stands_alone_as_title(text)


def _cite(d: Draft, m: re.Match[str], body: str) -> None:
    d.title = m.group("title").strip(" ,.")
    who = m.group("who") or m.group("by") or m.group("who2")
    year = m.group("year") or m.group("year2") or m.group("year3")
    if who:
        authors = split_authors(who)
        d.authors, d.truncated = authors.names[:1], True
    if year:
        d.year = int(year)
    d.reference = body


_EMPTY_BRACKETS = re.compile(r"[(\[]\s*[)\]]")
#: a spaced dash and a lower-case remark after it
_REMARK_AFTER = re.compile(r"\s+[-–—]+\s+(?=[a-z])")


#: where an identifier or a link stood in the text beside it (see :func:`_title_hint`)
_LINK = " \x1f "


def _title_hint(rest: str) -> str | None:
    """The text beside a link, when it is the paper's title (not "<- start here", "pdf", a note).

    A lower-case remark after a spaced dash that follows the link is no part of the title ("AquilaMoE
    (arxiv.org/abs/…) - training recipe"); before the link a spaced dash may be the title's own
    ("RoFormer - enhanced transformer with rotary position embedding (arxiv.org/abs/…)")."""
    head, link, tail = rest.partition(_LINK)
    if link:
        remark = _REMARK_AFTER.search(tail)
        if remark:
            tail = tail[: remark.start()]
        rest = f"{head} {tail}".replace(_LINK, " ")
    t = _ARROWS.sub(" ", rest)
    t = _EMPTY_BRACKETS.sub(" ", t)  # "AquilaMoE (arxiv.org/abs/…)": the link's brackets, emptied
    t = re.sub(r"\s+", " ", t).strip(" -–—|:;,.()[]*_")
    if not t or len(t.split()) < 2 or chatter_reason(t):
        return None
    q = re.search(r"[“\"](?P<t>[^“”\"]{6,300})[”\"]", t)
    if q:
        t = q.group("t")
    t = re.sub(r"\s*\((?:[A-Z][\w'’-]+(?:\s+et\s+al\.?)?,?\s*)?(?:19|20)\d\d\)\s*$", "", t)
    if YEAR.fullmatch(t):
        return None
    return t if title_likeness(t) >= 0.55 and len(t.split()) >= 3 else None
