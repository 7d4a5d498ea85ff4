"""``bibkit rules``: the example rules file shipped with bibkit, and checking a rules file."""

from __future__ import annotations

from ..tagging.example import example_rules, write_example_rules

__all__ = ["example_rules", "write_example_rules"]
