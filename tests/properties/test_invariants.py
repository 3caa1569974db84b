"""Property tests of the invariants that every seed and input must keep."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from indievaluecatalog.codebook import GRANULARITIES, load_codebook
from indievaluecatalog.metrics._groups import value_inequity_index
from indievaluecatalog.prompts import parse_single_answer
from indievaluecatalog.splits import DEMO_COUNTS, draw_demonstrations, load_probe_setups

BOOK = load_codebook()
SETUPS = load_probe_setups()
QUESTION_IDS = [q.id for q in BOOK.questions]


@given(st.sampled_from(QUESTION_IDS), st.integers(min_value=-5, max_value=12))
def test_every_code_maps_to_at_most_one_option(question_id: str, code: int) -> None:
    """A code maps to one option per granularity when valid, and to none when missing or unknown."""
    question = BOOK.question(question_id)
    for granularity in GRANULARITIES:
        holders = [o for o in question.options(granularity) if code in o.codes]
        option = question.option_for_code(code, granularity)
        if code in question.codes:
            assert len(holders) == 1
            assert option == holders[0]
        else:
            assert holders == []
            assert option is None


@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    respondent=st.text(alphabet="0123456789ABCDEF", min_size=4, max_size=16),
    setup=st.integers(min_value=0, max_value=2),
    demos=st.sampled_from(DEMO_COUNTS),
    answered=st.sets(st.sampled_from(QUESTION_IDS), min_size=0, max_size=253),
)
def test_demonstrations_never_probe_and_are_stable(
    seed: int, respondent: str, setup: int, demos: str, answered: set[str]
) -> None:
    """Draws stay inside the non-probe pool, never repeat, respect N, and repeat for the same key."""
    probes = set(SETUPS.setup(setup).question_ids)
    pool = [q for q in QUESTION_IDS if q in answered and q not in probes]
    draw = draw_demonstrations(pool, seed=seed, respondent_id=f"R{respondent}", setup=setup, demos=demos)
    again = draw_demonstrations(pool, seed=seed, respondent_id=f"R{respondent}", setup=setup, demos=demos)
    assert draw == again
    assert set(draw.questions) <= set(pool)
    assert not set(draw.questions) & probes
    assert len(set(draw.questions)) == len(draw.questions)
    assert len(draw.questions) == min(draw.requested, len(pool))
    if demos == "mixed":
        assert 50 <= draw.requested <= 200
    else:
        assert draw.requested == int(demos)


@given(st.text(max_size=200), st.integers(min_value=1, max_value=10))
def test_single_answer_parser_total(text: str, n_options: int) -> None:
    """The single-probe parser never raises and returns None or an index in range."""
    index = parse_single_answer(text, n_options)
    assert index is None or 0 <= index < n_options


@given(st.integers(min_value=1, max_value=10), st.integers(min_value=1, max_value=10))
def test_single_answer_parser_reads_option_k(k: int, n_options: int) -> None:
    """ "Option k" parses to k - 1 exactly when k is a valid option number."""
    expected = k - 1 if k <= n_options else None
    assert parse_single_answer(f"Option {k}", n_options) == expected


@st.composite
def people_tables(draw: st.DrawFn) -> tuple[pd.Series, pd.DataFrame]:
    size = draw(st.integers(min_value=2, max_value=40))
    ids = [f"R{i:04d}" for i in range(size)]
    accuracy = draw(st.lists(st.floats(0.0, 1.0), min_size=size, max_size=size))
    groups = draw(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=size, max_size=size))
    people = pd.DataFrame({"dimension": groups}, index=ids)
    return pd.Series(accuracy, index=ids), people


@given(people_tables(), st.randoms(use_true_random=False))
def test_inequity_index_ignores_row_order(tables: tuple[pd.Series, pd.DataFrame], random: object) -> None:
    """The Value Inequity Index is the same for any order of the people."""
    accuracy, people = tables
    order = list(accuracy.index)
    random.shuffle(order)  # type: ignore[attr-defined]
    first = value_inequity_index(accuracy, people, ["dimension"]).index
    second = value_inequity_index(accuracy[order], people.loc[order], ["dimension"]).index
    if np.isnan(first):
        assert np.isnan(second)
    else:
        assert abs(first - second) < 1e-9
        assert first >= 0.0


@given(st.floats(0.0, 1.0), st.integers(min_value=2, max_value=30))
def test_inequity_index_zero_for_equal_groups(value: float, size: int) -> None:
    """Groups with equal mean accuracy have an index of zero."""
    ids = [f"R{i:04d}" for i in range(size)]
    accuracy = pd.Series([value] * size, index=ids)
    people = pd.DataFrame({"dimension": ["a" if i % 2 else "b" for i in range(size)]}, index=ids)
    assert value_inequity_index(accuracy, people, ["dimension"]).index < 1e-9
