"""The ``zotero-bridge`` command: each sub-command is a thin layer over one function of :mod:`bibkit.app`.

* ``sync INPUT... --collection PATH`` → :func:`bibkit.app.sync` (the same read → normalise → tag path as
  ``bibkit build``, then :func:`zotero_bridge.sync`)
* ``sync INPUT --collection-per-tag PARENT`` → :func:`bibkit.app.sync` with a per-tag target
* ``tag --collection PATH --rules RULES.toml`` → :func:`bibkit.app.tag_zotero_collection`
* ``export --collection PATH -o OUT.bib`` → :func:`bibkit.app.export_zotero_collection`
* ``collections`` → :func:`bibkit.app.zotero_collections`
* ``status`` → :func:`bibkit.app.zotero_status`
* ``fake-server`` → :func:`zotero_bridge.testing.serve` (a Zotero double to try things by hand)

This module is part of the command-line layer (with :mod:`bibkit.cli`), not
of the bridge: the bridge never imports it, and it talks to the bridge only
through the application layer.  It lives here so the console script
``zotero-bridge = zotero_bridge.cli:main`` and ``python -m zotero_bridge.cli``
keep working.

Output discipline as in bibkit: data (the dry-run plan, listings, ``-o -``)
on stdout; progress, summaries and errors on stderr.  Exit codes are bibkit's
(:class:`bibkit.errors.ExitCode`): 6 when Zotero is unreachable, refuses, or a
sync could not be completed; 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

from bibkit import __version__, app  # bibkit.app loads each name on first use: --help stays fast
from bibkit.cli.common import (
    accept_global_flags_after_command,
    add_report_option,
    advance,
    print_summary,
    progress,
    run_main,
    stage_feed,
    table,
    write_report,
)
from bibkit.cli.options import add_key_format_option, add_tag_options, tag_options
from bibkit.config import ConfigError, Settings, load_settings, seconds
from bibkit.errors import BibkitError, ExitCode
from bibkit.fileio import atomic_write_text
from bibkit.outcomes import Transport


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(zotero_url=getattr(args, "zotero_url", None),
                         zotero_allow_remote=True if getattr(args, "allow_remote", False) else None)


def _notify(message: str) -> None:
    print(f"zotero-bridge: {message}", file=sys.stderr)


# --------------------------------------------------------------------------- sync


def _tagging_asked(args: argparse.Namespace) -> bool:
    """Plain ``sync`` tags only when asked (``--rules`` or an automatic-tag switch); ``--collection-per-tag``
    always tags, exactly as ``bibkit collections`` does, so both show the same split."""
    if getattr(args, "collection_per_tag", None):
        return True
    return bool(args.rules) or any(getattr(args, name, None) is not None
                                   for name in ("category_tags", "code_tags", "keyword_tags"))


def cmd_sync(args: argparse.Namespace) -> int:
    settings = _settings(args)
    tagging = tag_options(args) if _tagging_asked(args) else None  # bad rules stop here, before any reading
    options = app.SyncOptions(tags=tuple(args.tag or ()), via=Transport(args.via) if args.via else None,
                              dry_run=args.dry_run, prune_tags=args.prune_tags, resave_unknown=args.resave_unknown,
                              timeout=args.timeout)
    target = app.ZoteroTarget(args.collection_per_tag or args.collection, per_tag=bool(args.collection_per_tag),
                              sync=options)
    read = app.ReadOptions(fmt=args.from_format, key_format=args.key_format)
    with progress(args, total=None, desc="zotero", unit="entry") as bar:
        result = app.sync(args.inputs, target, read=read, tagging=tagging, settings=settings,
                          on_progress=stage_feed(bar, stages=("zotero",)), notify=_notify)
    report: dict[str, Any] = {"inputs": args.inputs, "input_problems": [str(p) for p in result.problems]}
    if result.tagging is not None:
        rules = result.tagging.rules
        report["tagging"] = {"rules_file": rules.path if rules is not None else None, **result.tagging.totals(),
                             "tags": [c.as_dict() for c in result.tagging.counts()]}
    if result.zotero_error is not None or result.sync is None:
        error = result.zotero_error
        write_report(args.report, {**report, "error": str(error), "complete": False})
        if error is not None:
            raise error
        return ExitCode.ZOTERO
    sync = result.sync
    if args.dry_run:
        sys.stdout.write(table(sync.plan.rows(), sync.plan.HEADERS))
    title = "zotero-bridge sync" + (" (dry run: nothing changed)" if args.dry_run else "")
    print_summary(args, title, sync.summary_rows(), notes=sync.problem_lines(fold=3) + sync.notes)
    write_report(args.report, {**report, **sync.as_dict()})
    if sync.interrupted:
        print("zotero-bridge: interrupted; run the same command again to complete it", file=sys.stderr)
    return sync.exit_code


def _timeout(text: str) -> float:
    """``--timeout``: the settings' one rule for a timeout (:func:`bibkit.config.seconds`), said by argparse."""
    try:
        return seconds(text, "--timeout", kind="timeout")
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# --------------------------------------------------------------------------- tag


