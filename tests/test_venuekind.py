"""Journals named "Proceedings …" (PNAS, Proc. IEEE, the Royal Society's, PVLDB, PACM) are journals wherever a
venue is classified: a pasted reference, and an arXiv journal reference."""

from __future__ import annotations

import pytest

from bibkit.enrich.apply import venue_of
from bibkit.normalize.venuekind import is_proceedings_journal
from bibkit.sources.pages import read as read_pasted
from bibkit.sources.pages.base import venue_kind

JOURNALS = ["Proceedings of the IEEE", "Proc. IEEE", "Proc. Natl. Acad. Sci. USA",
            "Proceedings of the National Academy of Sciences", "Proc. R. Soc. A", "Proceedings of the Royal Society B",
            "Proc. VLDB Endow.", "Proceedings of the VLDB Endowment", "Proc. ACM Program. Lang.",
            "Proceedings of the ACM on Human-Computer Interaction", "Proc. Amer. Math. Soc.",
            "Proceedings of the American Mathematical Society"]
PROCEEDINGS = ["Proc. ICML", "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition",
               "Proceedings of the IEEE/CVF International Conference on Computer Vision",
               "Proceedings of the AAAI Conference on Artificial Intelligence", "Proceedings of Machine Learning Research",
               "Proceedings of the 2019 Conference of the North American Chapter", "Proc. ACM SIGMOD Conference",
               "Proceedings of the IEEE International Conference on Robotics and Automation"]


@pytest.mark.parametrize("venue", JOURNALS)
def test_journals_named_proceedings(venue: str) -> None:
    assert is_proceedings_journal(venue) and venue_kind(venue) == "journal"


@pytest.mark.parametrize("venue", PROCEEDINGS)
def test_proceedings_stay_proceedings(venue: str) -> None:
    assert not is_proceedings_journal(venue) and venue_kind(venue) == "booktitle"


def test_an_arxiv_journal_ref_in_pnas_is_an_article_and_a_pasted_reference_too() -> None:
    assert venue_of("Proc. Natl. Acad. Sci. 118, e2016239118 (2021)")["type"] == "article"
    assert venue_of("Proceedings of ICML 2021")["type"] == "inproceedings"
    doc = read_pasted("[1] A. Smith and B. Jones. Deep learning of protein folds. Proceedings of the National Academy "
                      "of Sciences, 118(15):e2016239118, 2021.\n", "refs.txt", only="references")
    (e,) = doc.entries
    assert e.entry_type == "article" and e.journal == "Proceedings of the National Academy of Sciences"
