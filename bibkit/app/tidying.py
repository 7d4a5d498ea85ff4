"""``bibkit tidy``: tidying ``.bib`` files is :mod:`bibkit.tidy`; this is where the command line reaches it.

The options are :class:`~bibkit.tidy.TidyOptions` (typed, frozen, the command
line's defaults); one file at a time goes through :func:`tidy_file` and, when
asked, :func:`write_result`.  ``--rekey`` without a formula takes the configured
one (:func:`key_formula`), as every other command does.
"""

from __future__ import annotations

from ..config import Settings, load_settings
from ..normalize.citekeys import FormulaError
from ..tidy import DEFAULT_FIELD_ORDER, OptionError, TidyOptions, TidyResult, tidy_file, write_result
from ..tidy.options import DEFAULT_DUPLICATE_RULES, DUPLICATE_RULES, MERGE_STRATEGIES

__all__ = ["DEFAULT_DUPLICATE_RULES", "DEFAULT_FIELD_ORDER", "DUPLICATE_RULES", "FormulaError", "MERGE_STRATEGIES",
           "OptionError", "TidyOptions", "TidyResult", "configured_key_format", "tidy_file", "write_result"]


def configured_key_format(settings: Settings | None = None) -> str:
    """The key formula ``--rekey`` uses when none is given: ``[citekey] format`` / ``BIBKIT_CITEKEY_FORMAT``."""
    return (settings or load_settings()).citekey_format
