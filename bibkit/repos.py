"""The library behind ``bibkit repos``: every paper's code repositories, as a table worth reading.

>>> from bibkit.app import ReposOptions, list_repos                             # doctest: +SKIP
>>> from bibkit.repos import render_rows                                        # doctest: +SKIP
>>> result = list_repos(["examples/hf-trending-papers.txt"], ReposOptions(sort="stars"))  # doctest: +SKIP
>>> print(render_rows(result.rows, "table"))                                    # doctest: +SKIP

One row per (paper, repository): the paper (citation key, else title), the
repository as GitHub names it now, its role (``primary`` = the paper's own
code, ``mentioned``), status (``ok``, ``renamed``, ``dead``, ``blocked``,
``unchecked``), stars, licence, last push and the archived flag.  Sorting is
by stars or by last push, most first, unknown values last, ties in input
order.  The GitHub work is :class:`bibkit.enrich.github.GitHubEnricher`'s; this
module runs it over entries and lays out its report rows (reading the inputs
is the application layer's, :func:`bibkit.app.list_repos`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any, Callable, Iterable, Sequence

from .config import Settings, load_settings
from .enrich.base import EnrichContext, EntryReport
from .enrich.github import DEFAULT_TTL, GitHubEnricher
from .http import HttpLayer
from .links import extract_links
from .model import Entry, LinkKind
from .outcomes import Service
from .reporting import table

__all__ = ["RepoRow", "ReposResult", "look_up_repos", "repo_rows", "sort_rows", "render_rows", "FORMATS", "SORTS"]

FORMATS = ("table", "csv", "json")
SORTS = ("stars", "pushed")
#: columns of the text table (CSV and JSON carry every field of :class:`RepoRow`)
TABLE_COLUMNS = ("paper", "repo", "role", "status", "stars", "license", "last push", "archived")
_TITLE_WIDTH = 48


@dataclass
class RepoRow:
    """One repository of one paper."""

    paper: str  # citation key, else the (shortened) title
    key: str | None
    title: str | None
    source: str | None  # file:line of the paper in its input
    repo: str  # owner/name as GitHub spells it now (as linked when unchecked)
    url: str
    role: str
    status: str
    stars: int | None = None
    license: str | None = None
    pushed_at: str | None = None
    archived: bool | None = None
    old_name: str | None = None
    fork: bool | None = None
    description: str | None = None
    homepage: str | None = None
    topics: list[str] = field(default_factory=list)
    subpaths: list[str] = field(default_factory=list)
    evidence: str | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReposResult:
    """What :func:`list_repos` found; ``as_dict()`` is the ``--report`` JSON."""

    rows: list[RepoRow]
    entries: int
    notices: list[str] = field(default_factory=list)
    requests: dict[str, Any] = field(default_factory=dict)
    reports: list[EntryReport] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        out = {"papers": self.entries, "papers with code": len({r.paper for r in self.rows if r.role == "primary"}),
               "repositories": len(self.rows)}
        for status in ("ok", "renamed", "dead", "blocked", "unchecked"):
            out[status] = sum(1 for r in self.rows if r.status == status)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "totals": self.totals(),
            "notices": list(self.notices),
            "requests": self.requests,
            "rows": [r.as_dict() for r in self.rows],
            "entries": [rep.as_dict() for rep in self.reports],
        }


def _paper(entry: Entry) -> str:
    if entry.key:
        return entry.key
    title = " ".join((entry.title or "(untitled)").split())
    return title if len(title) <= _TITLE_WIDTH else title[: _TITLE_WIDTH - 1].rstrip() + "…"


def repo_rows(entry: Entry, report: EntryReport) -> list[RepoRow]:
    """The table rows of one enriched entry (from its report's ``repos``)."""
    out: list[RepoRow] = []
    for r in report.repos:
        out.append(RepoRow(
            paper=_paper(entry), key=entry.key, title=entry.title, source=str(entry.origin) if entry.origin else None,
            repo=r["repo"], url=r["url"], role=r["role"], status=r["status"], stars=r.get("stars"),
            license=r.get("license"), pushed_at=r.get("pushed_at"), archived=r.get("archived"),
            old_name=r.get("old_name"), fork=r.get("fork"), description=r.get("description"),
            homepage=r.get("homepage"), topics=list(r.get("topics") or []), subpaths=list(r.get("subpaths") or []),
            evidence=r.get("evidence"), detail=r.get("detail"),
        ))
    return out


def sort_rows(rows: Iterable[RepoRow], by: str = "stars") -> list[RepoRow]:
    """Most stars (or latest push) first; unknown values last; ties keep input order."""
    if by not in SORTS:
        raise ValueError(f"unknown sort {by!r} (choose from {', '.join(SORTS)})")
    value: Callable[[RepoRow], Any] = (lambda r: r.stars) if by == "stars" else (lambda r: r.pushed_at or None)
    rows = list(rows)
    known = [r for r in rows if value(r) is not None]
    # sorted(reverse=True) is stable: equal keys keep their input order.  pushed_at is
    # GitHub's ISO-8601 UTC ("2024-06-01T12:00:00Z"), which sorts as time.
    return sorted(known, key=value, reverse=True) + [r for r in rows if value(r) is None]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_rows(rows: Sequence[RepoRow], fmt: str = "table") -> str:
    """The rows as a text table, CSV (every field) or JSON (a list of objects)."""
    if fmt == "json":
        return json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        fields = list(RepoRow.__dataclass_fields__)
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            d = r.as_dict()
            d["topics"] = ";".join(r.topics)
            d["subpaths"] = ";".join(r.subpaths)
            writer.writerow({k: "" if v is None else ("true" if v else "false") if isinstance(v, bool) else v
                             for k, v in d.items()})
        return buf.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    cells = []
    for r in rows:
        repo = r.repo + (f" (was {r.old_name})" if r.old_name else "")
        cells.append([r.paper, repo, r.role, r.status, _cell(r.stars), _cell(r.license),
                      (r.pushed_at or "")[:10] or "-", _cell(r.archived)])
    return table(cells, TABLE_COLUMNS)


def _add_text_links(entry: Entry) -> None:
    """Links from the abstract and the arXiv comment, when a reader did not already add them (idempotent)."""
    texts = [(entry.abstract, "abstract")]
    comment = entry.meta.get("comment") or entry.meta.get("arxiv_comment")
    if isinstance(comment, str):
        texts.append((comment, "arxiv-comment"))
    for text, source in texts:
        if not text:
            continue
        for link in extract_links(text, source):
            if link.kind is LinkKind.GITHUB:
                entry.add_link(link)


def look_up_repos(
    entries: Sequence[Entry],
    *,
    sort: str = "stars",
    settings: Settings | None = None,
    http: HttpLayer | None = None,
    offline: bool = False,
    refresh: bool = False,
    token: str | None = None,
    ttl: timedelta | float = DEFAULT_TTL,
    on_progress: Callable[[str, int], None] = lambda stage, n: None,
) -> ReposResult:
    """Resolve every GitHub link of ``entries`` and return the rows sorted by ``sort``.

    ``token`` overrides ``GITHUB_TOKEN`` when given (``""`` = anonymous).
    ``http`` reuses a caller's layer (its offline/refresh flags then apply).
    Reading the inputs is :func:`bibkit.app.list_repos` (``bibkit repos``).
    """
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r} (choose from {', '.join(SORTS)})")
    settings = settings or load_settings()
    for entry in entries:
        _add_text_links(entry)
    enricher = GitHubEnricher(ttl=ttl) if token is None else GitHubEnricher(token=token or None, ttl=ttl)
    own = http is None
    layer = http or HttpLayer(settings, offline=offline, refresh=refresh)
    try:
        ctx = EnrichContext(settings=settings, http=layer, only=frozenset({Service.GITHUB}), on_progress=on_progress)
        listed = list(entries)
        for entry in listed:
            ctx.start(entry)
        enricher.enrich(listed, ctx)
        reports = [ctx.report(e) for e in listed]
        rows = [row for e, rep in zip(listed, reports) for row in repo_rows(e, rep)]
        return ReposResult(sort_rows(rows, sort), len(listed), list(ctx.notices),
                           layer.stats.as_dict().get(Service.GITHUB, {}), reports)
    finally:
        if own:
            layer.close()
