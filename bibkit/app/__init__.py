"""bibkit's public Python API: every command of ``bibkit`` and ``zotero-bridge`` is a thin layer over a function here.

This is the application layer — the only place that imports both the stages
(readers, normalisation, enrichment, tagging, writers) and the Zotero bridge,
and strings them into jobs.  Options are typed, frozen values with the
command line's defaults; results are typed objects whose ``as_dict()`` is the
command's ``--report`` JSON and whose exit code is decided from typed outcomes.

==============================  ================================================
``bibkit build``                :func:`build` with :class:`BuildOptions`
``bibkit convert``              :func:`convert`
``bibkit enrich``               :func:`enrich`
``bibkit tag``                  :func:`tag`
``bibkit collections``          :func:`collections`
``bibkit cite``                 :func:`cite`
``bibkit repos``                :func:`list_repos`
``bibkit pick``                 :func:`pick`
``zotero-bridge sync``          :func:`sync` (one :class:`ZoteroTarget`)
``zotero-bridge tag``           :func:`tag_zotero_collection`
``zotero-bridge export``        :func:`export_zotero_collection`
``zotero-bridge collections``   :func:`zotero_collections`
``zotero-bridge status``        :func:`zotero_status`
``bibkit tidy``                 :func:`tidy_file` with :class:`TidyOptions` (:func:`write_result`)
``bibkit services``             :func:`start_doubles` (:data:`DOUBLES`, :func:`env_lines`)
``bibkit rules``                :func:`write_example_rules`, :func:`load_rules`
==============================  ================================================

>>> from bibkit.app import BuildOptions, TagOptions, build                      # doctest: +SKIP
>>> result = build(["examples/hf-trending-papers.txt"], "refs.bib",
...                BuildOptions(tagging=TagOptions(rules="examples/tags.toml")))
>>> result.enrichment.totals["resolved"], result.exit_code(strict=True)

Importing this package costs nothing: each name loads its module on first use
(``bibkit --help`` and ``zotero-bridge --help`` must start fast, without the
HTTP stack).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    # options
    "BuildOptions", "CiteOptions", "EnrichOptions", "INPUT_FORMATS", "INPUT_FORMAT_HELP", "OUTPUT_FORMATS", "Prefer",
    "ReadOptions", "ReposOptions", "SyncOptions", "TagOptions", "VenueStyle", "WriteOptions", "ZoteroTarget",
    # jobs and results
    "BuildResult", "CollectionsResult", "build", "collections", "convert", "enrich", "load_ruleset", "sync", "tag",
    "CiteResult", "cite", "read_source", "ReposResult", "list_repos", "REPO_FORMATS", "REPO_SORTS", "render_rows",
    "sync_entries", "tag_zotero_collection", "export_zotero_collection", "zotero_collections", "zotero_status",
    "PickResult", "pick", "rekey_entries",
    # the steps every job shares
    "key_formula", "normalise_document", "read_inputs", "read_normalised", "render", "write_output",
    # what the command lines show
    "AutoTagOptions", "RuleSet", "TagResult", "SERVICES", "load_rules", "resolve_options",
    # the everyday tools: tidy, the service doubles, the example rules
    "DEFAULT_DUPLICATE_RULES", "DEFAULT_FIELD_ORDER", "DUPLICATE_RULES", "FormulaError", "MERGE_STRATEGIES",
    "OptionError", "TidyOptions", "TidyResult", "configured_key_format", "tidy_file", "write_result",
    "DOUBLES", "DOUBLE_FORMATS", "DoubleSpec", "RunningDouble", "env_lines", "register_double", "start_doubles",
    "stop_doubles", "stop_on_signals", "wait_for_stop", "example_rules", "write_example_rules",
]

_EXPORTS = {
    "BuildOptions": "options", "CiteOptions": "options", "EnrichOptions": "options", "INPUT_FORMATS": "options",
    "INPUT_FORMAT_HELP": "options", "OUTPUT_FORMATS": "options", "ReadOptions": "options",
    "SyncOptions": "options", "TagOptions": "options", "WriteOptions": "options", "ZoteroTarget": "options",
    "Prefer": "options", "VenueStyle": "options", "ReposOptions": "repositories",
    "BuildResult": "jobs", "CollectionsResult": "jobs", "build": "jobs", "collections": "jobs",
    "convert": "jobs", "enrich": "jobs", "sync": "jobs", "tag": "jobs", "load_ruleset": "jobs",
    "CiteResult": "citing", "cite": "citing", "read_source": "citing",
    "PickResult": "picking", "pick": "picking", "rekey_entries": "documents",
    "ReposResult": "repositories", "list_repos": "repositories", "REPO_FORMATS": "repositories",
    "REPO_SORTS": "repositories", "render_rows": "repositories",
    "sync_entries": "zotero", "tag_zotero_collection": "zotero", "export_zotero_collection": "zotero",
    "zotero_collections": "zotero", "zotero_status": "zotero",
    "key_formula": "documents", "normalise_document": "documents", "read_inputs": "documents",
    "read_normalised": "documents", "render": "documents", "write_output": "documents",
    # what the command lines show, from the stages themselves (loaded only by a command that needs them)
    "AutoTagOptions": "..tagging", "RuleSet": "..tagging", "TagResult": "..tagging", "SERVICES": "..enrich",
    "load_rules": "..tagging", "resolve_options": "..tagging",
    **dict.fromkeys(("DEFAULT_DUPLICATE_RULES", "DEFAULT_FIELD_ORDER", "DUPLICATE_RULES", "FormulaError",
                     "MERGE_STRATEGIES", "OptionError", "TidyOptions", "TidyResult", "configured_key_format",
                     "tidy_file", "write_result"), "tidying"),
    **dict.fromkeys(("DOUBLES", "DoubleSpec", "RunningDouble", "env_lines", "register_double", "start_doubles",
                     "stop_doubles", "stop_on_signals", "wait_for_stop"), "doubles"),
    **dict.fromkeys(("example_rules", "write_example_rules"), "rules_file"),
}
#: names exported under another name than their module's
_RENAMED = {"DOUBLE_FORMATS": ("doubles", "FORMATS")}

if TYPE_CHECKING:  # pragma: no cover - what the lazy names are, for type checkers and readers
    from ..enrich import SERVICES
    from ..tagging import AutoTagOptions, RuleSet, TagResult, load_rules, resolve_options
    from .citing import CiteResult, cite, read_source
    from .documents import (
        key_formula,
        normalise_document,
        read_inputs,
        read_normalised,
        rekey_entries,
        render,
        write_output,
    )
    from .doubles import (
        DOUBLES,
        DoubleSpec,
        RunningDouble,
        env_lines,
        register_double,
        start_doubles,
        stop_doubles,
        wait_for_stop,
    )
    from .doubles import FORMATS as DOUBLE_FORMATS
    from .jobs import BuildResult, CollectionsResult, build, collections, convert, enrich, load_ruleset, sync, tag
    from .options import (
        INPUT_FORMAT_HELP,
        INPUT_FORMATS,
        OUTPUT_FORMATS,
        BuildOptions,
        CiteOptions,
        EnrichOptions,
        Prefer,
        ReadOptions,
        SyncOptions,
        TagOptions,
        VenueStyle,
        WriteOptions,
        ZoteroTarget,
    )
    from .picking import PickResult, pick
    from .repositories import REPO_FORMATS, REPO_SORTS, ReposOptions, ReposResult, list_repos, render_rows
    from .rules_file import example_rules, write_example_rules
    from .tidying import (
        DEFAULT_DUPLICATE_RULES,
        DEFAULT_FIELD_ORDER,
        DUPLICATE_RULES,
        MERGE_STRATEGIES,
        FormulaError,
        OptionError,
        TidyOptions,
        TidyResult,
        configured_key_format,
        tidy_file,
        write_result,
    )
    from .zotero import export_zotero_collection, sync_entries, tag_zotero_collection, zotero_collections, zotero_status


def __getattr__(name: str) -> Any:
    # lazy, for start-up time: a name's module (and the stages it needs) is imported when the name is first used
    module, attr = _RENAMED.get(name, (_EXPORTS.get(name), name))
    if module is None:
        raise AttributeError(f"module 'bibkit.app' has no attribute {name!r}")
    # "jobs" is a module of this package, "..tagging" a stage's (relative to this package)
    value = getattr(importlib.import_module(module if module.startswith(".") else f".{module}", __name__), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
