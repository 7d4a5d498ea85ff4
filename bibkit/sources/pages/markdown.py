"""Reading lists: Markdown ("awesome" lists, notes apps) and the same lists copied from a rendered page.

An item of a reading list is a bullet (``-``, ``*``, ``+``, ``1.``, a checkbox), a table row,
or — copied from a rendered page, where the Markdown is gone — a line carrying the list's
tell-tale labels ("[paper] [code]").  Real lists write an item in a dozen ways::

    - **Mixtral of Experts** - Albert Q. Jiang et al., *arXiv* 2024. [[paper](https://arxiv.org/abs/2401.04088)] [[code](https://github.com/…)]
    - [DeepSeekMoE: Towards …](https://arxiv.org/abs/2401.06066) (ACL 2024)
    * (ICLR 2024) Title [[Paper]](https://openreview.net/forum?id=…) [![Star](https://img.shields.io/…)](https://github.com/…)
    1. "Title". Authors. *Venue* 2024. [pdf](…)
    | [Title](https://arxiv.org/abs/…) | NeurIPS | 2023 | [GitHub](…) |

The reader takes the title from a bold span, a link whose text is a title (not "paper",
"pdf", "code"…), a quoted span, or the text before the first separator; authors, venue
and year from what follows; identifiers from the paper links; the paper's code from
GitHub links.  An item is a paper when it links to a paper, or when a title-like text
comes with something only papers have (authors, a venue or year, a paper/code label, a
bold title).  Headings, tables of contents (``[Papers](#papers)``), links to blogs and
tools, descriptions under an item, badges and chatter are skipped.
"""

from __future__ import annotations

import re

from ...record import PageReader
from ..chatter import chatter_reason
from ..paperids import classify_url, code_links, find_ids
from ..pastetext import YEAR, Line, clean_title, looks_like_names, split_authors, title_likeness
from .base import Draft, Sink

__all__ = ["NAME", "read_block", "line_evidence", "parse_item"]

NAME = PageReader.MARKDOWN

_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+•◦▪‣]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(?=\S)")
_TABLE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_REF_DEF = re.compile(r"^\s*\[(?P<ref>[^\]]+)\]:\s*(?P<url>\S+)")
_HEADING = re.compile(r"^\s*#{1,6}\s|^\s*(?:=+|-+)\s*$")
_BADGE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\((?P<url>[^)]*)\)|!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
                   r"\((?P<url>[^()\s]+(?:\([^()\s]*\)[^()\s]*)?)(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[(?P<text>[^\[\]]+)\]\[(?P<ref>[^\[\]]*)\]")
_BOLD = re.compile(r"\*\*(?P<t>[^*]+?)\*\*|__(?P<t2>[^_]+?)__")
_ITALIC = re.compile(r"(?<![*\w])\*(?P<t>[^*]+?)\*(?![*\w])|(?<![_\w])_(?P<t2>[^_]+?)_(?![_\w])")
_QUOTE = re.compile(r"[“\"](?P<t>[^“”\"]{6,300})[”\"]")
_LABEL_WORDS = (
    r"paper|papers|pdf|code|codes|arxiv|project|project page|github|git|website|web|homepage|home|blog|video|"
    r"videos|slides|demo|dataset|data|model|models|weights|checkpoints?|bibtex|bib|link|here|official|unofficial|"
    r"huggingface|hugging face|hf|openreview|doi|abstract|abs|html|supp|supplementary|poster|talk|colab|notebook|"
    r"leaderboard|repo|repository|source|implementation|pytorch|tensorflow|jax|stars?|citation|cite|"
    r"semantic scholar|s2|acl|acl anthology|ieee|acm|springer|publication|pub|preprint|tweet|twitter|x|"
    r"youtube|zhihu|reddit|medium|docs|documentation|api|online|download"
)
_LABEL = re.compile(rf"^(?:{_LABEL_WORDS})\s*:?$", re.IGNORECASE)
_LABEL_IN_TEXT = re.compile(rf"\[\s*(?:{_LABEL_WORDS})\s*\]", re.IGNORECASE)
_RENDERED_LABELS = re.compile(
    r"\[(?:paper|pdf|code|arxiv|project|github|website|blog|video|slides|demo|bibtex|openreview|doi|html|hf)\]",
    re.IGNORECASE,
)
_VENUE_YEAR = re.compile(
    r"^(?:[A-Z][A-Za-z&-]{1,15}(?:\s[A-Z][A-Za-z&-]{1,15}){0,3}|arXiv|[A-Z]+[a-z]*[A-Z]+\w*)['’\s]\s*(?:19|20)?\d\d"
    r"(?:\s*\([\w\s]+\))?$|^(?:19|20)\d\d(?:[/.-]\d{1,2})?$")
