"""Fuzzing the .bib round trip (issue #10): a fixed seed, a few hundred files built from real-format
pieces, some mutated the ways files break.  For every file, ``convert`` (read → normalise → write,
with and without duplicate merging) must not raise, must keep every intact entry with its fields,
must write no NUL byte and no field twice, and must be a fixpoint after one pass.  ``bench/fuzz.py``
runs thousands of cases, with TeX Live's bibliographies as pieces too.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bibfuzz import SNIPPETS, check, make_case, pieces_of

DATA = Path(__file__).parent / "data"
SEED = 20260616
CASES = 300


def _pieces() -> list[str]:
    texts = list(SNIPPETS)
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted((DATA / "bib").rglob("*.bib"))]
    return pieces_of(texts)


PIECES = _pieces()


@pytest.mark.parametrize("chunk", range(6))
def test_fuzzed_files_convert_without_loss_and_settle_after_one_pass(chunk: int) -> None:
    failures = []
    for i in range(chunk * CASES // 6, (chunk + 1) * CASES // 6):
        seed = SEED + i
        case = make_case(random.Random(seed), PIECES, seed=seed, mutation_rate=0.3)
        failure = check(case)
        if failure is not None:
            failures.append(str(failure))
    assert not failures, "\n\n".join(failures[:3])


def test_the_harness_catches_what_it_should() -> None:
    # a case whose intact entry disappears is reported (the check is not vacuous)
    case = make_case(random.Random(1), ["@misc{kept,\n  title = {T},\n}\n"], size=(1, 1), mutation_rate=0.0)
    assert "kept-f0" in case.intact and check(case) is None
    case.intact["ghost"] = [("title", "{G}")]
    failure = check(case)
    assert failure is not None and "ghost" in failure.detail
