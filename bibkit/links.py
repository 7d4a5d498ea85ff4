"""Links and identifiers found in free text (abstracts, arXiv comments, notes), canonicalised.

Abstracts bury the things a bibliography wants as data: the paper's own code
repository, its project page, models and datasets on the Hub, other papers by
arXiv id or DOI.  Pasted text adds noise: a URL that ends a sentence drags the
full stop along (``…/tree/main/OCR/Platypus.``), parentheses close around it,
people drop the scheme (``github.com/x/y``).  This module turns such text into
:class:`~bibkit.model.Link` records that later stages can compare and resolve:

* :func:`extract_links` — every link in a text, in order, canonicalised and
  de-duplicated, with GitHub repositories marked ``primary``/``mentioned`` when
  the sentence says so;
* :func:`canonical_link` — one URL;
* :func:`normalize_arxiv_id`, :func:`normalize_doi` — one identifier;
* :func:`find_arxiv_ids`, :func:`find_dois` — identifiers in free text.

Everything here is offline and pure: no HTTP, no guessing beyond the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote, urlsplit

from .lazyre import compile_on_first_use
from .model import ARXIV_DOI_REGISTRANT, Link, LinkKind, arxiv_id_of_doi

__all__ = [
    "extract_links",
    "canonical_link",
    "normalize_arxiv_id",
    "arxiv_id_month",
    "normalize_doi",
    "find_arxiv_ids",
    "find_dois",
    "strip_trailing_punctuation",
    "OLD_ARXIV_ARCHIVES",
]

# --------------------------------------------------------------------------- trailing punctuation

#: characters that end a sentence or a quotation rather than a URL/identifier
_ALWAYS_TRAILING = set(".,;:!?'\"`’”»›*…，。；：！？、）】」』")
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}


def strip_trailing_punctuation(text: str) -> str:
    """Remove what the surrounding prose glued to the end of a URL or identifier.

    ``.,;:!?`` and closing quotes always go; a closing ``)``/``]``/``}``/``>`` goes only
    when it has no partner inside the text, so ``10.1002/(SICI)1097`` and
    ``…/wiki/Foo_(bar)`` survive while ``(see https://x.org/y).`` loses ``).``.
    """
    while text:
        last = text[-1]
        if last in _ALWAYS_TRAILING:
            text = text[:-1]
        elif last in _PAIRS and text.count(_PAIRS[last]) < text.count(last):
            text = text[:-1]
        else:
            break
    return text


# --------------------------------------------------------------------------- arXiv identifiers

#: archives of pre-2007 identifiers (``archive[.SC]/YYMMNNN``)
OLD_ARXIV_ARCHIVES = frozenset(
    """
    acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg comp-gas
    cond-mat cs dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph mtrl-th nlin
    nucl-ex nucl-th patt-sol physics plasm-ph q-alg q-bio quant-ph solv-int supr-con
    """.split()
)


def _lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A pattern compiled on first use: the ones that scan free text are big (a millisecond or more each to
    compile) and a run reading only ``.bib`` fields never needs them (start-up time)."""
    return functools.cache(lambda: re.compile(pattern, flags))


_NEW_ID = compile_on_first_use(__name__, r"(?P<yymm>\d{4})\.(?P<num>\d{4,5})(?:v(?P<v>\d+))?")
_OLD_ID = compile_on_first_use(
    __name__, r"(?P<arch>[A-Za-z-]+)(?:\.(?P<sc>[A-Za-z-]{1,12}))?/(?P<num>\d{7})(?:v(?P<v>\d+))?")
_ARXIV_URL = compile_on_first_use(
    __name__,
    r"^(?:https?://)?(?:www\.|export\.|browse\.)?arxiv\.org/(?:abs|pdf|html|format|src|ps)/(?P<id>.+?)"
    r"(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_ARXIV_PREFIX = compile_on_first_use(__name__, r"^(?:arxiv\s*:\s*|arxiv\s+)", re.IGNORECASE)


def _valid_new(yymm: str, num: str) -> bool:
    yy, mm = int(yymm[:2]), int(yymm[2:])
    if not 1 <= mm <= 12:
        return False
    if len(num) == 4:  # April 2007 .. December 2014
        return 704 <= int(yymm) <= 1412
    return int(yymm) >= 1501 and yy >= 15


def _valid_old(arch: str, num: str) -> bool:
    if arch.lower() not in OLD_ARXIV_ARCHIVES:
        return False
    yy, mm = int(num[:2]), int(num[2:4])
    return 1 <= mm <= 12 and (yy >= 91 or yy <= 7)


def _match_bare_arxiv(text: str) -> tuple[str, int | None] | None:
    m = _NEW_ID.fullmatch(text)
    if m:
        if not _valid_new(m["yymm"], m["num"]):
            return None
        return f"{m['yymm']}.{m['num']}", int(m["v"]) if m["v"] else None
    m = _OLD_ID.fullmatch(text)
    if m and _valid_old(m["arch"], m["num"]):
        return f"{m['arch'].lower()}/{m['num']}", int(m["v"]) if m["v"] else None
    return None


@functools.lru_cache(maxsize=16384)  # (the same ids come back in every search that finds their papers)
def normalize_arxiv_id(text: str) -> tuple[str, int | None] | None:
    """``(base id, version)`` for anything that names one arXiv paper, else ``None``.

    Accepts new (``2401.06066``, ``2401.06066v2``, 2007–2014 ``0704.0001``) and
    old-style ids (``hep-th/9901001``; ``math.CA/0611800v2`` gives the preferred
    ``math/0611800``: arXiv's scheme drops the subject class), an ``arXiv:``
    prefix, abs/pdf/html URLs on ``arxiv.org``/``export.arxiv.org`` (with
    ``.pdf``, versions, ``www.``), and arXiv's DataCite DOI ``10.48550/arXiv.<id>``
    in any DOI spelling.  Invalid months and wrong digit counts are rejected so
    a version number or a decimal in prose is not mistaken for a paper.
    """
    if text is None:
        return None
    s = strip_trailing_punctuation(text.strip().strip("<>").strip())
    if not s:
        return None
    m = _ARXIV_URL.match(s)
    if m:
        s = m["id"]
    else:
        doi = normalize_doi(s) if f"{ARXIV_DOI_REGISTRANT}/" in s else None
        if doi:
            inside = arxiv_id_of_doi(doi)
            if inside is None:
                return None
            s = inside
        else:
            s = _ARXIV_PREFIX.sub("", s, count=1)
    s = strip_trailing_punctuation(s.strip())
    return _match_bare_arxiv(s)


def arxiv_id_month(arxiv_id: str) -> tuple[int, int] | None:
    """``(year, month)`` an arXiv identifier was assigned in: its ``YYMM`` (``2401.04088`` → 2024, 1;
    ``hep-th/9901001`` → 1999, 1), the month of the first version's submission that arXiv's own
    BibTeX dates a paper by.  (A paper sent in the last hours of a month can carry the next month's
    number: the date arXiv's record gives wins over this one when it is known.)"""
    digits = arxiv_id.rsplit("/", 1)[-1][:4]
    if len(digits) != 4 or not digits.isdigit():
        return None
    yy, mm = int(digits[:2]), int(digits[2:])
    if not 1 <= mm <= 12:
        return None
    return (1900 + yy if yy >= 91 else 2000 + yy), mm


# text search: a prefixed id ("arXiv:2401.06066", "arXiv 2401.06066"), an arXiv URL, or an old-style
# id with a known archive; bare new-style numbers only on request (a decimal could look like one)
_ARXIV_IN_TEXT = _lazy(
    r"(?<![\w./-])(?:arxiv\s*:\s*|arxiv\s+(?:preprint\s+)?(?:arxiv\s*:\s*)?)"
    r"(?P<pid>\d{4}\.\d{4,5}(?:v\d+)?|[A-Za-z-]+(?:\.[A-Za-z-]+)?/\d{7}(?:v\d+)?)"
    r"|(?P<url>(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
    r"(?:\d{4}\.\d{4,5}|[A-Za-z-]+(?:\.[A-Za-z-]+)?/\d{7})(?:v\d+)?(?:\.pdf)?)"
    r"|(?<![\w./-])(?P<old>[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]+)?/\d{7}(?:v\d+)?)(?![\w/])",
    re.IGNORECASE,
)
_BARE_NEW_IN_TEXT = _lazy(r"(?<![\w./-])\d{4}\.\d{4,5}(?:v\d+)?(?![\w/]|\.\d)")


def find_arxiv_ids(text: str, *, bare: bool = False) -> list[tuple[str, int | None]]:
    """arXiv ids mentioned in free text, in order, without duplicates (by base id).

    Prefixed ids, arXiv URLs and old-style ids with a real archive name are
    found always; bare new-style numbers (``2401.06066``) only with
    ``bare=True`` because prose is full of decimals.
    """
    out: list[tuple[str, int | None]] = []
    seen: set[str] = set()
    # the pattern can only match where "arxiv" or an old-style "/NNNNNNN" is (the same guard as extract_links):
    # without it, an abstract costs a scan that tries the old-style branch at every letter
    maybe = "arxiv" in text.casefold() or _SEVEN_DIGITS.search(text) is not None
    hits: list[tuple[int, str]] = [(m.start(), m.group(0)) for m in _ARXIV_IN_TEXT().finditer(text)] if maybe else []
    if bare:
        hits += [(m.start(), m.group(0)) for m in _BARE_NEW_IN_TEXT().finditer(text)]
    for _, raw in sorted(hits):
        found = normalize_arxiv_id(raw)
        if found and found[0] not in seen:
            seen.add(found[0])
            out.append(found)
    return out


# --------------------------------------------------------------------------- DOIs

_DOI_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:(?:dx|www)\.)?doi\.org/|doi\s*:\s*|doi\s+|urn:doi:|info:doi/)",
    re.IGNORECASE,
)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_IN_TEXT = _lazy(r"(?<![\w/.])10\.\d{4,9}/[^\s\"{}]+")


