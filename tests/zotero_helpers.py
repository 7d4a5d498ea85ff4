"""Shared set-up for the bridge's tests against the Zotero double (zotero_bridge.testing.FakeZotero)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibkit.config import Settings, load_settings
from bibkit.model import Entry, Identifiers, Link, LinkKind, PartialDate, Person

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hf-trending-papers.txt"

#: every Zotero release the bridge supports, by the double's shortcuts
VERSIONS = ["7", "8", "9", "10"]


def settings_for(z, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings pointing the bridge at the double (config dir isolated by tests/conftest.py)."""
    monkeypatch.setenv("BIBKIT_ZOTERO_URL", z.url)
    return load_settings()


def listing_entries() -> list[Entry]:
    """The example listing after ``convert``'s normalisation (citation keys assigned)."""
    from bibkit.normalize import normalise
    from bibkit.sources import read_path

    doc = read_path(str(EXAMPLE))
    normalise(doc)
    return doc.entries


def arxiv_paper(n: int, **kw) -> Entry:
    """An enriched arXiv preprint (as bibkit's arXiv enricher leaves it)."""
    e = Entry(entry_type="preprint", key=f"dai2024paper{n}", key_pinned=True, title=f"Mixture of Experts Paper {n}",
              authors=[Person(family="Dai", given="Damai"), Person(literal="DeepSeek-AI")],
              date=PartialDate(2024, 1, 1 + n % 28), ids=Identifiers(arxiv=f"2401.{n:05d}",
                                                                    doi=f"10.48550/arXiv.2401.{n:05d}"),
              primary_class="cs.CL", url=f"https://arxiv.org/abs/2401.{n:05d}", abstract=f"Abstract {n}.",
              tags=["moe"])
    for k, v in kw.items():
        setattr(e, k, v)
    return e


def with_repo(entry: Entry, name: str) -> Entry:
    entry.add_link(Link(LinkKind.GITHUB, f"https://github.com/{name}", target=name, role="primary"))
    return entry


def titles(z) -> list[str]:
    return sorted(i.get("title") or "" for i in z.items())
