"""bibkit.lazyre: a module-level pattern compiled on first use behaves as the compiled pattern, and then is it."""

from __future__ import annotations

import re
import sys
import types

from bibkit.lazyre import compile_on_first_use


def _module(name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module
    return module


def test_compiled_on_first_use_then_replaced_under_every_name():
    module = _module("lazyre_probe")
    try:
        module.WORD = module.ALIAS = compile_on_first_use("lazyre_probe", r"[a-z]+", re.IGNORECASE)
        assert not isinstance(vars(module)["WORD"], re.Pattern)  # nothing compiled at "import"
        assert module.WORD.findall("Ab 12 cD") == ["Ab", "cD"]  # flags kept
        assert isinstance(module.WORD, re.Pattern) and module.ALIAS is module.WORD  # every binding replaced
        assert module.WORD.pattern == "[a-z]+" and module.WORD.flags & re.IGNORECASE
    finally:
        del sys.modules["lazyre_probe"]


def test_a_stand_in_kept_elsewhere_still_works():
    module = _module("lazyre_probe2")
    try:
        table = [compile_on_first_use("lazyre_probe2", r"\d+")]
        module.DIGITS = table[0]
        assert table[0].sub("#", "a1b22") == "a#b#" and table[0].sub("#", "3") == "#"
        assert isinstance(module.DIGITS, re.Pattern)
        assert repr(table[0]) == repr(re.compile(r"\d+"))
    finally:
        del sys.modules["lazyre_probe2"]