#: a venue's two-digit year ("ICLR'23", "NeurIPS ’22")
_SHORT_YEAR = re.compile(r"[A-Za-z]\s?['’](\d\d)$")
_LEAD = re.compile(r"^(?:\((?P<p>[^()]{2,40})\)|\[(?P<b>[^\[\]]{2,40})\]"
                   r"|(?P<d>(?:19|20)\d\d(?:[/.-]\d{1,2})?)\s*[:\-–|])\s*")
_SEP = re.compile(r"\s+[-–—|]\s+|\s*[,.]\s+(?=\S)")
_TITLE_COLUMNS = ("title", "paper", "papers", "paper title", "name", "work", "publication", "article")
_VENUE_COLUMNS = ("venue", "conference", "conf", "conf.", "journal", "published", "publication venue", "where")
_YEAR_COLUMNS = ("year", "date", "time", "published", "release")
_AUTHOR_COLUMNS = ("authors", "author", "first author", "by")


def line_evidence(line: Line) -> float:
    t = line.raw.strip()
    if not t or len(t) > 4000:
        return 0.0
    score = 0.0
    if t[0] == "|" or "|" in t:
        if _TABLE.match(t):
            score += 3.0 if "|" in t[1:-1] else 0.0
        if _TABLE_RULE.match(t):
            score += 3.0
    bullet = _BULLET.match(t) if t[0] in "-*+•◦▪‣0123456789" else None
    links = _LINK.findall(t) if "](" in t else []
    if links:
        paperish = any(classify_url(u) is not None for _txt, u in links)
        labelled = any(_LABEL.match(txt.strip("[]")) for txt, _u in links)
        score += 2.0 + (1.5 if paperish else 0.0) + (1.0 if labelled else 0.0) + (0.5 if bullet else 0.0)
    elif bullet:
        if _BOLD.search(t) or ("[" in t and _RENDERED_LABELS.search(t)):
            score += 2.5
        else:
            score += 0.5
    if "[" in t:
        if _RENDERED_LABELS.search(t):
            score += 2.5
        if _REF_DEF.match(t):
            score += 2.0
        if "![" in t and _BADGE.search(t):
            score += 1.0
    if not bullet and "\t" in line.raw and len(line.raw.split("\t")) >= 3:
        score += 1.5
    return min(score, 6.0)


