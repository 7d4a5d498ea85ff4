"""Identifiers.others: one shared, read-only empty mapping until add_other replaces it (#15's memory work).

It must still behave as the ``{}`` it stands for wherever entries' identifiers are copied, compared or
written out, and refuse changes (they would reach every entry) with a clear message.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle

import pytest

from bibkit.model import NO_OTHERS, Identifiers


def test_the_shared_empty_mapping_is_plain_data():
    ids = Identifiers(arxiv="2401.00001")
    assert json.loads(json.dumps(dataclasses.asdict(ids)))["others"] == {}
    assert ids == Identifiers(arxiv="2401.00001", others={})
    assert copy.deepcopy(ids).others is NO_OTHERS
    assert pickle.loads(pickle.dumps(ids)).others is NO_OTHERS


def test_changes_are_refused_and_add_other_gives_an_entry_its_own():
    a, b = Identifiers(), Identifiers()
    with pytest.raises(TypeError, match="add_other"):
        a.others["dblp"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError, match="add_other"):
        NO_OTHERS.update(dblp="x")  # type: ignore[attr-defined]
    assert a.add_other("dblp", "conf/x/1") and not a.add_other("dblp", "conf/y/2")
    assert a.others == {"dblp": "conf/x/1"} and b.others == {} and NO_OTHERS == {}