def cmd_tag(args: argparse.Namespace) -> int:
    tagging = tag_options(args)  # a bad rules file stops here, before Zotero is asked anything
    try:
        with progress(args, total=None, desc="zotero tag", unit="item") as bar:
            result = app.tag_zotero_collection(args.collection, tagging, recursive=args.recursive,
                                               dry_run=args.dry_run, timeout=args.timeout, settings=_settings(args),
                                               progress=advance(bar), notify=_notify)
    except BibkitError as exc:
        write_report(args.report, {"collection": args.collection, "error": str(exc), "complete": False})
        raise
    plan = result.plan
    out = sys.stdout if args.dry_run else sys.stderr
    if args.dry_run or not args.quiet:
        rows = plan.count_rows()
        out.write(table(rows, plan.COUNT_HEADERS) if rows else "no tags\n")
        changes = plan.change_rows()
        verb = "would change" if args.dry_run else "changed"
        out.write(f"\n{len(changes)} of {len(plan.items)} items {verb}" + (":\n" if changes else ".\n"))
        limit = None if args.dry_run else 20
        shown = changes if limit is None else changes[:limit]
        if shown:
            out.write(table(shown, plan.CHANGE_HEADERS))
        if limit is not None and len(changes) > limit:
            out.write(f"… and {len(changes) - limit} more (see --report)\n")
    title = "zotero-bridge tag" + (" (dry run: nothing changed)" if args.dry_run else "")
    print_summary(args, title, result.summary_rows(), notes=result.problems + result.notes)
    write_report(args.report, result.as_dict)
    if result.interrupted:
        print("zotero-bridge: interrupted; run the same command again to complete it", file=sys.stderr)
    return result.exit_code


# --------------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    result = app.export_zotero_collection(args.collection, recursive=args.recursive, to=args.to, native=args.native,
                                          key_format=args.key_format, settings=_settings(args))
    atomic_write_text(args.output, result.text)
    rows = [("collection", result.collection), ("entries", len(result.entries)),
            ("writer", "Zotero's BibTeX translator" if result.native else f"bibkit ({args.to})"),
            ("output", args.output), ("requests", f"{result.requests.reads} reads")]
    print_summary(args, "zotero-bridge export", rows, notes=result.problems)
    write_report(args.report, result.as_dict)
    return ExitCode.OK


# --------------------------------------------------------------------------- collections / status


def cmd_collections(args: argparse.Namespace) -> int:
    infos = app.zotero_collections(_settings(args))
    if args.json:
        print(json.dumps([c.as_dict() for c in infos], indent=2, ensure_ascii=False))
    else:
        rows = [(c.path, "" if c.items is None else c.items, c.key) for c in infos]
        sys.stdout.write(table(rows, ("collection", "items", "key")))
    return ExitCode.OK


def cmd_status(args: argparse.Namespace) -> int:
    st = app.zotero_status(_settings(args))
    if args.json:
        print(json.dumps(st.as_dict(), indent=2))
    else:
        if st.broken:
            print(f"Zotero: {st.error}")
        elif not st.running:
            print(f"Zotero: not reachable at {st.url}")
        else:
            api = {"enabled": "on" + (" (reads and writes)" if st.writes else " (reads only)"),
                   "disabled": "off", "absent": "not available in this version", "unknown": "unknown"}[st.local_api]
            print(f"Zotero:     {st.version or '?'} at {st.url}")
            print(f"connector:  {'available' if st.connector else 'not answering'}")
            print(f"local API:  {api}")
            if st.server_id:
                print(f"server ID:  {st.server_id}")
            print(f"sync via:   {', '.join(st.transports) or 'nothing'}"
                  + (f" (default: {st.transports[0]})" if st.transports else ""))
        for line in st.advice():
            print(f"to do:      {line}")
    return ExitCode.OK if st.running else ExitCode.ZOTERO


