"""Build the paste corpus: the example listing's papers written the way each page or style really looks.

Run ``python tests/data/pastes/make_pastes.py`` to (re)write ``<name>.txt`` and
``<name>.expected.json`` beside this file.  Each paste holds 10+ papers of
``examples/hf-trending-papers.txt`` — titles, authors, dates, ids, categories, comments,
journal references and DOIs from the doubles' corpus (``bibkit/testing/corpus``, synthetic),
so that ``bibkit build`` against the doubles can check every id — laid out the way the page
or citation style really lays them out, with the clutter it has (navigation, counts, headers,
models and datasets among papers, page furniture of a PDF, notes to self…).

The expectation of each paste (``papers``: title, arXiv id or null, whether the paste gives
the id, whether the doubles can resolve it) comes from this recipe and the corpus, never from
bibkit's readers.  ``tests/test_pastes.py`` checks that the files on disk equal what this
script generates.

The layouts follow the real pages and style guides:
Hugging Face daily/trending feeds, collections (``Paper • id • Published … • N``) and paper pages;
arXiv ``/list/…/new`` (2024 layout: no "Authors:" label) and ``/recent`` (older layout), search
results (``1. arXiv:… [pdf, other] cs.CL``, ``Abstract: … ▽ More``, ``Submitted …; originally
announced …``), abstract pages (``Title:…`` without a space, ``Cite as:``, submission history)
and the daily mailing; Markdown awesome lists (bold titles, ``[[paper](…)] [[code](…)]``,
badges, tables of contents), tables, and the same list copied from GitHub's rendered page;
reference lists copied from PDFs and web pages in IEEE (IEEE Editorial Style Manual: initials,
quoted sentence-case titles, ``in Proc.``, ``arXiv:…``), ACL (author–year, ``In Proceedings
of …``, ``pages``), APA 7 (``Surname, I. (2024). Title. Venue. https://doi.org/…``), ACM
Reference Format, NeurIPS plainnat, Springer LNCS (``Surname, I.: Title. In: Venue (2024)``)
and Google Scholar's MLA/Chicago/Harvard/Vancouver copies; notes with bare URLs of every
paper site, ``arXiv:`` mentions and cited titles.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
sys.path.insert(0, str(ROOT))

from bibkit.testing.corpus import load_corpus  # noqa: E402

CORPUS = load_corpus()
_BY_INDEX = {p.listing_index: p for p in CORPUS.papers if p.listing_index is not None and p.role == "listing"}
_HF = {h["id"]: h for h in CORPUS.hf}
_PARTICLES = {"van", "von", "der", "den", "de", "del", "da", "di", "du", "la", "le"}
_INVENTED = [["Martina Rossi", "Kenji Watanabe", "Aisha Bello"], ["Pedro Alves", "Hanna Lind", "Tuan Nguyen", "Olu Adeyemi"]]


@dataclass
class P:
    """One paper of the listing, with what the corpus says about it."""

    index: int
    title: str
    abstract: str
    expect: str | None
    note: str
    authors: list[str]
    year: int
    month: int
    day: int
    categories: list[str] = field(default_factory=list)
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    hf_known: bool = False
    upvotes: int = 0
    repo: str | None = None

    @property
    def renamed_unknown(self) -> bool:
        return "renamed" in self.note and "unknown to HF" in self.note


def paper(i: int) -> P:
    item = CORPUS.listing[i]
    p = _BY_INDEX.get(i)
    if p is None:
        names = _INVENTED[i % 2]
        return P(i, item.title, item.abstract, None, item.note or "", names, 2024, 5, 14)
    date = p.versions[0].date
    y, m, d = int(date[:4]), int(date[5:7]), int(date[8:10])
    hf = _HF.get(p.id)
    return P(i, item.title, item.abstract, item.expect, item.note or "", [a["name"] for a in p.authors], y, m, d,
             list(p.categories), p.comment, p.journal_ref, p.doi, hf is not None,
             int(hf["upvotes"]) if hf else 0, (hf or {}).get("githubRepo"))


def papers(indices) -> list[P]:
    return [paper(i) for i in indices]


# --------------------------------------------------------------------------- names and styles

MONTHS = "January February March April May June July August September October November December".split()


def split_name(name: str) -> tuple[str, str]:
    words = name.split()
    if len(words) == 1:
        return "", name  # an organisation ("Qwen", "DeepSeek-AI")
    for k, w in enumerate(words[1:], 1):
        if w in _PARTICLES:
            return " ".join(words[:k]), " ".join(words[k:])
    return " ".join(words[:-1]), words[-1]


def initials(given: str, dots: bool = True) -> str:
    out = []
    for part in given.split():
        pieces = part.split("-")
        if dots:
            out.append("-".join(p[0] + "." for p in pieces))
        else:
            out.append("".join(p[0].upper() for p in pieces))
    return (" " if dots else "").join(out)


def ieee_name(n: str) -> str:
    g, f = split_name(n)
    return f"{initials(g)} {f}" if g else f


def apa_name(n: str) -> str:
    g, f = split_name(n)
    return f"{f}, {initials(g)}" if g else f


def vancouver_name(n: str) -> str:
    g, f = split_name(n)
    return f"{f} {initials(g, dots=False)}" if g else f


def inverted(n: str) -> str:
    g, f = split_name(n)
    return f"{f}, {g}" if g else f


def join_and(names: list[str], comma_and: bool = True, amp: bool = False) -> str:
    if len(names) == 1:
        return names[0]
    conj = "&" if amp else "and"
    if len(names) == 2:
        return f"{names[0]}{',' if amp else ''} {conj} {names[1]}"
    return ", ".join(names[:-1]) + ("," if comma_and else "") + f" {conj} {names[-1]}"


def sentence_case(title: str) -> str:
    """What BibTeX styles and Google Scholar make of a title: words in plain Title Case lowered,
    except the first word and the first word after a colon; acronyms and CamelCase kept."""
    out = []
    cap_next = True
    for w in title.split(" "):
        core = w.strip("(),:;?!\"'")
        if cap_next or not core or not re.fullmatch(r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*", core):
            out.append(w)
        else:
            out.append(w.lower())
        cap_next = w.endswith(":") or w.endswith("?")
    return " ".join(out)


VENUES = {
    "cs.CL": ["Proceedings of the 62nd Annual Meeting of the Association for Computational Linguistics",
              "Findings of the Association for Computational Linguistics: EMNLP 2024", "Transactions of the Association for Computational Linguistics"],
    "cs.CV": ["Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition", "European Conference on Computer Vision"],
    "cs.LG": ["Advances in Neural Information Processing Systems", "International Conference on Machine Learning",
              "The Twelfth International Conference on Learning Representations"],
    "cs.AI": ["Proceedings of the AAAI Conference on Artificial Intelligence"],
    "cs.SE": ["Proceedings of the IEEE/ACM 46th International Conference on Software Engineering"],
}
SHORT = {"cs.CL": ["ACL", "EMNLP", "NAACL"], "cs.CV": ["CVPR", "ECCV", "ICCV"], "cs.LG": ["NeurIPS", "ICML", "ICLR"],
         "cs.AI": ["AAAI", "IJCAI"], "cs.SE": ["ICSE", "FSE"]}


def venue(p: P, short: bool = False) -> str | None:
    if p.journal_ref:
        return re.sub(r"\s*\(?\d{4}\)?$", "", p.journal_ref)
    cat = next((c for c in p.categories if c in VENUES), None)
    if cat is None or p.index % 3 == 0:
        return None  # an arXiv preprint
    pool = SHORT[cat] if short else VENUES[cat]
    return pool[p.index % len(pool)]


def pdf_wrap(text: str, width: int, rng: random.Random, indent: str = "") -> list[str]:
    """Lines as a PDF viewer copies a justified column: broken at ``width``, some long words
    hyphenated across the break ("lan-" / "guage")."""
    words = text.split(" ")
    lines, cur = [], ""
    for w in words:
        if not cur:
            cur = w
        elif len(cur) + 1 + len(w) <= width:
            cur += " " + w
        else:
            room = width - len(cur) - 2
            if len(w) >= 9 and w.isalpha() and w.islower() and room >= 4 and rng.random() < 0.6:
                cut = max(3, min(room, len(w) - 3))
                lines.append(cur + " " + w[:cut] + "-")
                cur = w[cut:]
            else:
                lines.append(cur)
                cur = w
    if cur:
        lines.append(cur)
    return [lines[0]] + [indent + ln for ln in lines[1:]]


# --------------------------------------------------------------------------- the formats

FORMATS: dict[str, tuple[str, callable]] = {}


def fmt(name: str, kind: str):
    def deco(fn):
        FORMATS[name] = (kind, fn)
        return fn
    return deco


@dataclass
class Paste:
    text: str
    items: list[tuple[P, bool, bool]]  # (paper, the paste shows its id, the paste shows its abstract)
    starts: list[int] = field(default_factory=lambda: list(_STARTS))  # line index where each paper begins


_STARTS: list[int] = []


def mark(out: list[str]) -> None:
    """Note that a paper's lines begin here (where the chatter property test may insert lines)."""
    _STARTS.append(len(out))