def read_block(lines: list[Line], sink: Sink) -> None:
    defs: dict[str, str] = {}
    for ln in lines:
        m = _REF_DEF.match(ln.raw)
        if m:
            defs[m.group("ref").strip().lower()] = m.group("url")
    items: list[tuple[list[Line], str]] = []  # (lines, kind)
    cur: list[Line] = []
    no_item = 1 << 30  # the indent when no item is open: no sub-bullet is deeper
    cur_indent = no_item
    table: list[Line] = []

    def close() -> None:
        nonlocal cur, cur_indent
        if cur:
            items.append((cur, "item"))
            cur = []
        cur_indent = no_item

    def close_table() -> None:
        nonlocal table
        if table:
            items.append((table, "table"))
            table = []

    for ln in lines:
        raw = ln.raw.rstrip()
        if not ln.text:
            close()
            close_table()
            continue
        if _TABLE.match(raw) or (table and "|" in raw and _TABLE_RULE.match(raw)):
            close()
            table.append(ln)
            continue
        if raw.count("\t") >= 2 and not _BULLET.match(raw):
            close()
            if table and not (table[-1].raw.count("\t") >= 2):
                close_table()
            table.append(ln)  # a table copied from a rendered page: cells between tabs
            continue
        close_table()
        b = _BULLET.match(raw)
        if b:
            if _detail_of_item(b, raw, cur_indent):
                cur.append(ln)  # a sub-bullet holding the item's authors, links or venue: part of the item
                continue
            close()
            cur = [ln]
            cur_indent = len(b.group("indent").expandtabs(4))
            continue
        if _REF_DEF.match(raw):
            close()
            sink.skip(ln, "a Markdown link definition (used by the items that refer to it)")
            continue
        if _HEADING.match(raw):
            close()
            sink.skip(ln, "a heading")
            continue
        indent = len(raw) - len(raw.lstrip())
        if cur and (indent > cur_indent or (not _standalone(ln) and not chatter_reason(ln.text)
                                            and not re.search(r"[.!?)\]]$", cur[-1].text))):
            cur.append(ln)  # a wrapped item (indented, or a lazy continuation of an unfinished line)
            continue
        close()
        items.append(([ln], "line"))
    close()
    close_table()
    _read_items(items, defs, sink)


def _read_items(items: list[tuple[list[Line], str]], defs: dict[str, str], sink: Sink) -> None:
    """Each gathered item, table or stray line read as a paper, or skipped with why."""
    for group, kind in items:
        if kind == "table":
            _table(group, defs, sink)
            continue
        text = " ".join(ln.raw.strip() for ln in group)
        if kind == "item":
            text = _item_lines_text(group)
        draft, why = parse_item(text, group[0].no, defs, rendered=(kind == "line"))
        if draft is None:
            sink.skip_all(group, why)
        else:
            sink.add(draft)


def _item_lines_text(group: list[Line]) -> str:
    """An item's text: its first line and its wrapped lines, and its detail sub-bullets without their
    markers and labels, each set off by a comma ("**Title**, A. Author, B. Author, ICLR 2025, [paper](…)")."""
    out = _BULLET.sub("", group[0].raw.rstrip(), count=1).strip()
    for ln in group[1:]:
        b = _BULLET.match(ln.raw)
        if b is None:
            out += " " + ln.raw.strip()
            continue
        detail = ln.raw[b.end():].strip()
        label = _DETAIL_LABEL.match(detail)
        out += ", " + (detail[label.end():] if label else detail)
    return out


#: the label of a detail sub-bullet ("Authors: …", "Venue: ICLR 2025", "arXiv: https://…")
_DETAIL_LABEL = re.compile(
    r"^[*_]*(?:authors?|by|venue|conference|published(?: in| at)?|year|date|paper|pdf|arxiv|code|github|links?|"
    r"url|doi|project(?: page)?)[*_]*\s*[:：]\s*[*_]*", re.IGNORECASE)
_ONLY_URLS = re.compile(r"^(?:<?(?:https?://|www\.)\S+>?[\s,;|]*)+$")


def _detail_of_item(bullet: re.Match[str], raw: str, item_indent: int) -> bool:
    """Whether a sub-bullet's text says more about the item above it instead of naming a paper of its
    own: only its authors ("*A. Author, B. Author, et al.*"), only labelled links ("[[Paper](…)]
    [[Code](…)]" and badges) or only a venue and year — the way many "awesome" lists nest an item's
    details under its bold title.  A sub-bullet with a title (a paper under a topic bullet) is none."""
    if len(bullet.group("indent").expandtabs(4)) <= item_indent:
        return False
    text = raw[bullet.end():]
    label = _DETAIL_LABEL.match(text)
    if label:
        text = text[label.end():]
        if _ONLY_URLS.match(text.strip()):
            return True  # "arXiv: https://arxiv.org/abs/…", "Code: https://github.com/…"
    t = _BADGE.sub(" ", text) if "![" in text else text
    if "](" in t:
        links = _LINK.findall(t)
        if not links or not all(_LABEL.match(label.strip("[]*_ ")) for label, _u in links):
            return False
        return not re.search(r"[^\W\d_]{2}", _LINK.sub(" ", t))
    plain = _plain(t).strip(" .,;")
    if not plain:
        return False
    return bool(_VENUE_YEAR.match(plain) or (looks_like_names(plain, min_names=1 if label else 2)
                                              or re.search(r"\bet al\b", plain))
                and looks_like_names(re.sub(r",?\s*\bet al\b.*$", "", plain)))