# --------------------------------------------------------------------------- fake server


def cmd_fake_server(args: argparse.Namespace) -> int:
    import threading

    from bibkit.testing.services import stop_on_signals

    from .testing import serve  # lazy, for start-up time: the double is only loaded to run it

    # serve() prints the address once it listens (the real port, also for --port 0); Ctrl-C, SIGTERM or a
    # closed terminal stop it the same clean way, so a temporary profile is always removed
    stop = threading.Event()
    with stop_on_signals(stop):
        try:
            serve(args.zotero_version, args.port, args.db, local_api=not args.no_local_api, authorize=args.authorize,
                  stop=stop)
        except KeyboardInterrupt:
            pass
    return ExitCode.OK


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zotero-bridge",
        description="Sync bibkit entries into Zotero collections (idempotent) and export collections as .bib. "
                    "Example: zotero-bridge sync refs.bib --collection \"Reading/MoE\" --dry-run",
    )
    parser.add_argument("--version", action="version", version=f"zotero-bridge (bibkit {__version__})")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    parser.add_argument("--zotero-url", metavar="URL", help="Zotero's local server (default: BIBKIT_ZOTERO_URL or "
                                                            "http://127.0.0.1:23119), e.g. --zotero-url "
                                                            "http://127.0.0.1:23120")
    parser.add_argument("--allow-remote", action="store_true",
                        help="let the bridge talk to a Zotero URL that is not this computer (e.g. a tunnel: "
                             "zotero-bridge --zotero-url http://zotero-box:23119 --allow-remote status); by default "
                             "only 127.0.0.1/localhost are used, so your library and API key stay home")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    timeout_help = "how long to wait for Zotero per request (default 30), e.g. --timeout 120"

    p = sub.add_parser(
        "sync", help="put entries into a Zotero collection (creates, updates, tags; idempotent)",
        description="Put entries into a Zotero collection (or one subcollection per tag), idempotently. Entries are "
                    "tagged first, as 'bibkit tag' does, when --rules or an automatic-tag switch is given; "
                    "--collection-per-tag always tags them, so its split is the one 'bibkit collections' shows. "
                    "Example: zotero-bridge sync refs.bib notes.txt --collection \"Reading/MoE\" --dry-run")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="anything bibkit reads (.bib, listing, IDs, HF JSON; - for stdin), any number, read as one "
                        "bibliography (duplicates merged), e.g. refs.bib arxiv-ids.txt")
    p.add_argument("--from", dest="from_format", metavar="FORMAT",
                   help="input format (default: detected), e.g. --from bib")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--collection", metavar="PATH", help='target collection, e.g. "Reading/MoE"')
    where.add_argument("--collection-per-tag", metavar="PARENT",
                       help="one subcollection PARENT/<tag> per tag, each entry in the collections of all its tags "
                            "(entries are tagged first, as 'bibkit collections' shows; untagged ones go into PARENT; "
                            "several collections per item need Zotero 10), e.g. --collection-per-tag Reading")
    p.add_argument("--tag", action="append", metavar="TAG",
                   help="add this tag to every entry (repeatable; makes no collection with --collection-per-tag), "
                        "e.g. --tag to-read")
    p.add_argument("--dry-run", action="store_true",
                   help="print the plan as a table and change nothing; the exit code is the real run's (6 when "
                        "something could not be done)")
    p.add_argument("--via", choices=[t.value for t in Transport],
                   help="force a transport (default: detected; e.g. --via connector)")
    p.add_argument("--prune-tags", metavar="PREFIX",
                   help="remove tags starting with PREFIX that the input no longer asks for (never other tags), "
                        "e.g. --prune-tags bibkit:")
    p.add_argument("--resave-unknown", action="store_true",
                   help="re-send entries an interrupted connector save left in an unknown state")
    p.add_argument("--timeout", type=_timeout, metavar="SECONDS", help=timeout_help)
    add_key_format_option(p)
    add_tag_options(p)
    add_report_option(p)
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser(
        "tag", help="tag the items already in a Zotero collection from a rules file (Zotero 10)",
        description="Read the items of a Zotero collection, decide their tags with a rules file (and automatic "
                    "tags) as 'bibkit tag' does, and add the new tags as manual tags. Tags are only ever added. "
                    "Needs Zotero 10 or later with the local API on. "
                    "Example: zotero-bridge tag --collection \"Reading/MoE\" --rules tags.toml --dry-run")
    p.add_argument("--collection", required=True, metavar="PATH", help='the collection, e.g. "Reading/MoE"')
    p.add_argument("--recursive", action="store_true", help="also tag the items of its subcollections")
    p.add_argument("--dry-run", action="store_true",
                   help="print per-tag counts and the items that would change, and change nothing")
    p.add_argument("--timeout", type=_timeout, metavar="SECONDS", help=timeout_help)
    add_tag_options(p, rules_required=True)
    add_report_option(p)
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser(
        "export", help="write a Zotero collection as .bib",
        description="Read the items of a Zotero collection (needs the local API) and write them as .bib with the "
                    "citation keys Zotero holds (Better BibTeX's pinned keys included); items without one get a "
                    "key from the key formula. Example: zotero-bridge export --collection \"Reading/MoE\" "
                    "-o reading.bib --to biblatex")
    p.add_argument("--collection", required=True, metavar="PATH", help='the collection to export, e.g. "Reading/MoE"')
    p.add_argument("--recursive", action="store_true", help="include the items of subcollections")
    p.add_argument("-o", "--output", required=True, metavar="OUT.bib",
                   help="output file ('-' for stdout; written atomically), e.g. -o reading.bib")
    p.add_argument("--to", choices=("bibtex", "biblatex"), default="bibtex",
                   help="BibTeX or BibLaTeX (default: bibtex), e.g. --to biblatex")
    p.add_argument("--native", action="store_true",
                   help="use Zotero's own BibTeX translator instead of bibkit's writer")
    add_key_format_option(p)
    add_report_option(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "collections", help="list collection paths with item counts",
        description="List every collection of the library as a path (\"Reading/MoE\") with its item count and key, "
                    "for --collection. Example: zotero-bridge collections --json")
    p.add_argument("--json", action="store_true", help="as JSON (path, items, key) instead of a table")
    p.set_defaults(func=cmd_collections)

    p = sub.add_parser(
        "status", help="which Zotero, which transports, what to enable",
        description="Ask the running Zotero which version it is, whether its connector and local API answer, "
                    "which transport a sync would use, and what to enable in Zotero's settings; exit code 6 when "
                    "Zotero is not reachable. Example: zotero-bridge status")
    p.add_argument("--json", action="store_true", help="as JSON instead of text")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "fake-server", help="run a Zotero double on 127.0.0.1 (to try the bridge by hand)",
        description="Run zotero_bridge.testing.FakeZotero, a stand-in for Zotero 7-10's local server (connector, "
                    "local API, authorization window), until Ctrl-C; its library lives in a temporary file unless "
                    "--db is given. Example: zotero-bridge fake-server --zotero-version 8 --port 23120")
    p.add_argument("--zotero-version", default="10",
                   help="7, 8, 9, 10 or a full version like 7.0.32 (default 10), e.g. --zotero-version 8")
    p.add_argument("--port", type=int, default=23119,
                   help="the port to listen on (default 23119, Zotero's own; 0 = any free port), e.g. --port 23120")
    p.add_argument("--db", metavar="FILE",
                   help="SQLite file to keep the library in across runs (default: temporary), e.g. --db zotero.sqlite")
    p.add_argument("--no-local-api", action="store_true", help="as if the local API were turned off")
    p.add_argument("--authorize", choices=("always", "allow", "deny"), default="always",
                   help="the answer to the authorization window (default: always), e.g. --authorize deny")
    p.set_defaults(func=cmd_fake_server)

    from bibkit.cli.completion import add_completion_parser

    add_completion_parser(sub, "zotero-bridge", build_parser)
    accept_global_flags_after_command(sub)
    for command in sub.choices.values():  # `zotero-bridge status --allow-remote` works too
        command.add_argument("--allow-remote", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zotero-bridge`` console script; returns the exit code."""
    return run_main(build_parser(), argv, "zotero-bridge")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