def _repo(p: P) -> str | None:
    if p.repo:
        return p.repo.split("github.com/")[-1].strip("/")
    m = re.search(r"github\.com/([\w.-]+/[\w.-]+)", p.comment or "")
    return m.group(1).rstrip(".") if m else None


@fmt("hf-daily-cards", "hf daily papers page (no abstracts): submitter, upvotes, title, author line, counts")
def hf_daily(rng: random.Random) -> Paste:
    ps = papers([0, 3, 5, 8, 12, 13, 15, 22, 24, 29, 36, 41, 47])
    out = ["Hugging Face's logo", "Hugging Face", "Models", "Datasets", "Spaces", "Docs", "Pricing", "Log In", "Sign Up",
           "", "Daily Papers", "by AK and the research community", "", "Search any paper with AI", "Mar 17",
           "Previous", "Daily", "Weekly", "Monthly", "Next", ""]
    for k, p in enumerate(ps):
        mark(out)
        out += ["Submitted by", rng.choice(["akhaliq", "nielsr", "taesiri", "AdinaY"]), ""]
        if k % 2 == 0:
            out += ["Upvote", str(p.upvotes or 12), ""]
        out.append(p.title)
        n = len(p.authors)
        shown = p.authors[: rng.choice([1, 2, 3])]
        if k % 3 == 0:
            out.append(" · ".join(shown + ["…", f"+{n - len(shown)} authors"]) if n > len(shown) else " · ".join(shown))
        elif k % 3 == 1:
            out += [shown[0], "·", f"{n} authors"]
        else:
            out.append(f"{shown[0]} · {n} authors")
        if k % 2 == 1:
            out += ["", str(p.upvotes or 7), "Upvote"]
        if k % 4 == 2:
            out += ["·", f"{1 + k % 5} comments"]
        if k % 5 == 0:
            out += [rng.choice(["deepseek-ai", "Qwen", "microsoft", "allenai"])]
        out.append("")
    out += ["Load more", "", "System theme", "Company", "TOS", "Privacy", "About", "Jobs"]
    return Paste("\n".join(out) + "\n", [(p, False, False) for p in ps])


