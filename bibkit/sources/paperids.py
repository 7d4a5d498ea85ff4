"""Identifiers of papers in pasted text: links to paper pages, ``arXiv:`` mentions, DOIs.

People paste whatever address their browser shows, so one paper has many
spellings: arXiv ``abs``/``pdf``/``html`` pages with or without a version and
``.pdf`` (and mirrors: ar5iv, alphaxiv), Hugging Face paper pages, OpenReview
forums and PDFs, the ACL Anthology, ``doi.org`` and ``doi:`` DOIs (and
publishers' ``/doi/`` pages), Semantic Scholar paper pages, PubMed, IEEE Xplore,
and proceedings sites that have no identifier at all.  :func:`find_ids` finds
them all with their positions (so a caller can tell what text is left around
them); :func:`classify_url` names one URL.  GitHub links are *code*, never a
paper (:func:`code_links`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..links import normalize_arxiv_id, normalize_doi, strip_trailing_punctuation
from ..normalize.openreview import note_id as openreview_note_id

__all__ = ["PaperId", "find_ids", "classify_url", "code_links", "URL"]


@dataclass(frozen=True, slots=True)
class PaperId:
    """One identifier of a paper.

    ``kind`` is ``arxiv`` (``value`` the base id, ``version`` kept apart; ``via`` says which site
    named it: ``hf``, ``alphaxiv``…), ``doi``, ``openreview``, ``acl``, ``s2``, ``s2corpus``,
    ``pmid``, ``ieee``, or ``url`` (a proceedings page with no identifier).
    """

    kind: str
    value: str
    version: int | None = None
    url: str | None = None
    via: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.value.lower())


#: a URL with a scheme, or a bare address on a host people paste without one
URL = re.compile(
    r"(?:https?://|(?<![\w@./-])www\.)[^\s<>\"'`|\[\]]+"
    r"|(?<![\w@./-])(?:(?:export\.|browse\.)?arxiv\.org|huggingface\.co|hf\.co|(?:dx\.)?doi\.org|openreview\.net"
    r"|aclanthology\.org|(?:www\.)?semanticscholar\.org|(?:www\.)?alphaxiv\.org|ar5iv\.(?:labs\.arxiv\.)?org"
    r"|github\.com)/[^\s<>\"'`|\[\]]*",
    re.IGNORECASE,
)
#: DBLP's and BibTeX ``plain``'s spelling of an arXiv paper: "CoRR, abs/2401.04088" (also "CoRR abs/…")
_CORR = re.compile(r"\bCoRR\b[,\s]*(?:vol\.?\s*)?abs/(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
_ARXIV_MENTION = re.compile(
    r"(?<![\w/.-])arxiv\s*(?::|\s(?:preprint\s+)?(?:arxiv\s*:\s*)?|\.org\s*:\s*|\s*id\s*:?\s*)\s*"
    r"(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)(?![\w])",
    re.IGNORECASE,
)
#: a DOI mention, in pieces for :func:`find_ids`: the DOI where "10." is, the "doi:" before it, and what may
#: not precede either (a DOI inside a word, a path or a number is none)
_DOI_AT = re.compile(r"10\.\d{4,9}/[^\s\"<>{}]+")
_DOI_PREFIX = re.compile(r"doi\s*[:=]?\s*$", re.IGNORECASE)


def _DOI_BEFORE(ch: str) -> bool:
    return ch.isalnum() or ch in "_/."
_ACL_ID = re.compile(r"^(?:\d{4}\.[a-z0-9]+-[a-z0-9]+\.\d+|[A-Z]\d{2}-\d{4})$", re.IGNORECASE)
_HEX40 = re.compile(r"^[0-9a-f]{40}$", re.IGNORECASE)
_PUBLISHER_DOI = re.compile(r"/doi/(?:abs/|full/|pdf/|epdf/|book/|fullHtml/)?(10\.\d{4,9}/.+)$", re.IGNORECASE)
_PROCEEDINGS_HOSTS = (
    "proceedings.neurips.cc", "papers.nips.cc", "papers.neurips.cc", "proceedings.mlr.press", "openaccess.thecvf.com",
    "jmlr.org", "www.jmlr.org", "ojs.aaai.org", "aaai.org", "www.aaai.org", "ijcai.org", "www.ijcai.org",
    "www.isca-speech.org", "isca-speech.org", "papers.ssrn.com", "www.ecva.net", "ecva.net", "dl.acm.org",
    "ieeexplore.ieee.org", "link.springer.com", "www.nature.com", "nature.com", "www.science.org", "science.org",
    "paperswithcode.com", "www.paperswithcode.com", "www.biorxiv.org", "biorxiv.org", "www.medrxiv.org",
    "medrxiv.org", "pubmed.ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov", "onlinelibrary.wiley.com",
    "www.tandfonline.com", "journals.plos.org", "www.pnas.org", "pnas.org", "academic.oup.com",
    "www.sciencedirect.com", "sciencedirect.com", "iopscience.iop.org", "journals.aps.org", "www.mdpi.com",
    "arxiv.org", "www.researchgate.net", "researchgate.net", "scholar.archive.org", "www.jstor.org",
)


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _host_path(url: str) -> tuple[str, str, str]:
    if not _SCHEME.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "", "", ""
    return host, parts.path, parts.query


def classify_url(url: str) -> PaperId | None:
    """The paper a URL names, or ``None`` when it names none (code, blogs, search pages, lists)."""
    url = strip_trailing_punctuation(url.strip().strip("<>"))
    host, path, query = _host_path(url)
    if not host:
        return None
    bare = host[4:] if host.startswith("www.") else host
    segs = [s for s in path.split("/") if s]
    for site in (_arxiv_site, _paper_site):
        decided, found = site(bare, segs, query, url)
        if decided:
            return found
    return _publisher(host, bare, path, segs, url)


#: ``(the host is one this rule knows, so its answer is final; the paper it names)``
_Verdict = tuple[bool, PaperId | None]
_ARXIV_HOSTS = ("arxiv.org", "export.arxiv.org", "browse.arxiv.org")
_ARXIV_MIRRORS = ("ar5iv.org", "ar5iv.labs.arxiv.org", "alphaxiv.org", "arxiv-sanity-lite.com", "arxiv.dev",
                  "chatpaper.com", "scholar-chat.com")


def _arxiv_site(bare: str, segs: list[str], query: str, url: str) -> _Verdict:
    """arXiv's own pages (abs, pdf, html, any version), its mirrors, and Hugging Face paper pages."""
    if bare in _ARXIV_HOSTS or bare.endswith(".arxiv.org") and not bare.startswith("ar5iv"):
        found = normalize_arxiv_id(url)
        if found:
            return True, PaperId("arxiv", found[0], found[1], url)
        if len(segs) >= 2 and segs[0] in ("abs", "pdf", "html"):
            found = normalize_arxiv_id("/".join(segs[1:]).removesuffix(".pdf"))
            if found:
                return True, PaperId("arxiv", found[0], found[1], url)
        return True, None
    if bare in _ARXIV_MIRRORS and len(segs) >= 2:
        found = normalize_arxiv_id("/".join(segs[1:]).removesuffix(".pdf"))
        return True, PaperId("arxiv", found[0], found[1], url, via=bare.split(".")[0]) if found else None
    if bare in ("huggingface.co", "hf.co"):
        found = normalize_arxiv_id(segs[1]) if len(segs) >= 2 and segs[0] == "papers" else None
        return True, PaperId("arxiv", found[0], found[1], url, via="hf") if found else None
    return False, None


