"""Tests of the probe setups file and the rule that defines it."""

from __future__ import annotations

from pathlib import Path

import pytest

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import CodebookError
from indievaluecatalog.splits import load_probe_setups, setups_from_rule

SETUP_0 = [
    "Q1",
    "Q2",
    "Q3",
    "Q46",
    "Q47",
    "Q48",
    "Q57",
    "Q58",
    "Q59",
    "Q106",
    "Q107",
    "Q108",
    "Q112",
    "Q113",
    "Q114",
    "Q121",
    "Q122",
    "Q123",
    "Q131",
    "Q132",
    "Q133",
    "Q152",
    "Q153",
    "Q154",
    "Q158",
    "Q159",
    "Q160",
    "Q164",
    "Q165",
    "Q166",
    "Q176",
    "Q177",
    "Q178",
    "Q199",
    "Q200",
    "Q201",
    "Q235",
    "Q236",
    "Q237",
]


def test_rule_reproduces_listed_setups(codebook: Codebook) -> None:
    """The rule applied to the codebook gives exactly the setups listed in the data file."""
    listed = load_probe_setups(codebook=codebook)
    derived = setups_from_rule(codebook, n_setups=3, items_per_category=listed.items_per_category)
    assert tuple(s.probes_by_category for s in derived) == tuple(s.probes_by_category for s in listed.setups)


def test_setups_have_39_probes_and_108_distinct(codebook: Codebook) -> None:
    """Each setup has 39 distinct probes, and the three cover 108 distinct questions."""
    setups = load_probe_setups(codebook=codebook)
    for setup in setups.setups:
        assert len(setup.question_ids) == 39
        assert len(set(setup.question_ids)) == 39
    assert len(setups.distinct_questions) == 108


def test_setup_zero_matches_published_list(codebook: Codebook) -> None:
    """Setup 0 is the published list of 39 questions."""
    assert list(load_probe_setups(codebook=codebook).setup(0).question_ids) == SETUP_0


def test_unknown_setup_raises(codebook: Codebook) -> None:
    """Asking for setup 3 raises CodebookError listing the known setups."""
    with pytest.raises(CodebookError, match=r"known setups: \[0, 1, 2\]"):
        load_probe_setups(codebook=codebook).setup(3)


def test_malformed_file_raises(tmp_path: Path) -> None:
    """A setups file without `setup` numbers raises CodebookError naming the file."""
    path = tmp_path / "setups.yaml"
    path.write_text("name: x\nversion: '1'\nrule: {items_per_category: 3}\nsetups:\n- probes: {A: [Q1]}\n")
    with pytest.raises(CodebookError, match=r"setups\.yaml is malformed"):
        load_probe_setups(path)


def test_missing_file_raises(tmp_path: Path) -> None:
    """A missing setups file raises CodebookError naming the path."""
    with pytest.raises(CodebookError, match="not found"):
        load_probe_setups(tmp_path / "absent.yaml")


def test_unknown_question_raises(tmp_path: Path, codebook: Codebook) -> None:
    """A setups file naming a question the codebook lacks raises CodebookError naming it."""
    path = tmp_path / "setups.yaml"
    path.write_text(
        "name: x\nversion: '1'\nrule: {items_per_category: 1}\nsetups:\n- setup: 0\n  probes: {A: [Q999]}\n"
    )
    with pytest.raises(CodebookError, match="Q999"):
        load_probe_setups(path, codebook=codebook)
