"""What every command shares: progress bars, the end-of-run summary, JSON reports, I/O options.

Output discipline: data goes to stdout (or ``-o FILE``); progress, summaries
and errors go to stderr, so ``bibkit convert x.txt > refs.bib`` stays clean.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from ..fileio import atomic_write_text


def add_report_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report", metavar="FILE.json", help="write a machine-readable JSON report of the run")


def add_strict_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--strict", action="store_true", help=f"exit non-zero when {what}")


def write_report(path: str | None, data: Any) -> None:
    """Write a JSON report atomically (``-`` = stdout); no-op when ``path`` is None."""
    if not path:
        return
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "as_dict"):
        return obj.as_dict()
    if hasattr(obj, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    return str(obj)


def progress_enabled(args: argparse.Namespace) -> bool:
    return not getattr(args, "quiet", False) and sys.stderr.isatty()


@contextmanager
def progress(args: argparse.Namespace, total: int | None, desc: str, unit: str = "entry") -> Iterator[Any]:
    """A tqdm bar on stderr when it is a terminal (and not ``--quiet``); otherwise a silent stand-in.

    Yields an object with ``update(n)``, ``set_postfix_str(text)`` and ``total``.
    """
    if progress_enabled(args):
        from tqdm import tqdm

        bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)
        try:
            yield bar
        finally:
            bar.close()
    else:
        yield _NullBar(total)


class _NullBar:
    def __init__(self, total: int | None):
        self.total = total
        self.n = 0

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        pass

    def set_description_str(self, text: str, refresh: bool = True) -> None:
        pass

    def refresh(self) -> None:
        pass


def print_summary(args: argparse.Namespace, title: str, rows: Sequence[tuple[str, Any]], notes: Iterable[str] = ()) -> None:
    """A one-screen summary on stderr: aligned ``label  value`` rows, then notes (at most 15 shown)."""
    if getattr(args, "quiet", False):
        return
    out = sys.stderr
    print(title, file=out)
    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}", file=out)
    notes = list(notes)
    for note in notes[:15]:
        print(f"  - {note}", file=out)
    if len(notes) > 15:
        print(f"  … and {len(notes) - 15} more (see --report)", file=out)


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """A plain left-aligned text table (for ``--dry-run`` plans and listings)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


FORMATS_IN = ("listing", "ids", "bib", "hf-json")
FORMATS_OUT = ("bibtex", "biblatex", "csl-json")


def add_io_options(parser: argparse.ArgumentParser) -> None:
    """Inputs and output options shared by convert, enrich and build."""
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files to read ('-' = stdin): pasted listings, identifier lists, .bib, HF papers JSON")
    parser.add_argument("-o", "--output", metavar="OUT", help="output file ('-' or omitted = stdout); written atomically, an input is backed up before being overwritten")
    parser.add_argument("--from", dest="fmt", choices=FORMATS_IN, help="force the input format instead of detecting it")
    parser.add_argument("--to", choices=FORMATS_OUT, default="bibtex", help="output format (default: bibtex)")
    parser.add_argument("--ascii", action="store_true", help="convert non-ASCII characters to LaTeX macros (for classic BibTeX)")
    parser.add_argument("--code-note", action="store_true", help="add a note 'Code: \\url{...}' for the paper's own GitHub repository")
    parser.add_argument("--key-format", metavar="FORMULA", help="citation key formula (default: auth.lower + shorttitle(3,3) + year)")
    parser.add_argument("--no-dedupe", dest="dedupe", action="store_false", help="keep duplicate records instead of merging them")
    parser.add_argument("--merge-duplicates", action="store_true",
                        help="also merge entries of .bib files that look like one work but differ (edition, volume, "
                             "pages, type…); by default they are only reported as likely duplicates")
    add_report_option(parser)


def accept_global_flags_after_command(sub: argparse._SubParsersAction) -> None:
    """Let ``-q``/``-v`` follow the command name too (``bibkit build -q …``), as users type them."""
    for command in sub.choices.values():
        command.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        command.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def run_main(parser: argparse.ArgumentParser, argv: Sequence[str] | None, prog: str) -> int:
    """Parse, set up logging, run ``args.func`` and turn every way it can end into an exit code.

    Shared by ``bibkit`` and ``zotero-bridge`` so both report errors, interrupts
    and bad configuration the same way (one line on stderr, a documented code).
    """
    import logging

    from ..config import ConfigError
    from ..errors import BibkitError, ExitCode

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING - 10 * min(args.verbose, 2),
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if args.verbose < 2:
        logging.getLogger("urllib3").setLevel(logging.WARNING)
    try:
        return int(args.func(args) or 0)
    except BibkitError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ConfigError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