def _paper_site(bare: str, segs: list[str], query: str, url: str) -> _Verdict:
    """Sites whose paper pages carry an identifier: doi.org, OpenReview, the ACL Anthology, Semantic
    Scholar, PubMed, IEEE Xplore."""
    if bare in ("doi.org", "dx.doi.org"):
        doi = normalize_doi(url)
        return True, _doi_id(doi, url) if doi else None
    if bare == "openreview.net":
        ident = openreview_note_id(url)
        return True, PaperId("openreview", ident, None, url) if ident else None
    if bare in ("aclanthology.org", "aclweb.org") and segs:
        tail = segs[-1].removesuffix(".pdf").removesuffix(".bib")
        return True, PaperId("acl", tail, None, url) if _ACL_ID.match(tail) else None
    last = segs[-1] if segs else ""
    if bare in ("semanticscholar.org", "api.semanticscholar.org") and segs:
        # Semantic Scholar's arXiv permalinks: /arxiv/2401.04088, and arXiv's own abs-page link
        # api.semanticscholar.org/arXiv:2401.04088 (the API's "arXiv:" paper id, also under /paper/)
        tail = "/".join(segs[1:]) if segs[0].lower() == "arxiv" else last
        if segs[0].lower() == "arxiv" or tail.lower().startswith("arxiv:"):
            on_arxiv = normalize_arxiv_id(tail.split(":", 1)[-1])
            if on_arxiv:
                return True, PaperId("arxiv", on_arxiv[0], on_arxiv[1], url, via="s2")
    if bare == "semanticscholar.org" and len(segs) >= 2 and segs[0] == "paper":
        if _HEX40.match(last):
            return True, PaperId("s2", last.lower(), None, url)
        if last.lower().startswith("corpusid:"):
            return True, PaperId("s2corpus", last.split(":", 1)[1], None, url)
        return True, None
    if bare == "api.semanticscholar.org" and last.lower().startswith("corpusid:"):
        return True, PaperId("s2corpus", last.split(":", 1)[1], None, url)
    if bare == "pubmed.ncbi.nlm.nih.gov" and segs and segs[0].isdigit():
        return True, PaperId("pmid", segs[0], None, url)
    if bare == "ieeexplore.ieee.org" and "document" in segs:
        idx = segs.index("document")
        if idx + 1 < len(segs) and segs[idx + 1].isdigit():
            return True, PaperId("ieee", segs[idx + 1], None, url)
    return False, None


