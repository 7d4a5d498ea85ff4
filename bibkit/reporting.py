"""How results are shown: the per-entry JSON every report shares, and plain text tables.

One definition each, used by every stage and command that reports: tagging's
per-entry report, ``bibkit build``'s ``--report``, the ``repos`` table, the
``zotero-bridge`` plans.  It sits with the helpers, above the model and
below the stages, so a stage can report without importing the application
layer or the command line.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Sequence

from .model import Document, Entry, Link, Problem

__all__ = ["entry_summary", "json_default", "link_summary", "plain", "problem_summary", "skipped_summary", "table"]


def link_summary(link: Link) -> dict[str, Any]:
    """A link as the JSON report shows it."""
    out: dict[str, Any] = {"kind": link.kind.value, "url": link.url}
    if link.target:
        out["target"] = link.target
    if link.subpath:
        out["subpath"] = link.subpath
    if link.role:
        out["role"] = link.role
    if link.repo is not None:
        out["repo"] = {"full_name": link.repo.full_name, "status": link.repo.status}
    return out


def problem_summary(problem: Problem) -> dict[str, Any]:
    """A problem as the JSON report shows it."""
    return {
        "code": problem.code,
        "severity": str(problem.severity),
        "message": problem.message,
        "location": str(problem.location) if problem.location else None,
        "key": problem.key,
    }


def entry_summary(entry: Entry) -> dict[str, Any]:
    """Per-entry report fields every command shares: key, title, source, links, problems, and for an
    entry read from pasted text the reader that made it (with the shape it saw and its confidence)."""
    out: dict[str, Any] = {
        "key": entry.key,
        "title": entry.title,
        "source": str(entry.origin) if entry.origin else None,
        "links": [link_summary(link) for link in entry.links],
        "problems": [problem_summary(p) for p in entry.problems],
    }
    if entry.record.read_by is not None:
        out["reader"] = entry.record.read_by.as_dict()
    return out


def skipped_summary(doc: Document) -> list[dict[str, Any]]:
    """The lines of pasted inputs that became no paper, with where and why (``--report``'s ``skipped_lines``)."""
    return [{"location": str(s.location), "line": s.location.line, "text": s.text, "reason": str(s.reason)}
            for s in doc.skipped]


def plain(obj: Any) -> Any:
    """``obj`` as JSON-ready data: its ``as_dict()``, else its dataclass fields, else itself."""
    as_dict = getattr(obj, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    return obj


def json_default(obj: Any) -> Any:
    """``json.dumps(default=…)`` for report data: paths, result objects, sets."""
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    converted = plain(obj)
    return str(obj) if converted is obj else converted


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """A plain left-aligned text table (for ``--dry-run`` plans and listings)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