@fmt("hf-trending-cards", "hf trending feed with abstracts, repository cards, stars and published dates")
def hf_trending(rng: random.Random) -> Paste:
    ps = papers([1, 2, 4, 6, 9, 14, 16, 18, 21, 26, 31])
    out = ["Trending Papers", "Get trending papers in your email inbox!", "Subscribe", "", "This week", "This month", ""]
    for k, p in enumerate(ps):
        mark(out)
        out += [p.title, ""]
        if k % 2 == 0:
            out += [f"Published on {MONTHS[p.month - 1][:3]} {p.day}, {p.year}", ""]
        out += [p.abstract, ""]
        repo = _repo(p)
        if repo:
            out += [repo, f"· {rng.choice(['1.2k', '845', '3.1k', '97'])}", ""]
        out += [f"{p.upvotes or 5} upvotes", ""]
    out += ["Load more"]
    return Paste("\n".join(out) + "\n", [(p, False, True) for p in ps])


def _collection_item(p: P, split: bool) -> list[str]:
    date = f"Published {MONTHS[p.month - 1][:3]} {p.day}, {p.year}"
    pieces = ["Paper", p.expect or "", date, str(p.upvotes or 3)]
    if split:
        out = [p.title]
        for k, piece in enumerate(pieces):
            if k:
                out.append("•")
            out.append(piece)
        return out
    return [p.title, " • ".join(pieces)]


