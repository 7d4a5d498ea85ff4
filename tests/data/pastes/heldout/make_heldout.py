"""The held-out pastes: written after the readers, in layouts and styles the main corpus does not use.

Run ``python tests/data/pastes/heldout/make_heldout.py`` to (re)write ``<name>.txt`` and
``<name>.expected.json`` here.  Same papers (the doubles' corpus), other ways of writing them:

* Hugging Face: the mobile daily feed (counts before titles, "▲ 42"), a collection with Spaces,
  notes and datasets between its papers, paper pages whose author names come one per line;
* arXiv: a listing copied without blank lines, search results with full abstracts ("△ Less"),
  abstract pages with spaced labels and a "Journal reference" line;
* reading lists: checkbox lists with ``Venue'24`` tags, bold links with ``<br>``-separated
  authors, a Notion export with em-dash separated fields, an org-mode list;
* references: Chicago author–date, Nature (``et al.`` after the first author, "Preprint at …"),
  IEEE with "[Online]. Available:", Elsevier numbered (initials without spaces), BibTeX
  ``plain`` (``CoRR, abs/…``), Harvard with DOIs on their own lines;
* notes: Slack messages (``<url|label>``), tweets, an Obsidian page with ``[[wiki links]]``.

Used by ``tests/test_pastes_heldout.py`` to measure the readers on text they were not tuned on.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
sys.path.insert(0, str(ROOT))

from bibkit.testing.corpus import load_corpus  # noqa: E402

CORPUS = load_corpus()
_PAPERS = {p.listing_index: p for p in CORPUS.papers if p.role == "listing" and p.listing_index is not None}
_HF = {h["id"] for h in CORPUS.hf}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


class Item:
    def __init__(self, i: int):
        it = CORPUS.listing[i]
        p = _PAPERS.get(i)
        self.title, self.abstract, self.id, self.note = it.title, it.abstract, it.expect, it.note or ""
        self.authors = [a["name"] for a in p.authors] if p else ["Kenji Watanabe", "Aisha Bello"]
        date = p.versions[0].date if p else "2024-05-14T00:00:00Z"
        self.year, self.month, self.day = int(date[:4]), int(date[5:7]), int(date[8:10])
        self.cats = list(p.categories) if p else ["cs.CL"]
        self.doi = p.doi if p else None

    def _split(self, k: int) -> tuple[str, str]:
        words = self.authors[k].split()
        for j, w in enumerate(words[1:], 1):
            if w in ("van", "von", "de", "der", "den", "del", "da", "di", "du", "la", "le"):
                return " ".join(words[:j]), " ".join(words[j:])  # "Pedro de la Cruz": family "de la Cruz"
        return " ".join(words[:-1]), words[-1]

    def family(self, k: int = 0) -> str:
        return self._split(k)[1]

    def given(self, k: int = 0) -> str:
        return self._split(k)[0]

    def initials(self, k: int = 0, sep: str = " ") -> str:
        return sep.join(part[0] + "." for part in self.given(k).replace("-", " ").split())

    @property
    def renamed_unknown(self) -> bool:
        return "renamed" in self.note and "unknown to HF" in self.note


def lower_title(t: str) -> str:
    words = t.split(" ")
    return " ".join([words[0]] + [w.lower() if w[:1].isupper() and w[1:].islower() else w for w in words[1:]])


FORMATS = {}


def fmt(name):
    def deco(fn):
        FORMATS[name] = fn
        return fn
    return deco


@fmt("ho-hf-mobile")
def hf_mobile(rng):
    items = [Item(i) for i in (40, 45, 51, 55, 59, 62, 66, 70, 79, 83)]
    out = ["☰", "Papers", "Daily", "Trending", "", "Jan 16, 2025", ""]
    for it in items:
        out += [f"▲ {rng.randint(3, 90)}", it.title, f"{it.authors[0]} and {len(it.authors) - 1} others",
                f"Published on {MONTHS[it.month - 1]} {it.day}", f"💬 {rng.randint(0, 5)}", ""]
    out += ["Load more papers"]
    return out, [(it, False, False) for it in items]


@fmt("ho-hf-collection-spaces")
def hf_collection_spaces(rng):
    items = [Item(i) for i in (1, 6, 14, 24, 32, 49, 54, 71, 81, 52)]
    out = ["Collection", "Sparse MoE reading", "updated 3 days ago", "A personal list, ordered by priority.", "",
           "Upvote", "5", ""]
    for k, it in enumerate(items):
        if k % 3 == 0:
            out += ["🔥", "MoE Visualizer", "Running", "Space • Updated 5 days ago • 12", ""]
        out += [it.title, f"Paper • {it.id} • Published {MONTHS[it.month - 1]} {it.day}, {it.year} • {rng.randint(1, 200)}"]
        if k % 4 == 2:
            out += ["Note", "Read section 4 first; the appendix has the routing ablation."]
        if k % 5 == 4:
            out += ["allenai/dolma", "Viewer • Updated Apr 16, 2024 • 4.37B • 1.1k"]
        out.append("")
    return out, [(it, True, False) for it in items]


@fmt("ho-hf-pages-names-per-line")
def hf_pages(rng):
    items = [Item(i) for i in (3, 11, 20, 29, 38, 47, 58, 65, 74, 76)]
    out = []
    for it in items:
        out += [f"arxiv:{it.id}", "", it.title, "", f"Published on {MONTHS[it.month - 1]} {it.day}, {it.year}", "",
                "Authors:", ""]
        out += it.authors[:6]
        out += ["", "Abstract", "", it.abstract, "", "View arXiv page", "View PDF", "GitHub", "Add to collection", "",
                "Community", "", "Paper author", "replied", "Thanks for reading!", "", "Models citing this paper 0", ""]
    return out, [(it, True, True) for it in items]


@fmt("ho-arxiv-list-tight")
def arxiv_tight(rng):
    items = [Item(i) for i in (0, 5, 10, 16, 22, 27, 34, 43, 48, 57, 64)]
    out = ["cs.CL", "Computation and Language (since January 1993)", "For a specific paper, enter the identifier into the top right search box.",
           "Browse:", "new (most recent mailing, with abstracts)", "recent (last 5 mailings)", "Authors and titles for cs.CL/recent"]
    for k, it in enumerate(items):
        out += [f"[{k + 1}] arXiv:{it.id} [pdf, ps, other]", f"Title: {it.title}", "Authors: " + ", ".join(it.authors),
                f"Subjects: Computation and Language (cs.CL)"]
    out += ["Disable MathJax (What is MathJax?)"]
    return out, [(it, True, False) for it in items]


@fmt("ho-arxiv-search-full")
def arxiv_search_full(rng):
    items = [Item(i) for i in (2, 9, 15, 19, 26, 33, 41, 53, 63, 69)]
    out = ["Showing 1–10 of 10 results for abstract: expert", "", "Order: -announced_date_first; Size: 50; Date range: all", ""]
    for k, it in enumerate(items):
        out += [f"{k + 1}.", f"arXiv:{it.id}", "[pdf]", " ".join(it.cats), "", it.title, "",
                "Authors: " + ", ".join(it.authors), "", f"Abstract: {it.abstract} △ Less", "",
                f"Submitted {it.day} {['January','February','March','April','May','June','July','August','September','October','November','December'][it.month - 1]}, {it.year}; originally announced {it.year}.", ""]
    return out, [(it, True, True) for it in items]


@fmt("ho-arxiv-abs-spaced")
def arxiv_abs_spaced(rng):
    items = [Item(i) for i in (28, 44, 67, 25, 35, 7, 17, 37, 39, 42)]
    out = []
    for it in items:
        out += [f"arXiv:{it.id}v2", f"Title: {it.title}", f"Authors: {', '.join(it.authors)}",
                f"Abstract: {it.abstract}"]
        if it.doi:
            out += [f"Journal reference: {it.doi and 'see the DOI'}", f"DOI: {it.doi}"]
        out += [f"Subjects: Machine Learning (cs.LG)", f"Cite as: arXiv:{it.id} [cs.LG]", "", "Bookmark", ""]
    return out, [(it, True, True) for it in items]


@fmt("ho-md-checkbox")
def md_checkbox(rng):
    items = [Item(i) for i in (4, 8, 12, 18, 23, 36, 46, 60, 70, 75, 80)]
    out = ["# Papers to read (Q1)", "", "> Tick when done. Ping me if you add one!", ""]
    for k, it in enumerate(items):
        tick = "x" if k % 3 == 0 else " "
        venue = ["NeurIPS", "ICLR", "ACL", "EMNLP", "arXiv"][k % 5]
        yy = str(it.year)[2:]
        if k % 2 == 0:
            out.append(f"- [{tick}] {it.title} ({venue}'{yy}) [paper](https://arxiv.org/abs/{it.id})")
        else:
            out.append(f"- [{tick}] **[{it.title}](https://huggingface.co/papers/{it.id})** <br> *{it.authors[0]}, {it.authors[1] if len(it.authors) > 1 else 'Anon'}* <br> {venue} {it.year}")
    out += ["", "---", "_last edit: Tuesday_"]
    return out, [(it, True, False) for it in items]


@fmt("ho-notion-export")
def notion(rng):
    items = [Item(i) for i in (13, 21, 30, 31, 50, 56, 61, 68, 72, 78)]
    out = ["Reading list", "Created by Anna · Last edited 2 hours ago", "", "Name\tAuthors\tYear\tStatus"]
    for it in items:
        out.append(f"{it.title}\t{it.authors[0]} et al.\t{it.year}\t{rng.choice(['To read', 'Reading', 'Done'])}")
    out += ["", "COUNT 10"]
    return out, [(it, False, False) for it in items]


@fmt("ho-orgmode")
def orgmode(rng):
    items = [Item(i) for i in (0, 10, 20, 29, 45, 54, 63, 66, 73, 85)]
    out = ["#+TITLE: Reading", "#+STARTUP: overview", "", "* Papers"]
    for k, it in enumerate(items):
        state = ["TODO", "DONE", "NEXT"][k % 3]
        out += [f"** {state} [[https://arxiv.org/abs/{it.id}][{it.title}]]", f"   :PROPERTIES:", f"   :ADDED: [{it.year}-0{1 + k % 9}-1{k % 9}]",
                "   :END:"]
    return out, [(it, True, False) for it in items]


@fmt("ho-refs-chicago")
def refs_chicago(rng):
    items = [Item(i) for i in (1, 5, 9, 12, 16, 24, 33, 41, 47, 52, 60, 71)]
    items.sort(key=lambda it: it.family())
    out = ["Bibliography", ""]
    for k, it in enumerate(items):
        rest = ", ".join(it.authors[1:3])
        who = f"{it.family()}, {it.given()}" + (f", {rest}" if rest else "") + (", et al" if len(it.authors) > 3 else "")
        tail = f" arXiv:{it.id}." if k % 3 == 0 else " arXiv preprint."
        out.append(f"{who}. {it.year}. “{it.title}.”{tail}")
    return out, [(it, k % 3 == 0, False) for k, it in enumerate(items)]


@fmt("ho-refs-nature")
def refs_nature(rng):
    items = [Item(i) for i in (2, 11, 19, 26, 36, 43, 53, 58, 65, 76)]
    out = ["References", ""]
    for k, it in enumerate(items):
        who = f"{it.family()}, {it.initials()} et al." if len(it.authors) > 5 else \
            ", ".join(f"{it.family(j)}, {it.initials(j)}" for j in range(len(it.authors) - 1)) + f" & {it.family(-1)}, {it.initials(-1)}"
        out.append(f"{k + 1}. {who} {lower_title(it.title)}. Preprint at https://arxiv.org/abs/{it.id} ({it.year}).")
    return out, [(it, True, False) for it in items]


@fmt("ho-refs-ieee-online")
def refs_ieee_online(rng):
    items = [Item(i) for i in (3, 8, 14, 22, 27, 38, 46, 55, 62, 69, 80)]
    out = ["REFERENCES", ""]
    for k, it in enumerate(items):
        names = [f"{it.initials(j)} {it.family(j)}" for j in range(min(3, len(it.authors)))]
        who = ", ".join(names) + (" et al." if len(it.authors) > 3 else "")
        text = f"[{k + 1}] {who}, “{lower_title(it.title)},” arXiv, {it.year}. [Online]. Available: https://arxiv.org/abs/{it.id}"
        out += textwrap.wrap(text, 64)
    return out, [(it, True, False) for it in items]


@fmt("ho-refs-elsevier")
def refs_elsevier(rng):
    items = [Item(i) for i in (4, 15, 23, 32, 49, 59, 70, 74, 79, 84)]
    out = ["References", ""]
    for k, it in enumerate(items):
        names = [f"{it.initials(j, sep='')} {it.family(j)}" for j in range(min(2, len(it.authors)))]
        who = ", ".join(names) + (", et al." if len(it.authors) > 2 else "")
        out.append(f"[{k + 1}] {who}, {lower_title(it.title)}, arXiv preprint ({it.year}).")
    return out, [(it, False, False) for it in items]


@fmt("ho-refs-plain-corr")
def refs_plain(rng):
    items = [Item(i) for i in (6, 13, 18, 28, 34, 44, 50, 57, 64, 72, 77)]
    out = []
    for k, it in enumerate(items):
        who = " and ".join(it.authors) if len(it.authors) <= 3 else ", ".join(it.authors[:-1]) + ", and " + it.authors[-1]
        out.append(f"[{k + 1}] {who}. {lower_title(it.title)}. CoRR, abs/{it.id}, {it.year}.")
        out.append("")
    return out, [(it, True, False) for it in items]


@fmt("ho-refs-harvard-doi-lines")
def refs_harvard(rng):
    items = [Item(i) for i in (25, 28, 35, 44, 67, 1, 10, 20, 40, 56)]
    items.sort(key=lambda it: it.family())
    out = ["Reference list", ""]
    for it in items:
        names = [f"{it.family(j)}, {it.initials(j, sep='')}" for j in range(min(3, len(it.authors)))]
        who = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        out.append(f"{who} ({it.year}) '{lower_title(it.title)}', arXiv preprint.")
        out.append(f"doi:{it.doi}" if it.doi else f"Available at: https://arxiv.org/abs/{it.id} (Accessed: 3 March 2025).")
    return out, [(it, not it.doi, False) for it in items]


@fmt("ho-notes-slack")
def notes_slack(rng):
    items = [Item(i) for i in (7, 17, 22, 39, 42, 49, 51, 68, 75, 82)]
    out = []
    for k, it in enumerate(items):
        who = ["anna", "bob", "chen"][k % 3]
        out.append(f"{who}  {9 + k // 2}:{10 + k:02d} AM")
        if k % 3 == 0:
            out.append(f"<https://arxiv.org/abs/{it.id}|{it.title}> — worth a read")
        elif k % 3 == 1:
            out.append(f"have you seen arxiv.org/abs/{it.id}? the routing trick is neat")
        else:
            out.append(f"🔥 new paper: “{it.title}” https://huggingface.co/papers/{it.id}")
        if k % 4 == 1:
            out += ["👍 2", "😂 1"]
    return out, [(it, True, False) for it in items]


@fmt("ho-obsidian")
def obsidian(rng):
    items = [Item(i) for i in (5, 12, 27, 37, 48, 59, 61, 74, 81, 85)]
    out = ["---", "tags: [reading, moe]", "created: 2025-01-17", "---", "", "# MoE reading", ""]
    for k, it in enumerate(items):
        if k % 2 or it.id is None:
            out.append(f"- [[{it.title}]] ({it.family()} et al., {it.year})")
        else:
            out.append(f"- {it.title} — https://arxiv.org/abs/{it.id}")
    out += ["", "## Questions", "- why does top-2 routing beat top-1 here?", "- [[MoE]] overview note"]
    return out, [(it, k % 2 == 0 and it.id is not None, False) for k, it in enumerate(items)]


def build(name: str) -> tuple[bytes, str]:
    seed = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
    lines, items = FORMATS[name](random.Random(seed))
    papers = [{"title": it.title, "arxiv": it.id, "id_in_paste": bool(shows and it.id),
               "resolvable": it.id is not None and (shows or abstract or not it.renamed_unknown)}
              for it, shows, abstract in items]
    return ("\n".join(lines) + "\n").encode(), json.dumps({"format": name, "papers": papers}, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    for name in FORMATS:
        data, exp = build(name)
        (HERE / f"{name}.txt").write_bytes(data)
        (HERE / f"{name}.expected.json").write_text(exp, encoding="utf-8")
        print(name, len(json.loads(exp)["papers"]))


if __name__ == "__main__":
    main()