def _standalone(ln: Line) -> bool:
    """A line outside a bullet that is an item of its own (a rendered-page copy of a list)."""
    return bool(_RENDERED_LABELS.search(ln.text) or "](" in ln.raw or _BOLD.match(ln.text))


_HEADER_WORDS = (_TITLE_COLUMNS + _VENUE_COLUMNS + _YEAR_COLUMNS + _AUTHOR_COLUMNS
                 + ("code", "link", "links", "github", "url"))


def _table(rows: list[Line], defs: dict[str, str], sink: Sink) -> None:
    """A Markdown table (``| … |`` rows, a header above a ``|---|`` rule) or one copied from a rendered
    page (cells between tabs, a header row of column names)."""
    header: list[str] | None = None
    body: list[Line] = []
    if rows and "|" not in rows[0].raw:
        first = [c.strip().strip("*_ ").lower() for c in _cells(rows[0].raw)]
        if sum(1 for c in first if c in _HEADER_WORDS) >= 2:
            header = first
            sink.skip(rows[0], "a table's header row")
            rows = rows[1:]
    for k, ln in enumerate(rows):
        if _TABLE_RULE.match(ln.raw):
            if k == 1 and header is None and not any(classify_url(m.group("url")) for m in _LINK.finditer(rows[0].raw)):
                header = [c.strip().strip("*_ ").lower() for c in _cells(rows[0].raw)]
                body = [r for r in body if r is not rows[0]]
                sink.skip(rows[0], "a table's header row")
            sink.skip(ln, "the rule under a table's header")
            continue
        body.append(ln)
    title_col = next((i for i, h in enumerate(header or []) if h in _TITLE_COLUMNS), None)
    author_col = next((i for i, h in enumerate(header or []) if h in _AUTHOR_COLUMNS), None)
    venue_col = next((i for i, h in enumerate(header or []) if h in _VENUE_COLUMNS), None)
    year_col = next((i for i, h in enumerate(header or []) if h in _YEAR_COLUMNS and i != venue_col), None)
    for ln in body:
        cells = _cells(ln.raw)
        if not cells or not any(_plain(c) for c in cells):
            continue
        if title_col is None or title_col >= len(cells):
            scored = [(title_likeness(_plain(c)) + 0.1 * min(len(_plain(c).split()), 8) / 8, i)
                      for i, c in enumerate(cells)]
            col = max(scored)[1]
        else:
            col = title_col
        others = [_plain(c) for i, c in enumerate(cells) if i != col]
        row_hints = sum(1 for c in others if YEAR.search(c) or _VENUE_YEAR.match(c) or _LABEL.match(c)
                        or looks_like_names(c)) + sum(1 for i, c in enumerate(cells) if i != col and "](" in c)
        draft, why = parse_item(cells[col], ln.no, defs, table=True, hints=row_hints)
        if draft is None:
            sink.skip(ln, why)
            continue
        draft.shape = "table"
        for i, cell in enumerate(cells):
            if i == col:
                continue
            text = _plain(cell)
            for m in _LINK.finditer(cell):
                ident = classify_url(m.group("url"))
                if ident is not None:
                    draft.add_id(ident)
                draft.code.extend(u for u in code_links(m.group("url")) if u not in draft.code)
            if i == author_col and text and looks_like_names(text):
                authors = split_authors(text)
                draft.authors, draft.truncated = authors.names, authors.truncated
            elif i == venue_col and text and re.search(r"[A-Za-z]{2}", text) and not _LABEL.match(text):
                draft.venue = re.sub(r"['’\s]*(?:19|20)\d\d\s*$", "", text).strip() or None
                years = [int(y.group(1)) for y in YEAR.finditer(text)]
                draft.year = draft.year or (years[0] if years else None)
            elif i == year_col and (year := YEAR.search(text)):
                draft.year = int(year.group(1))
        sink.add(draft)


