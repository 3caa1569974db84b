"""Tests of the answer parsers of the generation formats."""

from __future__ import annotations

import pytest

from indievaluecatalog.prompts import parse_generate_answer, parse_single_answer
from indievaluecatalog.splits import TaskInstance


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Option 3", 2),
        ("option 2.", 1),
        ("3", 2),
        ("(1)", 0),
        ("```\nOption 4\n```", 3),
        ("The person would most likely choose Option 2, because they value family.", 1),
        ("Option 5", None),
        ("0", None),
        ("I cannot tell.", None),
        ("", None),
        ("Between 1 and 2 I pick neither", None),
        ("Answer: 4", 3),
    ],
)
def test_parse_single_answer(text: str, expected: int | None) -> None:
    """Single answers parse to a zero-based index, or None when missing, ambiguous or out of range."""
    assert parse_single_answer(text, 4) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"Q1": 2, "Q2": 1, "Q46": 4}', [1, 0, 3]),
        ('Sure!\n```json\n{"Q1": "2", "Q2": "Option 3", "Q46": 1}\n```\nDone.', [1, 2, 0]),
        ('{"q1": 1, "Q2": 9, "Q46": true}', [0, None, None]),
        ('{"Q1": 1, "Q1": 2, "Q2": 1}', [None, 0, None]),
        ("Q1: Option 2\nQ2: 4\nQ46 - 1", [1, 3, 0]),
        ("Q1: 1\nQ1: 2\nQ2: 3", [None, 2, None]),
        ("no answer here", [None, None, None]),
        ('{"Q1": 2, "Q2": ', [1, None, None]),  # a truncated object falls back to the pairs it has
    ],
)
def test_parse_generate_answer(text: str, expected: list[int | None], instance: TaskInstance) -> None:
    """All-probe answers parse per probe; duplicates, bad numbers and missing probes give None."""
    assert parse_generate_answer(text, instance, "refined") == expected


def test_parse_generate_checks_granularity(instance: TaskInstance) -> None:
    """Option numbers are checked against the option count at the requested granularity."""
    assert parse_generate_answer('{"Q1": 3, "Q2": 2, "Q46": 2}', instance, "polar") == [None, 1, 1]
