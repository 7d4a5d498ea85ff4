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


def three_papers(first_tags: list[str] | None = None) -> list[Entry]:
    """Two arXiv preprints (the first with its code repository) and one published article with a journal DOI."""
    first = arxiv_paper(1) if first_tags is None else arxiv_paper(1, tags=list(first_tags))
    published = arxiv_paper(3, entry_type="article", journal="Nature", volume="600", pages="1--10")
    published.ids.doi = "10.1038/xyz"
    return [with_repo(first, "deepseek-ai/DeepSeek-MoE"), arxiv_paper(2), published]


def titles(z) -> list[str]:
    return sorted(i.get("title") or "" for i in z.items())


@pytest.fixture
def fake_zotero(monkeypatch: pytest.MonkeyPatch):
    """Start Zotero doubles for one test: ``fake_zotero(version, collections=(...), **options)``.

    Returns ``(double, settings)`` with the settings pointing the bridge at the
    double; ``collections`` are created first (as the user would: Zotero 7–9
    cannot create them from outside).  Every double is closed after the test.
    Test modules use it by importing it from here.
    """
    from zotero_bridge.testing import FakeZotero

    started: list = []

    def start(version: str = "10", *, collections: tuple[str, ...] | list[str] = (), **options):
        z = FakeZotero(version=version, **options).start()
        started.append(z)
        for path in collections:
            z.add_collection(path)
        return z, settings_for(z, monkeypatch)

    yield start
    for z in started:
        z.close()