def normalize_doi(text: str) -> str | None:
    """The bare DOI (``10.xxxx/…``) in ``text``, case kept as written, else ``None``.

    Strips ``doi:``, ``https://doi.org/``, ``dx.doi.org`` and trailing prose
    punctuation (a ``)`` only when unbalanced, since SICI DOIs contain
    parentheses and semicolons); percent-escapes are decoded when the DOI came
    as a URL.
    """
    if text is None:
        return None
    s = text.strip().strip("<>").strip()
    m = _DOI_PREFIX.match(s)
    was_url = bool(m and "doi.org" in m.group(0).lower())
    if m:
        s = s[m.end():].strip()
    if was_url:
        s = s.split("#", 1)[0]
        if "%" in s:
            s = unquote(s)
    s = strip_trailing_punctuation(s)
    return s if _DOI_SHAPE.match(s) else None


def find_dois(text: str) -> list[str]:
    """DOIs in free text (bare, ``doi:`` or doi.org URLs), in order, de-duplicated case-insensitively."""
    out: list[str] = []
    seen: set[str] = set()
    for m in _DOI_IN_TEXT().finditer(text):
        doi = normalize_doi(m.group(0))
        if doi and doi.lower() not in seen:
            seen.add(doi.lower())
            out.append(doi)
    return out