_DASH_SEP = re.compile(r"\s+[-–—|]\s+")
_PAREN_VENUE = re.compile(r"\s+[(\[](?=[^()\[\]]*(?:19|20)\d\d)")


def _split_title(plain: str) -> tuple[str | None, str]:
    """The title at the start of an item's plain text and what follows it: the title ends at a
    spaced dash ("Title - Authors, Venue"), else at a parenthesised venue or year ("Title (ACL
    2024)"), else at a full stop or comma that an author list follows.  Commas and colons inside
    titles stay."""
    if not plain:
        return None, ""
    m = _DASH_SEP.search(plain)
    if m and m.start() > 0:
        return plain[: m.start()], plain[m.end():]
    m = _PAREN_VENUE.search(plain)
    if m and m.start() > 0:
        return plain[: m.start()], plain[m.start():]
    for m in re.finditer(r"[.,]\s+", plain):
        after = plain[m.end():]
        head = re.split(r"[.,(]\s", after, maxsplit=1)[0]
        if re.search(r"\bet al\b", head) or looks_like_names(head, min_names=1) and len(head.split()) <= 12 \
                or m.group().startswith(".") and _VENUE_YEAR.match(head.strip(" .,;")):
            return plain[: m.start()], after  # "Title. A. Author, B. Author" or "Title. NeurIPS 2024."
    return plain, ""


def _cells(raw: str) -> list[str]:
    if "|" not in raw and raw.count("\t") >= 2:
        return [c.strip() for c in raw.strip("\r\n").split("\t")]
    s = raw.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", s)]