@fmt("hf-collection", "a Hugging Face collection: papers with 'Paper • id • Published … • N' among models and datasets")
def hf_collection(rng: random.Random) -> Paste:
    ps = papers([9, 24, 32, 46, 48, 49, 52, 54, 71, 77, 81, 15])
    out = ["Collections", "", "moe-fan's Collections", "Mixture of Experts", "Reasoning", "", "Mixture of Experts",
           "updated Jan 12, 2025", "Papers, models and datasets on sparse MoE.", "", "Upvote", "27", "+19", "",
           "Share collection", "View history", "Collection guide", "Browse collections", ""]
    models = [("deepseek-ai/DeepSeek-V2-Lite", "Text Generation • Updated Jun 25, 2024 • 12.1k • 190"),
              ("allenai/OLMoE-1B-7B-0924", "Text Generation • Updated Sep 30, 2024 • 8.7k • 114"),
              ("HuggingFaceFW/fineweb-edu", "Viewer • Updated Jan 3, 2025 • 1.3B • 613"),
              ("mistralai/Mixtral-8x7B-v0.1", "Text Generation • 47B • Updated Jul 24, 2024 • 61.2k • 1.66k")]
    for k, p in enumerate(ps):
        mark(out)
        out += _collection_item(p, split=False)
        if k % 4 == 1:
            out += ["Note", "The paper that started it for us."]
        if k % 3 == 2:
            name, meta = models[(k // 3) % len(models)]
            out += [name, meta]
        out.append("")
    return Paste("\n".join(out) + "\n", [(p, True, False) for p in ps])


@fmt("hf-collection-split", "the same kind of collection copied by a browser that puts every • piece on its own line")
def hf_collection_split(rng: random.Random) -> Paste:
    ps = papers([10, 11, 19, 20, 23, 28, 33, 34, 43, 45, 51])
    out = ["Collections", "Domain adaptation", "updated Feb 2", "", "Upvote", "8", ""]
    for k, p in enumerate(ps):
        mark(out)
        out += _collection_item(p, split=True)
        if k % 3 == 1:
            out += ["Qwen/Qwen2.5-7B-Instruct", "Text Generation", "•", "Updated Sep 25, 2024", "•", "1.9M", "•", "602"]
        out.append("")
    return Paste("\n".join(out) + "\n", [(p, True, False) for p in ps])


@fmt("hf-paper-pages", "ten Hugging Face paper pages copied one after the other")
def hf_pages(rng: random.Random) -> Paste:
    ps = papers([53, 55, 56, 58, 60, 62, 63, 65, 69, 70])
    out = []
    for k, p in enumerate(ps):
        mark(out)
        out += ["Papers", f"arxiv:{p.expect}", "", p.title, f"Published on {MONTHS[p.month - 1][:3]} {p.day}, {p.year}",
                "·", "Submitted by", rng.choice(["akhaliq", "nielsr"]), f"on {MONTHS[p.month - 1][:3]} {p.day + 1 if p.day < 28 else 1}"]
        if k % 3 == 0:
            out.append("#2 Paper of the day")
        out += ["Upvote", str(p.upvotes or 4), ""]
        if k % 2 == 0:
            out.append("Authors:")
            for j, a in enumerate(p.authors):
                out.append(a)
                if j < len(p.authors) - 1:
                    out.append(",")
        else:
            out.append("Authors: " + ", ".join(p.authors))
        out += ["", "AI-generated summary", "A summary written by a model, one sentence long.", "", "Abstract", p.abstract, "",
                "View arXiv page", "View PDF", "Add to collection", "", "Community", "Sign up or log in to comment", "",
                "Models citing this paper", "2", "org/some-model-7b", "Text Generation • Updated 2 days ago • 120", "",
                "Datasets citing this paper", "0", "", "Spaces citing this paper", "0", "",
                "Collections including this paper", "3", ""]
    return Paste("\n".join(out) + "\n", [(p, True, True) for p in ps])


def _cat_name(c: str) -> str:
    return {"cs.CL": "Computation and Language", "cs.CV": "Computer Vision and Pattern Recognition",
            "cs.LG": "Machine Learning", "cs.AI": "Artificial Intelligence", "cs.SE": "Software Engineering",
            "cs.IR": "Information Retrieval", "cs.DC": "Distributed, Parallel, and Cluster Computing"}.get(c, "Other")


def _subjects(p: P) -> str:
    return "; ".join(f"{_cat_name(c)} ({c})" for c in (p.categories or ["cs.CL"]))


def _comment(p: P) -> str | None:
    if not p.comment:
        return None
    return re.sub(r"https?://\S+", "this https URL", p.comment)


@fmt("arxiv-new", "arXiv /list/cs.CL/new, 2024 layout: no Authors label, abstracts, cross-lists and replacements")
def arxiv_new(rng: random.Random) -> Paste:
    ps = papers([0, 7, 17, 25, 37, 39, 40, 42, 50, 68, 78, 82])
    out = ["Skip to main content", "We gratefully acknowledge support from the Simons Foundation, member institutions, and all contributors. Donate",
           "arxiv logo > cs.CL", "Help | Advanced Search", "Search", "", "Computation and Language", "",
           "New submissions", "Cross-lists", "Replacements", "", "See recent articles", "",
           "Showing new listings for Friday, 17 January 2025", "", "Total of 152 entries",
           "Showing up to 2000 entries per page: fewer | more | all", "", "New submissions (showing 8 of 8 entries)", ""]
    n = 0
    for k, p in enumerate(ps):
        mark(out)
        if k == 8:
            out += ["Cross submissions (showing 2 of 2 entries)", ""]
        if k == 10:
            out += ["Replacement submissions (showing 2 of 2 entries)", ""]
        n += 1
        tag = " (cross-list from cs.LG)" if 8 <= k < 10 else " (replaced)" if k >= 10 else ""
        out += [f"[{n}] arXiv:{p.expect}{tag} [pdf, html, other]", f"Title: {p.title}", ", ".join(p.authors)]
        c = _comment(p)
        if c:
            out.append(f"Comments: {c}")
        if p.journal_ref:
            out.append(f"Journal-ref: {p.journal_ref}")
        out.append(f"Subjects: {_subjects(p)}")
        if k < 8:
            out.append(p.abstract)
        out.append("")
    out += ["About", "Help", "contact arXivClick here to contact arXiv Contact", "subscribe to arXiv mailingsClick here to subscribe Subscribe",
            "Copyright", "Privacy Policy", "Web Accessibility Assistance", "arXiv Operational Status"]
    return Paste("\n".join(out) + "\n", [(p, True, k < 8) for k, p in enumerate(ps)])


@fmt("arxiv-recent", "arXiv /list/cs.LG/pastweek, older layout: 'Authors:' labels, two spaces after the number, dates")
def arxiv_recent(rng: random.Random) -> Paste:
    ps = papers([44, 57, 59, 64, 66, 67, 72, 73, 74, 75, 76])
    out = ["Machine Learning", "Authors and titles for recent submissions", "Fri, 17 Jan 2025", "Thu, 16 Jan 2025",
           "Wed, 15 Jan 2025", "See today's new changes", "", "Total of 1312 entries : 1-25 26-50 51-75 76-100 ... 1301-1312",
           "Showing up to 25 entries per page: fewer | more | all", "", "Fri, 17 Jan 2025 (showing 6 of 260 entries )", ""]
    for k, p in enumerate(ps):
        mark(out)
        if k == 6:
            out += ["Thu, 16 Jan 2025 (showing 5 of 248 entries )", ""]
        out += [f"[{k + 1}]  arXiv:{p.expect} [pdf, other]", f"Title: {p.title}", "Authors: " + ", ".join(p.authors)]
        c = _comment(p)
        if c:
            out.append(f"Comments: {c}")
        if p.journal_ref:
            out.append(f"Journal-ref: {p.journal_ref}")
        out += [f"Subjects: {_subjects(p)}", ""]
    out += ["Total of 1312 entries : 1-25 26-50 51-75 76-100 ... 1301-1312", "Showing up to 25 entries per page: fewer | more | all"]
    return Paste("\n".join(out) + "\n", [(p, True, False) for p in ps])


@fmt("arxiv-search", "arXiv search results: numbered heads with categories, unlabelled titles, '▽ More' abstracts")
def arxiv_search(rng: random.Random) -> Paste:
    ps = papers([79, 80, 83, 84, 85, 60, 61, 62, 13, 30, 35])
    out = ["Showing 1–50 of 2,315 results for all: language models", "Search v0.5.6 released 2020-02-24", "",
           "Search term or terms", "Field", "All fields", "Search", "Show abstracts", "Hide abstracts", "", "Advanced Search",
           "results per page.", "Sort results by", "Announcement date (newest first)", "Go", "", "Next", "1 2 3 4 5 …", ""]
    shown = [p for p in ps if p.expect]
    for k, p in enumerate(shown):
        mark(out)
        cats = "  ".join(p.categories or ["cs.CL"])
        out += [f"{k + 1}. arXiv:{p.expect}  [pdf, other]  {cats}", p.title, "Authors: " + ", ".join(p.authors)]
        words = p.abstract.split()
        out.append("Abstract: " + " ".join(words[:40]) + " … ▽ More")
        out.append(f"Submitted {p.day} {MONTHS[p.month - 1]}, {p.year}; originally announced {MONTHS[p.month - 1]} {p.year}.")
        if p.comment:
            out.append(f"Comments: {p.comment}")
        if p.doi:
            out += ["doi", p.doi] if k % 2 else [f"doi: {p.doi}"]
        out.append("")
    out += ["Next", "1 2 3 4 5 …", "About", "Help", "Copyright", "Privacy Policy"]
    return Paste("\n".join(out) + "\n", [(p, True, False) for p in shown])


@fmt("arxiv-abs", "ten arXiv abstract pages copied one after the other (Title:… without a space, footers)")
def arxiv_abs(rng: random.Random) -> Paste:
    ps = papers([1, 3, 8, 12, 19, 26, 36, 53, 63, 70])
    out = []
    for k, p in enumerate(ps):
        mark(out)
        cat = (p.categories or ["cs.CL"])[0]
        out += [f"Computer Science > {_cat_name(cat)}", f"arXiv:{p.expect} ({cat.split('.')[0]})", ""]
        if k % 2:
            out.append(f"[Submitted on {p.day} {MONTHS[p.month - 1][:3]} {p.year} (v1), last revised {min(28, p.day + 3)} "
                       f"{MONTHS[p.month - 1][:3]} {p.year} (this version, v2)]")
        else:
            out.append(f"[Submitted on {p.day} {MONTHS[p.month - 1][:3]} {p.year}]")
        out += [f"Title:{p.title}", "Authors:" + ", ".join(p.authors), "View PDF", "HTML (experimental)",
                f"Abstract:{p.abstract}", ""]
        c = _comment(p)
        if c:
            out.append(f"Comments:\t{c}")
        out += [f"Subjects:\t{_subjects(p)}", f"Cite as:\tarXiv:{p.expect} [{cat}]",
                f" \t(or arXiv:{p.expect}v1 [{cat}] for this version)", " ",
                f"https://doi.org/10.48550/arXiv.{p.expect}", "Focus to learn more", "", "Submission history",
                f"From: {p.authors[0]} [view email]",
                f"[v1] Mon, {p.day} {MONTHS[p.month - 1][:3]} {p.year} 10:12:44 UTC (2,811 KB)", "",
                "Full-text links:", "Access Paper:", "View PDF", "HTML (experimental)", "TeX Source", "Other Formats",
                "view license", "Current browse context:", cat, "< prev   |   next >", f"new | recent | {p.year}-{p.month:02d}",
                "Change to browse by:", "cs", "", "References & Citations", "NASA ADS", "Google Scholar",
                "Semantic Scholar", "export BibTeX citation", "Bookmark", "", "Bibliographic Tools",
                "Bibliographic and Citation Tools", "Code, Data, Media", "Demos", "Related Papers", "About arXivLabs",
                "Which authors of this paper are endorsers? | Disable MathJax (What is MathJax?)", ""]
    return Paste("\n".join(out) + "\n", [(p, True, True) for p in ps])


@fmt("arxiv-mailing", "the arXiv daily mailing (plain-text e-mail): wrapped Authors, \\\\ separators, indented abstracts")
def arxiv_mailing(rng: random.Random) -> Paste:
    ps = papers([2, 5, 10, 14, 18, 22, 27, 29, 38, 41])
    out = ["------------------------------------------------------------------------------",
           "Submissions to:", "Computation and Language", "received from  Thu 16 Jan 25 19:00:00 GMT  to  Fri 17 Jan 25 19:00:00 GMT",
           "------------------------------------------------------------------------------"]
    for p in ps:
        mark(out)
        authors = ", ".join(p.authors)
        wrapped = textwrap.wrap("Authors: " + authors, 78, subsequent_indent="  ")
        out += ["------------------------------------------------------------------------------", "\\\\",
                f"arXiv:{p.expect}", f"Date: Fri, {p.day} {MONTHS[p.month - 1][:3]} {p.year} 18:47:34 GMT   (2811kb,D)", "",
                *textwrap.wrap(f"Title: {p.title}", 78, subsequent_indent="  "), *wrapped,
                f"Categories: {' '.join(p.categories or ['cs.CL'])}"]
        if p.comment:
            out += textwrap.wrap(f"Comments: {p.comment}", 78, subsequent_indent="  ")
        out += ["License: http://creativecommons.org/licenses/by/4.0/", "\\\\",
                *("  " + ln for ln in textwrap.wrap(p.abstract, 76)),
                f"\\\\ ( https://arxiv.org/abs/{p.expect} ,  2811kb)"]
    out += ["------------------------------------------------------------------------------", "%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%--%%"]
    return Paste("\n".join(out) + "\n", [(p, True, True) for p in ps])


@fmt("awesome-list", "a Markdown awesome list: bold titles, [[paper](…)] [[code](…)], badges, TOC, sections, chatter")
def awesome(rng: random.Random) -> Paste:
    ps = papers([4, 6, 9, 15, 24, 32, 46, 49, 52, 54, 71, 77, 81])
    out = ["# Awesome Mixture-of-Experts [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)", "",
           "A curated reading list of Mixture-of-Experts (MoE) papers. Star us on GitHub! ⭐", "",
           "![license](https://img.shields.io/badge/license-MIT-green)", "", "## Contents", "- [Surveys](#surveys)",
           "- [Papers](#papers)", "- [Contributing](#contributing)", "", "## 🔥 News", "- [2025/01] We added 40 papers!", ""]
    items: list[list[str]] = []
    for k, p in enumerate(ps):
        first = p.authors[0]
        v = venue(p, short=True)
        vy = f"*{v}* {p.year}" if v else f"*arXiv* {p.year}"
        repo = _repo(p)
        code = f" [[code](https://github.com/{repo})]" if repo else ""
        style = k % 6
        if style == 0:
            items.append([f"- **{p.title}** - {first} et al., {vy}. [[paper](https://arxiv.org/abs/{p.expect})]{code}"])
        elif style == 1:
            items.append([f"- [{p.title}](https://arxiv.org/abs/{p.expect}) ({v or 'arXiv'} {p.year})"])
        elif style == 2:
            badge = f" [![Star](https://img.shields.io/github/stars/{repo}.svg?style=social)](https://github.com/{repo})" if repo else ""
            items.append([f"* ({v or 'arXiv'} {p.year}) {p.title} [[Paper]](https://arxiv.org/pdf/{p.expect}v1.pdf){badge}"])
        elif style == 3:
            items.append([f"1. \"{p.title}\". {first}, {p.authors[1]} et al. _{v or 'arXiv'}_ {p.year}. [pdf](https://arxiv.org/pdf/{p.expect})"])
        elif style == 4:
            items.append([f"- [{p.year}/{p.month:02d}] **{p.title}** [[arXiv](https://arxiv.org/abs/{p.expect})] [[HF](https://huggingface.co/papers/{p.expect})]",
                          "  - TL;DR: a short description of what the paper does."])
        else:
            items.append([f"- {p.title} ({first} et al., {v or 'arXiv'} {p.year}) [[paper](https://www.alphaxiv.org/abs/{p.expect})]{code}"])
    out += ["## Surveys", ""]
    for k, item in enumerate(items):
        if k == 3:
            out += ["", "## Papers", "", "### 2024", ""]
        mark(out)
        out += item
    out += ["", "## Contributing", "Contributions are welcome! Please read the contribution guidelines first.",
            "Feel free to open a pull request to add a paper.", "", "## Star History", "",
            "[![Star History Chart](https://api.star-history.com/svg?repos=x/awesome-moe&type=Date)](https://star-history.com/#x/awesome-moe&Date)"]
    return Paste("\n".join(out) + "\n", [(p, True, False) for p in ps])


@fmt("md-table", "a Markdown table reading list (title links, venue, year, code columns)")
def md_table(rng: random.Random) -> Paste:
    ps = papers([10, 11, 16, 20, 23, 33, 34, 43, 51, 53, 55])
    out = ["## Domain specialisation — papers", "", "Last updated: 2025-01-17", "",
           "| Title | Venue | Year | Code |", "|:------|:-----:|:----:|:----:|"]
    for k, p in enumerate(ps):
        mark(out)
        v = venue(p, short=True) or "arXiv"
        repo = _repo(p)
        code = f"[GitHub](https://github.com/{repo})" if repo else "-"
        link = f"https://arxiv.org/abs/{p.expect}" if k % 3 else f"https://huggingface.co/papers/{p.expect}"
        out.append(f"| [{p.title}]({link}) | {v} | {p.year} | {code} |")
    out += ["", "*Table: papers we read in the reading group.*"]
    return Paste("\n".join(out) + "\n", [(p, True, False) for p in ps])


@fmt("awesome-rendered", "an awesome list copied from GitHub's rendered page: no URLs, [paper] [code] labels, tabbed table")
def awesome_rendered(rng: random.Random) -> Paste:
    ps = papers([0, 2, 5, 8, 12, 22, 26, 29, 36, 41, 47, 58])
    out = ["Awesome Specialist LLMs Awesome", "A curated reading list. Star us on GitHub! ⭐", "", "Contents",
           "Papers", "Tables", "Contributing", "", "Papers", ""]
    for k, p in enumerate(ps[:8]):
        mark(out)
        v = venue(p, short=True) or "arXiv"
        out.append(f"{p.title} - {p.authors[0]} et al., {v} {p.year}. [paper] [code]" if k % 2 == 0 else
                   f"{p.title} ({v} {p.year}) [Paper] [Code]")
    out += ["", "Tables", "", "Title\tVenue\tYear\tCode"]
    for p in ps[8:]:
        mark(out)
        out.append(f"{p.title}\t{venue(p, short=True) or 'arXiv'}\t{p.year}\tGitHub")
    out += ["", "Contributing", "Contributions are welcome!", "", "About", "A list of papers.", "Readme", "MIT license",
            "Activity", "1.2k stars", "40 watching", "85 forks"]
    return Paste("\n".join(out) + "\n", [(p, False, False) for p in ps])


def _ieee(p: P, with_id: bool) -> str:
    names = [ieee_name(a) for a in p.authors]
    who = f"{names[0]} et al." if len(names) > 6 else join_and(names)
    title = sentence_case(p.title)
    v = venue(p)
    if with_id or not v:
        return f"{who}, “{title},” {p.year}, arXiv:{p.expect}." if with_id else f"{who}, “{title},” arXiv preprint, {p.year}."
    if v.startswith("Proceedings of the "):
        v = "in Proc. " + v[len("Proceedings of the "):]
    elif "Conference" in v:
        v = "in " + v
    return f"{who}, “{title},” {v}, {p.year}, pp. {10 + p.index}–{20 + p.index}."


@fmt("refs-ieee-pdf", "an IEEE reference list copied from a two-column PDF: wrapped, hyphenated, page furniture")
def refs_ieee(rng: random.Random) -> Paste:
    ps = papers([1, 3, 6, 7, 13, 17, 19, 25, 28, 35, 44, 67])
    out = ["REFERENCES"]
    items = []
    for k, p in enumerate(ps):
        mark(out)
        with_id = k % 3 == 0 and p.expect is not None
        text = f"[{k + 1}] " + _ieee(p, with_id)
        lines = pdf_wrap(text, 58, rng, indent="")
        out += lines
        if k == 6:
            out += ["12", "Published as a conference paper at ICLR 2025"]
        items.append((p, with_id, False))
    return Paste("\n".join(out) + "\n", items)


def _acl(p: P, with_id: bool) -> str:
    who = join_and(p.authors)
    title = sentence_case(p.title)
    v = venue(p)
    if with_id or not v:
        tail = f"arXiv preprint arXiv:{p.expect}." if with_id else "ArXiv preprint."
    elif "Proceedings" in v or "Conference" in v or "Findings" in v:
        tail = f"In {v}, pages {100 + p.index}–{110 + p.index}."
    else:
        tail = f"{v}."
    return f"{who}. {p.year}. {title}. {tail}"


@fmt("refs-acl-pdf", "an ACL author–year reference list copied from a PDF (unnumbered, hanging lines, 'lan- guage')")
def refs_acl(rng: random.Random) -> Paste:
    ps = papers([37, 39, 40, 42, 45, 48, 50, 56, 60, 65, 69, 74])
    ps.sort(key=lambda p: split_name(p.authors[0])[1])
    out = ["References", ""]
    items = []
    for k, p in enumerate(ps):
        mark(out)
        with_id = k % 2 == 0
        lines = pdf_wrap(_acl(p, with_id), 76, rng)
        if k % 4 == 3:
            # a PDF viewer that joins the lines of a paragraph with spaces
            out.append(" ".join(lines))  # "lan- guage" where a line ended with "lan-"
        else:
            out += lines
        items.append((p, with_id, False))
    return Paste("\n".join(out) + "\n", items)


def _apa(p: P) -> str:
    names = [apa_name(a) for a in p.authors]
    if len(names) > 20:
        who = ", ".join(names[:19]) + ", . . . " + names[-1]
    else:
        who = join_and(names, amp=True)
    v = venue(p)
    title = sentence_case(p.title)
    if p.doi:
        return f"{who} ({p.year}). {title}. {v}. https://doi.org/{p.doi}"
    if v:
        return f"{who} ({p.year}). {title}. In {v}."
    return f"{who} ({p.year}). {title}. arXiv. https://doi.org/10.48550/arXiv.{p.expect}"


@fmt("refs-apa", "an APA 7 reference list copied from a web page (one reference a line, DOIs)")
def refs_apa(rng: random.Random) -> Paste:
    ps = papers([11, 18, 21, 25, 28, 31, 44, 57, 64, 67, 72, 30])
    ps.sort(key=lambda p: split_name(p.authors[0])[1])
    out = ["References", ""]
    items = []
    for p in ps:
        mark(out)
        out.append(_apa(p))
        shows = (not p.doi and not venue(p)) and p.expect is not None
        items.append((p, shows, False))
    return Paste("\n".join(out) + "\n", items)


@fmt("refs-neurips", "a NeurIPS (plainnat, numbered) reference list: full names, sentence-case titles, 'arXiv preprint'")
def refs_neurips(rng: random.Random) -> Paste:
    ps = papers([46, 49, 52, 54, 59, 62, 70, 71, 75, 76, 77, 79])
    out = ["References", ""]
    items = []
    for k, p in enumerate(ps):
        mark(out)
        who = join_and(p.authors)
        v = venue(p)
        with_id = k % 2 == 1
        if with_id:
            tail = f"arXiv preprint arXiv:{p.expect}, {p.year}."
        elif v:
            tail = f"In {v}, {p.year}." if "Proceedings" in v or "Conference" in v else f"{v}, {p.year}."
        else:
            tail = f"arXiv preprint, {p.year}."
        text = f"[{k + 1}] {who}. {sentence_case(p.title)}. {tail}"
        out += pdf_wrap(text, 90, rng, indent="     ")
        items.append((p, with_id, False))
    return Paste("\n".join(out) + "\n", items)


@fmt("refs-acm", "an ACM Reference Format list ([n], full names, year after the authors, DOIs)")
def refs_acm(rng: random.Random) -> Paste:
    ps = papers([80, 81, 83, 84, 85, 23, 34, 43, 53, 55, 63, 66])
    out = ["REFERENCES"]
    items = []
    for k, p in enumerate(ps):
        mark(out)
        who = join_and(p.authors) if len(p.authors) <= 8 else ", ".join(p.authors[:3]) + ", et al."
        v = venue(p)
        with_id = k % 3 != 1
        if with_id:
            tail = f"arXiv:{p.expect} [{(p.categories or ['cs.CL'])[0]}] https://arxiv.org/abs/{p.expect}"
        elif v:
            tail = f"In {v}. {10 + k}–{18 + k}."
        else:
            tail = "arXiv preprint."
        out.append(f"[{k + 1}] {who}. {p.year}. {p.title}. {tail}")
        items.append((p, with_id, False))
    return Paste("\n".join(out) + "\n", items)


@fmt("refs-lncs", "a Springer LNCS reference list (1. Surname, I.: Title. In: Venue (2024))")
def refs_lncs(rng: random.Random) -> Paste:
    ps = papers([0, 4, 9, 16, 20, 24, 32, 38, 41, 47, 51, 82])
    out = ["References", ""]
    items = []
    for k, p in enumerate(ps):
        mark(out)
        names = [apa_name(a).replace(". ", ".") for a in p.authors]
        who = ", ".join(names[:3]) + ", et al." if len(names) > 3 else ", ".join(names)
        v = venue(p, short=True)
        with_id = k % 4 == 0
        if with_id:
            tail = f"arXiv preprint arXiv:{p.expect} ({p.year})"
        elif v:
            tail = f"In: {v} {p.year}, pp. {100 + k}–{115 + k}. Springer ({p.year})"
        else:
            tail = f"CoRR ({p.year})"
        text = f"{k + 1}. {who}: {sentence_case(p.title)}. {tail}"
        out += pdf_wrap(text, 84, rng, indent="   ")
        items.append((p, with_id, False))
    return Paste("\n".join(out) + "\n", items)


@fmt("refs-scholar", "Google Scholar's 'Cite' copies in MLA, Chicago, Harvard and Vancouver, one a line")
def refs_scholar(rng: random.Random) -> Paste:
    ps = papers([2, 5, 12, 14, 17, 26, 33, 45, 48, 56, 61, 78])
    out = []
    items = []
    for k, p in enumerate(ps):
        mark(out)
        title = sentence_case(p.title)
        style = k % 4
        first = inverted(p.authors[0])
        if style == 0:  # MLA
            who = f"{first}, et al." if len(p.authors) > 2 else f"{first}, and {p.authors[1]}."
            out.append(f'{who} "{title}." arXiv preprint (' + f"{p.year})." if p.index % 2 else
                       f'{who} "{title}." {venue(p, short=True) or "arXiv"} ({p.year}).')
        elif style == 1:  # Chicago
            rest = ", ".join(p.authors[1:6]) + (" et al." if len(p.authors) > 6 else "")
            out.append(f'{first}, {rest}. "{title}." arXiv preprint ({p.year}).')
        elif style == 2:  # Harvard
            names = [apa_name(a).replace(" ", "") .replace(",", ", ") for a in p.authors[:3]]
            out.append(f"{', '.join(names[:-1])} and {names[-1]}, {p.year}. {title}. arXiv preprint.")
        else:  # Vancouver
            names = [vancouver_name(a) for a in p.authors[:6]]
            out.append(f"{', '.join(names)}{', et al' if len(p.authors) > 6 else ''}. {title}. arXiv preprint. {p.year}.")
        if k % 5 == 4:
            out.append("")
        items.append((p, False, False))
    return Paste("\n".join(out) + "\n", items)


@fmt("notes", "notes with bare URLs of every paper site, arXiv: mentions, DOIs, cited titles and chatter")
def notes(rng: random.Random) -> Paste:
    ps = papers([1, 6, 13, 18, 19, 21, 24, 27, 31, 37, 52, 60, 80, 84])
    out = ["# reading notes", "", "todo: read these before the group meeting", ""]
    items = []
    for k, p in enumerate(ps):
        mark(out)
        style = k % 8
        if style == 0:
            out.append(f"https://arxiv.org/abs/{p.expect}  <- start here")
            items.append((p, True, False))
        elif style == 1:
            out.append(f"- https://arxiv.org/pdf/{p.expect}v2.pdf")
            items.append((p, True, False))
        elif style == 2:
            out.append(f"https://huggingface.co/papers/{p.expect}")
            items.append((p, True, False))
        elif style == 3:
            out.append(f"* arXiv:{p.expect} — the one Anna mentioned")
            items.append((p, True, False))
        elif style == 4:
            out.append(f"\"{p.title}\" ({split_name(p.authors[0])[1]} et al. {p.year})")
            items.append((p, False, False))
        elif style == 5:
            out.append(f"https://www.alphaxiv.org/overview/{p.expect}")
            items.append((p, True, False))
        elif style == 6:
            out.append(f"{p.title} (arxiv.org/abs/{p.expect}) — read the appendix")
            items.append((p, True, False))
        else:
            out.append(f"“{p.title}” by {split_name(p.authors[0])[1]} et al., {p.year}")
            items.append((p, False, False))
        if k % 4 == 3:
            out += ["", rng.choice(["lol this one is wild", "Star us on GitHub!", "see also https://github.com/huggingface/transformers",
                                    "---", "12 upvotes", "ask Bob about the second one"]), ""]
    out += ["", "related code: https://github.com/huggingface/peft", "blog: https://huggingface.co/blog/moe", "",
            "that's all for now!"]
    return Paste("\n".join(out) + "\n", items)


@fmt("mixed-collection-refs-notes", "a notes file mixing a collection, a reference list and links")
def mixed_one(rng: random.Random) -> Paste:
    a = papers([3, 15, 46])
    b = papers([7, 25, 39, 42])
    c = papers([49, 71, 74])
    out = ["Notes for the MoE reading group", "", "From the HF collection:", ""]
    for p in a:
        mark(out)
        out += _collection_item(p, split=False) + [""]
    out += ["Refs from the survey:", ""]
    for k, p in enumerate(b):
        mark(out)
        out += pdf_wrap(f"[{k + 1}] " + _ieee(p, with_id=k % 2 == 0), 70, rng)
    out += ["", "also:", f"https://arxiv.org/abs/{c[0].expect}", f"https://huggingface.co/papers/{c[1].expect} (code is out)",
            f"- **{c[2].title}** - {c[2].authors[0]} et al. [[paper](https://arxiv.org/abs/{c[2].expect})]", "", "todo: ask about budget"]
    items = [(p, True, False) for p in a] + [(p, k % 2 == 0, False) for k, p in enumerate(b)] + [(p, True, False) for p in c]
    return Paste("\n".join(out) + "\n", items)


@fmt("mixed-search-daily-acl", "arXiv search results, then HF daily cards, then ACL references, pasted into one file")
def mixed_two(rng: random.Random) -> Paste:
    a = papers([58, 63, 65])
    b = papers([69, 73, 75, 76])
    c = papers([40, 50, 68, 77])
    out = ["Showing 1–3 of 3 results for title: tool learning", ""]
    for k, p in enumerate(a):
        mark(out)
        out += [f"{k + 1}. arXiv:{p.expect}  [pdf, other]  {' '.join(p.categories or ['cs.CL'])}", p.title,
                "Authors: " + ", ".join(p.authors), f"Submitted {p.day} {MONTHS[p.month - 1]}, {p.year}; originally announced {MONTHS[p.month - 1]} {p.year}.", ""]
    out += ["Daily Papers", "Mar 17", ""]
    for p in b:
        mark(out)
        out += ["Submitted by", "akhaliq", "", p.title, f"{p.authors[0]} · {len(p.authors)} authors", "", str(p.upvotes or 9), ""]
    out += ["References", ""]
    for k, p in enumerate(c):
        mark(out)
        out += pdf_wrap(_acl(p, with_id=k % 2 == 1), 80, rng)
    items = [(p, True, False) for p in a] + [(p, False, False) for p in b] + [(p, k % 2 == 1, False) for k, p in enumerate(c)]
    return Paste("\n".join(out) + "\n", items)


# --------------------------------------------------------------------------- expectations


def expectation(items: list[tuple[P, bool, bool]]) -> list[dict]:
    out = []
    for p, shows_id, shows_abstract in items:
        resolvable = p.expect is not None and (shows_id or shows_abstract or not p.renamed_unknown)
        out.append({"title": p.title, "arxiv": p.expect, "id_in_paste": bool(shows_id and p.expect),
                    "resolvable": resolvable})
    return out


def make(name: str) -> Paste:
    """The paste of format ``name`` (deterministic)."""
    _STARTS.clear()
    _kind, fn = FORMATS[name]
    seed = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
    return fn(random.Random(seed))


def build(name: str) -> tuple[bytes, str]:
    paste = make(name)
    data = {"format": name, "imitates": FORMATS[name][0], "papers": expectation(paste.items)}
    return paste.text.encode("utf-8"), json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    for name in FORMATS:
        data, expected = build(name)
        (HERE / f"{name}.txt").write_bytes(data)
        (HERE / f"{name}.expected.json").write_text(expected, encoding="utf-8")
        print(f"{name}: {len(json.loads(expected)['papers'])} papers")


if __name__ == "__main__":
    main()