# --------------------------------------------------------------------------- one URL

#: first path segments of github.com that are site pages, never ``owner`` of a repository
_GITHUB_RESERVED = frozenset(
    """
    orgs topics features sponsors marketplace settings login logout join signup signin sessions
    about pricing explore trending collections events apps notifications search site security
    enterprise enterprises customer-stories readme team contact new organizations pulls issues
    codespaces copilot users resources solutions premium-support home dashboard stars watching
    account password_reset nonprofit education mobile desktop github-copilot discussions
    """.split()
)
_GH_OWNER = compile_on_first_use(__name__, r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")
_GH_NAME = compile_on_first_use(__name__, r"[A-Za-z0-9._-]+")
_HF_RESERVED = frozenset(
    """
    models datasets spaces docs blog papers collections organizations settings login join pricing
    learn tasks chat api posts enterprise inference-endpoints new search welcome terms-of-service
    privacy huggingchat billing notifications
    """.split()
)


_SCHEME = compile_on_first_use(__name__, r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _split_url(url: str) -> tuple[str, str, str, str]:
    """``(host, path, query, fragment)`` of a URL written with or without a scheme."""
    if not _SCHEME.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # "https://[Title](…": brackets read as an IPv6 host; no link at all
        return "", "", "", ""
    if host.startswith("www."):
        host = host[4:]
    return host, parts.path, parts.query, parts.fragment


def _github_link(host: str, path: str, source: str | None) -> Link:
    segs = [s for s in path.split("/") if s]
    if host == "gist.github.com":
        target = "/".join(segs[:2]) if segs else None
        url = "https://gist.github.com/" + "/".join(segs[:2]) if segs else "https://gist.github.com"
        return Link(LinkKind.GIST, url, target=target, source=source)
    if host == "raw.githubusercontent.com" and len(segs) >= 3:
        owner, name, branch, rest = segs[0], segs[1], segs[2], segs[3:]
        sub = "/".join(rest) or None
        url = f"https://github.com/{owner}/{name}" + (f"/blob/{branch}/{sub}" if sub else "")
        return Link(LinkKind.GITHUB, url, target=f"{owner}/{name}", subpath=sub, source=source)
    if not segs:
        return Link(LinkKind.GITHUB_OTHER, "https://github.com", source=source)
    owner_m = _GH_OWNER.fullmatch(segs[0])
    if segs[0].lower() in _GITHUB_RESERVED or not owner_m:
        url = "https://github.com/" + "/".join(segs)
        return Link(LinkKind.GITHUB_OTHER, url, target="/".join(segs), source=source)
    if len(segs) == 1:
        return Link(LinkKind.GITHUB_OTHER, f"https://github.com/{segs[0]}", target=segs[0], source=source)
    name_m = _GH_NAME.match(segs[1])
    name = name_m.group(0) if name_m else ""
    whole_segment = bool(name_m) and name == segs[1]  # else prose glued to the name: ignore what follows
    if name.lower().endswith(".git"):
        name = name[:-4]
    name = name.rstrip(".")  # "…/awesome-moe-inference." after a sentence's full stop
    if not name:
        return Link(LinkKind.GITHUB_OTHER, f"https://github.com/{segs[0]}", target=segs[0], source=source)
    target = f"{segs[0]}/{name}"
    rest = segs[2:] if whole_segment else []
    subpath: str | None = None
    url = f"https://github.com/{target}"
    if rest:
        if rest[0] in ("tree", "blob", "raw", "edit", "blame") and len(rest) >= 2:
            branch, parts = rest[1], [s for s in rest[2:] if s]
            subpath = "/".join(parts) or None
            url += f"/{rest[0]}/{branch}" + (f"/{subpath}" if subpath else "")
        else:
            url += "/" + "/".join(rest)
    return Link(LinkKind.GITHUB, url, target=target, subpath=subpath, source=source)


def _hf_link(path: str, source: str | None) -> Link:
    segs = [s for s in path.split("/") if s]
    base = "https://huggingface.co"
    if not segs:
        return Link(LinkKind.OTHER, base, source=source)
    head = segs[0]
    if head == "papers" and len(segs) >= 2:
        found = normalize_arxiv_id(segs[1])
        target = found[0] if found else segs[1]
        return Link(LinkKind.HF_PAPER, f"{base}/papers/{target}", target=target, source=source)
    kinds = {"datasets": LinkKind.HF_DATASET, "spaces": LinkKind.HF_SPACE}
    if head in kinds and len(segs) >= 2:
        rest = segs[1:]
        repo = rest[:2] if len(rest) >= 2 and rest[1] not in ("tree", "blob", "resolve", "viewer") else rest[:1]
        target = "/".join(repo)
        subpath = _hf_subpath(rest[len(repo):])
        return Link(kinds[head], f"{base}/{head}/{target}", target=target, subpath=subpath, source=source)
    if head.lower() in _HF_RESERVED:
        return Link(LinkKind.OTHER, f"{base}/" + "/".join(segs), source=source)
    if len(segs) == 1:
        return Link(LinkKind.HF_ORG, f"{base}/{head}", target=head, source=source)
    target = f"{segs[0]}/{segs[1]}"
    return Link(LinkKind.HF_MODEL, f"{base}/{target}", target=target, subpath=_hf_subpath(segs[2:]), source=source)


def _hf_subpath(rest: list[str]) -> str | None:
    if len(rest) >= 2 and rest[0] in ("tree", "blob", "resolve"):
        return "/".join(rest[2:]) or None
    return None


_PROJECT_HOSTS = (".github.io", ".gitlab.io", ".pages.dev", ".netlify.app", ".vercel.app")


def canonical_link(url: str, source: str | None = None) -> Link:
    """Classify and canonicalise one URL (with or without a scheme).

    GitHub repositories become ``owner/name`` (+ sub-path of ``/tree|blob/<branch>/…``,
    branch kept in the URL only); ``*.github.io`` is a project page, gists are
    gists, site pages (``/orgs``, ``/topics``, users) are ``GITHUB_OTHER``;
    Hugging Face models/datasets/spaces/orgs/papers, arXiv and DOI links get
    their identifier as ``target``; anything else is ``OTHER`` (callers that
    know better, such as "project page: …" prose, upgrade it to ``PROJECT``).
    """
    raw = strip_trailing_punctuation(url.strip().strip("<>"))
    host, path, query, fragment = _split_url(raw)
    if host in ("github.com", "gist.github.com", "raw.githubusercontent.com"):
        return _github_link(host, path, source)
    if host in ("huggingface.co", "hf.co"):
        return _hf_link(path, source)
    if host.endswith("arxiv.org"):
        found = normalize_arxiv_id(raw)
        if found:
            base, version = found
            return Link(LinkKind.ARXIV, f"https://arxiv.org/abs/{base}" + (f"v{version}" if version else ""),
                        target=base, source=source)
    if host in ("doi.org", "dx.doi.org"):
        doi = normalize_doi(raw)
        if doi:
            found = normalize_arxiv_id(doi)
            if found:
                return Link(LinkKind.ARXIV, f"https://doi.org/{doi}", target=found[0], source=source)
            return Link(LinkKind.DOI, f"https://doi.org/{doi}", target=doi, source=source)
    clean = raw if re.match(r"^[a-z][a-z0-9+.-]*://", raw, re.IGNORECASE) else "https://" + raw
    kind = LinkKind.PROJECT if host.endswith(_PROJECT_HOSTS) else LinkKind.OTHER
    return Link(kind, clean, source=source)


# --------------------------------------------------------------------------- links in text

_URL_IN_TEXT = _lazy(
    r"(?:https?://|(?<![\w@./-])www\.)[^\s<>\"'`\\]+"
    r"|(?<![\w@./-])(?:(?:gist\.)?github\.com|huggingface\.co|hf\.co|(?:export\.)?arxiv\.org|(?:dx\.)?doi\.org"
    r"|[A-Za-z0-9-]+\.github\.io)(?:/[^\s<>\"'`\\]*)?",
    re.IGNORECASE,
)
_DOI_MENTION = _lazy(r"(?<![\w/.])(?:doi\s*:\s*)?10\.\d{4,9}/[^\s\"{}]+", re.IGNORECASE)

_SEVEN_DIGITS = compile_on_first_use(__name__, r"/\d{7}")  # cheap pre-check for old-style arXiv ids
_PROJECT_CONTEXT = _lazy(
    r"project\s+(?:page|website|site|webpage|homepage)|web\s*site|webpage|home\s*page|demo|project:\s*$",
    re.IGNORECASE,
)

#: phrases saying a repository is the paper's own code / that it is someone else's
_PRIMARY_PHRASES = (
    "our code", "our codes", "our source code", "our implementation", "our repository", "our repo",
    "our project", "our github", "our toolkit", "our library", "our dataset", "our models",
    "code is available", "code are available", "codes are available", "code is publicly available",
    "code and data", "code and models", "code and dataset", "code, data", "code & data",
    "source code", "source codes", "will be made publicly available", "will be made available",
    "will be publicly available", "will be available", "will be released", "be released at",
    "released at", "is released", "are released", "we release", "we open-source", "we open source",
    "open-source", "open-sourced", "open source", "publicly available", "is available at",
    "are available at", "available at", "available on", "can be found at", "can be found on",
    "can be found in", "is accessible at", "accessible at", "we have established", "code:", "github:",
    "repository:", "code at", "code is at", "is hosted at", "project page",
)
_MENTIONED_PHRASES = (
    "awesome list", "awesome-list", "we maintain a list", "a list of", "curated list", "based on",
    "built upon", "built on top of", "built on", "following", "we use", "we used", "we adopt",
    "borrowed from", "adapted from", "derived from", "implemented with", "implemented using",
    "forked from", "extends", "extending", "we compare", "compared with", "compared to", "baseline",
    "such as", "e.g.", "like ",
)
_SENTENCE_END = _lazy(r"[.!?](?=\s+[A-Z(\"'“‘\[])|\n\s*\n")


@dataclass(slots=True)
class _Hit:
    """A link found in a text, with where it stands (offsets of the URL)."""

    start: int
    end: int
    link: Link


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end offsets of the sentence around ``text[start:end]`` (a URL's full stop is not a sentence end)."""
    s = 0
    for m in _SENTENCE_END().finditer(text, 0, start):
        s = m.end()
    after = _SENTENCE_END().search(text, end)
    e = after.end() if after else len(text)
    return s, e


def _last_phrase(prefix: str, phrases: tuple[str, ...]) -> tuple[int, str] | None:
    """The phrase of ``phrases`` ending nearest the end of ``prefix`` (its end offset and text as
    written); of phrases ending at the same place the longest ("is available at", not "available at")."""
    low = prefix.casefold()
    best: tuple[int, str] | None = None
    for phrase in phrases:
        i = low.rfind(phrase)
        if i < 0:
            continue
        end, found = i + len(phrase), prefix[i:i + len(phrase)].strip()
        if best is None or end > best[0] or (end == best[0] and len(found) > len(best[1])):
            best = (end, found)
    return best


def _judge_role(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """``(role, evidence)`` for a GitHub link from the sentence that contains it."""
    s, e = _sentence_bounds(text, start, end)
    prefix, suffix = text[s:start], text[end:e]
    prim, ment = _last_phrase(prefix, _PRIMARY_PHRASES), _last_phrase(prefix, _MENTIONED_PHRASES)
    if prim and (not ment or prim[0] >= ment[0]):
        return "primary", prim[1]
    if ment:
        return "mentioned", ment[1]
    prim = _last_phrase(suffix, _PRIMARY_PHRASES)
    ment = _last_phrase(suffix, _MENTIONED_PHRASES)
    if prim and not ment:
        return "primary", prim[1]
    if ment and not prim:
        return "mentioned", ment[1]
    return None, None


def extract_links(text: str, source: str) -> list[Link]:
    """Every link in free text, canonicalised, de-duplicated, in order of first appearance.

    URLs (with or without scheme), ``arXiv:`` ids and DOIs are all returned as
    :class:`Link`; a URL after "project page"/"website"/"demo" is a ``PROJECT``.
    GitHub repositories get ``role="primary"`` when their sentence says they are
    the paper's code ("our code", "available at", "Code:"), ``"mentioned"`` when
    it says otherwise ("based on", "awesome list"), and, when the text holds
    exactly one repository in neutral words, ``"primary"`` with evidence
    ``"only repository in abstract"``.  The GitHub enricher refines this later.
    """
    if not text:
        return []
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for m in _URL_IN_TEXT().finditer(text):
        raw = m.group(0)
        clean = strip_trailing_punctuation(raw)
        if "." not in _split_url(clean)[0]:  # "https://localhost" or a lone scheme: not a link to cite
            continue
        link = canonical_link(clean, source)
        end = m.start() + len(clean)
        if link.kind is LinkKind.OTHER and not link.url.lower().startswith(("https://huggingface", "https://hf.co")):
            s, _ = _sentence_bounds(text, m.start(), end)
            if _PROJECT_CONTEXT().search(text[max(s, m.start() - 60):m.start()]):
                link.kind = LinkKind.PROJECT
        if link.kind is LinkKind.GITHUB:
            link.role, link.evidence = _judge_role(text, m.start(), end)
        hits.append(_Hit(m.start(), end, link))
        taken.append((m.start(), m.end()))

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    maybe_arxiv = "arxiv" in text.casefold() or _SEVEN_DIGITS.search(text) is not None
    for m in _ARXIV_IN_TEXT().finditer(text) if maybe_arxiv else ():
        if not free(m.start(), m.end()):
            continue
        found = normalize_arxiv_id(m.group(0))
        if found:
            base, v = found
            url = f"https://arxiv.org/abs/{base}" + (f"v{v}" if v else "")
            hits.append(_Hit(m.start(), m.end(), Link(LinkKind.ARXIV, url, target=base, source=source)))
            taken.append((m.start(), m.end()))
    for m in _DOI_MENTION().finditer(text) if "10." in text else ():
        if not free(m.start(), m.end()):
            continue
        doi = normalize_doi(m.group(0))
        if doi:
            found = normalize_arxiv_id(doi)
            kind, target = (LinkKind.ARXIV, found[0]) if found else (LinkKind.DOI, doi)
            hits.append(_Hit(m.start(), m.end(), Link(kind, f"https://doi.org/{doi}", target=target, source=source)))

    hits.sort(key=lambda h: h.start)
    out: list[Link] = []
    for hit in hits:
        link = hit.link
        dup = next((o for o in out if o.key == link.key and (o.subpath or None) == (link.subpath or None)), None)
        if dup is None:
            out.append(link)
        elif link.role == "primary" and dup.role != "primary":
            dup.role, dup.evidence = link.role, link.evidence
    repos = {l.key for l in out if l.kind is LinkKind.GITHUB}
    if len(repos) == 1:
        for link in out:
            if link.kind is LinkKind.GITHUB and link.role is None:
                link.role, link.evidence = "primary", "only repository in abstract"
    return out