def _plain(text: str) -> str:
    """Markdown removed: links become their text, emphasis and badges go."""
    t = _BADGE.sub(" ", text)
    t = _LINK.sub(lambda m: m.group("text"), t)
    t = re.sub(r"\*\*|__|`", "", t)
    t = re.sub(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", "", t)
    return re.sub(r"\s+", " ", t).strip()


def parse_item(text: str, line: int, defs: dict[str, str] | None = None, *, rendered: bool = False,
               table: bool = False, hints: int = 0) -> tuple[Draft | None, str]:
    """A draft of the paper one list item names, or ``(None, why not)``."""
    defs = defs or {}
    d = Draft(NAME, "table" if table else ("rendered" if rendered else "item"), line)
    t = text.strip()
    reason = chatter_reason(_plain(t))
    if reason and not ("](" in t and any(classify_url(u) for _x, u in _LINK.findall(t))):
        return None, reason
    for m in _BADGE.finditer(t):
        url = m.groupdict().get("url")
        if url and code_links(url):
            d.code.extend(u for u in code_links(url) if u not in d.code)
    t = _BADGE.sub(" ", t)
    t = _REF_LINK.sub(lambda m: f"[{m.group('text')}]({defs.get((m.group('ref') or m.group('text')).lower(), '#')})", t)
    links = [(m.group("text").strip(), m.group("url")) for m in _LINK.finditer(t)]
    paper_link, title_from_link = _read_links(d, links)
    if links and not paper_link and all(u.startswith("#") for _x, u in links):
        return None, "a table-of-contents link"
    # identifiers written out in the text (not inside a link target)
    bare = _LINK.sub(lambda m: " " + m.group("text") + " ", t)
    for _s, _e, ident in find_ids(bare):
        d.add_id(ident)
        paper_link = True
    d.code.extend(u for u in code_links(bare) if u not in d.code)
    plain, venue_bits = _lead(_item_text(t))
    title, rest, bold = _title_of(t, plain, title_from_link, table)
    venue_bits += _venue_bits(t, title, rest)
    _authors_year_venue(d, rest, venue_bits)
    title = clean_title(title) if title else None
    if title and (_LABEL.match(title) or _VENUE_YEAR.match(title) or chatter_reason(title)
                  or re.fullmatch(r"(?:https?://|www\.)\S+", title)):
        title = None
    d.title = title
    quoted = bool(title and (q := _QUOTE.search(t)) and clean_title(q.group("t")) == title)
    hints += bool(d.authors) + bool(d.year or d.venue) + bool((bold or quoted) and title) + bool(d.code) \
        + bool(_RENDERED_LABELS.search(text) or any(_LABEL.match(x.strip("[]* ")) for x, _u in links))
    if paper_link:
        d.confidence = 0.95 if title else 0.8
        return d, ""
    return _judged(d, text, rendered=rendered, table=table, hints=hints, linked=bool(links))


def _read_links(d: Draft, links: list[tuple[str, str]]) -> tuple[bool, str | None]:
    """The item's links: paper identifiers and code go to the draft; ``(a paper link was found, the
    first link text that reads as a title)``."""
    paper_link = False
    title_from_link = None
    for text_, url in links:
        ident = classify_url(url)
        label = text_.strip("[]* ")
        if ident is not None:
            d.add_id(ident)
            paper_link = True
        elif code_links(url):
            d.code.extend(u for u in code_links(url) if u not in d.code)
        if title_from_link is None and not _LABEL.match(label) and not _VENUE_YEAR.match(label) \
                and len(label.split()) >= 2 and title_likeness(_plain(label)) >= 0.3 and not url.startswith("#"):
            title_from_link = _plain(label)
    return paper_link, title_from_link


def _unlabelled(m: re.Match[str]) -> str:
    """A link whose text is a label ("[paper](…)") blanked; one in brackets of its own ("[[paper](…)]") is left to
    become the rendered label "[paper]", which goes with the rendered copy's."""
    if m.start() > 0 and m.string[m.start() - 1] == "[" or not _LABEL.match(m.group("text").strip()):
        return m.group(0)
    return " "


def _item_text(t: str) -> str:
    """An item's text without Markdown, the labels of its links ("[paper](…) [code](…)", "[[pdf](…)]"), the labels
    of a rendered copy ("[paper] [code]") and URLs."""
    if "](" in t:  # (a link labelled "paper" or "code" is no part of the title: its text goes with it)
        t = _LINK.sub(_unlabelled, t)
    plain = _plain(t)
    plain = _LABEL_IN_TEXT.sub(" ", plain)  # "[paper] [code]" of a rendered copy
    plain = re.sub(r"https?://\S+", " ", plain)
    return re.sub(r"\s+", " ", plain).strip(" -–|")


def _lead(plain: str) -> tuple[str, list[str]]:
    """A leading venue or date taken off: "(ICLR 2024) Title", "[2024/01] Title", "2024.01: Title"."""
    lead = _LEAD.match(plain)
    if lead and (lead.group("d") or _VENUE_YEAR.match((lead.group("p") or lead.group("b") or "").strip())):
        return plain[lead.end():], [(lead.group("p") or lead.group("b") or lead.group("d") or "").strip()]
    return plain, []


def _title_of(t: str, plain: str, title_from_link: str | None,
              table: bool) -> tuple[str | None, str, re.Match[str] | None]:
    """``(title, the text after it, the bold span)``: a bold span, else a link's text, else a quoted
    title, else the item's text up to where its authors or venue start."""
    title = None
    bold = _BOLD.search(t)
    if bold:
        candidate = _plain(bold.group("t") or bold.group("t2") or "")
        if candidate and not _VENUE_YEAR.match(candidate) and not _LABEL.match(candidate):
            title = candidate
    if title is None and title_from_link:
        title = title_from_link
    if title is None:
        q = _QUOTE.search(plain)
        if q and title_likeness(q.group("t")) >= 0.3:
            title = q.group("t")
    if title is None:
        # a table's title cell is the title (its commas and dashes are the title's); an item's text
        # runs on into authors and venue
        title, rest = (plain, "") if table else _split_title(plain)
    else:
        idx = plain.find(title)
        rest = plain[idx + len(title):] if idx >= 0 else plain
    return title, rest.strip(" \"”“-–—|,.:"), bold


def _venue_bits(t: str, title: str | None, rest: str) -> list[str]:
    """Pieces that may name the venue and year: italic spans, parentheses and brackets with a year."""
    bits = []
    for m in _ITALIC.finditer(t):
        v = (m.group("t") or m.group("t2") or "").strip()
        if v and v != title and not (title and v in title):
            bits.append(v)
    for m in re.finditer(r"\(([^()]{2,60})\)|\[([^\[\]]{2,40})\]", rest):
        v = (m.group(1) or m.group(2) or "").strip()
        if YEAR.search(v) or _VENUE_YEAR.match(v):
            bits.append(v)
    if not bits and _VENUE_YEAR.match(rest.strip(" ()[]")):
        bits.append(rest.strip(" ()[]"))  # "Title — ICLR'23": the venue is all that follows the title
    return bits


_BEFORE_VENUE = re.compile(r"\s*[,.;(\[]\s*(?=[*_A-Z(\[]?[A-Za-z]*\s*(?:19|20)\d\d)|\s+[-–—|]\s+")
_VENUE_TAIL = re.compile(r"\s*(?:,\s*)?\*?[A-Z][\w&-]*\*?\s*(?:19|20)\d\d.*$")


def _authors_year_venue(d: Draft, rest: str, venue_bits: list[str]) -> None:
    """The authors (what opens the text after the title, when it reads as names), the year and the venue."""
    first = _BEFORE_VENUE.split(rest, maxsplit=1)[0] if rest else ""
    if _VENUE_YEAR.match(first.strip(" ,.;*_")):
        first = ""  # "— *EMNLP Findings 2024*": a venue, no authors (its first word is no organisation)
    first = _VENUE_TAIL.sub("", first).strip(" ,.;")
    if first and (looks_like_names(first) or re.search(r"\bet al\b", first)) and not _VENUE_YEAR.match(first):
        authors = split_authors(first)
        d.authors, d.truncated = authors.names, authors.truncated
    years = [int(m.group(1)) for v in venue_bits for m in YEAR.finditer(v)] or \
        [int(m.group(1)) for m in YEAR.finditer(rest)] or \
        [2000 + int(m.group(1)) for v in venue_bits for m in _SHORT_YEAR.finditer(v)]
    if years:
        d.year = years[0]
    venue = next((re.sub(r"['’]?\s*(?:19|20)?\d\d(?:[/.-]\d{1,2})?\s*$", "", v).strip(" ,.")
                  for v in venue_bits if re.search(r"[A-Za-z]{2}", v)), None)
    if venue and not _LABEL.match(venue):
        d.venue = venue


def _judged(d: Draft, text: str, *, rendered: bool, table: bool, hints: int,
            linked: bool) -> tuple[Draft | None, str]:
    """Whether an item without a paper link names a paper: its title, and what comes with it."""
    title = d.title
    if not title:
        return None, "a list item without a paper title or a paper link"
    likeness = title_likeness(title)
    if rendered and not (_RENDERED_LABELS.search(text) or (d.year and (d.venue or d.authors))):
        # a line of a rendered page (no bullet, no link) names a paper only with the list's labels
        # ("[paper] [code]") or a venue/authors and a year
        return None, "a line of text that is not an item of the list"
    if hints >= 1 and likeness >= 0.35:
        d.confidence = round(0.6 + 0.1 * min(hints, 3) + 0.1 * (likeness >= 0.6), 2)
        return d, ""
    if linked and not hints:
        return None, "a link to a page that is not a paper (a blog, a tool, a website)"
    if not rendered and likeness >= 0.6 and len(title.split()) >= 3 and not table:
        d.confidence = 0.5
        return d, ""
    return None, "a list item that does not name a paper"
