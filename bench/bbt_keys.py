#!/usr/bin/env python3
"""Agreement with Better BibTeX: bibkit's keys for BBT's own export fixtures, against the keys BBT wrote.

    python bench/bbt_keys.py PATH/zotero-better-bibtex/test/fixtures/export [--all] [--show N]

Better BibTeX's repository keeps, for each export test, a fixture (``NAME.json``:
items in BBT JSON, with the preferences the test runs with) and the expected
output (``NAME.biblatex`` / ``NAME.bibtex``).  For every fixture whose formula
is BBT's default (no ``citekeyFormat`` preference; ``--all`` takes every
formula bibkit can parse), each item is converted the way bibkit reads a
Zotero item (:func:`zotero_bridge.mapping.item_to_entry`), keys are assigned
to the fixture's items together (so postfixes come out as in BBT), and each
key is compared with the key of the expected entry with the same title and
first creator.  Items whose key is pinned (a ``Citation Key:`` line in Extra)
are skipped: BBT does not generate those.

Prints ``agree/compared`` and the first ``--show`` disagreements.  The
fixtures are not shipped with bibkit; point the script at a checkout of
retorquere/zotero-better-bibtex.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bibkit.normalize.citekeys import DEFAULT_FORMULA, FormulaError, assign_keys, compile_formula  # noqa: E402
from bibkit.normalize.identity import comparable_title  # noqa: E402
from bibkit.sources.bibfile import read as read_bib  # noqa: E402
from zotero_bridge.mapping import item_to_entry  # noqa: E402

_PINNED = re.compile(r"^\s*(?:Citation Key|bibtex)\s*:", re.IGNORECASE | re.MULTILINE)


def _formula(config: dict) -> str | None:
    prefs = (config or {}).get("preferences") or {}
    formula = (prefs.get("citekeyFormat") or "").replace("\u200b", "").strip()
    return formula or None


def _expected(path: Path) -> dict[tuple[str, str], list[str]]:
    doc = read_bib(path.read_text(encoding="utf-8"), str(path))
    out: dict[tuple[str, str], list[str]] = {}
    for e in doc.entries:
        people = e.authors or e.editors
        who = (people[0].last if people else "").casefold()
        out.setdefault((comparable_title(e.title), who), []).append(e.key or "")
    return out


def compare(fixture: Path, expected_file: Path, *, any_formula: bool = False) -> list[tuple[str, str, str]]:
    """``[(title, bibkit's key, BBT's key)…]`` for the fixture's generated keys."""
    data = json.loads(fixture.read_text(encoding="utf-8"))
    formula = _formula(data.get("config") or {})
    if formula is not None and not any_formula:
        return []
    try:
        compile_formula(formula or DEFAULT_FORMULA)
    except FormulaError:
        return []
    items = [i for i in data.get("items") or [] if i.get("itemType") not in ("note", "attachment", "annotation")]
    pairs = []
    for item in items:
        extra = item.get("extra")
        item = dict(item, extra="\n".join(extra) if isinstance(extra, list) else (extra or ""))
        if _PINNED.search(item["extra"]):
            continue
        item.pop("citationKey", None)
        pairs.append((item, item_to_entry(item)))
    entries = [e for _, e in pairs]
    for e in entries:
        e.key, e.key_pinned = None, False
    assign_keys(entries, formula)
    expected = _expected(expected_file)
    rows = []
    for _item, e in pairs:
        people = e.authors or e.editors
        who = (people[0].last if people else "").casefold()
        keys = expected.get((comparable_title(e.title), who))
        if not keys:
            continue
        want = e.key if e.key in keys else keys[0]
        if e.key in keys:
            keys.remove(e.key)
        else:
            keys.pop(0)
        rows.append((e.title or "", e.key or "", want))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fixtures", help="BBT's test/fixtures/export directory (or one NAME.json)")
    ap.add_argument("--all", action="store_true", help="also fixtures with their own citekeyFormat")
    ap.add_argument("--show", type=int, default=20, help="disagreements to print (default 20)")
    args = ap.parse_args(argv)
    root = Path(args.fixtures)
    fixtures = [root] if root.is_file() else sorted(root.glob("*.json"))
    agree = total = 0
    wrong: list[tuple[str, str, str, str]] = []
    for fixture in fixtures:
        expected = next((fixture.with_suffix(s) for s in (".biblatex", ".bibtex") if fixture.with_suffix(s).exists()),
                        None)
        if expected is None:
            continue
        try:
            rows = compare(fixture, expected, any_formula=args.all)
        except (ValueError, KeyError) as exc:
            print(f"skipped {fixture.name}: {exc}", file=sys.stderr)
            continue
        for title, mine, theirs in rows:
            total += 1
            if mine == theirs:
                agree += 1
            else:
                wrong.append((fixture.stem, title, mine, theirs))
    print(f"bibkit agrees with Better BibTeX on {agree}/{total} keys ({100 * agree / max(total, 1):.0f} %)")
    for stem, title, mine, theirs in wrong[: args.show]:
        print(f"  {stem[:40]:40}  {title[:40]:40}  bibkit {mine:35} BBT {theirs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