def _publisher(host: str, bare: str, path: str, segs: list[str], url: str) -> PaperId | None:
    """A publisher's page of a DOI (``/doi/10.…``, Springer, Nature, bioRxiv), or a proceedings
    site's paper page (which has no identifier at all: the URL is kept)."""
    m = _PUBLISHER_DOI.search(unquote(path))
    if m:
        doi = normalize_doi(m.group(1))
        if doi:
            return _doi_id(doi, url)
    if bare == "link.springer.com" and len(segs) >= 3 and segs[1].startswith("10."):
        doi = normalize_doi("/".join(segs[1:]))
        if doi:
            return _doi_id(doi, url)
    if bare == "nature.com" and len(segs) >= 2 and segs[0] == "articles":
        return _doi_id(f"10.1038/{segs[1]}", url)
    if bare in ("biorxiv.org", "medrxiv.org") and len(segs) >= 3 and segs[0] == "content" and segs[1].startswith("10."):
        doi = normalize_doi("/".join(segs[1:3]))
        if doi:
            return _doi_id(re.sub(r"v\d+$", "", doi), url)
    if host in _PROCEEDINGS_HOSTS and segs and (path.lower().endswith((".pdf", ".html", "-abstract.html"))
                                               or segs[0] in ("paper", "paper_files", "papers", "article", "content",
                                                              "v1", "document") or bare == "proceedings.mlr.press"):
        return PaperId("url", url, None, url)
    return None


def _doi_id(doi: str, url: str | None) -> PaperId:
    found = normalize_arxiv_id(doi) if doi.lower().startswith("10.48550/") else None
    if found:
        return PaperId("arxiv", found[0], found[1], url, via="doi")
    return PaperId("doi", doi, None, url)


#: hosts people paste without a scheme (URL's second half)
_HOSTS = ("arxiv.org", "huggingface.co", "hf.co/", "doi.org", "openreview.net", "aclanthology.org",
          "semanticscholar.org", "alphaxiv.org", "ar5iv.", "github.com")


def find_ids(text: str) -> list[tuple[int, int, PaperId]]:
    """Every paper identifier in ``text`` as ``(start, end, id)``, in order, without overlaps.

    URLs first (their identifiers are not found again inside them), then ``arXiv:`` mentions
    ("arXiv:2401.04088", "arXiv preprint arXiv:2401.04088v2", "arXiv 2401.04088") and DOIs
    (``doi:10.…``, ``DOI: 10.…``, a bare ``10.…/…`` in a reference).
    """
    if not text:
        return []
    spans: list[tuple[int, int, PaperId]] = []
    taken: list[tuple[int, int]] = []
    low = text.lower()
    urls = "://" in text or "www." in low
    if not urls:
        for host in _HOSTS:  # (a loop, not any(): this runs on every reference)
            if host in low:
                urls = True
                break
    if urls:
        for m in URL.finditer(text):
            raw = strip_trailing_punctuation(m.group(0))
            ident = classify_url(raw)
            taken.append((m.start(), m.start() + len(raw)))
            if ident is not None:
                spans.append((m.start(), m.start() + len(raw), ident))

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in taken)

    if "abs/" in low and "corr" in low:
        for m in _CORR.finditer(text):
            if free(m.start(), m.end()):
                found = normalize_arxiv_id(m.group("id"))
                if found:
                    spans.append((m.start(), m.end(), PaperId("arxiv", found[0], found[1])))
                    taken.append((m.start(), m.end()))
    at = low.find("arxiv")
    while at >= 0:  # the pattern is tried where "arxiv" is, not at every character
        mention = _ARXIV_MENTION.match(text, at)
        if mention and free(mention.start(), mention.end()):
            found = normalize_arxiv_id(mention.group("id"))
            if found:
                spans.append((mention.start(), mention.end(), PaperId("arxiv", found[0], found[1])))
                taken.append((mention.start(), mention.end()))
        at = low.find("arxiv", at + 5)
    at = text.find("10.")
    while at >= 0:  # (as for "arxiv": the DOI pattern is tried where "10." is)
        hit = _DOI_AT.match(text, at) if at == 0 or not _DOI_BEFORE(text[at - 1]) else None
        if hit is None:
            at = text.find("10.", at + 3)
            continue
        prefix = _DOI_PREFIX.search(text, max(0, at - 12), at)
        start = prefix.start() if prefix and (prefix.start() == 0 or not _DOI_BEFORE(text[prefix.start() - 1])) else at
        if free(start, hit.end()):
            doi = normalize_doi(hit.group(0))
            if doi:
                end = at + len(strip_trailing_punctuation(hit.group(0)))
                spans.append((start, end, _doi_id(doi, None)))
                taken.append((start, end))
        at = text.find("10.", hit.end())
    spans.sort(key=lambda s: s[0])
    return spans


def code_links(text: str) -> list[str]:
    """GitHub (and GitLab) repository URLs in ``text``: the paper's code, never the paper."""
    if "github" not in text.lower() and "gitlab" not in text.lower():
        return []
    out = []
    for m in URL.finditer(text):
        raw = strip_trailing_punctuation(m.group(0))
        host, path, _ = _host_path(raw)
        segs = [s for s in path.split("/") if s]
        if host.removeprefix("www.") in ("github.com", "gitlab.com") and len(segs) >= 2:
            out.append(raw)
    return out
