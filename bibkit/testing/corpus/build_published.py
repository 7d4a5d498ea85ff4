"""Rebuild ``published.json`` — the SYNTHETIC published versions behind the Crossref, Semantic Scholar,
DBLP and OpenAlex doubles — from the table below and ``papers.json``.

Run from the repository root::

    python -m bibkit.testing.corpus.build_published

Everything here is invented.  Venues were chosen to be plausible for the
listing's papers (about a third of them get a published version: EMNLP, ICLR,
NAACL Findings, ECCV, npj Computational Materials, Nature family, TMLR…), but
DOIs (other than the five the arXiv corpus already names), pages, volumes,
months and record keys are made up, and the authors are the corpus' invented
authors.  The point is to reproduce the *phenomena* a published-version lookup
meets, each as a named trap:

* ``s2-arxiv-doi``: Semantic Scholar's record lists arXiv's own DOI as its DOI;
* ``s2-corr-dblp``: Semantic Scholar's DBLP id is the CoRR copy (every record);
* ``dblp-corr-only``: DBLP has only the CoRR copy although Semantic Scholar
  names a venue (nothing confirms the venue's year: no upgrade);
* ``search-top-hit-other``: Crossref's top search hit is another paper
  (the filler works and the same-title, same-author decoys' publications);
* ``workshop-and-main``: a workshop version next to the main-conference one;
* ``renamed``: published under a changed title (with a DOI and relations; and
  without a DOI, found through Semantic Scholar's title on DBLP);
* ``published-before``: a record from before the preprint (refused);
* ``book``: a book with the paper's title (not a paper version: refused);
* ``same-title-decoy``: a same-title, same-author paper's publication (told
  apart by its abstract).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

ACL = "Association for Computational Linguistics"
SPRINGER = "Springer Nature Switzerland"

# --------------------------------------------------------------------------- the table
# kind: Crossref type ("journal-article", "proceedings-article", "book-chapter", "book", "monograph")
# s2:   "doi" (S2 names the DOI and the venue) | "venue" (venue, no DOI) | None (preprint only) | "missing" (null)
# dblp: (venue, type-letter) — "c" conference, "j" journal, "w" workshop — or None (not in DBLP)
PUBLICATIONS: list[dict[str, Any]] = [
    # ---- DOIs the arXiv records name themselves (journal_ref/doi in papers.json)
    {"arxiv": "2311.18013", "kind": "journal-article", "container": "Natural Language Engineering",
     "short": "Nat. Lang. Eng.", "year": 2024, "month": 9, "doi": "10.1017/S1351324923000542", "volume": "30",
     "issue": "5", "pages": "887-914", "publisher": "Cambridge University Press (CUP)", "s2": "doi",
     "s2_venue": ("Natural Language Engineering", "journal"), "dblp": ("Nat. Lang. Eng.", "j"), "relation": True},
    {"arxiv": "2407.10530", "kind": "journal-article", "container": "Nature Communications", "short": "Nat Commun",
     "year": 2025, "month": 2, "doi": "10.1038/s41467-025-01234-x", "volume": "16", "issue": "1", "pages": "1234",
     "publisher": "Springer Science and Business Media LLC", "s2": None, "dblp": None},
    {"arxiv": "2403.10450", "kind": "proceedings-article",
     "container": "2022 ACM Conference on Fairness, Accountability, and Transparency", "year": 2022, "month": 6,
     "doi": "10.1145/3531146.3533108", "pages": "427-439", "publisher": "ACM",
     "event": "FAccT '22: 2022 ACM Conference on Fairness, Accountability, and Transparency", "s2": "doi",
     "s2_venue": ("Conference on Fairness, Accountability and Transparency", "conference"), "dblp": ("FAccT", "c"),
     "trap": "published-before (named by the arXiv record itself: accepted)"},
    {"arxiv": "2407.17930", "kind": "journal-article", "container": "Nature Medicine", "short": "Nat Med",
     "year": 2025, "month": 3, "doi": "10.1038/s41591-025-00042-7", "volume": "31", "issue": "3",
     "pages": "800-812", "publisher": "Springer Science and Business Media LLC", "s2": "doi",
     "s2_venue": ("Nature Medicine", "journal"), "dblp": None},
    {"arxiv": "2309.07733", "kind": "proceedings-article",
     "container": "Findings of the Association for Computational Linguistics: NAACL 2025", "year": 2025, "month": 4,
     "doi": "10.18653/v1/2025.findings-naacl.418", "pages": "7488-7511", "publisher": ACL,
     "event": "Findings of the Association for Computational Linguistics: NAACL 2025", "s2": "doi",
     "s2_venue": ("North American Chapter of the Association for Computational Linguistics", "conference"),
     "dblp": ("NAACL (Findings)", "c")},
    # ---- conference papers with DOIs, linked by Semantic Scholar
    {"arxiv": "2402.03660", "kind": "proceedings-article",
     "container": "Proceedings of the 62nd Annual Meeting of the Association for Computational Linguistics "
                  "(Volume 1: Long Papers)", "year": 2024, "month": 8, "doi": "10.18653/v1/2024.acl-long.840",
     "pages": "15725-15788", "publisher": ACL, "s2": "doi",
     "s2_venue": ("Annual Meeting of the Association for Computational Linguistics", "conference"),
     "dblp": ("ACL (1)", "c"), "relation": True},
    {"arxiv": "2401.15835", "kind": "proceedings-article",
     "container": "Proceedings of the 62nd Annual Meeting of the Association for Computational Linguistics "
                  "(Volume 1: Long Papers)", "year": 2024, "month": 8, "doi": "10.18653/v1/2024.acl-long.70",
     "pages": "1280-1297", "publisher": ACL, "s2": "doi",
     "s2_venue": ("Annual Meeting of the Association for Computational Linguistics", "conference"),
     "dblp": ("ACL (1)", "c")},
    {"arxiv": "2303.07820", "kind": "proceedings-article",
     "container": "Proceedings of the 62nd Annual Meeting of the Association for Computational Linguistics "
                  "(Volume 1: Long Papers)", "year": 2024, "month": 8, "doi": "10.18653/v1/2024.acl-long.696",
     "pages": "12883-12895", "publisher": ACL, "s2": "doi",
     "s2_venue": ("Annual Meeting of the Association for Computational Linguistics", "conference"),
     "dblp": ("ACL (1)", "c")},
    {"arxiv": "2407.17476", "kind": "proceedings-article",
     "container": "Proceedings of the 62nd Annual Meeting of the Association for Computational Linguistics "
                  "(Volume 1: Long Papers)", "year": 2024, "month": 8, "doi": "10.18653/v1/2024.acl-long.842",
     "pages": "15336-15348", "publisher": ACL, "s2": "doi",
     "s2_venue": ("Annual Meeting of the Association for Computational Linguistics", "conference"),
     "dblp": ("ACL (1)", "c")},
    {"arxiv": "2402.13357", "kind": "proceedings-article",
     "container": "Proceedings of the 2024 Conference on Empirical Methods in Natural Language Processing",
     "year": 2024, "month": 11, "doi": "10.18653/v1/2024.emnlp-main.702", "pages": "12622-12645", "publisher": ACL,
     "s2": "doi", "s2_venue": ("Conference on Empirical Methods in Natural Language Processing", "conference"),
     "dblp": ("EMNLP", "c")},
    {"arxiv": "2410.14595", "kind": "proceedings-article",
     "container": "Proceedings of the 2024 Conference on Empirical Methods in Natural Language Processing",
     "year": 2024, "month": 11, "doi": "10.18653/v1/2024.emnlp-main.677", "pages": "12143-12170", "publisher": ACL,
     "title": "Are We Making Progress? Adapting Large Language and Vision-Language Models to Medicine",
     "s2": "doi", "s2_venue": ("Conference on Empirical Methods in Natural Language Processing", "conference"),
     "dblp": ("EMNLP", "c"), "relation": True, "trap": "renamed (DOI: Semantic Scholar and the publisher's relation)"},
    {"arxiv": "2409.00465", "kind": "proceedings-article",
     "container": "Findings of the Association for Computational Linguistics: ACL 2024", "year": 2024, "month": 8,
     "doi": "10.18653/v1/2024.findings-acl.33", "pages": "599-621", "publisher": ACL, "s2": "doi",
     "s2_venue": ("Annual Meeting of the Association for Computational Linguistics", "conference"),
     "dblp": ("ACL (Findings)", "c")},
    {"arxiv": "2307.16745", "kind": "proceedings-article",
     "container": "Findings of the Association for Computational Linguistics: ACL 2024", "year": 2024, "month": 8,
     "doi": "10.18653/v1/2024.findings-acl.322", "pages": "5419-5437", "publisher": ACL, "s2": None,
     "dblp": ("ACL (Findings)", "c"), "relation": True, "trap": "found only through the publisher's relation"},
    {"arxiv": "2406.19378", "kind": "proceedings-article",
     "container": "Findings of the Association for Computational Linguistics: EMNLP 2024", "year": 2024, "month": 11,
     "doi": "10.18653/v1/2024.findings-emnlp.361", "pages": "6223-6235", "publisher": ACL, "s2": None,
     "dblp": ("EMNLP (Findings)", "c"), "trap": "found by Crossref search"},
    # ---- Springer proceedings (book chapters in LNCS)
    {"arxiv": "2302.03904", "kind": "book-chapter", "container": "Computer Vision – ECCV 2024",
     "series": "Lecture Notes in Computer Science", "year": 2024, "month": 10, "doi": "10.1007/978-3-031-72624-8_23",
     "volume": "15084", "pages": "397-421", "publisher": SPRINGER, "event": "European Conference on Computer Vision",
     "s2": "doi", "s2_venue": ("European Conference on Computer Vision", "conference"), "dblp": ("ECCV (59)", "c")},
    {"arxiv": "2402.19775", "kind": "book-chapter", "container": "Computer Vision – ECCV 2024",
     "series": "Lecture Notes in Computer Science", "year": 2024, "month": 11, "doi": "10.1007/978-3-031-72698-9_16",
     "volume": "15087", "pages": "269-285", "publisher": SPRINGER, "event": "European Conference on Computer Vision",
     "s2": None, "dblp": ("ECCV (62)", "c"), "trap": "found by Crossref search"},
    # ---- venues without DOIs: Semantic Scholar names them, DBLP confirms
    {"arxiv": "2402.13634", "kind": None, "container": "ICLR", "year": 2024,
     "title": "Knowledge Card: Filling LLMs' Knowledge Gaps with Plug-in Specialized Language Models",
     "s2": "venue", "s2_title": "published", "s2_venue": ("International Conference on Learning Representations",
                                                          "conference"),
     "dblp": ("ICLR", "c"), "trap": "renamed (no DOI: Semantic Scholar's title found on DBLP)"},
    {"arxiv": "2409.03513", "kind": None, "container": "ICLR", "year": 2025, "s2": "venue",
     "s2_venue": ("International Conference on Learning Representations", "conference"), "dblp": ("ICLR", "c")},
    {"arxiv": "2311.05323", "kind": None, "container": "ICLR", "year": 2025, "s2": "venue",
     "s2_venue": ("International Conference on Learning Representations", "conference"), "dblp": ("ICLR", "c")},
    {"arxiv": "2302.10002", "kind": None, "container": "ICLR", "year": 2025, "s2": "venue",
     "s2_venue": ("International Conference on Learning Representations", "conference"), "dblp": ("ICLR", "c")},
    {"arxiv": "2402.10046", "kind": None, "container": "NeurIPS", "year": 2024, "s2": "venue",
     "s2_venue": ("Neural Information Processing Systems", "conference"), "dblp": ("NeurIPS", "c"),
     "volume": "37"},
    {"arxiv": "2201.16753", "kind": None, "container": "ICML", "year": 2022, "s2": "venue",
     "s2_venue": ("International Conference on Machine Learning", "conference"), "dblp": ("ICML", "c"),
     "pages": "18332-18346", "volume": "162"},
    {"arxiv": "2402.12668", "kind": None, "container": "ICML", "year": 2024, "s2": "venue",
     "s2_venue": ("International Conference on Machine Learning", "conference"), "dblp": ("ICML", "c"),
     "pages": "55625-55655", "volume": "235"},
    {"arxiv": "2301.00583", "kind": None, "container": "ICML", "year": 2023, "s2": "venue",
     "s2_venue": ("International Conference on Machine Learning", "conference"), "dblp": ("ICML", "c"),
     "pages": "10421-10430", "volume": "202"},
    {"arxiv": "2302.05590", "kind": None, "container": "CHIL", "year": 2023, "s2": "venue",
     "s2_venue": ("ACM Conference on Health, Inference, and Learning", "conference"), "dblp": ("CHIL", "c"),
     "pages": "578-597", "volume": "209", "trap": "same-title-decoy (the decoy has a publication too)"},
    {"arxiv": "2206.00484", "kind": None, "container": "Trans. Mach. Learn. Res.", "year": 2023, "s2": "venue",
     "s2_venue": ("Trans. Mach. Learn. Res.", "journal"), "dblp": ("Trans. Mach. Learn. Res.", "j"), "volume": "2023"},
    {"arxiv": "2306.09307", "kind": None, "container": "ICLR", "year": 2023, "s2": "venue",
     "s2_venue": ("Sparsity in Neural Networks Workshop", "conference"), "dblp": ("ICLR", "c"),
     "trap": "workshop-and-main (S2 names the workshop; DBLP has both)"},
    {"arxiv": "2503.09211", "kind": None, "container": "CVPR", "year": 2025, "s2": "venue",
     "s2_venue": ("Computer Vision and Pattern Recognition", "conference"), "dblp": ("CVPR", "c"),
     "pages": "14788-14798"},
    # ---- journals with DOIs, found only by Crossref search (Semantic Scholar knows the preprint only)
    {"arxiv": "2305.05819", "kind": "journal-article", "container": "npj Computational Materials",
     "short": "npj Comput Mater", "year": 2025, "month": 4, "doi": "10.1038/s41524-025-01564-y", "volume": "11",
     "issue": "1", "pages": "84", "publisher": "Springer Science and Business Media LLC", "s2": "missing",
     "dblp": None, "trap": "Semantic Scholar does not know the paper"},
    {"arxiv": "2407.18225", "kind": "journal-article", "container": "IEEE Transactions on Knowledge and Data Engineering",
     "short": "IEEE Trans. Knowl. Data Eng.", "year": 2025, "month": 6, "doi": "10.1109/TKDE.2025.3554028",
     "volume": "37", "issue": "7", "pages": "3896-3915", "publisher": "Institute of Electrical and Electronics Engineers (IEEE)",
     "s2": None, "dblp": ("IEEE Trans. Knowl. Data Eng.", "j")},
    {"arxiv": "2304.09160", "kind": "journal-article", "container": "ACM Computing Surveys", "short": "ACM Comput. Surv.",
     "year": 2024, "month": 12, "doi": "10.1145/3704435", "volume": "57", "issue": "4", "pages": "1-40",
     "publisher": "Association for Computing Machinery (ACM)", "s2": None, "dblp": ("ACM Comput. Surv.", "j"),
     "trap": "same-title-decoy (the decoy has a publication too)"},
    {"arxiv": "2306.13045", "kind": "proceedings-article",
     "container": "2023 IEEE/ACM 45th International Conference on Software Engineering (ICSE)", "year": 2023,
     "month": 5, "doi": "10.1109/ICSE48619.2023.00206", "pages": "2463-2475", "publisher": "IEEE", "s2": None,
     "dblp": ("ICSE", "c")},
]

#: traps that are not publications of a listing paper
TRAPS: list[dict[str, Any]] = [
    # a workshop version of 2306.09307 (DBLP and Crossref), next to its ICLR 2023 main-conference paper
    {"arxiv": "2306.09307", "kind": "proceedings-article", "container": "Sparsity in Neural Networks Workshop 2023",
     "year": 2023, "month": 7, "doi": "10.52591/snn2023.17", "pages": "1-12", "publisher": "SNN Workshop",
     "dblp": ("SNN@ICLR", "w"), "s2": None, "trap": "workshop-and-main: the workshop version"},
    # 2311.15467 was "published" in 2022 per these records, before its 2023 preprint: refused
    {"arxiv": "2311.15467", "kind": None, "container": "ICLR", "year": 2022, "s2": "venue",
     "s2_venue": ("International Conference on Learning Representations", "conference"), "dblp": ("ICLR", "c"),
     "trap": "published-before"},
    # 2412.13723: Semantic Scholar claims ICLR, DBLP has only the CoRR copy: nothing confirms it
    {"arxiv": "2412.13723", "kind": None, "container": None, "year": None, "s2": "venue",
     "s2_venue": ("International Conference on Learning Representations", "conference"), "dblp": None,
     "trap": "dblp-corr-only"},
    # a book sharing a listing paper's title
    {"arxiv": "2503.14293", "kind": "monograph", "container": None, "year": 2023, "month": 5,
     "doi": "10.1007/978-3-031-23190-2", "publisher": "Springer International Publishing",
     "title": "Foundation Models for Natural Language Processing", "s2": None, "dblp": None, "trap": "book"},
    # the same-title, same-author decoys' own publications (different abstracts)
    {"arxiv": "2502.09160", "kind": "journal-article", "container": "Frontiers of Computer Science",
     "year": 2025, "month": 8, "doi": "10.1007/s11704-025-40123-4", "volume": "19", "issue": "8", "pages": "198337",
     "publisher": "Springer Science and Business Media LLC", "s2": "doi",
     "s2_venue": ("Frontiers of Computer Science", "journal"), "dblp": None, "trap": "same-title-decoy"},
    {"arxiv": "2501.05590", "kind": "journal-article", "container": "Journal of Biomedical Informatics",
     "year": 2025, "month": 4, "doi": "10.1016/j.jbi.2025.104801", "volume": "164", "pages": "104801",
     "publisher": "Elsevier BV", "s2": "doi", "s2_venue": ("Journal of Biomedical Informatics", "journal"),
     "dblp": None, "trap": "same-title-decoy"},
]

#: preprint-only papers whose Semantic Scholar record lists arXiv's DOI as "the" DOI (trap: s2-arxiv-doi)
S2_ARXIV_DOI = ["2412.09637", "2312.08780", "2308.16915", "2405.15897", "2404.14449", "2401.06829"]
#: papers Semantic Scholar does not know (null in a batch)
S2_MISSING = ["2305.05819", "2412.19700", "2503.17300"]

#: unrelated Crossref works that share words with the listing's titles (Crossref's search ranks them)
FILLER = [
    ("Mixture of experts: a literature survey", "Artificial Intelligence Review", 2014, ["Saeed Masoudnia", "Reza Ebrahimpour"]),
    ("Large language models in medicine", "Nature Medicine", 2023, ["Arun James Thirunavukarasu", "Darren Shu Jeng Ting"]),
    ("Instruction tuning for large language models: A survey", "ACM Computing Surveys", 2025, ["Shengyu Zhang", "Linfeng Dong"]),
    ("A survey of large language models for code", "ACM Transactions on Software Engineering and Methodology", 2024,
     ["Xinyi Hou", "Yanjie Zhao"]),
    ("Foundation models for generalist medical artificial intelligence", "Nature", 2023, ["Michael Moor", "Oishi Banerjee"]),
    ("Tool learning in the wild", "Proceedings of the ACM Web Conference 2024", 2024, ["Renxi Wang", "Xudong Han"]),
    ("Model merging in LLMs, MLLMs, and beyond: methods, theories, applications", "ACM Computing Surveys", 2025,
     ["Enneng Yang", "Li Shen"]),
    ("Sparse mixture of experts language models: efficiency and routing", "Transactions of the Association for "
     "Computational Linguistics", 2024, ["Ana Pereira", "Tom Becker"]),
    ("Clinical natural language processing with transformers", "Journal of the American Medical Informatics "
     "Association", 2022, ["Yanshan Wang", "Hongfang Liu"]),
    ("Evaluating large language models on research idea generation", "Proceedings of the 2024 Conference on "
     "Empirical Methods in Natural Language Processing", 2024, ["Ravi Kumar", "Ines Duarte"]),
]


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16)


def _dblp_key(arxiv_id: str, venue: str, kind: str, year: int) -> str:
    stem = venue.split(" ")[0].split("@")[-1].lower().replace(".", "")
    tag = f"{stem}{year % 100:02d}{'w' if kind == 'w' else ''}-{_h(arxiv_id + venue) % 9000 + 1000}"
    return f"{'journals' if kind == 'j' else 'conf'}/{stem}/{tag}"


def build() -> dict[str, Any]:
    papers = {p["id"]: p for p in json.loads((HERE / "papers.json").read_text(encoding="utf-8"))["papers"]}
    pubs = []
    for spec in PUBLICATIONS + TRAPS:
        paper = papers[spec["arxiv"]]
        latest = paper["versions"][-1]
        arxiv_year = int(paper["versions"][0]["date"][:4])
        year = spec.get("year")
        if spec in PUBLICATIONS and "published-before" not in spec.get("trap", ""):
            assert year and year >= arxiv_year, (spec["arxiv"], year, arxiv_year)
        pub = {
            "arxiv": spec["arxiv"],
            "expect_upgrade": spec in PUBLICATIONS,  # the listing paper must be upgraded to this one
            "type": spec.get("kind"),
            "title": spec.get("title") or latest["title"],
            "authors": spec.get("authors") or [a["name"] for a in paper["authors"]],
            "abstract": latest["abstract"] if spec.get("kind") not in ("monograph", "book") else
            "This book introduces foundation models and their use across media.",
            "year": year, "month": spec.get("month"),
            "container": spec.get("container"), "short_container": spec.get("short"),
            "series": spec.get("series"), "event": spec.get("event"),
            "volume": spec.get("volume"), "issue": spec.get("issue"), "pages": spec.get("pages"),
            "publisher": spec.get("publisher"), "doi": spec.get("doi"),
            "relation": bool(spec.get("relation")),
            "s2": spec.get("s2"), "s2_venue": list(spec["s2_venue"]) if spec.get("s2_venue") else None,
            "s2_title": spec.get("s2_title"),
            "trap": spec.get("trap"),
        }
        if spec.get("dblp") and year:
            venue, kind = spec["dblp"]
            pub["dblp"] = {"venue": venue, "key": _dblp_key(spec["arxiv"], venue, kind, year),
                           "type": {"c": "Conference and Workshop Papers", "w": "Conference and Workshop Papers",
                                    "j": "Journal Articles"}[kind]}
        else:
            pub["dblp"] = None
        pubs.append(pub)
    filler = []
    for k, (title, container, year, authors) in enumerate(FILLER):
        filler.append({"title": title, "container": container, "year": year, "authors": authors,
                       "doi": f"10.9999/filler.{k + 1:03d}", "type": "journal-article" if "Proceedings" not in container
                       else "proceedings-article", "volume": str(10 + k), "pages": f"{100 + k}-{120 + k}",
                       "publisher": "Filler Press", "abstract": f"An unrelated study titled {title.lower()}."})
    return {
        "_synthetic": "SYNTHETIC published versions for bibkit's Crossref, Semantic Scholar, DBLP and OpenAlex "
                      "doubles: venues, DOIs (except the five papers.json names), pages, volumes and keys are "
                      "invented; see build_published.py and README.md.",
        "publications": pubs,
        "s2_arxiv_doi": S2_ARXIV_DOI,
        "s2_missing": S2_MISSING,
        "filler": filler,
    }


def main(argv: list[str]) -> int:
    data = build()
    out = HERE / "published.json"
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(data['publications'])} publications, {len(data['filler'])} filler works")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
