"""``bibkit pick``: decide which arXiv paper an entry is (or that it is not on arXiv) — :func:`bibkit.app.pick`."""

from __future__ import annotations

import argparse

from ..app import pick
from ..errors import ExitCode
from .common import print_summary, write_report


def register(p: argparse.ArgumentParser) -> None:
    p.description = ("Record which arXiv paper the entry KEY is, for good: every later build resolves it to that "
                     "paper and never to another; 'none' marks it as not on arXiv (never looked up again), 'clear' "
                     "forgets the decision. Kept in the bibliography's lock file; the next build applies it. "
                     "Example: bibkit pick caiSurveyMixtureExperts2024 2407.06204 --bib refs.bib")
    p.add_argument("key", metavar="KEY", help="the entry's citation key (an old key it is still known by works "
                                              "too), e.g. caiSurveyMixtureExperts2024")
    p.add_argument("choice", metavar="ARXIV_ID", help="an arXiv ID or URL (e.g. 2407.06204, arXiv:2407.06204v2), "
                                                       "'none' (not on arXiv) or 'clear'")
    p.add_argument("--bib", metavar="FILE.bib", help="the bibliography bibkit wrote (default: the one *.bib here "
                                                     "with a .lock.json beside it); e.g. --bib refs.bib")
    p.add_argument("--report", metavar="FILE.json", help="write what was recorded as JSON, e.g. --report pick.json")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = pick(args.key, args.choice, args.bib)
    write_report(args.report, result.as_dict())
    d = result.decision
    if d is None:
        what = "no decision (bibkit resolves it again)"
    elif d.not_on_arxiv:
        what = "not on arXiv (never looked up)"
    else:
        what = f"arXiv:{d.arxiv}"
    notes = []
    if d is not None and d.arxiv and result.current_arxiv and result.current_arxiv != d.arxiv:
        notes.append(f"the bibliography says eprint {result.current_arxiv} now; rebuild to apply your pick")
    elif d is not None:
        notes.append("rebuild (bibkit build … -o the same file) to apply it")
    print_summary(args, "bibkit pick", [("entry", result.key), ("decided", what), ("recorded in", result.lock)],
                  notes)
    return ExitCode.OK
