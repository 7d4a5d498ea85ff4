"""Reader for Hugging Face papers JSON (``/api/daily_papers``, ``/api/papers/search``, ``/api/papers/{id}``).

People save these API answers (or a script's dump of them) and want a
bibliography out of them.  The shapes, per ../shared/apis/APIS.md section 3
(no real recorded sample exists; the fields come from huggingface_hub's
``PaperInfo`` and HF's own documentation):

* a list of *wrappers* ``{"paper": {...}, "title", "summary", "publishedAt",
  "numComments", "submittedBy", ...}`` (daily papers, search results);
* one flat paper object ``{"id", "title", "summary", "authors", ...}``
  (``/api/papers/{id}``), or a list of them;
* an envelope ``{"papers": [...]}`` (also ``data``/``results``/``items``),
  as scripts and exports wrap lists; and JSON Lines, one object a line.

Every optional field may be missing, ``null`` or ``""``.  Each paper becomes a
``preprint`` entry whose fields carry provenance ``hf``; the line of the
object's opening brace is its origin, found with one scanning pass.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import InputError
from ..jsondata import JsonTooDeep, load_json
from ..links import canonical_link, extract_links, normalize_arxiv_id
from ..model import Document, Entry, LinkKind, PartialDate, Person, Problem, Provenance, SourceLocation
from ..names import parse_plain_name

__all__ = ["read", "parse_json", "looks_like_hf_json", "ENVELOPE_KEYS"]

SOURCE = "hf"
ENVELOPE_KEYS = ("papers", "data", "results", "items", "dailyPapers", "daily_papers")


# --------------------------------------------------------------------------- JSON with positions


def _object_offsets(text: str, envelope_key: str | None) -> list[int]:
    """Offsets of the ``{`` of each paper object: elements of the top-level array, or of the array
    under ``envelope_key`` in a top-level object; a top-level object alone gives ``[its offset]``.

    One pass over the text tracking strings and nesting, so positions cost no second parse.
    """
    offsets: list[int] = []
    stack: list[str] = []  # "{" or "["
    key_at_depth1: str | None = None
    last_string: str | None = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n:
                c = text[j]
                if c == "\\":
                    j += 2
                    continue
                if c == '"':
                    break
                j += 1
            last_string = text[i + 1:j]
            i = j + 1
            continue
        if ch == ":" and len(stack) == 1 and stack[0] == "{":
            key_at_depth1 = last_string
        elif ch in "{[":
            if ch == "{":
                top_level = not stack and envelope_key is None
                in_list = stack == ["["]
                in_envelope = envelope_key is not None and stack == ["{", "["] and key_at_depth1 == envelope_key
                if top_level or in_list or in_envelope:
                    offsets.append(i)
            stack.append(ch)
        elif ch in "}]":
            if stack:
                stack.pop()
        i += 1
    return offsets


def parse_json(text: str) -> tuple[list[tuple[Any, int]], str]:
    """``([(object, 1-based line), ...], shape)`` for any accepted shape; raises ``ValueError``.

    ``shape`` is ``list``, ``object``, ``envelope:<key>`` or ``jsonl``.
    """
    body = text.lstrip("\ufeff")
    try:
        data = load_json(body)
    except json.JSONDecodeError as exc:
        if "Extra data" not in str(exc):
            raise ValueError(f"not valid JSON: {exc}") from exc
        return _parse_jsonl(body), "jsonl"

    counted = [0, 1]  # offsets arrive in increasing order: count newlines since the last one only

    def line_of(offset: int) -> int:
        if offset < counted[0]:
            return body.count("\n", 0, offset) + 1
        counted[1] += body.count("\n", counted[0], offset)
        counted[0] = offset
        return counted[1]

    def located(elements: list[Any], envelope_key: str | None) -> list[tuple[Any, int]]:
        # the scan yields one offset per object element, in order; other elements have no brace
        offsets = iter(_object_offsets(body, envelope_key))
        return [(obj, line_of(next(offsets, 0)) if isinstance(obj, dict) else 1) for obj in elements]

    if isinstance(data, list):
        return located(data, None), "list"
    if isinstance(data, dict):
        if not _is_paper(data):
            for key in ENVELOPE_KEYS:
                if isinstance(data.get(key), list):
                    return located(data[key], key), f"envelope:{key}"
        return located([data], None), "object"
    raise ValueError(f"expected a JSON object or array of papers, found {type(data).__name__}")


def _parse_jsonl(body: str) -> list[tuple[Any, int]]:
    out = []
    for idx, line in enumerate(body.splitlines()):
        if not line.strip():
            continue
        try:
            out.append((load_json(line), idx + 1))
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {idx + 1}: not valid JSON: {exc}") from exc
        except JsonTooDeep as exc:
            raise ValueError(f"line {idx + 1}: {exc}") from None
    return out


def _is_paper(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    return isinstance(obj.get("paper"), dict) or "id" in obj and ("title" in obj or "summary" in obj)


def looks_like_hf_json(text: str) -> bool:
    """Whether the text parses as one of the accepted JSON shapes with at least one paper in it."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head not in ("{", "["):
        return False
    try:
        items, _ = parse_json(text)
    except ValueError:
        return False
    return any(_is_paper(obj) for obj, _ in items) or not items


# --------------------------------------------------------------------------- mapping


def _str(value: Any) -> str | None:
    """A non-empty, whitespace-normalised string, or ``None`` for missing/null/""/non-strings."""
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    return None


def _first(*values: Any) -> Any:
    for v in values:
        if v is not None and v != "" and v != []:
            return v
    return None


def _persons(authors: Any) -> list[Person]:
    out: list[Person] = []
    if not isinstance(authors, list):
        return out
    for a in authors:
        name = _str(a.get("name")) if isinstance(a, dict) else _str(a)
        if name:
            person = parse_plain_name(name)
            if person.last or person.literal:
                out.append(person)
    return out


def _user(value: Any) -> str | None:
    if isinstance(value, dict):
        return _str(value.get("user")) or _str(value.get("name")) or _str(value.get("fullname"))
    return _str(value)


def _entry(obj: dict[str, Any], location: SourceLocation, index: int) -> Entry:
    inner = obj.get("paper")
    paper: dict[str, Any] = inner if isinstance(inner, dict) else obj
    wrapper: dict[str, Any] = obj if paper is not obj else {}
    entry = Entry(entry_type="preprint", origin=location)
    entry.provenance["entry_type"] = Provenance(SOURCE, 1.0, str(location))
    entry.meta["hf_index"] = index
    detail = str(location)

    raw_id = _str(paper.get("id")) or _str(wrapper.get("id"))
    if raw_id:
        found = normalize_arxiv_id(raw_id)
        if found:
            entry.set_id("arxiv", found[0], SOURCE, 1.0, detail)
            if found[1] is not None:
                entry.ids.arxiv_version = found[1]
                entry.provenance["ids.arxiv_version"] = Provenance(SOURCE, 1.0, detail)
            entry.set_id("hf_paper", found[0], SOURCE, 1.0, detail)
        else:
            entry.set_id("hf_paper", raw_id, SOURCE, 1.0, detail)
            entry.problem("hf-id-not-arxiv", f"Hugging Face paper id {raw_id!r} is not an arXiv id")

    title = _first(_str(paper.get("title")), _str(wrapper.get("title")))
    if title:
        entry.set("title", title, SOURCE, 1.0, detail)
    summary = _first(_str(paper.get("summary")), _str(wrapper.get("summary")))
    if summary:
        entry.set("abstract", summary, SOURCE, 1.0, detail)
    authors = _persons(paper.get("authors"))
    if authors:
        entry.set("authors", authors, SOURCE, 1.0, detail)
    published = _first(_str(paper.get("publishedAt")), _str(wrapper.get("publishedAt")))
    date = PartialDate.parse(published)
    if date:
        entry.set("date", date, SOURCE, 0.9, f"{detail} publishedAt")

    github = _str(paper.get("githubRepo")) or _str(wrapper.get("githubRepo"))
    if github:
        link = canonical_link(github, SOURCE)
        if link.kind is LinkKind.GITHUB:
            link.role, link.evidence = "primary", "hf-githubRepo"
        entry.add_link(link)
    project = _str(paper.get("projectPage")) or _str(wrapper.get("projectPage"))
    if project:
        link = canonical_link(project, SOURCE)
        if link.kind is LinkKind.OTHER:
            link.kind = LinkKind.PROJECT
        link.evidence = link.evidence or "hf-projectPage"
        entry.add_link(link)
    if summary:
        for link in extract_links(summary, "abstract"):
            has_primary = any(l.kind is LinkKind.GITHUB and l.role == "primary" for l in entry.links)
            if link.kind is LinkKind.GITHUB and has_primary:
                # HF's githubRepo is the better witness: an abstract's "only repository" guess yields to it
                if link.evidence == "only repository in abstract" and not any(l.key == link.key for l in entry.links):
                    link.role, link.evidence = None, None
            entry.add_link(link)
    if entry.links:
        entry.provenance["links"] = Provenance(SOURCE, 1.0, detail)

    keywords = paper.get("ai_keywords")
    if isinstance(keywords, list):
        kws = [k for k in (_str(x) for x in keywords) if k]
        if kws:
            entry.meta["ai_keywords"] = kws
    for key, meta_key in (("ai_summary", "ai_summary"), ("discussionId", "hf_discussion_id"),
                          ("submittedOnDailyAt", "hf_submitted_at")):
        value = _str(paper.get(key))
        if value:
            entry.meta[meta_key] = value
    for key, meta_key in (("upvotes", "hf_upvotes"), ("githubStars", "hf_github_stars")):
        value = paper.get(key, wrapper.get(key))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            entry.meta[meta_key] = int(value)
    comments = wrapper.get("numComments", paper.get("numComments"))
    if isinstance(comments, int) and not isinstance(comments, bool):
        entry.meta["hf_num_comments"] = comments
    submitter = _user(paper.get("submittedOnDailyBy")) or _user(wrapper.get("submittedBy"))
    if submitter:
        entry.meta["hf_submitted_by"] = submitter
    org = paper.get("organization") or wrapper.get("organization")
    org_name = _user(org) if not isinstance(org, dict) else (_str(org.get("fullname")) or _str(org.get("name")))
    if org_name:
        entry.meta["hf_organization"] = org_name
    return entry


def read(text: str, origin: str, *, strict: bool = False) -> Document:
    """Read Hugging Face papers JSON into a :class:`Document` of ``preprint`` entries."""
    doc = Document(metadata={"format": "hf-json", "source": origin})
    try:
        items, shape = parse_json(text)
    except ValueError as exc:
        line = None
        m = re.search(r"line (\d+)", str(exc))
        if m:
            line = int(m.group(1))
        raise InputError(str(exc), SourceLocation(origin, line)) from exc
    doc.metadata["hf_json_shape"] = shape
    for index, (obj, line) in enumerate(items):
        location = SourceLocation(origin, line)
        if not _is_paper(obj):
            message = f"element {index} is not a Hugging Face paper object (no id/title/paper)"
            if strict:
                raise InputError(message, location)
            doc.problems.append(Problem("hf-not-a-paper", message, "warning", location))
            continue
        entry = _entry(obj, location, index)
        if entry.title is None and entry.ids.arxiv is None:
            message = f"element {index} has neither a title nor an arXiv id"
            if strict:
                raise InputError(message, location)
            doc.problems.append(Problem("hf-empty-paper", message, "warning", location))
            continue
        doc.blocks.append(entry)
    if not len(doc):
        doc.problems.append(Problem("hf-empty", "no papers in the JSON input", "warning", SourceLocation(origin)))
    return doc

