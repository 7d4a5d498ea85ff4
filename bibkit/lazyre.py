"""Module-level regular expressions compiled on first use, for start-up time.

bibkit's modules hold well over a hundred compiled patterns; compiling them all
at import cost ~12 ms of every run, and ``bibkit convert`` of one entry uses
about a quarter of them (most serve uncommon input: math, Greek, stray
escapes, old-style arXiv ids, malformed blocks).  ``_X = compile_on_first_use(__name__, r"…")``
binds a stand-in; the first use compiles the pattern and puts the compiled
``re.Pattern`` in the stand-in's place under every name its module binds it
to, so from then on the module's own functions find a plain pattern in their
globals: nothing is paid per use, and the pattern is compiled once, as before.

For private patterns used by their own module's functions.  A stand-in taken
elsewhere before the first use (``from m import _X``, a table of patterns)
keeps forwarding to the compiled pattern — correct, one indirection slower —
so public and tabulated patterns are compiled at import as before.
"""

from __future__ import annotations

import re
import sys
from typing import Any, cast

__all__ = ["compile_on_first_use"]


class _Deferred:
    """A pattern not compiled yet (see the module docstring)."""

    __slots__ = ("_module", "_source", "_flags", "_compiled")

    def __init__(self, module: str, source: str, flags: int) -> None:
        self._module = module
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def _compile(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
            namespace = vars(sys.modules[self._module])
            for name, value in list(namespace.items()):
                if value is self:
                    namespace[name] = compiled
        return compiled

    def __getattr__(self, attr: str) -> Any:  # only for what the slots are not: the pattern's own attributes
        return getattr(self._compile(), attr)

    def __repr__(self) -> str:
        return repr(self._compile())


def compile_on_first_use(module: str, source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, done the first time the pattern is used (``module`` is ``__name__``)."""
    return cast("re.Pattern[str]", _Deferred(module, source, flags))
